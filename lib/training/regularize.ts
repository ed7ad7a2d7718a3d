import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import type { HookedModel, Hooks } from "../models/types";
import { rngFor } from "../base/rng";
import { requireSite } from "../base/validate";

/**
 * Inverted dropout at `sites` as a training hook for {@link train}'s `hooks` option: each step zeroes every unit
 * with probability `rate` and scales the rest by 1/(1 − rate); the mask of step s comes from (seed, s), so a run
 * is reproducible. Evaluation passes no hooks, so the model is used whole at test time.
 *
 * @example
 * at.train(model, train, { steps: 500, hooks: at.dropoutHooks(model, ["h1"], 0.3, 0) });
 */
export function dropoutHooks(model: HookedModel, sites: readonly string[], rate: number, seed: number): (step: number) => Hooks {
  for (const s of sites) requireSite(model, s);
  if (!(Number.isFinite(rate) && rate >= 0 && rate < 1)) throw new AntitrainError(`dropout rate must be in [0, 1), got ${rate}: e.g. 0.3`);
  return (step: number) => {
    const hooks: Record<string, (act: tf.Tensor) => tf.Tensor> = {};
    sites.forEach((site, i) => {
      const stepSeed = rngFor(seed, step, i).nextUint32();
      hooks[site] = (act) => (rate === 0 ? act : tf.dropout(act, rate, undefined, stepSeed));
    });
    return hooks;
  };
}

/**
 * An L1 penalty on the activations of `sites` for {@link train}'s `penalty` option: `lambda` times the mean over
 * the batch of the summed absolute activations (a sparsity regularizer on what units do, not on their weights).
 *
 * @example
 * at.train(model, train, { steps: 500, penalty: at.activationL1(model, ["h1"], 1e-3) });
 */
export function activationL1(model: HookedModel, sites: readonly string[], lambda: number): (x: tf.Tensor) => tf.Scalar {
  for (const s of sites) requireSite(model, s);
  if (!(Number.isFinite(lambda) && lambda >= 0)) throw new AntitrainError(`lambda must be a number >= 0, got ${lambda}: e.g. 1e-3`);
  return (x) =>
    tf.tidy(() => {
      let total = tf.scalar(0);
      for (const site of sites) {
        const act = model.split(site, x).act; // freed by this tidy (the gradient tape keeps what it needs)
        total = tf.add(total, tf.mean(tf.sum(tf.abs(act), -1)));
      }
      return tf.mul(lambda, total) as tf.Scalar;
    });
}
