import { DAMAGE_OPTION_KEYS, type DamageOptions, DamageEngine, type UnitSet, pickDamageOptions, requireDamageOptions } from "../measure/damage";
import type { Dataset } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import type { Metric } from "../measure/metrics";
import type { HookedModel } from "../models/types";
import type { RandomizeMethod } from "../measure/randomize";
import { allPairs, requireUnits, samplePairs } from "./redundancy";
import { rngFor } from "../base/rng";
import { collectStats, requireStatsFor } from "../measure/unit-stats";
import { requirePositiveInt, requireSite } from "../base/validate";

/** Options for {@link tyingHints}. */
export interface TyingOptions extends Omit<DamageOptions, "coupled" | "method"> {
  /** The units to pair; default every unit of the site. */
  units?: readonly number[];
  /** Measure only this many random pairs (for wide layers); default every pair. */
  sample?: number;
}

/** Every key of {@link TyingOptions} (unknown keys are refused); `method` is listed so a JavaScript caller is told why it is fixed. */
const TYING_OPTION_KEYS: readonly string[] = [...DAMAGE_OPTION_KEYS.filter((k) => k !== "coupled"), "units", "sample"];

/** One ranked pair of {@link TyingHints}. */
export interface TyingHint {
  readonly a: number;
  readonly b: number;
  /** Damage when both are randomized with one shared draw. */
  readonly correlated: number;
  /** Damage when both are randomized with independent draws. */
  readonly independent: number;
  /**
   * How much more the correlated draw destroys: correlated − independent, less the same difference for each unit
   * randomized alone (zero in expectation, subtracted to cancel the two draws' noise). > 0: the pair carries
   * similar information (a tying candidate).
   */
  readonly hint: number;
}

/** Pairs ranked by how much more a correlated randomization destroys than an independent one. */
export interface TyingHints {
  readonly site: string;
  readonly metric: Metric;
  readonly method: RandomizeMethod;
  readonly units: number[];
  /** Every measured pair, highest hint first. */
  readonly ranked: TyingHint[];
  /** Hint of units[i] and units[j] at `i * k + j`, `[k × k]` symmetric; 0 on the diagonal, NaN for pairs not sampled. */
  readonly matrix: Float32Array;
  readonly clean: number;
}

const PAIR_STREAM = 0x7199;
const MAX_PAIRS = 50_000;

/**
 * The notes' tying test: randomize two units with the same random draw (both take their values from the same
 * other example, so their joint distribution is kept; method "resample") and with independent draws, and compare. Units that carry
 * the same information agree after a correlated draw and push the output the same wrong way together, whereas
 * independent draws disagree and partly cancel, so a correlated randomization that destroys more than an
 * independent one (hint = correlated − independent > 0) says the pair carries similar information and could be
 * tied. Pairs whose units are statistically independent have hint ≈ 0 (the two draws have the same distribution),
 * and a pair with a unit nothing downstream reads gives exactly 0. The two randomizations are two
 * {@link DamageEngine}s on the same data and stats (the second with `coupled` draws), each evaluating every unit
 * and every pair in one batched call; the hint compares the pair's interaction (joint − singles) under the two, so
 * each unit's own noise cancels, but what remains is still sampled: average `samples` draws for small effects.
 * Hints scale with how much the pair matters downstream: a copy of a unit nothing reads ranks low, rightly, since
 * it carries nothing. Leaves the model unchanged.
 *
 * @example
 * const hints = at.tyingHints(model, "h1", test, { metric: "loss", samples: 4, seed: 0 });
 * hints.ranked[0];   // { a, b, correlated, independent, hint }: the strongest tying candidate
 */
export function tyingHints(model: HookedModel, site: string, data: Dataset, options: TyingOptions = {}): TyingHints {
  const info = requireSite(model, site);
  const width = info.units;
  requireDamageOptions(options, "tyingHints", TYING_OPTION_KEYS);
  // Only resampling keeps the pair's joint distribution under a shared draw (a shared Gaussian normal would make
  // every pair perfectly correlated, related or not), so it is the one method; a JavaScript caller is told.
  const method: RandomizeMethod = (options as DamageOptions).method ?? "resample";
  if (method !== "resample") {
    throw new AntitrainError(`tying hints randomize by "resample" only (a shared draw then keeps the pair's joint distribution), got "${method}": leave method out`);
  }
  const units = requireUnits(options.units ?? Array.from({ length: width }, (_, u) => u), width, site, 2);
  const k = units.length;
  const total = (k * (k - 1)) / 2;
  if (options.sample !== undefined) requirePositiveInt(options.sample, "sample");
  const exact = options.sample === undefined || options.sample >= total;
  if (exact && total > MAX_PAIRS) {
    throw new AntitrainError(`${total} pairs is too many to measure: pass { sample: 2000 } to estimate, or { units } (e.g. the core)`);
  }
  const pairs = exact ? allPairs(k) : samplePairs(k, options.sample as number, rngFor(options.seed ?? 0, PAIR_STREAM));
  const sets: UnitSet[] = [...units.map((u) => [u]), ...pairs.map(([i, j]) => [units[i], units[j]])];
  if (options.stats !== undefined) requireStatsFor(options.stats, info);
  const stats = options.stats ?? collectStats(model, site, data);
  const common = { ...pickDamageOptions(options), stats, method };
  const measure = (coupled: boolean): { clean: number; metric: Metric; damage: Float64Array } => {
    const engine = new DamageEngine(model, site, data, { ...common, coupled });
    try {
      return { clean: engine.clean, metric: engine.metric, damage: engine.damage(sets) };
    } finally {
      engine.dispose();
    }
  };
  const independent = measure(false);
  const correlated = measure(true);
  const matrix = new Float32Array(k * k).fill(exact ? 0 : Number.NaN);
  for (let i = 0; i < k; i++) matrix[i * k + i] = 0;
  const hints = pairs.map(([i, j], p): TyingHint => {
    const c = correlated.damage;
    const d = independent.damage;
    const hint = c[k + p] - c[i] - c[j] - (d[k + p] - d[i] - d[j]);
    matrix[i * k + j] = hint;
    matrix[j * k + i] = hint;
    return { a: units[i], b: units[j], correlated: c[k + p], independent: d[k + p], hint };
  });
  hints.sort((x, y) => y.hint - x.hint || x.a - y.a || x.b - y.b);
  return { site, metric: independent.metric, method, units, ranked: hints, matrix, clean: independent.clean };
}
