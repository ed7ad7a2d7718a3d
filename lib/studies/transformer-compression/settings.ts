/**
 * Settings of notebook 10's two studies, plain JSON: attention heads of a modular-addition transformer and of a
 * character-level language model compressed to `keep` heads per block by four arms at the same fine-tuning budget:
 * antitraining the heads then the randomization ranking, plain fine-tuning then the randomization ranking, plain
 * fine-tuning then Michel et al.'s head importance, and Voita et al.'s hard-concrete gates with an L0 penalty.
 */
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireInRange, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { StudySize } from "../study";

/**
 * The arms, in table order; "antitrain" is the reference. Each fine-tunes a clone of the trained model for the same
 * number of optimizer updates, then every block keeps `keep` heads:
 * - "antitrain": interleaved antitraining of the heads (one antitrain step per site after each training step, both
 *   counted), then the randomization ranking;
 * - "randomization": plain fine-tuning, then the randomization ranking (resample, loss damage): the notes' ranking
 *   without antitraining, the control;
 * - "michel": the same plain fine-tuned model, then Michel et al. (2019)'s head importance E|∂L/∂ξ_h|;
 * - "voita": fine-tuning with a hard-concrete gate on every head and an L0 penalty λ (Voita et al. 2019), each step
 *   one update of weights and gates together; heads kept by their gates (closed gates first out).
 */
export const HEAD_ARMS = ["antitrain", "randomization", "michel", "voita"] as const;
export type HeadArm = (typeof HEAD_ARMS)[number];

/** One antitraining configuration: the antitrained core's fraction and the antitrain steps' Adam learning rate. */
export interface AntitrainKnobs {
  readonly fraction: number;
  readonly learningRate: number;
}

/** The configurations tried on the tuning seeds: the same number per tuned arm. */
export interface HeadGrids {
  /** Voita et al.'s L0 penalty weight λ. */
  readonly l0Lambda: readonly number[];
  readonly antitrain: readonly AntitrainKnobs[];
}

/** The knobs every study seed uses, chosen on the tuning seeds' validation split. */
export interface HeadChosen {
  readonly l0Lambda: number;
  readonly antitrain: AntitrainKnobs;
}

/** A transformer's shape (vocabulary, sequence length and classes come from the data). */
export interface CompressionModel {
  readonly dModel: number;
  readonly heads: number;
  readonly dMlp: number;
  readonly layers: number;
  readonly layerNorm: boolean;
}

/** What both studies share: the model, its training, the fine-tuning budget and the arms' knobs. */
export interface HeadCommon {
  readonly model: CompressionModel;
  /** AdamW (betas 0.9, 0.98) of training and of every arm's fine-tuning. */
  readonly learningRate: number;
  readonly weightDecay: number;
  /** Training steps before the arms (shared by every arm). */
  readonly trainSteps: number;
  /** Optimizer updates of every arm's fine-tuning (antitrain steps and gate updates counted). */
  readonly budget: number;
  /** Heads kept per block after fine-tuning (the headline's compression). */
  readonly keep: number;
  /** Antitraining re-measures the core every this many training steps. */
  readonly antiCycle: number;
  /** Adam learning rate of the hard-concrete gates' log α (their own optimizer, no weight decay). */
  readonly gateLearningRate: number;
  readonly grids: HeadGrids;
}

/** The modular-addition study. */
export interface ModularCompressionSettings extends HeadCommon {
  /** Modulus of a + b mod p. */
  readonly p: number;
  /** Share of the p² pairs that train (task seed 0); the rest test. */
  readonly trainFraction: number;
  /** Share of the training pairs the tuning seeds hold out as their validation split. */
  readonly validationFraction: number;
}

/** The character-level language model study. */
export interface CharLmSettings extends HeadCommon {
  /** TypeScript's own declaration files (node_modules/typescript/lib), read offline. */
  readonly files: readonly string[];
  /** Characters of their text kept. */
  readonly maxChars: number;
  /** Characters per example: the transformer's seqLen. */
  readonly window: number;
  /** Most frequent characters kept, minus one "other" id. */
  readonly vocab: number;
  /** Windows kept (90% train, 10% test), a seeded subsample. */
  readonly examples: number;
  /** Training blocks of text the tuning seeds hold out as their validation split (of the 18 training blocks). */
  readonly validationBlocks: number;
  readonly batchSize: number;
  /** Training windows that rank heads, fill removed heads with their mean and antitraining measures on. */
  readonly rankExamples: number;
}

/** Notebook 10's char-LM text: TypeScript's own declaration files, read offline from node_modules/typescript/lib. */
export const CHAR_LM_FILES: readonly string[] = ["lib.es5.d.ts", "lib.es2015.core.d.ts", "lib.es2015.collection.d.ts", "lib.es2015.promise.d.ts", "lib.es2015.iterable.d.ts"];

