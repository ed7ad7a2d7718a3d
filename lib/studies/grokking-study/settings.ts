/**
 * The grokking study's settings (notebook 09): the modular-addition task, the one-block transformer of Nanda et al.
 * scaled down, AdamW, the evaluation cadence, the Grokfast tuning grid and the p = 59 replication — plain JSON, so a
 * seed worker rebuilds everything from them.
 */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requireInRange, requirePositiveInt, requireSeed } from "../../base/validate";
import type { StudySize } from "../study";

/** The arms of the p = 31 study, in table order. */
export const GROK_ARMS = ["baseline", "grokfast", "grokfast-tuned", "antitrain"] as const;
export type GrokArm = (typeof GROK_ARMS)[number];

/** The arms of the replication (Grokfast at the paper's values is left out there). */
export const REPLICATION_ARMS = ["baseline", "grokfast-tuned", "antitrain"] as const satisfies readonly GrokArm[];

/** One Grokfast-EMA setting: the EMA's decay α and the amplification λ (λ = 0: the filter off). */
export interface GrokfastSetting {
  readonly alpha: number;
  readonly lambda: number;
}

/** The transformer's shape (vocabulary, sequence length and classes come from the task). */
export interface GrokModel {
  readonly dModel: number;
  readonly heads: number;
  readonly dMlp: number;
  readonly layers: number;
  readonly layerNorm: boolean;
}

/** The replication at a larger modulus with the tuned Grokfast setting (not retuned). */
export interface GrokReplication {
  readonly p: number;
  readonly trainFraction: number;
  readonly steps: number;
}

/** Settings of the grokking study. */
export interface GrokSettings {
  /** Modulus of a + b mod p. */
  readonly p: number;
  /** Share of the p² pairs that train; the rest: half held-out (antitraining's measurements only), half test. */
  readonly trainFraction: number;
  readonly model: GrokModel;
  /** AdamW (betas 0.9, 0.98). */
  readonly learningRate: number;
  readonly weightDecay: number;
  /** Full-batch steps at most per run. */
  readonly steps: number;
  /** Evaluation and held-out importance cadence. */
  readonly evalEvery: number;
  /** "Grokked": test accuracy at least this. */
  readonly target: number;
  /** Grokfast (α, λ) settings tried on the tuning seeds; the best with λ > 0 becomes the "grokfast-tuned" arm. */
  readonly grokfastGrid: readonly GrokfastSetting[];
  /** Seeds whose runs of every arm measure held-out roles (the role charts); "antitrain" always measures. */
  readonly measureSeeds: readonly number[];
  readonly replication: GrokReplication;
}

const FULL_GRID: readonly GrokfastSetting[] = [
  { alpha: 0.98, lambda: 0 },
  ...[0.9, 0.98].flatMap((alpha) => [0.25, 0.5, 1.0, 2.0].map((lambda) => ({ alpha, lambda }))),
];

/**
 * The study's settings by size: "full" (the numbers notebook 09 quotes: p = 31, 1500 steps, 8 Grokfast settings,
 * replication at p = 59), "quick" (p = 23, 100 steps: a smoke test), "tiny" (p = 7, a tiny model, seconds).
 *
 * @example
 * const s = grokSettings("full");   // s.p === 31, s.replication.p === 59
 */
export function grokSettings(size: StudySize): GrokSettings {
  const quick = size !== "full";
  const common = { learningRate: 1e-2, weightDecay: 1.0, target: 0.95, measureSeeds: [0] };
  if (size === "tiny") {
    return {
      ...common,
      p: 7,
      trainFraction: 0.5,
      model: { dModel: 8, heads: 2, dMlp: 8, layers: 1, layerNorm: false },
      steps: 20,
      evalEvery: 10,
      grokfastGrid: [{ alpha: 0.98, lambda: 0 }, { alpha: 0.98, lambda: 0.5 }],
      replication: { p: 7, trainFraction: 0.4, steps: 10 },
    };
  }
  return {
    ...common,
    p: quick ? 23 : 31,
    trainFraction: 0.5,
    model: { dModel: 32, heads: 4, dMlp: quick ? 64 : 128, layers: 1, layerNorm: false },
    steps: quick ? 100 : 1500,
    evalEvery: 50,
    grokfastGrid: quick ? [{ alpha: 0.98, lambda: 0 }, { alpha: 0.98, lambda: 0.5 }] : FULL_GRID,
    replication: { p: quick ? 23 : 59, trainFraction: 0.4, steps: quick ? 60 : 3000 },
  };
}

const KEYS = ["p", "trainFraction", "model", "learningRate", "weightDecay", "steps", "evalEvery", "target", "grokfastGrid", "measureSeeds", "replication"];

function checkTask(p: number, trainFraction: number, steps: number, where: string): void {
  requirePositiveInt(p, `${where}p`);
  if (p < 3) throw new AntitrainError(`${where}p must be at least 3 (a + b mod p needs pairs to hold out), got ${p}`);
  requireInRange(trainFraction, `${where}trainFraction`, { min: 0, max: 1, minOpen: true, maxOpen: true }, "e.g. 0.5 trains on half the pairs");
  requirePositiveInt(steps, `${where}steps`);
}

/**
 * Refuses settings the study cannot run, naming the fix.
 *
 * @example
 * checkGrokSettings({ ...grokSettings("quick"), evalEvery: 0 });   // AntitrainError: evalEvery must be a positive integer …
 */
export function checkGrokSettings(s: GrokSettings): void {
  requireKnownKeys(s, KEYS, "the grokking study's settings");
  checkTask(s.p, s.trainFraction, s.steps, "");
  requireKnownKeys(s.model, ["dModel", "heads", "dMlp", "layers", "layerNorm"], "settings.model");
  for (const key of ["dModel", "heads", "dMlp", "layers"] as const) requirePositiveInt(s.model[key], `model.${key}`);
  if (s.model.dModel % s.model.heads !== 0) throw new AntitrainError(`model.dModel (${s.model.dModel}) must be a multiple of model.heads (${s.model.heads})`);
  requireInRange(s.learningRate, "learningRate", { min: 0, max: 1, minOpen: true }, "e.g. 1e-2");
  requireInRange(s.weightDecay, "weightDecay", { min: 0, max: 10 }, "e.g. 1.0 (Nanda et al.)");
  requirePositiveInt(s.evalEvery, "evalEvery");
  requireInRange(s.target, "target", { min: 0, max: 1, minOpen: true }, "e.g. 0.95 for 95% test accuracy");
  if (!Array.isArray(s.grokfastGrid) || !s.grokfastGrid.some((g) => g.lambda > 0)) {
    throw new AntitrainError("grokfastGrid needs at least one setting with lambda > 0 (the tuned arm), e.g. [{ alpha: 0.98, lambda: 0 }, { alpha: 0.98, lambda: 0.5 }]");
  }
  for (const g of s.grokfastGrid) {
    requireInRange(g.alpha, "grokfastGrid alpha", { min: 0, max: 1, maxOpen: true }, "e.g. 0.98");
    requireInRange(g.lambda, "grokfastGrid lambda", { min: 0, max: 100 }, "e.g. 2.0 (0: the filter off)");
  }
  if (!Array.isArray(s.measureSeeds)) throw new AntitrainError("measureSeeds must be a list of seeds, e.g. [0] (or [] to measure roles only in the antitrain arm)");
  for (const seed of s.measureSeeds) requireSeed(seed, "measureSeeds");
  requireKnownKeys(s.replication, ["p", "trainFraction", "steps"], "settings.replication");
  checkTask(s.replication.p, s.replication.trainFraction, s.replication.steps, "replication.");
}
