import * as tf from "@tensorflow/tfjs";
import { requireInRange } from "../base/validate";
import type { HookedModel } from "../models/types";
import { type DenseUnitWeights, siteWeights } from "./dense-unit-weights";

/** Added under each group's square root so the gradient stays finite when a whole group reaches 0. */
const GROUP_EPSILON = 1e-12;

/**
 * Group lasso over units (Wen et al. 2016, "Learning Structured Sparsity in Deep Neural Networks"; Scardapane et al.
 * 2017, "Group sparse regularization for deep neural networks") as a `penalty` for {@link train}:
 * lambda × Σ_sites Σ_units sqrt(‖incoming weights and bias of unit j‖² + ‖outgoing weights of unit j‖²).
 * Unlike an L2 penalty it pulls whole groups to exactly zero (up to the optimizer's step size), so a unit is switched
 * off as a whole; `lambda` trades accuracy for how many units survive (tune it on validation data). A tiny ε (1e-12)
 * under each square root keeps the gradient finite at zero; lambda 0 adds an exact 0. Prune afterwards with
 * {@link magnitudeScores}, {@link ranked} and {@link compress}. Needs MLP-like sites (at.mlp, at.tunableMlp); the
 * penalty ignores its input batch and frees what it made.
 *
 * @example
 * at.train(model, train, { steps: 2000, penalty: at.groupLasso(model, ["h1"], 1e-3) });
 * const keep = at.ranked({ scores: at.magnitudeScores(model, "h1") }).slice(0, 16);
 * const small = at.compress(model, "h1", { core: keep }, { stats: at.collectStats(model, "h1", train) });
 */
export function groupLasso(model: HookedModel, sites: readonly string[], lambda: number): (x: tf.Tensor) => tf.Scalar {
  const groups = siteWeights(model, sites, "groupLasso");
  requireInRange(lambda, "groupLasso lambda", { min: 0, max: Number.POSITIVE_INFINITY }, "e.g. 1e-3; tune it on validation data");
  return () =>
    tf.tidy(() => {
      if (lambda === 0) return tf.scalar(0);
      const perSite = groups.map((w) => tf.sum(groupNorms(w)));
      return tf.mul(lambda, tf.addN(perSite)) as tf.Scalar;
    });
}

/** One group norm per unit of a site: sqrt(Σ in² + b² + Σ out² + ε), `[units]`. */
function groupNorms(w: DenseUnitWeights): tf.Tensor1D {
  const squares = tf.add(tf.add(tf.sum(tf.square(w.into), 0), tf.square(w.bias)), tf.sum(tf.square(w.out), 1));
  return tf.sqrt(tf.add(squares, GROUP_EPSILON)) as tf.Tensor1D;
}
