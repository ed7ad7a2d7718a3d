/** The settings of notebook 14's study: fixed and learnable activations on the digits and on modular addition. */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { StudySize } from "../study";

/** The models a task can train: fixed ReLU (t = 1), fixed sigmoid (t = 0), and t learned per layer or per unit. */
export const SHAPE_MODELS = ["relu", "sigmoid", "tunable · layer", "tunable · unit"] as const;
export type ShapeModel = (typeof SHAPE_MODELS)[number];

/** The task names, in run order; the study's headline is on modular addition. */
export const SHAPE_TASKS = ["digits", "modular"] as const;
export type ShapeTask = (typeof SHAPE_TASKS)[number];

/** The digits, as a `studyData` description (the tiny setting trims the training rows). */
export interface ShapeDigitsData {
  readonly dataset: "digits";
  readonly trainLimit?: number;
}

/** Modular addition a + b mod p as one-hot pairs, `trainFraction` of the p² pairs in training (split seed `seed`). */
export interface ShapeModularData {
  readonly dataset: "modular-one-hot";
  readonly p: number;
  readonly trainFraction: number;
  readonly seed: number;
}

/** One task: its data, the MLP's hidden width, the budget, and the models compared ("relu" first: the paired baseline). */
export interface ShapeTaskSettings<D extends ShapeDigitsData | ShapeModularData = ShapeDigitsData | ShapeModularData> {
  readonly data: D;
  readonly hidden: number;
  /** Adam steps, the same for every model of the task. */
  readonly steps: number;
  readonly learningRate: number;
  /** L2 penalty on the weight matrices (0: none). */
  readonly l2: number;
  readonly models: readonly ShapeModel[];
}

/** Settings of the activation-shape study (plain JSON). */
export interface ActivationShapesSettings {
  readonly tasks: { readonly digits: ShapeTaskSettings<ShapeDigitsData>; readonly modular: ShapeTaskSettings<ShapeModularData> };
  readonly batchSize: number;
  /** The per-layer shape t is recorded every this many steps. */
  readonly trackEvery: number;
}

const KEYS = ["tasks", "batchSize", "trackEvery"];
const TASK_KEYS = ["data", "hidden", "steps", "learningRate", "l2", "models"];

/**
 * The named settings: "quick" and "full" are notebook 14's constants (digits 200 or 1000 steps, modular addition
 * a + b mod 23 on 80% of the pairs, 1500 or 3000 steps with L2 1e-3; t tracked every 50 or 100 steps); "tiny" runs in
 * seconds. Fixed sigmoid is a reference on the digits only (on modular addition it does not even fit the training set).
 *
 * @example
 * activationShapesSettings("full").tasks.modular.steps;   // 3000
 */
export function activationShapesSettings(size: StudySize): ActivationShapesSettings {
  const quick = size !== "full";
  const tiny = size === "tiny";
  return {
    tasks: {
      digits: {
        data: tiny ? { dataset: "digits", trainLimit: 200 } : { dataset: "digits" },
        hidden: tiny ? 8 : 64,
        steps: tiny ? 20 : quick ? 200 : 1000,
        learningRate: 1e-3,
        l2: 0,
        models: ["relu", "sigmoid", "tunable · layer", "tunable · unit"],
      },
      modular: {
        data: { dataset: "modular-one-hot", p: tiny ? 7 : 23, trainFraction: 0.8, seed: 0 },
        hidden: tiny ? 8 : 128,
        steps: tiny ? 20 : quick ? 1500 : 3000,
        learningRate: 3e-3,
        l2: 1e-3,
        models: ["relu", "tunable · layer", "tunable · unit"],
      },
    },
    batchSize: 64,
    trackEvery: tiny ? 10 : quick ? 50 : 100,
  };
}

/**
 * Refuses settings the study cannot run, naming the fix.
 *
 * @example
 * checkActivationShapesSettings({ ...activationShapesSettings("quick"), trackEvery: 0 });   // throws
 */
export function checkActivationShapesSettings(s: ActivationShapesSettings): void {
  if (s === null || typeof s !== "object") throw new AntitrainError("the activation-shape study needs settings such as activationShapesSettings(\"quick\")");
  requireKnownKeys(s, KEYS, "the activation-shape study's settings");
  requirePositiveInt(s.batchSize, "batchSize");
  requirePositiveInt(s.trackEvery, "trackEvery");
  if (s.tasks === null || typeof s.tasks !== "object" || JSON.stringify(Object.keys(s.tasks)) !== JSON.stringify(SHAPE_TASKS)) {
    throw new AntitrainError(`tasks must be { digits, modular } in that order, got ${JSON.stringify(s.tasks === null || typeof s.tasks !== "object" ? s.tasks : Object.keys(s.tasks))}`);
  }
  for (const task of SHAPE_TASKS) {
    const t = s.tasks[task];
    requireKnownKeys(t, TASK_KEYS, `task ${task}`);
    const expected = task === "digits" ? "digits" : "modular-one-hot";
    if (t.data?.dataset !== expected) throw new AntitrainError(`task ${task}: data must be { dataset: "${expected}", … }, got ${JSON.stringify(t.data)}`);
    for (const k of ["hidden", "steps"] as const) requirePositiveInt(t[k], `task ${task}: ${k}`);
    if (!(typeof t.learningRate === "number" && t.learningRate > 0)) throw new AntitrainError(`task ${task}: learningRate must be positive, e.g. 1e-3, got ${t.learningRate}`);
    if (!(typeof t.l2 === "number" && t.l2 >= 0)) throw new AntitrainError(`task ${task}: l2 must be 0 or positive, e.g. 1e-3, got ${t.l2}`);
    const models = t.models;
    if (!Array.isArray(models) || models[0] !== "relu" || !models.includes("tunable · layer") || new Set(models).size !== models.length) {
      throw new AntitrainError(`task ${task}: models must start with "relu" (the paired baseline), include "tunable · layer" and name each model once, e.g. ["relu", "tunable · layer", "tunable · unit"]; got ${JSON.stringify(models)}`);
    }
    for (const m of models) {
      if (!(SHAPE_MODELS as readonly string[]).includes(m)) throw new AntitrainError(`task ${task}: unknown model "${m}": use ${SHAPE_MODELS.join(", ")}`);
    }
  }
}
