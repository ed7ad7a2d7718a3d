/**
 * The compression study of notebooks 04 (digits) and 15 (Fashion-MNIST): every arm continues the same pretrained
 * MLP for the same number of optimizer updates, is pruned at one site to each width of a grid by its own unit order,
 * fine-tuned for the same number of steps, and measured on validation (for choices) and test (for the final table).
 * Hyperparameters are tuned on separate seeds by the headline criterion: the fewest units whose fine-tuned
 * validation accuracy is within `tolerance` of the dense model's.
 */
import { type StudySetup, pretrainedBase as pretrained, siteLayer, siteWidth } from "./study-setup";
import { AntitrainError } from "../base/errors";
import { type Interval, meanCI } from "../base/statistics";
import { requireKnownKeys, requireOneOf, requirePositiveInt } from "../base/validate";
import { compress, parameterCount } from "../core/compress";
import { type CoreSplit, findCore } from "../core/find-core";
import { type Dataset, size } from "../data/dataset";
import { calibration } from "../measure/calibration";
import { collectStats } from "../measure/unit-stats";
import { type Mlp, mlp } from "../models/mlp";
import { evaluate, train } from "../training/train";
import { type MethodRun, type MethodSettings, TRAINING_METHODS, type TrainingMethod, UNIT_ORDERS, type UnitOrder, trainWithMethod, unitOrder } from "./compression-arms";
import { iterativeMagnitudePruning } from "./magnitude-pruning";
import { interval } from "./summary";

/** One arm: a training method and the unit order it prunes by; `tuneAs` names the grid its settings come from. */
export interface StudyArm {
  readonly name: string;
  readonly method: TrainingMethod;
  readonly order: UnitOrder;
  readonly tuneAs?: string;
}

/** The arms of the study besides iterative magnitude pruning and small networks from scratch. */
export const STUDY_ARMS: readonly StudyArm[] = [
  { name: "antitrain", method: "antitrain", order: "importance", tuneAs: "antitrain" },
  { name: "control: spectators, true labels", method: "spectators-true-labels", order: "importance", tuneAs: "antitrain" },
  { name: "control: core, true labels", method: "core-true-labels", order: "importance", tuneAs: "antitrain" },
  { name: "plain, importance", method: "plain", order: "importance" },
  { name: "plain, magnitude", method: "plain", order: "magnitude" },
  { name: "group lasso", method: "group-lasso", order: "magnitude", tuneAs: "group-lasso" },
  { name: "network slimming", method: "slimming", order: "gates", tuneAs: "slimming" },
  { name: "activation L1", method: "activation-l1", order: "importance", tuneAs: "activation-l1" },
  { name: "targeted dropout", method: "targeted-dropout", order: "magnitude", tuneAs: "targeted-dropout" },
  { name: "nested dropout", method: "nested-dropout", order: "index", tuneAs: "nested-dropout" },
];
export const IMP_ARM = "iterative magnitude pruning";
export const SCRATCH_ARM = "small from scratch";
/** Every arm's name, in table order. */
export const STUDY_ARM_NAMES: readonly string[] = [...STUDY_ARMS.map((a) => a.name), IMP_ARM, SCRATCH_ARM];

/** What the compression study runs on: the shared setup plus its pruning widths and fine-tuning budget. */
export interface CompressionSetup extends StudySetup {
  readonly finetune: number;
  /** Widths the pruned site is cut to (below its full width). */
  readonly keep: readonly number[];
  /** Widths of the small networks trained from scratch. */
  readonly scratchKeep: readonly number[];
  /** "Within `tolerance` of the dense model's validation accuracy". */
  readonly tolerance: number;
  /** The training rows antitraining measures its cores on (default: every training row). */
  readonly measure?: Dataset;
}

/** One pruned (or small) model's numbers. */
export interface StudyPoint {
  readonly k: number;
  readonly valBefore: number;
  readonly valAfter: number;
  readonly testAfter: number;
  readonly testLoss: number;
  readonly ece: number;
  readonly params: number;
}

