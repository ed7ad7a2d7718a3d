/** Notebook 05's schedules study: settings, one seed's runs, reattachment, the tables, the Study. */
export { SCHEDULES, schedulesSettings, checkSchedulesSettings, scheduleOf, type ScheduleName, type SchedulesSettings } from "./settings";
export { runSchedule, runSchedulesSeed, type ScheduleRun } from "./run-schedules";
export { reattachment, meanAfterFirst, type Reattachment } from "./reattachment";
export { schedulesTables, type ScheduleAggregate, type ScheduleReattachment, type SchedulesTables } from "./summarize";
export { schedulesStudy } from "./study";
