/**
 * The grokking study's settings (notebook 09): the modular-addition task, the one-block transformer of Nanda et al.
 * scaled down, AdamW, the evaluation cadence, the tuned arms' grids and the p = 59 replication — plain JSON, so a
 * seed worker rebuilds everything from them.
 */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requireInRange, requirePositiveInt, requireSeed } from "../../base/validate";
import type { StudySize } from "../study";

/**
 * The arms, in table order, at p and in the replication: the Nanda et al. recipe (AdamW, weight decay 1), AdamW with
 * its weight decay tuned, Grokfast-EMA (on the recipe's AdamW) with its (α, λ) tuned, and antitraining (on the
 * recipe's AdamW) with its cadence and learning rate tuned — each tuned arm with the same number of configurations.
 */
export const GROK_ARMS = ["baseline", "adamw-tuned", "grokfast-tuned", "antitrain"] as const;
export type GrokArm = (typeof GROK_ARMS)[number];

/** The replication runs every arm, with the knobs chosen at p (not retuned). */
export const REPLICATION_ARMS = GROK_ARMS;

/** The arms whose knobs the tuning seeds choose. */
export const GROK_TUNED_ARMS = ["adamw-tuned", "grokfast-tuned", "antitrain"] as const satisfies readonly GrokArm[];
export type GrokTunedArm = (typeof GROK_TUNED_ARMS)[number];

/** One Grokfast-EMA setting: the EMA's decay α and the amplification λ (λ = 0: the filter off). */
export interface GrokfastSetting {
  readonly alpha: number;
  readonly lambda: number;
}

/** One antitraining setting: one antitrain step after every `antiEvery` training steps, with its own Adam at `antiLearningRate`. */
export interface AntitrainSetting {
  readonly antiEvery: number;
  readonly antiLearningRate: number;
}

/** One configuration of a tuned arm: AdamW's weight decay, a Grokfast setting, or an antitraining setting. */
export type GrokKnobs = { readonly weightDecay: number } | GrokfastSetting | AntitrainSetting;

/** The configurations tried on the tuning seeds, one list per tuned arm, all of the same length. */
export interface GrokGrids {
  /** AdamW's decoupled weight decay ("adamw-tuned"). */
  readonly weightDecay: readonly number[];
  /** Grokfast-EMA's (α, λ), λ > 0, around the recipe's AdamW ("grokfast-tuned"). */
  readonly grokfast: readonly GrokfastSetting[];
  /** Antitraining's cadence and learning rate, beside the recipe's AdamW ("antitrain"). */
  readonly antitrain: readonly AntitrainSetting[];
}

/** The knobs every study seed uses, chosen on the tuning seeds. */
export interface GrokChosen {
  readonly weightDecay: number;
  readonly grokfast: GrokfastSetting;
  readonly antitrain: AntitrainSetting;
}

/** The transformer's shape (vocabulary, sequence length and classes come from the task). */
export interface GrokModel {
  readonly dModel: number;
  readonly heads: number;
  readonly dMlp: number;
  readonly layers: number;
  readonly layerNorm: boolean;
}

/** The replication at a larger modulus with the knobs tuned at p (not retuned). */
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
  /** AdamW (betas 0.9, 0.98) of every arm; `weightDecay` is the recipe's (every arm but "adamw-tuned"). */
  readonly learningRate: number;
  readonly weightDecay: number;
  /** Optimizer updates at most per run (training steps plus antitrain steps): the same budget for every arm. */
  readonly steps: number;
  /** Evaluation and held-out importance cadence, in updates. */
  readonly evalEvery: number;
  /** "Grokked": test accuracy at least this. */
  readonly target: number;
  /** Each tuned arm's configurations, tried on the tuning seeds at p; the fastest to 95% test becomes the arm. */
  readonly grids: GrokGrids;
  /** Seeds whose runs of every arm measure held-out roles (the role charts); "antitrain" always measures. */
  readonly measureSeeds: readonly number[];
  readonly replication: GrokReplication;
}

/**
 * Nine configurations per tuned arm, each centred on the configuration it chose from four before (commit e00bb85:
 * weight decay 1.0 from 0.1/0.3/1/3; Grokfast α 0.9, λ 2 from α 0.8/0.9 × λ 2/4; antitraining every 4th step at
 * 1e-2 from every 1st/4th × 1e-3/1e-2), with a neighbour on both sides of every knob. AdamW: nine weight decays 0.3–3
 * (at lr 1e-2 the recipe's decay is 10× Nanda et al.'s per step). Grokfast: α ∈ {0.85, 0.9, 0.95} × λ ∈ {1, 2, 3}
 * (the paper's α 0.98 was slowest here: RESULTS.md, 09's history). Antitraining: every 2nd, 4th or 8th step × its Adam
 * at 3e-3, 1e-2 or 3e-2.
 */
