import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireSite, requireSites } from "../base/validate";
import type { HookedModel, UnitParameters } from "../models/types";

/**
 * The variables that hold the units of a site between two dense layers (the model's {@link HookedModel.unitParameters}):
 * the layer that makes it (`into`, `[fanIn, units]`, unit j = column j; `bias`, `[units]`) and the layer it feeds
 * (`out`, `[units, fanOut]`, unit j = row j).
 */
export interface DenseUnitWeights {
  readonly site: string;
  readonly units: number;
  readonly into: tf.Variable;
  readonly bias: tf.Variable;
  readonly out: tf.Variable;
}

/**
 * The dense variables around `site`, from the model's `unitParameters(site)`, or an AntitrainError naming the models
 * that have them.
 */
export function denseUnitWeights(model: HookedModel, site: string, what: string): DenseUnitWeights {
  const units = requireSite(model, site).units;
  const refuse = (why: string): never => {
    throw new AntitrainError(
      `${what} needs a site "h<i>" between dense layers (its incoming weights, bias and outgoing weights, as in at.mlp, at.tunableMlp or a transformer's "blocks.<i>.mlp"); site "${site}" of this ${model.kind} model has none${why}`,
    );
  };
  let p: UnitParameters | undefined;
  try {
    p = model.unitParameters?.(site);
  } catch (e) {
    if (e instanceof AntitrainError) refuse(`: ${e.message}`);
    throw e;
  }
  if (p === undefined) return refuse("");
  const { into, bias, out } = p;
  const fits =
    into.axis === 1 && into.variable.rank === 2 && into.variable.shape[1] === units &&
    bias.axis === 0 && bias.variable.rank === 1 && bias.variable.shape[0] === units &&
    out.axis === 0 && out.variable.rank === 2 && out.variable.shape[0] === units;
  if (!fits) refuse(": its unit parameters are not [fanIn, units], [units] and [units, fanOut] matrices");
  return { site, units, into: into.variable, bias: bias.variable, out: out.variable };
}

/** Per unit: the L2 norm of its incoming and outgoing weights together, biases excluded (what {@link magnitudeScores} computes). */
export function unitMagnitudes(w: DenseUnitWeights): Float32Array {
  return tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.square(w.into), 0), tf.sum(tf.square(w.out), 1))).dataSync() as Float32Array);
}

/** The dense weights of each site, refusing an empty, repeated or unknown site list. */
export function siteWeights(model: HookedModel, sites: readonly string[], what: string): DenseUnitWeights[] {
  return requireSites(model, sites, what).map((s) => denseUnitWeights(model, s.name, what));
}
