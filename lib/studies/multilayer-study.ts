/**
 * The multilayer compression study of notebook 06: every arm continues the same plainly pretrained MLP for the same
 * number of optimizer updates with every hidden layer under one method (antitraining of all sites at once, or a
 * published structured-sparsity penalty on all of them), then every layer is compressed one site at a time (each site
 * measured on the model compressed so far; removed units' means folded into the next bias) and the small model is
 * fine-tuned for the same number of steps. Antitraining keeps each layer's 95% core (measured on the validation split);
 * the baselines are cut to exactly antitraining's widths by their own unit order ("equal widths") and, beside that, to
 * their own 95% cores ("own cores"). Knobs are chosen on separate tuning seeds on validation numbers only; the test
 * split gives the final accuracy, cross-entropy and calibration error.
 */

import { Antitrainer, type MeasureRecord } from "../antitrain/antitrainer";
import { interleaved } from "../antitrain/schedule";
import { AntitrainError } from "../base/errors";
import { type Interval, meanCI } from "../base/statistics";
import { requireData, requireFraction, requireKnownKeys, requireOneOf, requirePositiveInt, requireSeed } from "../base/validate";
import { compress, parameterCount } from "../core/compress";
import { reportCore } from "../core/report-core";
import type { Dataset } from "../data/dataset";
import { importance, ranked } from "../importance/importance";
import { magnitudeScores } from "../importance/magnitude";
import { calibration } from "../measure/calibration";
import { collectStats } from "../measure/unit-stats";
import { type Mlp, mlp } from "../models/mlp";
import { groupLasso } from "../training/group-lasso";
import { slimmingGates } from "../training/network-slimming";
import { activationL1 } from "../training/regularize";
import { evaluate, train } from "../training/train";
import { type StudyBase, pretrainedBase as pretrained } from "./study-setup";

/** How an arm trains every hidden layer after pretraining. */
export const MULTILAYER_METHODS = ["plain", "antitrain", "group-lasso", "slimming", "activation-l1"] as const;
export type MultilayerMethod = (typeof MULTILAYER_METHODS)[number];
/** The methods with a knob, tuned on separate seeds (the keys of the grids and of `chosen`). */
export const MULTILAYER_TUNED = ["antitrain", "group-lasso", "slimming", "activation-l1"] as const;
export type MultilayerTuned = (typeof MULTILAYER_TUNED)[number];
/** How a layer's units are ordered when it is cut to a given width. */
export const LAYER_ORDERS = ["importance", "magnitude", "gates"] as const;
export type LayerOrder = (typeof LAYER_ORDERS)[number];

/**
 * A method's knobs: `fraction` and `antiLearningRate` (antitrain: the antitrained core's share of each site's damage,
 * and the rate of the per-site antitraining Adam optimizers), `lambda` (group-lasso, slimming, activation-l1: the
 * penalty's weight, the penalty summed over every hidden layer).
 */
export interface MultilayerSettings {
  readonly fraction?: number;
  readonly antiLearningRate?: number;
  readonly lambda?: number;
}

/** What the study runs on and how long: every hidden layer is trained, measured and compressed; `updates` is a multiple of (hidden layers + 1). */
export interface MultilayerSetup extends StudyBase {
  /** Adam steps of fine-tuning after compression, the same for every compressed model. */
  readonly finetune: number;
  /** The kept core's share of each layer's accuracy damage, e.g. 0.95. */
  readonly fraction: number;
  /** The tuning rule's "within `tolerance` of the plain dense model's validation accuracy", e.g. 0.01. */
  readonly tolerance: number;
}

/** One arm of the study. `order` is how an equal-width arm cuts its layers; own-core arms keep their 95% cores. */
export interface MultilayerArm {
  readonly name: string;
  readonly method: MultilayerMethod | "scratch";
  readonly compare: "own cores" | "equal widths";
  readonly order?: LayerOrder;
}

/** The arm every other arm is paired with, per seed. */
export const MULTILAYER_REFERENCE = "antitrain";

/** The arms, in table order: antitraining, the baselines at antitraining's widths, then the baselines at their own cores. */
export const MULTILAYER_ARMS: readonly MultilayerArm[] = [
  { name: "antitrain", method: "antitrain", compare: "own cores" },
  { name: "plain, importance", method: "plain", compare: "equal widths", order: "importance" },
  { name: "plain, magnitude", method: "plain", compare: "equal widths", order: "magnitude" },
  { name: "group lasso", method: "group-lasso", compare: "equal widths", order: "magnitude" },
  { name: "network slimming", method: "slimming", compare: "equal widths", order: "gates" },
  { name: "activation L1", method: "activation-l1", compare: "equal widths", order: "importance" },
  { name: "small from scratch", method: "scratch", compare: "equal widths" },
  { name: "plain, own cores", method: "plain", compare: "own cores" },
  { name: "group lasso, own cores", method: "group-lasso", compare: "own cores" },
  { name: "network slimming, own cores", method: "slimming", compare: "own cores" },
  { name: "activation L1, own cores", method: "activation-l1", compare: "own cores" },
];
export const MULTILAYER_ARM_NAMES: readonly string[] = MULTILAYER_ARMS.map((a) => a.name);

