import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";

/** A gradient by variable name (tfjs's NamedTensor, which its public index does not export). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Options for {@link grokfast}. */
export interface GrokfastOptions {
  /** EMA momentum. Default 0.98 (the paper's). */
  alpha?: number;
  /** Amplification of the slow gradient component. Default 2.0 (the paper's). */
  lambda?: number;
}

/**
 * Grokfast-EMA (Lee et al. 2024, "Grokfast: Accelerated Grokking by Amplifying Slow Gradients"): a low-pass filter
 * on each variable's gradient, whose slow component is amplified before the wrapped optimizer sees it:
 *   ema ← α · ema + (1 − α) · g      (ema starts at the first gradient, as in the paper's code)
 *   g̃  = g + λ · ema
 * and `inner.applyGradients(g̃)`. Keeps one EMA tensor per variable (freed by `dispose`, which also frees `inner`).
 * Mutates the variables it is given gradients for (like any optimizer).
 */
export class Grokfast extends tf.Optimizer {
  static get className(): string {
    return "Grokfast";
  }
  readonly alpha: number;
  readonly lambda: number;
  private readonly ema = new Map<string, tf.Tensor>();

  constructor(
    readonly inner: tf.Optimizer,
    options: GrokfastOptions = {},
  ) {
    super();
    this.alpha = options.alpha ?? 0.98;
    this.lambda = options.lambda ?? 2.0;
    if (!(this.alpha >= 0 && this.alpha < 1)) throw new AntitrainError(`alpha must be in [0, 1), got ${this.alpha}: the paper uses 0.98`);
    if (!Number.isFinite(this.lambda)) throw new AntitrainError(`lambda must be a finite number, got ${this.lambda}: the paper uses 2.0`);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list: NamedTensor[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const filtered: tf.NamedTensorMap = {};
    for (const { name, tensor: g } of list) {
      const prev = this.ema.get(name);
      const next = tf.tidy(() => (prev === undefined ? tf.clone(g) : tf.add(tf.mul(prev, this.alpha), tf.mul(g, 1 - this.alpha))));
      prev?.dispose();
      tf.keep(next);
      this.ema.set(name, next);
      filtered[name] = tf.tidy(() => tf.add(g, tf.mul(next, this.lambda)));
    }
    try {
      this.inner.applyGradients(filtered);
    } finally {
      tf.dispose(Object.values(filtered));
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const t of this.ema.values()) t.dispose();
    this.ema.clear();
    this.inner.dispose();
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { alpha: this.alpha, lambda: this.lambda };
  }
}

/**
 * Wraps an optimizer with the Grokfast-EMA gradient filter (see {@link Grokfast}); the wrapper owns `inner`.
 *
 * @example
 * const opt = at.grokfast(at.adamw(1e-3, { beta2: 0.98, weightDecay: 1.0 }), { alpha: 0.98, lambda: 2.0 });
 * at.train(model, task.train, { steps: 100, batchSize: at.size(task.train), optimizer: opt });
 * opt.dispose();
 */
export function grokfast(inner: tf.Optimizer, options: GrokfastOptions = {}): Grokfast {
  return new Grokfast(inner, options);
}
