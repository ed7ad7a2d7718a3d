/**
 * The concentration study of notebook 01: after a layer is trained with antitraining (or a published way of pushing
 * information into few units, or a one-ingredient control), is its 95% core smaller than after plain training with the
 * same number of optimizer updates, do its spectators carry (almost) nothing, and does accuracy hold? Every arm
 * continues the same pretrained MLP for the same updates; the core and its damages are measured on a VALIDATION split
 * (the knobs are chosen on it, on separate tuning seeds); the test split gives only the final accuracy, loss and ECE.
 */
import { type StudySetup, pretrainedBase as pretrained, siteWidth } from "./study-setup";
import { AntitrainError } from "../base/errors";
import { type Interval, meanCI } from "../base/statistics";
import { requireData, requireFraction, requireKnownKeys, requireOneOf, requirePositiveInt, requireSeed } from "../base/validate";
import { findCore, splitDamage } from "../core/find-core";
import { importance } from "../importance/importance";
import { calibration } from "../measure/calibration";
import type { Mlp } from "../models/mlp";
import { evaluate } from "../training/train";
import { type MethodSettings, type TrainingMethod, trainWithMethod } from "./compression-arms";
import { reportCore } from "../core/report-core";
import { interval } from "./summary";

/**
 * One arm: a training method, the settings the study's question fixes (antitraining's fraction), the grid it is tuned
 * on (`tuneAs`: the published baselines and antitrain 0.5), or the grid whose chosen setting it shares untuned
 * (`knobsOf`: antitraining's other fractions and its two controls run antitrain 0.5's loop knobs).
 */
export interface ConcentrationArm {
  readonly name: string;
  readonly method: TrainingMethod;
  readonly settings?: MethodSettings;
  readonly tuneAs?: string;
  readonly knobsOf?: string;
}

/** The arm every other arm is compared with, paired per seed: antitraining the 50% core. */
export const CONCENTRATION_REFERENCE = "antitrain 0.5";

/**
 * The grid of antitraining's loop knobs (`LOOP_KNOBS`), tuned on antitrain 0.5 and shared by every arm of the same loop
 * (the other fractions and the controls), so that each of those changes one ingredient only. The fraction is not a
 * knob of it: the question fixes it. A `chosen` without this grid runs the loop at its defaults (the setup's cycle,
 * antitrain steps at the training rate), the setting 01 fixed before it tuned the loop (notebooks 00 and 02 run that).
 */
export const ANTITRAIN_GRID = "antitrain";
/** The knobs an antitraining loop's grid may set: core re-measured every `cycle` steps, `antiSteps`, `antiLearningRate`. */
export const LOOP_KNOBS: readonly string[] = ["cycle", "antiSteps", "antiLearningRate"];

/**
 * The arms of the study, in table order: plain training, antitraining at the four antitrained fractions of 01's
 * original question, the two true-label controls at fraction 0.5 (one ingredient of antitraining changed each), and
 * the five published baselines, each tuned as its `tuneAs` grid. Antitrain 0.5 is tuned as the "antitrain" grid (its
 * loop knobs); the other antitrained fractions and the controls run its chosen knobs.
 */
export const CONCENTRATION_ARMS: readonly ConcentrationArm[] = [
  { name: "plain", method: "plain" },
  { name: "antitrain 0.5", method: "antitrain", settings: { fraction: 0.5 }, tuneAs: ANTITRAIN_GRID },
  { name: "antitrain 0.9", method: "antitrain", settings: { fraction: 0.9 }, knobsOf: ANTITRAIN_GRID },
  { name: "antitrain 0.95", method: "antitrain", settings: { fraction: 0.95 }, knobsOf: ANTITRAIN_GRID },
  { name: "antitrain 0.99", method: "antitrain", settings: { fraction: 0.99 }, knobsOf: ANTITRAIN_GRID },
  { name: "control: spectators, true labels", method: "spectators-true-labels", settings: { fraction: 0.5 }, knobsOf: ANTITRAIN_GRID },
  { name: "control: core, true labels", method: "core-true-labels", settings: { fraction: 0.5 }, knobsOf: ANTITRAIN_GRID },
  { name: "group lasso", method: "group-lasso", tuneAs: "group-lasso" },
  { name: "network slimming", method: "slimming", tuneAs: "slimming" },
  { name: "activation L1", method: "activation-l1", tuneAs: "activation-l1" },
  { name: "targeted dropout", method: "targeted-dropout", tuneAs: "targeted-dropout" },
  { name: "nested dropout", method: "nested-dropout", tuneAs: "nested-dropout" },
];
/** Every arm's name, in table order. */
export const CONCENTRATION_ARM_NAMES: readonly string[] = CONCENTRATION_ARMS.map((a) => a.name);
/** The grids an arm can be tuned as (the keys of the `grids` of {@link tuneConcentrationSeed}), antitraining's first. */
export const CONCENTRATION_GRIDS: readonly string[] = CONCENTRATION_ARMS.flatMap((a) => (a.tuneAs === undefined ? [] : [a.tuneAs]));
/** The published baselines' grids: a `chosen` must hold a setting for each arm it runs (the loop's grid is optional). */
export const CONCENTRATION_BASELINE_GRIDS: readonly string[] = CONCENTRATION_GRIDS.filter((g) => g !== ANTITRAIN_GRID);

