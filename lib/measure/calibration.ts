import * as tf from "@tensorflow/tfjs";
import { requireData, requireKnownKeys, requirePositiveInt } from "../base/validate";
import { type Dataset, forEachSlice, size } from "../data/dataset";
import type { HookedModel } from "../models/types";

/** One confidence bin of {@link calibration}. */
export interface CalibrationBin {
  /** Bin edges on the top-class probability. */
  readonly low: number;
  readonly high: number;
  readonly count: number;
  /** Mean top-class probability of the examples in the bin (NaN when empty). */
  readonly confidence: number;
  /** Their accuracy (NaN when empty). */
  readonly accuracy: number;
}

/** What {@link calibration} returns. */
export interface Calibration {
  /** Expected calibration error: Σ_bins (count / n) · |accuracy − confidence| (Guo et al. 2017), in [0, 1]. */
  readonly ece: number;
  readonly bins: readonly CalibrationBin[];
}

/**
 * How well the model's confidence matches its accuracy on `data`: examples are binned by their top-class softmax
 * probability into `bins` equal-width bins on [0, 1] (default 15, as in Guo et al. 2017, "On Calibration of Modern
 * Neural Networks"), and the expected calibration error weighs each bin's |accuracy − mean confidence| by its share
 * of the examples. Leaves the model unchanged and frees its tensors.
 *
 * @example
 * const { ece } = at.calibration(model, test);
 * console.log(`ECE ${(100 * ece).toFixed(1)}%`);
 */
export function calibration(model: HookedModel, data: Dataset, options: { bins?: number } = {}): Calibration {
  requireData(model, data);
  const nBins = options.bins ?? 15;
  requirePositiveInt(nBins, "bins");
  requireKnownKeys(options, ["bins"], "calibration");
  const count = new Float64Array(nBins);
  const conf = new Float64Array(nBins);
  const hits = new Float64Array(nBins);
  forEachSlice(data, 1024, (x, y) => {
    const [p, pred, labels] = tf.tidy(() => {
      const probs = tf.softmax(model.forward(x));
      return [tf.max(probs, 1).dataSync(), tf.argMax(probs, 1).dataSync(), y.dataSync()];
    });
    for (let i = 0; i < p.length; i++) {
      const b = Math.min(nBins - 1, Math.floor(p[i] * nBins));
      count[b] += 1;
      conf[b] += p[i];
      hits[b] += pred[i] === labels[i] ? 1 : 0;
    }
  });
  const n = size(data);
  let ece = 0;
  const bins: CalibrationBin[] = [];
  for (let b = 0; b < nBins; b++) {
    const c = count[b];
    const confidence = c > 0 ? conf[b] / c : Number.NaN;
    const accuracy = c > 0 ? hits[b] / c : Number.NaN;
    if (c > 0) ece += (c / n) * Math.abs(accuracy - confidence);
    bins.push({ low: b / nBins, high: (b + 1) / nBins, count: c, confidence, accuracy });
  }
  return { ece, bins };
}
