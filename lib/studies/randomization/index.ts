/** Notebook 07's study: which randomization method ranks units right, and antitrains them (see study.ts). */
export { randomizationStudy, RANDOMIZATION_REFERENCE } from "./study";
export { randomizationSettings, checkRandomizationSettings, type RandomizationSettings } from "./settings";
export { runRandomizationSeed, core95, type RandomizationSeed, type Agreement, type Branch, type Core95 } from "./run-seed";
export { randomizationTables, meanAgreement, type RandomizationTables, type AgreementRow, type CoreRow, type BranchSummary } from "./tables";
export { exactShapley, coalitions, topKOverlap, MAX_SHAPLEY_PLAYERS } from "./shapley";
export { plantUnits, PLANTED_KINDS, type Planted, type UnitKind } from "./planted";
export { groundTruth, type GroundTruthSeed, type MethodScore } from "./ground-truth";
export { randomizationStatistics, summarizeRandomization, randomizationVerdict, RANDOMIZATION_QUESTION, type RandomizationStatistic, type RandomizationDetails } from "./summarize";
