/**
 * The settings of the mutual-information study (notebook 11): four arms of one 64→HIDDEN→10 MLP on digits (plain,
 * antitrained, dropout, L2) at the same number of optimizer updates, each arm's configuration chosen from the same
 * number (nine in the full setting; antitraining's core fraction and antitrain learning rate jointly) by validation
 * loss on tuning seeds, and every pair of a layer small enough (HIDDEN + PLANTED ≤ 12)
 * that the exact Shapley interaction index enumerates every coalition. The keys are the results file's.
 */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { DataDescription } from "../data";
import type { StudySize } from "../study";

/** The four trained arms, each with its knob; the antitrained arm is the reference. */
export const MUTUAL_INFORMATION_TRAINED = ["plain", "antitrained", "dropout", "L2"] as const;
export type MutualInformationTrainedArm = (typeof MUTUAL_INFORMATION_TRAINED)[number];

/**
 * Every measured model, in table order: the trained arms and the control "softened plain" — the plain model with its
 * logits divided by the temperature that brings its validation loss up to the antitrained model's on the same seed
 * (no update added): the same information, antitraining's confidence.
 */
export const MUTUAL_INFORMATION_MODELS = [...MUTUAL_INFORMATION_TRAINED, "softened plain"] as const;
export type MutualInformationModel = (typeof MUTUAL_INFORMATION_MODELS)[number];

/** The largest layer the study enumerates (HIDDEN + PLANTED): 2^12 = 4096 coalitions. */
export const MAX_STUDY_UNITS = 12;

/** One configuration of antitraining: its two knobs, tuned jointly. */
export interface AntitrainKnob {
  /** The share of the damage that defines the antitrained core. */
  readonly fraction: number;
  /** Adam's learning rate of the antitrain updates (the training updates keep LEARNING_RATE). */
  readonly antiLearningRate: number;
}

/** Each arm's configurations: one number (plain's learning rate, dropout's rate, L2's coefficient) or antitraining's pair. */
export interface MutualInformationKnobs {
  readonly plain: readonly number[];
  readonly antitrained: readonly AntitrainKnob[];
  readonly dropout: readonly number[];
  readonly L2: readonly number[];
}

/** One configuration of some arm. */
export type MutualInformationKnob = number | AntitrainKnob;

/**
 * A configuration as the tables print it: "0.003" for one number, "fraction 0.7 · antitrain lr 0.003" for antitraining.
 *
 * @example
 * knobLabel({ fraction: 0.7, antiLearningRate: 3e-3 });   // "fraction 0.7 · antitrain lr 0.003"
 */
export function knobLabel(knob: MutualInformationKnob): string {
  return typeof knob === "number" ? String(knob) : `fraction ${knob.fraction} · antitrain lr ${knob.antiLearningRate}`;
}

/** A configuration's identity (equal configurations, equal keys), for matching tuning rows read back from JSON. */
export function knobKey(knob: MutualInformationKnob): string {
  return typeof knob === "number" ? String(knob) : `${knob.fraction}/${knob.antiLearningRate}`;
}

/** Every knob of the study (plain JSON). */
export interface MutualInformationSettings {
  /** The data, with a validation split of the training rows (the knobs are chosen on it). */
  readonly data: DataDescription;
  /** Units of h1 (every coalition enumerated: 10 units, 1024 coalitions, 45 pairs). */
  readonly HIDDEN: number;
  /** Optimizer updates per arm, every update counted (antitraining's antitrain steps included). */
  readonly UPDATES: number;
  /** Antitraining's plain updates before the antitrainer starts; the rest alternate one training and one antitrain step. */
  readonly WARMUP: number;
  /** Adam's learning rate for every arm but plain (whose knob it is); antitraining's antitrain updates take their own (a knob). */
  readonly LEARNING_RATE: number;
  /** Antitraining re-measures the core every CYCLE training steps. */
  readonly CYCLE: number;
  /**
   * Each arm's configurations (the same number per arm), one chosen by mean validation loss over the tuning seeds:
   * plain's learning rate, antitraining's core fraction × antitrain learning rate, dropout's rate on h1, L2's
   * coefficient.
   */
  readonly KNOBS: MutualInformationKnobs;
  /** Random draws averaged per damage measurement. */
  readonly SAMPLES: number;
  /** Duplicates planted into the plain model's h1 (copies of its most informative units): a known answer. */
  readonly PLANTED: number;
  /** Random sub-groups per size in the group question. */
  readonly SUBSETS: number;
}

