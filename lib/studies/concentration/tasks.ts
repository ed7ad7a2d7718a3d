/**
 * The two tasks of the concentration studies (notebooks 01 and 02), as data descriptions any process rebuilds: the
 * UCI digits (64 → W → 10) and a teacher-student task (16 Gaussian inputs, a random teacher with `teacherK` hidden
 * units, 4 classes; one teacher, seed 0), each with `validation` of its training split held out (seeded, stratified).
 */
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireInRange, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { size } from "../../data/dataset";
import type { ConcentrationSetup } from "../concentration-study";
import { type DataDescription, studyData } from "../data";

/** The tasks, in the order notebook 01 runs them. */
export const CONCENTRATION_TASKS = ["digits", "teacher-student"] as const;
export type ConcentrationTask = (typeof CONCENTRATION_TASKS)[number];

/** Each task's MLP inputs and classes. */
export const TASK_SHAPES: Readonly<Record<ConcentrationTask, { readonly inputs: number; readonly classes: number }>> = {
  digits: { inputs: 64, classes: 10 },
  "teacher-student": { inputs: 16, classes: 4 },
};

/** The knobs every concentration study shares (plain JSON; the settings of 01 and 02 hold them). */
export interface ConcentrationKnobs {
  /** Plain Adam steps shared by every arm of a seed. */
  readonly pretrain: number;
  /** Further optimizer updates per arm (antitraining: half training, half antitrain steps); even. */
  readonly updates: number;
  /** Antitraining re-measures its core every `cycle` training steps. */
  readonly cycle: number;
  /** The reported core's share of the whole-layer accuracy damage. */
  readonly fraction: number;
  /** "Accuracy holds": validation accuracy within `tolerance` of plain training's. */
  readonly tolerance: number;
  /** Share of each task's training split held out for validation. */
  readonly validation: number;
  /** The teacher's hidden width k. */
  readonly teacherK: number;
}

/** Examples per split of a task. */
export interface SplitSizes {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** The data description of `task` (the teacher and its validation draw both seeded 0, as notebook 01 made them). */
export function taskData(task: ConcentrationTask, knobs: Pick<ConcentrationKnobs, "validation" | "teacherK">): DataDescription {
  switch (task) {
    case "digits":
      return { dataset: "digits", validation: knobs.validation };
    case "teacher-student":
      return { dataset: "teacher-student", teacherHidden: knobs.teacherK, seed: 0, validation: knobs.validation, validationSeed: 0 };
    default: {
      const never: never = task;
      throw new AntitrainError(`unknown task ${JSON.stringify(never)}: use one of ${CONCENTRATION_TASKS.join(", ")}`);
    }
  }
}

/**
 * The study setup of one task at hidden width `width` (its data built once per process by `studyData`).
 *
 * @example
 * const setup = taskSetup("digits", 128, knobs);   // st.runConcentrationSeed(setup, chosen, 0)
 * const noProbes = taskSetup("digits", 64, knobs, []);
 */
export function taskSetup(task: ConcentrationTask, width: number, knobs: ConcentrationKnobs, probeFractions?: readonly number[]): ConcentrationSetup {
  const { train, validation, test } = studyData(taskData(task, knobs));
  if (validation === undefined) throw new AntitrainError(`task ${task} has no validation split: set validation, e.g. 0.2`);
  const { inputs, classes } = TASK_SHAPES[task];
  const { pretrain, updates, cycle, fraction, tolerance } = knobs;
  return { train, validation, test, inputs, hidden: [width], classes, site: "h1", pretrain, updates, cycle, fraction, tolerance, ...(probeFractions === undefined ? {} : { probeFractions }) };
}

/** Examples per split of `task` (from its data, built once per process). */
export function taskSplitSizes(task: ConcentrationTask, knobs: Pick<ConcentrationKnobs, "validation" | "teacherK">): SplitSizes {
  const { train, validation, test } = studyData(taskData(task, knobs));
  return { train: size(train), validation: validation === undefined ? 0 : size(validation), test: size(test) };
}

/** Refuses knobs that cannot run, naming the fix (`keys`: every key the settings may hold). */
export function checkKnobs(settings: ConcentrationKnobs, keys: readonly string[], what: string): void {
  if (settings === null || typeof settings !== "object") throw new AntitrainError(`${what} must be an object such as study.settings("quick")`);
  requireKnownKeys(settings, keys, what);
  for (const k of ["pretrain", "updates", "cycle", "teacherK"] as const) requirePositiveInt(settings[k], `${what}: ${k}`);
  if (settings.updates % 2 !== 0) throw new AntitrainError(`${what}: updates must be even (half training, half antitrain steps), got ${settings.updates}`);
  requireFraction(settings.fraction, `${what}: fraction`);
  requireInRange(settings.tolerance, `${what}: tolerance`, { min: 0, max: 1, maxOpen: true }, "use 0.01 for one point of accuracy");
  requireInRange(settings.validation, `${what}: validation`, { min: 0, max: 1, minOpen: true, maxOpen: true }, "hold out e.g. 0.2 of the training split");
}
