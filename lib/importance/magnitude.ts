import { AntitrainError } from "../base/errors";
import { Mlp } from "../models/mlp";
import type { HookedModel } from "../models/types";
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
  const index = Number(site.slice(1)) - 1;
  const layers = model.weights();
  const before = layers[index];
  const after = layers[index + 1];
  const scores = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    let s = 0;
    for (let i = 0; i < before.fanIn; i++) s += before.w[i * before.fanOut + u] ** 2;
    for (let o = 0; o < after.fanOut; o++) s += after.w[u * after.fanOut + o] ** 2;
    scores[u] = Math.sqrt(s);
  }
  return scores;
}
