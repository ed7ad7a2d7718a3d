import type { Dataset } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { markMeasured } from "../base/fingerprint";
import { type DamageOptions, DamageEngine, requireDamageOptions } from "../measure/damage";
import type { Metric } from "../measure/metrics";
import type { HookedModel } from "../models/types";
import type { RandomizeMethod, SpatialMode } from "../measure/randomize";

/**
 * Which estimator made an {@link Importance}:
 * - `randomization`: {@link importance}, each unit randomized alone (the reference);
 * - `group-testing`: {@link groupImportance}, single-unit damage solved from random groups;
 * - `taylor`: {@link taylorImportance}, first-order estimate of replacing each unit by its mean;
 * - `gate`: {@link gateImportance}, first-order estimate of zeroing each unit (Michel et al.'s gate gradient);
 * - `magnitude`: {@link magnitudeImportance}, the norm of each unit's weights (no data).
 */
export type Estimator = "randomization" | "group-testing" | "taylor" | "gate" | "magnitude";

/** Every {@link Estimator}. */
export const ESTIMATORS: readonly Estimator[] = ["randomization", "group-testing", "taylor", "gate", "magnitude"];

/**
 * Every unit's score at a site, from any estimator: the one shape every unit-score estimator returns and
 * {@link findCore} and {@link ranked} accept. What the fields mean depends on `estimator`:
 *
 * | estimator | scores | method | metric | clean, full |
 * | --- | --- | --- | --- | --- |
 * | randomization | damage when the unit alone is randomized | the randomization | the metric | clean metric, whole-site damage |
 * | group-testing | that damage, estimated from group damages | the randomization | the metric | clean metric, whole-site damage |
 * | taylor | mean \|∂L/∂a · (a − mean)\| | `"mean"` (the reference it linearizes) | `"loss"` | clean loss, damage of the whole site at its mean |
 * | gate | mean \|Σ a · ∂L/∂a\| | `"zero"` (the reference it linearizes) | `"loss"` | clean loss, damage of the whole site zeroed |
 * | magnitude | L2 norm of the unit's incoming and outgoing weights | `"zero"` (pruning removes the unit) | `"loss"` (nominal: no data is used) | NaN (no data is used) |
 *
 * Larger scores mean more important in every case. `method` is what {@link findCore} randomizes by default when
 * it searches the core along this ranking.
 */
export interface Importance {
  readonly site: string;
  /** Which estimator made it (see the table above). */
  readonly estimator: Estimator;
  readonly method: RandomizeMethod;
  /** How units spanning several positions were randomized (see {@link SpatialMode}); set by the randomization estimators. */
  readonly spatial?: SpatialMode;
  readonly metric: Metric;
  /** One score per unit, larger = more important (for `randomization`: damage when the unit alone is randomized). */
  readonly scores: Float32Array;
  /** The metric with nothing randomized (NaN for `magnitude`). */
  readonly clean: number;
  /** Damage when the whole site is randomized (NaN for `magnitude`). */
  readonly full: number;
}

/**
 * What {@link findCore} needs of a ranking: the site it was measured at and one score per unit. Every
 * {@link Importance} is one; so is `{ site: "h1", scores }` with scores from any other source.
 */
export type UnitScores = Pick<Importance, "site" | "scores"> & Partial<Pick<Importance, "estimator" | "method" | "spatial">>;

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
    return markMeasured({
      site,
      estimator: "randomization",
      method: engine.method,
      spatial: engine.spatial,
      metric: engine.metric,
      scores: Float32Array.from(d.subarray(0, engine.units)),
      clean: engine.clean,
      full: d[engine.units],
    } satisfies Importance, engine.fingerprint);
  } finally {
    engine.dispose();
  }
}

/**
 * Unit indices from most to least important (ties: lower index first). Takes any estimator's result (an
 * {@link Importance}) or bare `{ scores }`; refuses scores that are not numbers or hold NaN.
 *
 * @example
 * const order = at.ranked(at.taylorImportance(model, "h1", train));
 * const top16 = order.slice(0, 16);
 * at.ranked({ scores: at.magnitudeScores(model, "h1") });   // bare scores work too
 */
export function ranked(imp: Pick<Importance, "scores">): number[] {
  requireScores(imp, "ranked");
  return Array.from(imp.scores, (_, u) => u).sort((a, b) => imp.scores[b] - imp.scores[a] || a - b);
}

/** Checks `imp` holds `scores`: an array of numbers without NaN (what ranking needs). */
export function requireScores(imp: Pick<Importance, "scores">, what: string): void {
  if (imp === null || typeof imp !== "object" || imp.scores === null || typeof imp.scores !== "object" || typeof imp.scores.length !== "number") {
    throw new AntitrainError(`${what} needs an Importance (e.g. at.importance(model, site, data)) or { scores: Float32Array }, got ${describe(imp)}`);
  }
  for (let u = 0; u < imp.scores.length; u++) {
    const v: unknown = imp.scores[u];
    if (typeof v !== "number" || Number.isNaN(v)) {
      throw new AntitrainError(`${what}: the score of unit ${u} is ${String(v)}: scores must be numbers (check the estimator's input for NaN)`);
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return `an object without scores (keys: ${Object.keys(value).join(", ") || "none"})`;
}
