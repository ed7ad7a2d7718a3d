/** The settings of notebook 19's localization study: the tasks, the arms' knob grids, the update budget and the sweep. */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { concept } from "../../analysis/concept";
import type { DataDescription } from "../data";
import type { StudySize } from "../study";
import { type CharLmWindows, charLmVocab, checkCharLmWindows } from "./char-lm";

/** The arms, in table order: the notes' two antitraining methods, the published and supervised comparisons, plain training. */
export const LOCALIZATION_ARMS = ["antitrain-core", "concept-antitrain", "gradient-routing", "supervised", "bottleneck", "plain-picked"] as const;
export type LocalizationArm = (typeof LOCALIZATION_ARMS)[number];

/**
 * How gradient routing routes (see `routingMasks`): concept-1 examples through the chosen units; concept-0 examples
 * through every unit ("one-sided"), through the others only ("two-sided"), or through the others and the chosen
 * units at half weight ("partial", between the two: the paper's masks are weights in [0, 1]).
 */
export const ROUTINGS = ["one-sided", "partial", "two-sided"] as const;
export type Routing = (typeof ROUTINGS)[number];

/**
 * How plain training's units are picked afterwards (on validation data): by single-unit concept damage, by
 * |correlation| with the concept, or by both (the sum of the two ranks).
 */
export const PICKS = ["damage", "correlation", "both"] as const;
export type UnitPick = (typeof PICKS)[number];

/**
 * One configuration of one arm (the knobs the validation data chooses). Absent optional knobs take the earlier
 * fixed values: the settings' pretrain, leak 0 (the published mask), learning-rate scale 1.
 */
export type ArmConfig =
  | { readonly antiLearningRate: number; readonly pretrain?: number } // antitrain-core, concept-antitrain: plain updates before antitraining starts
  | { readonly routing: Routing; readonly leak?: number } // gradient-routing: mask of concept-1 examples on the other units
  | { readonly weight: number } // supervised, bottleneck: weight of the concept loss
  | { readonly pick: UnitPick; readonly learningRateScale?: number }; // plain-picked: its training's learning rate × this

/** Modular addition a + b mod p as tokens "a b =" for a transformer, `validation` of the training pairs held out. */
export interface ModularTokens {
  readonly dataset: "modular-tokens";
  readonly p: number;
  readonly trainFraction: number;
  readonly validation: number;
}

/** A one-block transformer (no LayerNorm) whose MLP neurons are the site, trained with AdamW (notebook 10's recipe). */
export interface TransformerShape {
  readonly dModel: number;
  readonly heads: number;
  readonly weightDecay: number;
  /** AdamW's learning rate (the settings' learningRate is the MLPs'). */
  readonly learningRate: number;
}

/**
 * One task: a data description with a validation split, a two-valued concept over its classes, the site's width,
 * and, for token data (modular tokens, char-LM windows), the transformer (else the model is an inputs → hidden →
 * classes MLP, site "h1").
 */
export interface LocalizationTask {
  readonly name: string;
  readonly data: DataDescription | ModularTokens | CharLmWindows;
  readonly concept: { readonly name: string; readonly values: readonly number[] };
  /** Width of the site: the MLP's hidden layer "h1", or the transformer's MLP neurons "blocks.0.mlp". */
  readonly hidden: number;
  readonly transformer?: TransformerShape;
}

/** Settings of the localization study (plain JSON). */
export interface LocalizationSettings {
  readonly tasks: readonly LocalizationTask[];
  /** How many units the concept is forced into: the first `units` units of h1 (plain-picked picks its own). */
  readonly units: number;
  /** Optimizer updates per arm, every kind counted (training, antitraining, the concept losses ride on training updates). */
  readonly budget: number;
  /** The antitraining arms' plain updates before alternating one training and one antitrain update. */
  readonly pretrain: number;
  /** Adam learning rate of training (every arm). */
  readonly learningRate: number;
  /** The antitraining arms refresh their unit stats every this many updates. */
  readonly statsEvery: number;
  /** Randomized equal-size subsets of the other units averaged for the "others" control. */
  readonly otherDraws: number;
  /** Each arm's configurations (the same number per arm); validation data picks one per arm and task. */
  readonly grid: Readonly<Record<LocalizationArm, readonly ArmConfig[]>>;
  /** The unit-count and width sweep on the first task (every arm at its chosen knob), or null. */
  readonly sweep: { readonly units: readonly number[]; readonly widths: readonly number[] } | null;
}