/** One arm on one seed. */
export interface StudyCurve {
  readonly arm: string;
  readonly settings: MethodSettings;
  readonly updates: number;
  /** Antitraining and its controls: core measurements made during training (compute beyond the updates). */
  readonly measurements?: number;
  readonly points: StudyPoint[];
  /**
   * Concentration of the trained, unpruned layer (the arms pruned from a full-width model; not iterative pruning or
   * small networks): its 95% core on the validation split (accuracy damage, `resample`), as in notebook 01.
   */
  readonly core95?: number;
  /** Accuracy lost on the validation split when the whole layer is randomized (the 95% core's reference). */
  readonly fullDamage?: number;
}

/** One seed of the study. */
export interface StudySeed {
  readonly seed: number;
  readonly denseVal: number;
  readonly denseTest: number;
  readonly denseTestLoss: number;
  readonly denseEce: number;
  readonly curves: StudyCurve[];
}

/** One tuning run: a method's setting on a tuning seed, scored by the headline criterion. */
export interface TuneRow {
  readonly method: string;
  readonly settings: MethodSettings;
  readonly seed: number;
  readonly units: number;
  readonly smallAcc: number;
  readonly denseVal: number;
}

const SETUP_KEYS = ["train", "validation", "test", "inputs", "hidden", "classes", "site", "pretrain", "updates", "cycle", "finetune", "keep", "scratchKeep", "tolerance", "measure"];

/** Checks a setup once at the door. */
export function checkSetup(setup: CompressionSetup): void {
  requireKnownKeys(setup, SETUP_KEYS, "the compression study's setup");
  for (const k of ["pretrain", "updates", "cycle", "finetune"] as const) requirePositiveInt(setup[k], k);
  const width = siteWidth(setup);
  for (const k of [...setup.keep, ...setup.scratchKeep]) {
    if (!(Number.isInteger(k) && k >= 1 && k < width)) throw new AntitrainError(`widths in keep and scratchKeep must be integers in [1, ${width - 1}], got ${k}`);
  }
  if (setup.keep.length === 0) throw new AntitrainError("keep needs at least one width, e.g. [4, 8, 16, 32]");
  if (!(setup.tolerance >= 0 && setup.tolerance < 1)) throw new AntitrainError(`tolerance must be in [0, 1), e.g. 0.01, got ${setup.tolerance}`);
}

/** Evaluates a pruned or small model before and after the common fine-tuning; frees it. */
function finish(setup: CompressionSetup, small: Mlp, k: number, seed: number): StudyPoint {
  try {
    const valBefore = evaluate(small, setup.validation).accuracy;
    train(small, setup.train, { steps: setup.finetune, learningRate: 1e-3, seed: seed + 1000 + k });
    const t = evaluate(small, setup.test);
    return {
      k, valBefore, valAfter: evaluate(small, setup.validation).accuracy, testAfter: t.accuracy, testLoss: t.loss,
      ece: calibration(small, setup.test).ece, params: parameterCount(small),
    };
  } finally {
    small.dispose();
  }
}

/** Prunes `model` to each width by `order`, fine-tunes each copy and measures it. Leaves `model` unchanged. */
function pruneCurve(setup: CompressionSetup, model: Mlp, order: number[], seed: number): StudyPoint[] {
  const stats = collectStats(model, setup.site, setup.train, { seed });
  return setup.keep.map((k) => finish(setup, compress(model, setup.site, { core: order.slice(0, k) }, { stats }) as Mlp, k, seed));
}

type Trained = Map<string, { model: Mlp; run: MethodRun; core?: CoreSplit }>;

/** The 95% core of `model`'s pruned site on the validation split (accuracy damage, resampled units). */
function validationCore(setup: CompressionSetup, model: Mlp, seed: number): CoreSplit {
  const stats = collectStats(model, setup.site, setup.validation, { seed });
  return findCore(model, setup.site, setup.validation, { stats, fraction: 0.95, metric: "accuracy", method: "resample", seed });
}

/**
 * One arm: trains a copy of `base` (once per method and settings within a seed) and prunes it by the arm's order.
 * With `measureCore` (the study's seeds, not the tuning, which never reads it) also the unpruned layer's 95% core.
 */
