import type { Dataset } from "../data/dataset";
import { DAMAGE_OPTION_KEYS, type DamageOptions, DamageEngine, pickDamageOptions, requireDamageOptions } from "../measure/damage";
import { AntitrainError } from "../base/errors";
import { markMeasured, requireFresh, siteFingerprint } from "../base/fingerprint";
import { type UnitScores, importance as measureImportance, ranked, requireScores } from "../importance/importance";
import type { Metric } from "../measure/metrics";
import type { HookedModel } from "../models/types";
import { DEFAULT_SPATIAL, type RandomizeMethod, type SpatialMode, requireMethod, requireSpatial } from "../measure/randomize";
import { requireFraction, requireSite } from "../base/validate";
import { requireStatsFor } from "../measure/unit-stats";

/** Options for {@link findCore}. */
export interface CoreOptions extends Omit<DamageOptions, "path"> {
  /**
   * The ranking: any estimator's {@link Importance} (randomization, group testing, Taylor, gate, magnitude) or
   * `{ site, scores }`. Only its order is used (the search measures damage itself); its `method` and `spatial`, when
   * present, are the default randomization. Default: {@link importance} on the same data with `metric: "loss"`.
   */
  importance?: UnitScores;
  /** Share of the whole-site damage the core must reach, in (0, 1]. Default 0.95. */
  fraction?: number;
}

/** Every key of {@link CoreOptions} (unknown keys are refused). */
const CORE_OPTION_KEYS: readonly string[] = [...DAMAGE_OPTION_KEYS.filter((k) => k !== "path"), "importance", "fraction"];

/** A site split into its core and its spectators. */
export interface CoreSplit {
  readonly site: string;
  /** Core units, most important first. */
  readonly core: number[];
  /** The other units, in ascending order. */
  readonly spectators: number[];
  readonly fraction: number;
  readonly metric: Metric;
  readonly method: RandomizeMethod;
  /** How units spanning several positions were randomized (see {@link SpatialMode}); antitrain steps default to it. */
  readonly spatial: SpatialMode;
  /** Damage of randomizing the core, as a share of the whole-site damage. */
  readonly fractionReached: number;
  /** Damage of randomizing the whole site. */
  readonly fullDamage: number;
  /** Prefix evaluations the search used (the whole-site one included). */
  readonly evaluations: number;
  /** Every prefix size the search evaluated with its damage (k = 0 is 0 by definition). */
  readonly curve: ReadonlyArray<{ readonly k: number; readonly damage: number }>;
}

/**
 * The core of `site`: the shortest prefix of units ranked by information content whose joint randomization
 * reaches `fraction` of the damage of randomizing the whole site, found by binary search over the prefix size
 * with common random numbers (every prefix sees the same draws). Measured on accuracy by default: accuracy is
 * bounded between clean and chance, whereas on unbounded loss nearly every unit is needed for the last few percent.
 *
 * The search keeps the invariant damage(lo) < target ≤ damage(hi), starting from lo = 0 and hi = all units, so it
 * uses 1 + ceil(log2 W) evaluations and returns a prefix k where the curve crosses the target from below. When
 * the prefix curve is monotone that k is the smallest such prefix; when it is not (noise, interactions), k is a
 * crossing point that reaches the target, and a smaller prefix might too. When randomizing the whole site does no
 * damage (damage ≤ 0), the site carries nothing measurable: the core is empty and `fractionReached` is 1.
 * The ranking can come from any estimator (`importance`: see {@link CoreOptions.importance}); a ranking of
 * another site or of another width is refused. Leaves the model unchanged.
 *
 * @example
 * const split = at.findCore(model, "h1", test, { stats, importance: imp, fraction: 0.95, metric: "accuracy" });
 * split.core.length;   // core size
 */
