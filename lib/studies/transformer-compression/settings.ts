/**
 * Settings of notebook 10's two studies, plain JSON: the modular-addition transformer (heads, MLP neurons and
 * residual dimensions ranked three ways, then the notes' antitraining loop on the MLP) and the character-level
 * language model (the same on a two-block model of real text).
 */
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireInRange, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { StudySize } from "../study";

/** The three rankings compared at every site, in table order; "randomization" is the notes' information content. */
export const UNIT_RANKINGS = ["randomization", "magnitude", "gradient"] as const;
export type UnitRanking = (typeof UNIT_RANKINGS)[number];

/** A transformer's shape (vocabulary, sequence length and classes come from the data). */
export interface CompressionModel {
  readonly dModel: number;
  readonly heads: number;
  readonly dMlp: number;
  readonly layers: number;
  readonly layerNorm: boolean;
}

/** The modular-addition study. */
export interface ModularCompressionSettings {
  /** Modulus of a + b mod p. */
  readonly p: number;
  /** Share of the p² pairs that train (task seed 0); the rest test. */
  readonly trainFraction: number;
  readonly model: CompressionModel;
  /** AdamW (betas 0.9, 0.98, weight decay 1.0). */
  readonly learningRate: number;
  /** Full-batch steps before measuring. */
  readonly trainSteps: number;
  /** Antitraining: cycles of `cycle` training steps, one antitrain step after each step. */
  readonly antiCycles: number;
  readonly cycle: number;
  /** Antitrained core fractions, one arm each beside the plain control. */
  readonly antiFractions: readonly number[];
  /** Sites ranked and compressed (one block: every one can be removed physically). */
  readonly sites: readonly string[];
}

/** The character-level language model study. */
export interface CharLmSettings {
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
  readonly model: CompressionModel;
  /** AdamW (betas 0.9, 0.98, weight decay 0.01, batch 64). */
  readonly learningRate: number;
  readonly steps: number;
  /** Training windows the stats and the three rankings use. */
  readonly rankExamples: number;
  /** Test windows the units-kept curves use. */
  readonly evalExamples: number;
  /** The antitrained MLP. */
  readonly antiSite: string;
  /** Continued training steps, interleaved with one antitrain step per step. */
  readonly antiSteps: number;
  /** Core re-measured every this many steps. */
  readonly cycle: number;
  /** The antitrained core's fraction. */
  readonly antiFraction: number;
}

/** Notebook 10's char-LM text: TypeScript's own declaration files, read offline from node_modules/typescript/lib. */
export const CHAR_LM_FILES: readonly string[] = ["lib.es5.d.ts", "lib.es2015.core.d.ts", "lib.es2015.collection.d.ts", "lib.es2015.promise.d.ts", "lib.es2015.iterable.d.ts"];

/**
 * The modular-addition study's settings: "full" (notebook 10's quoted numbers: p = 31, 1000 steps, 3 cycles of
 * 100), "quick" (p = 23, 150 steps), "tiny" (p = 7, a tiny model, seconds).
 *
 * @example
 * modularCompressionSettings("full").trainSteps;   // 1000
 */
export function modularCompressionSettings(size: StudySize): ModularCompressionSettings {
  const common = { trainFraction: 0.7, learningRate: 1e-2, antiFractions: [0.95, 0.5], sites: ["blocks.0.attn", "blocks.0.mlp", "blocks.0.resid"] };
  if (size === "tiny") {
    return { ...common, p: 7, model: { dModel: 16, heads: 2, dMlp: 16, layers: 1, layerNorm: false }, trainSteps: 100, antiCycles: 1, cycle: 5 };
  }
  const quick = size === "quick";
  return {
    ...common,
    p: quick ? 23 : 31,
    model: { dModel: 32, heads: 4, dMlp: quick ? 64 : 128, layers: 1, layerNorm: false },
    trainSteps: quick ? 150 : 1000,
    antiCycles: quick ? 1 : 3,
    cycle: quick ? 50 : 100,
  };
}

/**
 * The character-level language model's settings: "full" (300,000 characters, 40,000 windows, 1500 steps), "quick"
 * (40,000 characters, 3000 windows, 60 steps), "tiny" (a few thousand characters, a tiny model, seconds).
 *
 * @example
 * charLmSettings("full").model.layers;   // 2
 */
