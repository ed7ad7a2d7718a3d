/**
 * One seed of the mutual-information study: five models of a 64→HIDDEN→10 MLP, each with 2·STEPS training steps in
 * all (before: STEPS plain steps; plain and antitrained: before + STEPS more, without and with an antitrainer on h1;
 * dropout and L2: fresh, 2·STEPS steps with the regularizer), each measured ({@link measureModel}), and the tying
 * check on the plain model ({@link tyingCheck}).
 */
import { Antitrainer } from "../../antitrain/antitrainer";
import { interleaved } from "../../antitrain/schedule";
import { type Mlp, mlp } from "../../models/mlp";
import { dropoutHooks } from "../../training/regularize";
import { type TrainOptions, train } from "../../training/train";
import { studyData } from "../data";
import { type ModelMeasures, measureModel } from "./measure-model";
import type { MutualInformationSettings } from "./settings";
import { type TyingCheck, tyingCheck } from "./tying";

/** The five models, in table order. */
export const MUTUAL_INFORMATION_MODELS = ["before", "plain", "antitrained", "dropout", "L2"] as const;
export type MutualInformationModel = (typeof MUTUAL_INFORMATION_MODELS)[number];

/** One seed's result: the antitrained core's size, every model's measurements, the tying check. */
export interface MutualInformationSeed {
  readonly seed: number;
  /** The antitrained model's last core of h1 (NaN, stored as null, if it was never measured). */
  readonly coreSize: number;
  readonly measured: Readonly<Record<MutualInformationModel, ModelMeasures>>;
  readonly tying: TyingCheck;
}

/**
 * One seed: trains the five models (the same initialization seed for all), measures each, and runs the tying check.
 *
 * @example
 * const r = runMutualInformationSeed(mutualInformationSettings("tiny"), 0);
 * r.measured.antitrained.lossRatio;
 */
export function runMutualInformationSeed(s: MutualInformationSettings, seed: number): MutualInformationSeed {
  const { train: trainData, test } = studyData(s.data);
  const fit = (m: Mlp, steps: number, extra: Partial<TrainOptions> = {}) => train(m, trainData, { steps, learningRate: s.LEARNING_RATE, seed, ...extra });
  const fresh = () => mlp({ inputs: 64, hidden: [s.HIDDEN], classes: 10, seed });
  const models: Partial<Record<MutualInformationModel, Mlp>> = {};
  try {
    const before = fresh();
    models.before = before;
    fit(before, s.STEPS);
    const plain = before.clone();
    models.plain = plain;
    fit(plain, s.STEPS, { seed: seed + 1000 });
    const anti = before.clone();
    models.antitrained = anti;
    const antitrainer = new Antitrainer(anti, ["h1"], { schedule: interleaved(1, { cycle: s.CYCLE }), fraction: s.FRACTION, data: trainData, seed });
    let coreSize: number;
    try {
      fit(anti, s.STEPS, { seed: seed + 1000, onStep: (_s, batch) => antitrainer.afterStep(batch) });
      coreSize = antitrainer.splits.get("h1")?.core.length ?? Number.NaN;
    } finally {
      antitrainer.dispose();
    }
    const dropout = fresh();
    models.dropout = dropout;
    fit(dropout, 2 * s.STEPS, { hooks: dropoutHooks(dropout, ["h1"], s.DROPOUT, seed) });
    const l2 = fresh();
    models.L2 = l2;
    fit(l2, 2 * s.STEPS, { l2: s.L2 });
    const options = { seed, samples: s.SAMPLES, subsets: s.SUBSETS };
    const measured = Object.fromEntries(MUTUAL_INFORMATION_MODELS.map((name) => [name, measureModel(models[name] as Mlp, trainData, test, options)]));
    const tying = tyingCheck(plain, trainData, test, { seed, samples: s.SAMPLES, planted: s.PLANTED });
    return { seed, coreSize, measured: measured as Record<MutualInformationModel, ModelMeasures>, tying };
  } finally {
    for (const m of Object.values(models)) m.dispose();
  }
}
