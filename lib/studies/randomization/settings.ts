/**
 * The settings of the randomization study (notebook 07): part 1, a ground truth on a small layer (a 64→T→10 MLP with
 * three planted units, every coalition enumerated for exact Shapley values); part 2, one wider MLP on digits,
 * pretrained, its methods' rankings compared, then continued with an antitrainer per method and plainly.
 */
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { RANDOMIZE_METHODS, type RandomizeMethod } from "../../measure/randomize";
import type { DataDescription } from "../data";
import type { StudySize } from "../study";
import { PLANTED_KINDS } from "./planted";
import { MAX_SHAPLEY_PLAYERS } from "./shapley";

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
  /** Part 1: trained units of the small model's h1 (three planted units are added; at most 12 in all). */
  readonly smallTrained: number;
  /** Part 1: Adam steps training the small model. */
  readonly smallSteps: number;
  /** Part 1: the small model's learning rate. */
  readonly smallLearningRate: number;
  /** Part 1: random draws averaged in each random method's own coalition game (gaussian, resample). */
  readonly shapleySamples: number;
  /** Part 1: random draws averaged in the reference game (joint resample). */
  readonly referenceSamples: number;
  /** Part 1: k of the top-k overlap with the reference Shapley values. */
  readonly topK: number;
}

const KEYS = ["data", "hidden", "pretrain", "more", "cycle", "fraction", "samples", "methods", "learningRate", "smallTrained", "smallSteps", "smallLearningRate", "shapleySamples", "referenceSamples", "topK"];

/**
 * The study's named settings: `full` (10 seeds in the notebook; part 1: 9 trained + 3 planted units, 4096
 * coalitions; part 2: 600 + 1600 steps, 3 draws), `quick` (the notebook's default smoke test: 5 + 3 units, 100 + 60
 * steps, 1 draw) and `tiny` (the contract test: 3 + 3 units, 8 units in part 2, 200 training rows). Every knob is
 * fixed in advance: the study tunes nothing.
 *
 * @example
 * randomizationSettings("quick").pretrain;   // 100
 */
export function randomizationSettings(size: StudySize): RandomizationSettings {
  const methods: RandomizeMethod[] = ["gaussian", "resample", "mean", "zero"];
  switch (size) {
    case "full":
      return { data: { dataset: "digits" }, hidden: 128, pretrain: 600, more: 1600, cycle: 100, fraction: 0.5, samples: 3, methods, learningRate: 1e-3, ...small(9, 1500, 8, 16) };
    case "quick":
      return { data: { dataset: "digits" }, hidden: 128, pretrain: 100, more: 60, cycle: 100, fraction: 0.5, samples: 1, methods, learningRate: 1e-3, ...small(5, 300, 2, 4) };
    case "tiny":
      return { data: { dataset: "digits", trainLimit: 200, test: 100 }, hidden: 8, pretrain: 30, more: 10, cycle: 5, fraction: 0.5, samples: 1, methods, learningRate: 1e-3, ...small(3, 30, 2, 2) };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/** Part 1's knobs: trained units, steps, draws of the own games and of the reference game; k = 3, lr 1e-2. */
function small(smallTrained: number, smallSteps: number, shapleySamples: number, referenceSamples: number) {
  return { smallTrained, smallSteps, smallLearningRate: 1e-2, shapleySamples, referenceSamples, topK: 3 };
}

/**
 * Refuses settings the study cannot run, naming the fix.
 *
 * @example
 * checkRandomizationSettings({ ...randomizationSettings("quick"), methods: ["mean"] });   // throws: include "gaussian"
 */
export function checkRandomizationSettings(s: RandomizationSettings): void {
  requireKnownKeys(s, KEYS, "the randomization study's settings");
  for (const key of ["hidden", "pretrain", "more", "cycle", "samples", "smallTrained", "smallSteps", "shapleySamples", "referenceSamples", "topK"] as const) requirePositiveInt(s[key], `settings.${key}`);
  requireFraction(s.fraction, "settings.fraction");
  for (const key of ["learningRate", "smallLearningRate"] as const) {
    if (!(typeof s[key] === "number" && s[key] > 0 && Number.isFinite(s[key]))) {
      throw new AntitrainError(`settings.${key} must be a positive number such as 1e-3, got ${String(s[key])}`);
    }
  }
  const players = s.smallTrained + PLANTED_KINDS.length;
  if (players > MAX_SHAPLEY_PLAYERS) {
    throw new AntitrainError(`settings.smallTrained + ${PLANTED_KINDS.length} planted units must be at most ${MAX_SHAPLEY_PLAYERS} (exact Shapley values enumerate 2^n coalitions), got ${players}: use smallTrained ≤ ${MAX_SHAPLEY_PLAYERS - PLANTED_KINDS.length}`);
  }
  if (s.topK > s.smallTrained) throw new AntitrainError(`settings.topK must be at most settings.smallTrained (${s.smallTrained}), got ${s.topK}`);
  if (!Array.isArray(s.methods) || new Set(s.methods).size !== s.methods.length || s.methods.some((m) => !RANDOMIZE_METHODS.includes(m))) {
    throw new AntitrainError(`settings.methods must be distinct randomization methods out of ${RANDOMIZE_METHODS.join(", ")}, got ${JSON.stringify(s.methods)}`);
  }
  for (const needed of ["gaussian", "resample"] as const) {
    if (!s.methods.includes(needed)) throw new AntitrainError(`settings.methods must include "${needed}" (gaussian is the notes' method, resample the yardstick every branch is measured with)`);
  }
  if (s.data === null || typeof s.data !== "object") throw new AntitrainError('settings.data must describe the data, e.g. { dataset: "digits" }');
}