/** What the study runs on and how long (one task); `updates` must be even (half training, half antitrain steps). */
export interface ConcentrationSetup extends StudySetup {
  /** The reported core's share of the whole-layer accuracy damage, e.g. 0.95. */
  readonly fraction: number;
  /** "Accuracy holds": validation accuracy within `tolerance` of plain training's, e.g. 0.01. */
  readonly tolerance: number;
  /** Fractions f at which the plain arm's f-core spectators are measured ("why" the 95% core cannot shrink). Default 0.5, 0.8, 0.9, 0.95, 0.99. */
  readonly probeFractions?: readonly number[];
}

/** An arm's trained layer measured: the core on the validation split, the final numbers on the test split. */
export interface ConcentrationMeasure {
  /** Units in the validation core at `setup.fraction` (and the rest, the spectators). */
  readonly core: number;
  readonly spectators: number;
  /** Validation accuracy lost when the core / the spectators / the whole layer is randomized. */
  readonly coreDamage: number;
  readonly spectatorDamage: number;
  readonly fullDamage: number;
  /** spectatorDamage / fullDamage (0 when the whole layer does no damage). */
  readonly spectatorShare: number;
  readonly valAccuracy: number;
  readonly valLoss: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** Expected calibration error on the test split (15 bins). */
  readonly ece: number;
  /**
   * The same core measured on the (larger) test split, for the final table only: the validation split is small, and
   * a core found on fewer examples is noisier (its damages are measured on fewer images). NaN while tuning.
   */
  readonly testCore: number;
}

/** One arm on one seed. */
export interface ConcentrationRun extends ConcentrationMeasure {
  readonly arm: string;
  readonly method: TrainingMethod;
  readonly settings: MethodSettings;
  /** Optimizer updates the arm made after pretraining (training steps plus antitrain steps). */
  readonly updates: number;
}

/** The plain arm's f-core on the validation split: how many spectators it leaves and the damage they carry. */
export interface SpectatorProbe {
  readonly fraction: number;
  readonly spectators: number;
  readonly spectatorDamage: number;
  readonly fullDamage: number;
}

/** One seed of the study. */
export interface ConcentrationSeed {
  readonly seed: number;
  /** The reported core's share of the whole-layer damage (`setup.fraction`). */
  readonly fraction: number;
  /** One run per arm, in {@link CONCENTRATION_ARM_NAMES} order. */
  readonly runs: ConcentrationRun[];
  /** The plain arm's spectators at each of `setup.probeFractions`. */
  readonly probes: SpectatorProbe[];
}

/** One tuning run: a grid's setting on a tuning seed, with the plain arm of the same seed beside it. */
export interface ConcentrationTuneRow {
  readonly method: string;
  readonly settings: MethodSettings;
  readonly seed: number;
  readonly core: number;
  readonly valAccuracy: number;
  readonly plainCore: number;
  readonly plainValAccuracy: number;
}

/** One setting of a grid as chosen by {@link chooseConcentrationSettings} (means over the tuning seeds). */
export interface ConcentrationTuneChoice {
  readonly method: string;
  readonly settings: MethodSettings;
  readonly core: number;
  readonly valAccuracy: number;
  readonly plainValAccuracy: number;
  /** Mean validation accuracy within `tolerance` of plain's. */
  readonly holds: boolean;
  readonly chosen: boolean;
}

