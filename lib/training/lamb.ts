import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";

/** A gradient by variable name (tfjs's NamedTensor, which its public index does not export). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Options for {@link lamb}. */
export interface LambOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-6 (the paper's). */
  epsilon?: number;
  /** Weight decay λ added to the Adam direction before the trust ratio (r + λw). Default 0.01 (the paper's). */
  weightDecay?: number;
}

/**
 * LAMB (You et al. 2020, "Large batch optimization for deep learning: training BERT in 76 minutes", Algorithm 2):
 * per variable (a layer's weight matrix or bias is one "layer") the bias-corrected Adam direction
 * r = m̂ / (√v̂ + ε) + λ·w, scaled by the layer's trust ratio ‖w‖ / ‖r‖ (1 when either norm is 0, e.g. a bias still
 * at zero), so every layer moves by `learningRate · ‖w‖` whatever its gradients' scale: w ← w − lr · (‖w‖/‖r‖) · r.
 * The scaling φ of ‖w‖ is the identity (no clipping). TensorFlow.js has no LAMB; this is a plain implementation.
 * Mutates the variables it is given gradients for (like any optimizer).
 */
export class Lamb extends tf.Optimizer {
  static get className(): string {
    return "Lamb";
  }
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** Steps taken (the bias correction's t). */
  step = 0;
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();

  constructor(
    readonly learningRate: number,
    options: LambOptions = {},
  ) {
    super();
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-6;
    this.weightDecay = options.weightDecay ?? 0.01;
    if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new AntitrainError(`learningRate must be a finite number > 0, got ${learningRate}: e.g. 1e-2`);
    for (const [key, value] of [["beta1", this.beta1], ["beta2", this.beta2]] as const) {
      if (!(Number.isFinite(value) && value >= 0 && value < 1)) throw new AntitrainError(`${key} must be in [0, 1), got ${value}: e.g. 0.9`);
    }
    if (!(Number.isFinite(this.epsilon) && this.epsilon >= 0)) throw new AntitrainError(`epsilon must be >= 0, got ${this.epsilon}: e.g. 1e-6`);
    if (!(Number.isFinite(this.weightDecay) && this.weightDecay >= 0)) throw new AntitrainError(`weightDecay must be >= 0, got ${this.weightDecay}: e.g. 0.01`);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    this.step++;
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    const registered = tf.engine().registeredVariables;
    for (const { name, tensor: g } of list) {
      if (g == null) continue;
      const w = registered[name];
      if (w === undefined) throw new AntitrainError(`no variable named "${name}" for LAMB to update`);
      let state = this.moments.get(name);
      if (state === undefined) {
        state = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(w), false), v: tf.variable(tf.zerosLike(w), false) }));
        this.moments.set(name, state);
      }
      const { m, v } = state;
      tf.tidy(() => {
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const adam = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.epsilon));
        const r = this.weightDecay === 0 ? adam : tf.add(adam, tf.mul(w, this.weightDecay));
        const wNorm = tf.norm(w);
        const rNorm = tf.norm(r);
        const ok = tf.logicalAnd(tf.greater(wNorm, 0), tf.greater(rNorm, 0));
        const ratio = tf.where(ok, tf.div(wNorm, tf.where(ok, rNorm, tf.onesLike(rNorm))), tf.onesLike(wNorm));
        w.assign(tf.sub(w, tf.mul(r, tf.mul(ratio, this.learningRate))));
      });
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay: this.weightDecay };
  }
}

/**
 * A LAMB optimizer (see {@link Lamb}): Adam's direction plus weight decay, rescaled per layer by the trust ratio
 * ‖w‖ / ‖update‖.
 *
 * @example
 * const opt = at.lamb(1e-2, { weightDecay: 0.01 });
 * at.train(model, data.train, { steps: 1000, optimizer: opt });
 * opt.dispose();
 */
export function lamb(learningRate: number, options: LambOptions = {}): Lamb {
  return new Lamb(learningRate, options);
}
