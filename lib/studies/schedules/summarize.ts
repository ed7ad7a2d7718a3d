/** The schedules study's tables: each schedule's final state over seeds, and its reattachment per cycle. */
import { AntitrainError } from "../../base/errors";
import { type Interval, meanCI } from "../../base/statistics";
import { meanAfterFirst, reattachment } from "./reattachment";
import type { ScheduleRun } from "./run-schedules";

/** A schedule's final state over seeds. */
export interface ScheduleAggregate {
  readonly coreSize: Interval;
  readonly spectatorDamage: Interval;
  readonly testAccuracy: Interval;
  readonly testLoss: Interval;
  /** Test accuracy at the last re-measurement (the end of the last training phase). */
  readonly lastTrainPhaseEndAccuracy: Interval;
}

/** A schedule's reattachment: per run the mean rate over cycles (the first transition skipped), and over seeds. */
export interface ScheduleReattachment {
  readonly perRun: number[];
  readonly rate: Interval;
  /** Reattached units per cycle. */
  readonly count: Interval;
}

/** The study's own tables (a summary's `details`), keyed by schedule name. */
export interface SchedulesTables {
  readonly aggregate: Record<string, ScheduleAggregate>;
  readonly reattachment: Record<string, ScheduleReattachment>;
}

const last = (a: readonly number[]) => a[a.length - 1];

/**
 * Per schedule (in `schedules` order) its final state and its reattachment, over the runs of that schedule.
 *
 * @example
 * const { aggregate, reattachment } = schedulesTables(runs, ["plain", "interleaved", "cyclic"], 128);
 */
export function schedulesTables(runs: readonly ScheduleRun[], schedules: readonly string[], units: number): SchedulesTables {
  const aggregate: Record<string, ScheduleAggregate> = {};
  const reattach: Record<string, ScheduleReattachment> = {};
  for (const name of schedules) {
    const rs = runs.filter((r) => r.schedule === name);
    if (rs.length === 0) throw new AntitrainError(`no runs of the ${name} schedule: pass every seed's runs`);
    aggregate[name] = {
      coreSize: meanCI(rs.map((r) => r.coreSize)),
      spectatorDamage: meanCI(rs.map((r) => r.spectatorDamage)),
      testAccuracy: meanCI(rs.map((r) => r.testAccuracy)),
      testLoss: meanCI(rs.map((r) => r.testLoss)),
      lastTrainPhaseEndAccuracy: meanCI(rs.map((r) => last(r.trainPhaseEndAccuracy))),
    };
    const perRun = rs.map((r) => meanAfterFirst(reattachment(r.antitrainedCores, units).rates));
    const perRunCount = rs.map((r) => meanAfterFirst(reattachment(r.antitrainedCores, units).counts));
    reattach[name] = { perRun, rate: meanCI(perRun), count: meanCI(perRunCount) };
  }
  return { aggregate, reattachment: reattach };
}