const SETUP_KEYS = ["train", "validation", "test", "inputs", "hidden", "classes", "site", "pretrain", "updates", "cycle", "fraction", "tolerance", "probeFractions"];
const DEFAULT_PROBES = [0.5, 0.8, 0.9, 0.95, 0.99];
/** Accuracies are counts over a split: a float rounding must not move one across "within tolerance". */
const EPS = 1e-9;

/** Checks a setup at the door (the datasets are checked against the model once it is built). */
function checkSetup(setup: ConcentrationSetup): void {
  if (setup === null || typeof setup !== "object") throw new AntitrainError("the concentration study needs a setup { train, validation, test, inputs, hidden, classes, site, ... }");
  requireKnownKeys(setup, SETUP_KEYS, "the concentration study's setup");
  for (const k of ["pretrain", "updates", "cycle"] as const) requirePositiveInt(setup[k], k);
  if (setup.updates % 2 !== 0) {
    throw new AntitrainError(`updates must be even, got ${setup.updates}: antitraining spends half on training steps and half on antitrain steps, so every arm gets exactly the same budget`);
  }
  siteWidth(setup);
  requireFraction(setup.fraction);
  if (!(typeof setup.tolerance === "number" && setup.tolerance >= 0 && setup.tolerance < 1)) {
    throw new AntitrainError(`tolerance must be in [0, 1), e.g. 0.01 for one point of accuracy, got ${setup.tolerance}`);
  }
  if (setup.probeFractions !== undefined) {
    if (!Array.isArray(setup.probeFractions)) throw new AntitrainError(`probeFractions must be a list of fractions such as [0.5, 0.9, 0.95], got ${typeof setup.probeFractions}`);
    for (const f of setup.probeFractions) requireFraction(f, "every probe fraction");
  }
  for (const [name, d] of [["train", setup.train], ["validation", setup.validation], ["test", setup.test]] as const) {
    if (d === null || typeof d !== "object" || d.x === undefined) throw new AntitrainError(`setup.${name} must be a dataset { x, y, classes }`);
  }
  if (setup.validation === setup.test || setup.validation.x === setup.test.x) {
    throw new AntitrainError("validation and test are the same data: hold out a validation split (at.digits({ validation: 0.2 }) or at.validationSplit(train, { fraction: 0.2 })) and keep the test split for the final numbers");
  }
  if (setup.validation === setup.train || setup.validation.x === setup.train.x) {
    throw new AntitrainError("validation and train are the same data: hold out a validation split (at.validationSplit(train, { fraction: 0.2 }))");
  }
}

/** The arm named `name`, or an AntitrainError listing the arms. */
function armOf(name: string): ConcentrationArm {
  requireOneOf(name, CONCENTRATION_ARM_NAMES, "arm");
  return CONCENTRATION_ARMS.find((a) => a.name === name) as ConcentrationArm;
}

/** What {@link measure} measures besides the validation core: the plain arm's probes, and the test numbers (not while tuning). */
interface MeasureWhat {
  readonly probes: readonly number[];
  readonly test: boolean;
}

/**
 * Measures a trained layer (core on validation; with `what.test`, the final numbers on test, else NaN so that tuning
 * never evaluates on the test split) and the f-core spectators at `what.probes`. Leaves the model unchanged.
 */
