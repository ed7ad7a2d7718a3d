/** One seed of the schedules study: a training run under each schedule, measured (the notebook's old `runSeed`). */
import { reportCore } from "../../core/report-core";
import type { Split } from "../../data/dataset";
import { runExperiment } from "../run-experiment";
import { SCHEDULES, type ScheduleName, type SchedulesSettings, scheduleOf } from "./settings";

/** One schedule's run on one seed: its final core and accuracy, and every re-measurement and phase end. */
export interface ScheduleRun {
  readonly schedule: ScheduleName;
  readonly seed: number;
  /** The final 95% core (`reportFraction`) of `h1` on the test split, stats from the training split. */
  readonly coreSize: number;
  readonly spectatorDamage: number;
  readonly fullDamage: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** Test accuracy and loss at each re-measurement (the end of a training phase) and after each cyclic antitraining phase. */
  readonly trainPhaseEndAccuracy: number[];
  readonly antiPhaseEndAccuracy: number[];
  readonly trainPhaseEndLoss: number[];
  readonly antiPhaseEndLoss: number[];
  /** Training steps of the re-measurements and of the cyclic phase ends. */
  readonly steps: number[];
  readonly antiSteps: number[];
  /** The antitrained (`fraction`) and reported (`reportFraction`) cores at each re-measurement, most important first. */
  readonly antitrainedCores: number[][];
  readonly reportCores: number[][];
  /** Wall seconds of the training run. */
  readonly seconds: number;
}

/**
 * Trains a fresh MLP (seeded by `seed`) under `schedule`: `pretrain` plain steps, then `phase · cycles` training
 * steps with an antitrainer on `h1` at `fraction`, re-measuring both cores every phase; then measures the final 95%
 * core on the test split (seed 1). Disposes the model.
 *
 * @example
 * const run = runSchedule(settings, studyData(settings.data), "interleaved", 0);   // run.coreSize, run.reportCores
 */
export function runSchedule(settings: SchedulesSettings, data: Split, schedule: ScheduleName, seed: number): ScheduleRun {
  const run = runExperiment({ data, hidden: [settings.hidden], seed, pretrain: settings.pretrain, steps: settings.phase * settings.cycles,
    antitrain: { schedule: scheduleOf(schedule, settings.phase), fraction: settings.fraction, reportFraction: settings.reportFraction } });
  try {
    const rep = reportCore(run.model, "h1", data.test, data.train, { fraction: settings.reportFraction, seed: 1 });
    return { schedule, seed, coreSize: rep.core.length, spectatorDamage: rep.spectatorDamage, fullDamage: rep.fullDamage,
      testAccuracy: run.final.accuracy, testLoss: run.final.loss,
      trainPhaseEndAccuracy: run.cycles.map((c) => c.testAccuracy), trainPhaseEndLoss: run.cycles.map((c) => c.testLoss),
      antiPhaseEndAccuracy: run.antiPhaseEnds.map((p) => p.testAccuracy), antiPhaseEndLoss: run.antiPhaseEnds.map((p) => p.testLoss),
      steps: run.cycles.map((c) => c.step), antiSteps: run.antiPhaseEnds.map((p) => p.step),
      antitrainedCores: run.cycles.map((c) => c.antitrainedCore), reportCores: run.cycles.map((c) => c.reportCore),
      seconds: run.seconds };
  } finally {
    run.model.dispose();
  }
}

/**
 * One seed of the study: every schedule in {@link SCHEDULES} order.
 *
 * @example
 * const runs = runSchedulesSeed(settings, studyData(settings.data), 0);   // [plain, interleaved, cyclic]
 */
export function runSchedulesSeed(settings: SchedulesSettings, data: Split, seed: number): ScheduleRun[] {
  return SCHEDULES.map((name) => runSchedule(settings, data, name, seed));
}
