/** Modular addition as an MLP input: the token ids [a, b] become one-hot(a) ‖ one-hot(b). */
import * as tf from "@tensorflow/tfjs";
import type { Dataset, Split } from "../../data/dataset";
import { type ModularOptions, modularAddition } from "../../data/modular";

/**
 * One-hot pairs from a modular-addition split without the "=" token: `x` `[n, 2]` of ids in [0, p) becomes
 * `[n, 2p]`, one-hot(a) then one-hot(b); labels and classes are kept. A new dataset (the caller frees it).
 *
 * @example
 * const pairs = oneHotPairs(at.modularAddition({ p: 5, equals: false }).train, 5);   // x: [n, 10]
 */
export function oneHotPairs(d: Dataset, p: number): Dataset<tf.Tensor2D> {
  return tf.tidy(() => {
    const ids = tf.cast(d.x, "int32");
    const a = tf.oneHot(tf.reshape(tf.slice(ids, [0, 0], [-1, 1]), [-1]) as tf.Tensor1D, p);
    const b = tf.oneHot(tf.reshape(tf.slice(ids, [0, 1], [-1, 1]), [-1]) as tf.Tensor1D, p);
    return { x: tf.cast(tf.concat([a, b], 1), "float32") as tf.Tensor2D, y: tf.clone(d.y) as tf.Tensor1D, classes: d.classes };
  });
}

/**
 * Modular addition a + b mod p as one-hot pairs (46 inputs for p = 23): `modularAddition` without "=", both splits
 * through {@link oneHotPairs}; the token splits are freed.
 *
 * @example
 * const { train, test } = modularOneHot({ p: 23, trainFraction: 0.8, seed: 0 });   // train.x: [423, 46]
 */
export function modularOneHot(options: Omit<ModularOptions, "equals">): Split<tf.Tensor2D> {
  const task = modularAddition({ ...options, equals: false });
  try {
    return { train: oneHotPairs(task.train, task.p), test: oneHotPairs(task.test, task.p) };
  } finally {
    for (const d of [task.train, task.test]) tf.dispose([d.x, d.y]);
  }
}
