/**
 * Notebook 01's study as one {@link Study}: on the digits and a teacher-student task, does antitraining the spectators
 * of one hidden layer leave a smaller 95% core (validation split) than plain training, the true-label controls and
 * the published ways of pushing information into few units, at the same update budget? The baselines' knobs and
 * antitraining's loop knobs (nine settings each) are tuned on separate seeds' validation data; each seed runs every arm
 * of `CONCENTRATION_ARMS` on both tasks.
 */
import { AntitrainError } from "../../base/errors";
import { requirePositiveInt } from "../../base/validate";
import type { MethodSettings } from "../compression-arms";
import {
  CONCENTRATION_ARM_NAMES,
  CONCENTRATION_GRIDS,
  CONCENTRATION_REFERENCE,
  type ConcentrationSeed,
  type ConcentrationSummary,
  type ConcentrationTuneChoice,
  type ConcentrationTuneRow,
  chooseConcentrationSettings,
  runConcentrationSeed,
  summarizeConcentration,
  tuneConcentrationSeed,
} from "../concentration-study";
import { type StudySize, type StudySummary, defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { type ProbeAggregate, aggregateProbes } from "./probes";
import { CONCENTRATION_TASKS, type ConcentrationKnobs, type ConcentrationTask, checkKnobs, taskSetup } from "./tasks";

/** Grids of the tuned arms, keyed by an arm's `tuneAs` (plain JSON). */
export type ConcentrationGrids = Readonly<Record<string, readonly MethodSettings[]>>;

/** Notebook 01's settings: the shared knobs, the hidden width and the tuned arms' grids. */
export interface ConcentrationSettings extends ConcentrationKnobs {
  /** Units of the one hidden layer. */
  readonly hidden: number;
  /** Each tuned arm's grid: antitraining's loop knobs ("antitrain") and the five baselines' (quick keeps the first of each). */
  readonly grids: ConcentrationGrids;
}

/** One study seed: {@link runConcentrationSeed}'s result per task. */
export type ConcentrationTaskSeeds = Readonly<Record<ConcentrationTask, ConcentrationSeed>>;
/** One tuning seed's rows per task. */
export type ConcentrationTaskTuning = Readonly<Record<ConcentrationTask, ConcentrationTuneRow[]>>;
/** The chosen setting of every grid, per task. */
export type ConcentrationChosen = Readonly<Record<ConcentrationTask, Record<string, MethodSettings>>>;

/** What {@link concentrationStudy}'s summary keeps for the report (`summary.details`). */
export interface ConcentrationDetails {
  /** Per task, {@link summarizeConcentration}'s table and headline. */
  readonly summary: Readonly<Record<ConcentrationTask, ConcentrationSummary[]>>;
  readonly headlines: Readonly<Record<ConcentrationTask, string>>;
  /** Per task and probe fraction, the plain arm's f-core spectators over seeds. */
  readonly probes: Readonly<Record<ConcentrationTask, Record<string, ProbeAggregate>>>;
}

/**
 * Antitraining's loop knobs, tuned jointly on antitrain 0.5 as a 3 × 3 grid: the core re-measured every 50, 100 or 200
 * training steps × the antitrain steps' Adam rate 3e-4, 1e-3 or 3e-3, each centred on the setting 01 fixed before
 * (every 100 steps at the training rate 1e-3, the first entry) with a neighbour on both sides. The fraction is the
 * question's (0.5, and 0.9 / 0.95 / 0.99 as its variants), not a knob; one antitrain step per training step stays (a
 * 1 : 1 split of the budget is the lowest ratio the loop can take, so it has no neighbour below).
 */
const ANTITRAIN_LOOP_GRID: readonly MethodSettings[] = [100, 50, 200].flatMap((cycle) => [1e-3, 3e-4, 3e-3].map((antiLearningRate) => ({ cycle, antiLearningRate })));

/**
 * Notebook 01's full grids, nine settings per tuned arm (the first entry of each is the quick setting's, the earlier
 * fixed or first one). Each is centred on what the four-setting grids chose at 54ef23a (digits / teacher-student), with
 * a neighbour on both sides of every choice: group lasso 0.01 / 0.01, activation L1 0.1 / 0.1 (the old grid's edge),
 * slimming 0.1 / 0.01 and nested dropout's p 0.1 (the old edge) / 0.03 (both bracketed; the centre between them),
 * targeted dropout (γ 0.75, α 0.5) / (γ 0.5, α 0.9): one cross of four neighbours around each, sharing (0.75, 0.9).
 * Left out: λ 1e-4 (group lasso, slimming, activation L1) and 1e-2 (activation L1), which left plain-sized cores.
 */
export const CONCENTRATION_FULL_GRIDS: ConcentrationGrids = {
  antitrain: ANTITRAIN_LOOP_GRID,
  "group-lasso": [1e-3, 3e-3, 5e-3, 7e-3, 1e-2, 1.5e-2, 2e-2, 3e-2, 5e-2].map((lambda) => ({ lambda })),
  slimming: [1e-3, 5e-3, 1e-2, 2e-2, 3e-2, 5e-2, 7e-2, 1e-1, 1.5e-1].map((lambda) => ({ lambda })),
  "activation-l1": [1e-3, 3e-2, 5e-2, 7e-2, 1e-1, 1.5e-1, 2e-1, 3e-1, 5e-1].map((lambda) => ({ lambda })),
  "targeted-dropout": [
    [0.5, 0.5], // the quick setting; also digits' choice's lower γ neighbour
    [0.75, 0.5], // digits' choice, with γ 0.5 / 0.9 and α 0.25 / 0.9 around it
    [0.9, 0.5],
    [0.75, 0.25],
    [0.75, 0.9], // digits' α neighbour above and teacher-student's γ neighbour above
    [0.5, 0.9], // teacher-student's choice, with γ 0.25 / 0.75 and α 0.75 / 0.95 around it
    [0.25, 0.9],
    [0.5, 0.75],
    [0.5, 0.95],
  ].map(([targetFraction, rate]) => ({ targetFraction, rate })),
  "nested-dropout": [0.03, 0.01, 0.02, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3].map((p) => ({ p })),
};

const SETTINGS_KEYS = ["hidden", "pretrain", "updates", "cycle", "fraction", "tolerance", "validation", "teacherK", "grids"];
const firstOfEach = (grids: ConcentrationGrids): ConcentrationGrids => Object.fromEntries(Object.entries(grids).map(([m, g]) => [m, g.slice(0, 1)]));

/**
 * Notebook 01's settings: `full` for the study's numbers (600 + 1600 updates, nine settings per tuned arm), `quick` for
 * its default run (300 + 300 updates, one setting per grid: nothing tuned), `tiny` for the contract test (16 units,
 * 20 + 20 updates, one setting per grid).
 *
 * @example
 * const s = concentrationSettings("quick");   // { hidden: 128, pretrain: 300, updates: 300, ... }
 */
export function concentrationSettings(size: StudySize): ConcentrationSettings {
  const knobs = { cycle: 100, fraction: 0.95, tolerance: 0.01, validation: 0.2, teacherK: 8 };
  switch (size) {
    case "full":
      return { hidden: 128, pretrain: 600, updates: 1600, ...knobs, grids: CONCENTRATION_FULL_GRIDS };
    case "quick":
      return { hidden: 128, pretrain: 300, updates: 300, ...knobs, grids: firstOfEach(CONCENTRATION_FULL_GRIDS) };
    case "tiny": // the loop's first setting at tiny's own cycle: the same runs as before the loop was tuned
      return { hidden: 16, pretrain: 20, updates: 20, ...knobs, cycle: 5, grids: { ...firstOfEach(CONCENTRATION_FULL_GRIDS), antitrain: [{ cycle: 5, antiLearningRate: 1e-3 }] } };
    default:
      throw new AntitrainError(`unknown setting ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

function checkSettings(s: ConcentrationSettings): void {
  checkKnobs(s, SETTINGS_KEYS, "01-concentration's settings");
  requirePositiveInt(s.hidden, "01-concentration's settings: hidden");
  const grids = s.grids;
  if (grids === null || typeof grids !== "object" || Array.isArray(grids)) {
    throw new AntitrainError(`01-concentration's settings: grids must be an object of settings lists keyed by ${CONCENTRATION_GRIDS.join(", ")}`);
  }
  const missing = CONCENTRATION_GRIDS.filter((m) => !Array.isArray(grids[m]) || grids[m].length === 0);
  if (missing.length > 0) throw new AntitrainError(`01-concentration's settings: every tuned arm (antitraining's loop and each baseline) needs a grid of at least one setting; missing ${missing.join(", ")}`);
}

/**
 * Per task, every grid setting's tuning summary (means over the tuning seeds) and which one is chosen, by
 * {@link chooseConcentrationSettings}'s rule.
 *
 * @example
 * const tables = concentrationTuningTables(run.settings, run.tuning);   // tables.digits[0].chosen
 */
export function concentrationTuningTables(
  settings: ConcentrationSettings,
  tuning: readonly ConcentrationTaskTuning[],
): Record<ConcentrationTask, { chosen: Record<string, MethodSettings>; table: ConcentrationTuneChoice[] }> {
  const per = (t: ConcentrationTask) => chooseConcentrationSettings(settings.grids, tuning.flatMap((s) => s[t]), settings.tolerance);
  return { digits: per("digits"), "teacher-student": per("teacher-student") };
}

/** Per seed and arm, the validation core averaged over the two tasks (both at the same width). */
function meanCores(results: readonly ConcentrationTaskSeeds[]): Record<string, number>[] {
  return results.map((r) =>
    Object.fromEntries(
      CONCENTRATION_ARM_NAMES.map((arm) => {
        const cores = CONCENTRATION_TASKS.map((t) => r[t].runs.find((x) => x.arm === arm)?.core ?? Number.NaN);
        return [arm, cores.reduce((a, b) => a + b, 0) / cores.length];
      }),
    ),
  );
}

/**
 * The study's details from its seeds: per task the concentration summary, its headline and the probes.
 *
 * @example
 * const d = concentrationDetails(run.settings, run.results);   // d.summary.digits, d.headlines.digits, d.probes.digits
 */
export function concentrationDetails(settings: ConcentrationSettings, results: readonly ConcentrationTaskSeeds[]): ConcentrationDetails {
  const summary = {} as Record<ConcentrationTask, ConcentrationSummary[]>;
  const headlines = {} as Record<ConcentrationTask, string>;
  const probes = {} as Record<ConcentrationTask, Record<string, ProbeAggregate>>;
  for (const t of CONCENTRATION_TASKS) {
    const seeds = results.map((r) => r[t]);
    const s = summarizeConcentration(seeds, settings.tolerance);
    summary[t] = s.summary;
    headlines[t] = s.headline;
    probes[t] = aggregateProbes(seeds);
  }
  return { summary, headlines, probes };
}

/** The other antitrained fractions are the question's variants, not rivals: the verdict compares with the rest. */
const RIVALS = CONCENTRATION_ARM_NAMES.filter((a) => a === "plain" || !a.startsWith("antitrain"));

/**
 * Notebook 01's study. Headline per seed and arm: the validation 95% core, averaged over the two tasks (lower is
 * better); the reference is antitraining the 50% core. `summary.details` is a {@link ConcentrationDetails}.
 *
 * @example
 * const run = await st.runStudy(st.concentrationStudy, st.concentrationStudy.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 */
export const concentrationStudy = defineStudy({
  name: "01-concentration",
  question: "Does antitraining the spectators of a layer leave a smaller 95% core than plain training, the true-label controls and the published ways of concentrating a layer, at the same update budget?",
  arms: CONCENTRATION_ARM_NAMES,
  settings: concentrationSettings,
  check: checkSettings,
  tune: (s: ConcentrationSettings, seed: number): ConcentrationTaskTuning[] => [
    { digits: tuneConcentrationSeed(taskSetup("digits", s.hidden, s), s.grids, seed), "teacher-student": tuneConcentrationSeed(taskSetup("teacher-student", s.hidden, s), s.grids, seed) },
  ],
  choose: (s: ConcentrationSettings, tuning: readonly ConcentrationTaskTuning[]): ConcentrationChosen => {
    const tables = concentrationTuningTables(s, tuning);
    return { digits: tables.digits.chosen, "teacher-student": tables["teacher-student"].chosen };
  },
  run: (s: ConcentrationSettings, chosen: ConcentrationChosen, seed: number): ConcentrationTaskSeeds => ({
    digits: runConcentrationSeed(taskSetup("digits", s.hidden, s), chosen.digits, seed),
    "teacher-student": runConcentrationSeed(taskSetup("teacher-student", s.hidden, s), chosen["teacher-student"], seed),
  }),
  summarize: (s: ConcentrationSettings, results: readonly ConcentrationTaskSeeds[]): StudySummary =>
    summarizeScores(meanCores(results), {
      metric: `validation ${+(100 * s.fraction).toFixed(2)}% core (units of ${s.hidden}, mean of the two tasks)`,
      better: "lower",
      reference: CONCENTRATION_REFERENCE,
      arms: CONCENTRATION_ARM_NAMES,
      digits: 1,
      details: concentrationDetails(s, results),
    }),
  verdict: (summary) =>
    verdictFromSummary(summary, {
      question: "Does antitraining force the information of a layer through a smaller core?",
      claim: "antitraining the 50% core leaves a smaller validation core than plain training, the controls and every published baseline",
      against: RIVALS,
      digits: 1,
    }),
});
