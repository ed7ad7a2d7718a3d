import { AntitrainError } from "../base/errors";
import type { Rng } from "../base/rng";
import { requireOneOf } from "../base/validate";
import type { UnitStats } from "./unit-stats";

/**
 * How a randomized unit's value is drawn:
 * - `gaussian`: N(mean, std) of the unit (the notes' method);
 * - `resample`: the same unit's value on another example, from the stats bank (stays inside the unit's real
 *   distribution, e.g. keeps a ReLU unit non-negative; a unit spanning several elements, such as an attention
 *   head, takes its whole vector from one other example);
 * - `mean`: the unit's mean (deterministic);
 * - `zero`: 0 (classic ablation).
 */
export type RandomizeMethod = "gaussian" | "resample" | "mean" | "zero";

/** Every {@link RandomizeMethod}: the one list the library and the run config's schema check against. */
export const RANDOMIZE_METHODS: readonly RandomizeMethod[] = ["gaussian", "resample", "mean", "zero"];

/** `method` when it is a {@link RandomizeMethod}; else an AntitrainError listing the methods (a misspelling is never zero-ablation). */
export function requireMethod(method: unknown, name = "method"): RandomizeMethod {
  return requireOneOf(method, RANDOMIZE_METHODS, name);
}

/**
 * Replacement values for every unit of a site on `rows` examples, `[rows, units × width]` row-major: row r, unit u is
 * what unit u becomes on example r when it is randomized. One matrix serves every perturbation of an evaluation
 * (common random numbers). Draw order is fixed (row-major), so the same generator state gives the same matrix.
 * With `coupled`, every unit of a row comes from one draw (`resample`: a whole bank row; `gaussian`: one shared
 * standard normal); `mean` and `zero` are deterministic either way.
 */
export function drawReplacements(
  stats: UnitStats,
  method: RandomizeMethod,
  rows: number,
  rng: Rng,
  options: { coupled?: boolean } = {},
): Float32Array {
  requireMethod(method);
  const width = stats.width ?? 1; // a unit may span `width` elements (an attention head)
  const w = stats.units * width; // values per row
  const out = new Float32Array(rows * w);
  const coupled = options.coupled ?? false;
  switch (method) {
    case "gaussian":
      if (coupled) {
        // one standard normal shared by the whole row: perfectly correlated draws
        for (let r = 0; r < rows; r++) {
          const z = rng.normal();
          for (let i = 0; i < w; i++) out[r * w + i] = stats.mean[i] + stats.std[i] * z;
        }
      } else {
        for (let i = 0; i < out.length; i++) {
          const u = i % w;
          out[i] = stats.mean[u] + stats.std[u] * rng.normal();
        }
      }
      break;
    case "resample":
      if (coupled) {
        // a whole bank row: the randomized units keep their joint distribution
        for (let r = 0; r < rows; r++) {
          const k = rng.int(stats.bankRows);
          out.set(stats.bank.subarray(k * w, (k + 1) * w), r * w);
        }
      } else if (width === 1) {
        for (let i = 0; i < out.length; i++) out[i] = stats.bank[rng.int(stats.bankRows) * w + (i % w)];
      } else {
        // A unit spanning several elements (an attention head) takes its whole vector from one bank row.
        for (let r = 0; r < rows; r++) {
          for (let u = 0; u < stats.units; u++) {
            const src = rng.int(stats.bankRows) * w + u * width;
            out.set(stats.bank.subarray(src, src + width), r * w + u * width);
          }
        }
      }
      break;
    case "mean":
      for (let r = 0; r < rows; r++) out.set(stats.mean, r * w);
      break;
    case "zero":
      break;
    default: {
      const unknown: never = method;
      throw new AntitrainError(`unknown randomization method ${JSON.stringify(unknown)}`);
    }
  }
  return out;
}