const KEYS = ["data", "HIDDEN", "UPDATES", "WARMUP", "LEARNING_RATE", "CYCLE", "KNOBS", "SAMPLES", "PLANTED", "SUBSETS"];

/**
 * The full setting's nine configurations per arm, each spanning the earlier three (plain 1e-3–1e-2, fraction 0.3–0.7
 * at the antitrain rate 3e-3, dropout 0.05–0.2, L2 1e-4–1e-2) and going beyond them on both sides; antitraining's
 * fraction and antitrain learning rate as a 3 × 3 grid.
 */
const FULL_KNOBS: MutualInformationKnobs = {
  plain: [3e-4, 6e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 2e-2, 3e-2],
  antitrained: [0.3, 0.5, 0.7].flatMap((fraction) => [1e-3, 3e-3, 1e-2].map((antiLearningRate) => ({ fraction, antiLearningRate }))),
  dropout: [0.02, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5],
  L2: [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1],
};

/** The quick setting's one configuration per arm (nothing tuned): the earlier grids' first, as the quick run always used. */
const QUICK_KNOBS: MutualInformationKnobs = { plain: [1e-3], antitrained: [{ fraction: 0.3, antiLearningRate: 3e-3 }], dropout: [0.05], L2: [1e-4] };

/**
 * The study's named settings: `full` (10 seeds and tuning seeds 100/101 in the notebook, 4 draws, nine
 * configurations per arm), `quick` (the notebook's default smoke test: fewer updates, 1 draw, one configuration per
 * arm) and `tiny` (the contract test: 4 units, 40 updates, 200 training rows, two configurations per arm).
 *
 * @example
 * mutualInformationSettings("full").HIDDEN;   // 10
 */