const KEYS = ["tasks", "units", "budget", "pretrain", "learningRate", "statsEvery", "otherDraws", "grid", "sweep"];

/** Digits' parity (0 = even, 1 = odd), one value per class (notebook 12's concept). */
export const PARITY: readonly number[] = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
/** Fashion-MNIST's footwear (sandal 5, sneaker 7, ankle boot 9) vs the rest. */
export const FOOTWEAR: readonly number[] = [0, 0, 0, 0, 0, 1, 0, 1, 0, 1];

/**
 * "The next character is a vowel": 1 for a, e, i, o, u in either case, 0 for every other entry of `vocab` (the
 * "other" entry included, so a vowel left out of a capped vocabulary counts as 0), one value per class.
 *
 * @example
 * vowelValues(["\n", " ", "A", "b", "e", "\uFFFD"]);   // [0, 0, 1, 0, 1, 0]
 */
export function vowelValues(vocab: readonly string[]): number[] {
  return vocab.map((ch) => (ch.length === 1 && "aeiouAEIOU".includes(ch) ? 1 : 0));
}

const GRID: LocalizationSettings["grid"] = {
  "antitrain-core": [{ antiLearningRate: 0.001 }, { antiLearningRate: 0.003 }],
  "concept-antitrain": [{ antiLearningRate: 0.005 }, { antiLearningRate: 0.02 }],
  "gradient-routing": [{ routing: "one-sided" }, { routing: "two-sided" }],
  supervised: [{ weight: 0.3 }, { weight: 1 }],
  bottleneck: [{ weight: 0.3 }, { weight: 1 }],
  "plain-picked": [{ pick: "damage" }, { pick: "correlation" }],
};

/** The full setting's grids, nine configurations per arm (issue 24, equal tuning effort), each centred on the
 * configuration the two-configuration grid above chose in the full run at 731463a (results/19-localization.json),
 * with a neighbour on both sides of every knob where the knob has room:
 * - antitraining: anti learning rate × pretrain (plain updates before antitraining; 400 was fixed), 3 × 3 jointly.
 *   Antitrain-core chose 1e-3 on every task (the old grid's low edge): 3e-4, 1e-3, 3e-3. Concept antitraining chose
 *   0.02 on the digits and Fashion-MNIST and 0.005 on the char-LM: 0.0025, 0.01, 0.04 bracket both, each choice
 *   with a grid value on either side (0.01 is their geometric middle).
 * - gradient routing: routing (one-sided, chosen on every task; partial; two-sided) × leak (the mask of concept-1
 *   examples on the other units: 0 published, 0.1, 0.3). Both knobs are bounded at the earlier choice (one-sided is
 *   the mask's upper end, leak 0 its lower), so the neighbours lie on one side only.
 * - supervised, bottleneck: the concept loss's weight on nine values, 0.03 to 10, both earlier choices (0.3 and 1)
 *   inside with neighbours on both sides.
 * - plain-picked: the picking rule (damage, correlation, both) × its training's learning rate scale (0.5, 1, 2; 1 was
 *   fixed). Every arm's cost is measured against plain training at scale 1.
 */
const FULL_GRID: LocalizationSettings["grid"] = {
  "antitrain-core": [3e-4, 1e-3, 3e-3].flatMap((antiLearningRate) => [200, 400, 600].map((pretrain) => ({ antiLearningRate, pretrain }))),
  "concept-antitrain": [0.0025, 0.01, 0.04].flatMap((antiLearningRate) => [200, 400, 600].map((pretrain) => ({ antiLearningRate, pretrain }))),
  "gradient-routing": (["one-sided", "partial", "two-sided"] as const).flatMap((routing) => [0, 0.1, 0.3].map((leak) => ({ routing, leak }))),
  supervised: [0.03, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 10].map((weight) => ({ weight })),
  bottleneck: [0.03, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 10].map((weight) => ({ weight })),
  "plain-picked": (["damage", "correlation", "both"] as const).flatMap((pick) => [0.5, 1, 2].map((learningRateScale) => ({ pick, learningRateScale }))),
};

