/**
 * The mutual-information study's protocol: `tuneMutualInformation` trains every arm at every configuration on a
 * tuning seed and scores it on the validation split; `chooseMutualInformation` keeps each arm's configuration with
 * the lowest mean validation loss; `runMutualInformationSeed` trains the four chosen arms on a study seed (the same
 * initialization and batch order, the same number of updates) and measures each on the test split
 * ({@link measureModel}), plus the planted check and the tying check on the plain model.
 */
import { evaluate } from "../../training/train";
import { studyData } from "../data";
import { type ModelMeasures, measureModel } from "./measure-model";
import { type PlantedCheck, plantedCheck } from "./planted";
import { MUTUAL_INFORMATION_MODELS, type MutualInformationModel, type MutualInformationSettings } from "./settings";
import { trainArm } from "./train-arm";
import { type TyingCheck, tyingCheck } from "./tying";

export { MUTUAL_INFORMATION_MODELS, type MutualInformationModel } from "./settings";

/** One configuration of one arm on one tuning seed, scored on the validation split. */
export interface MutualInformationTuneRow {
  readonly seed: number;
  readonly arm: MutualInformationModel;
  readonly knob: number;
  readonly valLoss: number;
  readonly valAcc: number;
}

/** Each arm's chosen configuration. */
export type MutualInformationChosen = Readonly<Record<MutualInformationModel, number>>;

/** One seed's result: the knobs it used, the antitrained core's size, every arm's measurements, the two planted checks. */
export interface MutualInformationSeed {
  readonly seed: number;
  readonly chosen: MutualInformationChosen;
  /** The antitrained model's last core of h1. */
  readonly coreSize: number;
  readonly measured: Readonly<Record<MutualInformationModel, ModelMeasures>>;
  /** Planted duplicates in the plain model: found by the exact index and by the pairwise measure? */
  readonly planted: PlantedCheck;
  /** The tying hints on the plain model and on its planted copies. */
  readonly tying: TyingCheck;
}

/**
 * Every arm at every configuration on tuning seed `seed`: trained on the training rows, scored on the validation rows.
 *
 * @example
 * const rows = tuneMutualInformation(mutualInformationSettings("tiny"), 100);   // 4 arms × configurations
 */
export function tuneMutualInformation(s: MutualInformationSettings, seed: number): MutualInformationTuneRow[] {
  const { train, validation } = studyData(s.data);
  if (validation === undefined) throw new Error("the mutual-information study's data has no validation split");
  return MUTUAL_INFORMATION_MODELS.flatMap((arm) =>
    s.KNOBS[arm].map((knob): MutualInformationTuneRow => {
      const { model } = trainArm(s, train, arm, knob, seed);
      try {
        const v = evaluate(model, validation);
        return { seed, arm, knob, valLoss: v.loss, valAcc: v.accuracy };
      } finally {
        model.dispose();
      }
    }),
  );
}

/**
 * Each arm's configuration with the lowest mean validation loss over the tuning rows (ties: the first listed); with no
 * rows (no tuning seeds), each arm's first configuration.
 *
 * @example
 * chooseMutualInformation(s, rows).antitrained;   // e.g. 0.5
 */
export function chooseMutualInformation(s: MutualInformationSettings, rows: readonly MutualInformationTuneRow[]): MutualInformationChosen {
  const pick = (arm: MutualInformationModel): number => {
    let best = s.KNOBS[arm][0];
    let bestLoss = Number.POSITIVE_INFINITY;
    for (const knob of s.KNOBS[arm]) {
      const mine = rows.filter((r) => r.arm === arm && r.knob === knob);
      if (mine.length === 0) continue;
      const loss = mine.reduce((a, r) => a + r.valLoss, 0) / mine.length;
      if (loss < bestLoss) {
        best = knob;
        bestLoss = loss;
      }
    }
    return best;
  };
  return Object.fromEntries(MUTUAL_INFORMATION_MODELS.map((arm) => [arm, pick(arm)])) as MutualInformationChosen;
}

/**
 * One study seed: trains the four arms at their chosen configurations (the same initialization seed and batch order,
 * `UPDATES` updates each), measures each on the test split, and runs the planted and tying checks on the plain model.
 *
 * @example
 * const r = runMutualInformationSeed(s, chooseMutualInformation(s, []), 0);
 * r.measured.antitrained.exactRatio;
 */
export function runMutualInformationSeed(s: MutualInformationSettings, chosen: MutualInformationChosen, seed: number): MutualInformationSeed {
  const { train, test } = studyData(s.data);
  const trained: Partial<Record<MutualInformationModel, ReturnType<typeof trainArm>>> = {};
  try {
    for (const arm of MUTUAL_INFORMATION_MODELS) trained[arm] = trainArm(s, train, arm, chosen[arm], seed);
    const options = { seed, samples: s.SAMPLES, subsets: s.SUBSETS };
    const measured = Object.fromEntries(MUTUAL_INFORMATION_MODELS.map((arm) => [arm, measureModel(trained[arm]?.model as never, train, test, options)]));
    const plain = trained.plain?.model as NonNullable<typeof trained.plain>["model"];
    const planted = plantedCheck(plain, train, test, { seed, samples: s.SAMPLES, planted: s.PLANTED });
    const tying = tyingCheck(plain, train, test, { seed, samples: s.SAMPLES, planted: s.PLANTED });
    return { seed, chosen, coreSize: trained.antitrained?.coreSize ?? Number.NaN, measured: measured as Record<MutualInformationModel, ModelMeasures>, planted, tying };
  } finally {
    for (const t of Object.values(trained)) t?.model.dispose();
  }
}
