/**
 * Gradient-based per-unit memorization scores (the cheaper ranking peer of part 1): each unit of a one-hidden-layer
 * ReLU MLP gets the mean over a data set's examples of the squared norm of the per-example cross-entropy gradient
 * with respect to the unit's own parameters (its incoming weights, its bias and its outgoing weights), as in the
 * "gradient accounting" of Maini et al. (2023), per unit instead of per layer.
 */
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../../base/errors";
import type { Dataset } from "../../data/dataset";
import type { Mlp } from "../../models/mlp";

/** dense1/w, dense1/b, dense2/w of a 64→hidden→classes ReLU MLP, or an error naming the fix. */
function weightsOf(model: Mlp): { w1: tf.Tensor2D; b1: tf.Tensor1D; w2: tf.Tensor2D; b2: tf.Tensor1D } {
  if (model.hidden.length !== 1 || model.activation !== "relu") {
    throw new AntitrainError(`unitGradientNorms takes a one-hidden-layer ReLU MLP (mlp({ hidden: [128] })), got hidden ${JSON.stringify(model.hidden)}, activation ${model.activation}`);
  }
  const v = Object.fromEntries(model.namedVariables().map((n) => [n.name, n.variable]));
  return { w1: v["dense1/w"] as tf.Tensor as tf.Tensor2D, b1: v["dense1/b"] as tf.Tensor as tf.Tensor1D, w2: v["dense2/w"] as tf.Tensor as tf.Tensor2D, b2: v["dense2/b"] as tf.Tensor as tf.Tensor1D };
}

/**
 * Per unit of `h1`, the mean over `data`'s examples of ‖∂ℓᵢ/∂θᵤ‖², θᵤ = (column u of the first weight matrix, bias u,
 * row u of the output weights), ℓᵢ the example's cross-entropy. Computed in closed form for all examples at once:
 * with δ₂ = softmax − one-hot and δ₁ = (δ₂ W₂ᵀ) ⊙ [z₁ > 0], the unit's share of example i is
 * δ₁ᵢᵤ² (‖xᵢ‖² + 1) + aᵢᵤ² ‖δ₂ᵢ‖². Leaves the model unchanged.
 *
 * @example
 * const noisy = unitGradientNorms(model, noisyPart);   // Float64Array of hidden values
 */
export function unitGradientNorms(model: Mlp, data: Dataset): Float64Array {
  const { w1, b1, w2, b2 } = weightsOf(model);
  const values = tf.tidy(() => {
    const x = data.x as tf.Tensor2D;
    const z1 = tf.add(tf.matMul(x, w1), b1);
    const a = tf.relu(z1);
    const logits = tf.add(tf.matMul(a, w2), b2);
    const d2 = tf.sub(tf.softmax(logits), tf.oneHot(data.y, model.classes).toFloat());
    const d1 = tf.mul(tf.matMul(d2, w2, false, true), tf.cast(tf.greater(z1, 0), "float32"));
    const xNorm = tf.add(tf.sum(tf.square(x), 1, true), 1);
    const d2Norm = tf.sum(tf.square(d2), 1, true);
    const perExample = tf.add(tf.mul(tf.square(d1), xNorm), tf.mul(tf.square(a), d2Norm));
    return tf.mean(perExample, 0);
  });
  const out = Float64Array.from(values.dataSync());
  values.dispose();
  return out;
}

/** Each value's share of their sum (all zero: all zero). */
export function shares(values: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += Math.max(0, values[i]);
  return Float64Array.from(values, (v) => (total > 0 ? Math.max(0, v) / total : 0));
}

/**
 * The units ordered from most to least memorizing by log(memShare / genShare) (shares floored at 1e-12; ties to the
 * lower index), leaving out inert units (both shares below `floor / units`, as `heldOutImportance` does).
 *
 * @example
 * memorizingOrder(trainShare, heldOutShare);   // randomization: training-data share against held-out share
 */
export function memorizingOrder(memShare: ArrayLike<number>, genShare: ArrayLike<number>, floor = 0.1): number[] {
  const units = memShare.length;
  if (genShare.length !== units) throw new AntitrainError(`memorizingOrder: the two share lists differ in length (${units} and ${genShare.length})`);
  const lean = Array.from({ length: units }, (_, u) => Math.log(Math.max(memShare[u], 1e-12) / Math.max(genShare[u], 1e-12)));
  return Array.from({ length: units }, (_, u) => u)
    .filter((u) => !(memShare[u] < floor / units && genShare[u] < floor / units))
    .sort((a, b) => lean[b] - lean[a] || a - b);
}