function measure(model: Mlp, setup: ConcentrationSetup, seed: number, what: MeasureWhat): { measure: ConcentrationMeasure; probes: SpectatorProbe[] } {
  const rep = reportCore(model, setup.site, setup.validation, setup.train, { fraction: setup.fraction, seed });
  const val = evaluate(model, setup.validation);
  const test = what.test ? evaluate(model, setup.test) : { accuracy: Number.NaN, loss: Number.NaN };
  const result: ConcentrationMeasure = {
    core: rep.core.length,
    spectators: rep.spectators.length,
    coreDamage: rep.coreDamage,
    spectatorDamage: rep.spectatorDamage,
    fullDamage: rep.fullDamage,
    spectatorShare: rep.fullDamage > 0 ? rep.spectatorDamage / rep.fullDamage : 0,
    valAccuracy: val.accuracy,
    valLoss: val.loss,
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    ece: what.test ? calibration(model, setup.test).ece : Number.NaN,
    testCore: what.test ? reportCore(model, setup.site, setup.test, setup.train, { fraction: setup.fraction, seed }).core.length : Number.NaN,
  };
  const probes: SpectatorProbe[] = [];
  if (what.probes.length > 0) {
    // The same stats, ranking and draws as the reported core, so the probes and the 95% core are comparable.
    const common = { stats: rep.stats, seed };
    const imp = importance(model, setup.site, setup.validation, { ...common, metric: "loss" });
    for (const fraction of what.probes) {
      const split = findCore(model, setup.site, setup.validation, { ...common, importance: imp, fraction, metric: "accuracy" });
      const d = splitDamage(model, setup.site, setup.validation, split, { ...common, metric: "accuracy" });
      probes.push({ fraction, spectators: split.spectators.length, spectatorDamage: d.spectators, fullDamage: d.full });
    }
  }
  return { measure: result, probes };
}

/** Trains a clone of `base` with `arm` and measures it; frees the clone. */
function runArm(setup: ConcentrationSetup, base: Mlp, arm: ConcentrationArm, settings: MethodSettings, seed: number, what: MeasureWhat): { run: ConcentrationRun; probes: SpectatorProbe[] } {
  const model = base.clone();
  try {
    const { updates } = trainWithMethod(model, setup.site, setup.train, arm.method, { updates: setup.updates, settings, seed: seed + 1, cycle: setup.cycle });
    if (updates !== setup.updates) {
      throw new AntitrainError(`arm "${arm.name}" made ${updates} updates instead of ${setup.updates}: the arms would not share one budget`);
    }
    const m = measure(model, setup, seed, what);
    return { run: { arm: arm.name, method: arm.method, settings, updates, ...m.measure }, probes: m.probes };
  } finally {
    model.dispose();
  }
}

/** Refuses loop knobs that are not `LOOP_KNOBS` (the fraction is the question's, never tuned). */
function requireLoopKnobs(arm: ConcentrationArm, knobs: MethodSettings, where: string): void {
  if (knobs === null || typeof knobs !== "object" || Array.isArray(knobs)) throw new AntitrainError(`${where} must be an object of loop knobs such as { cycle: 100, antiLearningRate: 1e-3 }`);
  for (const key of Object.keys(knobs)) {
    if (!LOOP_KNOBS.includes(key)) {
      throw new AntitrainError(
        `arm "${arm.name}" has fixed settings ${JSON.stringify(arm.settings)} (the question's): ${where} may set only its loop's knobs (${LOOP_KNOBS.join(", ")}), got ${JSON.stringify(knobs)}`,
      );
    }
  }
}

/**
 * An arm's settings: a baseline's from its grid (`settings`, required); an antitraining loop's fixed fraction with the
 * loop knobs `settings` (from the "antitrain" grid; none: the loop's defaults); plain's none.
 */
function settingsFor(arm: ConcentrationArm, settings: MethodSettings | undefined, where = "settings"): MethodSettings {
  if (arm.settings !== undefined) {
    if (settings === undefined) return arm.settings;
    requireLoopKnobs(arm, settings, where);
    return { ...arm.settings, ...settings };
  }
  if (arm.tuneAs !== undefined && settings === undefined) {
    throw new AntitrainError(`arm "${arm.name}" needs settings from its "${arm.tuneAs}" grid, e.g. chooseConcentrationSettings(...).chosen["${arm.tuneAs}"]`);
  }
  return settings ?? {};
}

/**
 * Continues a clone of `base` (a pretrained MLP with `setup`'s shape) with one arm for `setup.updates` optimizer updates
 * and measures it: the `setup.fraction` core, its spectators and their accuracy damages on the validation split; accuracy,
 * cross-entropy and ECE on the test split. The baselines take `options.settings` (required); antitraining's arms and
 * the controls keep their fraction and take only loop knobs (cycle, antiSteps, antiLearningRate; none: the loop's
 * defaults); plain takes none. Leaves `base` unchanged and frees everything it made.
 *
 * @example
 * const base = at.mlp({ inputs: 64, hidden: [128], classes: 10, seed: 0 });
 * at.train(base, setup.train, { steps: 600, seed: 0 });
 * const r = at.concentrationArm(base, setup, "antitrain 0.5", { seed: 0 });   // r.core, r.spectatorDamage, r.testAccuracy
 * const g = at.concentrationArm(base, setup, "group lasso", { seed: 0, settings: { lambda: 1e-3 } });
 * const a = at.concentrationArm(base, setup, "antitrain 0.5", { seed: 0, settings: { cycle: 50, antiLearningRate: 3e-4 } });
 */
