/** Notebook 10's studies: the attention heads of a modular-addition transformer and of a character-level language model, compressed by four arms. */
export {
  HEAD_ARMS,
  CHAR_LM_FILES,
  modularCompressionSettings,
  charLmSettings,
  checkModularCompression,
  checkCharLm,
  type HeadArm,
  type HeadChosen,
  type HeadCommon,
  type HeadGrids,
  type AntitrainKnobs,
  type CompressionModel,
  type ModularCompressionSettings,
  type CharLmSettings,
} from "./settings";
export { modularTask, charLmTask, charLmText, unigramBaseline, modularSplit, lmSplit, type HeadSplit, type UnigramBaseline } from "./data";
export { headSeed, headTuning, headSites, cutHeads, headConfigLabel, type HeadSetup, type HeadOutcome, type HeadSeed, type HeadTuningRow } from "./heads";
export {
  transformerCompressionStudy,
  charLmCompressionStudy,
  modularSetup,
  lmSetup,
  chooseHeads,
  metricOf,
  tuningRows,
  pairedRows,
  armRows,
  type HeadMetric,
  type HeadTuningTableRow,
  type HeadPairedRow,
  type HeadArmRow,
} from "./study";
