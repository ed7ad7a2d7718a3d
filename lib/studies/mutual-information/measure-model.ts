/**
 * What the mutual-information study measures on one model: every pair of h1's units on cross-entropy and on accuracy
 * (`redundancy`: interaction = joint − single_a − single_b, the library's pairwise measure), the exact Shapley
 * interaction index of every pair on cross-entropy (the reference, {@link exactInteractions}) and how well the two
 * agree, and the group question on accuracy (`groupDamage`).
 */
import { groupDamage, redundancy, summarizeInteractions } from "../../analysis/redundancy";
import { spearman } from "../../base/statistics";
import type { Dataset } from "../../data/dataset";
import { collectStats } from "../../measure/unit-stats";
import type { Mlp } from "../../models/mlp";
import { evaluate } from "../../training/train";
import { exactInteractions } from "./exact-interaction";

/** One model's measurements (the shape of results/11-mutual-information.json's `perSeed[].measured[model]`, plus its matrix). */
export interface ModelMeasures {
  readonly accuracy: number;
  /** Test cross-entropy (the cost beside the redundancy). */
  readonly testLoss: number;
  /** The exact reference on loss: every unit's Shapley value and the pair indices `[HIDDEN × HIDDEN]` row-major. */
  readonly exactShapley: readonly number[];
  readonly exactMatrix: readonly number[];
  /** Mean pair interaction index, and it per unit of mean Shapley value (= whole-layer damage / HIDDEN): the headline. */
  readonly exactMean: number;
  readonly exactRatio: number;
  /** Share of pairs with a positive (redundant, on the damage game) index. */
  readonly exactPositive: number;
  /** The library's pairwise measure against the exact index over pairs: Spearman, and the share of pairs of equal sign. */
  readonly agreeSpearman: number;
  readonly agreeSign: number;
  /** Each unit's single damage on loss, and the pair interactions `[HIDDEN × HIDDEN]` row-major. */
  readonly lossSingles: readonly number[];
  readonly lossMatrix: readonly number[];
  readonly lossMeanSingle: number;
  readonly lossMean: number;
  /** Mean interaction per unit of mean single damage (loss). */
  readonly lossRatio: number;
  readonly lossPositive: number;
  /** (layer damage − Σ singles) / layer damage, on loss. */
  readonly lossExcess: number;
  readonly accMean: number;
  readonly accPositive: number;
  readonly accNegative: number;
  readonly accExcess: number;
  /** Sub-group sizes of the group question, each one's damage as a share of the whole layer's, and that damage. */
  readonly groupSizes: readonly number[];
  readonly groupShare: readonly number[];
  readonly groupFull: number;
}

/** The arithmetic mean of a list. */
export function mean(v: ArrayLike<number>): number {
  return Array.from(v).reduce((a, b) => a + b, 0) / v.length;
}

/**
 * The group question's sub-group sizes for a layer of `units`: 1, 2, 4, 8, 16, 24 and 31 of 32 scaled to the layer,
 * each at least 1 and at most units − 1, duplicates dropped.
 *
 * @example
 * groupSizes(32);   // [1, 2, 4, 8, 16, 24, 31]
 * groupSizes(8);    // [1, 2, 4, 6, 7]
 */
export function groupSizes(units: number): number[] {
  return [...new Set([1, 2, 4, 8, 16, 24, 31].map((s) => Math.min(units - 1, Math.max(1, Math.round((s * units) / 32)))))];
}

/**
 * Every measurement of one model on `test`, with unit statistics from `train` and `samples` resampling draws: pair
 * interactions on loss and on accuracy, their summaries, the exact Shapley interaction indices on loss and their
 * agreement with the pairwise measure, and the group curve on accuracy. Leaves the model unchanged.
 *
 * @example
 * const m = measureModel(model, train, test, { seed: 0, samples: 4, subsets: 8 });
 * m.lossRatio;   // mean interaction per unit of single damage
 */
export function measureModel(model: Mlp, train: Dataset, test: Dataset, options: { seed: number; samples: number; subsets: number }): ModelMeasures {
  const { seed, samples, subsets } = options;
  const stats = collectStats(model, "h1", train, { seed });
  const common = { stats, samples, seed };
  const loss = redundancy(model, "h1", test, { ...common, metric: "loss" });
  const exact = exactInteractions(model, "h1", test, { ...common, metric: "loss" });
  const acc = redundancy(model, "h1", test, { ...common, metric: "accuracy" });
  const n = model.sites()[0].units;
  const all = Array.from({ length: n }, (_, u) => u);
  const group = groupDamage(model, "h1", test, all, { ...common, metric: "accuracy", sizes: groupSizes(n), subsets });
  const sl = summarizeInteractions(loss);
  const sa = summarizeInteractions(acc);
  const pairIndex = loss.pairs.map((p) => exact.matrix[p.a * n + p.b]);
  const pairLibrary = loss.pairs.map((p) => p.interaction);
  const exactMean = mean(pairIndex);
  const onTest = evaluate(model, test);
  return {
    accuracy: onTest.accuracy,
    testLoss: onTest.loss,
    exactShapley: Array.from(exact.shapley),
    exactMatrix: Array.from(exact.matrix),
    exactMean,
    exactRatio: exactMean / mean(exact.shapley),
    exactPositive: pairIndex.filter((x) => x > 0).length / pairIndex.length,
    agreeSpearman: spearman(pairLibrary, pairIndex),
    agreeSign: pairIndex.filter((x, i) => Math.sign(x) === Math.sign(pairLibrary[i])).length / pairIndex.length,
    lossSingles: Array.from(loss.singles),
    lossMatrix: Array.from(loss.matrix),
    lossMeanSingle: mean(loss.singles),
    lossMean: sl.mean,
    lossRatio: sl.mean / mean(loss.singles),
    lossPositive: sl.positiveShare,
    lossExcess: sl.groupExcess,
    accMean: sa.mean,
    accPositive: sa.positiveShare,
    accNegative: sa.negativeShare,
    accExcess: sa.groupExcess,
    groupSizes: group.sizes,
    groupShare: Array.from(group.share),
    groupFull: group.full,
  };
}
