/**
 * The exact reference for study 11's pairwise measure: the Shapley interaction index of every pair of a small layer
 * (Grabisch & Roubens 1999), computed from the damage of every coalition of its units.
 *
 *   I(i,j) = Σ_{S ⊆ N∖{i,j}} |S|!(n−|S|−2)!/(n−1)! · [v(S∪{i,j}) − v(S∪{i}) − v(S∪{j}) + v(S)]
 *
 * with v(S) = the damage (metric increase) when the units of S are randomized together (the library's resampling).
 * On this *damage* game two exact copies of a unit interact positively (losing either alone costs nothing, both a
 * lot) and an AND-like pair negatively (losing either already costs everything): the sign of the library's
 * `redundancy` (joint − single_a − single_b, which is the S = ∅ term alone). The same index on the dual *worth* game
 * w(T) = performance with only T kept has the opposite sign (redundancy negative, synergy positive), as Grabisch &
 * Roubens state it; {@link dualGame} converts, and the tests pin both.
 */
import { AntitrainError } from "../../base/errors";
import type { Dataset } from "../../data/dataset";
import { DamageEngine, type DamageOptions, type UnitSet } from "../../measure/damage";
import type { HookedModel } from "../../models/types";
import { requireSite } from "../../base/validate";
import { popcount, shapleyPhi } from "../coalition-game";

/** The largest layer whose 2^n coalitions are enumerated (2^16 = 65536 damage evaluations). */
export const MAX_EXACT_UNITS = 16;

/** The exact Shapley quantities of one small layer. */
export interface ExactInteractions {
  /** Units of the layer (n). */
  readonly units: number;
  /** v(S) for every coalition S, indexed by its bit mask (bit u set: unit u randomized); v(∅) = 0. */
  readonly values: Float64Array;
  /** Each unit's Shapley value φ_i (they sum to v(N)). */
  readonly shapley: Float64Array;
  /** I(i,j) at i·n + j, symmetric, 0 on the diagonal. */
  readonly matrix: Float64Array;
  /** v(N): the damage of randomizing the whole layer. */
  readonly layer: number;
}

function requireGame(n: number, values: ArrayLike<number>): void {
  if (!Number.isInteger(n) || n < 2 || n > MAX_EXACT_UNITS) {
    throw new AntitrainError(`exact Shapley interactions need 2 to ${MAX_EXACT_UNITS} units (2^n coalitions are enumerated), got ${n}: use a smaller layer or the sampled pairwise measure (redundancy)`);
  }
  if (values.length !== 1 << n) throw new AntitrainError(`a game on ${n} units has ${1 << n} coalition values (one per bit mask), got ${values.length}`);
  for (let m = 0; m < values.length; m++) if (!Number.isFinite(values[m])) throw new AntitrainError(`coalition ${m}'s value is ${values[m]}: every value must be finite`);
}

/** k! for k ≤ 17, as a double (exact). */
function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/**
 * The Shapley interaction index of every pair of a game on `n` players given by its 2^n coalition values (bit mask
 * order), as an n×n symmetric matrix (0 on the diagonal). O(2^n · n²).
 *
 * @example
 * // Two copies on the damage game: losing one costs 0, both 1.
 * shapleyInteractionIndex(2, [0, 0, 0, 1])[1];   // +1
 */
export function shapleyInteractionIndex(n: number, values: ArrayLike<number>): Float64Array {
  requireGame(n, values);
  const weight = Array.from({ length: n - 1 }, (_, s) => (factorial(s) * factorial(n - s - 2)) / factorial(n - 1));
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const bi = 1 << i;
      const bj = 1 << j;
      let sum = 0;
      for (let s = 0; s < 1 << n; s++) {
        if (s & bi || s & bj) continue;
        sum += weight[popcount(s)] * (values[s | bi | bj] - values[s | bi] - values[s | bj] + values[s]);
      }
      matrix[i * n + j] = sum;
      matrix[j * n + i] = sum;
    }
  }
  return matrix;
}

/**
 * Each player's Shapley value, φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · [v(S∪{i}) − v(S)]; they sum to v(N) − v(∅).
 *
 * @example
 * shapleyValues(2, [0, 0, 0, 1]);   // [0.5, 0.5]
 */
export function shapleyValues(n: number, values: ArrayLike<number>): Float64Array {
  requireGame(n, values);
  return shapleyPhi(n, values);
}

/**
 * The dual game v*(S) = v(N) − v(N∖S): the damage game of a worth game (worth: the performance with only S kept)
 * and back. The pair interaction index of the dual is minus the original's; Shapley values are unchanged.
 *
 * @example
 * dualGame(2, [0, 0, 0, 1]);   // [0, 1, 1, 1]: an AND on worth is "either loss destroys it" on damage
 */
export function dualGame(n: number, values: ArrayLike<number>): Float64Array {
  requireGame(n, values);
  const all = (1 << n) - 1;
  return Float64Array.from({ length: 1 << n }, (_, s) => values[all] - values[all & ~s]);
}

/**
 * Every coalition's damage on `site` (all 2^n subsets of its units randomized together; v(∅) = 0) in one
 * {@link DamageEngine} call with common random numbers, and from it the exact Shapley values and pair interaction
 * indices. Refuses a layer wider than {@link MAX_EXACT_UNITS}. Leaves the model unchanged.
 *
 * @example
 * const e = exactInteractions(model, "h1", test, { stats, metric: "loss", samples: 4, seed: 0 });
 * e.matrix[i * e.units + j];   // I(i, j)
 */
export function exactInteractions(model: HookedModel, site: string, data: Dataset, options: DamageOptions = {}): ExactInteractions {
  const n = requireSite(model, site).units;
  if (n > MAX_EXACT_UNITS) throw new AntitrainError(`site "${site}" has ${n} units: exact Shapley interactions enumerate 2^n coalitions, at most ${MAX_EXACT_UNITS} units (use redundancy for a wider layer)`);
  const sets: UnitSet[] = [];
  for (let m = 1; m < 1 << n; m++) sets.push(Array.from({ length: n }, (_, u) => u).filter((u) => (m >> u) & 1));
  const engine = new DamageEngine(model, site, data, options);
  let d: Float64Array;
  try {
    d = engine.damage(sets);
  } finally {
    engine.dispose();
  }
  const values = new Float64Array(1 << n);
  for (let m = 1; m < 1 << n; m++) values[m] = d[m - 1];
  return { units: n, values, shapley: shapleyValues(n, values), matrix: shapleyInteractionIndex(n, values), layer: values[(1 << n) - 1] };
}
