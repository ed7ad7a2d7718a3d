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
 * How a randomized unit keeps (or not) its spatial structure, at a site whose units hold several values per example
 * (a convolution's channel over its feature map `[h, w]`, a sequence site over its positions). At a dense site
 * (one value per unit and example) every mode draws exactly the same values.
 * - `independent` (the default): every position drawn independently from the unit's position-pooled distribution
 *   (resample: the unit's value at a random position of a random example); the map's structure is destroyed;
 * - `whole-map`: the unit's whole map taken from one other example of the stats bank (`resample`; keeps the spatial
 *   structure: the natural extension of "the unit's value on another example"); `mean` gives the per-position mean
 *   map; `gaussian` is refused (it would need each unit's spatial covariance);
 * - `per-position`: every position drawn from that position's own distribution: `gaussian` N(mean_p, std_p), `mean`
 *   the per-position mean, `resample` the unit's value at the same position on a random bank example.
 * `zero` is 0 in every mode.
 */
export type SpatialMode = "independent" | "whole-map" | "per-position";

/** Every {@link SpatialMode}: the one list the library checks against. */
export const SPATIAL_MODES: readonly SpatialMode[] = ["independent", "whole-map", "per-position"];

/** The default {@link SpatialMode}: today's draws, so no existing number changes. */
export const DEFAULT_SPATIAL: SpatialMode = "independent";

/** `spatial` when it is a {@link SpatialMode}; else an AntitrainError listing the modes. */
export function requireSpatial(spatial: unknown, name = "spatial"): SpatialMode {
  return requireOneOf(spatial, SPATIAL_MODES, name);
}

/**
 * Checks `method` and `spatial` go together and that `stats` can serve `spatial` at a site with `positions` rows per
 * example (a no-op at a dense site, `positions` = 1). `site` names the site in the messages.
 */
export function requireSpatialFor(stats: UnitStats, method: RandomizeMethod, spatial: SpatialMode, positions: number, site: string): void {
  if (positions <= 1 || spatial === "independent") return;
  if (spatial === "whole-map" && method === "gaussian") {
    throw new AntitrainError(
      `method "gaussian" cannot draw a whole map at site "${site}" (it would need each unit's spatial covariance): use spatial "per-position" (N(mean, std) at each position) or method "resample"`,
    );
  }
  if ((stats.positions ?? 1) !== positions || stats.positionMean === undefined || stats.maps === undefined) {
    throw new AntitrainError(
      `spatial "${spatial}" at site "${site}" needs stats with per-position statistics and whole maps of ${positions} positions, but these have ${stats.positions ?? 1}: collect them with at.collectStats(model, "${site}", data) (a StatsTracker snapshot keeps rows only)`,
    );
  }
}

/**
 * Replacement values for every unit of a site on `rows` examples, `[rows, units × width]` row-major: row r, unit u is
 * what unit u becomes on example r when it is randomized. One matrix serves every perturbation of an evaluation
 * (common random numbers). Draw order is fixed (row-major), so the same generator state gives the same matrix.
 * With `coupled`, every unit of a row comes from one draw (`resample`: a whole bank row; `gaussian`: one shared
 * standard normal); `mean` and `zero` are deterministic either way. `spatial` (see {@link SpatialMode}) matters only
 * where `stats` hold several positions per example; `rows` is then examples × positions.
 */
export function drawReplacements(
  stats: UnitStats,
  method: RandomizeMethod,
  rows: number,
  rng: Rng,
  options: { coupled?: boolean; spatial?: SpatialMode } = {},
): Float32Array {
  requireMethod(method);
  const spatial = requireSpatial(options.spatial ?? DEFAULT_SPATIAL);
  const coupled = options.coupled ?? false;
  // A dense site (one row per example) draws the same in every mode.
  if (spatial !== "independent" && (stats.positions ?? 1) > 1) return drawSpatial(stats, method, spatial, rows, rng, coupled);
  const width = stats.width ?? 1; // a unit may span `width` elements (an attention head)
  const w = stats.units * width; // values per row
  const out = new Float32Array(rows * w);
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

/**
 * Draws for a site with `stats.positions` rows per example under `whole-map` or `per-position` (see
 * {@link SpatialMode}), `[examples, positions, units × width]` row-major. Fixed draw order: example-major, then
 * position (per-position only), then unit.
 */
function drawSpatial(stats: UnitStats, method: RandomizeMethod, spatial: Exclude<SpatialMode, "independent">, rows: number, rng: Rng, coupled: boolean): Float32Array {
  const positions = stats.positions ?? 1;
  const { positionMean, positionStd, maps } = stats;
  const mapRows = stats.mapRows ?? 0;
  if (positionMean === undefined || positionStd === undefined || maps === undefined || mapRows === 0) {
    throw new AntitrainError(`spatial "${spatial}" needs stats with per-position statistics and whole maps: collect them with at.collectStats(model, "${stats.site}", data)`);
  }
  if (rows % positions !== 0) throw new AntitrainError(`${rows} rows are not whole examples of ${positions} positions: stats of another site?`);
  const width = stats.width ?? 1;
  const w = stats.units * width; // values per position
  const perMap = positions * w; // values per example
  const examples = rows / positions;
  const out = new Float32Array(rows * w);
  switch (method) {
    case "zero":
      break;
    case "mean":
      // The mean of a whole-map draw is the per-position mean too.
      for (let e = 0; e < examples; e++) out.set(positionMean, e * perMap);
      break;
    case "gaussian":
      if (spatial === "whole-map") {
        throw new AntitrainError(`method "gaussian" cannot draw a whole map (it would need each unit's spatial covariance): use spatial "per-position" or method "resample"`);
      }
      for (let r = 0; r < rows; r++) {
        const base = (r % positions) * w;
        if (coupled) {
          const z = rng.normal();
          for (let i = 0; i < w; i++) out[r * w + i] = positionMean[base + i] + positionStd[base + i] * z;
        } else {
          for (let i = 0; i < w; i++) out[r * w + i] = positionMean[base + i] + positionStd[base + i] * rng.normal();
        }
      }
      break;
    case "resample":
      if (spatial === "whole-map") {
        for (let e = 0; e < examples; e++) {
          if (coupled) {
            const k = rng.int(mapRows);
            out.set(maps.subarray(k * perMap, (k + 1) * perMap), e * perMap);
            continue;
          }
          for (let u = 0; u < stats.units; u++) {
            const k = rng.int(mapRows); // unit u's whole map from example k of the bank
            for (let p = 0; p < positions; p++) {
              const src = k * perMap + p * w + u * width;
              out.set(maps.subarray(src, src + width), e * perMap + p * w + u * width);
            }
          }
        }
      } else {
        for (let r = 0; r < rows; r++) {
          const p = r % positions;
          if (coupled) {
            const src = rng.int(mapRows) * perMap + p * w;
            out.set(maps.subarray(src, src + w), r * w);
            continue;
          }
          for (let u = 0; u < stats.units; u++) {
            const src = rng.int(mapRows) * perMap + p * w + u * width; // the same position of another example
            out.set(maps.subarray(src, src + width), r * w + u * width);
          }
        }
      }
      break;
    default: {
      const unknown: never = method;
      throw new AntitrainError(`unknown randomization method ${JSON.stringify(unknown)}`);
    }
  }
  return out;
}
