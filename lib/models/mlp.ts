import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { Rng } from "../base/rng";
import { requireOneOf, requirePositiveInt } from "../base/validate";
import { DenseStack, type DenseWeights } from "./dense-stack";
import type { CompressibleModel, DenseSiteSplit, NamedVariable } from "./types";

export type { DenseWeights } from "./dense-stack";

/** Hidden-layer nonlinearities an MLP can use. */
export type Activation = "relu" | "tanh" | "sigmoid" | "gelu";

/** Every {@link Activation}: the one list the library and the run config's schema check against. */
export const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "sigmoid", "gelu"];

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
export class Mlp extends DenseStack implements CompressibleModel {
  readonly kind = "mlp";

  constructor(
    layers: readonly DenseWeights[],
    readonly activation: Activation = "relu",
  ) {
    requireOneOf(activation, ACTIVATIONS, "activation");
    super(layers);
  }

  namedVariables(): NamedVariable[] {
    return this.ws.flatMap((w, i) => [
      { name: `dense${i + 1}/w`, variable: w },
      { name: `dense${i + 1}/b`, variable: this.bs[i] },
    ]);
  }

  /**
   * The cut at `site` with the next dense layer exposed, for the damage engine's low-rank shortcut (see
   * {@link DenseSiteSplit}); with ReLU, also the dense layer after next where there is one (the sign-flip path).
   */
  splitDense(site: string, x: tf.Tensor): DenseSiteSplit {
    const cut = this.split(site, x);
    const next = this.siteIndex(site) + 1; // the dense layer the site feeds
    const pre = tf.tidy(() => tf.add(tf.matMul(cut.act as tf.Tensor2D, this.ws[next]), this.bs[next]));
    const after = next + 1; // the dense layer after next, reached through this MLP's activation
    return {
      ...cut,
      weight: this.ws[next] as tf.Tensor as tf.Tensor2D,
      pre,
      readsAct: false,
      resumeFromPre: (z: tf.Tensor) => tf.tidy(() => this.resumeFromPre(z as tf.Tensor2D, next)),
      // pre is layer `next`'s matMul + bias, and resumeFromPre its activation and the later layers: forward's kernels
      resumesLikeForward: true,
      next:
        this.activation === "relu" && after < this.ws.length
          ? {
              activation: "relu",
              weight: this.ws[after] as tf.Tensor as tf.Tensor2D,
              bias: this.bs[after] as tf.Tensor as tf.Tensor1D,
              resumeFromPre: (z: tf.Tensor) => tf.tidy(() => this.resumeFromPre(z as tf.Tensor2D, after)),
            }
          : null,
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

  protected activate(z: tf.Tensor2D): tf.Tensor2D {
    return applyActivation(z, this.activation);
  }

  /** Finishes the forward pass from layer `i`'s pre-activation `z` (mirrors `layer` then `run`). */
  private resumeFromPre(z: tf.Tensor2D, i: number): tf.Tensor2D {
    if (i === this.ws.length - 1) return z;
    return this.run(this.activate(z), i + 1, {});
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
    default: {
      const unknown: never = activation;
      throw new AntitrainError(`unknown activation ${JSON.stringify(unknown)}`);
    }
  }
}
