/** Notebook 11's study: pairwise redundancy between units against the exact Shapley interaction index (see study.ts). */
export { mutualInformationStudy, mutualInformationVerdict, MUTUAL_INFORMATION_REFERENCE } from "./study";
export {
  mutualInformationSettings,
  checkMutualInformationSettings,
  knobLabel as mutualInformationKnobLabel,
  MAX_STUDY_UNITS,
  type MutualInformationSettings,
  type MutualInformationKnobs,
  type MutualInformationKnob,
  type AntitrainKnob as MutualInformationAntitrainKnob,
} from "./settings";
export {
  runMutualInformationSeed,
  softenedMlp,
  matchTemperature,
  MUTUAL_INFORMATION_TRAINED,
  type MutualInformationTrainedArm,
  tuneMutualInformation,
  chooseMutualInformation,
  MUTUAL_INFORMATION_MODELS,
  type MutualInformationModel,
  type MutualInformationSeed,
  type MutualInformationTuneRow,
  type MutualInformationChosen,
} from "./run-seed";
export { trainArm as trainMutualInformationArm, type TrainedArm as MutualInformationTrainedModel } from "./train-arm";
export { measureModel, groupSizes, type ModelMeasures } from "./measure-model";
export { shapleyInteractionIndex, shapleyValues, dualGame, exactInteractions, MAX_EXACT_UNITS, type ExactInteractions } from "./exact-interaction";
export { plantedCheck, plantedFinding, type PlantedCheck, type PlantedFinding } from "./planted";
export { tyingCheck, activationCorrelation, bankColumn, type TyingCheck, type TopHint } from "./tying";
export { mutualInformationTables, type MutualInformationTables, type ModelSummary, type TyingSummary, type PlantedSummary, type SeedRow } from "./tables";
