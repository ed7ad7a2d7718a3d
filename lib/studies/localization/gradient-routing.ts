/**
 * Gradient routing (Cloud et al. 2024, "Gradient Routing: Masking Gradients to Localize Computation in Neural
 * Networks"): the forward pass is unchanged, but on the backward pass the gradient reaching a site's activation is
 * multiplied by a data-dependent 0/1 mask, one row per example. Examples routed to the chosen units send gradient
 * upstream only through those units; everything downstream of the site trains as usual. Ablating the chosen units
 * afterwards should then remove what the routed data taught.
 *
 * Here the route is the example's concept value: concept-1 examples (odd digits, footwear) go through the chosen
 * units only; concept-0 examples go through every unit ("one-sided", the paper's expand-route-ablate shape, where
 * the retained data updates everything) or through the other units only ("two-sided", the paper's split MNIST
 * encoder, each half of the data owning half of the units).
 */
import * as tf from "@tensorflow/tfjs";
import type { Concept } from "../../analysis/concept";
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys } from "../../base/validate";
import type { Dataset } from "../../data/dataset";
import { crossEntropy } from "../../measure/metrics";
import type { HookedModel } from "../../models/types";
import { conceptLabels } from "./concept-labels";
import { ROUTINGS, type Routing } from "./settings";

/**
 * The identity on the forward pass whose gradient is `dy ⊙ mask` (`act` `[batch, units]` or `[batch, positions, units]`,
 * `mask` `[batch, units]` or `[batch, 1, units]`, broadcast over positions; the same shape comes back for it): the
 * published stop-gradient mask `mask ⊙ act + (1 − mask) ⊙ stopgrad(act)`, as a custom gradient (tfjs has no stop-gradient op).
 *
 * @example
 * const routed = routeGradient(act, tf.tensor2d([[1, 0]]));   // same values; no gradient through unit 1
 */
export function routeGradient(act: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((a, m, save) => {
    (save as tf.GradSaveFunc)([m as tf.Tensor]);
    return { value: tf.clone(a as tf.Tensor), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0]), tf.zerosLike(saved[0])] };
  });
  return f(act, mask);
}

/**
 * The routing mask of each example, `[n · units]` row-major: concept 1 → 1 on the chosen units, 0 elsewhere;
 * concept 0 → 1 everywhere (one-sided) or 1 on the other units only (two-sided).
 *
 * @example
 * routingMasks(Int32Array.from([1, 0]), 3, [0], "two-sided");   // [1, 0, 0,  0, 1, 1]
 */
export function routingMasks(concepts: Int32Array, units: number, chosen: readonly number[], routing: Routing): Float32Array {
  const picked = new Set(chosen);
  const m = new Float32Array(concepts.length * units);
  concepts.forEach((c, i) => {
    for (let u = 0; u < units; u++) {
      const mine = picked.has(u);
      m[i * units + u] = c === 1 ? (mine ? 1 : 0) : routing === "one-sided" || !mine ? 1 : 0;
    }
  });
  return m;
}

/**
 * The mean cross-entropy of `batch` with gradient routing at `site` (call inside an optimizer's loss function; the
 * value equals the plain loss, only the gradient upstream of the site is masked).
 *
 * @example
 * optimizer.minimize(() => routedLoss(model, "h1", batch, { concept: parity, chosen: [0, 1], routing: "one-sided" }));
 */
export function routedLoss(model: HookedModel, site: string, batch: Dataset, options: { concept: Concept; chosen: readonly number[]; routing: Routing }): tf.Scalar {
  requireKnownKeys(options, ["concept", "chosen", "routing"], "routedLoss");
  if (!(ROUTINGS as readonly string[]).includes(options.routing)) {
    throw new AntitrainError(`routedLoss: routing must be one of ${ROUTINGS.join(", ")}, got ${JSON.stringify(options.routing)}`);
  }
  const info = model.sites().find((s) => s.name === site);
  if (info === undefined) throw new AntitrainError(`routedLoss: no site "${site}" (sites ${model.sites().map((s) => s.name).join(", ")})`);
  return tf.tidy(() => {
    const n = batch.y.shape[0];
    const mask = tf.tensor2d(routingMasks(conceptLabels(batch, options.concept), info.units, options.chosen, options.routing), [n, info.units]);
    // A sequence site `[n, positions, units]` routes every position of an example alike.
    const logits = model.forward(batch.x, { [site]: (a) => routeGradient(a, a.rank === 3 ? tf.reshape(mask, [n, 1, info.units]) : mask) });
    return tf.mean(crossEntropy(logits, batch.y as tf.Tensor1D)) as tf.Scalar;
  });
}
