import type { Dataset } from "../data/dataset";
import { DAMAGE_OPTION_KEYS, type DamageOptions, DamageEngine, pickDamageOptions, requireDamageOptions } from "../measure/damage";
import { AntitrainError } from "../base/errors";
import type { Importance } from "./importance";
import type { HookedModel } from "../models/types";
import { rngFor } from "../base/rng";
import { spearman } from "../base/statistics";
import { requirePositiveInt, requireSite } from "../base/validate";

/** Options for {@link groupImportance}. */
export interface GroupImportanceOptions extends DamageOptions {
  /** Share of the site's units randomized together in one group, in (0, 0.5]. Default 0.03 (the notes' "a few percent"). */
  groupShare?: number;
  /** Groups evaluated (the compute budget). Default ceil(units / 10): ten times fewer evaluations than exact. */
  groups?: number;
  /**
   * How per-unit importance is solved from the group damages: `ridge` (default) fits damage(g) ≈ Σ_{u∈g} s_u by
   * minimum-norm ridge least squares; `marginal` scores each unit by the mean damage of the groups holding it
   * minus the mean damage of the others (the notes' "update by 1/(units randomized)" idea).
   */
  solve?: GroupSolve;
  /** Ridge strength relative to the group size. Default 1e-3. */
  ridge?: number;
  /** Exact importance to compare with: the result then carries the Spearman rank correlation. */
  exact?: Pick<Importance, "scores">;
}

/** How {@link groupImportance} solves per-unit scores from group damages (see {@link GroupImportanceOptions.solve}). */
export type GroupSolve = "ridge" | "marginal";

/** Every {@link GroupSolve}. */
export const GROUP_SOLVES: readonly GroupSolve[] = ["ridge", "marginal"];

/** Every key of {@link GroupImportanceOptions} (unknown keys are refused). */
const GROUP_IMPORTANCE_OPTION_KEYS: readonly string[] = [...DAMAGE_OPTION_KEYS, "groupShare", "groups", "solve", "ridge", "exact"];

/** An estimated {@link Importance}, with what it cost and, on request, how well it ranks. */
export interface EstimatedImportance extends Importance {
  /** Perturbations the estimate evaluated (exact importance takes units + 1). */
  readonly evaluations: number;
  /** Units per group. */
  readonly groupSize: number;
  /** Spearman rank correlation with `options.exact`, when given. */
  readonly spearman?: number;
}

/**
 * Per-unit importance of a wide site from random groups (group testing, the notes' idea 3): randomize random
 * groups of a few percent of the units at a time, measure each group's damage with the damage engine, and solve
 * for every unit's share. Groups are blocks of fresh random permutations, so every unit lands in nearly the same
 * number of groups. Cost: `groups` evaluations instead of one per unit; on models whose site feeds a dense layer
 * each group is a rank-|group| update (see {@link DamageEngine}). The scores estimate single-unit damage on the
 * additive model; interactions (redundant units) make them approximate. Leaves the model unchanged.
 *
 * @example
 * const est = at.groupImportance(model, "h1", test, { stats, groups: 400, exact: imp });
 * est.spearman;   // rank agreement with the exact importance
 */
export function groupImportance(model: HookedModel, site: string, data: Dataset, options: GroupImportanceOptions = {}): EstimatedImportance {
  const units = requireSite(model, site).units;
  requireDamageOptions(options, "groupImportance", GROUP_IMPORTANCE_OPTION_KEYS);
  const share = options.groupShare ?? 0.03;
  if (!(Number.isFinite(share) && share > 0 && share <= 0.5)) {
    throw new AntitrainError(`groupShare must be in (0, 0.5], got ${share}: use e.g. 0.03 for groups of 3% of the units`);
  }
  const groups = options.groups ?? Math.ceil(units / 10);
  requirePositiveInt(groups, "groups");
  const ridge = options.ridge ?? 1e-3;
  if (!(Number.isFinite(ridge) && ridge >= 0)) throw new AntitrainError(`ridge must be a non-negative number, got ${ridge}`);
  const solve = options.solve ?? "ridge";
  if (!GROUP_SOLVES.includes(solve)) throw new AntitrainError(`solve must be "ridge" or "marginal", got ${JSON.stringify(solve)}`);
  if (options.exact !== undefined && options.exact.scores.length !== units) {
    throw new AntitrainError(`exact has ${options.exact.scores.length} scores but site "${site}" has ${units} units`);
  }
  const k = Math.max(1, Math.round(share * units));
  const sets = randomGroups(units, k, groups, options.seed ?? 0);
  const engine = new DamageEngine(model, site, data, pickDamageOptions(options));
  try {
    const all = Array.from({ length: units }, (_, u) => u);
    const d = engine.damage([...sets, all]);
    const damages = d.subarray(0, groups);
    const scores = solve === "ridge" ? ridgeScores(sets, damages, units, ridge * k) : marginalScores(sets, damages, units);
    const result = {
      site,
      estimator: "group-testing" as const,
      method: engine.method,
      spatial: engine.spatial,
      metric: engine.metric,
      scores,
      clean: engine.clean,
      full: d[groups],
      evaluations: engine.evaluations,
      groupSize: k,
    };
    return options.exact === undefined ? result : { ...result, spearman: spearman(scores, options.exact.scores) };
  } finally {
    engine.dispose();
  }
}

