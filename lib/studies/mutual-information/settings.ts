/**
 * The settings of the mutual-information study (notebook 11): four arms of one 64→HIDDEN→10 MLP on digits (plain,
 * antitrained, dropout, L2) at the same number of optimizer updates, each arm's one knob chosen from the same number
 * of configurations by validation loss on tuning seeds, and every pair of a layer small enough (HIDDEN + PLANTED ≤ 12)
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
  /** Adam's learning rate for every arm but plain (whose knob it is). */
  readonly LEARNING_RATE: number;
  /** Antitraining re-measures the core every CYCLE training steps. */
  readonly CYCLE: number;
  /**
   * Each arm's configurations (the same number per arm), one chosen by mean validation loss over the tuning seeds:
   * plain's learning rate, antitraining's core fraction, dropout's rate on h1, L2's coefficient.
   */
  readonly KNOBS: Readonly<Record<MutualInformationTrainedArm, readonly number[]>>;
  /** Random draws averaged per damage measurement. */
  readonly SAMPLES: number;
  /** Duplicates planted into the plain model's h1 (copies of its most informative units): a known answer. */
  readonly PLANTED: number;
  /** Random sub-groups per size in the group question. */
  readonly SUBSETS: number;
}

const KEYS = ["data", "HIDDEN", "UPDATES", "WARMUP", "LEARNING_RATE", "CYCLE", "KNOBS", "SAMPLES", "PLANTED", "SUBSETS"];

const KNOBS = { plain: [1e-3, 3e-3, 1e-2], antitrained: [0.3, 0.5, 0.7], dropout: [0.05, 0.1, 0.2], L2: [1e-4, 1e-3, 1e-2] };

/**
 * The study's named settings: `full` (10 seeds and tuning seeds 100/101 in the notebook, 4 draws), `quick` (the
 * notebook's default smoke test: fewer updates, 1 draw) and `tiny` (the contract test: 4 units, 40 updates, 200
 * training rows, two configurations per arm).
 *
 * @example
 * mutualInformationSettings("full").HIDDEN;   // 10
 */
export function mutualInformationSettings(size: StudySize): MutualInformationSettings {
  const data = { dataset: "digits", validation: 0.2 } as const;
  switch (size) {
    case "full":
      return { data, HIDDEN: 10, UPDATES: 1200, WARMUP: 400, LEARNING_RATE: 3e-3, CYCLE: 50, KNOBS, SAMPLES: 4, PLANTED: 2, SUBSETS: 8 };
    case "quick":
      return { data, HIDDEN: 10, UPDATES: 400, WARMUP: 200, LEARNING_RATE: 3e-3, CYCLE: 50, KNOBS, SAMPLES: 1, PLANTED: 2, SUBSETS: 4 };
    case "tiny":
      return {
        data: { dataset: "digits", trainLimit: 200, test: 100, validation: 0.2 },
        HIDDEN: 4, UPDATES: 40, WARMUP: 20, LEARNING_RATE: 3e-3, CYCLE: 5,
        KNOBS: { plain: [3e-3, 1e-2], antitrained: [0.5, 0.7], dropout: [0.1, 0.2], L2: [1e-4, 1e-3] },
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
  if (s.KNOBS === null || typeof s.KNOBS !== "object") throw new AntitrainError("settings.KNOBS must give each arm its configurations, e.g. { plain: [1e-3, 3e-3], antitrained: [0.3, 0.5], dropout: [0.1, 0.2], L2: [1e-4, 1e-3] }");
  requireKnownKeys(s.KNOBS, MUTUAL_INFORMATION_TRAINED, "settings.KNOBS");
  const counts = MUTUAL_INFORMATION_TRAINED.map((arm) => (Array.isArray(s.KNOBS[arm]) ? s.KNOBS[arm].length : 0));
  if (counts.some((c) => c === 0)) throw new AntitrainError(`settings.KNOBS must give every arm (${MUTUAL_INFORMATION_TRAINED.join(", ")}) at least one configuration`);
  if (new Set(counts).size !== 1) throw new AntitrainError(`settings.KNOBS must give every arm the same number of configurations (a fair tuning budget), got ${MUTUAL_INFORMATION_TRAINED.map((a, i) => `${a} ${counts[i]}`).join(", ")}`);
  const ok: Record<MutualInformationTrainedArm, (x: number) => boolean> = {
    plain: (x) => x > 0 && Number.isFinite(x),
    antitrained: (x) => x > 0 && x <= 1,
    dropout: (x) => x > 0 && x < 1,
    L2: (x) => x > 0 && Number.isFinite(x),
  };
  const what: Record<MutualInformationTrainedArm, string> = { plain: "a learning rate > 0", antitrained: "a core fraction in (0, 1]", dropout: "a dropout rate in (0, 1)", L2: "a coefficient > 0" };
  for (const arm of MUTUAL_INFORMATION_TRAINED) {
    for (const x of s.KNOBS[arm]) if (!(typeof x === "number" && ok[arm](x))) throw new AntitrainError(`settings.KNOBS.${arm}: each configuration must be ${what[arm]}, got ${String(x)}`);
  }
  if (s.data === null || typeof s.data !== "object") throw new AntitrainError('settings.data must describe the data, e.g. { dataset: "digits", validation: 0.2 }');
  if (!("validation" in s.data) || typeof s.data.validation !== "number") throw new AntitrainError("settings.data needs a validation split (e.g. validation: 0.2): the knobs are chosen on it");
}
