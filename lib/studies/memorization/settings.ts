/**
 * The settings of the generalizing-vs-memorizing study (notebook 08): small-data digits with a share of wrong labels,
 * a clean held-out pool that the held-out-core arm measures on, a clean validation split that picks every arm's knob
 * on tuning seeds, and five training arms of one MLP at one update budget. The keys are the results file's.
 */
import { AntitrainError } from "../../base/errors";
import { requireInRange, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { antitrainL9 } from "../compression/grids";
import type { StudySize } from "../study";

/**
 * The training arms, in table order: plain training; antitraining with the core measured on the (noisy) training
 * data and on the clean held-out rows (the notes' idea); example-tied dropout (Maini et al. 2023, the published
 * method for localizing memorization); and plain training on the training and held-out rows (a control that trains
 * on the 150 extra labels the held-out-core arm only measures on).
 */
export const MEMORIZATION_ARMS = ["plain", "antitrain, training core", "antitrain, held-out core", "example-tied dropout", "plain on train + held-out"] as const;
export type MemorizationArm = (typeof MEMORIZATION_ARMS)[number];

/** The arm every other is paired against: antitraining with the core measured on held-out data. */
export const MEMORIZATION_REFERENCE: MemorizationArm = "antitrain, held-out core";

/**
 * Antitraining's four knobs, tuned jointly: the antitrained core's share of the accuracy damage, the training steps
 * between re-measurements of the core, the antitrain steps after each training step (the update budget after the
 * warm-up split 1 : antiSteps) and the antitrain steps' Adam rate.
 */
export interface MemorizationAntitrainConfig {
  readonly fraction: number;
  readonly cycle: number;
  readonly antiSteps: number;
  readonly antiLearningRate: number;
}

/**
 * One configuration of one arm (the knobs the validation split chooses): plain arms a learning rate; antitraining
 * its four knobs ({@link MemorizationAntitrainConfig}); example-tied dropout the share of units that are generalization units
 * (always active) and the share of the memorization units each example is tied to.
 */
export type MemorizationArmConfig = { readonly learningRate: number } | MemorizationAntitrainConfig | { readonly pGen: number; readonly pMem: number };

/** The unit rankings part 1 compares: which units of the plainly trained model hold the memorized wrong labels? */
export const MEMORIZATION_RANKINGS = ["randomization, train vs held-out", "gradient, train vs held-out", "gradient, noisy vs clean", "random"] as const;
export type MemorizationRanking = (typeof MEMORIZATION_RANKINGS)[number];

/** Every knob of the study (plain JSON; snake_case where earlier results files had it). */
export interface MemorizationSettings {
  /** Training examples: the first rows of digits' training split (limited to train_examples + held_out + validation). */
  readonly train_examples: number;
  /** Clean examples after them: the held-out-core arm measures its core on them; the control arm trains on them. */
  readonly held_out: number;
  /** Clean examples after those: each arm's knob is chosen on them (tuning seeds), never on the test split. */
  readonly validation: number;
  /** Share of training labels replaced by a wrong one (uniform over the other classes). */
  readonly noise: number;
  /** Units of `h1` of the 64→hidden→10 ReLU MLP. */
  readonly hidden: number;
  /** Optimizer updates of every arm (Adam, batch `batchSize`; antitrain updates counted). */
  readonly steps: number;
  /** Antitraining arms: plain updates before each training update is followed by `antiSteps` antitrain updates (`steps − warmup` a multiple of 1 + antiSteps). */
  readonly warmup: number;
  /** Random draws averaged per importance measurement. */
  readonly samples: number;
  /** Adam's learning rate of the training updates of the arms whose knob is not a learning rate (antitraining, example-tied dropout). */
  readonly learningRate: number;
  readonly batchSize: number;
  /** Units set to their mean in part 1's causal check, per ranking (e.g. [8, 16, 32]). */
  readonly ablate: readonly number[];
  /** Each arm's configurations (the same number per arm); the validation split picks one per arm. */
  readonly grid: Readonly<Record<MemorizationArm, readonly MemorizationArmConfig[]>>;
}

const KEYS = ["train_examples", "held_out", "validation", "noise", "hidden", "steps", "warmup", "samples", "learningRate", "batchSize", "ablate", "grid"];

const ANTITRAIN_KEYS = ["fraction", "cycle", "antiSteps", "antiLearningRate"] as const;

/** The plain arms' nine learning rates: the earlier grid (3e-4, 1e-3, 3e-3) and beyond it on both sides. */
const LEARNING_RATES = [1e-4, 2e-4, 3e-4, 5e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2].map((learningRate) => ({ learningRate }));

/**
 * Antitraining's nine configurations, its four knobs jointly as an L9 orthogonal array ({@link antitrainL9}, as
 * studies 04 and 15 tune them): share 0.9, 0.5, 0.98 (the earlier grid was 0.5, 0.9, 0.95); the core re-measured
 * every 50, 25, 100 training steps (earlier 50); 1, 2, 3 antitrain steps after each training step (earlier 1); the
 * antitrain steps' Adam rate 1e-3, 3e-4, 3e-3 (earlier 1e-3). The first is the quick setting.
 */
const ANTITRAIN_L9: readonly MemorizationAntitrainConfig[] = antitrainL9({ fraction: [0.9, 0.5, 0.98], cycle: [50, 25, 100], antiSteps: [1, 2, 3], antiLearningRate: [1e-3, 3e-4, 3e-3] }).map(
  (m) => ({ fraction: m.fraction as number, cycle: m.cycle as number, antiSteps: m.antiSteps as number, antiLearningRate: m.antiLearningRate as number }),
);

/**
 * Example-tied dropout's nine: p_gen 0.4, 0.6, 0.8 × p_mem 0.05, 0.1, 0.2 (the earlier grid was p_gen 0.2, 0.4, 0.6 at
 * p_mem 0.1, and chose 0.6, its edge; 0.2 scored lowest, so the grid moves up and keeps 0.4 and 0.6).
 */
const EXAMPLE_TIED = [0.4, 0.6, 0.8].flatMap((pGen) => [0.05, 0.1, 0.2].map((pMem) => ({ pGen, pMem })));

/** The full run's grid: nine configurations per arm. */
const GRID: MemorizationSettings["grid"] = {
  plain: LEARNING_RATES,
  "antitrain, training core": ANTITRAIN_L9,
  "antitrain, held-out core": ANTITRAIN_L9,
  "example-tied dropout": EXAMPLE_TIED,
  "plain on train + held-out": LEARNING_RATES,
};

/** The quick run's grid: one configuration per arm (nothing tuned), each one of the full grid's (lr 1e-3, antitraining's first, p_gen 0.6 at p_mem 0.1). */
const QUICK_GRID: MemorizationSettings["grid"] = {
  plain: [{ learningRate: 1e-3 }],
  "antitrain, training core": [ANTITRAIN_L9[0]],
  "antitrain, held-out core": [ANTITRAIN_L9[0]],
  "example-tied dropout": [{ pGen: 0.6, pMem: 0.1 }],
  "plain on train + held-out": [{ learningRate: 1e-3 }],
};

/** The contract test's grid: two configurations per arm (antitraining's second with two antitrain steps per training step). */
const TINY_ANTITRAIN: readonly MemorizationAntitrainConfig[] = [
  { fraction: 0.5, cycle: 10, antiSteps: 1, antiLearningRate: 1e-3 },
  { fraction: 0.9, cycle: 5, antiSteps: 2, antiLearningRate: 3e-3 },
];
const TINY_GRID: MemorizationSettings["grid"] = {
  plain: [{ learningRate: 1e-3 }, { learningRate: 3e-3 }],
  "antitrain, training core": TINY_ANTITRAIN,
  "antitrain, held-out core": TINY_ANTITRAIN,
  "example-tied dropout": [{ pGen: 0.4, pMem: 0.1 }, { pGen: 0.6, pMem: 0.1 }],
  "plain on train + held-out": [{ learningRate: 1e-3 }, { learningRate: 3e-3 }],
};

/**
 * The study's named settings: `full` (800 updates per arm, 3 draws, ablating 8, 16 and 32 units, nine configurations
 * per arm; the notebook runs 10 seeds and 2 tuning seeds), `quick` (the notebook's default: 500 updates, 1 draw, one
 * configuration per arm, one seed and one tuning seed) and `tiny` (the contract test: 16 units, 40 updates, two
 * configurations per arm).
 *
 * @example
 * memorizationSettings("full").steps;   // 800
 */
export function memorizationSettings(size: StudySize): MemorizationSettings {
  const sizes = { train_examples: 300, held_out: 150, validation: 200, noise: 0.2, hidden: 128 };
  const optimizer = { learningRate: 1e-3, batchSize: 64 };
  switch (size) {
    case "full":
      return { ...sizes, steps: 800, warmup: 200, samples: 3, ...optimizer, ablate: [8, 16, 32], grid: GRID };
    case "quick":
      return { ...sizes, steps: 500, warmup: 100, samples: 1, ...optimizer, ablate: [16], grid: QUICK_GRID };
    case "tiny":
      return { ...sizes, train_examples: 100, held_out: 50, validation: 50, hidden: 16, steps: 40, warmup: 10, samples: 1, ...optimizer, ablate: [4], grid: TINY_GRID };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/** The configuration's short label, e.g. "lr 0.003", "fraction 0.5, cycle 25, 1:2 at anti lr 0.0003", "p_gen 0.4, p_mem 0.1". */
export function configLabel(c: MemorizationArmConfig): string {
  if ("learningRate" in c) return `lr ${c.learningRate}`;
  if ("fraction" in c) return `fraction ${c.fraction}, cycle ${c.cycle}, 1:${c.antiSteps} at anti lr ${c.antiLearningRate}`;
  return `p_gen ${c.pGen}, p_mem ${c.pMem}`;
}

/** The kind of knob each arm takes. */
function knobOf(arm: MemorizationArm): "learningRate" | "fraction" | "pGen" {
  if (arm === "example-tied dropout") return "pGen";
  return arm.startsWith("antitrain") ? "fraction" : "learningRate";
}

function checkConfig(s: MemorizationSettings, arm: MemorizationArm, c: MemorizationArmConfig): void {
  const knob = knobOf(arm);
  const example = { learningRate: "{ learningRate: 1e-3 }", fraction: "{ fraction: 0.9, cycle: 50, antiSteps: 1, antiLearningRate: 1e-3 }", pGen: "{ pGen: 0.4, pMem: 0.1 }" }[knob];
  if (c === null || typeof c !== "object" || !(knob in c)) throw new AntitrainError(`settings.grid["${arm}"]: every configuration must be like ${example}, got ${JSON.stringify(c)}`);
  requireKnownKeys(c, knob === "pGen" ? ["pGen", "pMem"] : knob === "fraction" ? [...ANTITRAIN_KEYS] : [knob], `settings.grid["${arm}"]'s configuration`);
  const where = `settings.grid["${arm}"]'s`;
  if ("learningRate" in c) requireInRange(c.learningRate, `${where} learningRate`, { min: 0, max: 1, minOpen: true }, "e.g. 1e-3");
  if ("fraction" in c) {
    requireInRange(c.fraction, `${where} fraction`, { min: 0, max: 1, minOpen: true }, "the share of units antitrained, e.g. 0.5");
    requirePositiveInt(c.cycle, `settings.grid["${arm}"]'s cycle (training steps between core measurements, e.g. 50)`);
    requirePositiveInt(c.antiSteps, `settings.grid["${arm}"]'s antiSteps (antitrain steps after each training step, e.g. 1)`);
    requireInRange(c.antiLearningRate, `${where} antiLearningRate`, { min: 0, max: 1, minOpen: true }, "e.g. 1e-3");
    if ((s.steps - s.warmup) % (1 + c.antiSteps) !== 0) {
      throw new AntitrainError(
        `settings.steps − settings.warmup (${s.steps - s.warmup}) must be a multiple of 1 + antiSteps (${1 + c.antiSteps}) for settings.grid["${arm}"]'s ${JSON.stringify(c)}: each training step is followed by antiSteps antitrain steps, so every arm makes settings.steps updates`,
      );
    }
  }
  if ("pGen" in c) {
    const share = { min: 0, max: 1, minOpen: true, maxOpen: true };
    requireInRange(c.pGen, `${where} pGen`, share, "the share of units that generalize, e.g. 0.4");
    requireInRange(c.pMem, `${where} pMem`, share, "the share of the memorization units each example gets, e.g. 0.1");
  }
}

/**
 * Refuses settings the study cannot run, naming the fix.
 *
 * @example
 * checkMemorizationSettings({ ...memorizationSettings("quick"), warmup: 600 });   // throws: warmup must be below steps
 * checkMemorizationSettings({ ...memorizationSettings("quick"), warmup: 101 });   // throws: steps − warmup must be a multiple of 1 + antiSteps
 */
export function checkMemorizationSettings(s: MemorizationSettings): void {
  if (s === null || typeof s !== "object") throw new AntitrainError('the generalizing-vs-memorizing study needs settings such as memorizationSettings("quick")');
  requireKnownKeys(s, KEYS, "the generalizing-vs-memorizing study's settings");
  for (const key of ["train_examples", "held_out", "validation", "hidden", "steps", "warmup", "samples", "batchSize"] as const) requirePositiveInt(s[key], `settings.${key}`);
  if (!(typeof s.noise === "number" && s.noise > 0 && s.noise < 1)) throw new AntitrainError(`settings.noise must be a share in (0, 1) such as 0.2, got ${String(s.noise)}`);
  if (s.warmup >= s.steps) throw new AntitrainError(`settings.warmup (${s.warmup}) must be below settings.steps (${s.steps}): the antitrainer needs steps after the warm-up`);
  if (!Array.isArray(s.ablate) || s.ablate.length === 0) throw new AntitrainError(`settings.ablate must list the unit counts to ablate, e.g. [8, 16, 32], got ${JSON.stringify(s.ablate)}`);
  for (const k of s.ablate) {
    requirePositiveInt(k, "a count in settings.ablate");
    if (k > s.hidden) throw new AntitrainError(`settings.ablate's ${k} cannot exceed settings.hidden (${s.hidden}): ablate at most the whole layer`);
  }
  const rows = s.train_examples + s.held_out + s.validation;
  if (rows > 1347) throw new AntitrainError(`train_examples + held_out + validation = ${rows} exceeds digits' 1347 training rows: use fewer`);
  if (!(typeof s.learningRate === "number" && s.learningRate > 0 && Number.isFinite(s.learningRate))) {
    throw new AntitrainError(`settings.learningRate must be a positive number such as 1e-3, got ${String(s.learningRate)}`);
  }
  if (s.grid === null || typeof s.grid !== "object") throw new AntitrainError("settings.grid must give every arm its configurations, e.g. memorizationSettings(\"full\").grid");
  requireKnownKeys(s.grid, [...MEMORIZATION_ARMS], "settings.grid");
  const counts = MEMORIZATION_ARMS.map((a) => s.grid[a]?.length);
  if (!counts.every((n) => typeof n === "number" && n > 0 && n === counts[0])) {
    throw new AntitrainError(`settings.grid must give every arm (${MEMORIZATION_ARMS.join(", ")}) the same number of configurations (≥ 1), got ${JSON.stringify(counts)}`);
  }
  for (const arm of MEMORIZATION_ARMS) for (const c of s.grid[arm]) checkConfig(s, arm, c);
}