/** `count` groups of `k` units: consecutive blocks of fresh random permutations (leftovers start the next block). */
function randomGroups(units: number, k: number, count: number, seed: number): number[][] {
  const rng = rngFor(seed, 0x6770);
  const out: number[][] = [];
  let perm = rng.permutation(units);
  let pos = 0;
  while (out.length < count) {
    if (pos + k > units) {
      perm = rng.permutation(units);
      pos = 0;
    }
    out.push(Array.from(perm.subarray(pos, pos + k)));
    pos += k;
  }
  return out;
}

/** Minimum-norm ridge solution of damage(g) = Σ_{u∈g} s_u: s = Aᵀ (A Aᵀ + λI)⁻¹ d, with (A Aᵀ)_gh = |g ∩ h|. */
function ridgeScores(sets: readonly number[][], damages: Float64Array, units: number, lambda: number): Float32Array {
  const g = sets.length;
  const member = sets.map((s) => {
    const m = new Uint8Array(units);
    for (const u of s) m[u] = 1;
    return m;
  });
  const gram = new Float64Array(g * g);
  for (let i = 0; i < g; i++) {
    for (let j = i; j < g; j++) {
      let overlap = 0;
      for (const u of sets[j]) overlap += member[i][u];
      gram[i * g + j] = overlap;
      gram[j * g + i] = overlap;
    }
    gram[i * g + i] += lambda;
  }
  const alpha = solveSpd(gram, Float64Array.from(damages), g);
  const s = new Float64Array(units);
  sets.forEach((set, i) => {
    for (const u of set) s[u] += alpha[i];
  });
  return Float32Array.from(s);
}

/** Mean damage of the groups holding each unit minus that of the groups without it. */
function marginalScores(sets: readonly number[][], damages: Float64Array, units: number): Float32Array {
  const inSum = new Float64Array(units);
  const inCount = new Float64Array(units);
  let total = 0;
  sets.forEach((set, i) => {
    total += damages[i];
    for (const u of set) {
      inSum[u] += damages[i];
      inCount[u]++;
    }
  });
  const n = sets.length;
  return Float32Array.from(inSum, (sum, u) => {
    const inMean = inCount[u] > 0 ? sum / inCount[u] : 0;
    const outMean = n - inCount[u] > 0 ? (total - sum) / (n - inCount[u]) : 0;
    return inMean - outMean;
  });
}

/** Solves M x = b for a symmetric positive (semi)definite M by Cholesky, with a tiny jitter if a pivot vanishes. */
function solveSpd(m: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = Float64Array.from(m);
  const scale = Math.max(1e-12, ...Array.from({ length: n }, (_, i) => Math.abs(m[i * n + i])));
  for (let j = 0; j < n; j++) {
    let d = l[j * n + j];
    for (let p = 0; p < j; p++) d -= l[j * n + p] * l[j * n + p];
    d = Math.sqrt(Math.max(d, 1e-10 * scale));
    l[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let v = l[i * n + j];
      for (let p = 0; p < j; p++) v -= l[i * n + p] * l[j * n + p];
      l[i * n + j] = v / d;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = b[i];
    for (let p = 0; p < i; p++) v -= l[i * n + p] * y[p];
    y[i] = v / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let v = y[i];
    for (let p = i + 1; p < n; p++) v -= l[p * n + i] * x[p];
    x[i] = v / l[i * n + i];
  }
  return x;
}