export function concentrationArm(base: Mlp, setup: ConcentrationSetup, arm: string, options: { seed: number; settings?: MethodSettings }): ConcentrationRun {
  checkSetup(setup);
  const a = armOf(arm);
  if (options === null || typeof options !== "object") throw new AntitrainError("concentrationArm needs options { seed }, e.g. { seed: 0 }");
  requireKnownKeys(options, ["seed", "settings"], "concentrationArm");
  requireSeed(options.seed);
  for (const d of [setup.train, setup.validation, setup.test]) requireData(base, d);
  return runArm(setup, base, a, settingsFor(a, options.settings), options.seed, { probes: [], test: true }).run;
}

/** The grid's arm, or an AntitrainError naming the grids. */
function tunedArm(method: string): ConcentrationArm {
  const arm = CONCENTRATION_ARMS.find((a) => a.tuneAs === method);
  if (arm === undefined) throw new AntitrainError(`no arm is tuned as "${method}": grids are keyed by ${CONCENTRATION_GRIDS.join(", ")}`);
  return arm;
}

function requireGrids(grids: Readonly<Record<string, readonly MethodSettings[]>>): void {
  if (grids === null || typeof grids !== "object" || Array.isArray(grids)) {
    throw new AntitrainError(`grids must be an object of settings lists keyed by ${CONCENTRATION_GRIDS.join(", ")}, e.g. { "group-lasso": [{ lambda: 1e-3 }] }`);
  }
  for (const [method, list] of Object.entries(grids)) {
    const arm = tunedArm(method);
    if (!Array.isArray(list) || list.length === 0) throw new AntitrainError(`grid "${method}" needs at least one setting, e.g. [{ lambda: 1e-3 }]`);
    if (arm.settings !== undefined) for (const knobs of list) requireLoopKnobs(arm, knobs, `grid "${method}"`);
  }
}

/**
 * Tuning on one seed (use seeds the study does not report): pretrains the seed's MLP, runs the plain arm and every
 * setting of every grid (keyed by an arm's `tuneAs`: antitrain, the loop knobs of antitrain 0.5 at its fixed fraction;
 * group-lasso, slimming, activation-l1, targeted-dropout, nested-dropout), and records each one's validation core and
 * accuracy beside plain's (a row's `settings` is the grid's entry). Touches no test data.
 *
 * @example
 * const rows = [100, 101].flatMap((s) => at.tuneConcentrationSeed(setup, { "group-lasso": [{ lambda: 1e-4 }, { lambda: 1e-3 }] }, s));
 * const { chosen } = at.chooseConcentrationSettings({ "group-lasso": [{ lambda: 1e-4 }, { lambda: 1e-3 }] }, rows, 0.01);
 */
export function tuneConcentrationSeed(setup: ConcentrationSetup, grids: Readonly<Record<string, readonly MethodSettings[]>>, seed: number): ConcentrationTuneRow[] {
  checkSetup(setup);
  requireGrids(grids);
  requireSeed(seed);
  const base = pretrained(setup, seed);
  const what = { probes: [], test: false }; // tuning never evaluates on the test split
  try {
    const plain = runArm(setup, base, armOf("plain"), {}, seed, what).run;
    const rows: ConcentrationTuneRow[] = [];
    for (const method of Object.keys(grids)) {
      const arm = tunedArm(method);
      for (const settings of grids[method]) {
        const r = runArm(setup, base, arm, settingsFor(arm, settings), seed, what).run;
        rows.push({ method, settings, seed, core: r.core, valAccuracy: r.valAccuracy, plainCore: plain.core, plainValAccuracy: plain.valAccuracy });
      }
    }
    return rows;
  } finally {
    base.dispose();
  }
}

