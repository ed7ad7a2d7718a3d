import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../errors";
import { Rng } from "../rng";
import { requireInput, requirePositiveInt, requireSite } from "../validate";
import type { CompressibleModel, DenseSiteSplit, HookedModel, Hooks, NamedVariable, SiteInfo, SiteSplit } from "./types";

/** Hidden-layer nonlinearities an MLP can use. */
export type Activation = "relu" | "tanh" | "sigmoid" | "gelu";

/** Options for {@link mlp}. */
export interface MlpOptions {
  inputs: number;
  /** Hidden widths; site `h{i+1}` is the output of hidden layer i (after its activation). */
  hidden: readonly number[];
  classes: number;
  /** Seed of the weight initialization (He-uniform weights, zero biases). Default 0. */
  seed?: number;
  /** Default "relu". */
  activation?: Activation;
}

/** Plain weights of one dense layer: `w` is `[fanIn, fanOut]` row-major. */
export interface DenseWeights {
  readonly w: Float32Array;
  readonly b: Float32Array;
  readonly fanIn: number;
  readonly fanOut: number;
}

/**
 * A multilayer perceptron as a {@link HookedModel}: sites `"h1"`, `"h2"`, ... are the hidden layers' outputs.
 *
 * @example
 * const model = at.mlp({ inputs: 64, hidden: [128], classes: 10, seed: 0 });
 * const logits = model.forward(x, { h1: (act) => act.mul(0) });   // h1 zeroed for this call only
 */
export function mlp(options: MlpOptions): Mlp {
  requirePositiveInt(options.inputs, "inputs");
  requirePositiveInt(options.classes, "classes");
  if (options.hidden.length === 0) throw new AntitrainError("hidden must list at least one hidden width, e.g. [128]");
  options.hidden.forEach((h, i) => requirePositiveInt(h, `hidden[${i}]`));
  const layers = heUniformLayers([options.inputs, ...options.hidden, options.classes], options.seed ?? 0);
  return new Mlp(layers, options.activation ?? "relu");
}

/** He-uniform weights and zero biases for dense layers of the given widths (the initialization of {@link mlp}). */
export function heUniformLayers(widths: readonly number[], seed: number): DenseWeights[] {
  const rng = new Rng(seed);
  const layers: DenseWeights[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const fanIn = widths[i];
    const fanOut = widths[i + 1];
    const limit = Math.sqrt(6 / fanIn);
    const w = new Float32Array(fanIn * fanOut);
    for (let j = 0; j < w.length; j++) w[j] = (rng.uniform() * 2 - 1) * limit;
    layers.push({ w, b: new Float32Array(fanOut), fanIn, fanOut });
  }
  return layers;
}

/** The MLP behind {@link mlp}; also built from plain weights (e.g. hand-made models in tests). */
export class Mlp implements CompressibleModel {
  readonly kind = "mlp";
  readonly inputs: number;
  readonly classes: number;
  private readonly ws: tf.Variable[];
  private readonly bs: tf.Variable[];

