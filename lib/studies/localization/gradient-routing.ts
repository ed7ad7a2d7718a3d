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
 *
 * Where the mask's gradient goes ({@link routedGradients}): the paper's activation-level mask sends the masked
 * gradient on into every weight upstream of the site. For a one-hidden-layer MLP's "h1" those are the site's own
 * incoming weights and bias, and the mask there is exactly a per-example mask on which units' parameters learn. A
 * transformer's MLP neurons also sit on top of weights every neuron and the residual stream share (embeddings,
 * attention): the masked gradient there is the gradient through some paths only, no descent direction for any loss,
 * and on the char-LM task (one block, no LayerNorm, AdamW 3e-3) it diverged: the training loss rose from 3 to 15
 * (one-sided, 4 of 64 units) and 2,600 (two-sided) in 1,200 updates, W_V, W_O and the embeddings growing, main
 * accuracy 0.24 and 0.09 against plain 0.58; learning rate 3e-4 stalled (loss 2.8, accuracy 0.27) and clipping the
 * gradient norm at 1 did not help (0.23, 0.005). So the mask is applied to the site's own incoming parameters (the
 * parameter-level form of the same routing: the paper's general definition weights every edge of the graph per
 * example, and its authors name parameter-level masks as the better-performing variant) and every other weight
 * gets the plain gradient; for the MLP tasks this is the same update, bit for bit.
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
import { explainKernelError } from "../../base/kernel-errors";
import { releaseTapeOnThrow } from "../../base/tape";

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
 * The routing mask of each example, `[n · units]` row-major: concept 1 → 1 on the chosen units, `leak` elsewhere
 * (0, the published mask, by default); concept 0 → 1 on the other units and, on the chosen ones, 1 (one-sided),
 * 0.5 (partial) or 0 (two-sided).
 *
 * @example
 * routingMasks(Int32Array.from([1, 0]), 3, [0], "two-sided");   // [1, 0, 0,  0, 1, 1]
 * routingMasks(Int32Array.from([1, 0]), 3, [0], "partial", 0.1);   // [1, 0.1, 0.1,  0.5, 1, 1]
 */
export function routingMasks(concepts: Int32Array, units: number, chosen: readonly number[], routing: Routing, leak = 0): Float32Array {
  const picked = new Set(chosen);
  const m = new Float32Array(concepts.length * units);
  const zeroOnChosen = routing === "one-sided" ? 1 : routing === "partial" ? 0.5 : 0;
  concepts.forEach((c, i) => {
    for (let u = 0; u < units; u++) {
      const mine = picked.has(u);
      m[i * units + u] = c === 1 ? (mine ? 1 : leak) : mine ? zeroOnChosen : 1;
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
export function routedLoss(model: HookedModel, site: string, batch: Dataset, options: { concept: Concept; chosen: readonly number[]; routing: Routing; leak?: number }): tf.Scalar {
  requireKnownKeys(options, ["concept", "chosen", "routing", "leak"], "routedLoss");
  const leak = options.leak ?? 0;
  if (!(typeof leak === "number" && leak >= 0 && leak <= 1)) throw new AntitrainError(`routedLoss: leak must be a mask weight in [0, 1] (0: the published routing), got ${JSON.stringify(options.leak)}`);
  if (!(ROUTINGS as readonly string[]).includes(options.routing)) {
    throw new AntitrainError(`routedLoss: routing must be one of ${ROUTINGS.join(", ")}, got ${JSON.stringify(options.routing)}`);
  }
  const info = model.sites().find((s) => s.name === site);
  if (info === undefined) throw new AntitrainError(`routedLoss: no site "${site}" (sites ${model.sites().map((s) => s.name).join(", ")})`);
  return tf.tidy(() => {
    const n = batch.y.shape[0];
    const mask = tf.tensor2d(routingMasks(conceptLabels(batch, options.concept), info.units, options.chosen, options.routing, leak), [n, info.units]);
    // A sequence site `[n, positions, units]` routes every position of an example alike.
    const logits = model.forward(batch.x, { [site]: (a) => routeGradient(a, a.rank === 3 ? tf.reshape(mask, [n, 1, info.units]) : mask) });
    return tf.mean(crossEntropy(logits, batch.y as tf.Tensor1D)) as tf.Scalar;
  });
}

/**
 * The loss and gradients of one gradient-routing step for `variables` (the model's, in any order): the site's own
 * incoming parameters (`unitParameters(site)`'s `into` and `bias`) and everything downstream of the site get the
 * gradient of {@link routedLoss} (downstream it equals the plain gradient); any other variable, shared by every unit
 * of the site (a transformer's embeddings and attention), gets the plain loss's gradient, from a second backward
 * pass. One optimizer update either way. A model whose only variables upstream of the site are its own incoming
 * parameters (the MLP tasks' "h1") takes the single routed pass, as `optimizer.minimize(() => routedLoss(...))` did.
 * A site with shared upstream weights and no incoming parameters of its own (attention heads, residual dimensions)
 * is refused: it has no parameter-level form.
 *
 * @example
 * applyChecked(opt, routedGradients(model, "blocks.0.mlp", batch, { concept, chosen: [0, 1, 2, 3], routing: "one-sided" }, model.variables()), model.variables(), check);
 */
export function routedGradients(
  model: HookedModel,
  site: string,
  batch: Dataset,
  options: { concept: Concept; chosen: readonly number[]; routing: Routing; leak?: number },
  variables: tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const downstream = new Set(model.downstreamVariables(site).map((v) => v.name));
  const modelVariables = new Set(model.variables().map((v) => v.name));
  const ownParameters = model.unitParameters === undefined ? null : (() => {
    try {
      return model.unitParameters?.(site) ?? null;
    } catch {
      return null;
    }
  })();
  const own = new Set(ownParameters === null ? [] : [ownParameters.into.variable.name, ownParameters.bias.variable.name]);
  // The model's weights upstream of the site that are not the site's own: every unit of the site shares them.
  const shared = variables.filter((v) => modelVariables.has(v.name) && !downstream.has(v.name) && !own.has(v.name));
  if (shared.length > 0 && ownParameters === null) {
    throw new AntitrainError(`routedGradients: site "${site}" has weights upstream that every unit shares (${shared.map((v) => v.name).join(", ")}) and no incoming parameters of its own to route`);
  }
  const routedVars = variables.filter((v) => !shared.includes(v));
  const grad = (f: () => tf.Scalar, vars: tf.Variable[]) => {
    try {
      return tf.variableGrads(releaseTapeOnThrow(f), vars);
    } catch (e) {
      throw explainKernelError(e);
    }
  };
  const routed = grad(() => routedLoss(model, site, batch, options), routedVars);
  if (shared.length === 0) return routed;
  let plain: { value: tf.Scalar; grads: tf.NamedTensorMap };
  try {
    plain = grad(() => tf.tidy(() => tf.mean(crossEntropy(model.forward(batch.x), batch.y as tf.Tensor1D)) as tf.Scalar), shared);
  } catch (e) {
    tf.dispose([routed.value, ...Object.values(routed.grads)]);
    throw e;
  }
  plain.value.dispose();
  return { value: routed.value, grads: { ...routed.grads, ...plain.grads } };
}
