/** Linear probes: how well a concept can be read, linearly, from a site's activations or the model's output. */
import * as tf from "@tensorflow/tfjs";
import { type Dataset, forEachSlice } from "../data/dataset";
import type { HookedModel } from "../models/types";
import { requireData, requireFinite, requirePositiveInt, requireSite } from "../base/validate";
import { type Concept, conceptData, requireConceptFits } from "./concept";

/** A linear probe (softmax regression on standardized features) reading a concept at `readout`. Plain numbers. */
export interface Probe {
  /** A site name, or "output" for the model's logits. */
  readonly readout: string;
  readonly concept: Concept;
  /** `[features, values]` row-major. */
  readonly w: Float32Array;
  readonly b: Float32Array;
  /** Feature standardization applied before `w`. */
  readonly mean: Float32Array;
  readonly std: Float32Array;
  readonly features: number;
}

/** Options for {@link fitProbe}. */
export interface ProbeOptions {
  /** A site name, or "output" (the logits). Default "output". */
  readout?: string;
  /** Full-batch Adam steps. Default 300. */
  steps?: number;
  /** Default 0.05. */
  learningRate?: number;
  /** L2 penalty on the weights. Default 1e-3. */
  l2?: number;
}

/**
 * Fits a linear probe for `c` on the clean activations of `readout` over `data` (labels are the model's classes;
 * the probe predicts their concept values). Deterministic (zero initialization, full batch). Leaves the model unchanged.
 *
 * @example
 * const probe = at.fitProbe(model, train, parity, { readout: "output" });
 */
export function fitProbe(model: HookedModel, data: Dataset, c: Concept, options: ProbeOptions = {}): Probe {
  requireData(model, data);
  requireConceptFits(c, model.classes);
  const readout = options.readout ?? "output";
  if (readout !== "output") requireSite(model, readout);
  const steps = options.steps ?? 300;
  requirePositiveInt(steps, "steps");
  const l2 = options.l2 ?? 1e-3;
  const feats = readoutFeatures(model, data, readout); // [n, F]
  const labels = conceptData({ x: data.x, y: data.y, classes: data.classes }, c);
  const features = feats.shape[1];
  try {
    requireFinite(feats, `activations of "${readout}"`);
    const { mean, variance } = tf.moments(feats, 0);
    const meanA = mean.dataSync() as Float32Array;
    const stdA = Float32Array.from(variance.dataSync(), (v) => Math.sqrt(v) || 1);
    tf.dispose([mean, variance]);
    const w = tf.tidy(() => tf.variable(tf.zeros([features, c.values])));
    const b = tf.tidy(() => tf.variable(tf.zeros([c.values])));
    const opt = tf.train.adam(options.learningRate ?? 0.05);
    try {
      const z = tf.tidy(() => tf.div(tf.sub(feats, tf.tensor1d(meanA)), tf.tensor1d(stdA)));
      const onehot = tf.oneHot(labels.y, c.values);
      for (let s = 0; s < steps; s++) {
        const l = opt.minimize(
          () =>
            tf.tidy(() => {
              const logp = tf.logSoftmax(tf.add(tf.matMul(z, w), b));
              const ce = tf.neg(tf.mean(tf.sum(tf.mul(logp, onehot), 1)));
              return tf.add(ce, tf.mul(l2, tf.sum(tf.square(w)))) as tf.Scalar;
            }),
          false,
          [w, b],
        );
        l?.dispose();
      }
      tf.dispose([z, onehot]);
      return { readout, concept: c, w: w.dataSync() as Float32Array, b: b.dataSync() as Float32Array, mean: meanA, std: stdA, features };
    } finally {
      opt.dispose();
      tf.dispose([w, b]);
    }
  } finally {
    tf.dispose([feats, labels.x, labels.y]);
  }
}

/** The readout's clean activations `[n, features]` over the whole dataset (caller disposes). */
function readoutFeatures(model: HookedModel, data: Dataset, readout: string): tf.Tensor2D {
  const parts: tf.Tensor[] = [];
  try {
    forEachSlice(data, 512, (x) => {
      if (readout === "output") parts.push(model.forward(x));
      else {
        const cut = model.split(readout, x);
        parts.push(cut.act.clone());
        cut.dispose();
      }
    });
    return tf.concat(parts) as tf.Tensor2D;
  } finally {
    tf.dispose(parts);
  }
}