export function findCore(model: HookedModel, site: string, data: Dataset, options: CoreOptions = {}): CoreSplit {
  const info = requireSite(model, site);
  const units = info.units;
  requireDamageOptions(options, "findCore", CORE_OPTION_KEYS);
  const fraction = options.fraction ?? 0.95;
  requireFraction(fraction);
  if (options.stats !== undefined) requireStatsFor(options.stats, info);
  const given = options.importance;
  if (given !== undefined) {
    requireRankingFor(given, site, units);
    requireFresh(given, () => siteFingerprint(model, site), "the importance", options.allowStale);
  }
  const damageOptions = pickDamageOptions(options);
  const imp = given ?? measureImportance(model, site, data, { ...damageOptions, metric: "loss" });
  const order = ranked(imp);
  const metric = options.metric ?? "accuracy";
  const engine = new DamageEngine(model, site, data, {
    ...damageOptions,
    metric,
    method: options.method ?? imp.method ?? "resample",
    spatial: options.spatial ?? imp.spatial ?? DEFAULT_SPATIAL,
  });
  try {
    const prefix = (k: number) => order.slice(0, k);
    const curve: { k: number; damage: number }[] = [];
    const measure = (k: number): number => {
      const d = engine.damage([prefix(k)])[0];
      curve.push({ k, damage: d });
      return d;
    };
    const full = measure(units);
    const done = (k: number, d: number): CoreSplit => {
      const core = prefix(k);
      const inCore = new Set(core);
      return markMeasured<CoreSplit>({
        site,
        core,
        spectators: order.filter((u) => !inCore.has(u)).sort((a, b) => a - b),
        fraction,
        metric,
        method: engine.method,
        spatial: engine.spatial,
        fractionReached: full > 0 ? d / full : 1,
        fullDamage: full,
        evaluations: engine.evaluations,
        curve: curve.sort((a, b) => a.k - b.k),
      }, engine.fingerprint);
    };
    if (!(full > 0)) return done(0, 0);
    const target = fraction * full;
    let lo = 0;
    let hi = units;
    let hiDamage = full;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const d = measure(mid);
      if (d >= target) {
        hi = mid;
        hiDamage = d;
      } else lo = mid;
    }
    return done(hi, hiDamage);
  } finally {
    engine.dispose();
  }
}

/** Checks a ranking passed to {@link findCore} has scores (no NaN) for exactly the units of `site`. */
function requireRankingFor(given: UnitScores, site: string, units: number): void {
  const fix = `pass one made at that site, e.g. at.importance(model, "${site}", data), at.taylorImportance(model, "${site}", data) or { site: "${site}", scores }`;
  if (given === null || typeof given !== "object" || given.scores === null || typeof given.scores !== "object" || typeof given.scores.length !== "number") {
    throw new AntitrainError(`importance must be an Importance or { site, scores }, got ${given === null ? "null" : typeof given === "object" ? "an object without scores" : typeof given}: ${fix}`);
  }
  if (typeof given.site !== "string") throw new AntitrainError(`the importance passed names no site: ${fix}`);
  if (given.site !== site || given.scores.length !== units) {
    throw new AntitrainError(`the importance passed is for site "${given.site}" with ${given.scores.length} units, not "${site}" with ${units}: ${fix}`);
  }
  requireScores(given, "findCore");
  if (given.method !== undefined) requireMethod(given.method);
  if (given.spatial !== undefined) requireSpatial(given.spatial, "importance.spatial");
}

/** Damage of randomizing the core, the spectators, and the whole site, as shares of the whole-site damage. */
export interface SplitDamage {
  readonly core: number;
  readonly spectators: number;
  readonly full: number;
  /** Core damage / full damage. */
  readonly coreShare: number;
  /** Spectator damage / full damage. */
  readonly spectatorShare: number;
}

/**
 * How much damage the core and the spectators each carry (common random numbers across the three).
 *
 * @example
 * const d = at.splitDamage(model, "h1", test, split, { stats, metric: "accuracy" });   // d.spectatorShare ≈ 0 after antitraining
 */
export function splitDamage(
  model: HookedModel,
  site: string,
  data: Dataset,
  split: Pick<CoreSplit, "core" | "spectators"> & Partial<Pick<CoreSplit, "site">>,
  options: DamageOptions = {},
): SplitDamage {
  requireSite(model, site);
  requireDamageOptions(options, "splitDamage");
  requireSplitFor(split, site);
  const engine = new DamageEngine(model, site, data, { metric: "accuracy", ...options });
  try {
    const all = [...split.core, ...split.spectators];
    const [core, spectators, full] = engine.damage([split.core, split.spectators, all]);
    return {
      core,
      spectators,
      full,
      coreShare: full > 0 ? core / full : 0,
      spectatorShare: full > 0 ? spectators / full : 0,
    };
  } finally {
    engine.dispose();
  }
}

/**
 * Checks a split passed for `site` is a split of `site`: a {@link CoreSplit} carries its site, and a split found at
 * another site names other units. A hand-made `{ core }` without a site passes.
 */
export function requireSplitFor(split: { readonly core: readonly number[]; readonly site?: string }, site: string): void {
  if (split === null || typeof split !== "object" || !Array.isArray(split.core)) {
    throw new AntitrainError(`split must be a core split such as at.findCore(model, "${site}", data) or { core: [0, 3] }, got ${split === null ? "null" : typeof split}`);
  }
  if (split.site !== undefined && split.site !== site) {
    throw new AntitrainError(`the split was found at site "${split.site}", not "${site}": pass a split of "${site}" (at.findCore(model, "${site}", data))`);
  }
}
