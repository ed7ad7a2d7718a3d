/**
 * The settings of the randomization study (notebook 07): one MLP on digits, pretrained, measured under every
 * randomization method (part 1), then continued with an antitrainer per method and plainly (part 2).
 */
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { RANDOMIZE_METHODS, type RandomizeMethod } from "../../measure/randomize";
import type { DataDescription } from "../data";
import type { StudySize } from "../study";

/** Every knob of the randomization study (plain JSON). */
export interface RandomizationSettings {
  /** The data (digits: 1347 train, 450 test in the quick and full settings). */
  readonly data: DataDescription;
  /** Units of the one hidden layer `h1` of the 64→hidden→10 ReLU MLP. */
  readonly hidden: number;
  /** Plain Adam steps before measuring and antitraining. */
  readonly pretrain: number;
  /** Further training steps of every branch (plain, and one antitrained branch per method). */
  readonly more: number;
  /** Steps between re-measurements of the antitrained core. */
  readonly cycle: number;
  /** The antitrained core's share of the accuracy damage. */
  readonly fraction: number;
  /** Random draws averaged per importance, core and split-damage measurement. */
  readonly samples: number;
  /** The randomization methods compared; must include "gaussian" (the notes' method) and "resample" (the yardstick). */
  readonly methods: readonly RandomizeMethod[];
  /** Adam's learning rate, pretraining and continued training alike. */
  readonly learningRate: number;
}

const KEYS = ["data", "hidden", "pretrain", "more", "cycle", "fraction", "samples", "methods", "learningRate"];

/**
 * The study's named settings: `full` (5 seeds in the notebook: 600 + 1600 steps, 3 draws), `quick` (the notebook's
 * default smoke test: 100 + 60 steps, 1 draw) and `tiny` (the contract test: 8 units on 200 training rows).
 *
 * @example
 * randomizationSettings("quick").pretrain;   // 100
 */
export function randomizationSettings(size: StudySize): RandomizationSettings {
  const methods: RandomizeMethod[] = ["gaussian", "resample", "mean", "zero"];
  switch (size) {
    case "full":
      return { data: { dataset: "digits" }, hidden: 128, pretrain: 600, more: 1600, cycle: 100, fraction: 0.5, samples: 3, methods, learningRate: 1e-3 };
    case "quick":
      return { data: { dataset: "digits" }, hidden: 128, pretrain: 100, more: 60, cycle: 100, fraction: 0.5, samples: 1, methods, learningRate: 1e-3 };
    case "tiny":
      return { data: { dataset: "digits", trainLimit: 200, test: 100 }, hidden: 8, pretrain: 30, more: 10, cycle: 5, fraction: 0.5, samples: 1, methods, learningRate: 1e-3 };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/**
 * Refuses settings the study cannot run, naming the fix.
 *
 * @example
 * checkRandomizationSettings({ ...randomizationSettings("quick"), methods: ["mean"] });   // throws: include "gaussian"
 */
export function checkRandomizationSettings(s: RandomizationSettings): void {
  requireKnownKeys(s, KEYS, "the randomization study's settings");
  for (const key of ["hidden", "pretrain", "more", "cycle", "samples"] as const) requirePositiveInt(s[key], `settings.${key}`);
  requireFraction(s.fraction, "settings.fraction");
  if (!(typeof s.learningRate === "number" && s.learningRate > 0 && Number.isFinite(s.learningRate))) {
    throw new AntitrainError(`settings.learningRate must be a positive number such as 1e-3, got ${String(s.learningRate)}`);
  }
  if (!Array.isArray(s.methods) || new Set(s.methods).size !== s.methods.length || s.methods.some((m) => !RANDOMIZE_METHODS.includes(m))) {
    throw new AntitrainError(`settings.methods must be distinct randomization methods out of ${RANDOMIZE_METHODS.join(", ")}, got ${JSON.stringify(s.methods)}`);
  }
  for (const needed of ["gaussian", "resample"] as const) {
    if (!s.methods.includes(needed)) throw new AntitrainError(`settings.methods must include "${needed}" (gaussian is the notes' method, resample the yardstick every branch is measured with)`);
  }
  if (s.data === null || typeof s.data !== "object") throw new AntitrainError('settings.data must describe the data, e.g. { dataset: "digits" }');
}
