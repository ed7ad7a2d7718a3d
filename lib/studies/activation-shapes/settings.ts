/** The settings of notebook 14's study: fixed and learnable activations on the digits and on modular addition. */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { LearnableActivation } from "../../models/tunable-mlp";
import type { StudySize } from "../study";

/**
 * The models a task can train: fixed ReLU (t = 1) and sigmoid (t = 0); the study's shape t learned per layer or per
 * unit; the published learnable peers, PReLU (He et al. 2015, its channel-shared form) and Swish-β (Ramachandran et al.
 * 2017), one parameter per layer as the per-layer shape; and the control, ReLU with a learnable gain g·relu(z).
 */
export const SHAPE_MODELS = ["relu", "sigmoid", "tunable · layer", "tunable · unit", "prelu · layer", "swish-β · layer", "relu gain · layer"] as const;
export type ShapeModel = (typeof SHAPE_MODELS)[number];

/** The learnable models: their activation family and whether they have one parameter per layer or per unit. */
export const LEARNABLE_SHAPE_MODELS: Readonly<Partial<Record<ShapeModel, { readonly activation: LearnableActivation; readonly per: "layer" | "unit" }>>> = {
  "tunable · layer": { activation: "blend", per: "layer" },
  "tunable · unit": { activation: "blend", per: "unit" },
  "prelu · layer": { activation: "prelu", per: "layer" },
  "swish-β · layer": { activation: "swish-beta", per: "layer" },
  "relu gain · layer": { activation: "relu-gain", per: "layer" },
};

/** The published learnable peers the verdict weighs the per-layer shape against (the gain is a control, not a peer). */
export const PEER_MODELS: readonly ShapeModel[] = ["prelu · layer", "swish-β · layer"];

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

/**
 * One task: its data, the MLP's hidden width, the budget, the tuning grids and the models compared ("relu" first).
 * Every model gets the same number of configurations: a fixed activation one per `learningRates` entry; a learnable
 * one each `shapeLearningRates` entry × each of its family's `initialShapes`.
 */
export interface ShapeTaskSettings<D extends ShapeDigitsData | ShapeModularData = ShapeDigitsData | ShapeModularData> {
  readonly data: D;
  readonly hidden: number;
  /** Adam steps, the same for every model and configuration of the task. */
  readonly steps: number;
  /** The fixed activations' Adam learning rates (their whole grid). */
  readonly learningRates: readonly number[];
  /** The learnable activations' Adam learning rates (each crossed with the family's initial parameters). */
  readonly shapeLearningRates: readonly number[];
  /** L2 penalty on the weight matrices (0: none); not on the activation parameters. */
  readonly l2: number;
  readonly models: readonly ShapeModel[];
}

/** Settings of the activation-shape study (plain JSON). */
export interface ActivationShapesSettings {
  readonly tasks: { readonly digits: ShapeTaskSettings<ShapeDigitsData>; readonly modular: ShapeTaskSettings<ShapeModularData> };
  /** Each learnable family's starting parameters (the tuning grid's second axis), the same number for every family. */
  readonly initialShapes: Readonly<Record<LearnableActivation, readonly number[]>>;
  /** Share of each task's training rows held out as the tuning seeds' validation split (study seeds train on all of them). */
  readonly validation: number;
  readonly batchSize: number;
  /** The per-layer shape t is recorded every this many steps. */
  readonly trackEvery: number;
}

/** One configuration of one model: its Adam learning rate and, for a learnable activation, its starting parameter. */
export interface ShapeConfig {
  readonly learningRate: number;
  readonly initialShape?: number;
}

const KEYS = ["tasks", "initialShapes", "validation", "batchSize", "trackEvery"];
const TASK_KEYS = ["data", "hidden", "steps", "learningRates", "shapeLearningRates", "l2", "models"];
const FAMILIES = ["blend", "prelu", "swish-beta", "relu-gain"] as const;