export function mutualInformationSettings(size: StudySize): MutualInformationSettings {
  const data = { dataset: "digits", validation: 0.2 } as const;
  switch (size) {
    case "full":
      return { data, HIDDEN: 10, UPDATES: 1200, WARMUP: 400, LEARNING_RATE: 3e-3, CYCLE: 50, KNOBS: FULL_KNOBS, SAMPLES: 4, PLANTED: 2, SUBSETS: 8 };
    case "quick":
      return { data, HIDDEN: 10, UPDATES: 400, WARMUP: 200, LEARNING_RATE: 3e-3, CYCLE: 50, KNOBS: QUICK_KNOBS, SAMPLES: 1, PLANTED: 2, SUBSETS: 4 };
    case "tiny":
      return {
        data: { dataset: "digits", trainLimit: 200, test: 100, validation: 0.2 },
        HIDDEN: 4, UPDATES: 40, WARMUP: 20, LEARNING_RATE: 3e-3, CYCLE: 5,
        KNOBS: {
          plain: [3e-3, 1e-2],
          antitrained: [{ fraction: 0.5, antiLearningRate: 3e-3 }, { fraction: 0.7, antiLearningRate: 1e-2 }],
          dropout: [0.1, 0.2],
          L2: [1e-4, 1e-3],
        },
        SAMPLES: 1, PLANTED: 2, SUBSETS: 2,
      };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/**
 * Refuses settings the study cannot run, naming the fix.
 *
 * @example
 * checkMutualInformationSettings({ ...mutualInformationSettings("quick"), HIDDEN: 32 });   // throws: at most 12 units
 */
export function checkMutualInformationSettings(s: MutualInformationSettings): void {
  requireKnownKeys(s, KEYS, "the mutual-information study's settings");
  for (const key of ["HIDDEN", "UPDATES", "WARMUP", "CYCLE", "SAMPLES", "PLANTED", "SUBSETS"] as const) requirePositiveInt(s[key], `settings.${key}`);
  if (s.HIDDEN < 2) throw new AntitrainError(`settings.HIDDEN must be at least 2 (pairs of units are measured), got ${s.HIDDEN}`);
  if (s.PLANTED > s.HIDDEN) throw new AntitrainError(`settings.PLANTED (${s.PLANTED}) cannot exceed settings.HIDDEN (${s.HIDDEN}): plant at most one copy per unit`);
  if (s.HIDDEN + s.PLANTED > MAX_STUDY_UNITS) {
    throw new AntitrainError(`settings.HIDDEN + settings.PLANTED is ${s.HIDDEN + s.PLANTED}: the exact Shapley reference enumerates every coalition, so at most ${MAX_STUDY_UNITS} units (e.g. HIDDEN 10, PLANTED 2)`);
  }
  if (s.WARMUP >= s.UPDATES || (s.UPDATES - s.WARMUP) % 2 !== 0) {
    throw new AntitrainError(`settings.WARMUP (${s.WARMUP}) must be below settings.UPDATES (${s.UPDATES}) and leave an even number of updates (one training and one antitrain step each), e.g. UPDATES 1200, WARMUP 400`);
  }
  if (!(typeof s.LEARNING_RATE === "number" && s.LEARNING_RATE > 0 && Number.isFinite(s.LEARNING_RATE))) throw new AntitrainError(`settings.LEARNING_RATE must be a positive number such as 3e-3, got ${String(s.LEARNING_RATE)}`);
  if (s.KNOBS === null || typeof s.KNOBS !== "object") {
    throw new AntitrainError("settings.KNOBS must give each arm its configurations, e.g. { plain: [1e-3, 3e-3], antitrained: [{ fraction: 0.5, antiLearningRate: 3e-3 }, { fraction: 0.7, antiLearningRate: 1e-3 }], dropout: [0.1, 0.2], L2: [1e-4, 1e-3] }");
  }
  requireKnownKeys(s.KNOBS, MUTUAL_INFORMATION_TRAINED, "settings.KNOBS");
  const counts = MUTUAL_INFORMATION_TRAINED.map((arm) => (Array.isArray(s.KNOBS[arm]) ? s.KNOBS[arm].length : 0));
  if (counts.some((c) => c === 0)) throw new AntitrainError(`settings.KNOBS must give every arm (${MUTUAL_INFORMATION_TRAINED.join(", ")}) at least one configuration`);
  if (new Set(counts).size !== 1) throw new AntitrainError(`settings.KNOBS must give every arm the same number of configurations (a fair tuning budget), got ${MUTUAL_INFORMATION_TRAINED.map((a, i) => `${a} ${counts[i]}`).join(", ")}`);
  const positive = (x: unknown): x is number => typeof x === "number" && x > 0 && Number.isFinite(x);
  const ok: Record<MutualInformationTrainedArm, (x: unknown) => boolean> = {
    plain: positive,
    antitrained: (x) => {
      if (x === null || typeof x !== "object") return false;
      const k = x as Record<string, unknown>;
      return Object.keys(k).every((key) => key === "fraction" || key === "antiLearningRate") && positive(k.fraction) && k.fraction <= 1 && positive(k.antiLearningRate);
    },
    dropout: (x) => positive(x) && x < 1,
    L2: positive,
  };
  const what: Record<MutualInformationTrainedArm, string> = {
    plain: "a learning rate > 0",
    antitrained: "{ fraction, antiLearningRate } with a core fraction in (0, 1] and a learning rate > 0",
    dropout: "a dropout rate in (0, 1)",
    L2: "a coefficient > 0",
  };
  for (const arm of MUTUAL_INFORMATION_TRAINED) {
    const configs: readonly unknown[] = s.KNOBS[arm];
    for (const x of configs) if (!ok[arm](x)) throw new AntitrainError(`settings.KNOBS.${arm}: each configuration must be ${what[arm]}, got ${JSON.stringify(x)}`);
    const keys = configs.map((x) => knobKey(x as MutualInformationKnob));
    if (new Set(keys).size !== keys.length) throw new AntitrainError(`settings.KNOBS.${arm} lists a configuration twice (${keys.join(", ")}): give each arm distinct configurations`);
  }
  if (s.data === null || typeof s.data !== "object") throw new AntitrainError('settings.data must describe the data, e.g. { dataset: "digits", validation: 0.2 }');
  if (!("validation" in s.data) || typeof s.data.validation !== "number") throw new AntitrainError("settings.data needs a validation split (e.g. validation: 0.2): the knobs are chosen on it");
}
