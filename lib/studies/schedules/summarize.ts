/**
 * The schedules study's choice and tables: each tuned arm's configuration chosen on the tuning seeds' validation
 * split, each arm's final state over the study seeds, the paired test accuracy and loss beside the paired core, and
 * each arm's reattachment per re-measurement.
 */
import { AntitrainError } from "../../base/errors";
import { type Interval, meanCI } from "../../base/statistics";
import type { StudySummary } from "../study";
import { summarizeScores } from "../summary";
import { meanAfterFirst, reattachment } from "./reattachment";
import type { ScheduleRun, SchedulesTuneRow } from "./run-schedules";
import { type ArmKnobs, SCHEDULES, type SchedulesChoice, type SchedulesSettings, SCHEDULE_TUNED_ARMS } from "./settings";

/** Accuracies are counts over a split: a float rounding must not move one across "within tolerance". */
const EPS = 1e-9;

/** One configuration of the tuning, averaged over the tuning seeds. */
export interface SchedulesTuneChoice {
  readonly arm: string;
  readonly knobs: ArmKnobs;
  readonly valCore: number;
  readonly valAccuracy: number;
  readonly plainValAccuracy: number;
  /** Mean validation accuracy within the settings' tolerance of plain training's. */
  readonly holds: boolean;
  readonly chosen: boolean;
}

const same = (a: ArmKnobs, b: ArmKnobs) => JSON.stringify(a) === JSON.stringify(b);
const mean = (xs: readonly number[]) => meanCI(xs).mean;

/**
 * Each tuned arm's configuration by one criterion for all (means over the tuning seeds): the smallest validation 95%
 * core among the configurations whose validation accuracy is within `tolerance` of plain training's (ties: the higher
 * validation accuracy); when none holds accuracy, the most accurate. Without rows only one-entry grids can be chosen.
 * Returns the choice and one table row per configuration.
 *
 * @example
 * const { chosen, table } = chooseSchedules(settings, run.tuning);   // chosen.cyclic: { train: 200, anti: 100 }
 */
export function chooseSchedules(settings: SchedulesSettings, rows: readonly SchedulesTuneRow[]): { chosen: SchedulesChoice; table: SchedulesTuneChoice[] } {
  if (rows.length === 0) {
    const open = SCHEDULE_TUNED_ARMS.filter((arm) => settings.grids[arm].length > 1);
    if (open.length > 0) throw new AntitrainError(`the grids of ${open.join(", ")} have several configurations to choose from: run tuning seeds (runStudy's tuneSeeds, e.g. [100, 101])`);
    const chosen = { interleaved: settings.grids.interleaved[0], cyclic: settings.grids.cyclic[0], "group lasso": settings.grids["group lasso"][0] };
    return { chosen, table: [] };
  }
  const plain = rows.filter((r) => r.arm === "plain");
  if (plain.length === 0) throw new AntitrainError("chooseSchedules needs plain training's tuning rows (tuneSchedulesSeed makes them)");
  const plainValAccuracy = mean(plain.map((r) => r.valAccuracy));
  const chosen: Record<string, ArmKnobs> = {};
  const table: SchedulesTuneChoice[] = [{ arm: "plain", knobs: null, valCore: mean(plain.map((r) => r.valCore)), valAccuracy: plainValAccuracy, plainValAccuracy, holds: true, chosen: true }];
  for (const arm of SCHEDULE_TUNED_ARMS) {
    const scored = settings.grids[arm].map((knobs) => {
      const mine = rows.filter((r) => r.arm === arm && same(r.knobs, knobs));
      if (mine.length === 0) throw new AntitrainError(`no tuning run for ${arm} ${JSON.stringify(knobs)}: run tuneSchedulesSeed with the same grids`);
      const valAccuracy = mean(mine.map((r) => r.valAccuracy));
      return { arm, knobs, valCore: mean(mine.map((r) => r.valCore)), valAccuracy, plainValAccuracy, holds: valAccuracy >= plainValAccuracy - settings.tolerance - EPS };
    });
    const holding = scored.filter((s) => s.holds).sort((a, b) => a.valCore - b.valCore || b.valAccuracy - a.valAccuracy);
    const best = holding[0] ?? [...scored].sort((a, b) => b.valAccuracy - a.valAccuracy || a.valCore - b.valCore)[0];
    chosen[arm] = best.knobs;
    for (const s of scored) table.push({ ...s, chosen: s === best });
  }
  return { chosen: chosen as unknown as SchedulesChoice, table };
}

