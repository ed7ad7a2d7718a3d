/**
 * Small shared pieces of the localization arms: concept labels of a batch, a selection matrix of chosen units, and the
 * main loss plus a term read from the chosen units.
 */
import * as tf from "@tensorflow/tfjs";
import type { Concept } from "../../analysis/concept";
import type { Dataset } from "../../data/dataset";
import { crossEntropy } from "../../measure/metrics";
import type { HookedModel } from "../../models/types";

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

/**
 * The mean main cross-entropy of `batch` plus an auxiliary term read at `site`: `term(chosen)` gets the chosen units'
 * activations `[n, k]` (a sequence site's last position) inside the site's hook, where the activation is alive
 * (forward frees it after), and its scalar is kept until it joins the main loss. Call inside an optimizer's loss.
 *
 * @example
 * lossWithChosenTerm(model, "h1", batch, [0, 1], (chosen) => tf.mul(0.1, tf.mean(tf.square(chosen))) as tf.Scalar);
 */
export function lossWithChosenTerm(
  model: HookedModel,
  site: string,
  batch: Dataset,
  chosen: readonly number[],
  term: (chosen: tf.Tensor2D) => tf.Scalar,
): tf.Scalar {
  return tf.tidy(() => {
    let aux: tf.Scalar | null = null;
    const logits = model.forward(batch.x, {
      [site]: (a) => {
        aux = tf.keep(
          tf.tidy(() => {
            const act = lastPosition(a);
            return term(tf.matMul(act, selection(act.shape[1], chosen)) as tf.Tensor2D);
          }),
        );
        return a;
      },
    });
    const extra = aux as unknown as tf.Scalar;
    const total = tf.add(tf.mean(crossEntropy(logits, batch.y as tf.Tensor1D)), extra) as tf.Scalar;
    extra.dispose();
    return total;
  });
}