/**
 * The named settings. "full": digits 1000 steps and modular addition (a + b mod 23 on 80% of the pairs, L2 1e-3) 3000
 * steps, as the study always ran; every model on both tasks (sigmoid on the digits only: on modular addition it does
 * not fit the training set). Nine configurations per model: a learnable one its Adam rate (digits {6e-4, 2e-3, 6e-3},
 * modular addition {2e-3, 6e-3, 2e-2}: beyond the earlier {1e-3, 3e-3} and {3e-3, 1e-2} on both sides) × three
 * starting parameters (shape t {1 = ReLU, 0.5, 0 = sigmoid}; PReLU a {0.25, He et al.'s start, 0 = ReLU, 0.5}; Swish
 * β {1, Ramachandran et al.'s start, 0.5, 2}; gain g {1 = ReLU, 0.5, 2}); a fixed one nine Adam rates about a quarter
 * decade apart, the learnable rates and the points between and beyond them (digits 2e-4 … 2e-2, modular 6e-4 … 6e-2;
 * the earlier grids were digits {5e-4 … 6e-3} and modular {1.5e-3 … 2e-2}). "quick" runs digits 200 and modular
 * addition 1500 steps with one configuration per model (digits rate 3e-3, modular 1e-2; starts t 0.5, PReLU a 0.25,
 * β 0.5, g 1), so a test run does not pay for the tuning; "tiny" runs in seconds with two configurations per model
 * (a fixed one two rates, a learnable one one rate × two starts).
 *
 * @example
 * activationShapesSettings("full").tasks.modular.steps;   // 3000
 */
export function activationShapesSettings(size: StudySize): ActivationShapesSettings {
  const quick = size !== "full";
  const tiny = size === "tiny";
  const oneConfig = size === "quick"; // one configuration per model: a test run does not pay for the tuning
  const learnable: ShapeModel[] = ["tunable · layer", "tunable · unit", "prelu · layer", "swish-β · layer", "relu gain · layer"];
  return {
    tasks: {
      digits: {
        data: tiny ? { dataset: "digits", trainLimit: 200 } : { dataset: "digits" },
        hidden: tiny ? 8 : 64,
        steps: tiny ? 20 : quick ? 200 : 1000,
        learningRates: oneConfig ? [3e-3] : tiny ? [2e-3, 6e-3] : [2e-4, 3.5e-4, 6e-4, 1.1e-3, 2e-3, 3.5e-3, 6e-3, 1.1e-2, 2e-2],
        shapeLearningRates: oneConfig ? [3e-3] : tiny ? [2e-3] : [6e-4, 2e-3, 6e-3],
        l2: 0,
        models: ["relu", "sigmoid", ...learnable],
      },
      modular: {
        data: { dataset: "modular-one-hot", p: tiny ? 7 : 23, trainFraction: 0.8, seed: 0 },
        hidden: tiny ? 8 : 128,
        steps: tiny ? 20 : quick ? 1500 : 3000,
        learningRates: oneConfig ? [1e-2] : tiny ? [6e-3, 2e-2] : [6e-4, 1.1e-3, 2e-3, 3.5e-3, 6e-3, 1.1e-2, 2e-2, 3.5e-2, 6e-2],
        shapeLearningRates: oneConfig ? [1e-2] : tiny ? [6e-3] : [2e-3, 6e-3, 2e-2],
        l2: 1e-3,
        models: ["relu", ...learnable],
      },
    },
    initialShapes: oneConfig
      ? { blend: [0.5], prelu: [0.25], "swish-beta": [0.5], "relu-gain": [1] }
      : tiny
        ? { blend: [1, 0.5], prelu: [0.25, 0], "swish-beta": [1, 0.5], "relu-gain": [1, 0.5] }
        : { blend: [1, 0.5, 0], prelu: [0.25, 0, 0.5], "swish-beta": [1, 0.5, 2], "relu-gain": [1, 0.5, 2] },
    validation: 0.2,
    batchSize: 64,
    trackEvery: tiny ? 10 : quick ? 50 : 100,
  };
}

/**
 * A model's configurations on a task, in grid order: the fixed activations one per learning rate; a learnable one
 * each learning rate × each starting parameter of its family.
 *
 * @example
 * shapeConfigs(activationShapesSettings("full"), "modular", "prelu · layer");   // 9 configurations
 */
export function shapeConfigs(s: ActivationShapesSettings, task: ShapeTask, model: ShapeModel): ShapeConfig[] {
  const t = s.tasks[task];
  const learnable = LEARNABLE_SHAPE_MODELS[model];
  if (learnable === undefined) return t.learningRates.map((learningRate) => ({ learningRate }));
  return t.shapeLearningRates.flatMap((learningRate) => s.initialShapes[learnable.activation].map((initialShape) => ({ learningRate, initialShape })));
}

const positiveList = (xs: unknown, what: string, example: string) => {
  if (!Array.isArray(xs) || xs.length === 0 || !xs.every((x) => typeof x === "number" && Number.isFinite(x) && x > 0)) {
    throw new AntitrainError(`${what} must be a non-empty list of positive numbers, e.g. ${example}; got ${JSON.stringify(xs)}`);
  }
};

