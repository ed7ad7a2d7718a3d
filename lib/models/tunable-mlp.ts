import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../errors";
import { requireInput, requirePositiveInt, requireSite } from "../validate";
import { type DenseWeights, type MlpOptions, heUniformLayers } from "./mlp";
import type { HookedModel, Hooks, NamedVariable, SiteInfo, SiteSplit } from "./types";

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
export class TunableMlp implements HookedModel {
  readonly kind = "tunable-mlp";
  readonly inputs: number;
  readonly classes: number;
  private readonly ws: tf.Variable[];
  private readonly bs: tf.Variable[];
  private readonly ts: tf.Variable[];

  constructor(layers: readonly DenseWeights[], shapes: readonly Float32Array[]) {
    if (layers.length < 2) throw new AntitrainError("an MLP needs at least one hidden layer and an output layer");
    if (shapes.length !== layers.length - 1) throw new AntitrainError(`give one shape array per hidden layer: ${layers.length - 1}, got ${shapes.length}`);
    layers.forEach((l, i) => {
      if (l.w.length !== l.fanIn * l.fanOut || l.b.length !== l.fanOut) throw new AntitrainError(`layer ${i}: w must hold fanIn×fanOut values and b fanOut values`);
      if (i > 0 && l.fanIn !== layers[i - 1].fanOut) throw new AntitrainError(`layer ${i} takes ${l.fanIn} inputs but layer ${i - 1} gives ${layers[i - 1].fanOut}`);
      if (i < shapes.length && shapes[i].length !== 1 && shapes[i].length !== l.fanOut) {
        throw new AntitrainError(`shapes[${i}] must hold 1 value (per layer) or ${l.fanOut} (per unit), got ${shapes[i].length}`);
      }
    });
    this.inputs = layers[0].fanIn;
    this.classes = layers[layers.length - 1].fanOut;
    this.ws = layers.map((l) => tf.tidy(() => tf.variable(tf.tensor2d(l.w, [l.fanIn, l.fanOut]))));
    this.bs = layers.map((l) => tf.tidy(() => tf.variable(tf.tensor1d(l.b))));
    this.ts = shapes.map((s) => tf.tidy(() => tf.variable(tf.tensor1d(s))));
  }

  /** Hidden widths, in order. */
  get hidden(): number[] {
    return this.ws.slice(0, -1).map((w) => w.shape[1] as number);
  }

  sites(): SiteInfo[] {
    return this.hidden.map((units, i) => ({ name: `h${i + 1}`, units }));
  }

  variables(): tf.Variable[] {
    return this.namedVariables().map((v) => v.variable);
  }

  /** In forward order: `dense{i}/w`, `dense{i}/b`, then (hidden layers) `act{i}/t`. */
  namedVariables(): NamedVariable[] {
    return this.ws.flatMap((w, i) => [
      { name: `dense${i + 1}/w`, variable: w },
      { name: `dense${i + 1}/b`, variable: this.bs[i] },
      ...(i < this.ts.length ? [{ name: `act${i + 1}/t`, variable: this.ts[i] }] : []),
    ]);
  }

  forward(x: tf.Tensor, hooks: Hooks = {}): tf.Tensor2D {
    requireInput(this, x);
    for (const name of Object.keys(hooks)) requireSite(this, name);
    return tf.tidy(() => this.run(x as tf.Tensor2D, 0, hooks));
  }

  split(site: string, x: tf.Tensor): SiteSplit {
    const index = this.siteIndex(site);
    requireInput(this, x);
    const act = tf.tidy(() => {
      let h = x as tf.Tensor2D;
      for (let i = 0; i <= index; i++) h = this.layer(h, i);
      return h;
    });
    return {
      act,
      resume: (a: tf.Tensor, hooks: Hooks = {}) => tf.tidy(() => this.run(a as tf.Tensor2D, index + 1, hooks)),
      dispose: () => act.dispose(),
    };
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

  /** Plain copies of every dense layer's weights. */
  weights(): DenseWeights[] {
    return this.ws.map((w, i) => ({
      w: w.dataSync() as Float32Array,
      b: this.bs[i].dataSync() as Float32Array,
      fanIn: w.shape[0] as number,
      fanOut: w.shape[1] as number,
    }));
  }

  /** A deep copy with its own variables. */
  clone(): TunableMlp {
    return new TunableMlp(this.weights(), this.shapes());
  }

  dispose(): void {
    for (const v of [...this.ws, ...this.bs, ...this.ts]) v.dispose();
  }

  private siteIndex(site: string): number {
    requireSite(this, site);
    return Number(site.slice(1)) - 1;
  }

  private layer(h: tf.Tensor2D, i: number): tf.Tensor2D {
    const z = tf.add(tf.matMul(h, this.ws[i]), this.bs[i]) as tf.Tensor2D;
    return i === this.ws.length - 1 ? z : (tunableActivation(z, this.ts[i]) as tf.Tensor2D);
  }

  /** Runs layers from `start` on (a is the input to layer `start`), applying hooks at the sites passed. */
  private run(a: tf.Tensor2D, start: number, hooks: Hooks): tf.Tensor2D {
    let h = a;
    for (let i = start; i < this.ws.length; i++) {
      h = this.layer(h, i);
      const hook = i < this.ws.length - 1 ? hooks[`h${i + 1}`] : undefined;
      if (hook !== undefined) h = hook(h) as tf.Tensor2D;
    }
    return h;
  }
}
