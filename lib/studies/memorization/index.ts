/** Notebook 08's study: generalizing vs memorizing units, and antitraining with a held-out core (see study.ts). */
export { memorizationStudy, MEMORIZATION_REFERENCE } from "./study";
export { memorizationSettings, checkMemorizationSettings, type MemorizationSettings } from "./settings";
export { runMemorizationSeed, MEMORIZATION_VARIANTS, type MemorizationVariant, type MemorizationSeed, type Outcome } from "./run-seed";
export { analyseUnits, type UnitAnalysis, type Ablation, type AnalysisData } from "./analyse-units";
export { memorizationOutcomeRows, memorizationPairedRows, ciText, type OutcomeRow, type PairedRow } from "./tables";
