/**
 * The mutual-information study's protocol: `tuneMutualInformation` trains every arm at every configuration on a
 * tuning seed and scores it on the validation split; `chooseMutualInformation` keeps each arm's configuration with
 * the lowest mean validation loss; `runMutualInformationSeed` trains the four chosen arms on a study seed (the same
 * initialization and batch order, the same number of updates) and measures each on the test split
 * ({@link measureModel}), plus the planted check and the tying check on the plain model.
 */
import type { Dataset } from "../../data/dataset";
import { Mlp } from "../../models/mlp";
import { evaluate } from "../../training/train";
import { studyData } from "../data";
import { type ModelMeasures, measureModel } from "./measure-model";
import { type PlantedCheck, plantedCheck } from "./planted";
import { type AntitrainKnob, MUTUAL_INFORMATION_MODELS, MUTUAL_INFORMATION_TRAINED, type MutualInformationKnob, type MutualInformationModel, type MutualInformationSettings, type MutualInformationTrainedArm, knobKey } from "./settings";
import { trainArm } from "./train-arm";
import { type TyingCheck, tyingCheck } from "./tying";

export { MUTUAL_INFORMATION_MODELS, MUTUAL_INFORMATION_TRAINED, type MutualInformationModel, type MutualInformationTrainedArm } from "./settings";

/** One configuration of one arm on one tuning seed, scored on the validation split. */
export interface MutualInformationTuneRow {
  readonly seed: number;
  readonly arm: MutualInformationTrainedArm;
  /** The configuration: a number, or antitraining's `{ fraction, antiLearningRate }`. */
  readonly knob: MutualInformationKnob;
  readonly valLoss: number;
  readonly valAcc: number;
}

/** Each arm's chosen configuration. */
export interface MutualInformationChosen {
  readonly plain: number;
  readonly antitrained: AntitrainKnob;
  readonly dropout: number;
  readonly L2: number;
}