function runArm(setup: CompressionSetup, base: Mlp, arm: StudyArm, settings: MethodSettings, seed: number, trained: Trained, measureCore: boolean): StudyCurve {
  const key = `${arm.method} ${JSON.stringify(settings)}`;
  let entry = trained.get(key);
  if (entry === undefined) {
    const model = base.clone();
    entry = { model, run: trainWithMethod(model, setup.site, setup.train, arm.method, {
        updates: setup.updates, settings, seed: seed + 1, cycle: setup.cycle, ...(setup.measure === undefined ? {} : { measureData: setup.measure }),
      }) };
    trained.set(key, entry);
  }
  const order = unitOrder(entry.model, setup.site, setup.train, arm.order, { seed, gateScores: entry.run.gateScores });
  const points = pruneCurve(setup, entry.model, order, seed);
  const measured = entry.run.measurements === undefined ? {} : { measurements: entry.run.measurements };
  if (!measureCore) return { arm: arm.name, settings, updates: entry.run.updates, ...measured, points };
  entry.core ??= validationCore(setup, entry.model, seed);
  return { arm: arm.name, settings, updates: entry.run.updates, ...measured, points, core95: entry.core.core.length, fullDamage: entry.core.fullDamage };
}

/** The headline of a curve: the fewest units within `tolerance` of the dense validation accuracy (`width` if none). */
export function fewestUnits(points: readonly StudyPoint[], denseVal: number, tolerance: number, width: number): number {
  const ok = points.filter((p) => p.valAfter >= denseVal - tolerance).map((p) => p.k);
  return ok.length > 0 ? Math.min(...ok) : width;
}

/** Mean validation accuracy at k ≤ 32: the tie-break of the tuning. */
function smallWidthAccuracy(points: readonly StudyPoint[]): number {
  return meanCI(points.filter((p) => p.k <= 32).map((p) => p.valAfter)).mean;
}

/** The dense model of a seed: plain training for the same updates, unpruned. Its validation accuracy and test numbers. */
function denseOf(setup: CompressionSetup, base: Mlp, seed: number): Omit<StudySeed, "seed" | "curves"> {
  const dense = base.clone();
  try {
    trainWithMethod(dense, setup.site, setup.train, "plain", { updates: setup.updates, seed: seed + 1 });
    const d = evaluate(dense, setup.test);
    return { denseVal: evaluate(dense, setup.validation).accuracy, denseTest: d.accuracy, denseTestLoss: d.loss, denseEce: calibration(dense, setup.test).ece };
  } finally {
    dense.dispose();
  }
}

/**
 * Tuning on one seed: every setting of every grid (keyed by an arm's `tuneAs`), scored by the fewest units within
 * `tolerance` of the dense validation accuracy. Touches no test data.
 *
 * @example
 * const rows = at.tuneCompressionSeed(setup, { "group-lasso": [{ lambda: 1e-4 }, { lambda: 1e-3 }] }, 100);
 */
export function tuneCompressionSeed(
  setup: CompressionSetup,
  grids: Readonly<Record<string, readonly MethodSettings[]>>,
  seed: number,
  arms: readonly StudyArm[] = STUDY_ARMS,
): TuneRow[] {
  checkSetup(setup);
  checkArms(arms);
  const width = siteWidth(setup);
  const base = pretrained(setup, seed);
  const trained: Trained = new Map();
  try {
    const { denseVal } = denseOf(setup, base, seed);
    const rows: TuneRow[] = [];
    for (const method of Object.keys(grids)) {
      const arm = arms.find((a) => a.tuneAs === method);
      if (arm === undefined) throw new AntitrainError(`no arm is tuned as "${method}": grids are keyed by ${[...new Set(arms.map((a) => a.tuneAs).filter(Boolean))].join(", ")}`);
      for (const settings of grids[method]) {
        const c = runArm(setup, base, arm, settings, seed, trained, false);
        rows.push({ method, settings, seed, units: fewestUnits(c.points, denseVal, setup.tolerance, width), smallAcc: smallWidthAccuracy(c.points), denseVal });
      }
    }
    return rows;
  } finally {
    base.dispose();
    for (const e of trained.values()) e.model.dispose();
  }
}

