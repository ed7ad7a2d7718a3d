/**
 * The settings of the regularization study (notebook 03): small-data digits, a one-hidden-layer MLP, and the grids
 * of every method's own hyperparameter and of the learning rate. Plain JSON, checked by {@link checkRegularizationSettings}.
 */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { StudySize } from "../study";

/** The methods compared, in table order; antitraining is the reference. */
export const REGULARIZATION_METHODS = ["plain", "dropout", "L2", "L1 activations", "antitraining"] as const;
export type RegularizationMethod = (typeof REGULARIZATION_METHODS)[number];

/** Everything one run of the study needs (plain JSON). */
export interface RegularizationSettings {
  /** Training examples (small data: overfitting is the problem to regularize). */
  readonly trainExamples: number;
  /** Validation examples that pick each method's hyperparameters (the training rows after the first `trainExamples`). */
  readonly valExamples: number;
  /** Units of the one hidden layer `h1`. */
  readonly hidden: number;
  readonly batch: number;
  /** Optimizer updates, the same for every method (antitrain steps counted). */
  readonly steps: number;
  /** Antitraining: plain steps before the antitrainer starts (`steps − warmup` even). */
  readonly warmup: number;
  /** Antitraining: re-measure the core every `cycle` training steps. */
  readonly cycle: number;
  readonly learningRates: readonly number[];
  /** Dropout rates on `h1`. */
  readonly dropoutRates: readonly number[];
  /** `loss += l2 · Σ w²` over weight matrices. */
  readonly l2Values: readonly number[];
  /** `loss += l1 · mean over batch of Σ |h1|`. */
  readonly l1Values: readonly number[];
  /** The antitrained core's share of the accuracy damage. */
  readonly fractions: readonly number[];
}

/** One configuration: a method and its own hyperparameter (0 for plain). */
export interface RegularizationConfig {
  readonly method: RegularizationMethod;
  readonly hyper: number;
  readonly label: string;
}

const KEYS = ["trainExamples", "valExamples", "hidden", "batch", "steps", "warmup", "cycle", "learningRates", "dropoutRates", "l2Values", "l1Values", "fractions"];

/**
 * The named settings: `full` (10 seeds in the notebook, every grid), `quick` (a subset of every grid at 60 steps, the
 * notebook's default) and `tiny` (the contract test).
 *
 * @example
 * const s = regularizationSettings("quick");   // s.steps === 60, s.learningRates = [1e-3, 3e-3]
 */
export function regularizationSettings(size: StudySize): RegularizationSettings {
  const base = { trainExamples: 300, valExamples: 300, hidden: 128, batch: 64 };
  switch (size) {
    case "full":
      return { ...base, steps: 300, warmup: 100, cycle: 50, learningRates: [3e-4, 1e-3, 3e-3, 1e-2], dropoutRates: [0.2, 0.35, 0.5], l2Values: [1e-4, 1e-3, 1e-2], l1Values: [1e-4, 1e-3, 1e-2], fractions: [0.5, 0.9, 0.95, 0.99] };
    case "quick":
      return { ...base, steps: 60, warmup: 20, cycle: 20, learningRates: [1e-3, 3e-3], dropoutRates: [0.35], l2Values: [1e-3], l1Values: [1e-3], fractions: [0.5, 0.95] };
    case "tiny":
      return { trainExamples: 100, valExamples: 100, hidden: 16, batch: 32, steps: 12, warmup: 4, cycle: 4, learningRates: [3e-3], dropoutRates: [0.35], l2Values: [1e-3], l1Values: [1e-3], fractions: [0.5] };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

function requireGrid(values: unknown, name: string, ok: (v: number) => boolean, range: string): void {
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === "number" && ok(v))) {
    throw new AntitrainError(`regularization settings: ${name} must be a non-empty list of numbers ${range}, got ${JSON.stringify(values)}`);
  }
}

/**
 * Throws an AntitrainError naming the fix when the settings cannot be run.
 *
 * @example
 * checkRegularizationSettings({ ...regularizationSettings("quick"), warmup: 21 });   // throws: steps − warmup must be even
 */
export function checkRegularizationSettings(s: RegularizationSettings): void {
  requireKnownKeys(s, KEYS, "regularization settings");
  for (const key of ["trainExamples", "valExamples", "hidden", "batch", "steps", "cycle"] as const) requirePositiveInt(s[key], key);
  if (!(Number.isInteger(s.warmup) && s.warmup >= 0 && s.warmup < s.steps && (s.steps - s.warmup) % 2 === 0)) {
    throw new AntitrainError(`regularization settings: warmup must be a whole number below steps with steps − warmup even (antitraining splits the rest between training and antitrain steps), got warmup ${s.warmup}, steps ${s.steps}`);
  }
  if (s.trainExamples + s.valExamples > 1347) throw new AntitrainError(`regularization settings: trainExamples + valExamples must be at most 1347 (digits' training split), got ${s.trainExamples + s.valExamples}`);
  requireGrid(s.learningRates, "learningRates", (v) => v > 0 && Number.isFinite(v), "above 0");
  requireGrid(s.dropoutRates, "dropoutRates", (v) => v >= 0 && v < 1, "in [0, 1)");
  requireGrid(s.l2Values, "l2Values", (v) => v >= 0 && Number.isFinite(v), "≥ 0");
  requireGrid(s.l1Values, "l1Values", (v) => v >= 0 && Number.isFinite(v), "≥ 0");
  requireGrid(s.fractions, "fractions", (v) => v > 0 && v <= 1, "in (0, 1]");
}

/**
 * Every configuration of the study, in table order: plain, then each grid of its method.
 *
 * @example
 * regularizationConfigs(regularizationSettings("quick")).map((c) => c.label);
 * // ["plain", "dropout 0.35", "L2 0.001", "L1 act 0.001", "antitrain 0.5", "antitrain 0.95"]
 */
export function regularizationConfigs(s: RegularizationSettings): RegularizationConfig[] {
  return [
    { method: "plain", hyper: 0, label: "plain" },
    ...s.dropoutRates.map((r): RegularizationConfig => ({ method: "dropout", hyper: r, label: `dropout ${r}` })),
    ...s.l2Values.map((v): RegularizationConfig => ({ method: "L2", hyper: v, label: `L2 ${v}` })),
    ...s.l1Values.map((v): RegularizationConfig => ({ method: "L1 activations", hyper: v, label: `L1 act ${v}` })),
    ...s.fractions.map((f): RegularizationConfig => ({ method: "antitraining", hyper: f, label: `antitrain ${f}` })),
  ];
}