/** One measurement of the cores during training (95% core on the training data, as the antitrainer sees it). */
export interface CorePoint {
  /** Optimizer updates made after pretraining when measured. */
  readonly updates: number;
  readonly site: string;
  readonly core: number;
}

/** What {@link trainAllLayers} did. */
export interface AllLayersRun {
  /** Optimizer updates made: training steps plus antitrain steps (one per site). */
  readonly updates: number;
  readonly trainingSteps: number;
  readonly antiSteps: number;
  /** Network slimming only: each site's |γ| before the gates were folded into the model. */
  readonly gateScores?: Readonly<Record<string, number[]>>;
  /** With `track`: the 95% cores of every site during training. */
  readonly curve: CorePoint[];
}

/** Options of {@link trainAllLayers}. */
export interface AllLayersOptions {
  readonly updates: number;
  readonly settings?: MultilayerSettings;
  readonly seed: number;
  /** Antitraining re-measures its cores every `cycle` training steps. Default 100. */
  readonly cycle?: number;
  /**
   * Record every site's 95% core during training: antitraining at each of its measurements, the other methods every
   * (sites + 1) × cycle steps (the same updates). Costs the measurements. Default false.
   */
  readonly track?: boolean;
}

const SETTINGS_KEYS = ["fraction", "antiLearningRate", "lambda"];

/** The setting `name`, required for `method`. */
function need(settings: MultilayerSettings, name: keyof MultilayerSettings, method: MultilayerMethod, example: string): number {
  const v = settings[name];
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new AntitrainError(`method "${method}" needs settings.${name} >= 0, e.g. { ${name}: ${example} }`);
  return v;
}

/** The hidden sites of an MLP, in forward order. */
function hiddenSites(model: Mlp): string[] {
  return model.sites().map((s) => s.name);
}

/**
 * Mutates `model`: continues training every hidden layer with `method` for exactly `options.updates` optimizer
 * updates. Antitraining makes updates / (sites + 1) training steps, each followed by one antitrain step per site (one
 * `Antitrainer` over all sites, interleaved, cores of `settings.fraction` re-measured every `cycle` training steps on
 * `data`, each site with its own Adam at `settings.antiLearningRate`); the penalties (group lasso, network slimming's
 * gates with weight decay 1e-4, activation L1) cover every hidden layer. Slimming's gates are folded into the model,
 * so every method returns a plain MLP. Refuses an update count antitraining could not spend exactly.
 *
 * @example
 * const m = pretrained.clone();
 * const run = at.trainAllLayers(m, train, "antitrain", { updates: 1600, settings: { fraction: 0.5, antiLearningRate: 3e-4 }, seed: 1 });
 * run.trainingSteps;   // 400 for three hidden layers; run.antiSteps 1200
 */