/**
 * Each grid's chosen setting: the fewest units (mean over the tuning seeds), ties broken by validation accuracy at
 * k ≤ 32; with one table row per setting for the report.
 */
export function chooseSettings(
  grids: Readonly<Record<string, readonly MethodSettings[]>>,
  rows: readonly TuneRow[],
): { chosen: Record<string, MethodSettings>; table: { method: string; settings: MethodSettings; units: number; smallAcc: number; chosen: boolean }[] } {
  const chosen: Record<string, MethodSettings> = {};
  const table: { method: string; settings: MethodSettings; units: number; smallAcc: number; chosen: boolean }[] = [];
  for (const method of Object.keys(grids)) {
    const scored = grids[method].map((settings) => {
      const mine = rows.filter((r) => r.method === method && JSON.stringify(r.settings) === JSON.stringify(settings));
      if (mine.length === 0) throw new AntitrainError(`no tuning run for ${method} ${JSON.stringify(settings)}: run tuneCompressionSeed with the same grids`);
      return { settings, units: meanCI(mine.map((r) => r.units)).mean, smallAcc: meanCI(mine.map((r) => r.smallAcc)).mean };
    });
    scored.sort((a, b) => a.units - b.units || b.smallAcc - a.smallAcc);
    chosen[method] = scored[0].settings;
    for (const s of scored) table.push({ method, ...s, chosen: s === scored[0] });
  }
  return { chosen, table };
}

/**
 * One seed of the study: the dense model, every arm of {@link STUDY_ARMS} at its chosen settings (an arm with
 * `tuneAs` must find them in `chosen`), iterative magnitude pruning with the same update budget spread over one
 * round per width, and small networks from scratch trained for pretraining + budget steps; all fine-tuned alike.
 *
 * @example
 * const seed0 = at.runCompressionSeed(setup, chosen, 0);
 */
export function runCompressionSeed(
  setup: CompressionSetup,
  chosen: Readonly<Record<string, MethodSettings>>,
  seed: number,
  options: RunSeedOptions = {},
): StudySeed {
  checkSetup(setup);
  requireKnownKeys(options, ["arms", "pruningBaselines"], "runCompressionSeed's options");
  const arms = options.arms ?? STUDY_ARMS;
  checkArms(arms);
  for (const arm of arms) {
    if (arm.tuneAs !== undefined && chosen[arm.tuneAs] === undefined) throw new AntitrainError(`chosen has no settings for "${arm.tuneAs}" (arm "${arm.name}"): pass chooseSettings(...).chosen`);
  }
  const base = pretrained(setup, seed);
  const trained: Trained = new Map();
  try {
    const result: StudySeed = { seed, ...denseOf(setup, base, seed), curves: [] };
    for (const arm of arms) result.curves.push(runArm(setup, base, arm, arm.tuneAs ? chosen[arm.tuneAs] : {}, seed, trained, true));
    if (options.pruningBaselines === false) return result;
    const widths = [...setup.keep].sort((a, b) => b - a);
    const stepsPerRound = Math.max(1, Math.floor(setup.updates / widths.length));
    const imp = iterativeMagnitudePruning(base, setup.site, setup.train, { keep: widths, stepsPerRound, seed: seed + 1 });
    result.curves.push({ arm: IMP_ARM, settings: {}, updates: imp.totalSteps, points: imp.rounds.map((r) => finish(setup, r.model as Mlp, r.units, seed)).sort((a, b) => a.k - b.k) });
    const layer = siteLayer(setup);
    result.curves.push({
      arm: SCRATCH_ARM, settings: {}, updates: setup.pretrain + setup.updates,
      points: setup.scratchKeep.map((k) => {
        const small = mlp({ inputs: setup.inputs, hidden: setup.hidden.map((h, i) => (i === layer ? k : h)), classes: setup.classes, seed });
        train(small, setup.train, { steps: setup.pretrain + setup.updates, learningRate: 1e-3, seed });
        return finish(setup, small, k, seed);
      }),
    });
    return result;
  } finally {
    base.dispose();
    for (const e of trained.values()) e.model.dispose();
  }
}

