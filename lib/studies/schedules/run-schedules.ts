/**
 * One seed of the schedules study: every arm trained from the same initialization and batch order for the same
 * number of optimizer updates (antitrain steps counted), its 95% core measured on the validation split (tuning) and
 * on the test split (the final table). During a run the cores are re-measured on training rows and the trajectory's
 * accuracy is taken on the validation split: no test data is read before the end of a study seed.
 */
import { interleaved } from "../../antitrain/schedule";
import { AntitrainError } from "../../base/errors";
import { reportCore } from "../../core/report-core";
import type { Split } from "../../data/dataset";
import { groupLasso } from "../../training/group-lasso";
import { evaluate } from "../../training/train";
import { studyData } from "../data";
import { type ExperimentOptions, type ExperimentResult, runExperiment } from "../run-experiment";
import {
  type ArmKnobs,
  type CyclicKnobs,
  type InterleavedKnobs,
  type PenaltyKnobs,
  SCHEDULES,
  type ScheduleName,
  type SchedulesChoice,
  type SchedulesSettings,
  SCHEDULE_TUNED_ARMS,
  scheduleOf,
} from "./settings";

/** One arm's run on one study seed: its final cores, accuracy and loss, and every re-measurement on the way. */
export interface ScheduleRun {
  readonly arm: ScheduleName;
  readonly seed: number;
  readonly knobs: ArmKnobs;
  /** Training steps and antitrain steps after pretraining; their sum is the settings' `updates`. */
  readonly trainingSteps: number;
  readonly antiSteps: number;
  readonly updates: number;
  /** The final 95% core (`reportFraction`) of `h1` on the validation split and on the test split (stats from the training split). */
  readonly valCore: number;
  readonly testCore: number;
  /** Accuracy lost on the test split when the test core's spectators, or the whole layer, are randomized. */
  readonly testSpectatorDamage: number;
  readonly testFullDamage: number;
  readonly valAccuracy: number;
  readonly valLoss: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** Training steps (pretraining counted) and optimizer updates after pretraining at each re-measurement of the cores. */
  readonly steps: number[];
  readonly measureUpdates: number[];
  /** Validation accuracy and loss at each re-measurement (for cyclic: the end of a training phase). */
  readonly measureValAccuracy: number[];
  readonly measureValLoss: number[];
  /** Cyclic only: optimizer updates after pretraining, validation accuracy and loss right after each antitraining phase. */
  readonly antiPhaseUpdates: number[];
  readonly antiPhaseValAccuracy: number[];
  readonly antiPhaseValLoss: number[];
  /** The antitrained (`fraction`) and reported (`reportFraction`) cores at each re-measurement (training rows), most important first. */
  readonly antitrainedCores: number[][];
  readonly reportCores: number[][];
  /** Wall seconds of the training run. */
  readonly seconds: number;
}

/** One configuration on one tuning seed: validation numbers only. */
export interface SchedulesTuneRow {
  readonly arm: ScheduleName;
  readonly knobs: ArmKnobs;
  readonly seed: number;
  readonly valCore: number;
  readonly valAccuracy: number;
  readonly valLoss: number;
  readonly updates: number;
}

/** The study's split: training, validation and test rows. */
function splitOf(settings: SchedulesSettings): Required<Pick<Split, "train" | "validation" | "test">> {
  const { train, validation, test } = studyData(settings.data);
  if (validation === undefined) throw new AntitrainError("the schedules study needs a validation split: set settings.data.validation, e.g. 0.2");
  return { train, validation, test };
}

/**
 * Trains `arm` at `knobs` from `mlp({ seed })`: `pretrain` plain steps, then exactly `updates` optimizer updates —
 * plain and group lasso `updates` training steps, interleaved and cyclic their share of training steps plus their
 * antitrain steps on `h1`'s antitrained core. With `track`, plain and group lasso also re-measure the cores every
 * `track` training steps (measuring never changes the model). The trajectory's accuracy is on the validation split.
 * Throws when the arm made another number of updates. The caller disposes the returned model.
 *
 * @example
 * const run = trainScheduleArm(settings, "cyclic", { train: 200, anti: 100 }, 0, { track: undefined, evaluate: true });
 * run.model.dispose();
 */
