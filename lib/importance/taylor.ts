import * as tf from "@tensorflow/tfjs";
import { requireAllowStale, requireFresh, siteFingerprint } from "../base/fingerprint";
import { type Dataset, forEachSlice, size } from "../data/dataset";
import { DamageEngine } from "../measure/damage";
import type { Importance } from "./importance";
import { crossEntropy } from "../measure/metrics";
import type { HookedModel } from "../models/types";
import { type UnitStats, collectStats, requireStatsFor } from "../measure/unit-stats";
import { requireData, requireFinite, requireKnownKeys, requirePositiveInt, requireSite } from "../base/validate";

/** Options for {@link taylorImportance}. */
export interface TaylorOptions {
  /** Unit statistics whose means are the reference values; default: collected on `data` (seed 0). */
  stats?: UnitStats;
  /** Examples per forward/backward pass. Default 512. */
  batchSize?: number;
  /** Accept `stats` measured with other weights upstream of the site (another model, or before a training step). Default false. */
  allowStale?: boolean;
}

const TAYLOR_OPTION_KEYS = ["stats", "batchSize", "allowStale"] as const satisfies readonly (keyof TaylorOptions)[];

/**
 * First-order Taylor importance of every unit of `site` (Molchanov et al. 2017, with the unit's mean as the
 * reference instead of 0): score = mean over examples of |∂L/∂a_u · (a_u − mean_u)|, the linear estimate of how
 * much the example's cross-entropy changes when unit u is replaced by its mean. For sites with positions
 * (`[batch, T, units]`) the product is summed over positions, and over a head's values for units spanning several,
 * before the absolute value. One gradient pass through `model.split(site, x).resume` per slice. Returns the
 * {@link Importance} shape with `estimator: "taylor"`, `method: "mean"` and `metric: "loss"`; `clean` and `full`
 * (the whole site set to its means) are measured by the damage engine.
 * Leaves the model unchanged.
 *
 * @example
 * const imp = at.taylorImportance(model, "h1", train, { stats });
 * const keep = at.ranked(imp).slice(0, 16);   // the 16 units with the largest Taylor scores
 */
export function taylorImportance(model: HookedModel, site: string, data: Dataset, options: TaylorOptions = {}): Importance {
  const info = requireSite(model, site);
  const units = info.units;
  requireData(model, data);
  requireKnownKeys(options, TAYLOR_OPTION_KEYS, "taylorImportance");
  const batchSize = options.batchSize ?? 512;
  requirePositiveInt(batchSize, "batchSize");
  if (options.stats !== undefined) requireStatsFor(options.stats, info);
  requireAllowStale(options.allowStale);
  if (options.stats !== undefined) requireFresh(options.stats, () => siteFingerprint(model, site), "the stats", options.allowStale);
  const stats = options.stats ?? collectStats(model, site, data);
  const sums = new Float64Array(units);
  forEachSlice(data, batchSize, (x, y) => {
    const cut = model.split(site, x);
    try {
      requireFinite(cut.act, `activations of site "${site}"`);
      const perUnit = tf.tidy(() => {
        const lossOf = (a: tf.Tensor) => tf.sum(crossEntropy(cut.resume(a), y));
        const g = tf.grad(lossOf)(cut.act); // [b, ..., units]
        requireFinite(g, `gradients at site "${site}"`);
        const centred = tf.sub(cut.act, tf.tensor1d(stats.mean));
        const b = cut.act.shape[0];
        // [b, positions, units, width]: a unit spanning several values (a head) sums them with its positions
        const perExample = tf.reshape(tf.mul(g, centred), [b, -1, units, info.width ?? 1]);
        return tf.sum(tf.abs(tf.sum(perExample, [1, 3])), 0).dataSync(); // [units]
      });
      for (let u = 0; u < units; u++) sums[u] += perUnit[u];
    } finally {
      cut.dispose();
    }
  });
  const n = size(data);
  const engine = new DamageEngine(model, site, data, { stats, method: "mean", metric: "loss", batchSize, allowStale: options.allowStale });
  try {
    const full = engine.damage([Array.from({ length: units }, (_, u) => u)])[0];
    return { site, estimator: "taylor", method: "mean", metric: "loss", scores: Float32Array.from(sums, (s) => s / n), clean: engine.clean, full };
  } finally {
    engine.dispose();
  }
}
