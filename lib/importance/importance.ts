import type { Dataset } from "../data/dataset";
import { type DamageOptions, DamageEngine, requireDamageOptions } from "../measure/damage";
import type { Metric } from "../measure/metrics";
import type { HookedModel } from "../models/types";
import type { RandomizeMethod } from "../measure/randomize";

/** Every unit's information content at a site. */
export interface Importance {
  readonly site: string;
  readonly method: RandomizeMethod;
  readonly metric: Metric;
  /** Damage when each unit alone is randomized, one per unit. */
  readonly scores: Float32Array;
  /** The metric with nothing randomized. */
  readonly clean: number;
  /** Damage when the whole site is randomized. */
  readonly full: number;
}

/**
 * The information content of every unit of `site`: the damage when that unit alone is randomized within its own
 * distribution, plus the clean metric and the whole-site damage. Ranks by cross-entropy damage by default
 * (`metric: "loss"`), which separates units finely; use `path: "loop"` for the plain reference loop.
 * Leaves the model unchanged.
 *
 * @example
 * const imp = at.importance(model, "h1", test, { stats, method: "resample", metric: "loss", seed: 0 });
 * const top = at.ranked(imp)[0];   // the most informative unit
 */
export function importance(model: HookedModel, site: string, data: Dataset, options: DamageOptions = {}): Importance {
  requireDamageOptions(options, "importance");
  const engine = new DamageEngine(model, site, data, options);
  try {
    const singles = Array.from({ length: engine.units }, (_, u) => [u]);
    const all = Array.from({ length: engine.units }, (_, u) => u);
    const d = engine.damage([...singles, all]);
    return {
      site,
      method: engine.method,
      metric: engine.metric,
      scores: Float32Array.from(d.subarray(0, engine.units)),
      clean: engine.clean,
      full: d[engine.units],
    };
  } finally {
    engine.dispose();
  }
}

/** Unit indices from most to least important (ties: lower index first). */
export function ranked(imp: Pick<Importance, "scores">): number[] {
  return Array.from(imp.scores, (_, u) => u).sort((a, b) => imp.scores[b] - imp.scores[a] || a - b);
}
