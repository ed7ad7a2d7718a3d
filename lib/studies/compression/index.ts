/** The compression studies of notebooks 04, 15, 16 and 17: one factory, four presets. */
export { compressionStudy, chooseCompression, type CompressionPreset, type CompressionStudy } from "./factory";
export {
  checkCompressionSettings,
  compressionSetup,
  compressionSplit,
  compressionWidth,
  compressionArmNames,
  firstOfEachGrid,
  type CompressionSettings,
  type CompressionChoice,
} from "./settings";
export { summarizeCompressionStudy, compressionDetails, bestVariantAndReference, scoresBySeed, type CompressionDetails } from "./summary";
export { robustStatistics, robustVerdicts, robustLine, normalizedArea, commonWidths, chosenWidthGaps, type RobustStatistic, type RobustVerdict, type ChosenWidthGap } from "./robust";
export { antitrainL9, type AntitrainLevels } from "./grids";
export { digitsCompression, DIGITS_COMPRESSION_GRIDS } from "./digits";
export { compressionVariants, variantsVerdict, VARIANT_ARMS, VARIANT_GRIDS } from "./variants";
export { fashionCompression, fashionDeepCompression, fashionFullSizeCompression, FASHION_COMPRESSION_GRIDS, FASHION_DEEP_COMPRESSION_GRIDS, FASHION_FULL_SIZE_GRIDS } from "./fashion";
export { compressionResultsFile } from "./results-file";
