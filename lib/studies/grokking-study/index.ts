/** Notebook 09's grokking study: settings, data, runs, tables and the Study object. */
export { GROK_ARMS, REPLICATION_ARMS, GROK_TUNED_ARMS, grokSettings, checkGrokSettings, type GrokArm, type GrokTunedArm, type GrokSettings, type GrokModel, type GrokReplication, type GrokfastSetting, type AntitrainSetting, type GrokKnobs, type GrokGrids, type GrokChosen } from "./settings";
export { grokData, type GrokData } from "./data";
export { grokSeedRuns, grokTuningSeed, tuningConfigurations, chosenKnobs, type GrokArmRun, type GrokTuningRow, type GrokTask } from "./runs";
export { grokTuningRows, chooseGrok, knobsText, grokSummaryRows, grokPairedRows, grokRunRows, speedUp, type GrokTuningTableRow, type GrokSummaryRow, type GrokPairedRow, type GrokRunRow } from "./tables";
export { grokkingStudy, type GrokSeed } from "./study";