export function trainScheduleArm(settings: SchedulesSettings, arm: ScheduleName, knobs: ArmKnobs, seed: number, options: { track?: number; evaluate: boolean }): ExperimentResult {
  const { train, validation } = splitOf(settings);
  const base: ExperimentOptions = {
    data: { train, test: validation }, hidden: [settings.hidden], seed, pretrain: settings.pretrain, steps: settings.updates, evaluateCycles: options.evaluate,
  };
  const cores = { fraction: settings.fraction, reportFraction: settings.reportFraction };
  const tracked = (o: ExperimentOptions): ExperimentOptions =>
    options.track === undefined ? o : { ...o, antitrain: { schedule: interleaved(0, { cycle: options.track }), ...cores } };
  let run: ExperimentResult;
  let trainingSteps = settings.updates;
  switch (arm) {
    case "plain":
      run = runExperiment(tracked(base));
      break;
    case "group lasso": {
      const lambda = (knobs as PenaltyKnobs).lambda;
      run = runExperiment({ ...tracked(base), penalty: (m) => groupLasso(m, ["h1"], lambda) });
      break;
    }
    case "interleaved":
    case "cyclic": {
      const s = scheduleOf(arm, knobs as InterleavedKnobs | CyclicKnobs, settings.updates);
      trainingSteps = s.trainingSteps;
      run = runExperiment({ ...base, steps: s.trainingSteps, antitrain: { schedule: s.schedule, ...cores } });
      break;
    }
    default:
      throw new AntitrainError(`unknown arm ${JSON.stringify(arm)}: use one of ${SCHEDULES.join(", ")}`);
  }
  if (trainingSteps + run.antiSteps !== settings.updates) {
    run.model.dispose();
    throw new AntitrainError(`${arm} ${JSON.stringify(knobs)} made ${trainingSteps} training + ${run.antiSteps} antitrain steps, not ${settings.updates} updates: choose knobs that spend the budget exactly`);
  }
  return run;
}

/**
 * One tuning seed: plain training and every configuration of every grid, each scored on the validation split only
 * (its 95% core and accuracy). Reads no test data.
 *
 * @example
 * const rows = tuneSchedulesSeed(settings, 100);   // 1 + 3 × (grid length) rows
 */
export function tuneSchedulesSeed(settings: SchedulesSettings, seed: number): SchedulesTuneRow[] {
  const { train, validation } = splitOf(settings);
  const configs: [ScheduleName, ArmKnobs][] = [["plain", null], ...SCHEDULE_TUNED_ARMS.flatMap((arm) => settings.grids[arm].map((k): [ScheduleName, ArmKnobs] => [arm, k]))];
  return configs.map(([arm, knobs]) => {
    const run = trainScheduleArm(settings, arm, knobs, seed, { evaluate: false });
    try {
      const core = reportCore(run.model, "h1", validation, train, { fraction: settings.reportFraction, seed: 1 });
      return { arm, knobs, seed, valCore: core.core.length, valAccuracy: run.final.accuracy, valLoss: run.final.loss, updates: settings.updates };
    } finally {
      run.model.dispose();
    }
  });
}

/**
 * One arm on one study seed at its chosen knobs, measured: the final 95% core on validation and test, validation and
 * test accuracy and loss, and the trajectory. Plain and group lasso re-measure their cores every `track` training
 * steps (the study uses the chosen cyclic phase, so plain training's churn is the control of cyclic reattachment).
 *
 * @example
 * const run = runSchedule(settings, "interleaved", { antiSteps: 1, cycle: 100 }, 0, 200);   // run.testCore
 */
export function runSchedule(settings: SchedulesSettings, arm: ScheduleName, knobs: ArmKnobs, seed: number, track: number): ScheduleRun {
  const { train, validation, test } = splitOf(settings);
  const run = trainScheduleArm(settings, arm, knobs, seed, { track: arm === "plain" || arm === "group lasso" ? track : undefined, evaluate: true });
  try {
    const val = reportCore(run.model, "h1", validation, train, { fraction: settings.reportFraction, seed: 1 });
    const rep = reportCore(run.model, "h1", test, train, { fraction: settings.reportFraction, seed: 1 });
    const onTest = evaluate(run.model, test);
    return {
      arm, seed, knobs, trainingSteps: settings.updates - run.antiSteps, antiSteps: run.antiSteps, updates: settings.updates,
      valCore: val.core.length, testCore: rep.core.length, testSpectatorDamage: rep.spectatorDamage, testFullDamage: rep.fullDamage,
      valAccuracy: run.final.accuracy, valLoss: run.final.loss, testAccuracy: onTest.accuracy, testLoss: onTest.loss,
      steps: run.cycles.map((c) => c.step), measureUpdates: run.cycles.map((c) => c.updates),
      measureValAccuracy: run.cycles.map((c) => c.testAccuracy), measureValLoss: run.cycles.map((c) => c.testLoss),
      antiPhaseUpdates: run.antiPhaseEnds.map((p) => p.updates),
      antiPhaseValAccuracy: run.antiPhaseEnds.map((p) => p.testAccuracy), antiPhaseValLoss: run.antiPhaseEnds.map((p) => p.testLoss),
      antitrainedCores: run.cycles.map((c) => c.antitrainedCore), reportCores: run.cycles.map((c) => c.reportCore),
      seconds: run.seconds,
    };
  } finally {
    run.model.dispose();
  }
}

/**
 * One study seed: every arm of {@link SCHEDULES} at its chosen knobs, in table order.
 *
 * @example
 * const runs = runSchedulesSeed(settings, chosen, 0);   // [plain, interleaved, cyclic, group lasso]
 */
export function runSchedulesSeed(settings: SchedulesSettings, chosen: SchedulesChoice, seed: number): ScheduleRun[] {
  const track = chosen.cyclic.train;
  return SCHEDULES.map((arm) => runSchedule(settings, arm, arm === "plain" ? null : chosen[arm], seed, track));
}