/** The digits task: 64 → hidden → 10, parity, a fifth of the training rows held out for validation. */
function digitsTask(hidden: number, trainLimit?: number): LocalizationTask {
  return { name: "digits", data: { dataset: "digits", validation: 0.2, ...(trainLimit === undefined ? {} : { trainLimit }) }, concept: { name: "parity", values: [...PARITY] }, hidden };
}

/** The Fashion-MNIST task, subsampled (stratified; the full setting takes 5000 / 1500 of the 60000 / 10000 rows), footwear vs the rest. */
function fashionTask(hidden: number, train: number, test: number): LocalizationTask {
  return {
    name: "fashion-mnist",
    data: { dataset: "fashion-mnist", subsample: { train, test }, validation: 0.2, seed: 0 },
    concept: { name: "footwear", values: [...FOOTWEAR] },
    hidden,
  };
}

/**
 * The modular transformer task: a + b mod p on a one-block transformer with `hidden` MLP neurons, the concept the
 * residue class of the sum mod 2 (its parity); 80% of the pairs train (a fifth of them held out for validation), 20%
 * test.
 * Not in the full setting (its transformer task is {@link charLmLocalizationTask}): the output probe is linear in
 * the logits, and a trained model's logits over Z_p (its Fourier structure) hide the sum's parity from it — in a
 * pilot (p = 23, 1200 updates) the clean probe read 0.54–0.66 against chance 0.58 while the main task was at 0.95
 * (0.53–0.55 against 0.51 for "sum < 12"), so every localization number would be noise.
 *
 * @example
 * const task = modularLocalizationTask(23, 64);   // p = 23, 64 MLP neurons
 */
export function modularLocalizationTask(p: number, hidden: number, dModel = 32): LocalizationTask {
  return {
    name: "modular",
    data: { dataset: "modular-tokens", p, trainFraction: 0.8, validation: 0.2 },
    concept: { name: "sum mod 2", values: Array.from({ length: p }, (_, c) => c % 2) },
    hidden,
    transformer: { dModel, heads: 4, weightDecay: 1, learningRate: 3e-3 },
  };
}

/** Options of {@link charLmLocalizationTask}: the data's sizes and the transformer's width. */
export interface CharLmTaskOptions {
  /** Default 300,000 (notebook 10's full setting). */
  readonly maxChars?: number;
  /** Default 8. */
  readonly context?: number;
  /** Default 64 (notebook 10's). */
  readonly vocab?: number;
  /** Default 10,000: 6,500 train, about 1,500 validation and 2,000 test windows. */
  readonly windows?: number;
  /** The residual width. Default 32. */
  readonly dModel?: number;
}

/**
 * The char-LM transformer task: next-character prediction on notebook 10's text on a one-block transformer with
 * `hidden` MLP neurons (the site), the concept "the next character is a vowel" (`vowelValues` of the text's
 * vocabulary, read from the text without building windows); 15% of the text's blocks validate and 20% test, and
 * the rest train. Notebook 10's char-LM recipe (AdamW, learning rate 3e-3, weight decay 0.01), a shorter context
 * (8) to fit the study's time (one full-setting seed of every arm: 77 s on one wasm thread). In a pilot (plain
 * training, 1200 updates, seeds 0–2, test split) the model predicted the next character at 0.56–0.58 and the clean
 * output probe read the concept at 0.852–0.858 against chance 0.758: 9.5–10 points of room, less than the MLP tasks'.
 *
 * @example
 * const task = charLmLocalizationTask(64);   // the full setting's
 */
