import { type CoreSplit, requireSplitFor } from "./find-core";
import { AntitrainError } from "../base/errors";
import { type HookedModel, isCompressible, siteFeatures } from "../models/types";
import { type UnitStats, requireStatsFor } from "../measure/unit-stats";
import { requireKnownKeys, requireSite } from "../base/validate";
import { LayersHookedModel, fromLayersModel } from "../models/layers-model";
import { compressLayersModel } from "./compress-layers";

/** Options for {@link compress}. */
export interface CompressOptions {
  /**
   * What a removed unit is replaced by: its mean from these stats (folded into the next layer's bias, so the
   * compressed model equals the model with spectators fixed at their means), or nothing (`undefined`: removed
   * units count as 0, pure removal).
   */
  stats?: UnitStats;
}

const COMPRESS_OPTION_KEYS = ["stats"] as const satisfies readonly (keyof CompressOptions)[];

/**
 * A new, smaller model without the spectators of `site`: rows before and columns after the site are removed and,
 * with `stats`, each spectator's mean contribution is folded into the next layer's bias. The original model is
 * unchanged. Supported by models that can remove units (MLPs; transformers at attn and mlp sites and the last block's
 * resid site) and by `at.fromLayersModel` wrappers: for those the result wraps the new, smaller `tf.LayersModel` of
 * {@link compressLayersModel} (its `layersModel`) with the same options.
 *
 * @example
 * const small = at.compress(model, "h1", split, { stats });   // small.sites()[0].units === split.core.length
 */
export function compress(
  model: HookedModel,
  site: string,
  split: Pick<CoreSplit, "core"> & Partial<Pick<CoreSplit, "site">>,
  options: CompressOptions = {},
): HookedModel {
  if (model instanceof LayersHookedModel) return fromLayersModel(compressLayersModel(model, site, split, options), model.options);
  const info = requireSite(model, site);
  const units = info.units;
  requireKnownKeys(options, COMPRESS_OPTION_KEYS, "compress");
  if (!isCompressible(model)) {
    throw new AntitrainError(`compress needs a model that can remove units (at.mlp, or at.transformer at attn, mlp and last-block resid sites); this one is "${model.kind}"`);
  }
  requireSplitFor(split, site);
  if (options.stats !== undefined) requireStatsFor(options.stats, info);
  const keep = [...new Set(split.core)].sort((a, b) => a - b);
  if (keep.length === 0) throw new AntitrainError(`the core of "${site}" is empty: nothing would be left to compress to`);
  for (const u of keep) {
    if (!(Number.isInteger(u) && u >= 0 && u < units)) throw new AntitrainError(`core unit ${u} is not in site "${site}" (0..${units - 1})`);
  }
  const fill = options.stats?.mean ?? new Float32Array(siteFeatures(info));
  return model.removeUnits(site, keep, fill);
}

/** Trainable parameters of a model. */
export function parameterCount(model: HookedModel): number {
  return model.variables().reduce((n, v) => n + v.size, 0);
}