/**
 * Nine configurations per tuned arm (the full setting). Voita's λ on nine half-decade steps 3e-4 … 3, every value of
 * the earlier grid (0.001, 0.01, 0.1, 1) among them and half a decade past it on both sides (the earlier run chose
 * its smallest on modular addition and its largest on the char-LM). Antitraining's core fraction × antitrain rate
 * jointly as a 3 × 3 grid: fractions 0.5, 0.75 (a core near `keep` = 2 of 4 heads), 0.95; rates 3e-4, 1e-3, 3e-3
 * around the earlier choice 1e-3 (the earlier grid's 1e-2 lost on every tuning seed of both tasks, uncut accuracy
 * 0.67–0.79 against 0.99–1.00 on modular addition, so the finer steps around 1e-3 replace it).
 */
const FULL_GRIDS: HeadGrids = {
  l0Lambda: [3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3],
  antitrain: [0.5, 0.75, 0.95].flatMap((fraction) => [3e-4, 1e-3, 3e-3].map((learningRate) => ({ fraction, learningRate }))),
};

/** Two per tuned arm (tiny: the tuning code path with a choice to make). */
const SMALL_GRIDS: HeadGrids = {
  l0Lambda: [0.01, 0.1],
  antitrain: [
    { fraction: 0.5, learningRate: 1e-3 },
    { fraction: 0.95, learningRate: 1e-2 },
  ],
};

/** One per tuned arm (quick: a smoke test that does not pay for the tuning; nothing is chosen). */
const ONE_CONFIG: HeadGrids = {
  l0Lambda: [0.1],
  antitrain: [{ fraction: 0.5, learningRate: 1e-3 }],
};

/**
 * The modular-addition study's settings: "full" (p = 31, 4 heads kept to 2, 700 training steps, 300 fine-tuning
 * updates per arm, 9 configurations per tuned arm), "quick" (p = 23, one configuration per tuned arm: a smoke
 * test), "tiny" (p = 7, two configurations per tuned arm, seconds).
 *
 * @example
 * modularCompressionSettings("full").budget;   // 300
 */
export function modularCompressionSettings(size: StudySize): ModularCompressionSettings {
  const common = { trainFraction: 0.7, validationFraction: 0.2, learningRate: 1e-2, weightDecay: 1.0, gateLearningRate: 0.1 };
  if (size === "tiny") {
    return {
      ...common,
      p: 7,
      model: { dModel: 8, heads: 2, dMlp: 16, layers: 1, layerNorm: false },
      trainSteps: 30,
      budget: 6,
      keep: 1,
      antiCycle: 2,
      grids: SMALL_GRIDS,
    };
  }
  const quick = size === "quick";
  return {
    ...common,
    p: quick ? 23 : 31,
    model: { dModel: 32, heads: 4, dMlp: quick ? 64 : 128, layers: 1, layerNorm: false },
    trainSteps: quick ? 150 : 700,
    budget: quick ? 40 : 300,
    keep: 2,
    antiCycle: quick ? 10 : 25,
    grids: quick ? ONE_CONFIG : FULL_GRIDS,
  };
}

/**
 * The character-level language model's settings: "full" (150,000 characters, 20,000 windows, a 2-block d_model 32
 * model trained 800 steps, 4 heads per block kept to 2, 300 fine-tuning updates per arm, 9 configurations per
 * tuned arm), "quick" (40,000 characters, 60 steps, one configuration per tuned arm: a smoke test), "tiny" (a
 * few thousand characters, two configurations per tuned arm, seconds).
 *
 * @example
 * charLmSettings("full").model.layers;   // 2
 */
export function charLmSettings(size: StudySize): CharLmSettings {
  const common = { files: CHAR_LM_FILES, window: 16, vocab: 64, learningRate: 3e-3, weightDecay: 0.01, batchSize: 64, validationBlocks: 2, gateLearningRate: 0.1 };
  if (size === "tiny") {
    return {
      ...common,
      learningRate: 1e-2,
      window: 8,
      vocab: 16,
      maxChars: 6000,
      examples: 1000,
      model: { dModel: 8, heads: 2, dMlp: 16, layers: 2, layerNorm: false },
      trainSteps: 20,
      budget: 6,
      keep: 1,
      antiCycle: 2,
      rankExamples: 64,
      grids: SMALL_GRIDS,
    };
  }
  const quick = size === "quick";
  return {
    ...common,
    maxChars: quick ? 40_000 : 150_000,
    examples: quick ? 3000 : 20_000,
    model: { dModel: 32, heads: 4, dMlp: 64, layers: 2, layerNorm: false },
    trainSteps: quick ? 60 : 800,
    budget: quick ? 30 : 300,
    keep: 2,
    antiCycle: quick ? 5 : 25,
    rankExamples: quick ? 128 : 512,
    grids: quick ? ONE_CONFIG : FULL_GRIDS,
  };
}

const COMMON_KEYS = ["model", "learningRate", "weightDecay", "trainSteps", "budget", "keep", "antiCycle", "gateLearningRate", "grids"];

function checkModel(m: CompressionModel, layers: number | undefined): void {
  requireKnownKeys(m, ["dModel", "heads", "dMlp", "layers", "layerNorm"], "settings.model");
  for (const key of ["dModel", "heads", "dMlp", "layers"] as const) requirePositiveInt(m[key], `model.${key}`);
  if (m.dModel % m.heads !== 0) throw new AntitrainError(`model.dModel (${m.dModel}) must be a multiple of model.heads (${m.heads})`);
  if (layers !== undefined && m.layers !== layers) throw new AntitrainError(`model.layers must be ${layers} for this study, got ${m.layers}`);
}

