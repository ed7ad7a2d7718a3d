/**
 * Watching spectators during antitraining (the notes' worry that they "blow up"): a spectator's activation scale
 * on a batch compared with its scale when the core was measured, and an optional function-preserving rescale of a
 * ReLU MLP's unit (incoming weights and bias divided, outgoing weights multiplied, by the same factor).
 */
import * as tf from "@tensorflow/tfjs";
import type { CoreSplit } from "../core/find-core";
import { AntitrainError } from "../base/errors";
import type { HookedModel } from "../models/types";
import type { UnitStats } from "../measure/unit-stats";

/** Spectators whose activation scale grew past the limit. */
export interface Blowup {
  readonly site: string;
  /** The units, and each one's scale now divided by its scale at measurement. */
  readonly units: number[];
  readonly ratios: number[];
}

/**
 * Spectators of `split` whose root-mean-square activation in `act` (`[batch, units]`) exceeds `factor` times their
 * RMS at measurement (sqrt(mean² + std²) from `stats`, floored at 1e-6 of the site's largest); undefined when none.
 *
 * @example
 * const b = at.spectatorBlowup(act, split, stats, 100);   // { site, units, ratios } or undefined
 */
export function spectatorBlowup(act: tf.Tensor, split: CoreSplit, stats: UnitStats, factor: number): Blowup | undefined {
  if (!(factor > 1)) throw new AntitrainError(`blow-up factor must be > 1, got ${factor}`);
  const units = stats.units;
  const rms = tf.tidy(() => tf.sqrt(tf.mean(tf.square(act.reshape([-1, units])), 0)).dataSync() as Float32Array);
  const base = Float64Array.from(stats.mean, (m, u) => Math.sqrt(m * m + stats.std[u] ** 2));
  const floor = Math.max(...base, 1e-12) * 1e-6;
  const hit: number[] = [];
  const ratios: number[] = [];
  for (const u of split.spectators) {
    const ratio = rms[u] / Math.max(base[u], floor);
    if (!(ratio <= factor)) {
      hit.push(u);
      ratios.push(ratio);
    }
  }
  return hit.length > 0 ? { site: split.site, units: hit, ratios } : undefined;
}

/**
 * Mutates the model: divides the incoming weights and bias of each unit of `site` by `scale[i]` and multiplies its
 * outgoing weights by the same, which leaves a ReLU MLP's function unchanged while bringing the unit back to scale.
 * Needs a ReLU {@link mlp} (its `unitParameters(site)` say which weights are the unit's).
 */
export function rescaleUnits(model: HookedModel, site: string, units: readonly number[], scale: readonly number[]): void {
  const activation = (model as { activation?: string }).activation;
  const known = model.sites().some((s) => s.name === site);
  if (!known || model.kind !== "mlp" || activation !== "relu" || model.unitParameters === undefined) {
    throw new AntitrainError(`renormalizing spectators needs a ReLU MLP site "h<i>", got "${site}" on a ${model.kind} model: set blowup.renormalize to false`);
  }
  const { into, bias, out } = model.unitParameters(site);
  const [inW, inB, outW] = [into.variable, bias.variable, out.variable]; // [fanIn, width], [width], [width, fanOut]
  tf.tidy(() => {
    const width = inB.shape[0];
    const s = new Float32Array(width).fill(1);
    units.forEach((u, i) => {
      s[u] = scale[i];
    });
    const st = tf.tensor1d(s);
    inW.assign(tf.div(inW, st));
    inB.assign(tf.div(inB, st));
    outW.assign(tf.mul(outW, st.reshape([width, 1])));
  });
}
