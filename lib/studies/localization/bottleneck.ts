/**
 * A concept-bottleneck arm (Koh et al. 2020, the joint model with a side channel): each chosen unit is a concept
 * neuron whose pre-activation is the concept's logit, trained with binary cross-entropy against the concept (no
 * learned head: the unit *is* the concept, as in a bottleneck); the main task reads the concept neurons and the other
 * units alike. loss = cross-entropy of the main task + weight × the mean over chosen units of BCE(σ(pre_u), concept).
 */
import * as tf from "@tensorflow/tfjs";
import type { Concept } from "../../analysis/concept";
import { AntitrainError } from "../../base/errors";
import type { Dataset } from "../../data/dataset";
import { crossEntropy } from "../../measure/metrics";
import type { HookedModel } from "../../models/types";
import { conceptLabels, selection } from "./concept-labels";

/**
 * Main cross-entropy + `weight` × the mean binary cross-entropy of the chosen units' pre-activations (as logits)
 * against the concept (0 or 1). The site must be fed by the input through a dense layer (`model.unitParameters`),
 * e.g. an MLP's "h1". Call inside an optimizer's loss function.
 *
 * @example
 * optimizer.minimize(() => bottleneckLoss(model, "h1", batch, { concept: parity, chosen: [0, 1], weight: 1 }));
 */
export function bottleneckLoss(model: HookedModel, site: string, batch: Dataset, options: { concept: Concept; chosen: readonly number[]; weight: number }): tf.Scalar {
  if (model.unitParameters === undefined) throw new AntitrainError(`bottleneckLoss needs a model with unitParameters (an MLP): ${model.kind} has none`);
  const { into, bias } = model.unitParameters(site);
  if (into.variable.shape[0] !== model.inputs) throw new AntitrainError(`bottleneckLoss needs a site fed by the input through one dense layer (an MLP's "h1"), not "${site}"`);
  return tf.tidy(() => {
    const x = tf.reshape(batch.x, [-1, model.inputs]) as tf.Tensor2D;
    const pre = tf.matMul(tf.add(tf.matMul(x, into.variable as tf.Tensor2D), bias.variable) as tf.Tensor2D, selection(into.variable.shape[1] as number, options.chosen)); // [n, k]
    const c = tf.tensor2d(Float32Array.from(conceptLabels(batch, options.concept)), [x.shape[0], 1]);
    // BCE with logits, stably: max(z, 0) − z·c + log(1 + e^−|z|)
    const bce = tf.add(tf.sub(tf.relu(pre), tf.mul(pre, c)), tf.log1p(tf.exp(tf.neg(tf.abs(pre)))));
    const main = tf.mean(crossEntropy(model.forward(batch.x), batch.y as tf.Tensor1D));
    return tf.add(main, tf.mul(options.weight, tf.mean(bce))) as tf.Scalar;
  });
}
