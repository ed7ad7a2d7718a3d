/** Notebook 10's studies: a modular-addition transformer and a character-level language model, compressed unit by unit. */
export {
  UNIT_RANKINGS,
  CHAR_LM_FILES,
  modularCompressionSettings,
  charLmSettings,
  checkModularCompression,
  checkCharLm,
  type UnitRanking,
  type CompressionModel,
  type ModularCompressionSettings,
  type CharLmSettings,
} from "./settings";
export { modularTask, charLmTask, charLmText, unigramBaseline, type UnigramBaseline } from "./data";
export { keptGrid } from "./kept-grid";
export { modularCompressionSeed, type ModularCurve, type ModularTrained, type ModularAntiRow, type ModularSeed } from "./modular-seed";
export { charLmSeed, lmSites, type LmCurve, type LmAntiRow, type LmSeed } from "./lm-seed";
export { unitsFor95, modularNeededRows, lossTopHalf, lmNeededRows, type ModularNeededRow, type LmNeededRow } from "./tables";
export { transformerCompressionStudy, charLmCompressionStudy } from "./study";