/**
 * Refuses settings the study cannot run, naming the fix; among them grids that would give the models different
 * numbers of configurations.
 *
 * @example
 * checkActivationShapesSettings({ ...activationShapesSettings("quick"), trackEvery: 0 });   // throws
 */
export function checkActivationShapesSettings(s: ActivationShapesSettings): void {
  if (s === null || typeof s !== "object") throw new AntitrainError("the activation-shape study needs settings such as activationShapesSettings(\"quick\")");
  requireKnownKeys(s, KEYS, "the activation-shape study's settings");
  requirePositiveInt(s.batchSize, "batchSize");
  requirePositiveInt(s.trackEvery, "trackEvery");
  if (!(typeof s.validation === "number" && s.validation > 0 && s.validation < 1)) throw new AntitrainError(`validation must be a share in (0, 1), e.g. 0.2, got ${s.validation}`);
  if (s.initialShapes === null || typeof s.initialShapes !== "object") throw new AntitrainError(`initialShapes must give each of ${FAMILIES.join(", ")} its starting parameters, e.g. { blend: [1, 0.5], … }`);
  requireKnownKeys(s.initialShapes, [...FAMILIES], "initialShapes");
  for (const f of FAMILIES) {
    const xs = s.initialShapes[f];
    if (!Array.isArray(xs) || xs.length === 0 || !xs.every((x) => typeof x === "number" && Number.isFinite(x))) {
      throw new AntitrainError(`initialShapes.${f} must be a non-empty list of finite numbers, e.g. [1, 0.5]; got ${JSON.stringify(xs)}`);
    }
  }
  const initCounts = new Set(FAMILIES.map((f) => s.initialShapes[f].length));
  if (initCounts.size !== 1) throw new AntitrainError(`give every family of initialShapes the same number of starting parameters (every model gets the same number of configurations); got ${FAMILIES.map((f) => `${f} ${s.initialShapes[f].length}`).join(", ")}`);
  if (s.tasks === null || typeof s.tasks !== "object" || JSON.stringify(Object.keys(s.tasks)) !== JSON.stringify(SHAPE_TASKS)) {
    throw new AntitrainError(`tasks must be { digits, modular } in that order, got ${JSON.stringify(s.tasks === null || typeof s.tasks !== "object" ? s.tasks : Object.keys(s.tasks))}`);
  }
  for (const task of SHAPE_TASKS) {
    const t = s.tasks[task];
    requireKnownKeys(t, TASK_KEYS, `task ${task}`);
    const expected = task === "digits" ? "digits" : "modular-one-hot";
    if (t.data?.dataset !== expected) throw new AntitrainError(`task ${task}: data must be { dataset: "${expected}", … }, got ${JSON.stringify(t.data)}`);
    for (const k of ["hidden", "steps"] as const) requirePositiveInt(t[k], `task ${task}: ${k}`);
    positiveList(t.learningRates, `task ${task}: learningRates`, "[1e-3, 3e-3, 1e-2, 2e-2]");
    positiveList(t.shapeLearningRates, `task ${task}: shapeLearningRates`, "[2e-3, 6e-3, 2e-2]");
    if (t.learningRates.length !== t.shapeLearningRates.length * s.initialShapes.blend.length) {
      throw new AntitrainError(
        `task ${task}: every model must get the same number of configurations: learningRates (the fixed activations' grid) has ${t.learningRates.length}, ` +
          `shapeLearningRates × initialShapes (the learnable ones') ${t.shapeLearningRates.length} × ${s.initialShapes.blend.length}; make them equal`,
      );
    }
    if (!(typeof t.l2 === "number" && t.l2 >= 0)) throw new AntitrainError(`task ${task}: l2 must be 0 or positive, e.g. 1e-3, got ${t.l2}`);
    const models = t.models;
    if (!Array.isArray(models) || models[0] !== "relu" || !models.includes("tunable · layer") || new Set(models).size !== models.length) {
      throw new AntitrainError(`task ${task}: models must start with "relu" (the fixed baseline), include "tunable · layer" (the reference) and name each model once, e.g. ["relu", "tunable · layer", "prelu · layer", "swish-β · layer"]; got ${JSON.stringify(models)}`);
    }
    for (const m of models) {
      if (!(SHAPE_MODELS as readonly string[]).includes(m)) throw new AntitrainError(`task ${task}: unknown model "${m}": use ${SHAPE_MODELS.join(", ")}`);
    }
  }
}
