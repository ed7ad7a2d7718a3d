/** Notebook 13's information-adaptive learning-rate study: settings, one seed, the tables, and the registered Study. */
export { ADAPTIVE_LR_CONFIGS, ADAPTIVE_LR_ARMS, adaptiveLrSettings, checkAdaptiveLrSettings, type AdaptiveLrConfig, type AdaptiveLrSettings } from "./settings";
export { adaptiveLrSeed, type AdaptiveLrRow, type AdaptiveLrCurve, type AdaptiveLrSeed } from "./run-seed";
export { ADAPTIVE_LR_BASELINE, ADAPTIVE_LR_REFERENCE, adaptiveLrRows, adaptiveLrCurves, adaptiveLrTable, summarizeAdaptiveLr, type AdaptiveLrStats } from "./summarize";
export { adaptiveLrStudy } from "./study";
