/**
 * The known answer of the mutual-information study: the plain model's PLANTED most informative units of h1 duplicated
 * (`plantDuplicates`: the same function, each duplicated unit's information now in two units at half amplitude), and
 * whether the exact Shapley interaction index and the library's pairwise measure find each copy's original.
 */
import { plantDuplicates } from "../../analysis/plant";
import { redundancy } from "../../analysis/redundancy";
import { spearman } from "../../base/statistics";
import type { Dataset } from "../../data/dataset";
import { importance, ranked } from "../../importance/importance";
import { collectStats } from "../../measure/unit-stats";
import type { Mlp } from "../../models/mlp";
import { exactInteractions } from "./exact-interaction";
import { mean } from "./measure-model";

/** How one pairwise score ranks the planted pairs among every pair of the planted layer. */
export interface PlantedFinding {
  /** Each planted pair's rank among all pairs, highest score first (1 = the most redundant pair). */
  readonly ranks: readonly number[];
  /** Share of planted pairs ranked within the top PLANTED. */
  readonly precision: number;
  /** Share of planted copies whose highest-scoring partner is their original. */
  readonly partnerAccuracy: number;
  /** Mean score of the planted pairs, and of every other pair. */
  readonly planted: number;
  readonly other: number;
}

/** The planted check of one seed. */
export interface PlantedCheck {
  /** The duplicated units (the plain model's most informative on loss). */
  readonly units: readonly number[];
  readonly exact: PlantedFinding;
  readonly library: PlantedFinding;
  /** Spearman of the library's measure against the exact index over every pair of the planted layer. */
  readonly spearman: number;
}

/**
 * How a pair score `score(a, b)` over a layer of `width` units ranks the planted pairs (original `originals[i]`,
 * copy `first + i`).
 *
 * @example
 * plantedFinding(12, [3, 7], 10, (a, b) => matrix[a * 12 + b]);
 */
export function plantedFinding(width: number, originals: readonly number[], first: number, score: (a: number, b: number) => number): PlantedFinding {
  const pairs: { a: number; b: number; v: number }[] = [];
  for (let a = 0; a < width; a++) for (let b = a + 1; b < width; b++) pairs.push({ a, b, v: score(a, b) });
  const order = [...pairs].sort((x, y) => y.v - x.v);
  const isPlanted = (p: { a: number; b: number }) => originals.some((u, i) => p.a === u && p.b === first + i);
  const ranks = originals.map((u, i) => order.findIndex((p) => p.a === u && p.b === first + i) + 1);
  const hits = originals.filter((u, i) => {
    const best = order.find((p) => p.a === first + i || p.b === first + i);
    return best !== undefined && (best.a === u || best.b === u);
  }).length;
  return {
    ranks,
    precision: ranks.filter((r) => r <= originals.length).length / originals.length,
    partnerAccuracy: hits / originals.length,
    planted: mean(pairs.filter(isPlanted).map((p) => p.v)),
    other: mean(pairs.filter((p) => !isPlanted(p)).map((p) => p.v)),
  };
}

/**
 * The planted check on a trained model: duplicates its `planted` most informative units of h1 (loss importance),
 * then ranks every pair of the wider layer by the exact Shapley interaction index and by the library's pairwise
 * measure, both on loss. Leaves the model unchanged.
 *
 * @example
 * const p = plantedCheck(plain, train, test, { seed: 0, samples: 4, planted: 2 });
 * p.exact.partnerAccuracy;   // 1: each copy's most redundant partner is its original
 */
export function plantedCheck(model: Mlp, train: Dataset, test: Dataset, options: { seed: number; samples: number; planted: number }): PlantedCheck {
  const { seed, samples, planted: count } = options;
  const hidden = model.sites()[0].units;
  const stats = collectStats(model, "h1", train, { seed });
  const top = ranked(importance(model, "h1", test, { stats, metric: "loss", samples, seed })).slice(0, count);
  const planted = plantDuplicates(model, "h1", top);
  try {
    const width = hidden + count;
    const pstats = collectStats(planted, "h1", train, { seed });
    const common = { stats: pstats, metric: "loss" as const, samples, seed };
    const exact = exactInteractions(planted, "h1", test, common);
    const lib = redundancy(planted, "h1", test, common);
    const libScore = (a: number, b: number) => lib.matrix[a * width + b];
    const exactScore = (a: number, b: number) => exact.matrix[a * width + b];
    return {
      units: top,
      exact: plantedFinding(width, top, hidden, exactScore),
      library: plantedFinding(width, top, hidden, libScore),
      spearman: spearman(lib.pairs.map((p) => p.interaction), lib.pairs.map((p) => exactScore(p.a, p.b))),
    };
  } finally {
    planted.dispose();
  }
}
