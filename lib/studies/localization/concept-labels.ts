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

/** A site's activation per example, `[n, units]`: itself, or its last position when it is a sequence `[n, positions, units]`. */
export function lastPosition(a: tf.Tensor): tf.Tensor2D {
  if (a.rank === 2) return a as tf.Tensor2D;
  const [n, s, u] = a.shape as [number, number, number];
  return tf.reshape(tf.slice(a, [0, s - 1, 0], [n, 1, u]), [n, u]) as tf.Tensor2D;
}
