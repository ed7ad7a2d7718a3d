/**
 * A concept-bottleneck arm (Koh et al. 2020, the joint model with a side channel): each chosen unit is a concept
 * neuron that alone predicts the concept — σ(scale_u · a_u + shift_u), its activation through its own calibration
 * (a ReLU unit is ≥ 0, so it needs a threshold; no head mixes units) — trained with binary cross-entropy against the
 * concept, while the main task reads the concept neurons and the other units alike. loss = cross-entropy of the main
 * task + weight × the mean over chosen units of BCE(σ(scale_u · a_u + shift_u), concept). On a sequence site the
 * activation is read at the last position, where the model reads its output.
 */
import * as tf from "@tensorflow/tfjs";
import type { Concept } from "../../analysis/concept";
import { requireKnownKeys } from "../../base/validate";
import type { Dataset } from "../../data/dataset";
import type { HookedModel } from "../../models/types";
import { conceptLabels, lossWithChosenTerm } from "./concept-labels";

/** The calibration of the concept neurons: `scale` and `shift`, one each per chosen unit (trainable; the caller disposes). */
export interface ConceptNeurons {
  readonly scale: tf.Variable;
  readonly shift: tf.Variable;
}

/** Calibrations for `k` concept neurons: scale 1, shift −1 (a unit fires above 1 for the concept at the start). */
export function conceptNeurons(k: number): ConceptNeurons {
  return { scale: tf.tidy(() => tf.variable(tf.ones([k]))), shift: tf.tidy(() => tf.variable(tf.fill([k], -1))) };
}

/**
 * Main cross-entropy + `weight` × the mean binary cross-entropy of each chosen unit's calibrated activation (as a
 * logit) against the concept (0 or 1). Call inside an optimizer's loss function, with the calibrations among the
 * variables it trains.
 *
 * @example
 * optimizer.minimize(() => bottleneckLoss(model, "h1", batch, { concept: parity, chosen: [0, 1], neurons, weight: 1 }));
 */
export function bottleneckLoss(
  model: HookedModel,
  site: string,
  batch: Dataset,
  options: { concept: Concept; chosen: readonly number[]; neurons: ConceptNeurons; weight: number },
): tf.Scalar {
  requireKnownKeys(options, ["concept", "chosen", "neurons", "weight"], "bottleneckLoss");
  const labels = conceptLabels(batch, options.concept);
  return lossWithChosenTerm(model, site, batch, options.chosen, (picked) => {
    const z = tf.add(tf.mul(picked, options.neurons.scale), options.neurons.shift); // [n, k]
    const c = tf.tensor2d(Float32Array.from(labels), [labels.length, 1]);
    // BCE with logits, stably: max(z, 0) − z·c + log(1 + e^−|z|)
    const bce = tf.add(tf.sub(tf.relu(z), tf.mul(z, c)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    return tf.mul(options.weight, tf.mean(bce)) as tf.Scalar;
  });
}
