/**
 * Exact Shapley values of a small game by enumerating every coalition, and the ranking statistics the randomization
 * study compares single-unit damage rankings with (top-k overlap). Plain functions on plain numbers: the study feeds
 * them damages the damage engine measured, the tests feed them hand-made games.
 */
import { AntitrainError } from "../../base/errors";
import { shapleyPhi } from "../coalition-game";

/** The most players {@link exactShapley} enumerates (2^12 = 4096 coalitions). */
export const MAX_SHAPLEY_PLAYERS = 12;

/**
 * Every non-empty coalition of `n` players as a list of members, in bitmask order: entry `mask − 1` holds the
 * players whose bit is set in `mask` (mask 1 … 2^n − 1).
 *
 * @example
 * coalitions(2);   // [[0], [1], [0, 1]]
 */
export function coalitions(n: number): number[][] {
  requirePlayers(n);
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << n; mask++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) members.push(i);
    out.push(members);
  }
  return out;
}

/**
 * The exact Shapley value of each of `n` players of the game `value` (`value[mask]` is v(S) for the coalition whose
 * members are the set bits of `mask`; length 2^n, `value[0]` = v(∅)):
 * φ_i = Σ_{S ∌ i} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)).
 * The values sum to v(all) − v(∅) (efficiency), equal players get equal values (symmetry), and a player whose
 * joining never changes v gets 0 (null player).
 *
 * @example
 * exactShapley([0, 1, 2, 3], 2);   // [1, 2]: an additive game gives each player its own worth
 */
export function exactShapley(value: ArrayLike<number>, n: number): number[] {
  requirePlayers(n);
  const size = 1 << n;
  if (value.length !== size) throw new AntitrainError(`exactShapley needs 2^${n} = ${size} coalition values (value[mask] = v(S)), got ${value.length}`);
  for (let m = 0; m < size; m++) {
    if (!Number.isFinite(value[m])) throw new AntitrainError(`exactShapley: v of coalition ${m} is ${value[m]}, not a finite number`);
  }
  return Array.from(shapleyPhi(n, value));
}

/**
 * How many of the `k` largest of `scores` are among the `k` largest of `truth`, as a share of `k` (ties broken by
 * the lower index, the same rule for both lists).
 *
 * @example
 * topKOverlap([3, 2, 1, 0], [3, 0, 2, 1], 2);   // 0.5: unit 0 in both top twos, unit 1 only in the first
 */
export function topKOverlap(scores: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  if (scores.length !== truth.length) throw new AntitrainError(`topKOverlap needs equally long lists, got ${scores.length} and ${truth.length}`);
  if (!Number.isInteger(k) || k < 1 || k > scores.length) throw new AntitrainError(`topKOverlap: k must be an integer from 1 to ${scores.length}, got ${k}`);
  const top = (v: ArrayLike<number>) => new Set(Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[b] - v[a] || a - b).slice(0, k));
  const a = top(scores);
  let both = 0;
  for (const i of top(truth)) if (a.has(i)) both++;
  return both / k;
}

function requirePlayers(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHAPLEY_PLAYERS) {
    throw new AntitrainError(`exact Shapley values enumerate 2^n coalitions: n must be an integer from 1 to ${MAX_SHAPLEY_PLAYERS}, got ${n}`);
  }
}
