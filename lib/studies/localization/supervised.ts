/**
 * The supervised control: an auxiliary loss asks the chosen units to predict the concept. A linear head reads the
 * chosen units' activations and is trained with the model; loss = cross-entropy of the main task + weight ×
 * cross-entropy of the head's concept prediction. Nothing stops the other units from carrying the concept too. On a
 * sequence site the head reads the last position, where the model reads its output.
 */
import * as tf from "@tensorflow/tfjs";
import type { Concept } from "../../analysis/concept";
import { requireKnownKeys } from "../../base/validate";
import type { Dataset } from "../../data/dataset";
import { crossEntropy } from "../../measure/metrics";
import type { HookedModel } from "../../models/types";
import { conceptLabels, lossWithChosenTerm } from "./concept-labels";

/** The concept head of the supervised arm: `w` `[k, values]`, `b` `[values]` (trainable; the caller disposes). */
export interface ConceptHead {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
}

/** A zero-initialized concept head over `k` chosen units for a concept of `values` values. */
export function conceptHead(k: number, values: number): ConceptHead {
  return { w: tf.tidy(() => tf.variable(tf.zeros([k, values]))), b: tf.tidy(() => tf.variable(tf.zeros([values]))) };
}

/**
 * Main cross-entropy + `weight` × the concept cross-entropy of `head` reading the chosen units of `site` (both means
 * over the batch). Call inside an optimizer's loss function, with the head's variables among those it trains.
 *
 * @example
 * optimizer.minimize(() => supervisedLoss(model, "h1", batch, { concept: parity, chosen: [0, 1], head, weight: 1 }));
 */
export function supervisedLoss(
  model: HookedModel,
  site: string,
  batch: Dataset,
  options: { concept: Concept; chosen: readonly number[]; head: ConceptHead; weight: number },
): tf.Scalar {
  requireKnownKeys(options, ["concept", "chosen", "head", "weight"], "supervisedLoss");
  const labels = conceptLabels(batch, options.concept);
  return lossWithChosenTerm(model, site, batch, options.chosen, (picked) => {
    const conceptLogits = tf.add(tf.matMul(picked, options.head.w), options.head.b) as tf.Tensor2D;
    return tf.mul(options.weight, tf.mean(crossEntropy(conceptLogits, tf.tensor1d(labels, "int32")))) as tf.Scalar;
  });
}
