import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { type Rng, rngFor } from "../base/rng";
import { requireInRange, requireKnownKeys, requireSeed, requireStep } from "../base/validate";
import type { Hook, HookedModel, Hooks } from "../models/types";
import { siteWeights, unitMagnitudes } from "./dense-unit-weights";

/** Options for {@link targetedDropoutHooks}. */
export interface TargetedDropoutOptions {
  /** γ in [0, 1]: the share of units, those of smallest weight magnitude, that are candidates for dropping (floor(γ·units) units). */
  targetFraction: number;
  /** α in [0, 1]: the probability that a candidate unit is dropped, independently per example. */
  rate: number;
  /** Step s draws its masks from (seed, s, site index). */
  seed: number;
}

const TARGETED_KEYS = ["targetFraction", "rate", "seed"];

/**
 * Targeted dropout, unit variant (Gomez et al. 2019, "Learning Sparse Networks Using Targeted Dropout"), as hooks
 * for {@link train}: at each step the floor(γ·units) units of smallest current magnitude score (the L2 norm of
 * their incoming and outgoing weights, as {@link magnitudeScores}; ties go to the lower index) are each zeroed with
 * probability α, independently per example; every other unit passes untouched, and nothing is rescaled (as in the
 * paper). The network learns not to rely on its weakest units, so pruning them afterwards (magnitude ranking, then
 * {@link compress}) costs little. Scores are read when `hooks(step)` is called (before the step's update); masks
 * come from (seed, step), so a run is reproducible. Needs MLP-like sites (at.mlp, at.tunableMlp).
 *
 * @example
 * const hooks = at.targetedDropoutHooks(model, ["h1"], { targetFraction: 0.5, rate: 0.5, seed: 0 });
 * at.train(model, train, { steps: 2000, hooks });
 * const keep = at.ranked({ scores: at.magnitudeScores(model, "h1") }).slice(0, 16);
 */
export function targetedDropoutHooks(model: HookedModel, sites: readonly string[], options: TargetedDropoutOptions): (step: number) => Hooks {
  const weights = siteWeights(model, sites, "targetedDropoutHooks");
  if (options === undefined) throw new AntitrainError("targetedDropoutHooks needs options { targetFraction, rate, seed }, e.g. { targetFraction: 0.5, rate: 0.5, seed: 0 }");
  requireKnownKeys(options, TARGETED_KEYS, "targetedDropoutHooks");
  const { targetFraction, rate, seed } = options;
  requireInRange(targetFraction, "targetFraction", { min: 0, max: 1 }, "the share of lowest-magnitude units to target, e.g. 0.5");
  requireInRange(rate, "rate", { min: 0, max: 1 }, "the drop probability of a targeted unit, e.g. 0.5");
  requireSeed(seed);
  return (step) => {
    requireStep(step);
    const hooks: Record<string, Hook> = {};
    weights.forEach((w, i) => {
      const count = Math.floor(targetFraction * w.units + 1e-9); // 0.29·100 is 28.999…: count it as 29
      const targeted = lowest(unitMagnitudes(w), count);
      hooks[w.site] = (act) => {
        if (targeted.length === 0 || rate === 0) return act;
        const batch = act.shape[0] as number;
        const mask = dropMask(batch, w.units, targeted, rate, rngFor(seed, step, i)); // [batch, units]
        return tf.tidy(() => tf.mul(act, tf.tensor2d(mask, [batch, w.units])));
      };
    });
    return hooks;
  };
}

/** The `count` indices of smallest score, ties to the lower index. */
function lowest(scores: Float32Array, count: number): number[] {
  return Array.from(scores, (_, u) => u)
    .sort((a, b) => scores[a] - scores[b] || a - b)
    .slice(0, count);
}

/** A 0/1 mask `[batch, units]` (row-major) that zeroes each targeted unit of each example with probability `rate`. */
function dropMask(batch: number, units: number, targeted: readonly number[], rate: number, rng: Rng): Float32Array {
  const mask = new Float32Array(batch * units).fill(1);
  for (let e = 0; e < batch; e++) {
    for (const u of targeted) if (rng.uniform() < rate) mask[e * units + u] = 0;
  }
  return mask;
}
