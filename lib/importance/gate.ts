import * as tf from "@tensorflow/tfjs";
import { type Dataset, forEachSlice, size } from "../data/dataset";
import { crossEntropy } from "../measure/metrics";
import type { HookedModel } from "../models/types";
import { AntitrainError } from "../base/errors";
import { requireData, requireFinite, requireKnownKeys, requirePositiveInt, requireSite } from "../base/validate";
import { DamageEngine } from "../measure/damage";
import { type UnitStats, requireStatsFor } from "../measure/unit-stats";
import type { Importance } from "./importance";

/**
 * Gradient-based unit importance of Michel et al. (2019, "Are Sixteen Heads Really Better than One?"): put a gate
 * ξ_u = 1 on every unit (for a head, its whole output), and score the unit by the mean over examples of
 * |∂L/∂ξ_u| = |Σ a · ∂L/∂a| summed over the unit's elements and every position. For heads this is exactly the
 * paper's head importance; for single neurons it is first-order Taylor importance with 0 as the reference
 * (Molchanov et al. 2017). One gradient pass per slice through `model.split(site, x).resume`; no randomization.
 * Returns one score per unit (the bare scores of {@link gateImportance}, without its clean and full losses).
 * Leaves the model unchanged.
 *
 * @example
 * const scores = gateScores(model, "blocks.0.attn", test, 512);   // one per head
 */
export function gateScores(model: HookedModel, site: string, data: Dataset, batchSize = 512): Float32Array {
  const info = requireSite(model, site);
  requireData(model, data);
  requirePositiveInt(batchSize, "batchSize");
  const units = info.units;
  const width = info.width ?? 1;
  const sums = new Float64Array(units);
  forEachSlice(data, batchSize, (x, y) => {
    const cut = model.split(site, x);
    try {
      const perUnit = tf.tidy(() => {
        const g = tf.grad((a: tf.Tensor) => tf.sum(crossEntropy(cut.resume(a), y)))(cut.act); // [b, ..., units·width]
        requireFinite(g, `gradients at site "${site}"`);
        const b = cut.act.shape[0];
        const gate = tf.sum(tf.reshape(tf.mul(g, cut.act), [b, -1, units, width]), [1, 3]); // [b, units]: ∂L/∂ξ
        return tf.sum(tf.abs(gate), 0).dataSync();
      });
      for (let u = 0; u < units; u++) sums[u] += perUnit[u];
    } finally {
      cut.dispose();
    }
  });
  const n = size(data);
  return Float32Array.from(sums, (s) => s / n);
}

/** Options for {@link gateUnitImportance}. */
export interface GateOptions {
  /** Examples per forward/backward pass. Default 512. */
  batchSize?: number;
  /** Unit statistics for the damage engine that measures `clean` and `full`; default: collected on `data`. */
  stats?: UnitStats;
  /** Accept `stats` measured with other weights upstream of the site (another model, or before a training step). Default false. */
  allowStale?: boolean;
}

const GATE_OPTION_KEYS = ["batchSize", "stats", "allowStale"] as const satisfies readonly (keyof GateOptions)[];

/**
 * Gradient-based unit importance of Michel et al. (2019, "Are Sixteen Heads Really Better than One?") in the
 * {@link Importance} shape, so the gate-gradient ranking feeds {@link findCore} like any other estimator: the
 * scores of {@link gateScores} (the mean |∂L/∂ξ_u| of a gate on each unit; for a head, its whole output),
 * `estimator: "gate"`, `method: "zero"` (the gate linearizes zeroing the
 * unit), `metric: "loss"`; `clean` (the clean loss) and `full` (the loss damage of zeroing the whole site) are
 * measured by the damage engine. Leaves the model unchanged.
 *
 * @example
 * const imp = at.gateImportance(model, "blocks.0.attn", train);   // one score per head
 * const split = at.findCore(model, "blocks.0.attn", test, { importance: imp, fraction: 0.9 });
 * split.core;   // the heads whose zeroing does 90% of the whole site's damage
 */
export function gateImportance(model: HookedModel, site: string, data: Dataset, options: GateOptions = {}): Importance {
  const info = requireSite(model, site);
  requireData(model, data);
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new AntitrainError("gateImportance takes an options object as its fourth argument, e.g. gateImportance(model, site, data, { batchSize: 256 })");
  }
  requireKnownKeys(options, GATE_OPTION_KEYS, "gateImportance");
  const batchSize = options.batchSize ?? 512;
  requirePositiveInt(batchSize, "batchSize");
  if (options.stats !== undefined) requireStatsFor(options.stats, info);
  const scores = gateScores(model, site, data, batchSize);
  const engine = new DamageEngine(model, site, data, { stats: options.stats, method: "zero", metric: "loss", batchSize, allowStale: options.allowStale });
  try {
    const full = engine.damage([Array.from({ length: info.units }, (_, u) => u)])[0];
    return { site, estimator: "gate", method: "zero", metric: "loss", scores, clean: engine.clean, full };
  } finally {
    engine.dispose();
  }
}
