import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireOneOf } from "../base/validate";

/**
 * What damage is measured in:
 * - `accuracy`: fraction correct (bounded between clean and chance; damage = clean − randomized);
 * - `loss`: mean cross-entropy (damage = randomized − clean; unbounded: a confidently wrong model scores far above chance);
 * - `boundedLoss`: cross-entropy capped at chance level ln(C) per example (damage = randomized − clean).
 */
export type Metric = "accuracy" | "loss" | "boundedLoss";

/** Every {@link Metric}: the one list the library and the run config's schema check against. */
export const METRICS: readonly Metric[] = ["accuracy", "loss", "boundedLoss"];

/** `metric` when it is a {@link Metric}; else an AntitrainError listing the metrics (a misspelling never runs as another). */
export function requireMetric(metric: unknown, name = "metric"): Metric {
  return requireOneOf(metric, METRICS, name);
}

/** Per-example metric values `[n]` for logits `[n, classes]` and int labels `[n]`. */
export function perExample(metric: Metric, logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  requireMetric(metric);
  return tf.tidy(() => {
    switch (metric) {
      case "accuracy":
        return tf.cast(tf.equal(tf.argMax(logits, 1), labels), "float32") as tf.Tensor1D;
      case "loss":
        return crossEntropy(logits, labels);
      case "boundedLoss":
        return tf.minimum(crossEntropy(logits, labels), Math.log(logits.shape[1])) as tf.Tensor1D;
      default:
        return unknownMetric(metric);
    }
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
  const m = requireMetric(metric);
  switch (m) {
    case "accuracy":
      return clean - randomized;
    case "loss":
    case "boundedLoss":
      return randomized - clean;
    default:
      return unknownMetric(m);
  }
}

/** The exhaustiveness check of the switches over {@link Metric}. */
function unknownMetric(metric: never): never {
  throw new AntitrainError(`unknown metric ${JSON.stringify(metric)}`);
}
