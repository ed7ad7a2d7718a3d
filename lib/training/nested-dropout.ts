import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { type Rng, rngFor } from "../base/rng";
import { requireInRange, requireKnownKeys, requireSeed, requireSites, requireStep } from "../base/validate";
import { type Hook, type HookedModel, type Hooks, siteFeatures } from "../models/types";

/** Options for {@link nestedDropoutHooks}. */
export interface NestedDropoutOptions {
  /** p in (0, 1]: the geometric distribution's success probability; untruncated, the kept prefix averages 1/p units. */
  p: number;
  /** Step s draws its prefix lengths from (seed, s, site index). */
  seed: number;
}

const NESTED_KEYS = ["p", "seed"];

/**
 * Nested dropout (Rippel et al. 2014, "Learning Ordered Representations with Nested Dropout") as hooks for
 * {@link train}: for every example, draw b from the geometric distribution P(b) ∝ p(1 − p)^(b−1) truncated to
 * 1..units, keep units 0..b−1 of the site and zero the rest (nothing is rescaled). Early units are kept most often,
 * so the network packs its information into a prefix and the ranking afterwards is simply the unit index:
 * keep units 0..k−1 (see {@link compress}). Smaller p keeps longer prefixes. Works on any site (for a site whose
 * units span several values, a unit's whole slice is kept or zeroed; axes between batch and units share the
 * example's b). Prefix lengths come from (seed, step), so a run is reproducible.
 *
 * @example
 * const hooks = at.nestedDropoutHooks(model, ["h1"], { p: 0.1, seed: 0 });
 * at.train(model, train, { steps: 2000, hooks });
 * const small = at.compress(model, "h1", { core: [0, 1, 2, 3, 4, 5, 6, 7] }, { stats });
 */
export function nestedDropoutHooks(model: HookedModel, sites: readonly string[], options: NestedDropoutOptions): (step: number) => Hooks {
  const infos = requireSites(model, sites, "nestedDropoutHooks");
  if (options === undefined) throw new AntitrainError("nestedDropoutHooks needs options { p, seed }, e.g. { p: 0.1, seed: 0 }");
  requireKnownKeys(options, NESTED_KEYS, "nestedDropoutHooks");
  const { p, seed } = options;
  requireInRange(p, "nested dropout p", { min: 0, max: 1, minOpen: true }, "e.g. 0.1 (smaller keeps longer prefixes)");
  requireSeed(seed);
  return (step) => {
    requireStep(step);
    const hooks: Record<string, Hook> = {};
    infos.forEach((info, i) => {
      const width = info.width ?? 1;
      hooks[info.name] = (act) => {
        const batch = act.shape[0] as number;
        const features = siteFeatures(info);
        const rng = rngFor(seed, step, i);
        const mask = new Float32Array(batch * features); // [batch, features]: a kept prefix per example
        for (let e = 0; e < batch; e++) mask.fill(1, e * features, e * features + truncatedGeometric(p, info.units, rng) * width);
        const shape = [batch, ...new Array<number>(act.rank - 2).fill(1), features];
        return tf.tidy(() => tf.mul(act, tf.tensor(mask, shape)));
      };
    });
    return hooks;
  };
}

/** A draw from P(b) ∝ p(1 − p)^(b−1) on b = 1..n, by inverting the truncated CDF (1 − (1−p)^b) / (1 − (1−p)^n). */
function truncatedGeometric(p: number, n: number, rng: Rng): number {
  const u = rng.uniform();
  if (p === 1) return 1;
  const logQ = Math.log1p(-p);
  const mass = -Math.expm1(n * logQ); // 1 − (1−p)^n, the untruncated mass of 1..n
  const b = Math.ceil(Math.log1p(-u * mass) / logQ);
  return Math.min(n, Math.max(1, b));
}