  constructor(
    layers: readonly DenseWeights[],
    readonly activation: Activation = "relu",
  ) {
    if (layers.length < 2) throw new AntitrainError("an MLP needs at least one hidden layer and an output layer");
    layers.forEach((l, i) => {
      if (l.w.length !== l.fanIn * l.fanOut || l.b.length !== l.fanOut) {
        throw new AntitrainError(`layer ${i}: w must hold fanIn×fanOut values and b fanOut values`);
      }
      if (i > 0 && l.fanIn !== layers[i - 1].fanOut) {
        throw new AntitrainError(`layer ${i} takes ${l.fanIn} inputs but layer ${i - 1} gives ${layers[i - 1].fanOut}`);
      }
    });
    this.inputs = layers[0].fanIn;
    this.classes = layers[layers.length - 1].fanOut;
    // tidy frees the initial tensors; variables survive it.
    this.ws = layers.map((l) => tf.tidy(() => tf.variable(tf.tensor2d(l.w, [l.fanIn, l.fanOut]))));
    this.bs = layers.map((l) => tf.tidy(() => tf.variable(tf.tensor1d(l.b))));
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

  namedVariables(): NamedVariable[] {
    return this.ws.flatMap((w, i) => [
      { name: `dense${i + 1}/w`, variable: w },
      { name: `dense${i + 1}/b`, variable: this.bs[i] },
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

  /** The cut at `site` with the next dense layer exposed, for the damage engine's low-rank shortcut (see {@link DenseSiteSplit}). */
  splitDense(site: string, x: tf.Tensor): DenseSiteSplit {
    const cut = this.split(site, x);
    const next = this.siteIndex(site) + 1; // the dense layer the site feeds
    const pre = tf.tidy(() => tf.add(tf.matMul(cut.act as tf.Tensor2D, this.ws[next]), this.bs[next]));
    return {
      ...cut,
      weight: this.ws[next] as tf.Tensor as tf.Tensor2D,
      pre,
      readsAct: false,
      resumeFromPre: (z: tf.Tensor) => tf.tidy(() => this.resumeFromPre(z as tf.Tensor2D, next)),
      dispose: () => {
        cut.dispose();
        pre.dispose();
      },
    };
  }

  downstreamVariables(site: string): tf.Variable[] {
    const index = this.siteIndex(site);
    return this.ws.slice(index + 1).flatMap((w, i) => [w, this.bs[index + 1 + i]]);
  }

  /** Plain copies of every layer's weights. */
  weights(): DenseWeights[] {
    return this.ws.map((w, i) => ({
      w: w.dataSync() as Float32Array,
      b: this.bs[i].dataSync() as Float32Array,
      fanIn: w.shape[0] as number,
      fanOut: w.shape[1] as number,
    }));
  }

  /**
   * A new MLP without the removed units of `site`: rows of the layer before and columns of the layer after are
   * dropped, and each removed unit's constant `fill[u]` times its outgoing weights is added to the next bias.
   */
  removeUnits(site: string, keep: readonly number[], fill: Float32Array): Mlp {
    const index = this.siteIndex(site);
    const layers = this.weights();
    const before = layers[index];
    const after = layers[index + 1];
    const kept = new Set(keep);
    const newBefore = new Float32Array(before.fanIn * keep.length);
    for (let i = 0; i < before.fanIn; i++) {
      keep.forEach((u, j) => {
        newBefore[i * keep.length + j] = before.w[i * before.fanOut + u];
      });
    }
    const newBeforeBias = Float32Array.from(keep, (u) => before.b[u]);
    const newAfter = new Float32Array(keep.length * after.fanOut);
    keep.forEach((u, j) => newAfter.set(after.w.subarray(u * after.fanOut, (u + 1) * after.fanOut), j * after.fanOut));
    const bias = Float64Array.from(after.b);
    for (let u = 0; u < before.fanOut; u++) {
      if (kept.has(u) || fill[u] === 0) continue;
      for (let o = 0; o < after.fanOut; o++) bias[o] += fill[u] * after.w[u * after.fanOut + o];
    }
    layers[index] = { w: newBefore, b: newBeforeBias, fanIn: before.fanIn, fanOut: keep.length };
    layers[index + 1] = { w: newAfter, b: Float32Array.from(bias), fanIn: keep.length, fanOut: after.fanOut };
    return new Mlp(layers, this.activation);
  }

  /** A deep copy with its own variables. */
  clone(): Mlp {
    return new Mlp(this.weights(), this.activation);
  }

  dispose(): void {
    for (const v of [...this.ws, ...this.bs]) v.dispose();
  }

  private siteIndex(site: string): number {
    requireSite(this, site);
    return Number(site.slice(1)) - 1;
  }

  private layer(h: tf.Tensor2D, i: number): tf.Tensor2D {
    const z = tf.add(tf.matMul(h, this.ws[i]), this.bs[i]) as tf.Tensor2D;
    return i === this.ws.length - 1 ? z : applyActivation(z, this.activation);
  }

  /** Finishes the forward pass from layer `i`'s pre-activation `z` (mirrors {@link Mlp.layer} then {@link Mlp.run}). */
  private resumeFromPre(z: tf.Tensor2D, i: number): tf.Tensor2D {
    if (i === this.ws.length - 1) return z;
    return this.run(applyActivation(z, this.activation), i + 1, {});
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

function applyActivation(z: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  switch (activation) {
    case "relu":
      return tf.relu(z);
    case "tanh":
      return tf.tanh(z);
    case "sigmoid":
      return tf.sigmoid(z);
    case "gelu":
      // tanh approximation (as in GPT-2)
      return tf.tidy(() => {
        const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(z, tf.mul(0.044715, tf.pow(z, 3))));
        return tf.mul(tf.mul(0.5, z), tf.add(1, tf.tanh(inner))) as tf.Tensor2D;
      });
  }
}
