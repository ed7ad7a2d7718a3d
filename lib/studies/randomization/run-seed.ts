/**
 * One seed of the randomization study. Part 1 (ground-truth.ts): a small layer with planted units, each method's
 * single-unit ranking scored against exact Shapley values. Part 2: a wider pretrained model's unit importances under every randomization
 * method, compared by Spearman rank correlation (and each random method against itself under other draws: the noise
 * ceiling), and each method's 95% core. Part 2: from the same pretrained weights, plain continued training and one
 * antitrained branch per method, each measured by its own method and by the resample yardstick.
 */
import { Antitrainer } from "../../antitrain/antitrainer";
import { interleaved } from "../../antitrain/schedule";
import { spearman } from "../../base/statistics";
import { type CoreSplit, findCore, splitDamage } from "../../core/find-core";
import type { Dataset } from "../../data/dataset";
import { type Importance, importance } from "../../importance/importance";
import type { RandomizeMethod } from "../../measure/randomize";
import { collectStats } from "../../measure/unit-stats";
import { type Mlp, mlp } from "../../models/mlp";
import { evaluate, train } from "../../training/train";
import { studyData } from "../data";
import { type GroundTruthSeed, groundTruth } from "./ground-truth";
import type { RandomizationSettings } from "./settings";

/** Spearman agreement of two methods' unit importances (`b` may be "<method> (other draws)"). */
export interface Agreement {
  readonly a: string;
  readonly b: string;
  readonly rho: number;
}

/** One branch of part 2: plain continued training, or antitraining with one method. */
export interface Branch {
  /** "plain" or the antitrainer's randomization method. */
  readonly variant: string;
  readonly testAcc: number;
  readonly testLoss: number;
  /** 95% core (accuracy, test data) measured with the branch's own method (resample for plain). */
  readonly core95Own: number;
  /** 95% core measured with the resample yardstick. */
  readonly core95Resample: number;
  /** The spectators' share of the accuracy damage, resample yardstick. */
  readonly spectatorShare: number;
  /** Wall seconds of the branch. */
  readonly seconds: number;
}

/** One seed's result (the per-seed shape of results/07-randomization.json). */
export interface RandomizationSeed {
  readonly seed: number;
  /** Part 1: the small layer's ground truth and each method's ranking scored against it. */
  readonly groundTruth: GroundTruthSeed;
  /** Every pair of methods, then a second draw of gaussian and of resample. */
  readonly agreements: readonly Agreement[];
  /** 95% core of the pretrained model under each method. */
  readonly coreByMethod: Readonly<Record<string, number>>;
  /** "plain", then one branch per method. */
  readonly branches: readonly Branch[];
}

/** A model's 95% core measurement under one method. */
export interface Core95 {
  readonly imp: Importance;
  readonly split: CoreSplit;
  readonly spectatorShare: number;
}

/**
 * The 95% core of `h1` (accuracy damage on `test`, units ranked by loss importance) with stats from `trainData`,
 * all under `method`, and the spectators' share of the damage.
 *
 * @example
 * const { split, spectatorShare } = core95(model, "resample", train, test, { seed: 0, samples: 3 });
 */
export function core95(model: Mlp, method: RandomizeMethod, trainData: Dataset, test: Dataset, options: { seed: number; samples: number }): Core95 {
  const { seed, samples } = options;
  const stats = collectStats(model, "h1", trainData, { seed });
  const imp = importance(model, "h1", test, { stats, method, metric: "loss", seed, samples });
  const split = findCore(model, "h1", test, { stats, importance: imp, method, metric: "accuracy", fraction: 0.95, seed, samples });
  const d = splitDamage(model, "h1", test, split, { stats, method, metric: "accuracy", seed, samples });
  return { imp, split, spectatorShare: d.spectatorShare };
}

/** Part 1 on the pretrained model: every pair of methods, a second draw of each random method, and cores. */
function compareMethods(base: Mlp, s: RandomizationSettings, trainData: Dataset, test: Dataset, seed: number): Pick<RandomizationSeed, "agreements" | "coreByMethod"> {
  const methods = s.methods;
  const measured = methods.map((m) => ({ method: m, ...core95(base, m, trainData, test, { seed, samples: s.samples }) }));
  const agreements: Agreement[] = [];
  for (let i = 0; i < methods.length; i++) {
    for (let j = i + 1; j < methods.length; j++) {
      agreements.push({ a: methods[i], b: methods[j], rho: spearman(measured[i].imp.scores, measured[j].imp.scores) });
    }
  }
  const stats = collectStats(base, "h1", trainData, { seed });
  for (const m of ["gaussian", "resample"] as RandomizeMethod[]) {
    const again = importance(base, "h1", test, { stats, method: m, metric: "loss", seed: seed + 777, samples: s.samples });
    agreements.push({ a: m, b: `${m} (other draws)`, rho: spearman(measured[methods.indexOf(m)].imp.scores, again.scores) });
  }
  const coreByMethod: Record<string, number> = {};
  for (const m of measured) coreByMethod[m.method] = m.split.core.length;
  return { agreements, coreByMethod };
}

/** Part 2: one branch continued from the pretrained weights, plainly or with an antitrainer using `variant`. */
function runBranch(base: Mlp, variant: string, s: RandomizationSettings, trainData: Dataset, test: Dataset, seed: number): Branch {
  const t = Date.now();
  const model = base.clone();
  let anti: Antitrainer | undefined;
  try {
    if (variant !== "plain") {
      const method = variant as RandomizeMethod;
      anti = new Antitrainer(model, ["h1"], { schedule: interleaved(1, { cycle: s.cycle }), fraction: s.fraction, method, data: trainData, seed });
    }
    const a = anti;
    train(model, trainData, { steps: s.more, learningRate: s.learningRate, seed: seed + 1, onStep: (_s, b) => { a?.afterStep(b); } });
    const ev = evaluate(model, test);
    const options = { seed, samples: s.samples };
    const own = variant === "plain" ? core95(model, "resample", trainData, test, options) : core95(model, variant as RandomizeMethod, trainData, test, options);
    const yardstick = variant === "resample" || variant === "plain" ? own : core95(model, "resample", trainData, test, options);
    return {
      variant,
      testAcc: ev.accuracy,
      testLoss: ev.loss,
      core95Own: own.split.core.length,
      core95Resample: yardstick.split.core.length,
      spectatorShare: yardstick.spectatorShare,
      seconds: (Date.now() - t) / 1000,
    };
  } finally {
    anti?.dispose();
    model.dispose();
  }
}

/**
 * One seed of the randomization study: the ground truth on the small planted layer (part 1), then pretrain a
 * 64→hidden→10 MLP, compare the methods' importances and cores, and continue it plainly and with an antitrainer per
 * method (part 2).
 *
 * @example
 * const r = runRandomizationSeed(randomizationSettings("tiny"), 0);
 * r.branches.map((b) => b.core95Resample);
 */
export function runRandomizationSeed(s: RandomizationSettings, seed: number): RandomizationSeed {
  const { train: trainData, test } = studyData(s.data);
  const base = mlp({ inputs: 64, hidden: [s.hidden], classes: 10, seed });
  try {
    train(base, trainData, { steps: s.pretrain, learningRate: s.learningRate, seed });
    const truth = groundTruth(s, trainData, test, seed);
    const { agreements, coreByMethod } = compareMethods(base, s, trainData, test, seed);
    const branches = ["plain", ...s.methods].map((variant) => runBranch(base, variant, s, trainData, test, seed));
    return { seed, groundTruth: truth, agreements, coreByMethod, branches };
  } finally {
    base.dispose();
  }
}
