/**
 * Example-tied dropout (Maini et al. 2023, "Can Neural Network Memorization Be Localized?"): a fixed set of
 * generalization units of a site is always active; every training example is tied to a few of the other
 * (memorization) units, and in training only the example's own memorization units are active beside the generalization
 * units; at test every memorization unit is dropped. Memorization is thereby directed to units that can be removed.
 */
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../../base/errors";
import { rngFor } from "../../base/rng";
import { BatchStream } from "../../data/dataset";
import type { Hooks } from "../../models/types";

/** Which units are generalization units, which are memorization units, and each example's own memorization units. */
export interface ExampleTiedMasks {
  readonly units: number;
  /** Always-active units, ascending. */
  readonly generalization: readonly number[];
  /** The other units, ascending. */
  readonly memorization: readonly number[];
  /** Each training example's own memorization units, ascending (the same count for every example). */
  readonly perExample: readonly (readonly number[])[];
}

/**
 * The masks of example-tied dropout for `examples` training rows and a site of `units` units: round(pGen · units)
 * generalization units (at least 1, at most units − 1), and for every example round(pMem · memorization units) of
 * the memorization units (at least 1), drawn by `seed` (stream 809).
 *
 * @example
 * const m = exampleTiedMasks(300, 128, 0.4, 0.1, 0);   // 51 generalization units, 8 memorization units per example
 */
export function exampleTiedMasks(examples: number, units: number, pGen: number, pMem: number, seed: number): ExampleTiedMasks {
  if (!(Number.isInteger(examples) && examples > 0 && Number.isInteger(units) && units >= 2)) {
    throw new AntitrainError(`example-tied dropout needs at least one example and two units, got ${examples} examples and ${units} units`);
  }
  if (!(pGen > 0 && pGen < 1 && pMem > 0 && pMem < 1)) throw new AntitrainError(`pGen and pMem must be shares in (0, 1) such as 0.4 and 0.1, got ${pGen} and ${pMem}`);
  const rng = rngFor(seed, 809);
  const order = Array.from(rng.permutation(units));
  const gen = Math.min(units - 1, Math.max(1, Math.round(pGen * units)));
  const generalization = order.slice(0, gen).sort((a, b) => a - b);
  const memorization = order.slice(gen).sort((a, b) => a - b);
  const own = Math.max(1, Math.round(pMem * memorization.length));
  const perExample = Array.from({ length: examples }, () =>
    Array.from(rng.permutation(memorization.length).subarray(0, own), (i) => memorization[i]).sort((a, b) => a - b),
  );
  return { units, generalization, memorization, perExample };
}

/** Row `i` of the training mask: 1 on the generalization units and on example `i`'s own memorization units. */
export function trainingMaskRow(m: ExampleTiedMasks, i: number): Float32Array {
  const row = new Float32Array(m.units);
  for (const u of m.generalization) row[u] = 1;
  for (const u of m.perExample[i]) row[u] = 1;
  return row;
}

/** The test mask: 1 on the generalization units, 0 on every memorization unit. */
export function testMask(m: ExampleTiedMasks): Float32Array {
  const row = new Float32Array(m.units);
  for (const u of m.generalization) row[u] = 1;
  return row;
}

/** A batch stream that remembers which rows of its data its last batch holds (`rows`), for per-example masks. */
export class IndexedBatchStream extends BatchStream {
  rows: number[] = [];

  override next() {
    const batch = super.next();
    const s = this.state();
    this.rows = s.order.slice(s.cursor - this.batchSize, s.cursor);
    return batch;
  }
}

/**
 * Training hooks for `train`'s `hooks` option: at `site`, each example of the batch `stream` just gave keeps only its
 * training mask's units (no rescaling, as in the paper).
 *
 * @example
 * const stream = new IndexedBatchStream(train, 64, seed);
 * at.train(model, train, { steps, optimizer, stream, hooks: exampleTiedTrainHooks(masks, stream, "h1") });
 */
export function exampleTiedTrainHooks(m: ExampleTiedMasks, stream: IndexedBatchStream, site: string): (step: number) => Hooks {
  const all = new Float32Array(m.perExample.length * m.units);
  m.perExample.forEach((_, i) => all.set(trainingMaskRow(m, i), i * m.units));
  return () => {
    const rows = stream.rows;
    return {
      [site]: (act: tf.Tensor) => {
        const mask = new Float32Array(rows.length * m.units);
        rows.forEach((r, j) => mask.set(all.subarray(r * m.units, (r + 1) * m.units), j * m.units));
        return tf.mul(act, tf.tensor2d(mask, [rows.length, m.units]));
      },
    };
  };
}

/**
 * Hooks that apply a fixed per-row mask at `site`: the test mask ({@link testMask}) for evaluation, or the training
 * masks of given rows.
 *
 * @example
 * at.evaluate(model, test, exampleTiedTestHooks(masks, "h1"));
 */
export function exampleTiedTestHooks(m: ExampleTiedMasks, site: string): Hooks {
  const row = testMask(m);
  return { [site]: (act: tf.Tensor) => tf.mul(act, tf.tensor1d(row)) };
}