/** An arm's final state over the study seeds (mean with 95% interval). */
export interface ScheduleAggregate {
  readonly knobs: ArmKnobs;
  readonly updates: number;
  readonly trainingSteps: number;
  readonly valCore: Interval;
  readonly testCore: Interval;
  readonly testSpectatorDamage: Interval;
  readonly valAccuracy: Interval;
  readonly testAccuracy: Interval;
  readonly testLoss: Interval;
}

/** An arm's reattachment: per run the mean over re-measurements (the first transition skipped), and over seeds. */
export interface ScheduleReattachment {
  /** Training steps between re-measurements. */
  readonly cadence: number;
  readonly perRun: number[];
  readonly rate: Interval;
  /** Units per re-measurement that were spectators of the antitrained core and are in it at the next. */
  readonly count: Interval;
}

/** The study's own tables (a summary's `details`), keyed by arm. */
export interface SchedulesTables {
  readonly aggregate: Record<string, ScheduleAggregate>;
  /** Paired per-seed test accuracy (higher is better) and test loss (lower is better), and the validation core, each against interleaved. */
  readonly accuracy: StudySummary;
  readonly loss: StudySummary;
  readonly valCore: StudySummary;
  readonly reattachment: Record<string, ScheduleReattachment>;
}

/**
 * Per arm (in `arms` order) its final state and its reattachment, over the runs of that arm.
 *
 * @example
 * const { aggregate, reattachment } = schedulesTables(runs, SCHEDULES, 128);
 */
export function schedulesTables(runs: readonly ScheduleRun[], arms: readonly string[], units: number): Pick<SchedulesTables, "aggregate" | "reattachment"> {
  const aggregate: Record<string, ScheduleAggregate> = {};
  const reattach: Record<string, ScheduleReattachment> = {};
  for (const name of arms) {
    const rs = runs.filter((r) => r.arm === name);
    if (rs.length === 0) throw new AntitrainError(`no runs of the ${name} arm: pass every seed's runs`);
    aggregate[name] = {
      knobs: rs[0].knobs,
      updates: rs[0].updates,
      trainingSteps: rs[0].trainingSteps,
      valCore: meanCI(rs.map((r) => r.valCore)),
      testCore: meanCI(rs.map((r) => r.testCore)),
      testSpectatorDamage: meanCI(rs.map((r) => r.testSpectatorDamage)),
      valAccuracy: meanCI(rs.map((r) => r.valAccuracy)),
      testAccuracy: meanCI(rs.map((r) => r.testAccuracy)),
      testLoss: meanCI(rs.map((r) => r.testLoss)),
    };
    const perRun = rs.map((r) => meanAfterFirst(reattachment(r.antitrainedCores, units).rates));
    const perRunCount = rs.map((r) => meanAfterFirst(reattachment(r.antitrainedCores, units).counts));
    const steps = rs[0].steps;
    reattach[name] = { cadence: steps.length > 2 ? steps[2] - steps[1] : Number.NaN, perRun, rate: meanCI(perRun), count: meanCI(perRunCount) };
  }
  return { aggregate, reattachment: reattach };
}

/**
 * The study's summary from every seed's runs: the test-split 95% core per arm, paired per seed against interleaved
 * antitraining (t interval, Wilcoxon p, median), with the paired test accuracy and loss and the validation core
 * beside it in `details`.
 *
 * @example
 * const summary = summarizeSchedules(settings, run.results);   // summary.paired: plain, cyclic, group lasso − interleaved
 */
export function summarizeSchedules(settings: SchedulesSettings, results: readonly (readonly ScheduleRun[])[]): StudySummary {
  const by = (key: "testCore" | "testAccuracy" | "testLoss" | "valCore") => results.map((runs) => Object.fromEntries(runs.map((r) => [r.arm, r[key]])));
  const common = { reference: "interleaved", arms: SCHEDULES };
  const details: SchedulesTables = {
    ...schedulesTables(results.flat(), SCHEDULES, settings.hidden),
    accuracy: summarizeScores(by("testAccuracy"), { ...common, metric: "test accuracy", better: "higher" }),
    loss: summarizeScores(by("testLoss"), { ...common, metric: "test loss (cross-entropy)", better: "lower" }),
    valCore: summarizeScores(by("valCore"), { ...common, metric: `validation-split 95% core of h1 (units of ${settings.hidden})`, better: "lower", digits: 1 }),
  };
  return summarizeScores(by("testCore"), {
    ...common, metric: `test-split 95% core of h1 (units of ${settings.hidden})`, better: "lower", digits: 1, details,
  });
}
