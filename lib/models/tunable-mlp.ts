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

/**
 * PReLU (He et al. 2015): f_a(z) = max(z, 0) + a·min(z, 0), a learnable slope `a` for negative inputs (a = 0 is
 * exactly ReLU; He et al. start at 0.25). `a` broadcasts over the last axis: one value per layer (He et al.'s
 * "channel-shared" variant) or one per unit ("channel-wise").
 *
 * @example
 * const y = at.preluActivation(z, tf.tensor1d([0.25]));
 */
export function preluActivation(z: tf.Tensor, a: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.relu(z), tf.mul(a, tf.relu(tf.neg(z)))));
}

/**
 * Swish with a learnable β (Ramachandran et al. 2017): f_β(z) = z·sigmoid(β·z). β = 1 is SiLU (their starting
 * value), β → ∞ approaches ReLU and β = 0 is the line z/2. `β` broadcasts over the last axis (per layer or per unit).
 *
 * @example
 * const y = at.swishBetaActivation(z, tf.tensor1d([1]));   // SiLU
 */
export function swishBetaActivation(z: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(z, tf.sigmoid(tf.mul(beta, z))));
}

/**
 * ReLU with a learnable gain, f_g(z) = g·relu(z): the part of {@link tunableActivation} beyond ReLU that is a pure
 * scale (slope g, no dip), a control that separates the learnable gain from the shape. g = 1 is exactly ReLU.
 *
 * @example
 * const y = at.reluGainActivation(z, tf.tensor1d([2]));   // 2·relu(z)
 */
export function reluGainActivation(z: tf.Tensor, g: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(g, tf.relu(z)));
}

/**
 * The learnable activation families of {@link tunableMlp}: "blend" ({@link tunableActivation}, the sigmoid-to-ReLU
 * shape t), "prelu" ({@link preluActivation}), "swish-beta" ({@link swishBetaActivation}) and "relu-gain"
 * ({@link reluGainActivation}); each has one parameter per layer or per unit.
 */
export const LEARNABLE_ACTIVATIONS = ["blend", "prelu", "swish-beta", "relu-gain"] as const;
export type LearnableActivation = (typeof LEARNABLE_ACTIVATIONS)[number];

/** Each family's default starting parameter: ReLU for "blend" and "relu-gain", He et al.'s 0.25 for PReLU, Ramachandran et al.'s β = 1. */
export const DEFAULT_INITIAL_PARAMETER: Readonly<Record<LearnableActivation, number>> = { blend: 1, prelu: 0.25, "swish-beta": 1, "relu-gain": 1 };

const ACTIVATE: Readonly<Record<LearnableActivation, (z: tf.Tensor, p: tf.Tensor) => tf.Tensor>> = {
  blend: tunableActivation,
  prelu: preluActivation,
  "swish-beta": swishBetaActivation,
  "relu-gain": reluGainActivation,
};

function requireFamily(activation: string): LearnableActivation {
  if (!(LEARNABLE_ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new AntitrainError(`activation must be one of ${LEARNABLE_ACTIVATIONS.join(", ")}, got ${JSON.stringify(activation)}`);
  }
  return activation as LearnableActivation;
}

/** The shape parameter value at which {@link tunableActivation} is exactly ReLU. */
export const SHAPE_RELU = 1;
/** The shape parameter value at which {@link tunableActivation} is exactly the logistic sigmoid. */
export const SHAPE_SIGMOID = 0;

/** Options for {@link tunableMlp}. */
export interface TunableMlpOptions extends Omit<MlpOptions, "activation"> {
  /** One shape parameter per hidden layer ("layer") or per hidden unit ("unit"). Default "layer". */
  shapePer?: "layer" | "unit";
  /**
   * Initial shape parameter. Default: the family's {@link DEFAULT_INITIAL_PARAMETER} (1 for "blend": ReLU, the model
   * starts as `at.mlp` with the same seed).
   */
  initialShape?: number;
  /** The learnable activation family. Default "blend" (f_t = t·relu + (1 − t)·sigmoid). */
  activation?: LearnableActivation;
}

/**
 * An MLP whose hidden layers use {@link tunableActivation} (or another family of {@link LEARNABLE_ACTIVATIONS}: PReLU,
 * Swish-β, ReLU with a gain) with a learnable shape parameter (variables `act{i}/t`), per layer or per unit. Sites `"h1"`, `"h2"`, ... are the hidden layers' outputs, as in {@link mlp}; the dense
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
  const family = requireFamily(options.activation ?? "blend");
  const t0 = options.initialShape ?? DEFAULT_INITIAL_PARAMETER[family];
  if (!Number.isFinite(t0)) throw new AntitrainError(`initialShape must be a finite number (1 = ReLU, 0 = sigmoid), got ${t0}`);
  const layers = heUniformLayers([options.inputs, ...options.hidden, options.classes], options.seed ?? 0);
  const shapes = options.hidden.map((h) => new Float32Array(per === "unit" ? h : 1).fill(t0));
  return new TunableMlp(layers, shapes, family);
}

/**
 * The model behind {@link tunableMlp}; also built from plain weights and shape parameters (`shapes[i]`: length 1 or
 * the width of hidden layer i) and the activation family (default "blend").
 */
export class TunableMlp extends DenseStack implements HookedModel {
  readonly kind = "tunable-mlp";
  readonly activation: LearnableActivation;
  private readonly ts: tf.Variable[];

  constructor(layers: readonly DenseWeights[], shapes: readonly Float32Array[], activation: LearnableActivation = "blend") {
    const family = requireFamily(activation);
    if (shapes.length !== layers.length - 1) throw new AntitrainError(`give one shape array per hidden layer: ${layers.length - 1}, got ${shapes.length}`);
    shapes.forEach((s, i) => {
      const width = layers[i]?.fanOut;
      if (s.length !== 1 && s.length !== width) {
        throw new AntitrainError(`shapes[${i}] must hold 1 value (per layer) or ${width} (per unit), got ${s.length}`);
      }
    });
    super(layers);
    this.activation = family;
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
    return new TunableMlp(this.weights(), this.shapes(), this.activation);
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
    return ACTIVATE[this.activation](z, this.ts[i]) as tf.Tensor2D;
  }
}