/** One seed's result: the knobs it used, the antitrained core's size, every arm's measurements, the two planted checks. */
export interface MutualInformationSeed {
  readonly seed: number;
  readonly chosen: MutualInformationChosen;
  /** The antitrained model's last core of h1. */
  readonly coreSize: number;
  /** The control's temperature (the plain model's logits divided by it), and the validation losses it matched. */
  readonly softenT: number;
  readonly softenValLoss: number;
  readonly antiValLoss: number;
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
  return MUTUAL_INFORMATION_TRAINED.flatMap((arm) =>
    (s.KNOBS[arm] as readonly MutualInformationKnob[]).map((knob): MutualInformationTuneRow => {
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
 * rows (no tuning seeds), each arm's first configuration. Rows match configurations by value (they may come back from
 * the seed cache's JSON).
 *
 * @example
 * chooseMutualInformation(s, rows).antitrained;   // e.g. { fraction: 0.7, antiLearningRate: 3e-3 }
 */
export function chooseMutualInformation(s: MutualInformationSettings, rows: readonly MutualInformationTuneRow[]): MutualInformationChosen {
  const pick = (arm: MutualInformationTrainedArm): MutualInformationKnob => {
    const knobs = s.KNOBS[arm] as readonly MutualInformationKnob[];
    let best = knobs[0];
    let bestLoss = Number.POSITIVE_INFINITY;
    for (const knob of knobs) {
      const mine = rows.filter((r) => r.arm === arm && knobKey(r.knob) === knobKey(knob));
      if (mine.length === 0) continue;
      const loss = mine.reduce((a, r) => a + r.valLoss, 0) / mine.length;
      if (loss < bestLoss) {
        best = knob;
        bestLoss = loss;
      }
    }
    return best;
  };
  return { plain: pick("plain") as number, antitrained: pick("antitrained") as AntitrainKnob, dropout: pick("dropout") as number, L2: pick("L2") as number };
}

/**
 * `model` with its output logits divided by `t` (last layer's weights and bias): the same function up to confidence.
 *
 * @example
 * const soft = softenedMlp(plain, 2);   // a new model; dispose it
 */
export function softenedMlp(model: Mlp, t: number): Mlp {
  const layers = model.weights();
  const last = layers.length - 1;
  return new Mlp(layers.map((l, i) => (i === last ? { ...l, w: l.w.map((x) => x / t), b: l.b.map((x) => x / t) } : l)));
}

/**
 * The temperature t ≥ 1 at which `softenedMlp(model, t)` first reaches loss `target` on `data` (a log grid from 1 to
 * 64, then bisection); 1 when the model's loss already reaches it, 64 when no temperature up to 64 does.
 *
 * @example
 * matchTemperature(plain, validation, antiValLoss);   // e.g. 2.4
 */
export function matchTemperature(model: Mlp, data: Dataset, target: number): number {
  const loss = (t: number) => {
    const m = softenedMlp(model, t);
    try {
      return evaluate(m, data).loss;
    } finally {
      m.dispose();
    }
  };
  if (loss(1) >= target) return 1;
  let lo = 1;
  let hi = Number.NaN;
  for (let k = 1; k <= 60; k++) {
    const t = 64 ** (k / 60);
    if (loss(t) >= target) {
      hi = t;
      break;
    }
    lo = t;
  }
  if (Number.isNaN(hi)) return 64;
  for (let it = 0; it < 30; it++) {
    const mid = (lo + hi) / 2;
    if (loss(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * One study seed: trains the four arms at their chosen configurations (the same initialization seed and batch order,
 * `UPDATES` updates each), softens the plain model to the antitrained model's validation loss (the control, no
 * update added), measures all five on the test split, and runs the planted and tying checks on the plain model.
 *
 * @example
 * const r = runMutualInformationSeed(s, chooseMutualInformation(s, []), 0);
 * r.measured.antitrained.exactRatio;
 */
export function runMutualInformationSeed(s: MutualInformationSettings, chosen: MutualInformationChosen, seed: number): MutualInformationSeed {
  const { train, validation, test } = studyData(s.data);
  if (validation === undefined) throw new Error("the mutual-information study's data has no validation split");
  const trained: Partial<Record<MutualInformationTrainedArm, ReturnType<typeof trainArm>>> = {};
  let soft: Mlp | undefined;
  try {
    for (const arm of MUTUAL_INFORMATION_TRAINED) trained[arm] = trainArm(s, train, arm, chosen[arm], seed);
    const plain = trained.plain?.model as Mlp;
    const antiValLoss = evaluate(trained.antitrained?.model as Mlp, validation).loss;
    const softenT = matchTemperature(plain, validation, antiValLoss);
    soft = softenedMlp(plain, softenT);
    const models: Record<MutualInformationModel, Mlp> = { plain, antitrained: trained.antitrained?.model as Mlp, dropout: trained.dropout?.model as Mlp, L2: trained.L2?.model as Mlp, "softened plain": soft };
    const options = { seed, samples: s.SAMPLES, subsets: s.SUBSETS };
    const measured = Object.fromEntries(MUTUAL_INFORMATION_MODELS.map((arm) => [arm, measureModel(models[arm], train, test, options)]));
    const planted = plantedCheck(plain, train, test, { seed, samples: s.SAMPLES, planted: s.PLANTED });
    const tying = tyingCheck(plain, train, test, { seed, samples: s.SAMPLES, planted: s.PLANTED });
    return {
      seed, chosen, coreSize: trained.antitrained?.coreSize ?? Number.NaN,
      softenT, softenValLoss: evaluate(soft, validation).loss, antiValLoss,
      measured: measured as Record<MutualInformationModel, ModelMeasures>, planted, tying,
    };
  } finally {
    for (const t of Object.values(trained)) t?.model.dispose();
    soft?.dispose();
  }
}