export function charLmLocalizationTask(hidden: number, options: CharLmTaskOptions = {}): LocalizationTask {
  requireKnownKeys(options, ["maxChars", "context", "vocab", "windows", "dModel"], "charLmLocalizationTask");
  const data: CharLmWindows = {
    dataset: "char-lm",
    maxChars: options.maxChars ?? 300_000,
    context: options.context ?? 8,
    vocab: options.vocab ?? 64,
    windows: options.windows ?? 10_000,
    validation: 0.15,
    test: 0.2,
  };
  return {
    name: "char-lm",
    data,
    concept: { name: "next is a vowel", values: vowelValues(charLmVocab(data)) },
    hidden,
    transformer: { dModel: options.dModel ?? 32, heads: 4, weightDecay: 0.01, learningRate: 3e-3 },
  };
}

/**
 * The named settings. "full": digits, subsampled Fashion-MNIST and the char-LM transformer, 4 of 32 / 64 / 64
 * units, 1200 updates per arm, nine configurations per arm, the sweep over 1, 2, 4, 8 units and widths 16, 32, 64
 * on the digits; "quick": digits alone, 600 updates, no sweep; "tiny": a few seconds (the digits and a tiny
 * char-LM). Quick and tiny keep the earlier two configurations per arm.
 *
 * @example
 * const s = localizationSettings("quick");   // s.tasks[0].name === "digits"
 */
export function localizationSettings(size: StudySize): LocalizationSettings {
  const common = { units: 4, learningRate: 1e-3, otherDraws: 3, grid: GRID };
  if (size === "tiny") {
    const lm = charLmLocalizationTask(8, { maxChars: 6000, context: 4, vocab: 16, windows: 600, dModel: 8 });
    return { ...common, tasks: [digitsTask(8, 200), lm], units: 2, budget: 40, pretrain: 10, learningRate: 0.01, statsEvery: 10, otherDraws: 1, sweep: null };
  }
  if (size === "quick") return { ...common, tasks: [digitsTask(32)], budget: 600, pretrain: 200, statsEvery: 50, sweep: null };
  return {
    ...common,
    grid: FULL_GRID,
    tasks: [digitsTask(32), fashionTask(64, 5000, 1500), charLmLocalizationTask(64)],
    budget: 1200,
    pretrain: 400,
    statsEvery: 50,
    sweep: { units: [1, 2, 4, 8], widths: [16, 32, 64] },
  };
}

/**
 * Refuses settings the localization study cannot run, naming the fix.
 *
 * @example
 * checkLocalizationSettings({ ...localizationSettings("quick"), units: 40 });   // throws: units must be below hidden
 */
export function checkLocalizationSettings(s: LocalizationSettings): void {
  if (s === null || typeof s !== "object") throw new AntitrainError('the localization study needs settings such as localizationSettings("quick")');
  requireKnownKeys(s, KEYS, "the localization study's settings");
  for (const k of ["units", "budget", "pretrain", "statsEvery", "otherDraws"] as const) requirePositiveInt(s[k], k);
  if (s.pretrain >= s.budget) throw new AntitrainError(`pretrain (${s.pretrain}) must be below budget (${s.budget}): leave updates for antitraining`);
  if ((s.budget - s.pretrain) % 2 !== 0) throw new AntitrainError(`budget − pretrain must be even (one training and one antitrain update alternate), got ${s.budget - s.pretrain}`);
  if (!(typeof s.learningRate === "number" && s.learningRate > 0)) throw new AntitrainError(`learningRate must be a positive number such as 1e-3, got ${s.learningRate}`);
  if (!Array.isArray(s.tasks) || s.tasks.length === 0) throw new AntitrainError("tasks must list at least one task, e.g. the digits task of localizationSettings(\"quick\")");
  for (const t of s.tasks) checkTask(t, s.units);
  const counts = LOCALIZATION_ARMS.map((a) => s.grid?.[a]?.length);
  if (!counts.every((n) => typeof n === "number" && n > 0 && n === counts[0])) {
    throw new AntitrainError(`grid must give every arm (${LOCALIZATION_ARMS.join(", ")}) the same number of configurations (≥ 1), got ${JSON.stringify(counts)}`);
  }
  requireKnownKeys(s.grid, [...LOCALIZATION_ARMS], "the localization study's grid");
  for (const arm of LOCALIZATION_ARMS) for (const c of s.grid[arm]) checkConfig(arm, c, s);
  if (s.sweep !== null) {
    if (s.sweep === undefined || !Array.isArray(s.sweep.units) || !Array.isArray(s.sweep.widths) || s.sweep.units.length === 0 || s.sweep.widths.length === 0) {
      throw new AntitrainError("sweep must be null or { units: [1, 2, 4, 8], widths: [16, 32, 64] }");
    }
    for (const w of s.sweep.widths) requirePositiveInt(w, "a sweep width");
    for (const u of s.sweep.units) {
      requirePositiveInt(u, "a sweep unit count");
      if (u >= Math.min(...s.sweep.widths)) throw new AntitrainError(`sweep unit count ${u} must be below every sweep width (${s.sweep.widths.join(", ")})`);
    }
  }
}

