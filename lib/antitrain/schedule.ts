import { AntitrainError } from "../base/errors";

/**
 * When antitraining happens relative to training:
 * - `interleaved`: `antiSteps` antitrain steps after every training step; the core is re-measured every `cycle`
 *   training steps;
 * - `cyclic`: after every `train` training steps, the core is re-measured and an antitraining phase of `anti`
 *   steps runs (the notes' "cyclic prolonged training").
 */
export type Schedule =
  | { readonly kind: "interleaved"; readonly antiSteps: number; readonly cycle: number }
  | { readonly kind: "cyclic"; readonly train: number; readonly anti: number };

/**
 * `antiSteps` antitrain steps after each training step, re-measuring the core every `cycle` steps (default 100).
 *
 * @example
 * const schedule = at.interleaved(1, { cycle: 50 });
 */
export function interleaved(antiSteps = 1, options: { cycle?: number } = {}): Schedule {
  const cycle = options.cycle ?? 100;
  if (!(Number.isInteger(antiSteps) && antiSteps >= 0)) throw new AntitrainError(`antiSteps must be a whole number >= 0, got ${antiSteps}`);
  if (!(Number.isInteger(cycle) && cycle > 0)) throw new AntitrainError(`cycle must be a positive whole number, got ${cycle}`);
  return { kind: "interleaved", antiSteps, cycle };
}

/**
 * Long phases: `train` training steps, then (re-measure and) `anti` antitrain steps, repeated.
 *
 * @example
 * const schedule = at.cyclic(200, 100);
 */
export function cyclic(train: number, anti: number): Schedule {
  if (!(Number.isInteger(train) && train > 0)) throw new AntitrainError(`train must be a positive whole number, got ${train}`);
  if (!(Number.isInteger(anti) && anti >= 0)) throw new AntitrainError(`anti must be a whole number >= 0, got ${anti}`);
  return { kind: "cyclic", train, anti };
}

/**
 * Checks `schedule` is a {@link Schedule} (as {@link interleaved} and {@link cyclic} make): a missing or hand-made
 * bad schedule would otherwise fail only at the first training step.
 */
export function requireSchedule(schedule: Schedule | undefined): void {
  const hint = "pass { schedule: at.interleaved(1) } or { schedule: at.cyclic(200, 100) }";
  if (schedule === null || typeof schedule !== "object") {
    throw new AntitrainError(`schedule is ${schedule === null ? "null" : schedule === undefined ? "missing" : typeof schedule}: ${hint}`);
  }
  switch (schedule.kind) {
    case "interleaved":
      interleaved(schedule.antiSteps, { cycle: schedule.cycle ?? Number.NaN });
      return;
    case "cyclic":
      cyclic(schedule.train, schedule.anti);
      return;
    default: {
      const kind: never = schedule;
      throw new AntitrainError(`schedule.kind must be "interleaved" or "cyclic", got ${JSON.stringify((kind as { kind?: unknown }).kind)}: ${hint}`);
    }
  }
}

/** Training steps in one cycle of the schedule (between re-measurements). */
export function cycleLength(schedule: Schedule): number {
  return schedule.kind === "interleaved" ? schedule.cycle : schedule.train;
}
