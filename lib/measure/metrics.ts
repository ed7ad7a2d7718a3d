import * as tf from "@tensorflow/tfjs";

/**
 * What damage is measured in:
 * - `accuracy`: fraction correct (bounded between clean and chance; damage = clean − randomized);
 * - `loss`: mean cross-entropy (damage = randomized − clean; unbounded: a confidently wrong model scores far above chance);
 * - `boundedLoss`: cross-entropy capped at chance level ln(C) per example (damage = randomized − clean).
 */
export type Metric = "accuracy" | "loss" | "boundedLoss";

export const METRICS: readonly Metric[] = ["accuracy", "loss", "boundedLoss"];

/** Per-example metric values `[n]` for logits `[n, classes]` and int labels `[n]`. */
export function perExample(metric: Metric, logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    if (metric === "accuracy") return tf.cast(tf.equal(tf.argMax(logits, 1), labels), "float32") as tf.Tensor1D;
    const classes = logits.shape[1];
    const ce = crossEntropy(logits, labels);
    return metric === "loss" ? ce : (tf.minimum(ce, Math.log(classes)) as tf.Tensor1D);
  });
}

/** Per-example cross-entropy `[n]` (logsumexp(z) − z_y). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(labels, logits.shape[1])), 1);
    return tf.neg(picked) as tf.Tensor1D;
  });
}

/** Damage from a clean and a randomized metric value: positive means randomizing hurt. */
export function damageOf(metric: Metric, clean: number, randomized: number): number {
  return metric === "accuracy" ? clean - randomized : randomized - clean;
}