export function trainAllLayers(model: Mlp, data: Dataset, method: MultilayerMethod, options: AllLayersOptions): AllLayersRun {
  requireOneOf(method, MULTILAYER_METHODS, "method");
  if (options === null || typeof options !== "object") throw new AntitrainError("trainAllLayers needs options { updates, seed }, e.g. { updates: 1600, seed: 0 }");
  requireKnownKeys(options, ["updates", "settings", "seed", "cycle", "track"], "trainAllLayers");
  requirePositiveInt(options.updates, "updates");
  requireSeed(options.seed);
  requireData(model, data);
  const settings = options.settings ?? {};
  requireKnownKeys(settings, SETTINGS_KEYS, "trainAllLayers' settings");
  const cycle = options.cycle ?? 100;
  requirePositiveInt(cycle, "cycle");
  const sites = hiddenSites(model);
  const per = sites.length + 1;
  const { updates, seed } = options;
  const curve: CorePoint[] = [];
  // Filled once the antitrainer exists; its measurements record the updates made so far.
  const ref: { current?: Antitrainer } = {};
  const record = (r: MeasureRecord) => {
    const a = ref.current as Antitrainer;
    curve.push({ updates: a.step + a.antiSteps, site: r.site, core: r.report.core.length });
  };
  if (method === "antitrain") {
    if (updates % per !== 0) {
      throw new AntitrainError(`updates must be a multiple of ${per} for antitraining ${sites.length} sites (each training step is followed by one antitrain step per site), got ${updates}: e.g. ${per * Math.max(1, Math.round(updates / per))}`);
    }
    const fraction = need(settings, "fraction", method, "0.5");
    requireFraction(fraction, "settings.fraction");
    const learningRate = need(settings, "antiLearningRate", method, "3e-4");
    if (learningRate === 0) throw new AntitrainError("settings.antiLearningRate must be > 0, e.g. 3e-4");
    const anti = new Antitrainer(model, sites, {
      schedule: interleaved(1, { cycle }), fraction, data, seed, learningRate, reportFraction: 0.95,
      ...(options.track ? { onMeasure: record } : {}),
    });
    ref.current = anti;
    try {
      const steps = updates / per;
      const a = anti;
      train(model, data, { steps, learningRate: 1e-3, seed, onStep: (_, batch) => void a.afterStep(batch) });
      const made = steps + a.antiSteps;
      if (made !== updates) throw new AntitrainError(`antitraining made ${made} updates instead of ${updates}: the arms would not share one budget`);
      return { updates: made, trainingSteps: steps, antiSteps: a.antiSteps, curve };
    } finally {
      anti.dispose();
    }
  }
  // The other methods: `updates` training steps; an optional tracker measures the cores without antitraining.
  const tracker = options.track ? new Antitrainer(model, sites, { schedule: interleaved(0, { cycle: cycle * per }), fraction: 0.95, data, seed, onMeasure: record }) : undefined;
  ref.current = tracker;
  const onStep = tracker === undefined ? undefined : (_: number, batch: Dataset) => void tracker.afterStep(batch);
  const common = { steps: updates, learningRate: 1e-3, seed, ...(onStep ? { onStep } : {}) };
  try {
    switch (method) {
      case "plain":
        train(model, data, common);
        return { updates, trainingSteps: updates, antiSteps: 0, curve };
      case "group-lasso":
        train(model, data, { ...common, penalty: groupLasso(model, sites, need(settings, "lambda", method, "1e-3")) });
        return { updates, trainingSteps: updates, antiSteps: 0, curve };
      case "activation-l1":
        train(model, data, { ...common, penalty: activationL1(model, sites, need(settings, "lambda", method, "1e-2")) });
        return { updates, trainingSteps: updates, antiSteps: 0, curve };
      case "slimming": {
        const gates = slimmingGates(model, sites, { lambda: need(settings, "lambda", method, "1e-2") });
        try {
          train(model, data, { ...common, hooks: gates.hooks, penalty: gates.penalty, variables: gates.variables, l2: 1e-4 });
          const gateScores = Object.fromEntries(sites.map((s) => [s, Array.from(gates.scores(s))]));
          gates.foldInto(model);
          return { updates, trainingSteps: updates, antiSteps: 0, gateScores, curve };
        } finally {
          gates.dispose();
        }
      }
      default: {
        const never: never = method;
        throw new AntitrainError(`unknown method ${String(never)}`);
      }
    }
  } finally {
    tracker?.dispose();
  }
}

/** How {@link compressLayers} cuts every layer: to its `fraction` core, or to given widths by a unit order. */
export type LayerPlan =
  | { readonly kind: "cores"; readonly fraction: number }
  | { readonly kind: "widths"; readonly widths: readonly number[]; readonly order: LayerOrder; readonly gateScores?: Readonly<Record<string, readonly number[]>> };

/** What {@link compressLayers} made: the compressed model (owned by the caller) and what it kept. */
export interface CompressedLayers {
  readonly model: Mlp;
  readonly widths: number[];
  /** Cores plan: accuracy lost on validation when each site's spectators are randomized (in the model compressed so far). */
  readonly spectatorDamage: number[];
}

/**
 * Compresses every hidden layer of `model`, one site at a time in forward order, each measured on the model
 * compressed so far: the plan "cores" keeps each site's `fraction` core (accuracy damage on `validation`, units
 * ranked by cross-entropy damage, resampled); "widths" keeps the top `widths[i]` units by `order`: randomization
 * importance (cross-entropy damage on `validation`), weight magnitude, or network slimming's gates (`gateScores`).
 * A site whose randomization does no damage (an empty core) keeps its top-ranked unit. Removed units' means (stats on `trainData`) are folded into the next layer's bias. Leaves `model` unchanged.
 *
 * @example
 * const c = at.compressLayers(model, train, validation, { kind: "cores", fraction: 0.95 }, { seed: 0 });
 * c.widths;   // e.g. [52, 35, 10]
 * const same = at.compressLayers(plain, train, validation, { kind: "widths", widths: c.widths, order: "magnitude" }, { seed: 0 });
 * c.model.dispose(); same.model.dispose();
 */
