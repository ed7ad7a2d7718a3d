/**
 * The settings of the generalizing-vs-memorizing study (notebook 08): small-data digits with a share of wrong labels,
 * a clean held-out pool for measuring, and four training variants of one MLP. The keys are the results file's.
 */
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { StudySize } from "../study";

/** Every knob of the study (plain JSON; snake_case where results/08-generalizing-vs-memorizing.json has it). */
export interface MemorizationSettings {
  /** Training examples: the first rows of digits' training split (limited to train_examples + held_out). */
  readonly train_examples: number;
  /** Clean examples after them, used only to measure importance and cores. */
  readonly held_out: number;
  /** Share of training labels replaced by a wrong one (uniform over the other classes). */
  readonly noise: number;
  /** Units of `h1` of the 64→hidden→10 ReLU MLP. */
  readonly hidden: number;
  /** Training steps of every variant (Adam, batch `batchSize`). */
  readonly steps: number;
  /** Antitraining variants: plain steps before the antitrainer starts. */
  readonly warmup: number;
  /** Steps between re-measurements of the antitrained core. */
  readonly cycle: number;
  /** The antitrained core's share of the accuracy damage. */
  readonly fraction: number;
  /** Units set to their mean in the causal check (most memorizing, most generalizing, random). */
  readonly ablate: number;
  /** Random draws averaged per importance measurement. */
  readonly samples: number;
  readonly learningRate: number;
  readonly batchSize: number;
}

const KEYS = ["train_examples", "held_out", "noise", "hidden", "steps", "warmup", "cycle", "fraction", "ablate", "samples", "learningRate", "batchSize"];

/**
 * The study's named settings: `full` (5 seeds of 800 steps, 3 draws), `quick` (the notebook's default: one seed of
 * 500 steps, still long enough to memorize, 1 draw) and `tiny` (the contract test: 16 units, 100 + 50 examples).
 *
 * @example
 * memorizationSettings("full").steps;   // 800
 */
export function memorizationSettings(size: StudySize): MemorizationSettings {
  const sizes = { train_examples: 300, held_out: 150, noise: 0.2, hidden: 128 };
  const rest = { fraction: 0.5, ablate: 16 };
  const optimizer = { learningRate: 1e-3, batchSize: 64 };
  switch (size) {
    case "full":
      return { ...sizes, steps: 800, warmup: 200, cycle: 50, ...rest, samples: 3, ...optimizer };
    case "quick":
      return { ...sizes, steps: 500, warmup: 150, cycle: 25, ...rest, samples: 1, ...optimizer };
    case "tiny":
      return { ...sizes, train_examples: 100, held_out: 50, hidden: 16, steps: 40, warmup: 10, cycle: 10, fraction: 0.5, ablate: 4, samples: 1, ...optimizer };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/**
 * Refuses settings the study cannot run, naming the fix.
 *
 * @example
 * checkMemorizationSettings({ ...memorizationSettings("quick"), warmup: 600 });   // throws: warmup must be below steps
 */
export function checkMemorizationSettings(s: MemorizationSettings): void {
  requireKnownKeys(s, KEYS, "the generalizing-vs-memorizing study's settings");
  for (const key of ["train_examples", "held_out", "hidden", "steps", "warmup", "cycle", "ablate", "samples", "batchSize"] as const) requirePositiveInt(s[key], `settings.${key}`);
  requireFraction(s.fraction, "settings.fraction");
  if (!(typeof s.noise === "number" && s.noise > 0 && s.noise < 1)) throw new AntitrainError(`settings.noise must be a share in (0, 1) such as 0.2, got ${String(s.noise)}`);
  if (s.warmup >= s.steps) throw new AntitrainError(`settings.warmup (${s.warmup}) must be below settings.steps (${s.steps}): the antitrainer needs steps after the warm-up`);
  if (s.ablate > s.hidden) throw new AntitrainError(`settings.ablate (${s.ablate}) cannot exceed settings.hidden (${s.hidden}): ablate at most the whole layer`);
  if (s.train_examples + s.held_out > 1347) throw new AntitrainError(`train_examples + held_out = ${s.train_examples + s.held_out} exceeds digits' 1347 training rows: use fewer`);
  if (!(typeof s.learningRate === "number" && s.learningRate > 0 && Number.isFinite(s.learningRate))) {
    throw new AntitrainError(`settings.learningRate must be a positive number such as 1e-3, got ${String(s.learningRate)}`);
  }
}
