import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";

/** A gradient by variable name (tfjs's NamedTensor, which its public index does not export). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Options for {@link adamw}. */
export interface AdamWOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8 (PyTorch's). */
  epsilon?: number;
  /** Decoupled weight decay coefficient. Default 0.01 (PyTorch's). */
  weightDecay?: number;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019), as PyTorch's `AdamW`: each step first shrinks every
 * updated variable, w ← w · (1 − lr · weightDecay), then applies the Adam update of the raw gradient. TensorFlow.js
 * has no AdamW; this wraps its Adam. Mutates the variables it is given gradients for (like any optimizer).
 */
export class AdamW extends tf.Optimizer {
  static get className(): string {
    return "AdamW";
  }
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly adam: tf.Optimizer;

  constructor(
    readonly learningRate: number,
    options: AdamWOptions = {},
  ) {
    super();
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new AntitrainError(`learningRate must be a finite number > 0, got ${learningRate}: e.g. 1e-3`);
    if (!(Number.isFinite(this.weightDecay) && this.weightDecay >= 0)) throw new AntitrainError(`weightDecay must be >= 0, got ${this.weightDecay}: e.g. 1.0 (Nanda et al.)`);
    this.adam = tf.train.adam(learningRate, this.beta1, this.beta2, this.epsilon);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
    const shrink = 1 - this.learningRate * this.weightDecay;
    if (shrink !== 1) {
      const registered = tf.engine().registeredVariables;
      for (const name of names) {
        const v = registered[name];
        if (v === undefined) throw new AntitrainError(`no variable named "${name}" to apply weight decay to`);
        tf.tidy(() => v.assign(tf.mul(v, shrink)));
      }
    }
    this.adam.applyGradients(variableGradients);
    this.incrementIterations();
  }

  override dispose(): void {
    this.adam.dispose();
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
    };
  }
}

/**
 * An AdamW optimizer (see {@link AdamW}).
 *
 * @example
 * // Nanda et al.'s grokking recipe
 * const opt = at.adamw(1e-3, { beta1: 0.9, beta2: 0.98, weightDecay: 1.0 });
 * at.train(model, task.train, { steps: 100, batchSize: at.size(task.train), optimizer: opt });
 */
export function adamw(learningRate: number, options: AdamWOptions = {}): AdamW {
  return new AdamW(learningRate, options);
}