/**
 * Each grid's chosen setting by the study's criterion, on means over the tuning seeds: the smallest validation core
 * among the settings whose validation accuracy is within `tolerance` of plain training's (ties: the higher validation
 * accuracy); when no setting holds accuracy, the most accurate one (its row says `holds: false`). Returns the choices
 * and one table row per setting for the report.
 *
 * @example
 * const { chosen, table } = at.chooseConcentrationSettings(grids, tuningRows, 0.01);   // chosen["group-lasso"]
 */
export function chooseConcentrationSettings(
  grids: Readonly<Record<string, readonly MethodSettings[]>>,
  rows: readonly ConcentrationTuneRow[],
  tolerance: number,
): { chosen: Record<string, MethodSettings>; table: ConcentrationTuneChoice[] } {
  requireGrids(grids);
  if (!(typeof tolerance === "number" && tolerance >= 0 && tolerance < 1)) throw new AntitrainError(`tolerance must be in [0, 1), e.g. 0.01, got ${tolerance}`);
  if (!Array.isArray(rows)) throw new AntitrainError("rows must be the list tuneConcentrationSeed returned (concatenated over the tuning seeds)");
  const chosen: Record<string, MethodSettings> = {};
  const table: ConcentrationTuneChoice[] = [];
  for (const method of Object.keys(grids)) {
    const scored = grids[method].map((settings) => {
      const mine = rows.filter((r) => r.method === method && JSON.stringify(r.settings) === JSON.stringify(settings));
      if (mine.length === 0) throw new AntitrainError(`no tuning run for ${method} ${JSON.stringify(settings)}: run tuneConcentrationSeed with the same grids`);
      const valAccuracy = meanCI(mine.map((r) => r.valAccuracy)).mean;
      const plainValAccuracy = meanCI(mine.map((r) => r.plainValAccuracy)).mean;
      return { settings, core: meanCI(mine.map((r) => r.core)).mean, valAccuracy, plainValAccuracy, holds: valAccuracy >= plainValAccuracy - tolerance - EPS };
    });
    const holding = scored.filter((s) => s.holds).sort((a, b) => a.core - b.core || b.valAccuracy - a.valAccuracy);
    const best = holding[0] ?? [...scored].sort((a, b) => b.valAccuracy - a.valAccuracy || a.core - b.core)[0];
    chosen[method] = best.settings;
    for (const s of scored) table.push({ method, ...s, chosen: s === best });
  }
  return { chosen, table };
}

/** The arms of `names` in table order (all when undefined); they must include plain and the reference, each once. */
function armSubset(names: readonly string[] | undefined): ConcentrationArm[] {
  if (names === undefined) return [...CONCENTRATION_ARMS];
  if (!Array.isArray(names) || names.length === 0) {
    throw new AntitrainError(`arms must be a list of arm names (${CONCENTRATION_ARM_NAMES.join(", ")}), e.g. ["plain", "${CONCENTRATION_REFERENCE}"]`);
  }
  for (const name of names) requireOneOf(name, CONCENTRATION_ARM_NAMES, "every arm");
  if (new Set(names).size !== names.length) throw new AntitrainError(`arms lists an arm twice (${names.join(", ")}): name each arm once`);
  for (const needed of ["plain", CONCENTRATION_REFERENCE]) {
    if (!names.includes(needed)) throw new AntitrainError(`arms must include "${needed}": the summary compares every arm with plain training and pairs it with ${CONCENTRATION_REFERENCE}`);
  }
  return CONCENTRATION_ARMS.filter((a) => names.includes(a.name));
}

/**
 * One seed of the study: pretrains the seed's MLP, then every arm of {@link CONCENTRATION_ARMS} (or the subset
 * `options.arms`, which must hold "plain" and antitrain 0.5, run in table order) on a clone for the same updates (the
 * baselines at `chosen[arm.tuneAs]`, needed only for the arms run; antitraining's arms and the controls at their
 * fraction with the loop knobs `chosen.antitrain`, or the loop's defaults without it), each measured by {@link concentrationArm}'s rules,
 * and the plain arm's f-core spectators at `setup.probeFractions`. Plain JSON (a study seed: runStudy caches it).
 *
 * @example
 * const seed0 = at.runConcentrationSeed(setup, chosen, 0);
 * seed0.runs.find((r) => r.arm === "antitrain 0.5")?.core;
 * const some = at.runConcentrationSeed(setup, chosen, 0, { arms: ["plain", "antitrain 0.5", "group lasso"] });
 */
