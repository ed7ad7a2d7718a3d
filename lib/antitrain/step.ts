import * as tf from "@tensorflow/tfjs";
import type { CoreSplit } from "../core/find-core";
import type { Dataset } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { crossEntropy } from "../measure/metrics";
import { type HookedModel, type SiteInfo, expandUnitMask, siteFeatures } from "../models/types";
import { type RandomizeMethod, drawReplacements } from "../measure/randomize";
import { Rng } from "../base/rng";
import type { UnitStats } from "../measure/unit-stats";
import { requireData, requireFinite, requireSite } from "../base/validate";

/**
 * The random target of an antitrain step: `uniform` (the soft uniform distribution over classes: cross-entropy
 * against it is minimized by maximally random predictions) or `random-labels` (hard labels drawn uniformly).
 */
export type AntitrainTarget = "uniform" | "random-labels";

/** Options for {@link antitrainStep}. */
export interface AntitrainStepOptions {
  /** Default "uniform". */
  target?: AntitrainTarget;
  /** How the core is randomized. Default: the split's method. */
  method?: RandomizeMethod;
  /** Seed of this step's draws. */
  seed: number;
}

/**
 * Mutates the model: one antitrain step at `site`. The core units are randomized (draws from `stats`), a normal
 * batch is forwarded, the target is random (see {@link AntitrainTarget}), and only the variables downstream of
 * the site are updated, by `optimizer` — give antitraining its own optimizer, so the training optimizer's
 * momentum and decay never act during an antitrain step. Nothing upstream of the site receives a gradient: the
 * site's activation is computed outside the gradient tape. Information that still reaches the output through the
 * spectators makes the prediction non-random, which costs loss; the step detaches it. Returns the step's loss.
 *
 * @example
 * const anti = tf.train.adam(1e-3);
 * const loss = at.antitrainStep(model, "h1", batch, split, stats, anti, { target: "uniform", seed: step });
 */
export function antitrainStep(
  model: HookedModel,
  site: string,
  batch: Dataset,
  split: Pick<CoreSplit, "core" | "method">,
  stats: UnitStats,
  optimizer: tf.Optimizer,
  options: AntitrainStepOptions,
): number {
  const info = requireSite(model, site);
  const units = info.units;
  requireData(model, batch);
  if (stats.units !== units) throw new AntitrainError(`stats have ${stats.units} units but site "${site}" has ${units}`);
  const target = options.target ?? "uniform";
  if (target !== "uniform" && target !== "random-labels") {
    throw new AntitrainError(`target must be "uniform" or "random-labels", got "${target}"`);
  }
  const rng = new Rng(options.seed);
  const downstream = model.downstreamVariables(site);
  const cut = model.split(site, batch.x);
  try {
    const act = cut.act;
    requireFinite(act, `activations of site "${site}" during antitraining`);
    const randomize = unitReplacer(act, info, split.core, stats, options.method ?? split.method, rng);
    const n = batch.x.shape[0];
    const classes = model.classes;
    const labels = target === "random-labels" ? Int32Array.from({ length: n }, () => rng.int(classes)) : null;
    const lossT = optimizer.minimize(
      () =>
        tf.tidy(() => {
          const logits = cut.resume(randomize());
          if (labels !== null) return tf.mean(crossEntropy(logits, tf.tensor1d(labels, "int32"))) as tf.Scalar;
          // Cross-entropy against the uniform distribution: −(1/C) Σ_c log p_c.
          return tf.neg(tf.mean(tf.logSoftmax(logits))) as tf.Scalar;
        }),
      true,
      downstream,
    );
    if (lossT === null) throw new Error("optimizer returned no loss");
    const loss = lossT.dataSync()[0];
    lossT.dispose();
    if (!Number.isFinite(loss)) {
      throw new AntitrainError(`antitraining loss at site "${site}" is ${loss}: lower the antitraining learning rate`);
    }
    return loss;
  } finally {
    cut.dispose();
  }
}

/**
 * Replaces `chosen` units of a site's activation `act` by draws from `stats` (made now, from `rng`, outside any
 * gradient tape); the returned function builds the replaced activation, shaped like `act`, inside the caller's
 * tidy. Shared by every step that trains with some units randomized.
 */
export function unitReplacer(
  act: tf.Tensor,
  info: SiteInfo,
  chosen: readonly number[],
  stats: UnitStats,
  method: RandomizeMethod,
  rng: Rng,
): () => tf.Tensor {
  const draws = drawReplacements(stats, method, act.size / siteFeatures(info), rng);
  const mask = expandUnitMask(chosen, info.units, info.width ?? 1);
  return () => tf.add(act, tf.mul(tf.tensor1d(mask), tf.sub(tf.tensor(draws, act.shape), act)));
}
