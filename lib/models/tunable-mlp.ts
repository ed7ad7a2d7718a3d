import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requirePositiveInt } from "../base/validate";
import { DenseStack, type DenseWeights } from "./dense-stack";
import { type MlpOptions, heUniformLayers } from "./mlp";
import type { HookedModel, NamedVariable, UnitParameter } from "./types";

/**
 * The tunable activation f_t(z) = t·relu(z) + (1 − t)·sigmoid(z), a straight line in the shape parameter t between
 * two basis functions. Exact at the documented values: **t = 1 is ReLU** and **t = 0 is the logistic sigmoid**
 * (the other term is multiplied by an exact 0). 0 < t < 1 blends them (a soft, bounded-below ReLU with an offset);
 * t > 1 goes beyond ReLU: t·relu(z) − (t − 1)·sigmoid(z) has a negative dip around 0 (down to −(t−1)/2 at z = 0,
 * like Swish/GELU's) and slope t for large z; t < 0 turns the ReLU part into a decreasing one (a bump). `t` broadcasts
 * over the last axis: one value per layer (`[1]`) or one per unit (`[units]`).
 *
 * @example
 * const y = at.tunableActivation(z, tf.tensor1d([1]));   // exactly tf.relu(z)
 */
export function tunableActivation(z: tf.Tensor, t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(t, tf.relu(z)), tf.mul(tf.sub(1, t), tf.sigmoid(z))));
}

/** The shape parameter value at which {@link tunableActivation} is exactly ReLU. */
export const SHAPE_RELU = 1;
/** The shape parameter value at which {@link tunableActivation} is exactly the logistic sigmoid. */
export const SHAPE_SIGMOID = 0;

/** Options for {@link tunableMlp}. */
export interface TunableMlpOptions extends Omit<MlpOptions, "activation"> {
  /** One shape parameter per hidden layer ("layer") or per hidden unit ("unit"). Default "layer". */
  shapePer?: "layer" | "unit";
  /** Initial shape parameter. Default 1 (ReLU: the model starts as `at.mlp` with the same seed). */
  initialShape?: number;
}

/**
 * An MLP whose hidden layers use {@link tunableActivation} with a learnable shape parameter (variables `act{i}/t`),
 * per layer or per unit. Sites `"h1"`, `"h2"`, ... are the hidden layers' outputs, as in {@link mlp}; the dense
 * weights are `at.mlp`'s for the same seed, so at the initial shape 1 the two models compute the same function.
 *
 * @example
 * const model = at.tunableMlp({ inputs: 64, hidden: [64], classes: 10, seed: 0, shapePer: "unit" });
 * at.train(model, train, { steps: 500 });
 * model.shapes()[0];   // the learned shape parameter(s) of h1
 */
export function tunableMlp(options: TunableMlpOptions): TunableMlp {
  requirePositiveInt(options.inputs, "inputs");
  requirePositiveInt(options.classes, "classes");
  if (options.hidden.length === 0) throw new AntitrainError("hidden must list at least one hidden width, e.g. [128]");
  options.hidden.forEach((h, i) => requirePositiveInt(h, `hidden[${i}]`));
  const per = options.shapePer ?? "layer";
  if (per !== "layer" && per !== "unit") throw new AntitrainError(`shapePer must be "layer" or "unit", got "${per}"`);
  const t0 = options.initialShape ?? SHAPE_RELU;
  if (!Number.isFinite(t0)) throw new AntitrainError(`initialShape must be a finite number (1 = ReLU, 0 = sigmoid), got ${t0}`);
  const layers = heUniformLayers([options.inputs, ...options.hidden, options.classes], options.seed ?? 0);
  const shapes = options.hidden.map((h) => new Float32Array(per === "unit" ? h : 1).fill(t0));
  return new TunableMlp(layers, shapes);
}

/** The model behind {@link tunableMlp}; also built from plain weights and shape parameters (`shapes[i]`: length 1 or the width of hidden layer i). */
export class TunableMlp extends DenseStack implements HookedModel {
  readonly kind = "tunable-mlp";
  private readonly ts: tf.Variable[];

  constructor(layers: readonly DenseWeights[], shapes: readonly Float32Array[]) {
    if (shapes.length !== layers.length - 1) throw new AntitrainError(`give one shape array per hidden layer: ${layers.length - 1}, got ${shapes.length}`);
    shapes.forEach((s, i) => {
      const width = layers[i]?.fanOut;
      if (s.length !== 1 && s.length !== width) {
        throw new AntitrainError(`shapes[${i}] must hold 1 value (per layer) or ${width} (per unit), got ${s.length}`);
      }
    });
    super(layers);
    this.ts = shapes.map((s) => tf.tidy(() => tf.variable(tf.tensor1d(s))));
  }

  /** In forward order: `dense{i}/w`, `dense{i}/b`, then (hidden layers) `act{i}/t`. */
  namedVariables(): NamedVariable[] {
    return this.ws.flatMap((w, i) => [
      { name: `dense${i + 1}/w`, variable: w },
      { name: `dense${i + 1}/b`, variable: this.bs[i] },
      ...(i < this.ts.length ? [{ name: `act${i + 1}/t`, variable: this.ts[i] }] : []),
    ]);
  }

  /** The dense weights after the site and the shape parameters of later hidden layers. */
  downstreamVariables(site: string): tf.Variable[] {
    const index = this.siteIndex(site);
    return this.ws.slice(index + 1).flatMap((w, k) => {
      const i = index + 1 + k;
      return i < this.ts.length ? [w, this.bs[i], this.ts[i]] : [w, this.bs[i]];
    });
  }

  /** Plain copies of the shape parameters, one array per hidden layer. */
  shapes(): Float32Array[] {
    return this.ts.map((t) => t.dataSync() as Float32Array);
  }

  /** A deep copy with its own variables. */
  clone(): TunableMlp {
    return new TunableMlp(this.weights(), this.shapes());
  }

  override dispose(): void {
    super.dispose();
    for (const v of this.ts) v.dispose();
  }

  /** The shape parameter `act{i}/t` when it holds one value per unit (shapePer "unit", or a 1-unit layer). */
  protected override perUnitVariables(i: number): UnitParameter[] {
    return this.ts[i].shape[0] === this.ws[i].shape[1] ? [{ variable: this.ts[i], axis: 0 }] : [];
  }

  protected activate(z: tf.Tensor2D, i: number): tf.Tensor2D {
    return tunableActivation(z, this.ts[i]) as tf.Tensor2D;
  }
}