export function runConcentrationSeed(
  setup: ConcentrationSetup,
  chosen: Readonly<Record<string, MethodSettings>>,
  seed: number,
  options: { arms?: readonly string[] } = {},
): ConcentrationSeed {
  checkSetup(setup);
  requireSeed(seed);
  if (options === null || typeof options !== "object") throw new AntitrainError("runConcentrationSeed's options must be an object such as { arms: [\"plain\", \"antitrain 0.5\"] }");
  requireKnownKeys(options, ["arms"], "runConcentrationSeed");
  const arms = armSubset(options.arms);
  if (chosen === null || typeof chosen !== "object") throw new AntitrainError("chosen must be chooseConcentrationSettings(...).chosen");
  requireKnownKeys(chosen, CONCENTRATION_GRIDS, "chosen");
  for (const arm of arms) {
    if (arm.settings === undefined && arm.tuneAs !== undefined && chosen[arm.tuneAs] === undefined) {
      throw new AntitrainError(`chosen has no settings for "${arm.tuneAs}" (arm "${arm.name}"): pass chooseConcentrationSettings(...).chosen`);
    }
  }
  const base = pretrained(setup, seed);
  try {
    const runs: ConcentrationRun[] = [];
    let probes: SpectatorProbe[] = [];
    for (const arm of arms) {
      const isPlain = arm.name === "plain";
      const grid = arm.tuneAs ?? arm.knobsOf;
      const settings = settingsFor(arm, grid === undefined ? undefined : chosen[grid], `chosen["${grid}"]`);
      const r = runArm(setup, base, arm, settings, seed, { probes: isPlain ? (setup.probeFractions ?? DEFAULT_PROBES) : [], test: true });
      runs.push(r.run);
      if (isPlain) probes = r.probes;
    }
    return { seed, fraction: setup.fraction, runs, probes };
  } finally {
    base.dispose();
  }
}

/** One arm's summary over seeds (see {@link summarizeConcentration}). */
export interface ConcentrationSummary {
  readonly arm: string;
  readonly settings: string;
  readonly updates: number;
  /** The validation core's units, per seed and as mean with 95% CI. */
  readonly perSeed: number[];
  readonly core: Interval;
  /** Paired per seed: this arm's core minus antitraining 0.5's (> 0: a larger core). */
  readonly coreDiff: Interval;
  /** Seeds on which this arm's core is smaller / larger than antitraining 0.5's. */
  readonly smaller: number;
  readonly larger: number;
  readonly spectatorDamage: Interval;
  readonly spectatorShare: Interval;
  readonly fullDamage: Interval;
  readonly valAccuracy: Interval;
  /** Mean validation accuracy within the tolerance of plain training's. */
  readonly holds: boolean;
  readonly testAccuracy: Interval;
  /** Paired per seed: this arm's test accuracy minus antitraining 0.5's. */
  readonly testAccuracyDiff: Interval;
  readonly testLoss: Interval;
  readonly ece: Interval;
  /** The core measured on the test split, and its paired difference to antitraining 0.5's. */
  readonly testCore: Interval;
  readonly testCoreDiff: Interval;
}

/**
 * Per arm over seeds: the validation core (mean, 95% CI, and paired per seed against antitraining 0.5), the damages
 * its spectators and the whole layer do on validation, validation accuracy and whether it holds (within `tolerance`
 * of plain's), and test accuracy (also paired), loss and ECE. One row per arm the seeds ran (every seed must have run
 * the same arms, see `runConcentrationSeed`'s `arms`), in {@link CONCENTRATION_ARM_NAMES} order, with a one-line
 * headline: plain's core, antitraining 0.5's, and the smallest core among the arms whose accuracy holds.
 *
 * @example
 * const { summary, headline } = at.summarizeConcentration(results, 0.01);
 */