/** The settings both studies share, checked: the budget must fit every arm, every tuned arm the same number of configurations. */
function checkCommon(s: HeadCommon, layers: number | undefined): void {
  checkModel(s.model, layers);
  requireInRange(s.learningRate, "learningRate", { min: 0, max: 1, minOpen: true }, "e.g. 1e-2");
  requireInRange(s.weightDecay, "weightDecay", { min: 0, max: 10 }, "e.g. 1.0");
  for (const key of ["trainSteps", "budget", "keep", "antiCycle"] as const) requirePositiveInt(s[key], key);
  if (s.keep >= s.model.heads) throw new AntitrainError(`keep (${s.keep}) must be fewer than model.heads (${s.model.heads}): otherwise no head is removed`);
  const sites = s.model.layers;
  if (s.budget < 1 + sites) {
    throw new AntitrainError(`budget (${s.budget}) must be at least ${1 + sites} updates: antitraining spends one training step and one antitrain step per block`);
  }
  requireInRange(s.gateLearningRate, "gateLearningRate", { min: 0, max: 10, minOpen: true }, "e.g. 0.1");
  const g = s.grids;
  if (g === null || typeof g !== "object") throw new AntitrainError("settings.grids must be { l0Lambda, antitrain }");
  requireKnownKeys(g, ["l0Lambda", "antitrain"], "settings.grids");
  if (!Array.isArray(g.l0Lambda) || g.l0Lambda.length === 0) throw new AntitrainError("grids.l0Lambda must be a non-empty list, e.g. [0.01, 0.1]");
  if (!Array.isArray(g.antitrain) || g.antitrain.length === 0) throw new AntitrainError("grids.antitrain must be a non-empty list, e.g. [{ fraction: 0.5, learningRate: 1e-3 }]");
  for (const l of g.l0Lambda) requireInRange(l, "grids.l0Lambda", { min: 0, max: 100, minOpen: true }, "e.g. 0.01 (λ = 0 gates nothing)");
  for (const a of g.antitrain) {
    requireKnownKeys(a, ["fraction", "learningRate"], "a grids.antitrain configuration");
    requireFraction(a.fraction, "grids.antitrain fraction");
    requireInRange(a.learningRate, "grids.antitrain learningRate", { min: 0, max: 1, minOpen: true }, "e.g. 1e-3");
  }
  if (g.l0Lambda.length !== g.antitrain.length) {
    throw new AntitrainError(`every tuned arm needs the same number of configurations (a fair tuning), got l0Lambda ${g.l0Lambda.length}, antitrain ${g.antitrain.length}: add or drop settings`);
  }
}

/**
 * Refuses modular-addition settings the study cannot run, naming the fix.
 *
 * @example
 * checkModularCompression({ ...modularCompressionSettings("quick"), keep: 4 });   // AntitrainError
 */
export function checkModularCompression(s: ModularCompressionSettings): void {
  requireKnownKeys(s, ["p", "trainFraction", "validationFraction", ...COMMON_KEYS], "the modular compression study's settings");
  requirePositiveInt(s.p, "p");
  if (s.p < 3) throw new AntitrainError(`p must be at least 3, got ${s.p}`);
  requireInRange(s.trainFraction, "trainFraction", { min: 0, max: 1, minOpen: true, maxOpen: true }, "e.g. 0.7 trains on 70% of the pairs");
  requireInRange(s.validationFraction, "validationFraction", { min: 0, max: 1, minOpen: true, maxOpen: true }, "e.g. 0.2 of the training pairs");
  checkCommon(s, 1);
}

/**
 * Refuses char-LM settings the study cannot run, naming the fix.
 *
 * @example
 * checkCharLm({ ...charLmSettings("quick"), validationBlocks: 0 });   // AntitrainError
 */
export function checkCharLm(s: CharLmSettings): void {
  requireKnownKeys(s, ["files", "maxChars", "window", "vocab", "examples", "validationBlocks", "batchSize", "rankExamples", ...COMMON_KEYS], "the char-LM study's settings");
  if (!Array.isArray(s.files) || s.files.length === 0 || s.files.some((f) => typeof f !== "string" || !/^lib\.[\w.]+\.d\.ts$/.test(f))) {
    throw new AntitrainError(`files must name TypeScript's own declaration files, e.g. ["lib.es5.d.ts"], got ${JSON.stringify(s.files)}`);
  }
  for (const key of ["maxChars", "window", "vocab", "examples", "validationBlocks", "batchSize", "rankExamples"] as const) requirePositiveInt(s[key], key);
  if (s.vocab < 2) throw new AntitrainError(`vocab must be at least 2 (one character plus "other"), got ${s.vocab}`);
  if (s.validationBlocks > 9) throw new AntitrainError(`validationBlocks must leave training text: at most 9 of the 18 training blocks, got ${s.validationBlocks}`);
  checkCommon(s, undefined);
}
