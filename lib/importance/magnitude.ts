import { AntitrainError } from "../base/errors";
import { Mlp } from "../models/mlp";
import type { HookedModel } from "../models/types";
import type { Importance } from "./importance";
import { requireSite } from "../base/validate";

/**
 * Weight-magnitude score of every unit of an MLP site: the L2 norm of the unit's incoming weights (its column of
 * the layer that makes the site) and outgoing weights (its row of the next layer) together, biases excluded.
 * The classic pruning baseline: it needs no data. Pair with {@link ranked} and {@link compress} to prune.
 * Leaves the model unchanged.
 *
 * @example
 * const scores = at.magnitudeScores(model, "h1");
 * const small = at.compress(model, "h1", { core: at.ranked({ scores }).slice(0, 16) }, { stats });
 */
export function magnitudeScores(model: HookedModel, site: string): Float32Array {
  const units = requireSite(model, site).units;
  if (!(model instanceof Mlp)) {
    throw new AntitrainError(`magnitudeScores needs the weights of an MLP (from at.mlp or new at.Mlp); this model is "${model.kind}"`);
  }
  const { into, out } = model.unitParameters(site);
  const w = into.variable.dataSync(); // [fanIn, units], row-major
  const v = out.variable.dataSync(); // [units, fanOut], row-major
  const fanIn = into.variable.shape[0] as number;
  const fanOut = out.variable.shape[1] as number;
  const scores = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    let s = 0;
    for (let i = 0; i < fanIn; i++) s += w[i * units + u] ** 2;
    for (let o = 0; o < fanOut; o++) s += v[u * fanOut + o] ** 2;
    scores[u] = Math.sqrt(s);
  }
  return scores;
}

/**
 * {@link magnitudeScores} in the {@link Importance} shape, so a weight-magnitude ranking feeds {@link findCore}
 * like any other estimator: `estimator: "magnitude"`, `method: "zero"` (pruning removes the unit, so the core
 * search zeroes units by default), `metric: "loss"` (nominal: no data is used), `clean` and `full` NaN.
 * Needs an MLP site; leaves the model unchanged.
 *
 * @example
 * const imp = at.magnitudeImportance(model, "h1");
 * const split = at.findCore(model, "h1", test, { stats, importance: imp, method: "resample" });
 * split.core;   // the largest-weight units that carry 95% of the damage
 */
export function magnitudeImportance(model: HookedModel, site: string): Importance {
  const scores = magnitudeScores(model, site);
  return { site, estimator: "magnitude", method: "zero", metric: "loss", scores, clean: Number.NaN, full: Number.NaN };
}