export function compressLayers(model: Mlp, trainData: Dataset, validation: Dataset, plan: LayerPlan, options: { seed: number }): CompressedLayers {
  const sites = hiddenSites(model);
  requireData(model, trainData);
  requireData(model, validation);
  if (options === null || typeof options !== "object") throw new AntitrainError("compressLayers needs options { seed }, e.g. { seed: 0 }");
  requireKnownKeys(options, ["seed"], "compressLayers");
  requireSeed(options.seed);
  checkPlan(plan, model);
  const { seed } = options;
  const widths: number[] = [];
  const spectatorDamage: number[] = [];
  let current: Mlp = model;
  try {
    for (const [i, site] of sites.entries()) {
      let core: number[];
      let stats: ReturnType<typeof collectStats>;
      if (plan.kind === "cores") {
        const rep = reportCore(current, site, validation, trainData, { fraction: plan.fraction, seed });
        stats = rep.stats;
        // A layer whose randomization does no damage has an empty core: keep its top-ranked unit so the network stays connected.
        core = rep.core.length > 0 ? rep.core : ranked(importance(current, site, validation, { stats, method: "resample", metric: "loss", seed })).slice(0, 1);
        spectatorDamage.push(rep.spectatorDamage);
      } else {
        stats = collectStats(current, site, trainData, { seed });
        core = orderOf(current, site, validation, plan, stats, seed).slice(0, plan.widths[i]);
        spectatorDamage.push(Number.NaN);
      }
      const next = compress(current, site, { core }, { stats }) as Mlp;
      if (current !== model) current.dispose();
      current = next;
      widths.push(core.length);
    }
    return { model: current, widths, spectatorDamage };
  } catch (e) {
    if (current !== model) current.dispose();
    throw e;
  }
}

/** Units of `site`, most important first, by the plan's order. */
function orderOf(model: Mlp, site: string, validation: Dataset, plan: Extract<LayerPlan, { kind: "widths" }>, stats: ReturnType<typeof collectStats>, seed: number): number[] {
  switch (plan.order) {
    case "importance":
      return ranked(importance(model, site, validation, { stats, method: "resample", metric: "loss", seed }));
    case "magnitude":
      return ranked({ scores: magnitudeScores(model, site) });
    case "gates":
      return ranked({ scores: Float32Array.from(plan.gateScores?.[site] ?? []) });
    default: {
      const never: never = plan.order;
      throw new AntitrainError(`unknown order ${String(never)}`);
    }
  }
}

/** Refuses a plan that does not fit `model`'s hidden layers. */
function checkPlan(plan: LayerPlan, model: Mlp): void {
  if (plan === null || typeof plan !== "object") throw new AntitrainError('plan must be { kind: "cores", fraction } or { kind: "widths", widths, order }');
  const sites = model.sites();
  if (plan.kind === "cores") {
    requireKnownKeys(plan, ["kind", "fraction"], "a cores plan");
    requireFraction(plan.fraction, "plan.fraction");
    return;
  }
  if (plan.kind !== "widths") throw new AntitrainError(`plan.kind must be "cores" or "widths", got "${String((plan as { kind: unknown }).kind)}"`);
  requireKnownKeys(plan, ["kind", "widths", "order", "gateScores"], "a widths plan");
  requireOneOf(plan.order, LAYER_ORDERS, "plan.order");
  if (!Array.isArray(plan.widths) || plan.widths.length !== sites.length) {
    throw new AntitrainError(`plan.widths needs one width per hidden layer (${sites.length}), got ${JSON.stringify(plan.widths)}`);
  }
  sites.forEach((s, i) => {
    const w = plan.widths[i];
    if (!(Number.isInteger(w) && w >= 1 && w <= s.units)) throw new AntitrainError(`plan.widths[${i}] must be a whole number in [1, ${s.units}] (the units of "${s.name}"), got ${w}`);
    if (plan.order === "gates" && plan.gateScores?.[s.name]?.length !== s.units) {
      throw new AntitrainError(`order "gates" needs gateScores["${s.name}"] with ${s.units} values (trainAllLayers(..., "slimming", ...).gateScores)`);
    }
  });
}

/** A dense (trained, uncompressed) model of one method on one seed. */
export interface MultilayerDense {
  readonly method: MultilayerMethod;
  readonly settings: MultilayerSettings;
  readonly updates: number;
  readonly params: number;
  readonly valAccuracy: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly ece: number;
  /** The 95% cores during training (plain and antitrain only; empty for the others). */
  readonly curve: CorePoint[];
}

/** One compressed (or small) model of one arm on one seed, fine-tuned. */
export interface MultilayerRow {
  readonly arm: string;
  readonly compare: "own cores" | "equal widths";
  readonly settings: MultilayerSettings;
  /** Optimizer updates after pretraining (small from scratch: all its training steps, pretraining's and fine-tuning's excluded). */
  readonly updates: number;
  readonly widths: number[];
  readonly params: number;
  /** Validation accuracy right after compression, and after the common fine-tuning. */
  readonly valBefore: number;
  readonly valAfter: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly ece: number;
  /** Own-core arms: each site's spectator damage on validation when it was compressed (NaN otherwise). */
  readonly spectatorDamage: number[];
}

