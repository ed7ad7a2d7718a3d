import { DAMAGE_OPTION_KEYS, type DamageOptions, DamageEngine, type UnitSet, pickDamageOptions, requireDamageOptions } from "../measure/damage";
import type { Dataset } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import type { Metric } from "../measure/metrics";
import type { HookedModel } from "../models/types";
import type { RandomizeMethod } from "../measure/randomize";
import { type Rng, rngFor } from "../base/rng";
import { requirePositiveInt, requireSite } from "../base/validate";

/** Options for {@link redundancy}. */
export interface RedundancyOptions extends Omit<DamageOptions, "coupled"> {
  /** The units to pair (e.g. the core); default every unit of the site. */
  units?: readonly number[];
  /** Measure only this many pairs, drawn at random (an estimate for wide layers); default every pair (exact). */
  sample?: number;
}

/** Every key of {@link RedundancyOptions} (unknown keys are refused). */
const REDUNDANCY_OPTION_KEYS: readonly string[] = [...DAMAGE_OPTION_KEYS.filter((k) => k !== "coupled"), "units", "sample"];

/** One measured pair of {@link Redundancy}. */
export interface PairInteraction {
  /** Unit indices in the site (a < b in the order of `units`). */
  readonly a: number;
  readonly b: number;
  /** Damage when both are randomized together. */
  readonly joint: number;
  /** joint − single(a) − single(b). */
  readonly interaction: number;
}

/** Pairwise interactions between units of a site (see {@link redundancy}). */
export interface Redundancy {
  readonly site: string;
  readonly metric: Metric;
  readonly method: RandomizeMethod;
  /** The units, in the order of the matrix rows and columns. */
  readonly units: number[];
  /** Damage when each unit alone is randomized, `[k]`. */
  readonly singles: Float32Array;
  /** Interaction of units[i] and units[j] at `i * k + j`, `[k × k]` symmetric; 0 on the diagonal, NaN for pairs not sampled. */
  readonly matrix: Float32Array;
  /** The measured pairs. */
  readonly pairs: PairInteraction[];
  /** True when every pair was measured. */
  readonly exact: boolean;
  /** The metric with nothing randomized. */
  readonly clean: number;
  /** Damage when all `units` are randomized together. */
  readonly groupDamage: number;
}

/** A summary of the measured pairs of a {@link Redundancy}. */
export interface InteractionSummary {
  readonly pairs: number;
  readonly mean: number;
  readonly meanAbs: number;
  /** Share of pairs with interaction > `tolerance` (backups) and < −`tolerance` (entangled). */
  readonly positiveShare: number;
  readonly negativeShare: number;
  /** (group damage − Σ singles) / group damage: > 0 the group is superadditive (backups), < 0 subadditive. */
  readonly groupExcess: number;
}

const PAIR_STREAM = 0x9a1e;
const GROUP_STREAM = 0x6e0f;
/** More pairs than this in one exact call is almost surely a mistake (hours of compute): ask for a sample. */
const MAX_EXACT_PAIRS = 50_000;

/**
 * Pairwise interactions between units of `site`: for each pair, the damage of randomizing both together minus the
 * damages of randomizing each alone, interaction = joint − single_a − single_b. Positive (superadditive): the units
 * back each other up — either alone carries the information, so losing one costs little and both much (redundant
 * copies). Negative (subadditive): each is necessary — randomizing either already destroys what they carry
 * together (entangled, e.g. an AND). Zero: independent (a dead unit interacts with nothing, exactly). Singles, all
 * pairs and the whole group are one {@link DamageEngine} call with common random numbers, so the differences
 * carry no independent sampling noise between terms. Exact for chosen `units` (e.g. the core); `sample` measures
 * a random subset of pairs for a wide layer. Note that the metric shapes the sign: cross-entropy is convex in the
 * logits, so independent noise adds up superadditively on `loss`, while bounded `accuracy` saturates at chance.
 * Leaves the model unchanged.
 *
 * @example
 * const r = at.redundancy(model, "h1", test, { units: split.core, metric: "loss", seed: 0 });
 * r.matrix[i * r.units.length + j];   // interaction of r.units[i] and r.units[j]
 * at.summarizeInteractions(r).mean;
 */
