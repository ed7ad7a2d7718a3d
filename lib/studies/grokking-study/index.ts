/** Notebook 09's grokking study: settings, data, runs, tables and the Study object. */
export { GROK_ARMS, REPLICATION_ARMS, grokSettings, checkGrokSettings, type GrokArm, type GrokSettings, type GrokModel, type GrokReplication, type GrokfastSetting } from "./settings";
export { grokData, type GrokData } from "./data";
export { grokSeedRuns, grokfastTuningSeed, type GrokArmRun, type GrokTuningRow, type GrokTask } from "./runs";
export { grokfastTuningRows, chooseGrokfast, grokSummaryRows, grokPairedRows, grokRunRows, speedUp, type GrokTuningTableRow, type GrokSummaryRow, type GrokPairedRow, type GrokRunRow } from "./tables";
export { grokkingStudy, type GrokSeed } from "./study";
