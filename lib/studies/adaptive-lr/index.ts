/** Notebook 13's information-adaptive learning-rate study: settings, tuning and seed runs, the tables, and the registered Study. */
export { ADAPTIVE_LR_ARM_LIST, ADAPTIVE_LR_ARMS, ADAPTIVE_LR_PEERS, adaptiveLrSettings, adaptiveLrGrid, adaptiveLrArm, adaptiveLrConfigLabel, checkAdaptiveLrSettings, type AdaptiveLrArm, type AdaptiveLrKind, type AdaptiveLrConfig, type AdaptiveLrSettings } from "./settings";
export { tuneAdaptiveLr, chooseAdaptiveLr, adaptiveLrSeed, type AdaptiveLrTuneRow, type AdaptiveLrChoice, type AdaptiveLrChosen, type AdaptiveLrRow, type AdaptiveLrCurve, type AdaptiveLrSeed } from "./run-seed";
export { ADAPTIVE_LR_REFERENCE, adaptiveLrRows, adaptiveLrCurves, adaptiveLrTable, summarizeAdaptiveLr, type AdaptiveLrStats, type AdaptiveLrVersusPeer, type AdaptiveLrDetails } from "./summarize";
export { adaptiveLrStudy, adaptiveLrVerdict } from "./study";