const FULL_GRIDS: GrokGrids = {
  weightDecay: [0.3, 0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0, 3.0],
  grokfast: [0.85, 0.9, 0.95].flatMap((alpha) => [1, 2, 3].map((lambda) => ({ alpha, lambda }))),
  antitrain: [2, 4, 8].flatMap((antiEvery) => [3e-3, 1e-2, 3e-2].map((antiLearningRate) => ({ antiEvery, antiLearningRate }))),
};

/** Two configurations per tuned arm (tiny and quick). */
const SMALL_GRIDS: GrokGrids = {
  weightDecay: [0.3, 1.0],
  grokfast: [{ alpha: 0.9, lambda: 2 }, { alpha: 0.98, lambda: 0.5 }],
  antitrain: [{ antiEvery: 1, antiLearningRate: 1e-3 }, { antiEvery: 4, antiLearningRate: 1e-2 }],
};

/**
 * The study's settings by size: "full" (the numbers notebook 09 quotes: p = 31, 1500 updates, 9 configurations per
 * tuned arm, replication at p = 59), "quick" (p = 23, 100 updates, 2 per tuned arm: a smoke test), "tiny" (p = 7, a
 * tiny model, seconds).
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
      grids: SMALL_GRIDS,
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
    grids: quick ? SMALL_GRIDS : FULL_GRIDS,
    replication: { p: quick ? 23 : 59, trainFraction: 0.4, steps: quick ? 60 : 3000 },
  };
}

const KEYS = ["p", "trainFraction", "model", "learningRate", "weightDecay", "steps", "evalEvery", "target", "grids", "measureSeeds", "replication"];

function checkTask(p: number, trainFraction: number, steps: number, where: string): void {
  requirePositiveInt(p, `${where}p`);
  if (p < 3) throw new AntitrainError(`${where}p must be at least 3 (a + b mod p needs pairs to hold out), got ${p}`);
  requireInRange(trainFraction, `${where}trainFraction`, { min: 0, max: 1, minOpen: true, maxOpen: true }, "e.g. 0.5 trains on half the pairs");
  requirePositiveInt(steps, `${where}steps`);
}

function nonEmptyList(value: unknown, name: string, example: string): void {
  if (!Array.isArray(value) || value.length === 0) throw new AntitrainError(`grids.${name} must be a non-empty list, e.g. ${example}`);
}

/** Each tuned arm's grid: non-empty, valid, and the same number of configurations for every arm (a fair tuning). */
function checkGrids(g: GrokGrids): void {
  if (g === null || typeof g !== "object") throw new AntitrainError("settings.grids must be { weightDecay, grokfast, antitrain }, e.g. grokSettings(\"quick\").grids");
  requireKnownKeys(g, ["weightDecay", "grokfast", "antitrain"], "settings.grids");
  nonEmptyList(g.weightDecay, "weightDecay", "[0.3, 1.0]");
  nonEmptyList(g.grokfast, "grokfast", "[{ alpha: 0.9, lambda: 2 }]");
  nonEmptyList(g.antitrain, "antitrain", "[{ antiEvery: 1, antiLearningRate: 1e-3 }]");
  for (const wd of g.weightDecay) requireInRange(wd, "grids.weightDecay", { min: 0, max: 10 }, "e.g. 1.0 (Nanda et al.)");
  for (const f of g.grokfast) {
    requireKnownKeys(f, ["alpha", "lambda"], "a grids.grokfast setting");
    requireInRange(f.alpha, "grids.grokfast alpha", { min: 0, max: 1, maxOpen: true }, "e.g. 0.98");
    requireInRange(f.lambda, "grids.grokfast lambda", { min: 0, max: 100, minOpen: true }, "e.g. 2.0 (λ = 0 is the baseline, already an arm)");
  }
  for (const a of g.antitrain) {
    requireKnownKeys(a, ["antiEvery", "antiLearningRate"], "a grids.antitrain setting");
    requirePositiveInt(a.antiEvery, "grids.antitrain antiEvery");
    requireInRange(a.antiLearningRate, "grids.antitrain antiLearningRate", { min: 0, max: 1, minOpen: true }, "e.g. 1e-3");
  }
  const sizes = [g.weightDecay.length, g.grokfast.length, g.antitrain.length];
  if (new Set(sizes).size !== 1) {
    throw new AntitrainError(`every tuned arm needs the same number of configurations (a fair tuning), got weightDecay ${sizes[0]}, grokfast ${sizes[1]}, antitrain ${sizes[2]}: add or drop settings`);
  }
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
  checkGrids(s.grids);
  if (!Array.isArray(s.measureSeeds)) throw new AntitrainError("measureSeeds must be a list of seeds, e.g. [0] (or [] to measure roles only in the antitrain arm)");
  for (const seed of s.measureSeeds) requireSeed(seed, "measureSeeds");
  requireKnownKeys(s.replication, ["p", "trainFraction", "steps"], "settings.replication");
  checkTask(s.replication.p, s.replication.trainFraction, s.replication.steps, "replication.");
}