export function summarizeConcentration(results: readonly ConcentrationSeed[], tolerance: number): { summary: ConcentrationSummary[]; headline: string } {
  if (!Array.isArray(results) || results.length === 0) throw new AntitrainError("summarizeConcentration needs at least one seed's results (runConcentrationSeed)");
  if (!(typeof tolerance === "number" && tolerance >= 0 && tolerance < 1)) throw new AntitrainError(`tolerance must be in [0, 1), e.g. 0.01, got ${tolerance}`);
  const runOf = (r: ConcentrationSeed, arm: string): ConcentrationRun => {
    const found = r.runs.find((x) => x.arm === arm);
    if (found === undefined) throw new AntitrainError(`seed ${r.seed} has no run for "${arm}": pass runConcentrationSeed's results`);
    return found;
  };
  const ran = new Set(results[0].runs.map((x: ConcentrationRun) => x.arm));
  for (const r of results as readonly ConcentrationSeed[]) {
    if (r.runs.length !== ran.size || r.runs.some((x: ConcentrationRun) => !ran.has(x.arm))) {
      throw new AntitrainError(`seed ${r.seed} ran other arms than seed ${results[0].seed} (${[...ran].join(", ")}): run every seed with the same arms`);
    }
  }
  const plainVal = meanCI(results.map((r) => runOf(r, "plain").valAccuracy)).mean;
  runOf(results[0], CONCENTRATION_REFERENCE);
  const summary = CONCENTRATION_ARM_NAMES.filter((arm) => ran.has(arm)).map((arm): ConcentrationSummary => {
    const runs = results.map((r) => runOf(r, arm));
    const refs = results.map((r) => runOf(r, CONCENTRATION_REFERENCE));
    const of = (key: keyof ConcentrationMeasure) => meanCI(runs.map((x) => x[key]));
    const diffs = runs.map((x, i) => x.core - refs[i].core);
    const valAccuracy = of("valAccuracy");
    return {
      arm,
      settings: JSON.stringify(runs[0].settings),
      updates: meanCI(runs.map((x) => x.updates)).mean,
      perSeed: runs.map((x) => x.core),
      core: of("core"),
      coreDiff: meanCI(diffs),
      smaller: diffs.filter((d) => d < 0).length,
      larger: diffs.filter((d) => d > 0).length,
      spectatorDamage: of("spectatorDamage"),
      spectatorShare: of("spectatorShare"),
      fullDamage: of("fullDamage"),
      valAccuracy,
      holds: valAccuracy.mean >= plainVal - tolerance - EPS,
      testAccuracy: of("testAccuracy"),
      testAccuracyDiff: meanCI(runs.map((x, i) => x.testAccuracy - refs[i].testAccuracy)),
      testLoss: of("testLoss"),
      ece: of("ece"),
      testCore: of("testCore"),
      testCoreDiff: meanCI(runs.map((x, i) => x.testCore - refs[i].testCore)),
    };
  });
  const width = results[0].runs[0].core + results[0].runs[0].spectators;
  return { summary, headline: headlineOf(summary, tolerance, width, results[0].fraction) };
}

function headlineOf(summary: readonly ConcentrationSummary[], tolerance: number, width: number, fraction: number): string {
  const one = (arm: string) => summary.find((s) => s.arm === arm) as ConcentrationSummary;
  const plain = one("plain");
  const ref = one(CONCENTRATION_REFERENCE);
  const points = `${+(100 * tolerance).toFixed(2)} point${tolerance === 0.01 ? "" : "s"}`;
  const head = `validation ${+(100 * fraction).toFixed(2)}% core (of ${width} units): plain ${plain.core.mean.toFixed(1)}, ${CONCENTRATION_REFERENCE} ${ref.core.mean.toFixed(1)}${ref.holds ? "" : ` (its validation accuracy is not within ${points} of plain's)`}`;
  const best = summary.filter((s) => s.holds).sort((a, b) => a.core.mean - b.core.mean || b.valAccuracy.mean - a.valAccuracy.mean)[0];
  if (best === undefined) return `${head}; no arm's validation accuracy is within ${points} of plain's`;
  if (best.arm === CONCENTRATION_REFERENCE) return `${head}; among arms within ${points} of plain's validation accuracy, ${CONCENTRATION_REFERENCE} has the smallest core`;
  return `${head}; among arms within ${points} of plain's validation accuracy, the smallest core is ${best.arm}'s: ${best.core.mean.toFixed(1)} (paired vs ${CONCENTRATION_REFERENCE}: ${interval(best.coreDiff, 1)})`;
}
