/** Notebook 11's study: backups, entanglement and tying hints between units (see study.ts). */
export { mutualInformationStudy, MUTUAL_INFORMATION_REFERENCE } from "./study";
export { mutualInformationSettings, checkMutualInformationSettings, type MutualInformationSettings } from "./settings";
export { runMutualInformationSeed, MUTUAL_INFORMATION_MODELS, type MutualInformationModel, type MutualInformationSeed } from "./run-seed";
export { measureModel, groupSizes, type ModelMeasures } from "./measure-model";
export { tyingCheck, activationCorrelation, bankColumn, type TyingCheck, type TopHint } from "./tying";
export { mutualInformationTables, type MutualInformationTables, type ModelSummary, type TyingSummary, type SeedRow } from "./tables";