/** One seed of the study. */
export interface MultilayerSeed {
  readonly seed: number;
  /** Antitraining's kept widths: every equal-width arm is cut to them. */
  readonly widths: number[];
  readonly dense: MultilayerDense[];
  readonly rows: MultilayerRow[];
}

const SETUP_KEYS = ["train", "validation", "test", "inputs", "hidden", "classes", "pretrain", "updates", "cycle", "finetune", "fraction", "tolerance"];
/** Accuracies are counts over a split: a float rounding must not move one across "within tolerance". */
const EPS = 1e-9;

/** Checks a setup at the door. */
export function checkMultilayerSetup(setup: MultilayerSetup): void {
  if (setup === null || typeof setup !== "object") throw new AntitrainError("the multilayer study needs a setup { train, validation, test, inputs, hidden, classes, pretrain, updates, cycle, finetune, fraction, tolerance }");
  requireKnownKeys(setup, SETUP_KEYS, "the multilayer study's setup");
  for (const k of ["inputs", "classes", "pretrain", "updates", "cycle", "finetune"] as const) requirePositiveInt(setup[k], k);
  if (!Array.isArray(setup.hidden) || setup.hidden.length === 0 || setup.hidden.some((h) => !(Number.isInteger(h) && h >= 1))) {
    throw new AntitrainError(`hidden must be a non-empty list of layer widths, e.g. [128, 128, 128], got ${JSON.stringify(setup.hidden)}`);
  }
  const per = setup.hidden.length + 1;
  if (setup.updates % per !== 0) {
    throw new AntitrainError(`updates must be a multiple of ${per} (antitraining spends each training step's budget on one training and ${setup.hidden.length} antitrain steps), got ${setup.updates}`);
  }
  requireFraction(setup.fraction, "setup.fraction");
  if (!(typeof setup.tolerance === "number" && setup.tolerance >= 0 && setup.tolerance < 1)) {
    throw new AntitrainError(`tolerance must be in [0, 1), e.g. 0.01 for one point of accuracy, got ${setup.tolerance}`);
  }
  for (const [name, d] of [["train", setup.train], ["validation", setup.validation], ["test", setup.test]] as const) {
    if (d === null || typeof d !== "object" || d.x === undefined) throw new AntitrainError(`setup.${name} must be a dataset { x, y, classes }`);
  }
  if (setup.validation.x === setup.test.x || setup.validation.x === setup.train.x) {
    throw new AntitrainError("validation must be its own split, not the test or training data: at.digits({ validation: 0.2 }) or at.validationSplit(train, { fraction: 0.2 })");
  }
}

type Finished = Pick<MultilayerRow, "params" | "valBefore" | "valAfter" | "testAccuracy" | "testLoss" | "ece">;

/** Fine-tunes a compressed or small model the common way and measures it (test only when `test`); frees it. */
function finish(setup: MultilayerSetup, small: Mlp, seed: number, test: boolean): Finished {
  try {
    const valBefore = evaluate(small, setup.validation).accuracy;
    train(small, setup.train, { steps: setup.finetune, learningRate: 1e-3, seed: seed + 1000 });
    const t = test ? evaluate(small, setup.test) : { accuracy: Number.NaN, loss: Number.NaN };
    return {
      params: parameterCount(small), valBefore, valAfter: evaluate(small, setup.validation).accuracy,
      testAccuracy: t.accuracy, testLoss: t.loss, ece: test ? calibration(small, setup.test).ece : Number.NaN,
    };
  } finally {
    small.dispose();
  }
}