/** Options of {@link runCompressionSeed}. */
export interface RunSeedOptions {
  /** The arms to run (default {@link STUDY_ARMS}); one must be named "antitrain" (the paired reference). */
  readonly arms?: readonly StudyArm[];
  /** Also run iterative magnitude pruning and small networks from scratch. Default true. */
  readonly pruningBaselines?: boolean;
}

/** Refuses an arm list the study cannot run: unknown methods or orders, repeated names, no "antitrain" arm. */
export function checkArms(arms: readonly StudyArm[]): void {
  if (!Array.isArray(arms) || arms.length === 0) throw new AntitrainError("arms must be a non-empty array of { name, method, order, tuneAs? }, e.g. at.STUDY_ARMS");
  const names = new Set<string>();
  for (const arm of arms) {
    requireKnownKeys(arm, ["name", "method", "order", "tuneAs"], "an arm");
    requireOneOf(arm.method, TRAINING_METHODS, "arm.method");
    requireOneOf(arm.order, UNIT_ORDERS, "arm.order");
    if (typeof arm.name !== "string" || arm.name === "" || names.has(arm.name) || arm.name === IMP_ARM || arm.name === SCRATCH_ARM) {
      throw new AntitrainError(`arm names must be distinct non-empty strings other than "${IMP_ARM}" and "${SCRATCH_ARM}", got "${String(arm.name)}"`);
    }
    names.add(arm.name);
  }
  if (!names.has("antitrain")) throw new AntitrainError(`one arm must be named "antitrain" (the paired reference); arms are ${[...names].join(", ")}`);
}

/** One arm's summary over seeds (see {@link summarizeCompression}). */
export interface ArmSummary {
  readonly arm: string;
  readonly settings: string;
  /** Mean optimizer updates after pretraining (from scratch: all its training steps). */
  readonly updates: number;
  /** Fewest units within tolerance of dense validation accuracy, per seed and as mean with 95% CI. */
  readonly perSeed: number[];
  readonly units: Interval;
  /** Paired per seed: this arm's units minus antitraining's (> 0: the arm needs more). */
  readonly diff: Interval;
  readonly fewer: number;
  readonly more: number;
  /** Test numbers at each seed's chosen size (the dense model's where the arm needs the whole layer). */
  readonly testAcc: Interval;
  readonly testLoss: Interval;
  readonly ece: Interval;
  /** At width `refK`: validation accuracy before fine-tuning, test accuracy after (NaN when the arm has no such width). */
  readonly refBefore: Interval;
  readonly refAfter: Interval;
  /** The unpruned layer's 95% core on the validation split, and its paired difference to antitraining's (NaN where not measured). */
  readonly core95: Interval;
  readonly coreDiff: Interval;
}

/**
 * Per arm over seeds: units needed, the paired difference to antitraining, test accuracy, loss and ECE at the chosen
 * size, and the fixed-width comparison at `refK`. Returns the rows in the order of the first seed's curves and a one-line
 * headline naming the arm with the fewest units.
 */
export function summarizeCompression(setup: CompressionSetup, results: readonly StudySeed[], refK: number): { summary: ArmSummary[]; headline: string } {
  if (results.length === 0) throw new AntitrainError("summarizeCompression needs at least one seed's results");
  return summarizeArms(results, { width: siteWidth(setup), tolerance: setup.tolerance, refK, noun: "units" });
}

/** One seed's results as {@link summarizeArms} reads them (the MLP study's and the conv study's seeds both are). */
export interface SummarizableSeed {
  readonly seed: number;
  readonly denseVal: number;
  readonly denseTest: number;
  readonly denseTestLoss: number;
  readonly denseEce: number;
  /** The dense model's parameters, where the study counts them. */
  readonly denseParams?: number;
  readonly curves: readonly StudyCurve[];
}

