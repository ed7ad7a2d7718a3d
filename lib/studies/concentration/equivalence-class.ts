/**
 * Notebook 02's study as one {@link Study}: notebook 01's concentration study at several widths of the one hidden
 * layer (teacher-student and digits), with 01's width-128 validation choices as the baselines' knobs. Does the 95%
 * core stop growing with the width for antitraining, and for the baselines? Nothing is tuned here.
 */
import { AntitrainError } from "../../base/errors";
import { requireOneOf, requirePositiveInt } from "../../base/validate";
import type { MethodSettings } from "../compression-arms";
import {
  CONCENTRATION_ARM_NAMES,
  CONCENTRATION_BASELINE_GRIDS,
  CONCENTRATION_REFERENCE,
  type ConcentrationSeed,
  type ConcentrationSummary,
  runConcentrationSeed,
  summarizeConcentration,
} from "../concentration-study";
import { type StudySize, type StudySummary, defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { type CoreGrowth, coreGrowth } from "./growth";
import { CONCENTRATION_TASKS, type ConcentrationKnobs, type ConcentrationTask, checkKnobs, taskSetup } from "./tasks";

/** Notebook 02's settings: 01's knobs, the widths per task, the arms and 01's chosen knobs. */
export interface EquivalenceSettings extends ConcentrationKnobs {
  /** Teacher-student student widths, ascending. */
  readonly widths: readonly number[];
  /** Digits hidden widths, ascending. */
  readonly digitWidths: readonly number[];
  /** The arms run, in table order (must hold "plain" and "antitrain 0.5"). */
  readonly arms: readonly string[];
  /** Per task, the chosen setting of every baseline's grid (notebook 01's validation choices). */
  readonly chosen: Readonly<Record<ConcentrationTask, Readonly<Record<string, MethodSettings>>>>;
}

/** One cell of the sweep: a task at one width, keyed "task/width". */
export interface EquivalenceCell {
  readonly task: ConcentrationTask;
  readonly width: number;
  readonly key: string;
}

/** One cell of one seed: {@link runConcentrationSeed}'s result and the cell's wall seconds. */
export interface EquivalenceCellRun {
  readonly seconds: number;
  readonly result: ConcentrationSeed;
}

/** One study seed: every cell's run, keyed "task/width". */
export type EquivalenceSeed = Readonly<Record<string, EquivalenceCellRun>>;

/** What {@link equivalenceStudy}'s summary keeps for the report (`summary.details`). */
export interface EquivalenceDetails {
  /** Per cell, {@link summarizeConcentration}'s table and headline. */
  readonly summary: Readonly<Record<string, ConcentrationSummary[]>>;
  readonly headlines: Readonly<Record<string, string>>;
  /** Per task and arm, the core's growth between neighbouring widths, paired per seed. */
  readonly growth: Readonly<Record<ConcentrationTask, Record<string, CoreGrowth[]>>>;
  /** Per cell, the mean wall seconds of one seed. */
  readonly cellSeconds: Readonly<Record<string, number>>;
}

/** The arms of notebook 02: 01's but the antitrained fractions 0.9, 0.95 and 0.99. */
export const EQUIVALENCE_ARMS: readonly string[] = CONCENTRATION_ARM_NAMES.filter((a) => !/^antitrain 0\.9/.test(a));

/** Notebook 01's validation choices (results/01-concentration.json `chosen`), tuned at width 128 on seeds 100 and 101. */
export const EQUIVALENCE_CHOSEN: EquivalenceSettings["chosen"] = {
  "teacher-student": {
    "group-lasso": { lambda: 0.01 },
    slimming: { lambda: 0.01 },
    "activation-l1": { lambda: 0.1 },
    "targeted-dropout": { targetFraction: 0.5, rate: 0.9 },
    "nested-dropout": { p: 0.03 },
  },
  digits: {
    "group-lasso": { lambda: 0.01 },
    slimming: { lambda: 0.1 },
    "activation-l1": { lambda: 0.1 },
    "targeted-dropout": { targetFraction: 0.75, rate: 0.5 },
    "nested-dropout": { p: 0.1 },
  },
};

const SETTINGS_KEYS = ["teacherK", "widths", "digitWidths", "pretrain", "updates", "cycle", "fraction", "tolerance", "validation", "arms", "chosen"];
/** The tasks in notebook 02's order. */
const TASK_ORDER: readonly ConcentrationTask[] = ["teacher-student", "digits"];

/**
 * Notebook 02's settings: `full` (600 + 1600 updates), `quick` (300 + 300), `tiny` (widths 8 and 16, 20 + 20).
 *
 * @example
 * const s = equivalenceSettings("quick");   // { teacherK: 8, widths: [32, 512], digitWidths: [64, 256], ... }
 */
export function equivalenceSettings(size: StudySize): EquivalenceSettings {
  const common = { teacherK: 8, widths: [32, 512], digitWidths: [64, 256] };
  const knobs = { cycle: 100, fraction: 0.95, tolerance: 0.01, validation: 0.2, arms: EQUIVALENCE_ARMS, chosen: EQUIVALENCE_CHOSEN };
  switch (size) {
    case "full":
      return { ...common, pretrain: 600, updates: 1600, ...knobs };
    case "quick":
      return { ...common, pretrain: 300, updates: 300, ...knobs };
    case "tiny":
      return { ...common, widths: [8, 16], digitWidths: [8, 16], pretrain: 20, updates: 20, ...knobs, cycle: 5 };
    default:
      throw new AntitrainError(`unknown setting ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/** The widths of `task` in `settings`. */
export function equivalenceWidths(settings: EquivalenceSettings, task: ConcentrationTask): readonly number[] {
  return task === "digits" ? settings.digitWidths : settings.widths;
}

/**
 * The sweep's cells in run order: teacher-student's widths, then digits'.
 *
 * @example
 * equivalenceCells(equivalenceSettings("quick")).map((c) => c.key);   // ["teacher-student/32", ..., "digits/256"]
 */
export function equivalenceCells(settings: EquivalenceSettings): EquivalenceCell[] {
  return TASK_ORDER.flatMap((task) => equivalenceWidths(settings, task).map((width) => ({ task, width, key: `${task}/${width}` })));
}

function checkSettings(s: EquivalenceSettings): void {
  const what = "02-equivalence-class's settings";
  checkKnobs(s, SETTINGS_KEYS, what);
  for (const key of ["widths", "digitWidths"] as const) {
    const ws = s[key];
    if (!Array.isArray(ws) || ws.length < 2) throw new AntitrainError(`${what}: ${key} must list at least two widths, e.g. [32, 512]`);
    ws.forEach((w, i) => {
      requirePositiveInt(w, `${what}: every entry of ${key}`);
      if (i > 0 && w <= ws[i - 1]) throw new AntitrainError(`${what}: ${key} must be ascending, got ${JSON.stringify(ws)}`);
    });
  }
  if (!Array.isArray(s.arms)) throw new AntitrainError(`${what}: arms must list arm names, e.g. ["plain", "${CONCENTRATION_REFERENCE}"]`);
  for (const arm of s.arms) requireOneOf(arm, EQUIVALENCE_ARMS, `${what}: every arm`);
  for (const needed of ["plain", CONCENTRATION_REFERENCE]) if (!s.arms.includes(needed)) throw new AntitrainError(`${what}: arms must include "${needed}"`);
  for (const task of CONCENTRATION_TASKS) {
    const chosen = s.chosen?.[task];
    // 01's earlier choices: the baselines' knobs; antitraining runs its loop's defaults (01's setting before it was tuned).
    const missing = CONCENTRATION_BASELINE_GRIDS.filter((m) => chosen?.[m] === undefined);
    if (missing.length > 0) throw new AntitrainError(`${what}: chosen.${task} needs a setting for ${missing.join(", ")} (notebook 01's choices: st.EQUIVALENCE_CHOSEN)`);
  }
}

/** Per seed and arm: the test-split core's growth from the narrowest to the widest width, averaged over the tasks. */
function growthScores(settings: EquivalenceSettings, results: readonly EquivalenceSeed[]): Record<string, number>[] {
  return results.map((r) =>
    Object.fromEntries(
      settings.arms.map((arm) => {
        const grown = TASK_ORDER.map((task) => {
          const ws = equivalenceWidths(settings, task);
          const core = (w: number) => r[`${task}/${w}`].result.runs.find((x) => x.arm === arm)?.testCore ?? Number.NaN;
          return core(ws[ws.length - 1]) - core(ws[0]);
        });
        return [arm, grown.reduce((a, b) => a + b, 0) / grown.length];
      }),
    ),
  );
}

/**
 * The study's details from its seeds: per cell the concentration summary and headline, per task and arm the core's
 * growth between neighbouring widths, and each cell's mean seconds per seed.
 *
 * @example
 * const d = equivalenceDetails(run.settings, run.results);   // d.growth["teacher-student"].plain[0].testCore
 */
export function equivalenceDetails(settings: EquivalenceSettings, results: readonly EquivalenceSeed[]): EquivalenceDetails {
  const cells = equivalenceCells(settings);
  const summary: Record<string, ConcentrationSummary[]> = {};
  const headlines: Record<string, string> = {};
  const cellSeconds: Record<string, number> = {};
  for (const c of cells) {
    const s = summarizeConcentration(results.map((r) => r[c.key].result), settings.tolerance);
    summary[c.key] = s.summary;
    headlines[c.key] = s.headline;
  }
  const growth = {} as Record<ConcentrationTask, Record<string, CoreGrowth[]>>;
  for (const task of TASK_ORDER) {
    const widths = equivalenceWidths(settings, task).map((width) => ({ width, seeds: results.map((r) => r[`${task}/${width}`].result) }));
    growth[task] = Object.fromEntries(settings.arms.map((arm) => [arm, coreGrowth(widths, arm)]));
  }
  for (const c of cells) cellSeconds[c.key] = results.reduce((a, r) => a + r[c.key].seconds, 0) / results.length;
  return { summary, headlines, growth, cellSeconds };
}

/**
 * Notebook 02's study. Headline per seed and arm: how many units the test-split 95% core grew from the narrowest to
 * the widest layer, averaged over the two tasks (lower is better); the reference is antitraining the 50% core.
 * `summary.details` is an {@link EquivalenceDetails}.
 *
 * @example
 * const run = await st.runStudy(st.equivalenceStudy, st.equivalenceStudy.settings("quick"), { seeds: [0] });
 */
export const equivalenceStudy = defineStudy({
  name: "02-equivalence-class",
  question: "Does the 95% core stop growing when the layer widens, for antitraining and for the published ways of concentrating a layer?",
  arms: EQUIVALENCE_ARMS,
  settings: equivalenceSettings,
  check: checkSettings,
  choose: (s: EquivalenceSettings) => s.chosen,
  run: (s: EquivalenceSettings, chosen: EquivalenceSettings["chosen"], seed: number): EquivalenceSeed => {
    const out: Record<string, EquivalenceCellRun> = {};
    for (const c of equivalenceCells(s)) {
      const setup = taskSetup(c.task, c.width, s, []); // 01's plain-arm probes are not repeated here
      const start = Date.now();
      const result = runConcentrationSeed(setup, chosen[c.task], seed, { arms: s.arms });
      out[c.key] = { seconds: (Date.now() - start) / 1000, result };
    }
    return out;
  },
  summarize: (s: EquivalenceSettings, results: readonly EquivalenceSeed[]): StudySummary => {
    const [ts, dg] = [s.widths, s.digitWidths];
    return summarizeScores(growthScores(s, results), {
      metric: `growth of the test-split 95% core (units) from W = ${ts[0]} to ${ts[ts.length - 1]} (teacher-student) and ${dg[0]} to ${dg[dg.length - 1]} (digits), mean of the two tasks`,
      better: "lower",
      reference: CONCENTRATION_REFERENCE,
      arms: s.arms,
      digits: 1,
      details: equivalenceDetails(s, results),
    });
  },
  verdict: (summary) =>
    verdictFromSummary(summary, {
      question: "Does the core of an antitrained layer stop growing when the layer widens?",
      claim: "antitraining's core grows less with the layer's width than plain training's, the controls' and every published baseline's",
      digits: 1,
    }),
});
