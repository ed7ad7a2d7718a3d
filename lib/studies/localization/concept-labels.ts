/** Small shared pieces of the localization arms: concept labels of a batch and a selection matrix of chosen units. */
import * as tf from "@tensorflow/tfjs";
import type { Concept } from "../../analysis/concept";
import type { Dataset } from "../../data/dataset";

/** The concept value of every example of `batch` (its class mapped through `c`), as plain integers. */
export function conceptLabels(batch: Dataset, c: Concept): Int32Array {
  return Int32Array.from(batch.y.dataSync(), (y) => c.of[y]);
}

/** A `[units, k]` 0/1 matrix whose column j picks unit `chosen[j]` (a product with it selects the chosen units; unlike `gather`, it has a gradient on every backend). */
export function selection(units: number, chosen: readonly number[]): tf.Tensor2D {
  const s = new Float32Array(units * chosen.length);
  chosen.forEach((u, j) => {
    s[u * chosen.length + j] = 1;
  });
  return tf.tensor2d(s, [units, chosen.length]);
}