export function redundancy(model: HookedModel, site: string, data: Dataset, options: RedundancyOptions = {}): Redundancy {
  const width = requireSite(model, site).units;
  requireDamageOptions(options, "redundancy", REDUNDANCY_OPTION_KEYS);
  const units = requireUnits(options.units ?? range(width), width, site, 2);
  const k = units.length;
  const total = (k * (k - 1)) / 2;
  if (options.sample !== undefined) requirePositiveInt(options.sample, "sample");
  const exact = options.sample === undefined || options.sample >= total;
  if (exact && total > MAX_EXACT_PAIRS) {
    throw new AntitrainError(`${total} pairs is too many to measure exactly: pass { sample: 2000 } to estimate, or { units } (e.g. the core)`);
  }
  const pairs = exact ? allPairs(k) : samplePairs(k, options.sample as number, rngFor(options.seed ?? 0, PAIR_STREAM));
  const engine = new DamageEngine(model, site, data, pickDamageOptions(options));
  try {
    const sets: UnitSet[] = [...units.map((u) => [u]), ...pairs.map(([i, j]) => [units[i], units[j]]), units];
    const d = engine.damage(sets);
    const singles = Float32Array.from(d.subarray(0, k));
    const matrix = new Float32Array(k * k).fill(exact ? 0 : Number.NaN);
    for (let i = 0; i < k; i++) matrix[i * k + i] = 0;
    const measured = pairs.map(([i, j], p): PairInteraction => {
      const joint = d[k + p];
      const interaction = joint - d[i] - d[j];
      matrix[i * k + j] = interaction;
      matrix[j * k + i] = interaction;
      return { a: units[i], b: units[j], joint, interaction };
    });
    return {
      site,
      metric: engine.metric,
      method: engine.method,
      units,
      singles,
      matrix,
      pairs: measured,
      exact,
      clean: engine.clean,
      groupDamage: d[d.length - 1],
    };
  } finally {
    engine.dispose();
  }
}

/**
 * Mean, mean absolute value and sign shares of the measured interactions, plus the group's excess over the sum
 * of its singles. `tolerance` (default 0) sets the band counted as neither sign.
 *
 * @example
 * const s = at.summarizeInteractions(at.redundancy(model, "h1", test), 1e-3);   // s.positiveShare
 */
export function summarizeInteractions(r: Redundancy, tolerance = 0): InteractionSummary {
  const v = r.pairs.map((p) => p.interaction);
  const n = v.length;
  const sumSingles = r.singles.reduce((a, b) => a + b, 0);
  return {
    pairs: n,
    mean: n > 0 ? v.reduce((a, b) => a + b, 0) / n : Number.NaN,
    meanAbs: n > 0 ? v.reduce((a, b) => a + Math.abs(b), 0) / n : Number.NaN,
    positiveShare: n > 0 ? v.filter((x) => x > tolerance).length / n : Number.NaN,
    negativeShare: n > 0 ? v.filter((x) => x < -tolerance).length / n : Number.NaN,
    groupExcess: r.groupDamage > 0 ? (r.groupDamage - sumSingles) / r.groupDamage : Number.NaN,
  };
}

/** Options for {@link groupDamage}. */
export interface GroupOptions extends Omit<DamageOptions, "coupled"> {
  /** Sub-group sizes to measure; default 1, 2, ..., N−1. */
  sizes?: readonly number[];
  /** Random sub-groups per size (all of them when there are fewer). Default 16. */
  subsets?: number;
}

/** Every key of {@link GroupOptions} (unknown keys are refused). */
const GROUP_OPTION_KEYS: readonly string[] = [...DAMAGE_OPTION_KEYS.filter((k) => k !== "coupled"), "sizes", "subsets"];

/** Damage of random sub-groups of each size against the whole group (see {@link groupDamage}). */
export interface GroupCurve {
  readonly site: string;
  readonly metric: Metric;
  readonly group: number[];
  readonly sizes: number[];
  /** Per size: mean, min and max damage over the sub-groups measured. */
  readonly mean: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Per size: mean damage as a share of the whole group's damage (NaN when the group does no damage). */
  readonly share: Float64Array;
  /** Sub-groups measured per size. */
  readonly counts: number[];
  /** Damage when the whole group is randomized. */
  readonly full: number;
  readonly clean: number;
}

/**
 * The notes' group question: does randomizing any 1/N of a group destroy as much as randomizing all of it? For
 * each size s, the damage of random sub-groups of s units of `group`, against the damage of the whole group, all
 * in one {@link DamageEngine} call (common random numbers). `share[s]` near 1 at small s: any part destroys it all
 * (entangled); near s/N: additive; well below s/N: the units back each other up. Leaves the model unchanged.
 *
 * @example
 * const g = at.groupDamage(model, "h1", test, split.core, { metric: "accuracy", subsets: 8, seed: 0 });
 * g.share[0];   // damage of one random core unit as a share of the whole core's
 */
