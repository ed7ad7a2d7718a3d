/**
 * Notebook 06's study as one {@link Study}: antitrain every hidden layer of a digits MLP at once, cut each layer to its
 * 95% core, fine-tune, and compare with the published ways of shrinking every layer at the same widths and budget
 * (and at their own cores). The knobs are tuned on separate seeds' validation numbers; each seed runs every arm of
 * `MULTILAYER_ARMS` (`runMultilayerSeed`).
 */
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireInRange, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { size } from "../../data/dataset";
import { studyData } from "../data";
import {
  MULTILAYER_ARMS,
  MULTILAYER_ARM_NAMES,
  MULTILAYER_REFERENCE,
  MULTILAYER_TUNED,
  type MultilayerDenseSummary,
  type MultilayerSeed,
  type MultilayerSettings,
  type MultilayerSetup,
  type MultilayerSummary,
  type MultilayerTuneChoice,
  type MultilayerTuneRow,
  type MultilayerTuned,
  chooseMultilayerSettings,
  runMultilayerSeed,
  summarizeMultilayer,
  tuneMultilayerSeed,
} from "../multilayer-study";
import { type StudySize, type StudySummary, defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";

/** Each tuned method's grid (plain JSON). */
export type MultilayerGrids = Readonly<Record<MultilayerTuned, readonly MultilayerSettings[]>>;
/** The chosen setting of every tuned method. */
export type MultilayerChosen = Readonly<Partial<Record<MultilayerTuned, MultilayerSettings>>>;

/** Notebook 06's settings: the digits MLP, its budget, the compression rule and the grids. */
export interface MultilayerStudySettings {
  /** Hidden widths of the 64 → hidden → 10 MLP. */
  readonly hidden: readonly number[];
  /** Plain Adam steps shared by every arm. */
  readonly pretrain: number;
  /** Optimizer updates per arm after pretraining, a multiple of (hidden layers + 1). */
  readonly updates: number;
  /** Antitraining re-measures its cores every `cycle` training steps. */
  readonly cycle: number;
  /** Adam steps after compression, the same for every compressed model. */
  readonly finetune: number;
  /** The kept core's share of each layer's accuracy damage. */
  readonly fraction: number;
  /** The tuning rule's "within `tolerance` of plain training's dense validation accuracy". */
  readonly tolerance: number;
  /** Share of the digits training split held out for validation. */
  readonly validation: number;
  /** Each tuned method's grid (the quick setting keeps the first entry of each). */
  readonly grids: MultilayerGrids;
}

/** What {@link multilayerStudy}'s summary keeps for the report (`summary.details`): {@link summarizeMultilayer}'s tables. */
export interface MultilayerDetails {
  readonly summary: MultilayerSummary[];
  readonly dense: MultilayerDenseSummary[];
}

/**
 * Notebook 06's full grids, nine settings per tuned method on the same tuning seeds (the first entry of each is the
 * quick setting's). Antitraining: fraction × antitrain learning rate jointly, 3 × 3 centred on what the earlier
 * six-setting grid chose (0.8, 1e-3), a neighbour on both sides of each knob (fraction 0.5 and 0.95, the cut's own
 * share; rate 3e-4 and 3e-3). Each penalty: λ on nine half-decade steps centred on its earlier choice (group lasso
 * and activation L1 1e-2, slimming 3e-2), spanning the earlier three values and beyond them on both sides.
 */
export const MULTILAYER_FULL_GRIDS: MultilayerGrids = {
  antitrain: [
    { fraction: 0.5, antiLearningRate: 3e-4 },
    { fraction: 0.5, antiLearningRate: 1e-3 },
    { fraction: 0.5, antiLearningRate: 3e-3 },
    { fraction: 0.8, antiLearningRate: 3e-4 },
    { fraction: 0.8, antiLearningRate: 1e-3 },
    { fraction: 0.8, antiLearningRate: 3e-3 },
    { fraction: 0.95, antiLearningRate: 3e-4 },
    { fraction: 0.95, antiLearningRate: 1e-3 },
    { fraction: 0.95, antiLearningRate: 3e-3 },
  ],
  "group-lasso": [{ lambda: 3e-3 }, { lambda: 1e-4 }, { lambda: 3e-4 }, { lambda: 1e-3 }, { lambda: 1e-2 }, { lambda: 3e-2 }, { lambda: 1e-1 }, { lambda: 3e-1 }, { lambda: 1 }],
  slimming: [{ lambda: 3e-2 }, { lambda: 3e-4 }, { lambda: 1e-3 }, { lambda: 3e-3 }, { lambda: 1e-2 }, { lambda: 1e-1 }, { lambda: 3e-1 }, { lambda: 1 }, { lambda: 3 }],
  "activation-l1": [{ lambda: 3e-2 }, { lambda: 1e-4 }, { lambda: 3e-4 }, { lambda: 1e-3 }, { lambda: 3e-3 }, { lambda: 1e-2 }, { lambda: 1e-1 }, { lambda: 3e-1 }, { lambda: 1 }],
};

const SETTINGS_KEYS = ["hidden", "pretrain", "updates", "cycle", "finetune", "fraction", "tolerance", "validation", "grids"];
const firstOfEach = (g: MultilayerGrids): MultilayerGrids => ({
  antitrain: g.antitrain.slice(0, 1),
  "group-lasso": g["group-lasso"].slice(0, 1),
  slimming: g.slimming.slice(0, 1),
  "activation-l1": g["activation-l1"].slice(0, 1),
});

/**
 * Notebook 06's settings: `full` (128/128/128, 600 + 1600 updates, 200 fine-tuning steps, the full grids), `quick`
 * (64/64/64, 100 + 200, 40, one setting per grid), `tiny` (8/8/8, 20 + 20, 5).
 *
 * @example
 * const s = multilayerSettings("quick");   // { hidden: [64, 64, 64], pretrain: 100, updates: 200, ... }
 */
export function multilayerSettings(size: StudySize): MultilayerStudySettings {
  const rule = { fraction: 0.95, tolerance: 0.01, validation: 0.2 };
  switch (size) {
    case "full":
      return { hidden: [128, 128, 128], pretrain: 600, updates: 1600, cycle: 100, finetune: 200, ...rule, grids: MULTILAYER_FULL_GRIDS };
    case "quick":
      return { hidden: [64, 64, 64], pretrain: 100, updates: 200, cycle: 25, finetune: 40, ...rule, grids: firstOfEach(MULTILAYER_FULL_GRIDS) };
    case "tiny":
      return { hidden: [8, 8, 8], pretrain: 20, updates: 20, cycle: 5, finetune: 5, ...rule, grids: firstOfEach(MULTILAYER_FULL_GRIDS) };
    default:
      throw new AntitrainError(`unknown setting ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

function checkSettings(s: MultilayerStudySettings): void {
  const what = "06-multilayer's settings";
  if (s === null || typeof s !== "object") throw new AntitrainError(`${what} must be an object such as study.settings("quick")`);
  requireKnownKeys(s, SETTINGS_KEYS, what);
  if (!Array.isArray(s.hidden) || s.hidden.length === 0) throw new AntitrainError(`${what}: hidden must list the layer widths, e.g. [128, 128, 128]`);
  for (const h of s.hidden) requirePositiveInt(h, `${what}: every hidden width`);
  for (const k of ["pretrain", "updates", "cycle", "finetune"] as const) requirePositiveInt(s[k], `${what}: ${k}`);
  const per = s.hidden.length + 1;
  if (s.updates % per !== 0) throw new AntitrainError(`${what}: updates must be a multiple of ${per} (one training and ${s.hidden.length} antitrain steps per training step), got ${s.updates}`);
  requireFraction(s.fraction, `${what}: fraction`);
  requireInRange(s.tolerance, `${what}: tolerance`, { min: 0, max: 1, maxOpen: true }, "use 0.01 for one point of accuracy");
  requireInRange(s.validation, `${what}: validation`, { min: 0, max: 1, minOpen: true, maxOpen: true }, "hold out e.g. 0.2 of the training split");
  if (s.grids === null || typeof s.grids !== "object") throw new AntitrainError(`${what}: grids must be an object keyed by ${MULTILAYER_TUNED.join(", ")}`);
  requireKnownKeys(s.grids, MULTILAYER_TUNED, `${what}: grids`);
  const missing = MULTILAYER_TUNED.filter((m) => !Array.isArray(s.grids[m]) || s.grids[m].length === 0);
  if (missing.length > 0) throw new AntitrainError(`${what}: every tuned method needs a grid of at least one setting; missing ${missing.join(", ")}`);
}

/**
 * The study's setup: the digits with `validation` held out (built once per process), the 64 → hidden → 10 MLP.
 *
 * @example
 * const setup = multilayerSetup(multilayerSettings("quick"));   // st.runMultilayerSeed(setup, chosen, 0)
 */
export function multilayerSetup(s: MultilayerStudySettings): MultilayerSetup {
  const { train, validation, test } = studyData({ dataset: "digits", validation: s.validation });
  if (validation === undefined) throw new AntitrainError("06-multilayer needs a validation split: set validation, e.g. 0.2");
  const { pretrain, updates, cycle, finetune, fraction, tolerance } = s;
  return { train, validation, test, inputs: 64, hidden: [...s.hidden], classes: 10, pretrain, updates, cycle, finetune, fraction, tolerance };
}

/**
 * Examples per split of the study's data.
 *
 * @example
 * multilayerSplitSizes(multilayerSettings("quick"));   // { train: 1078, validation: 269, test: 450 }
 */
export function multilayerSplitSizes(s: MultilayerStudySettings): { train: number; validation: number; test: number } {
  const { train, validation, test } = multilayerSetup(s);
  return { train: size(train), validation: size(validation), test: size(test) };
}

/**
 * Every grid setting's tuning summary (means over the tuning seeds) and which one is chosen, by
 * {@link chooseMultilayerSettings}'s rule.
 *
 * @example
 * const table = multilayerTuningTable(run.settings, run.tuning);   // table.filter((r) => r.chosen)
 */
export function multilayerTuningTable(s: MultilayerStudySettings, tuning: readonly MultilayerTuneRow[]): MultilayerTuneChoice[] {
  return chooseMultilayerSettings(s.grids, tuning, s.tolerance).table;
}

/** The equal-width arms: the verdict compares antitraining's accuracy with theirs (own-core arms differ in size). */
const EQUAL_WIDTHS = MULTILAYER_ARMS.filter((a) => a.compare === "equal widths").map((a) => a.name);

/**
 * Notebook 06's study. Headline per seed and arm: test accuracy after compression and fine-tuning (higher is better),
 * antitraining the reference; the verdict compares it with the arms cut to antitraining's widths.
 * `summary.details` is a {@link MultilayerDetails}.
 *
 * @example
 * const run = await st.runStudy(st.multilayerStudy, st.multilayerStudy.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 */
export const multilayerStudy = defineStudy({
  name: "06-multilayer",
  question: "When every hidden layer is antitrained and cut to its 95% core, is the compressed network more accurate than the published ways of shrinking every layer give at the same widths and budget?",
  arms: MULTILAYER_ARM_NAMES,
  settings: multilayerSettings,
  check: checkSettings,
  tune: (s: MultilayerStudySettings, seed: number): MultilayerTuneRow[] => tuneMultilayerSeed(multilayerSetup(s), s.grids, seed),
  choose: (s: MultilayerStudySettings, tuning: readonly MultilayerTuneRow[]): MultilayerChosen => chooseMultilayerSettings(s.grids, tuning, s.tolerance).chosen,
  run: (s: MultilayerStudySettings, chosen: MultilayerChosen, seed: number): MultilayerSeed => runMultilayerSeed(multilayerSetup(s), chosen, seed),
  summarize: (s: MultilayerStudySettings, results: readonly MultilayerSeed[]): StudySummary => {
    const scores = results.map((r) => Object.fromEntries(r.rows.map((x) => [x.arm, x.testAccuracy])));
    return summarizeScores(scores, {
      metric: `test accuracy after compression and ${s.finetune} fine-tuning steps`,
      better: "higher",
      reference: MULTILAYER_REFERENCE,
      arms: MULTILAYER_ARM_NAMES,
      details: summarizeMultilayer(results),
    });
  },
  verdict: (summary) =>
    verdictFromSummary(summary, {
      question: "Is a network whose every layer was antitrained and cut to its cores more accurate than the baselines at the same widths?",
      claim: "antitraining's compressed network is more accurate than every baseline cut to its widths",
      against: EQUAL_WIDTHS,
    }),
});
