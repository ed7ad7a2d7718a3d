/** Notebook 07's study: which randomization method ranks units and antitrains them (see study.ts). */
export { randomizationStudy, RANDOMIZATION_REFERENCE } from "./study";
export { randomizationSettings, checkRandomizationSettings, type RandomizationSettings } from "./settings";
export { runRandomizationSeed, core95, type RandomizationSeed, type Agreement, type Branch, type Core95 } from "./run-seed";
export { randomizationTables, meanAgreement, type RandomizationTables, type AgreementRow, type CoreRow, type BranchSummary } from "./tables";
