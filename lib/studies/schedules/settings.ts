/**
 * The settings of the schedules study (notebook 05): digits, a one-hidden-layer MLP pretrained plainly, then
 * `cycles` cycles of `phase` training steps under each schedule. Plain JSON, checked by {@link checkSchedulesSettings}.
 */
import { type Schedule, cyclic, interleaved } from "../../antitrain/schedule";
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { type DataDescription, STUDY_DATASETS } from "../data";
import type { StudySize } from "../study";

/** The schedules compared, in table order. */
export const SCHEDULES = ["plain", "interleaved", "cyclic"] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/** Everything one run of the study needs (plain JSON). */
export interface SchedulesSettings {
  /** The data (notebook 05: all of digits). */
  readonly data: DataDescription;
  /** Units of the one hidden layer `h1`. */
  readonly hidden: number;
  /** Plain Adam steps before the schedules start. */
  readonly pretrain: number;
  /** Training steps per cycle, and antitrain steps per cyclic antitraining phase; the cores are re-measured every phase. */
  readonly phase: number;
  /** Cycles after pretraining: `phase · cycles` training steps under every schedule. */
  readonly cycles: number;
  /** The antitrained core's share of the damage. */
  readonly fraction: number;
  /** The reported core's share of the damage. */
  readonly reportFraction: number;
}

const KEYS = ["data", "hidden", "pretrain", "phase", "cycles", "fraction", "reportFraction"];

/**
 * The named settings: `full` (5 seeds in the notebook, 8 cycles of 200 steps), `quick` (3 cycles of 100, the
 * notebook's default) and `tiny` (the contract test: 300 digits rows, 16 units, 2 cycles of 5 steps).
 *
 * @example
 * schedulesSettings("full");   // { data: { dataset: "digits" }, hidden: 128, pretrain: 600, phase: 200, cycles: 8, fraction: 0.5, reportFraction: 0.95 }
 */
export function schedulesSettings(size: StudySize): SchedulesSettings {
  const base = { data: { dataset: "digits" as const }, hidden: 128, fraction: 0.5, reportFraction: 0.95 };
  switch (size) {
    case "full":
      return { ...base, pretrain: 600, phase: 200, cycles: 8 };
    case "quick":
      return { ...base, pretrain: 150, phase: 100, cycles: 3 };
    case "tiny":
      return { ...base, data: { dataset: "digits", trainLimit: 300 }, hidden: 16, pretrain: 20, phase: 5, cycles: 2 };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/**
 * Throws an AntitrainError naming the fix when the settings cannot be run.
 *
 * @example
 * checkSchedulesSettings({ ...schedulesSettings("quick"), phase: 0 });   // throws: phase must be a positive integer
 */
export function checkSchedulesSettings(s: SchedulesSettings): void {
  requireKnownKeys(s, KEYS, "schedules settings");
  if (s.data === null || typeof s.data !== "object" || !STUDY_DATASETS.includes(s.data.dataset)) {
    throw new AntitrainError(`schedules settings: data must describe a data set, e.g. { dataset: "digits" }, got ${JSON.stringify(s.data)}`);
  }
  for (const key of ["hidden", "phase", "cycles"] as const) requirePositiveInt(s[key], key);
  if (!(Number.isInteger(s.pretrain) && s.pretrain >= 0)) throw new AntitrainError(`schedules settings: pretrain must be a whole number ≥ 0, got ${s.pretrain}`);
  requireFraction(s.fraction, "fraction");
  requireFraction(s.reportFraction, "reportFraction");
}

/**
 * Each schedule's antitrainer schedule. Plain training is an antitrainer that never antitrains (0 antitrain steps),
 * so it measures the same cores at the same cadence.
 *
 * @example
 * scheduleOf("cyclic", 200);   // cyclic(200, 200)
 */
export function scheduleOf(name: ScheduleName, phase: number): Schedule {
  switch (name) {
    case "plain":
      return interleaved(0, { cycle: phase });
    case "interleaved":
      return interleaved(1, { cycle: phase });
    case "cyclic":
      return cyclic(phase, phase);
    default:
      throw new AntitrainError(`unknown schedule ${JSON.stringify(name)}: use one of ${SCHEDULES.join(", ")}`);
  }
}
