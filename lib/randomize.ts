import type { Rng } from "./rng";
import type { UnitStats } from "./stats";

/**
 * How a randomized unit's value is drawn:
 * - `gaussian`: N(mean, std) of the unit (the notes' method);
 * - `resample`: the same unit's value on another example, from the stats bank (stays inside the unit's real
 *   distribution, e.g. keeps a ReLU unit non-negative);
 * - `mean`: the unit's mean (deterministic);
 * - `zero`: 0 (classic ablation).
 */
export type RandomizeMethod = "gaussian" | "resample" | "mean" | "zero";

export const RANDOMIZE_METHODS: readonly RandomizeMethod[] = ["gaussian", "resample", "mean", "zero"];

/**
 * Replacement values for every unit of a site on `rows` examples, `[rows, units]` row-major: row r, unit u is
 * what unit u becomes on example r when it is randomized. One matrix serves every perturbation of an evaluation
 * (common random numbers). Draw order is fixed (row-major), so the same generator state gives the same matrix.
 */
export function drawReplacements(stats: UnitStats, method: RandomizeMethod, rows: number, rng: Rng): Float32Array {
  const w = stats.units;
  const out = new Float32Array(rows * w);
  switch (method) {
    case "gaussian":
      for (let i = 0; i < out.length; i++) {
        const u = i % w;
        out[i] = stats.mean[u] + stats.std[u] * rng.normal();
      }
      break;
    case "resample":
      for (let i = 0; i < out.length; i++) out[i] = stats.bank[rng.int(stats.bankRows) * w + (i % w)];
      break;
    case "mean":
      for (let r = 0; r < rows; r++) out.set(stats.mean, r * w);
      break;
    case "zero":
      break;
  }
  return out;
}
