/** Notebook 05's schedules study: settings, one seed's runs and the tuning, reattachment, the choice and tables, the Study. */
export {
  SCHEDULES, SCHEDULE_TUNED_ARMS, SCHEDULES_GRIDS, schedulesSettings, checkSchedulesSettings, scheduleOf, knobsLabel,
  type ScheduleName, type ScheduleTunedArm, type SchedulesSettings, type SchedulesGrids, type SchedulesChoice, type ArmKnobs, type InterleavedKnobs, type CyclicKnobs, type PenaltyKnobs,
} from "./settings";
export { trainScheduleArm, tuneSchedulesSeed, runSchedule, runSchedulesSeed, type ScheduleRun, type SchedulesTuneRow } from "./run-schedules";
export { reattachment, meanAfterFirst, type Reattachment } from "./reattachment";
export { chooseSchedules, schedulesTables, summarizeSchedules, type SchedulesTuneChoice, type ScheduleAggregate, type ScheduleReattachment, type SchedulesTables } from "./summarize";
export { schedulesStudy, schedulesVerdict, robustnessLine } from "./study";
