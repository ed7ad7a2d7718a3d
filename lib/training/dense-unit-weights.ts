import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireSite, requireSites } from "../base/validate";
import type { HookedModel } from "../models/types";

/**
 * The variables that hold the units of an MLP-like site `h{i}`: the layer that makes it (`into`, `[fanIn, units]`,
 * unit j = column j; `bias`, `[units]`) and the layer it feeds (`out`, `[units, fanOut]`, unit j = row j).
 */
export interface DenseUnitWeights {
  readonly site: string;
  readonly units: number;
  readonly into: tf.Variable;
  readonly bias: tf.Variable;
  readonly out: tf.Variable;
}

/** The dense variables around `site` (`dense{i}/w`, `dense{i}/b`, `dense{i+1}/w`), or an AntitrainError naming the models that have them. */
export function denseUnitWeights(model: HookedModel, site: string, what: string): DenseUnitWeights {
  const units = requireSite(model, site).units;
  const m = /^h(\d+)$/.exec(site);
  const named = new Map(model.namedVariables().map((v) => [v.name, v.variable]));
  const into = m ? named.get(`dense${m[1]}/w`) : undefined;
  const bias = m ? named.get(`dense${m[1]}/b`) : undefined;
  const out = m ? named.get(`dense${Number(m[1]) + 1}/w`) : undefined;
  const fits = into?.rank === 2 && into.shape[1] === units && bias?.rank === 1 && bias.shape[0] === units && out?.rank === 2 && out.shape[0] === units;
  if (!fits || into === undefined || bias === undefined || out === undefined) {
    throw new AntitrainError(
      `${what} needs a site "h<i>" between dense layers (variables dense<i>/w, dense<i>/b, dense<i+1>/w, as in at.mlp or at.tunableMlp); site "${site}" of this ${model.kind} model has none`,
    );
  }
  return { site, units, into, bias, out };
}

/** Per unit: the L2 norm of its incoming and outgoing weights together, biases excluded (what {@link magnitudeScores} computes). */
export function unitMagnitudes(w: DenseUnitWeights): Float32Array {
  return tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.square(w.into), 0), tf.sum(tf.square(w.out), 1))).dataSync() as Float32Array);
}

/** The dense weights of each site, refusing an empty, repeated or unknown site list. */
export function siteWeights(model: HookedModel, sites: readonly string[], what: string): DenseUnitWeights[] {
  return requireSites(model, sites, what).map((s) => denseUnitWeights(model, s.name, what));
}