/**
 * The summary behind {@link summarizeCompression} and the conv study's `summarizeConvCompression`: per arm, the
 * fewest units (`noun`: "units", "channels") within `tolerance` of dense validation accuracy out of `width`, paired
 * against antitraining, with test numbers at each seed's chosen size, the fixed-width comparison at `refK` and the
 * 95% core before pruning; and a one-line headline.
 */
export function summarizeArms(
  results: readonly SummarizableSeed[],
  options: { width: number; tolerance: number; refK: number; noun: string },
): { summary: ArmSummary[]; headline: string } {
  const { width, tolerance, refK, noun } = options;
  const curveOf = (r: SummarizableSeed, arm: string) => {
    const c = r.curves.find((x) => x.arm === arm);
    if (c === undefined) throw new AntitrainError(`seed ${r.seed} has no curve for "${arm}"`);
    return c;
  };
  const unitsOf = (r: SummarizableSeed, arm: string) => fewestUnits(curveOf(r, arm).points, r.denseVal, tolerance, width);
  const pointAt = (r: SummarizableSeed, arm: string, k: number) => curveOf(r, arm).points.find((p) => p.k === k);
  const chosenPoint = (r: SummarizableSeed, arm: string): StudyPoint =>
    pointAt(r, arm, unitsOf(r, arm)) ?? { k: width, valBefore: r.denseVal, valAfter: r.denseVal, testAfter: r.denseTest, testLoss: r.denseTestLoss, ece: r.denseEce, params: r.denseParams ?? 0 };
  const numbers = (xs: (number | undefined)[]) => xs.filter((v): v is number => v !== undefined);
  const armNames = results[0].curves.map((c) => c.arm);
  if (!armNames.includes("antitrain")) throw new AntitrainError(`the results have no "antitrain" curve (the paired reference); arms are ${armNames.join(", ")}`);
  const summary = armNames.map((arm): ArmSummary => {
    const perSeed = results.map((r) => unitsOf(r, arm));
    const diffs = results.map((r) => unitsOf(r, arm) - unitsOf(r, "antitrain"));
    const pts = results.map((r) => chosenPoint(r, arm));
    return {
      arm, settings: JSON.stringify(curveOf(results[0], arm).settings), updates: meanCI(results.map((r) => curveOf(r, arm).updates)).mean,
      perSeed, units: meanCI(perSeed), diff: meanCI(diffs), fewer: diffs.filter((d) => d < 0).length, more: diffs.filter((d) => d > 0).length,
      testAcc: meanCI(pts.map((p) => p.testAfter)), testLoss: meanCI(pts.map((p) => p.testLoss)), ece: meanCI(pts.map((p) => p.ece)),
      refBefore: meanCI(numbers(results.map((r) => pointAt(r, arm, refK)?.valBefore))), refAfter: meanCI(numbers(results.map((r) => pointAt(r, arm, refK)?.testAfter))),
      core95: meanCI(numbers(results.map((r) => curveOf(r, arm).core95))),
      coreDiff: meanCI(numbers(results.map((r) => {
        const mine = curveOf(r, arm).core95;
        const anti = curveOf(r, "antitrain").core95;
        return mine === undefined || anti === undefined ? undefined : mine - anti;
      }))),
    };
  });
  const best = [...summary].sort((a, b) => a.units.mean - b.units.mean)[0];
  const anti = summary.find((s) => s.arm === "antitrain") as ArmSummary;
  const headline =
    best.arm === "antitrain" || best.units.mean === anti.units.mean
      ? `antitrain needs ${best.arm === "antitrain" ? "the fewest" : "as few"} ${noun} within ${100 * tolerance} point of dense (${anti.units.mean.toFixed(1)} of ${width})`
      : `${best.arm} needs the fewest ${noun} within ${100 * tolerance} point of dense: ${best.units.mean.toFixed(1)} of ${width}, vs antitrain ${anti.units.mean.toFixed(1)} (paired ${interval(best.diff, 1)})`;
  return { summary, headline };
}

/** Sizes of a setup's splits, for the results file. */
export function splitSizes(setup: CompressionSetup): { train: number; validation: number; test: number } {
  return { train: size(setup.train), validation: size(setup.validation), test: size(setup.test) };
}
