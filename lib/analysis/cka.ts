import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";

/**
 * Linear centered kernel alignment (Kornblith et al. 2019) between two representations of the same examples:
 * `a` is `[n, p]`, `b` is `[n, q]` (p and q may differ). Columns are centered, then
 * CKA = ‖bᵀa‖²_F / (‖aᵀa‖_F ‖bᵀb‖_F), in [0, 1]; 1 when one is an orthogonal transform and scaling of the other.
 * Computed in float32 (agrees with a float64 plain-number computation to about 1e-5). Returns NaN when either
 * representation is constant (nothing to compare). Frees every tensor it made.
 *
 * @example
 * const sim = at.linearCKA(coreActsSeed0, coreActsSeed1);   // [n, 12] and [n, 9] → a number in [0, 1]
 */
export function linearCKA(a: tf.Tensor2D, b: tf.Tensor2D): number {
  if (a.rank !== 2 || b.rank !== 2) throw new AntitrainError("linearCKA needs two rank-2 tensors [examples, features]");
  if (a.shape[0] !== b.shape[0]) {
    throw new AntitrainError(`linearCKA needs the same examples in both: got ${a.shape[0]} and ${b.shape[0]} rows`);
  }
  if (a.shape[0] < 2) throw new AntitrainError("linearCKA needs at least 2 examples");
  return tf.tidy(() => {
    const ca = tf.sub(a, tf.mean(a, 0, true));
    const cb = tf.sub(b, tf.mean(b, 0, true));
    const frob2 = (m: tf.Tensor) => tf.sum(tf.square(m));
    const cross = frob2(tf.matMul(cb, ca, true, false)); // ‖bᵀa‖²
    const aa = tf.sqrt(frob2(tf.matMul(ca, ca, true, false)));
    const bb = tf.sqrt(frob2(tf.matMul(cb, cb, true, false)));
    const [c, x, y] = [cross, aa, bb].map((t) => t.dataSync()[0]);
    return x > 0 && y > 0 ? c / (x * y) : Number.NaN;
  });
}
