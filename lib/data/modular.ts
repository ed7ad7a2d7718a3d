import type * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { Rng } from "../base/rng";
import { requirePositiveInt } from "../base/validate";
import { type Split, dataset } from "./dataset";

/** Options for {@link modularAddition}. */
export interface ModularOptions {
  /** The modulus (a prime in the grokking literature: 113 in Nanda et al., 97 in Grokfast, 59 in BIMT). Default 59. */
  p?: number;
  /** Share of the p² pairs used for training, in (0, 1). Default 0.3 (Nanda et al.). */
  trainFraction?: number;
  /** Seed of the train/test split. Default 0. */
  seed?: number;
  /** Append the "=" token (id p) as a third input, as in Nanda et al. Default true. */
  equals?: boolean;
}

/** Modular addition as token sequences: `x` holds token ids (as float32), labels are (a + b) mod p. */
export interface ModularTask extends Split<tf.Tensor2D> {
  readonly p: number;
  /** Distinct tokens: p numbers plus "=" when used. */
  readonly vocab: number;
  /** Tokens per example (2, or 3 with "="): the transformer's `inputs`. */
  readonly seqLen: number;
}

/**
 * Every pair (a, b) with a, b in [0, p) labelled (a + b) mod p, split into train and test by a seeded
 * permutation (`trainFraction` of the p² pairs train). Each example is a token sequence `[a, b, =]` stored as
 * float32 ids in `x` (`[n, seqLen]`), the input of {@link transformer}.
 *
 * @example
 * const task = at.modularAddition({ p: 59, trainFraction: 0.3, seed: 0 });   // task.train.x: [1044, 3]
 */
export function modularAddition(options: ModularOptions = {}): ModularTask {
  const p = options.p ?? 59;
  const fraction = options.trainFraction ?? 0.3;
  requirePositiveInt(p, "p");
  if (p < 2) throw new AntitrainError(`p must be at least 2, got ${p}`);
  if (!(fraction > 0 && fraction < 1)) {
    throw new AntitrainError(`trainFraction must be in (0, 1), got ${fraction}: e.g. 0.3 trains on 30% of the pairs`);
  }
  const equals = options.equals ?? true;
  const seqLen = equals ? 3 : 2;
  const n = p * p;
  const nTrain = Math.round(fraction * n);
  if (nTrain < 1 || nTrain >= n) throw new AntitrainError(`trainFraction ${fraction} of ${n} pairs leaves an empty train or test set`);
  const order = new Rng(options.seed ?? 0).permutation(n);
  const build = (rows: Int32Array) => {
    const x = new Float32Array(rows.length * seqLen);
    const y = new Int32Array(rows.length);
    rows.forEach((pair, i) => {
      const a = Math.floor(pair / p);
      const b = pair % p;
      x[i * seqLen] = a;
      x[i * seqLen + 1] = b;
      if (equals) x[i * seqLen + 2] = p;
      y[i] = (a + b) % p;
    });
    return dataset(x, y, { features: seqLen, classes: p });
  };
  // Sorted rows keep each split in a readable (a, b) order; membership is what the permutation decides.
  const train = build(Int32Array.from(order.subarray(0, nTrain)).sort());
  const test = build(Int32Array.from(order.subarray(nTrain)).sort());
  return { train, test, p, vocab: equals ? p + 1 : p, seqLen };
}
