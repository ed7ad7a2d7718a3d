/**
 * Part 1 of the generalizing-vs-memorizing study, on the plainly trained model: each unit's importance on training and
 * on held-out data, its role (generalizing, memorizing, mixed, inert), and the causal check of four rankings of the
 * units from most to least memorizing (the randomization ranking the study calls "memorizing", two gradient rankings,
 * random units): how much of the memorized wrong labels is forgotten when each ranking's top k units are set to
 * their training means, at what cost on the clean training labels and on test data.
 */
import { rngFor } from "../../base/rng";
import { spearman } from "../../base/statistics";
import type { Dataset } from "../../data/dataset";
import { heldOutImportance } from "../../importance/heldout";
import { damage } from "../../measure/damage";
import { collectStats } from "../../measure/unit-stats";
import type { Mlp } from "../../models/mlp";
import { memorizingOrder, shares, unitGradientNorms } from "./gradient-scores";
import { MEMORIZATION_RANKINGS, type MemorizationRanking } from "./settings";

/** Accuracies with a ranking's top `k` units of h1 set to their training means, and what that cost. */
export interface RankingAblation {
  readonly ranking: MemorizationRanking;
  readonly k: number;
  /** Accuracy on the training rows whose label is wrong (reproducing them is memorization). */
  readonly noisyFit: number;
  readonly cleanFit: number;
  readonly testAcc: number;
  /** Share of the wrong labels no longer reproduced: the unablated noisyFit − noisyFit. */
  readonly forgotten: number;
  /** Clean training accuracy lost: unablated − ablated. */
  readonly cleanCost: number;
  /** Test accuracy lost: unablated − ablated. */
  readonly testCost: number;
}

/** Part 1's result for one seed. */
export interface UnitAnalysis {
  /** Units per role (randomization, training vs held-out shares). */
  readonly roles: Readonly<Record<string, number>>;
  /** Spearman agreement of training and held-out importance. */
  readonly rhoTrainHeld: number;
  /** Spearman agreement of the randomization lean and the noisy-vs-clean gradient lean (log share ratios). */
  readonly rhoRandomizationGradient: number;
  /** Each unit's share of the summed single-unit damage on the training and on the held-out data. */
  readonly trainShare: readonly number[];
  readonly heldOutShare: readonly number[];
  /** Each unit's share of the summed per-unit squared gradient norms on the wrong-label and on the clean training rows. */
  readonly gradientNoisyShare: readonly number[];
  readonly gradientCleanShare: readonly number[];
  /** Each unit's role. */
  readonly roleList: readonly string[];
  /** The unablated model's accuracies. */
  readonly none: { readonly noisyFit: number; readonly cleanFit: number; readonly testAcc: number };
  /** Every ranking at every k. */
  readonly ablations: readonly RankingAblation[];
}

/** The data part 1 measures on: the (noisy) training set, its wrong-label and clean rows, held-out and test data. */
export interface AnalysisData {
  readonly train: Dataset;
  readonly noisyPart: Dataset;
  readonly cleanPart: Dataset;
  readonly heldOut: Dataset;
  readonly test: Dataset;
}

/**
 * Each ranking's units from most to least memorizing: randomization (training-data share of the resample damage
 * against its held-out share, `lean`), gradient train vs held-out and gradient noisy vs clean (shares of
 * {@link unitGradientNorms}; the latter knows which labels are wrong, an oracle the others lack), and a random order
 * (seeded by `seed`, stream 808). Inert units are left out of the first three, as the roles do.
 */
function rankings(trainShare: ArrayLike<number>, heldOutShare: ArrayLike<number>, grad: Record<"train" | "heldOut" | "noisy" | "clean", Float64Array>, units: number, seed: number): Record<MemorizationRanking, number[]> {
  return {
    "randomization, train vs held-out": memorizingOrder(trainShare, heldOutShare),
    "gradient, train vs held-out": memorizingOrder(shares(grad.train), shares(grad.heldOut)),
    "gradient, noisy vs clean": memorizingOrder(shares(grad.noisy), shares(grad.clean)),
    random: Array.from(rngFor(seed, 808).permutation(units)),
  };
}

/**
 * Part 1 on a trained model: held-out vs training importance of `h1` (resample, loss), the roles, the four rankings
 * and, for each ranking and each k of `ablate`, the accuracies after setting its top k units to their means. Leaves
 * the model unchanged.
 *
 * @example
 * const a = analyseUnits(model, data, { seed: 0, samples: 3, ablate: [8, 16, 32] });
 * a.ablations.filter((x) => x.k === 16).map((x) => x.forgotten);
 */
export function analyseUnits(model: Mlp, data: AnalysisData, options: { seed: number; samples: number; ablate: readonly number[] }): UnitAnalysis {
  const { seed, samples, ablate } = options;
  const { train, noisyPart, cleanPart, heldOut, test } = data;
  const stats = collectStats(model, "h1", train, { seed });
  const h = heldOutImportance(model, "h1", train, heldOut, { stats, method: "resample", metric: "loss", seed, samples });
  const roles: Record<string, number> = { generalizing: 0, memorizing: 0, mixed: 0, inert: 0 };
  for (const r of h.roles) roles[r]++;
  const grad = { train: unitGradientNorms(model, train), heldOut: unitGradientNorms(model, heldOut), noisy: unitGradientNorms(model, noisyPart), clean: unitGradientNorms(model, cleanPart) };
  const units = h.roles.length;
  const order = rankings(h.trainShare, h.heldOutShare, grad, units, seed);
  const sets = MEMORIZATION_RANKINGS.flatMap((ranking) => ablate.map((k) => ({ ranking, k, units: order[ranking].slice(0, k) })));
  const acc = (d: Dataset) => damage(model, "h1", d, [[], ...sets.map((s) => s.units)], { stats, method: "mean", metric: "accuracy" }).values;
  const noisy = acc(noisyPart);
  const clean = acc(cleanPart);
  const onTest = acc(test);
  const noisyShare = shares(grad.noisy);
  const cleanShare = shares(grad.clean);
  const gradLean = Array.from({ length: units }, (_, u) => Math.log(Math.max(noisyShare[u], 1e-12) / Math.max(cleanShare[u], 1e-12)));
  return {
    roles,
    rhoTrainHeld: spearman(h.train.scores, h.heldOut.scores),
    rhoRandomizationGradient: spearman(Array.from(h.lean, (l) => -l), gradLean),
    trainShare: Array.from(h.trainShare),
    heldOutShare: Array.from(h.heldOutShare),
    gradientNoisyShare: Array.from(noisyShare),
    gradientCleanShare: Array.from(cleanShare),
    roleList: h.roles,
    none: { noisyFit: noisy[0], cleanFit: clean[0], testAcc: onTest[0] },
    ablations: sets.map((s, i) => ({
      ranking: s.ranking,
      k: s.k,
      noisyFit: noisy[i + 1],
      cleanFit: clean[i + 1],
      testAcc: onTest[i + 1],
      forgotten: noisy[0] - noisy[i + 1],
      cleanCost: clean[0] - clean[i + 1],
      testCost: onTest[0] - onTest[i + 1],
    })),
  };
}
