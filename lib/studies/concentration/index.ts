/** The concentration studies of notebooks 01 (one width) and 02 (several widths), their tasks and their details. */
export { CONCENTRATION_TASKS, TASK_SHAPES, taskData, taskSetup, taskSplitSizes, type ConcentrationTask, type ConcentrationKnobs, type SplitSizes } from "./tasks";
export { aggregateProbes, type ProbeAggregate } from "./probes";
export {
  concentrationStudy,
  concentrationSettings,
  concentrationDetails,
  concentrationTuningTables,
  CONCENTRATION_FULL_GRIDS,
  type ConcentrationSettings,
  type ConcentrationGrids,
  type ConcentrationTaskSeeds,
  type ConcentrationTaskTuning,
  type ConcentrationChosen,
  type ConcentrationDetails,
} from "./concentration";
export { coreGrowth, type CoreGrowth, type WidthSeeds } from "./growth";
export {
  equivalenceStudy,
  equivalenceSettings,
  equivalenceCells,
  equivalenceWidths,
  equivalenceDetails,
  EQUIVALENCE_ARMS,
  EQUIVALENCE_CHOSEN,
  type EquivalenceSettings,
  type EquivalenceCell,
  type EquivalenceCellRun,
  type EquivalenceSeed,
  type EquivalenceDetails,
} from "./equivalence-class";