export function groupDamage(
  model: HookedModel,
  site: string,
  data: Dataset,
  group: readonly number[],
  options: GroupOptions = {},
): GroupCurve {
  const width = requireSite(model, site).units;
  requireDamageOptions(options, "groupDamage", GROUP_OPTION_KEYS);
  const units = requireUnits(group, width, site, 1);
  const n = units.length;
  const sizes = options.sizes ? [...options.sizes] : range(n - 1).map((s) => s + 1);
  for (const s of sizes) {
    if (!(Number.isInteger(s) && s >= 1 && s <= n)) throw new AntitrainError(`sizes must be whole numbers in [1, ${n}] (the group size), got ${s}`);
  }
  const perSize = options.subsets ?? 16;
  requirePositiveInt(perSize, "subsets");
  const rng = rngFor(options.seed ?? 0, GROUP_STREAM);
  const subsets = sizes.map((s) => chooseSubsets(units, s, perSize, rng));
  const engine = new DamageEngine(model, site, data, pickDamageOptions(options));
  try {
    const d = engine.damage([...subsets.flat(), units]);
    const full = d[d.length - 1];
    const mean = new Float64Array(sizes.length);
    const min = new Float64Array(sizes.length);
    const max = new Float64Array(sizes.length);
    let offset = 0;
    subsets.forEach((list, i) => {
      const v = Array.from(d.subarray(offset, offset + list.length));
      offset += list.length;
      mean[i] = v.reduce((a, b) => a + b, 0) / v.length;
      min[i] = Math.min(...v);
      max[i] = Math.max(...v);
    });
    return {
      site,
      metric: engine.metric,
      group: units,
      sizes,
      mean,
      min,
      max,
      share: mean.map((m) => (full > 0 ? m / full : Number.NaN)),
      counts: subsets.map((l) => l.length),
      full,
      clean: engine.clean,
    };
  } finally {
    engine.dispose();
  }
}

/** Checks a unit list: distinct whole numbers inside the site, at least `least` of them. */
export function requireUnits(units: readonly number[], width: number, site: string, least: number): number[] {
  if (!Array.isArray(units) || units.length < least) {
    throw new AntitrainError(`pass at least ${least} unit${least > 1 ? "s" : ""} of site "${site}" (units 0..${width - 1})`);
  }
  const seen = new Set<number>();
  for (const u of units) {
    if (!(Number.isInteger(u) && u >= 0 && u < width)) throw new AntitrainError(`unit ${u} is not in site "${site}" (units 0..${width - 1})`);
    if (seen.has(u)) throw new AntitrainError(`unit ${u} is listed twice: pass each unit once`);
    seen.add(u);
  }
  return [...units];
}

/** Every pair (i < j) of k positions. */
export function allPairs(k: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) out.push([i, j]);
  return out;
}

/** `count` distinct random pairs (i < j) of k positions, in ascending order. */
export function samplePairs(k: number, count: number, rng: Rng): [number, number][] {
  const chosen = new Set<number>();
  while (chosen.size < count) {
    const i = rng.int(k);
    const j = rng.int(k);
    if (i !== j) chosen.add(Math.min(i, j) * k + Math.max(i, j));
  }
  return [...chosen].sort((a, b) => a - b).map((c) => [Math.floor(c / k), c % k]);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Up to `count` distinct sub-groups of `s` units: all of them when C(n, s) ≤ count, else random ones. */
function chooseSubsets(units: readonly number[], s: number, count: number, rng: Rng): number[][] {
  const n = units.length;
  if (binomial(n, s) <= count) return combinations(n, s).map((c) => c.map((i) => units[i]));
  const seen = new Set<string>();
  const out: number[][] = [];
  while (out.length < count) {
    const pick = Array.from(rng.permutation(n).subarray(0, s)).sort((a, b) => a - b);
    const key = pick.join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(pick.map((i) => units[i]));
  }
  return out;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return Math.round(c);
}

function combinations(n: number, s: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const go = (start: number) => {
    if (cur.length === s) {
      out.push([...cur]);
      return;
    }
    for (let i = start; i < n; i++) {
      cur.push(i);
      go(i + 1);
      cur.pop();
    }
  };
  go(0);
  return out;
}
