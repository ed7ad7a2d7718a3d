/** The measurements of one trained arm: where its concept flows, what removing the chosen units does, what it costs. */
import * as tf from "@tensorflow/tfjs";
import type { Concept } from "../../analysis/concept";
import { conceptFlow } from "../../analysis/concept-flow";
import { fitProbe } from "../../analysis/probe";
import { Rng } from "../../base/rng";
import type { Dataset } from "../../data/dataset";
import { collectStats } from "../../measure/unit-stats";
import type { HookedModel } from "../../models/types";
import { evaluate } from "../../training/train";
import { requireKnownKeys, requireSite } from "../../base/validate";

/** One arm's numbers on one split (accuracies; the probe reads the layer after the site, the output logits). */
export interface Localization {
  /** Main-task accuracy. */
  readonly mainAccuracy: number;
  /** The output probe's concept accuracy: clean, the chosen units randomized, as many other units randomized (mean of draws), the whole site randomized. */
  readonly probeClean: number;
  readonly probeChosen: number;
  readonly probeOthers: number;
  readonly probeAll: number;
  /** Accuracy of always guessing the commoner concept value. */
  readonly chance: number;
  /** Share of the concept's damage the chosen units carry: (clean − chosen) / (clean − all), 0 when the site carries none. */
  readonly share: number;
  /** Removal (the chosen units ablated to their mean): the probe's concept accuracy, and the main accuracy. */
  readonly removedConcept: number;
  readonly removedMain: number;
  /** The rest of the task: accuracy among the classes that share the true concept value, clean and with the chosen units ablated. */
  readonly restClean: number;
  readonly restRemoved: number;
}

/**
 * Measures `model` at `options.site` on `data` (test or validation) with a fresh output probe fitted on `train`: the concept
 * flows (`conceptFlow`, units resampled, common random numbers), `draws` equal-size random subsets of the other
 * units, and the removal of the chosen units (held at their mean). Leaves the model unchanged.
 *
 * @example
 * const m = measureLocalization(model, train, test, parity, [0, 1, 2, 3], { site: "h1", draws: 3, seed: 0 });   // m.probeChosen
 */
export function measureLocalization(
  model: HookedModel,
  train: Dataset,
  data: Dataset,
  c: Concept,
  chosen: readonly number[],
  options: { site: string; draws: number; seed: number },
): Localization {
  requireKnownKeys(options, ["site", "draws", "seed"], "measureLocalization");
  const site = options.site;
  const units = requireSite(model, site).units;
  const stats = collectStats(model, site, train, { seed: options.seed });
  const probe = fitProbe(model, train, c);
  const flow = conceptFlow(model, site, data, probe, chosen, { stats, seed: 1 });
  const others = Array.from({ length: units }, (_, u) => u).filter((u) => !chosen.includes(u));
  const rng = new Rng(options.seed + 31);
  let sum = 0;
  for (let d = 0; d < options.draws; d++) {
    const order = rng.permutation(others.length);
    const subset = Array.from(order.subarray(0, Math.min(chosen.length, others.length)), (i) => others[i]);
    sum += conceptFlow(model, site, data, probe, subset, { stats, seed: 1 }).chosen;
  }
  const removed = conceptFlow(model, site, data, probe, chosen, { stats, method: "mean", seed: 1 });
  const hook = { [site]: meanHook(stats.mean, chosen, units) };
  const span = flow.clean - flow.all;
  return {
    mainAccuracy: evaluate(model, data).accuracy,
    probeClean: flow.clean,
    probeChosen: flow.chosen,
    probeOthers: sum / options.draws,
    probeAll: flow.all,
    chance: flow.chance,
    share: span > 1e-9 ? (flow.clean - flow.chosen) / span : 0,
    removedConcept: removed.chosen,
    removedMain: evaluate(model, data, hook).accuracy,
    restClean: restAccuracy(model, data, c, {}),
    restRemoved: restAccuracy(model, data, c, hook),
  };
}

/** A hook holding the chosen units at their mean (at every position of a sequence site). */
function meanHook(mean: Float32Array, chosen: readonly number[], units: number): (a: tf.Tensor) => tf.Tensor {
  const keep = new Float32Array(units).fill(1);
  const fill = new Float32Array(units);
  for (const u of chosen) {
    keep[u] = 0;
    fill[u] = mean[u];
  }
  return (a) => tf.tidy(() => tf.add(tf.mul(a, tf.tensor1d(keep)), tf.tensor1d(fill)));
}

/**
 * The part of the task that is not the concept: accuracy when the prediction is the best class among those whose
 * concept value is the true one (for parity: which of the five even, or odd, digits).
 *
 * @example
 * restAccuracy(model, test, parity, {});   // 1 when the model knows the digit given its parity
 */
export function restAccuracy(model: HookedModel, data: Dataset, c: Concept, hooks: Record<string, (a: tf.Tensor) => tf.Tensor>): number {
  const logits = tf.tidy(() => model.forward(data.x, hooks));
  try {
    const l = logits.dataSync();
    const y = data.y.dataSync();
    const classes = logits.shape[1];
    let right = 0;
    for (let i = 0; i < y.length; i++) {
      let best = -1;
      for (let k = 0; k < classes; k++) if (c.of[k] === c.of[y[i]] && (best < 0 || l[i * classes + k] > l[i * classes + best])) best = k;
      if (best === y[i]) right++;
    }
    return right / y.length;
  } finally {
    logits.dispose();
  }
}