function checkConfig(arm: LocalizationArm, c: ArmConfig, s: LocalizationSettings): void {
  const bad = (why: string) => new AntitrainError(`grid entry ${JSON.stringify(c)} of ${arm}: ${why}`);
  const r = c as Record<string, unknown>;
  if (r.pretrain !== undefined) {
    const p = r.pretrain as number;
    requirePositiveInt(p, `${arm}'s pretrain`);
    if (p >= s.budget || (s.budget - p) % 2 !== 0) throw bad(`pretrain must be below budget (${s.budget}) with budget − pretrain even, e.g. ${s.pretrain}`);
  }
  if (r.leak !== undefined && !(typeof r.leak === "number" && r.leak >= 0 && r.leak <= 1)) throw bad("leak must be a mask weight in [0, 1], e.g. 0 (the published routing)");
  if (r.routing !== undefined && !(ROUTINGS as readonly unknown[]).includes(r.routing)) throw bad(`routing must be one of ${ROUTINGS.join(", ")}`);
  if (r.pick !== undefined && !(PICKS as readonly unknown[]).includes(r.pick)) throw bad(`pick must be one of ${PICKS.join(", ")}`);
  if (r.learningRateScale !== undefined && !(typeof r.learningRateScale === "number" && r.learningRateScale > 0)) throw bad("learningRateScale must be positive, e.g. 1");
}

function checkTask(t: LocalizationTask, units: number): void {
  if (t === null || typeof t !== "object") throw new AntitrainError("a task must be { name, data, concept, hidden }");
  requireKnownKeys(t, ["name", "data", "concept", "hidden", "transformer"], `task ${t.name}`);
  const d = t.data?.dataset;
  if (d !== "digits" && d !== "fashion-mnist" && d !== "modular-tokens" && d !== "char-lm") {
    throw new AntitrainError(`task ${t.name}: data must describe the digits, fashion-mnist, modular-tokens or char-lm with a validation share, got ${JSON.stringify(t.data)}`);
  }
  const tokens = d === "modular-tokens" || d === "char-lm";
  if (tokens !== (t.transformer !== undefined)) {
    throw new AntitrainError(`task ${t.name}: token data (modular-tokens, char-lm) needs a transformer ({ dModel, heads, weightDecay, learningRate }) and only it takes one`);
  }
  if (t.data.dataset === "char-lm") checkCharLmWindows(t.data, t.name);
  if (t.transformer !== undefined) {
    requireKnownKeys(t.transformer, ["dModel", "heads", "weightDecay", "learningRate"], `task ${t.name}'s transformer`);
    if (!(t.transformer.learningRate > 0)) throw new AntitrainError(`task ${t.name}: transformer.learningRate must be positive, e.g. 3e-3`);
    requirePositiveInt(t.transformer.dModel, "transformer.dModel");
    requirePositiveInt(t.transformer.heads, "transformer.heads");
    if (t.transformer.dModel % t.transformer.heads !== 0) throw new AntitrainError(`task ${t.name}: transformer.dModel must be a multiple of its heads`);
    if (!(t.transformer.weightDecay >= 0)) throw new AntitrainError(`task ${t.name}: transformer.weightDecay must be ≥ 0, e.g. 1`);
  }
  if (!(typeof t.data.validation === "number" && t.data.validation > 0 && t.data.validation < 1)) {
    throw new AntitrainError(`task ${t.name}: its data needs a validation share (e.g. validation: 0.2): the knobs are chosen on validation data`);
  }
  requirePositiveInt(t.hidden, `task ${t.name}'s hidden`);
  if (units >= t.hidden) throw new AntitrainError(`units (${units}) must be below the hidden width of task ${t.name} (${t.hidden}): leave other units for the concept to flow around`);
  const values = t.concept?.values;
  const classes = t.data.dataset === "modular-tokens" ? t.data.p : t.data.dataset === "char-lm" ? charLmVocab(t.data).length : 10;
  if (!Array.isArray(values) || values.length !== classes) {
    throw new AntitrainError(`task ${t.name}: concept must be { name, values } with one value per class (${classes}), e.g. { name: "parity", values: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1] }`);
  }
  const c = concept(t.concept.name, values);
  if (c.values !== 2) throw new AntitrainError(`task ${t.name}: the concept must have two values (0 and 1), got ${c.values}`);
}

