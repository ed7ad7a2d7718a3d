/**
 * Part 1 of the randomization study: a ground truth on a small layer. A 64→T→10 MLP is trained on digits, three
 * units of known content are planted in h1 (see planted.ts; T + 3 ≤ 12 units), and every coalition of its units is
 * randomized, so each unit's exact Shapley value of the test cross-entropy damage is known:
 * - under a fixed reference, interventional Shapley (the randomized units take their values jointly from another
 *   example: causal scrubbing's resample ablation, Chan et al. 2022; SHAP's interventional baseline), averaged over
 *   many draws;
 * - under each randomization method's own value function.
 * Each method's single-unit damage ranking (the library's importance, as every study uses it) is then scored against
 * them: Spearman with the reference Shapley values (loss and accuracy) and with its own, top-k overlap, and whether
 * it ranks the planted no-content units below the trained units that carry content.
 */
import { spearman } from "../../base/statistics";
import type { Dataset } from "../../data/dataset";
import { importance } from "../../importance/importance";
import { damage } from "../../measure/damage";
import type { Metric } from "../../measure/metrics";
import type { RandomizeMethod } from "../../measure/randomize";
import { type UnitStats, collectStats } from "../../measure/unit-stats";
import type { Mlp } from "../../models/mlp";
import { mlp } from "../../models/mlp";
import { train } from "../../training/train";
import { type UnitKind, plantUnits } from "./planted";
import { coalitions, exactShapley, topKOverlap } from "./shapley";
import type { RandomizationSettings } from "./settings";

/** One method's single-unit ranking scored against the ground truth, on one seed. */
export interface MethodScore {
  readonly method: RandomizeMethod;
  /** Single-unit loss damage per unit (the library's importance; `samples` draws). */
  readonly single: readonly number[];
  /** Exact Shapley value of each unit under the method's own value function (loss). */
  readonly ownShapley: readonly number[];
  /** Spearman of `single` with the reference Shapley values (loss). The headline. */
  readonly rhoReference: number;
  /** Spearman of `single` with the reference Shapley values of the accuracy damage. */
  readonly rhoReferenceAccuracy: number;
  /** Spearman of `single` with the method's own Shapley values. */
  readonly rhoOwn: number;
  /** Spearman of the method's own Shapley values with the reference ones (the value functions' agreement). */
  readonly rhoOwnVsReference: number;
  /** Share of the reference's top k units among the ranking's top k. */
  readonly topK: number;
  /**
   * Planted recovery: over the two no-content planted units (constant, silent), the share of the trained units with
   * positive reference Shapley value whose single damage is strictly above the planted unit's (1: ranked right).
   */
  readonly planted: number;
  /** The constant unit's single damage, and the copy's single damage over its original's (1 when alike). */
  readonly constantDamage: number;
  readonly copyRatio: number;
}

/** Part 1 of one seed. */
export interface GroundTruthSeed {
  /** Units of the planted layer and what each is. */
  readonly kinds: readonly UnitKind[];
  /** The trained unit the copy duplicates. */
  readonly original: number;
  /** Test accuracy and cross-entropy of the small model (planting changes neither, to float rounding). */
  readonly testAcc: number;
  readonly testLoss: number;
  /** Reference (interventional, joint resample) Shapley values of the loss and of the accuracy damage. */
  readonly reference: readonly number[];
  readonly referenceAccuracy: readonly number[];
  /** Damage of randomizing the whole layer, reference (= the sum of `reference`: efficiency). */
  readonly referenceAll: number;
  readonly methods: readonly MethodScore[];
}

/** The value function v(S) (S as bitmask, v(∅) = 0) of randomizing coalitions of h1 on `test`. */
function game(model: Mlp, test: Dataset, stats: UnitStats, options: { method: RandomizeMethod; metric: Metric; samples: number; seed: number; coupled?: boolean }): Float64Array {
  const n = stats.units;
  // One path for every coalition (the stacked-copies one), so a null unit changes v by exactly nothing.
  const d = damage(model, "h1", test, coalitions(n), { stats, path: "batched", ...options });
  const v = new Float64Array(1 << n);
  v.set(d.damage, 1);
  return v;
}

function plantedRecovery(single: readonly number[], kinds: readonly UnitKind[], reference: readonly number[]): number {
  const carriers = kinds.flatMap((k, u) => (k === "trained" && reference[u] > 0 ? [u] : []));
  const nulls = kinds.flatMap((k, u) => (k === "constant" || k === "silent" ? [u] : []));
  if (carriers.length === 0) return Number.NaN;
  const score = (p: number) => carriers.filter((u) => single[u] > single[p]).length / carriers.length;
  return nulls.reduce((a, p) => a + score(p), 0) / nulls.length;
}

/**
 * Part 1 of one seed: train the small model, plant, enumerate, score every method of `s.methods`.
 *
 * @example
 * const gt = groundTruth(randomizationSettings("tiny"), 0);
 * gt.methods.map((m) => m.rhoReference);
 */
export function groundTruth(s: RandomizationSettings, trainData: Dataset, test: Dataset, seed: number): GroundTruthSeed {
  const small = mlp({ inputs: 64, hidden: [s.smallTrained], classes: 10, seed: seed + 5000 });
  let planted: ReturnType<typeof plantUnits> | undefined;
  try {
    train(small, trainData, { steps: s.smallSteps, learningRate: s.smallLearningRate, seed: seed + 5000 });
    planted = plantUnits(small, trainData, seed);
    const { model, kinds, original } = planted;
    const stats = collectStats(model, "h1", trainData, { seed });
    const ev = damage(model, "h1", test, [[0]], { stats, metric: "loss", seed });
    const acc = damage(model, "h1", test, [[0]], { stats, metric: "accuracy", seed });
    const ref = { method: "resample" as const, coupled: true, samples: s.referenceSamples, seed: seed + 101 };
    const vRef = game(model, test, stats, { ...ref, metric: "loss" });
    const reference = exactShapley(vRef, kinds.length);
    const referenceAccuracy = exactShapley(game(model, test, stats, { ...ref, metric: "accuracy" }), kinds.length);
    const methods = s.methods.map((method): MethodScore => {
      const single = Array.from(importance(model, "h1", test, { stats, method, metric: "loss", seed: seed + 202, samples: s.samples }).scores);
      const random = method === "gaussian" || method === "resample";
      const ownShapley = exactShapley(game(model, test, stats, { method, metric: "loss", samples: random ? s.shapleySamples : 1, seed: seed + 303 }), kinds.length);
      const c = kinds.indexOf("copy");
      return {
        method,
        single,
        ownShapley,
        rhoReference: spearman(single, reference),
        rhoReferenceAccuracy: spearman(single, referenceAccuracy),
        rhoOwn: spearman(single, ownShapley),
        rhoOwnVsReference: spearman(ownShapley, reference),
        topK: topKOverlap(single, reference, s.topK),
        planted: plantedRecovery(single, kinds, reference),
        constantDamage: single[kinds.indexOf("constant")],
        copyRatio: single[original] === 0 ? Number.NaN : single[c] / single[original],
      };
    });
    return { kinds, original, testAcc: acc.clean, testLoss: ev.clean, reference, referenceAccuracy, referenceAll: vRef[vRef.length - 1], methods };
  } finally {
    planted?.model.dispose();
    small.dispose();
  }
}
