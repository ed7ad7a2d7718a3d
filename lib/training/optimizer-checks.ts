import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";

/** The hyperparameters tfjs's optimizers report in `getConfig()`, each with the range it must lie in and an example. */
const RANGES: Record<string, { readonly ok: (v: number) => boolean; readonly range: string; readonly example: string }> = {
  learningRate: { ok: (v) => v > 0, range: "> 0", example: "1e-3" },
  beta1: { ok: (v) => v >= 0 && v < 1, range: "in [0, 1)", example: "0.9" },
  beta2: { ok: (v) => v >= 0 && v < 1, range: "in [0, 1)", example: "0.999" },
  epsilon: { ok: (v) => v >= 0, range: ">= 0", example: "1e-8" },
  momentum: { ok: (v) => v >= 0, range: ">= 0", example: "0.9" },
  rho: { ok: (v) => v >= 0 && v <= 1, range: "in [0, 1]", example: "0.95" },
  decay: { ok: (v) => v >= 0, range: ">= 0", example: "0" },
  weightDecay: { ok: (v) => v >= 0, range: ">= 0", example: "0.01" },
  initialAccumulatorValue: { ok: (v) => v >= 0, range: ">= 0", example: "0.1" },
};

/**
 * Refuses what is not a `tf.Optimizer`, and an optimizer whose reported hyperparameters (`getConfig()`: learning
 * rate, betas, epsilon, momentum, ...) are not finite or out of range, before any step writes NaN into the model.
 * `what` names the option in the message.
 */
export function requireOptimizer(optimizer: unknown, what: string): asserts optimizer is tf.Optimizer {
  if (!(optimizer instanceof tf.Optimizer)) {
    throw new AntitrainError(`${what} must be a tf.Optimizer, e.g. tf.train.adam(1e-3), got ${optimizer === null ? "null" : typeof optimizer}`);
  }
  let config: tf.serialization.ConfigDict;
  try {
    config = optimizer.getConfig();
  } catch {
    return; // a custom optimizer without getConfig: nothing to read
  }
  for (const [key, check] of Object.entries(RANGES)) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || !check.ok(value)) {
      throw new AntitrainError(
        `${what} has ${key} ${String(value)}: it must be a finite number ${check.range}; make the optimizer again with e.g. ${key} ${check.example} (tf.train.adam(1e-3) for the usual Adam)`,
      );
    }
  }
}
