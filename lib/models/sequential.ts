import type * as tf from "@tensorflow/tfjs";
import { type FromLayersModelOptions, fromLayersModel, type LayersHookedModel } from "./layers-model";

/**
 * The older name of {@link fromLayersModel}, kept as an alias: wraps a `tf.Sequential` (or any `tf.LayersModel`) as a
 * {@link HookedModel} whose sites are the layers' outputs, named by the layers.
 *
 * @example
 * const seq = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 32, activation: "relu", name: "hidden" }),
 *                                      tf.layers.dense({ units: 10, name: "out" })] });
 * const model = at.fromSequential(seq);   // sites: [{ name: "hidden", units: 32 }]
 */
export function fromSequential(seq: tf.LayersModel, options: FromLayersModelOptions = {}): LayersHookedModel {
  return fromLayersModel(seq, options);
}
