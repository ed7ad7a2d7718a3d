/**
 * Part 1 of the generalizing-vs-memorizing study, on the plainly trained model: each unit's importance on training and
 * on held-out data, its role (generalizing, memorizing, mixed, inert), and the causal check: setting the units that
 * lean most to each side to their means, against as many random units.
 */
import { rngFor } from "../../base/rng";
import { spearman } from "../../base/statistics";
import type { Dataset } from "../../data/dataset";
import { heldOutImportance } from "../../importance/heldout";
import { damage } from "../../measure/damage";
import { collectStats } from "../../measure/unit-stats";
import type { Mlp } from "../../models/mlp";

/** Accuracies with a set of units of h1 set to their training means. */
export interface Ablation {
  /** "none", "most memorizing", "most generalizing" or "random". */
  readonly kind: string;
  /** Accuracy on the training rows whose label is wrong (reproducing them is memorization). */
  readonly trainNoisyAcc: number;
  readonly trainCleanAcc: number;
  readonly testAcc: number;
}

/** Part 1's result for one seed. */
export interface UnitAnalysis {
  /** Units per role. */
  readonly roles: Readonly<Record<string, number>>;
  /** Spearman agreement of training and held-out importance. */
  readonly rhoTrainHeld: number;
  /** Each unit's share of the summed single-unit damage on the training and on the held-out data. */
  readonly trainShare: readonly number[];
  readonly heldOutShare: readonly number[];
  /** Each unit's role. */
  readonly roleList: readonly string[];
  /** "none", then the three ablated sets. */
  readonly ablations: readonly Ablation[];
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
 * Part 1 on a trained model: held-out vs training importance of `h1` (resample, loss), the roles, and the accuracies
 * after setting to their means the `ablate` live units leaning most to memorizing, most to generalizing, and `ablate`
 * random units (seeded by `seed`, stream 808). Leaves the model unchanged.
 *
 * @example
 * const a = analyseUnits(model, data, { seed: 0, samples: 3, ablate: 16 });
 * a.roles.memorizing;
 */
export function analyseUnits(model: Mlp, data: AnalysisData, options: { seed: number; samples: number; ablate: number }): UnitAnalysis {
  const { seed, samples, ablate } = options;
  const { train, noisyPart, cleanPart, heldOut, test } = data;
  const stats = collectStats(model, "h1", train, { seed });
  const h = heldOutImportance(model, "h1", train, heldOut, { stats, method: "resample", metric: "loss", seed, samples });
  const roles: Record<string, number> = { generalizing: 0, memorizing: 0, mixed: 0, inert: 0 };
  for (const r of h.roles) roles[r]++;
  const byLean = Array.from(h.lean, (_, u) => u).sort((a, b) => h.lean[a] - h.lean[b]);
  const live = byLean.filter((u) => h.roles[u] !== "inert");
  const rng = rngFor(seed, 808);
  const sets: Record<string, number[]> = {
    "most memorizing": live.slice(0, ablate),
    "most generalizing": live.slice(-ablate),
    random: Array.from(rng.permutation(h.roles.length).subarray(0, ablate)),
  };
  const acc = (d: Dataset, units: number[]) => damage(model, "h1", d, [[], units], { stats, method: "mean", metric: "accuracy" }).values;
  const ablations: Ablation[] = [{ kind: "none", trainNoisyAcc: acc(noisyPart, [])[0], trainCleanAcc: acc(cleanPart, [])[0], testAcc: acc(test, [])[0] }];
  for (const [kind, units] of Object.entries(sets)) {
    ablations.push({ kind, trainNoisyAcc: acc(noisyPart, units)[1], trainCleanAcc: acc(cleanPart, units)[1], testAcc: acc(test, units)[1] });
  }
  return {
    roles,
    rhoTrainHeld: spearman(h.train.scores, h.heldOut.scores),
    trainShare: Array.from(h.trainShare),
    heldOutShare: Array.from(h.heldOutShare),
    roleList: h.roles,
    ablations,
  };
}
