/** Notebook 18's network: a small CNN, a `tf.LayersModel` built with `tf.layers`, its initializers seeded. */
import * as tf from "@tensorflow/tfjs";

/** What {@link smallCnn} builds, for a results file. */
export const SMALL_CNN = "conv3x3(16)-avgpool2-conv3x3(32)-avgpool2-flatten-dense(64)-dense(10), relu";

/**
 * conv 3×3, 16 channels → 2×2 average pooling → conv 3×3, 32 channels (`conv2`) → 2×2 average pooling → flatten →
 * dense 64 → dense 10 (logits, no softmax), ReLU throughout, on 28×28×1 images: 56,714 parameters. Layer k's He-normal
 * initializer is seeded by `1000 · seed + k`, so every seed starts from its own reproducible weights. Average rather
 * than max pooling: on wasm the gradient of max pooling took most of a training step's time on this network.
 *
 * @example
 * const net = smallCnn(0);   // a tf.Sequential; at.fromLayersModel(net) makes every layer a site
 */
export function smallCnn(seed: number): tf.LayersModel {
  const init = (k: number) => tf.initializers.heNormal({ seed: 1000 * seed + k });
  const net = tf.sequential();
  net.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: "relu", kernelInitializer: init(1), name: "conv1" }));
  net.add(tf.layers.averagePooling2d({ poolSize: 2, name: "pool1" }));
  net.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", kernelInitializer: init(2), name: "conv2" }));
  net.add(tf.layers.averagePooling2d({ poolSize: 2, name: "pool2" }));
  net.add(tf.layers.flatten({ name: "flatten" }));
  net.add(tf.layers.dense({ units: 64, activation: "relu", kernelInitializer: init(3), name: "dense" }));
  net.add(tf.layers.dense({ units: 10, kernelInitializer: init(4), name: "logits" }));
  return net;
}
