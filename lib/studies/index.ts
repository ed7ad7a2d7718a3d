/**
 * `antitrain/studies`: the research studies behind the notebooks. Each study is one object behind one contract
 * (`Study`: checked arms, `tune` on validation data or separate seeds, `choose`, `run(settings, chosen, seed)`,
 * `summarize`, `verdict`), registered in `STUDIES` and run by `runStudy` locally, in worker processes or on the
 * sweep queue, with every seed cached under a key that includes a hash of the library's code. The building blocks
 * the studies share (arms, training methods, unit orders, iterative magnitude pruning, grokking runs) are exported
 * here too.
 *
 * @example
 * import * as st from "antitrain/studies";
 * const run = await st.runStudy(st.STUDIES["04-compression"], settings, { seeds: [0, 1, 2] });
 * console.log(run.verdict.sentence);
 */
export {
  runExperiment,
  type ExperimentOptions,
  type ExperimentResult,
  type CycleRecord,
  type PhaseEnd,
} from "./run-experiment";
export { grokRun, type GrokRunOptions, type GrokResult, type GrokPoint, type GrokMethod } from "./grokking";
export {
  iterativeMagnitudePruning,
  type MagnitudePruningOptions,
  type PruningRound,
  type PruningResult,
} from "./magnitude-pruning";
export {
  trainWithMethod,
  unitOrder,
  TRAINING_METHODS,
  UNIT_ORDERS,
  type TrainingMethod,
  type MethodSettings,
  type TrainWithMethodOptions,
  type MethodRun,
  type UnitOrder,
} from "./compression-arms";
export {
  STUDY_ARMS,
  STUDY_ARM_NAMES,
  IMP_ARM,
  SCRATCH_ARM,
  tuneCompressionSeed,
  chooseSettings,
  runCompressionSeed,
  summarizeCompression,
  fewestUnits,
  splitSizes,
  checkArms,
  type RunSeedOptions,
  type StudyArm,
  type CompressionSetup,
  type StudyPoint,
  type StudyCurve,
  type StudySeed,
  type TuneRow,
  type ArmSummary,
} from "./compression-study";
export type { StudySetup } from "./study-setup";
export {
  convGroupLasso,
  channelScores,
  CHANNEL_SCORES,
  CONV_METHODS,
  CONV_ORDERS,
  CONV_ARMS,
  trainConvArm,
  convChannelOrder,
  meanMaskedLogits,
  tuneConvCompressionSeed,
  runConvCompressionSeed,
  summarizeConvCompression,
  convSplitSizes,
  type ChannelScore,
  type ConvMethod,
  type ConvOrder,
  type ConvArm,
  type ConvStudySetup,
  type ConvStudyPoint,
  type ConvStudyCurve,
  type ConvStudySeed,
  type TrainConvArmOptions,
} from "./conv-compression";
export {
  CONCENTRATION_ARMS,
  CONCENTRATION_ARM_NAMES,
  CONCENTRATION_GRIDS,
  CONCENTRATION_BASELINE_GRIDS,
  CONCENTRATION_REFERENCE,
  ANTITRAIN_GRID,
  LOOP_KNOBS,
  concentrationArm,
  tuneConcentrationSeed,
  chooseConcentrationSettings,
  runConcentrationSeed,
  summarizeConcentration,
  type ConcentrationArm,
  type ConcentrationSetup,
  type ConcentrationMeasure,
  type ConcentrationRun,
  type SpectatorProbe,
  type ConcentrationSeed,
  type ConcentrationTuneRow,
  type ConcentrationTuneChoice,
  type ConcentrationSummary,
} from "./concentration-study";
export {
  MULTILAYER_METHODS,
  MULTILAYER_TUNED,
  MULTILAYER_ARMS,
  MULTILAYER_ARM_NAMES,
  MULTILAYER_REFERENCE,
  LAYER_ORDERS,
  trainAllLayers,
  compressLayers,
  checkMultilayerSetup,
  tuneMultilayerSeed,
  chooseMultilayerSettings,
  runMultilayerSeed,
  summarizeMultilayer,
  type MultilayerMethod,
  type MultilayerTuned,
  type LayerOrder,
  type LayerPlan,
  type MultilayerSettings,
  type MultilayerSetup,
  type MultilayerArm,
  type CorePoint,
  type AllLayersRun,
  type AllLayersOptions,
  type CompressedLayers,
  type MultilayerDense,
  type MultilayerRow,
  type MultilayerSeed,
  type MultilayerTuneRow,
  type MultilayerTuneChoice,
  type MultilayerSummary,
  type MultilayerDenseSummary,
} from "./multilayer-study";
export { defineStudy, ANSWERS, STUDY_SIZES, type Study, type AnyStudy, type StudySize, type StudySummary, type ArmStatistic, type PairedDifference, type Verdict, type Answer } from "./study";
export { summarizeScores, verdictFromSummary, reliableComparisons, signedRankP, quantile, interval, signedNumber, signedInterval, intervalBounds, plusMinus, ONE_SEED, type IntervalText, type SeedScores, type ScoreSummaryOptions } from "./summary";
export { runStudy, describeCommit, type RunStudyOptions, type StudyRun, type RunProvenance, type SeedSource } from "./run-study";
export { STUDIES, registerStudy, studyByName } from "./registry";
export { studyData, STUDY_DATASETS, type DataDescription } from "./data";
export { codeHash, jsonHash, canonicalJson } from "./code-hash";
export * from "./concentration/index";
export * from "./multilayer/index";
export { seedCacheDir, readSeedRecord, type SeedKind, type SeedKey, type SeedProvenance, type SeedRecord } from "./seed-records";
export { computeSeed, type SeedJob } from "./compute-seed";
export * from "./concepts/index";
export * from "./localization/index";
export * from "./adaptive-lr/index";
export * from "./activation-shapes/index";
export * from "./quickstart/index";
export * from "./randomization/index";
export * from "./memorization/index";
export * from "./mutual-information/index";
export * from "./regularization/index";
export * from "./schedules/index";
export * from "./your-model/index";
export * from "./grokking-study/index";
export * from "./transformer-compression/index";
export * from "./compression/index";