export function charLmSettings(size: StudySize): CharLmSettings {
  const common = { files: CHAR_LM_FILES, window: 16, vocab: 64, learningRate: 3e-3, antiSite: "blocks.1.mlp", antiFraction: 0.5 };
  if (size === "tiny") {
    return {
      ...common,
      learningRate: 1e-2,
      window: 8,
      vocab: 16,
      maxChars: 6000,
      examples: 1000,
      model: { dModel: 16, heads: 2, dMlp: 16, layers: 2, layerNorm: false },
      steps: 80,
      rankExamples: 64,
      evalExamples: 100,
      antiSteps: 6,
      cycle: 3,
    };
  }
  const quick = size === "quick";
  return {
    ...common,
    maxChars: quick ? 40_000 : 300_000,
    examples: quick ? 3000 : 40_000,
    model: { dModel: quick ? 32 : 64, heads: 4, dMlp: quick ? 64 : 128, layers: 2, layerNorm: false },
    steps: quick ? 60 : 1500,
    rankExamples: quick ? 256 : 512,
    evalExamples: quick ? 300 : 1500,
    antiSteps: quick ? 40 : 400,
    cycle: quick ? 20 : 100,
  };
}

function checkModel(m: CompressionModel, layers: number | undefined): void {
  requireKnownKeys(m, ["dModel", "heads", "dMlp", "layers", "layerNorm"], "settings.model");
  for (const key of ["dModel", "heads", "dMlp", "layers"] as const) requirePositiveInt(m[key], `model.${key}`);
  if (m.dModel % m.heads !== 0) throw new AntitrainError(`model.dModel (${m.dModel}) must be a multiple of model.heads (${m.heads})`);
  if (layers !== undefined && m.layers !== layers) throw new AntitrainError(`model.layers must be ${layers} for this study (its sites are blocks.0.*), got ${m.layers}`);
}

/**
 * Refuses modular-addition settings the study cannot run, naming the fix.
 *
 * @example
 * checkModularCompression({ ...modularCompressionSettings("quick"), antiFractions: [] });   // AntitrainError
 */
export function checkModularCompression(s: ModularCompressionSettings): void {
  requireKnownKeys(s, ["p", "trainFraction", "model", "learningRate", "trainSteps", "antiCycles", "cycle", "antiFractions", "sites"], "the modular compression study's settings");
  requirePositiveInt(s.p, "p");
  if (s.p < 3) throw new AntitrainError(`p must be at least 3, got ${s.p}`);
  requireInRange(s.trainFraction, "trainFraction", { min: 0, max: 1, minOpen: true, maxOpen: true }, "e.g. 0.7 trains on 70% of the pairs");
  checkModel(s.model, 1);
  requireInRange(s.learningRate, "learningRate", { min: 0, max: 1, minOpen: true }, "e.g. 1e-2");
  for (const key of ["trainSteps", "antiCycles", "cycle"] as const) requirePositiveInt(s[key], key);
  if (!Array.isArray(s.antiFractions) || s.antiFractions.length === 0) throw new AntitrainError("antiFractions needs at least one core fraction to antitrain, e.g. [0.95, 0.5]");
  for (const f of s.antiFractions) requireFraction(f, "antiFractions");
  const known = ["blocks.0.attn", "blocks.0.mlp", "blocks.0.resid"];
  if (!Array.isArray(s.sites) || s.sites.length === 0 || s.sites.some((site) => !known.includes(site))) {
    throw new AntitrainError(`sites must be some of ${known.join(", ")}, got ${JSON.stringify(s.sites)}`);
  }
  if (!s.sites.includes("blocks.0.mlp")) throw new AntitrainError("sites must include blocks.0.mlp (the study's headline and its antitrained site)");
}

/**
 * Refuses char-LM settings the study cannot run, naming the fix.
 *
 * @example
 * checkCharLm({ ...charLmSettings("quick"), antiSite: "blocks.5.mlp" });   // AntitrainError
 */
export function checkCharLm(s: CharLmSettings): void {
  requireKnownKeys(
    s,
    ["files", "maxChars", "window", "vocab", "examples", "model", "learningRate", "steps", "rankExamples", "evalExamples", "antiSite", "antiSteps", "cycle", "antiFraction"],
    "the char-LM study's settings",
  );
  if (!Array.isArray(s.files) || s.files.length === 0 || s.files.some((f) => typeof f !== "string" || !/^lib\.[\w.]+\.d\.ts$/.test(f))) {
    throw new AntitrainError(`files must name TypeScript's own declaration files, e.g. ["lib.es5.d.ts"], got ${JSON.stringify(s.files)}`);
  }
  for (const key of ["maxChars", "window", "vocab", "examples", "steps", "rankExamples", "evalExamples", "antiSteps", "cycle"] as const) requirePositiveInt(s[key], key);
  if (s.vocab < 2) throw new AntitrainError(`vocab must be at least 2 (one character plus "other"), got ${s.vocab}`);
  checkModel(s.model, undefined);
  requireInRange(s.learningRate, "learningRate", { min: 0, max: 1, minOpen: true }, "e.g. 3e-3");
  const mlps = Array.from({ length: s.model.layers }, (_, i) => `blocks.${i}.mlp`);
  if (!mlps.includes(s.antiSite)) throw new AntitrainError(`antiSite must be one of ${mlps.join(", ")}, got ${JSON.stringify(s.antiSite)}`);
  requireFraction(s.antiFraction, "antiFraction");
}
