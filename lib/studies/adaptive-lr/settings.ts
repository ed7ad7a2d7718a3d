/** The settings of notebook 13's study: an MLP on the digits trained by plain Adam and four information-adaptive variants. */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { ScaleDirection, ScaleMode } from "../../training/adaptive-lr";
import type { StudySize } from "../study";

/** One optimizer configuration (an arm): plain Adam has no mode; the others scale per unit by information content. */
export interface AdaptiveLrConfig {
  readonly name: string;
  readonly mode?: ScaleMode;
  readonly direction?: ScaleDirection;
}

/** The five configurations, in table order: plain Adam, then update and gradient scaling, up and down. */
export const ADAPTIVE_LR_CONFIGS: readonly AdaptiveLrConfig[] = [
  { name: "plain Adam" },
  { name: "update · up", mode: "update", direction: "up" },
  { name: "update · down", mode: "update", direction: "down" },
  { name: "gradient · up", mode: "gradient", direction: "up" },
  { name: "gradient · down", mode: "gradient", direction: "down" },
];
/** The configurations' names (the study's arms), in table order. */
export const ADAPTIVE_LR_ARMS: readonly string[] = ADAPTIVE_LR_CONFIGS.map((c) => c.name);

/** Settings of the adaptive learning-rate study (plain JSON). */
export interface AdaptiveLrSettings {
  /** The digits (a `studyData` description; the tiny setting trims the training rows). */
  readonly data: { readonly dataset: "digits"; readonly trainLimit?: number };
  /** Hidden widths: sites "h1", "h2", … all get per-unit scales. */
  readonly hidden: readonly number[];
  /** Adam's learning rate, the same for every configuration. */
  readonly learningRate: number;
  readonly batchSize: number;
  /** The budget: training steps per configuration. */
  readonly steps: number;
  /** Information content is re-measured every this many steps. */
  readonly refresh: number;
  /** Test-set checkpoints of the learning curves, every this many steps. */
  readonly evalEvery: number;
  /** Training examples (the first ones) the information content is measured on. */
  readonly measureExamples: number;
}

const KEYS = ["data", "hidden", "learningRate", "batchSize", "steps", "refresh", "evalEvery", "measureExamples"];

/**
 * The named settings: "quick" and "full" are notebook 13's constants (both the full 1000-step budget: the quick run
 * differs only in its seeds, because the question is what happens at the budget); "tiny" runs in seconds.
 *
 * @example
 * adaptiveLrSettings("full").steps;   // 1000
 */
export function adaptiveLrSettings(size: StudySize): AdaptiveLrSettings {
  if (size === "tiny") {
    return { data: { dataset: "digits", trainLimit: 200 }, hidden: [8, 8], learningRate: 1e-3, batchSize: 64, steps: 20, refresh: 5, evalEvery: 10, measureExamples: 64 };
  }
  return { data: { dataset: "digits" }, hidden: [64, 64], learningRate: 1e-3, batchSize: 64, steps: 1000, refresh: 50, evalEvery: 100, measureExamples: 512 };
}

/**
 * Refuses settings the study cannot run, naming the fix.
 *
 * @example
 * checkAdaptiveLrSettings({ ...adaptiveLrSettings("quick"), refresh: 0 });   // throws
 */
export function checkAdaptiveLrSettings(s: AdaptiveLrSettings): void {
  if (s === null || typeof s !== "object") throw new AntitrainError("the adaptive learning-rate study needs settings such as adaptiveLrSettings(\"quick\")");
  requireKnownKeys(s, KEYS, "the adaptive learning-rate study's settings");
  if (s.data?.dataset !== "digits") throw new AntitrainError(`the study runs on the digits: data must be { dataset: "digits" }, got ${JSON.stringify(s.data)}`);
  if (!Array.isArray(s.hidden) || s.hidden.length === 0) throw new AntitrainError(`hidden must list the hidden widths, e.g. [64, 64], got ${JSON.stringify(s.hidden)}`);
  for (const w of s.hidden) requirePositiveInt(w, "every hidden width");
  for (const k of ["batchSize", "steps", "refresh", "evalEvery", "measureExamples"] as const) requirePositiveInt(s[k], k);
  if (!(typeof s.learningRate === "number" && s.learningRate > 0)) throw new AntitrainError(`learningRate must be a positive number such as 1e-3, got ${s.learningRate}`);
}
