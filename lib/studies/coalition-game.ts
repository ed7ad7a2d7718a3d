/**
 * A cooperative game given by its 2^n coalition values in bit-mask order (`values[mask]` is v(S) for the players
 * whose bits are set in `mask`), and the Shapley values of its players: one computation for the studies that
 * enumerate every coalition of a small layer (07's ground truth, 11's exact reference). Callers check the game
 * first (its size and finite values), each with the bound and message of its own study.
 */

/** The number of players in a coalition (set bits of its mask). */
export function popcount(mask: number): number {
  let c = 0;
  for (let x = mask; x !== 0; x &= x - 1) c++;
  return c;
}

/**
 * Each player's Shapley value φ_i = Σ_{S ∌ i} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)), for a game already
 * checked (length 2^n, finite values). The values sum to v(all) − v(∅).
 *
 * @example
 * shapleyPhi(2, [0, 1, 2, 3]);   // [1, 2]: an additive game gives each player its own worth
 */
export function shapleyPhi(n: number, values: ArrayLike<number>): Float64Array {
  // weight[k] = k! (n − k − 1)! / n! = 1 / (n · C(n − 1, k)), for a coalition of k players joined by one more.
  const weight: number[] = [];
  for (let k = 0; k < n; k++) {
    let binomial = 1;
    for (let i = 1; i <= k; i++) binomial = (binomial * (n - 1 - k + i)) / i;
    weight.push(1 / (n * binomial));
  }
  const phi = new Float64Array(n);
  for (let mask = 0; mask < 1 << n; mask++) {
    const k = popcount(mask);
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) continue;
      phi[i] += weight[k] * (values[mask | (1 << i)] - values[mask]);
    }
  }
  return phi;
}
