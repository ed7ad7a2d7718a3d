/** The core a notebook reports for one site: stats, ranking, core search and split damage in one call. */
import type { Dataset } from "../data/dataset";
import { importance } from "../importance/importance";
import type { HookedModel } from "../models/types";
import { type UnitStats, collectStats } from "../measure/unit-stats";
import { requireKnownKeys } from "../base/validate";
import { type CoreSplit, findCore, splitDamage } from "./find-core";

/** The core a notebook reports for one site, measured on held-out data. */
export interface CoreReport {
  readonly site: string;
  readonly units: number;
  /** Core units at the report fraction, most important first. */
  readonly core: number[];
  readonly spectators: number[];
  /** Accuracy damage of randomizing the core / the spectators / the whole site (see {@link splitDamage}). */
  readonly coreDamage: number;
  readonly spectatorDamage: number;
  readonly fullDamage: number;
  /** The stats the units were randomized from (collected on the training data; usable by {@link compress}). */
  readonly stats: UnitStats;
  readonly split: CoreSplit;
}

/**
 * The core of `site` as the notebooks report it: stats from `statsData` (the training data), units ranked by
 * cross-entropy damage and the core searched on accuracy at `fraction` (default 0.95) on `data` (held-out data),
 * and the damage of randomizing the core and the spectators. Leaves the model unchanged.
 *
 * @example
 * const r = at.reportCore(model, "h1", test, train, { seed: 1 });   // r.core.length, r.spectatorDamage
 */
export function reportCore(
  model: HookedModel,
  site: string,
  data: Dataset,
  statsData: Dataset,
  options: { fraction?: number; seed?: number } = {},
): CoreReport {
  requireKnownKeys(options, ["fraction", "seed"], "reportCore");
  const seed = options.seed ?? 0;
  const stats = collectStats(model, site, statsData, { seed });
  const imp = importance(model, site, data, { stats, metric: "loss", seed });
  const split = findCore(model, site, data, { stats, importance: imp, fraction: options.fraction ?? 0.95, metric: "accuracy", seed });
  const d = splitDamage(model, site, data, split, { stats, metric: "accuracy", seed });
  return {
    site,
    units: split.core.length + split.spectators.length,
    core: split.core,
    spectators: split.spectators,
    coreDamage: d.core,
    spectatorDamage: d.spectators,
    fullDamage: d.full,
    stats,
    split,
  };
}
