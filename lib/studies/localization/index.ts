/** Notebook 19's localization study: settings, the arms' losses, one seed, the tables, and the registered Study. */
export {
  LOCALIZATION_ARMS,
  ROUTINGS,
  PICKS,
  PARITY as LOCALIZATION_PARITY,
  FOOTWEAR,
  localizationSettings,
  checkLocalizationSettings,
  modularLocalizationTask,
  charLmLocalizationTask,
  vowelValues,
  localizationMinutes,
  type LocalizationArm,
  type LocalizationSettings,
  type LocalizationTask,
  type ModularTokens,
  type CharLmTaskOptions,
  type TransformerShape,
  type ArmConfig,
  type Routing,
  type UnitPick,
} from "./settings";
export { routeGradient, routingMasks, routedLoss, routedGradients } from "./gradient-routing";
export { conceptHead, supervisedLoss, type ConceptHead } from "./supervised";
export { bottleneckLoss, conceptNeurons, type ConceptNeurons } from "./bottleneck";
export { taskSplit, taskSite, taskModel, type TaskSplit } from "./data";
export { charLmVocab, checkCharLmWindows, type CharLmWindows } from "./char-lm";
export { trainArm, type ArmTraining } from "./train-arm";
export { measureLocalization, restAccuracy, type Localization } from "./measure";
export { pickConceptUnits, rankSumScore } from "./pick";
export {
  localizationSeed,
  tuneLocalization,
  chooseLocalization,
  localizationTuneScores,
  type LocalizationTuneScore,
  type LocalizationChosen,
  type LocalizationRow,
  type LocalizationSeed,
  type LocalizationTuneRow,
} from "./run-seed";
export {
  LOCALIZATION_MEASUREMENTS,
  ANTITRAINING_ARMS,
  LOCALIZATION_GOAL,
  localizationRows,
  localizationTable,
  localizationSweep,
  goalChecks,
  goalLines,
  summarizeLocalization,
  type LocalizationMeasurement,
  type LocalizationTable,
  type LocalizationSweep,
  type GoalCheck,
} from "./summarize";
export { localizationStudy, localizationVerdict } from "./study";