/** Inputs of a task's MLP (64 for the digits, 784 for Fashion-MNIST). */
function taskInputs(t: LocalizationTask): number {
  return t.data.dataset === "fashion-mnist" ? 784 : 64;
}

/**
 * Milliseconds of one update of one arm (measured here, one wasm thread, the arm's measurements spread over its
 * updates): MLPs by size; the p = 23 transformer about 12.5 ms; the char-LM transformer (context 8) about 11 ms.
 */
function updateMs(t: LocalizationTask, hidden: number): number {
  if (t.data.dataset === "char-lm") return 11;
  return t.transformer !== undefined ? 12.5 : 2.5 + 0.0003 * taskInputs(t) * hidden;
}

/**
 * Rough wall minutes of a run: every arm's updates at 2.5 ms + 0.3 µs × inputs × width each for an MLP, 12.5 ms for
 * the modular transformer, 11 ms for the char-LM one, on one wasm thread (measured here, 2026-12: one full-setting
 * seed took 21 s on the digits, 129 s on a 6000-image Fashion-MNIST subsample and 77 s on the char-LM task,
 * measurements included; 1200 modular transformer updates took 15 s), tuning seeds training every configuration,
 * seeds shared among `workers`. An upper bound: the full run at 731463a (two configurations per arm) took 16.9 min
 * of wall time on 2 workers (31.8 min of CPU, about 6 of them tuning) against this estimate's 36; nine
 * configurations multiply the tuning part by 4.5 (about 27 min of CPU), about 29 min of wall time by that run.
 *
 * @example
 * localizationMinutes(localizationSettings("full"), { seeds: 10, tuneSeeds: 2, workers: 2 });   // ≈ 63 (nine configurations per arm)
 */
export function localizationMinutes(s: LocalizationSettings, run: { seeds: number; tuneSeeds: number; workers: number }): number {
  requireKnownKeys(run, ["seeds", "tuneSeeds", "workers"], "localizationMinutes");
  const arms = LOCALIZATION_ARMS.length;
  const armSeconds = (t: LocalizationTask, hidden: number) => (s.budget * updateMs(t, hidden)) / 1000;
  const main = s.tasks.reduce((a, t) => a + arms * armSeconds(t, t.hidden), 0);
  const first = s.tasks[0];
  const sweep =
    s.sweep === null
      ? 0
      : arms *
        (s.sweep.units.filter((k) => k !== s.units).length * armSeconds(first, first.hidden) +
          s.sweep.widths.filter((w) => w !== first.hidden).reduce((a, w) => a + armSeconds(first, w), 0));
  const configs = s.grid[LOCALIZATION_ARMS[0]].length;
  return (run.seeds * (main + sweep) + run.tuneSeeds * configs * main) / Math.max(1, run.workers) / 60;
}
