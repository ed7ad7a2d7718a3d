/**
 * The settings of the mutual-information study (notebook 11): five models of one 64→HIDDEN→10 MLP on digits (before,
 * plain, antitrained, dropout, L2), every pair of h1's units measured. The keys are the results file's (upper case,
 * as the notebook named its constants).
 */
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { DataDescription } from "../data";
import type { StudySize } from "../study";

/** Every knob of the study (plain JSON). */
export interface MutualInformationSettings {
  /** The data (digits: 1347 train, 450 test in the quick and full settings). */
  readonly data: DataDescription;
  /** Units of h1: every pair is measured exactly (32 units: 496 pairs). */
  readonly HIDDEN: number;
  /** Plain steps before the split into plain and antitrained; every model gets 2·STEPS training steps. */
  readonly STEPS: number;
  readonly LEARNING_RATE: number;
  /** Random draws averaged per measurement. */
  readonly SAMPLES: number;
  /** Dropout rate on h1 (training only) of the dropout model. */
  readonly DROPOUT: number;
  /** The L2 model's loss += L2 · Σ w² over weight matrices. */
  readonly L2: number;
  /** The antitrained core's share of the accuracy damage. */
  readonly FRACTION: number;
  /** Antitraining re-measures the core every CYCLE steps. */
  readonly CYCLE: number;
  /** Duplicates planted (copies of the plain model's most informative units) to check the tying hints. */
  readonly PLANTED: number;
  /** Random sub-groups per size in the group question. */
  readonly SUBSETS: number;
}

const KEYS = ["data", "HIDDEN", "STEPS", "LEARNING_RATE", "SAMPLES", "DROPOUT", "L2", "FRACTION", "CYCLE", "PLANTED", "SUBSETS"];

/**
 * The study's named settings: `full` (5 seeds in the notebook, 4 draws), `quick` (the notebook's default: the full
 * setting's models with 1 draw) and `tiny` (the contract test: 8 units, 40 steps, 200 training rows).
 *
 * @example
 * mutualInformationSettings("full").SAMPLES;   // 4
 */
export function mutualInformationSettings(size: StudySize): MutualInformationSettings {
  const model = { data: { dataset: "digits" } as const, HIDDEN: 32, STEPS: 750, LEARNING_RATE: 1e-3 };
  const rest = { DROPOUT: 0.3, L2: 1e-3, FRACTION: 0.5, CYCLE: 100, PLANTED: 4, SUBSETS: 8 };
  switch (size) {
    case "full":
      return { ...model, SAMPLES: 4, ...rest };
    case "quick":
      return { ...model, SAMPLES: 1, ...rest };
    case "tiny":
      return { data: { dataset: "digits", trainLimit: 200, test: 100 }, HIDDEN: 8, STEPS: 40, LEARNING_RATE: 1e-3, SAMPLES: 1, ...rest, CYCLE: 10, PLANTED: 2, SUBSETS: 2 };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/**
 * Refuses settings the study cannot run, naming the fix.
 *
 * @example
 * checkMutualInformationSettings({ ...mutualInformationSettings("quick"), PLANTED: 40 });   // throws: at most HIDDEN
 */
export function checkMutualInformationSettings(s: MutualInformationSettings): void {
  requireKnownKeys(s, KEYS, "the mutual-information study's settings");
  for (const key of ["HIDDEN", "STEPS", "SAMPLES", "CYCLE", "PLANTED", "SUBSETS"] as const) requirePositiveInt(s[key], `settings.${key}`);
  if (s.HIDDEN < 2) throw new AntitrainError(`settings.HIDDEN must be at least 2 (pairs of units are measured), got ${s.HIDDEN}`);
  if (s.PLANTED > s.HIDDEN) throw new AntitrainError(`settings.PLANTED (${s.PLANTED}) cannot exceed settings.HIDDEN (${s.HIDDEN}): plant at most one copy per unit`);
  requireFraction(s.FRACTION, "settings.FRACTION");
  if (!(typeof s.DROPOUT === "number" && s.DROPOUT > 0 && s.DROPOUT < 1)) throw new AntitrainError(`settings.DROPOUT must be a rate in (0, 1) such as 0.3, got ${String(s.DROPOUT)}`);
  for (const key of ["LEARNING_RATE", "L2"] as const) {
    if (!(typeof s[key] === "number" && s[key] > 0 && Number.isFinite(s[key]))) throw new AntitrainError(`settings.${key} must be a positive number such as 1e-3, got ${String(s[key])}`);
  }
  if (s.data === null || typeof s.data !== "object") throw new AntitrainError('settings.data must describe the data, e.g. { dataset: "digits" }');
}
