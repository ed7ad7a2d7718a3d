import type { RandomizeMethod } from "./randomize";
import type { Rng } from "./rng";
import type { UnitStats } from "./stats";

/**
 * Replacement values like {@link drawReplacements}, `[rows, units]` row-major, but with every unit of a row taken
 * from one random draw: `resample` copies a whole bank row (so any randomized units keep their joint distribution,
 * e.g. two duplicated units stay equal), `gaussian` shares one standard normal across the row (perfectly
 * correlated draws), `mean` and `zero` are deterministic and equal to the independent draws.
 */
export function drawCoupledReplacements(stats: UnitStats, method: RandomizeMethod, rows: number, rng: Rng): Float32Array {
  const w = stats.units;
  const out = new Float32Array(rows * w);
  switch (method) {
    case "gaussian":
      for (let r = 0; r < rows; r++) {
        const z = rng.normal();
        for (let u = 0; u < w; u++) out[r * w + u] = stats.mean[u] + stats.std[u] * z;
      }
      break;
    case "resample":
      for (let r = 0; r < rows; r++) {
        const k = rng.int(stats.bankRows);
        out.set(stats.bank.subarray(k * w, (k + 1) * w), r * w);
      }
      break;
    case "mean":
      for (let r = 0; r < rows; r++) out.set(stats.mean, r * w);
      break;
    case "zero":
      break;
  }
  return out;
}