/** A trained clone of `base` with its run; the caller disposes the model. */
function trained(setup: MultilayerSetup, base: Mlp, method: MultilayerMethod, settings: MultilayerSettings, seed: number, track: boolean): { model: Mlp; run: AllLayersRun } {
  const model = base.clone();
  try {
    const run = trainAllLayers(model, setup.train, method, { updates: setup.updates, settings, seed: seed + 1, cycle: setup.cycle, track });
    if (run.updates !== setup.updates) throw new AntitrainError(`method "${method}" made ${run.updates} updates instead of ${setup.updates}`);
    return { model, run };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** `model` compressed by `plan` and finished; `model` is left unchanged. */
function compressed(setup: MultilayerSetup, model: Mlp, plan: LayerPlan, seed: number, test: boolean): Finished & { widths: number[]; spectatorDamage: number[] } {
  const c = compressLayers(model, setup.train, setup.validation, plan, { seed });
  return { widths: c.widths, spectatorDamage: c.spectatorDamage, ...finish(setup, c.model, seed, test) };
}

/** Refuses grids or choices keyed by anything but the tuned methods, and empty grids. */
function requireTunedKeys(obj: object, what: string): void {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new AntitrainError(`${what} must be an object keyed by ${MULTILAYER_TUNED.join(", ")}`);
  requireKnownKeys(obj, MULTILAYER_TUNED, what);
}

/** One tuning run: a method's setting on a tuning seed, compressed to its own cores, beside plain's dense model. */
export interface MultilayerTuneRow {
  readonly method: MultilayerTuned;
  readonly settings: MultilayerSettings;
  readonly seed: number;
  readonly widths: number[];
  readonly params: number;
  /** Validation accuracy of the compressed, fine-tuned model. */
  readonly valAfter: number;
  /** The dense model's validation accuracy (before compression). */
  readonly denseValAccuracy: number;
  /** Plain training's dense model on the same seed: the reference of "within tolerance". */
  readonly plainValAccuracy: number;
}

/**
 * Tuning on one seed (use seeds the study does not report): pretrains the seed's MLP, trains the plain dense model,
 * and runs every setting of every grid (keyed by antitrain, group-lasso, slimming, activation-l1): trained, compressed
 * to its own `setup.fraction` cores, fine-tuned, scored on the validation split. Touches no test data.
 *
 * @example
 * const grids = { antitrain: [{ fraction: 0.5, antiLearningRate: 3e-4 }], "group-lasso": [{ lambda: 1e-3 }] };
 * const rows = [100, 101].flatMap((s) => at.tuneMultilayerSeed(setup, grids, s));
 * const { chosen } = at.chooseMultilayerSettings(grids, rows, setup.tolerance);
 */
export function tuneMultilayerSeed(setup: MultilayerSetup, grids: Readonly<Partial<Record<MultilayerTuned, readonly MultilayerSettings[]>>>, seed: number): MultilayerTuneRow[] {
  checkMultilayerSetup(setup);
  requireTunedKeys(grids, "grids");
  requireSeed(seed);
  const base = pretrained(setup, seed);
  try {
    const plain = trained(setup, base, "plain", {}, seed, false);
    const plainValAccuracy = evaluate(plain.model, setup.validation).accuracy;
    plain.model.dispose();
    const rows: MultilayerTuneRow[] = [];
    for (const method of MULTILAYER_TUNED) {
      const grid = grids[method];
      if (grid === undefined) continue;
      if (!Array.isArray(grid) || grid.length === 0) throw new AntitrainError(`grid "${method}" needs at least one setting`);
      for (const settings of grid) {
        const t = trained(setup, base, method, settings, seed, false);
        try {
          const denseValAccuracy = evaluate(t.model, setup.validation).accuracy;
          const c = compressed(setup, t.model, { kind: "cores", fraction: setup.fraction }, seed, false);
          rows.push({ method, settings, seed, widths: c.widths, params: c.params, valAfter: c.valAfter, denseValAccuracy, plainValAccuracy });
        } finally {
          t.model.dispose();
        }
      }
    }
    return rows;
  } finally {
    base.dispose();
  }
}

/** One setting of a grid as scored by {@link chooseMultilayerSettings} (means over the tuning seeds). */
export interface MultilayerTuneChoice {
  readonly method: MultilayerTuned;
  readonly settings: MultilayerSettings;
  readonly params: number;
  readonly valAfter: number;
  readonly plainValAccuracy: number;
  /** Mean validation accuracy after compression and fine-tuning within `tolerance` of plain's dense model. */
  readonly holds: boolean;
  readonly chosen: boolean;
}

/**
 * Each grid's chosen setting, on means over the tuning seeds: the fewest parameters kept among the settings whose
 * compressed, fine-tuned validation accuracy is within `tolerance` of plain's dense model (ties: the higher
 * accuracy); when no setting holds, the most accurate one. Returns the choices and one table row per setting.
 *
 * @example
 * const { chosen, table } = at.chooseMultilayerSettings(grids, tuningRows, 0.01);   // chosen.antitrain
 */
export function chooseMultilayerSettings(
  grids: Readonly<Partial<Record<MultilayerTuned, readonly MultilayerSettings[]>>>,
  rows: readonly MultilayerTuneRow[],
  tolerance: number,
): { chosen: Partial<Record<MultilayerTuned, MultilayerSettings>>; table: MultilayerTuneChoice[] } {
  requireTunedKeys(grids, "grids");
  if (!Array.isArray(rows)) throw new AntitrainError("rows must be the list tuneMultilayerSeed returned (concatenated over the tuning seeds)");
  if (!(typeof tolerance === "number" && tolerance >= 0 && tolerance < 1)) throw new AntitrainError(`tolerance must be in [0, 1), e.g. 0.01, got ${tolerance}`);
  const chosen: Partial<Record<MultilayerTuned, MultilayerSettings>> = {};
  const table: MultilayerTuneChoice[] = [];
  for (const method of MULTILAYER_TUNED) {
    const grid = grids[method];
    if (grid === undefined) continue;
    const scored = grid.map((settings) => {
      const mine = rows.filter((r) => r.method === method && JSON.stringify(r.settings) === JSON.stringify(settings));
      if (mine.length === 0) throw new AntitrainError(`no tuning run for ${method} ${JSON.stringify(settings)}: run tuneMultilayerSeed with the same grids`);
      const valAfter = meanCI(mine.map((r) => r.valAfter)).mean;
      const plainValAccuracy = meanCI(mine.map((r) => r.plainValAccuracy)).mean;
      return { method, settings, params: meanCI(mine.map((r) => r.params)).mean, valAfter, plainValAccuracy, holds: valAfter >= plainValAccuracy - tolerance - EPS };
    });
    const holding = scored.filter((s) => s.holds).sort((a, b) => a.params - b.params || b.valAfter - a.valAfter);
    const best = holding[0] ?? [...scored].sort((a, b) => b.valAfter - a.valAfter || a.params - b.params)[0];
    chosen[method] = best.settings;
    for (const s of scored) table.push({ ...s, chosen: s === best });
  }
  return { chosen, table };
}

/**
 * One seed of the study: pretrains the seed's MLP; trains plain, antitraining and the three penalties on clones for
 * the same `setup.updates` (each at `chosen[method]`); compresses antitraining's network to its own cores (its widths
 * W); cuts plain (by importance and by magnitude), group lasso (magnitude), slimming (gates) and activation L1
 * (importance) to exactly W, and trains a small W-wide MLP from scratch for pretrain + updates steps; also compresses
 * every baseline to its own cores. Every compressed or small model gets the same fine-tuning; validation numbers
 * before and after it, test accuracy, loss and ECE after it. With `track`, plain's and antitraining's cores during
 * training. Plain JSON (a study seed: runStudy caches it).
 *
 * @example
 * const seed0 = at.runMultilayerSeed(setup, chosen, 0);
 * seed0.widths;                                               // antitraining's kept widths
 * seed0.rows.find((r) => r.arm === "plain, magnitude")?.testAccuracy;
 */
export function runMultilayerSeed(setup: MultilayerSetup, chosen: Readonly<Partial<Record<MultilayerTuned, MultilayerSettings>>>, seed: number, options: { track?: boolean } = {}): MultilayerSeed {
  checkMultilayerSetup(setup);
  requireTunedKeys(chosen, "chosen");
  for (const m of MULTILAYER_TUNED) {
    if (chosen[m] === undefined) throw new AntitrainError(`chosen has no settings for "${m}": pass chooseMultilayerSettings(...).chosen`);
  }
  requireSeed(seed);
  requireKnownKeys(options, ["track"], "runMultilayerSeed");
  const track = options.track ?? true;
  const base = pretrained(setup, seed);
  const dense: MultilayerDense[] = [];
  const rows: MultilayerRow[] = [];
  const own: LayerPlan = { kind: "cores", fraction: setup.fraction };
  try {
    let widths: number[] = [];
    for (const method of ["antitrain", "plain", "group-lasso", "slimming", "activation-l1"] as const) {
      const settings = method === "plain" ? {} : (chosen[method] as MultilayerSettings);
      const t = trained(setup, base, method, settings, seed, track && (method === "plain" || method === "antitrain"));
      try {
        const te = evaluate(t.model, setup.test);
        dense.push({
          method, settings, updates: t.run.updates, params: parameterCount(t.model), valAccuracy: evaluate(t.model, setup.validation).accuracy,
          testAccuracy: te.accuracy, testLoss: te.loss, ece: calibration(t.model, setup.test).ece, curve: t.run.curve,
        });
        for (const arm of MULTILAYER_ARMS.filter((a) => a.method === method)) {
          if (arm.compare === "equal widths" && widths.length === 0) throw new AntitrainError("internal: antitraining's widths are needed first");
          const plan: LayerPlan = arm.compare === "own cores" ? own : { kind: "widths", widths, order: arm.order as LayerOrder, ...(t.run.gateScores ? { gateScores: t.run.gateScores } : {}) };
          const c = compressed(setup, t.model, plan, seed, true);
          if (arm.name === MULTILAYER_REFERENCE) widths = c.widths;
          rows.push({ arm: arm.name, compare: arm.compare, settings, updates: t.run.updates, ...c });
        }
      } finally {
        t.model.dispose();
      }
    }
    const small = mlp({ inputs: setup.inputs, hidden: widths, classes: setup.classes, seed });
    train(small, setup.train, { steps: setup.pretrain + setup.updates, learningRate: 1e-3, seed });
    rows.push({ arm: "small from scratch", compare: "equal widths", settings: {}, updates: setup.pretrain + setup.updates, widths: [...widths], spectatorDamage: widths.map(() => Number.NaN), ...finish(setup, small, seed, true) });
    rows.sort((a, b) => MULTILAYER_ARM_NAMES.indexOf(a.arm) - MULTILAYER_ARM_NAMES.indexOf(b.arm));
    return { seed, widths, dense, rows };
  } finally {
    base.dispose();
  }
}

/** One arm's numbers over seeds, each paired per seed with antitraining's. */
export interface MultilayerSummary {
  readonly arm: string;
  readonly compare: "own cores" | "equal widths";
  readonly settings: string;
  readonly updates: number;
  /** Kept units per hidden layer. */
  readonly widths: Interval[];
  readonly params: Interval;
  /** Paired per seed: this arm minus antitraining (> 0 for params: the arm keeps more). */
  readonly paramsDiff: Interval;
  readonly valBefore: Interval;
  readonly valAfter: Interval;
  readonly testAccuracy: Interval;
  readonly testAccuracyDiff: Interval;
  readonly testLoss: Interval;
  readonly testLossDiff: Interval;
  readonly ece: Interval;
  readonly eceDiff: Interval;
  /** Seeds on which this arm's test accuracy is above / below antitraining's. */
  readonly better: number;
  readonly worse: number;
}

/** A dense model's numbers over seeds. */
export interface MultilayerDenseSummary {
  readonly method: MultilayerMethod;
  readonly settings: string;
  readonly params: number;
  readonly valAccuracy: Interval;
  readonly testAccuracy: Interval;
  readonly testLoss: Interval;
  readonly ece: Interval;
}

/**
 * Per arm over seeds (in {@link MULTILAYER_ARM_NAMES} order): kept widths, parameters, validation accuracy before
 * and after fine-tuning, test accuracy, cross-entropy and ECE, each paired per seed against antitraining with a 95%
 * t interval; and every method's dense model.
 *
 * @example
 * const { summary, dense } = at.summarizeMultilayer(results);
 * summary.find((s) => s.arm === "plain, magnitude")?.testAccuracyDiff;
 */
export function summarizeMultilayer(results: readonly MultilayerSeed[]): { summary: MultilayerSummary[]; dense: MultilayerDenseSummary[] } {
  if (!Array.isArray(results) || results.length === 0) throw new AntitrainError("summarizeMultilayer needs at least one seed's results (runMultilayerSeed)");
  const rowOf = (r: MultilayerSeed, arm: string): MultilayerRow => {
    const found = r.rows.find((x) => x.arm === arm);
    if (found === undefined) throw new AntitrainError(`seed ${r.seed} has no row for "${arm}": pass runMultilayerSeed's results`);
    return found;
  };
  const summary = MULTILAYER_ARM_NAMES.map((arm): MultilayerSummary => {
    const rows = results.map((r) => rowOf(r, arm));
    const refs = results.map((r) => rowOf(r, MULTILAYER_REFERENCE));
    const of = (f: (x: MultilayerRow) => number) => meanCI(rows.map(f));
    const diff = (f: (x: MultilayerRow) => number) => meanCI(rows.map((x, i) => f(x) - f(refs[i])));
    const acc = rows.map((x, i) => x.testAccuracy - refs[i].testAccuracy);
    return {
      arm, compare: rows[0].compare, settings: JSON.stringify(rows[0].settings), updates: meanCI(rows.map((x) => x.updates)).mean,
      widths: rows[0].widths.map((_, i) => of((x) => x.widths[i])),
      params: of((x) => x.params), paramsDiff: diff((x) => x.params),
      valBefore: of((x) => x.valBefore), valAfter: of((x) => x.valAfter),
      testAccuracy: of((x) => x.testAccuracy), testAccuracyDiff: meanCI(acc),
      testLoss: of((x) => x.testLoss), testLossDiff: diff((x) => x.testLoss),
      ece: of((x) => x.ece), eceDiff: diff((x) => x.ece),
      better: acc.filter((d) => d > 0).length, worse: acc.filter((d) => d < 0).length,
    };
  });
  const dense = (results as readonly MultilayerSeed[])[0].dense.map((d0: MultilayerDense): MultilayerDenseSummary => {
    const ds = results.map((r) => {
      const d = r.dense.find((x: MultilayerDense) => x.method === d0.method);
      if (d === undefined) throw new AntitrainError(`seed ${r.seed} has no dense model for "${d0.method}"`);
      return d;
    });
    const of = (f: (x: MultilayerDense) => number) => meanCI(ds.map(f));
    return { method: d0.method, settings: JSON.stringify(d0.settings), params: d0.params, valAccuracy: of((x) => x.valAccuracy), testAccuracy: of((x) => x.testAccuracy), testLoss: of((x) => x.testLoss), ece: of((x) => x.ece) };
  });
  return { summary, dense };
}
