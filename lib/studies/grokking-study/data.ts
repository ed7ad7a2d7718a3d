/**
 * The grokking study's data: a + b mod p with a seeded share of the pairs training, the other pairs split by a
 * seeded permutation into held-out pairs (only antitraining's measurements see them) and test pairs (every reported
 * number). Built once per process from (p, trainFraction), like `studyData`.
 */
import { Rng } from "../../base/rng";
import { type Dataset, disposeDataset, size, take } from "../../data/dataset";
import { modularAddition } from "../../data/modular";

/** The three splits of a grokking task and the transformer's input shape. */
export interface GrokData {
  readonly train: Dataset;
  readonly heldOut: Dataset;
  readonly test: Dataset;
  readonly p: number;
  readonly vocab: number;
  readonly seqLen: number;
}

const built = new Map<string, GrokData>();

/**
 * The splits for modulus `p` with `trainFraction` of the pairs training (task seed 0; the rest permuted with seed 1,
 * the first half held out, the second half test), built once per process and kept for its life.
 *
 * @example
 * const d = grokData(31, 0.5);   // 481 training, 240 held-out, 240 test pairs
 */
export function grokData(p: number, trainFraction: number): GrokData {
  const key = `${p}/${trainFraction}`;
  const known = built.get(key);
  if (known !== undefined) return known;
  const task = modularAddition({ p, trainFraction, seed: 0 });
  const rest = size(task.test);
  const order = new Rng(1).permutation(rest);
  const heldOut = take(task.test, order.subarray(0, Math.floor(rest / 2)));
  const test = take(task.test, order.subarray(Math.floor(rest / 2)));
  disposeDataset(task.test);
  const data = { train: task.train, heldOut, test, p, vocab: task.vocab, seqLen: task.seqLen };
  built.set(key, data);
  return data;
}
