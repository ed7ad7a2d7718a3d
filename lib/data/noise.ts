import { AntitrainError } from "../base/errors";
import { Rng } from "../base/rng";
import { type Dataset, dataset, features, size } from "./dataset";

/** A dataset with some labels replaced, and which rows were changed. */
export interface NoisyLabels {
  /** The new dataset (caller disposes). */
  readonly data: Dataset;
  /** Rows whose label was replaced, ascending. */
  readonly noisy: number[];
}

/**
 * A copy of `data` where a `rate` share of the rows (chosen by `seed`, exactly round(rate · n) of them) get a label
 * drawn uniformly from the other classes: labels a model can only fit by memorizing. The original is unchanged.
 *
 * @example
 * const { data: noisyTrain, noisy } = at.withLabelNoise(train, 0.2, 0);
 */
export function withLabelNoise(data: Dataset, rate: number, seed: number): NoisyLabels {
  if (!(Number.isFinite(rate) && rate >= 0 && rate <= 1)) throw new AntitrainError(`rate must be in [0, 1], got ${rate}: e.g. 0.2`);
  if (data.classes < 2) throw new AntitrainError("label noise needs at least 2 classes");
  const n = size(data);
  const rng = new Rng(seed);
  const rows = Array.from(rng.permutation(n).subarray(0, Math.round(rate * n))).sort((a, b) => a - b);
  const y = Int32Array.from(data.y.dataSync());
  for (const r of rows) y[r] = (y[r] + 1 + rng.int(data.classes - 1)) % data.classes;
  const x = data.x.dataSync() as Float32Array;
  return { data: dataset(x, y, { features: features(data), classes: data.classes }), noisy: rows };
}
