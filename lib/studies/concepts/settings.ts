/** The settings of notebook 12's concept study: what is trained, how long, and which units should host the concept. */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { concept } from "../../analysis/concept";
import type { StudySize } from "../study";

/** The concept of notebook 12: the parity of a digit (0 = even, 1 = odd), one value per class. */
export const PARITY: readonly number[] = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];

/** Settings of the concept study (plain JSON). */
export interface ConceptsSettings {
  /** The digits (a `studyData` description; the tiny setting trims the training rows). */
  readonly data: { readonly dataset: "digits"; readonly trainLimit?: number };
  /** Width of the hidden layer (site "h1") of the 64 → hidden → 10 MLP. */
  readonly hidden: number;
  /** The units the concept should flow through. */
  readonly conceptUnits: readonly number[];
  /** The concept: its name and its value for each class. */
  readonly concept: { readonly name: string; readonly values: readonly number[] };
  /** Plain training steps first (Adam 1e-3, batch 64). */
  readonly pretrain: number;
  /** Then this many steps, each followed by one concept antitrain step (the control gets none). */
  readonly steps: number;
  /** Adam learning rate of the concept antitraining optimizer. */
  readonly antiLearningRate: number;
  /** The concept units' means are refreshed every this many steps. */
  readonly statsEvery: number;
}

const KEYS = ["data", "hidden", "conceptUnits", "concept", "pretrain", "steps", "antiLearningRate", "statsEvery"];

/**
 * The named settings: "full" and "quick" are notebook 12's FULL and QUICK constants (300 plain steps, then 2000 or
 * 300 steps with concept antitraining, 4 of 32 units); "tiny" runs the whole protocol in a few seconds.
 *
 * @example
 * const s = conceptsSettings("quick");   // s.steps === 300
 */
export function conceptsSettings(size: StudySize): ConceptsSettings {
  const common = { concept: { name: "parity", values: [...PARITY] }, antiLearningRate: 0.02 };
  if (size === "tiny") {
    return { data: { dataset: "digits", trainLimit: 200 }, hidden: 8, conceptUnits: [0, 1], ...common, pretrain: 20, steps: 20, statsEvery: 10 };
  }
  return { data: { dataset: "digits" }, hidden: 32, conceptUnits: [0, 1, 2, 3], ...common, pretrain: 300, steps: size === "full" ? 2000 : 300, statsEvery: 100 };
}

/**
 * Refuses settings the concept study cannot run, naming the fix.
 *
 * @example
 * checkConceptsSettings({ ...conceptsSettings("quick"), conceptUnits: [40] });   // throws: units must be below hidden
 */
export function checkConceptsSettings(s: ConceptsSettings): void {
  if (s === null || typeof s !== "object") throw new AntitrainError("the concept study needs settings such as conceptsSettings(\"quick\")");
  requireKnownKeys(s, KEYS, "the concept study's settings");
  if (s.data?.dataset !== "digits") throw new AntitrainError(`the concept study runs on the digits: data must be { dataset: "digits" }, got ${JSON.stringify(s.data)}`);
  for (const k of ["hidden", "pretrain", "steps", "statsEvery"] as const) requirePositiveInt(s[k], k);
  const units = s.conceptUnits;
  if (!Array.isArray(units) || units.length === 0 || new Set(units).size !== units.length || !units.every((u) => Number.isInteger(u) && u >= 0 && u < s.hidden)) {
    throw new AntitrainError(`conceptUnits must be distinct unit indices below hidden (${s.hidden}), e.g. [0, 1, 2, 3], got ${JSON.stringify(units)}`);
  }
  if (units.length >= s.hidden) throw new AntitrainError(`conceptUnits takes all ${s.hidden} units: leave some other units for the concept to flow around`);
  if (!(typeof s.antiLearningRate === "number" && s.antiLearningRate > 0)) throw new AntitrainError(`antiLearningRate must be a positive number such as 0.02, got ${s.antiLearningRate}`);
  if (s.concept === null || typeof s.concept !== "object" || !Array.isArray(s.concept.values) || s.concept.values.length !== 10) {
    throw new AntitrainError(`concept must be { name, values } with one value per digit class (10), e.g. { name: "parity", values: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1] }`);
  }
  concept(s.concept.name, s.concept.values);
}
