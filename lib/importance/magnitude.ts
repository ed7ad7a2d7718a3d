import { AntitrainError } from "../base/errors";
import type * as tf from "@tensorflow/tfjs";
import type { HookedModel } from "../models/types";
import type { Importance } from "./importance";
import { requireSite } from "../base/validate";

/** A model that scores its own units by weight magnitude (the transformer: heads, neurons, residual dimensions). */
interface SelfMagnitudes {
  unitMagnitudes(site: string): Float32Array;
}

function hasUnitMagnitudes(model: HookedModel): model is HookedModel & SelfMagnitudes {
  return typeof (model as Partial<SelfMagnitudes>).unitMagnitudes === "function";
}

/** Adds the squares of `t`'s entries into `sq`, grouped by their index along `axis` (the unit axis). */
function addSquares(sq: Float64Array, t: tf.Tensor, axis: number): void {
  const data = t.dataSync();
  const shape = t.shape;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const size = shape[axis];
  for (let i = 0; i < data.length; i++) sq[Math.floor(i / inner) % size] += data[i] ** 2;
}

/**
 * Weight-magnitude score of every unit of a site: the L2 norm of the weights that read from and write to the unit,
 * biases excluded — the classic data-free pruning baseline. For a site with {@link HookedModel.unitParameters}
 * (MLP layers, a wrapped model's dense and conv sites, a transformer's MLP neurons) the unit's slice of the incoming
 * and outgoing weights (for a conv channel, its whole filter and every weight reading it); for a transformer's heads
 * and residual dimensions `model.unitMagnitudes(site)`. Leaves the model unchanged.
 *
 * @example
 * const scores = magnitudeScores(model, "h1");   // one per unit
 */
export function magnitudeScores(model: HookedModel, site: string): Float32Array {
  const units = requireSite(model, site).units;
  if (hasUnitMagnitudes(model)) return model.unitMagnitudes(site);
  if (model.unitParameters === undefined) {
    throw new AntitrainError(`magnitude scores need the weights around site "${site}" (model.unitParameters), which this "${model.kind}" model does not offer`);
  }
  const { into, out } = model.unitParameters(site);
  const sq = new Float64Array(units);
  addSquares(sq, into.variable, into.axis);
  addSquares(sq, out.variable, out.axis);
  return Float32Array.from(sq, Math.sqrt);
}

/**
 * {@link magnitudeScores} in the {@link Importance} shape, so a weight-magnitude ranking feeds {@link findCore}
 * like any other estimator: `estimator: "magnitude"`, `method: "zero"` (pruning removes the unit, so the core
 * search zeroes units by default), `metric: "loss"` (nominal: no data is used), `clean` and `full` NaN.
 * Works for MLPs, wrapped `tf.LayersModel` dense and conv sites, and every transformer site; leaves the model
 * unchanged. The one magnitude verb of the library.
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
