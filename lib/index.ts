/**
 * antitrain: measure how much information each unit of a network carries by randomizing it, split a layer into a
 * small core and its spectators, antitrain the spectators so information flows only through the core, and
 * remove them. See README.md for a tour and notebooks/ for the research questions.
 */
export { AntitrainError } from "./base/errors";
export { ready, backendName, numericsTag, type BackendName, type ReadyOptions } from "./base/backend";
export { wasmThreads, wasmThreadsWanted, threadsPerChild, childThreadsEnv, defaultThreads, MAX_WASM_THREADS } from "./base/wasm-threads";
export { installWasmMatMul, wasmMatMulMode } from "./base/wasm-matmul";
export { installWasmConvGrads, wasmConvGradsInstalled, WASM_CONV_GRAD_KERNELS } from "./base/wasm-conv-grads";
export { explainKernelError, withKernelHelp } from "./base/kernel-errors";
export { Rng, rngFor } from "./base/rng";
export type { HookedModel, SiteInfo, Hook, Hooks, SiteSplit, NamedVariable, CompressibleModel, UnitParameter, UnitParameters } from "./models/types";
export { isCompressible } from "./models/types";
export { mlp, Mlp, ACTIVATIONS, type MlpOptions, type DenseWeights, type Activation } from "./models/mlp";
export { fromSequential } from "./models/sequential";
export { fromLayersModel, LayersHookedModel, type FromLayersModelOptions, type LayerCall } from "./models/layers-model";
export {
  dataset,
  disposeDataset,
  features,
  size,
  take,
  head,
  BatchStream,
  forEachSlice,
  type Dataset,
  type Split,
} from "./data/dataset";
export { digits, type DigitsOptions } from "./data/digits";
export { readIdx, type IdxArray, type IdxData } from "./data/idx";
export { readNpy, parseNpy, NPY_DTYPES, type NpyArray, type NpyDtype } from "./data/npy";
export {
  loadDataFile,
  readArrayFile,
  dataFormat,
  DATA_FORMATS,
  type DataFormat,
  type ArrayFile,
  type LoadDataOptions,
  type LoadedData,
} from "./data/data-file";
export {
  fashionMnist,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DEBIAN_DIR,
  FASHION_MNIST_DIR_ENV,
  FASHION_STANDARDIZE,
  type FashionMnistOptions,
  type FashionStandardize,
} from "./data/fashion-mnist";
export { validationSplit, type ValidationSplitOptions, type TrainValidation } from "./data/validation";
export { teacherStudent, type TeacherStudentOptions, type TeacherStudentTask } from "./data/teacherStudent";
export { collectStats, permutationTail, StatsTracker, type UnitStats, type StatsOptions } from "./measure/unit-stats";
export { drawReplacements, RANDOMIZE_METHODS, type RandomizeMethod, SPATIAL_MODES, type SpatialMode } from "./measure/randomize";
export { perExample, crossEntropy, damageOf, METRICS, type Metric } from "./measure/metrics";
export { calibration, type Calibration, type CalibrationBin } from "./measure/calibration";
export { damage, DamageEngine, type DamageOptions, type DamageResult, type DamagePath, type UnitSet } from "./measure/damage";
export { importance, ranked, ESTIMATORS, type Importance, type Estimator, type UnitScores } from "./importance/importance";
export { findCore, splitDamage, type CoreOptions, type CoreSplit, type SplitDamage } from "./core/find-core";
export {
  antitrainStep,
  ANTITRAIN_TARGETS,
  RANDOMIZED_UNITS,
  type AntitrainStepOptions,
  type AntitrainTarget,
  type RandomizedUnits,
} from "./antitrain/step";
export { interleaved, cyclic, cycleLength, type Schedule } from "./antitrain/schedule";
export { Antitrainer, type AntitrainerOptions, type AntitrainerState, type PlainTensor, type MeasureRecord } from "./antitrain/antitrainer";
export { compress, parameterCount, type CompressOptions } from "./core/compress";
export { compressLayersModel, type CompressLayersOptions } from "./core/compress-layers";
export { fileSystem, saveModel, loadModel, MODEL_JSON, WEIGHTS_BIN } from "./base/model-io";
export { checkModel, type CheckModelOptions, type ModelCheck, type ModelCheckItem } from "./models/check-model";
export { train, evaluate, type TrainOptions, type Evaluation } from "./training/train";
export { meanCI, spearman, type Interval } from "./base/statistics";
export { plotlyScript, chart, axes, CHART_TYPES, type PlotlyObject } from "./notebook/plot";
export { provenance, quickNote, RUN_TIME_MARK, type ProvenanceOptions } from "./notebook/provenance";
export { keep, type Disposable } from "./notebook/keep";
export { resultsPath, writeResults, isFullRun, writeJsonAtomic, readJson } from "./base/io";
export { linearCKA } from "./analysis/cka";
export { reportCore, type CoreReport } from "./core/report-core";
export {
  runExperiment,
  type ExperimentOptions,
  type ExperimentResult,
  type CycleRecord,
  type PhaseEnd,
} from "./experiments/run-experiment";
export { taylorImportance, type TaylorOptions } from "./importance/taylor";
export { magnitudeScores, magnitudeImportance } from "./importance/magnitude";
export { heldOutImportance, type HeldOutImportance, type HeldOutOptions, type UnitRole } from "./importance/heldout";
export { dropoutHooks, activationL1 } from "./training/regularize";
export { groupLasso } from "./training/group-lasso";
export { slimmingGates, type SlimmingGates, type SlimmingOptions } from "./training/network-slimming";
export { targetedDropoutHooks, type TargetedDropoutOptions } from "./training/targeted-dropout";
export { nestedDropoutHooks, type NestedDropoutOptions } from "./training/nested-dropout";
export { concept, conceptData, type Concept } from "./analysis/concept";
export { conceptAntitrainStep, type ConceptStepOptions } from "./analysis/concept-step";
export { fitProbe, type Probe, type ProbeOptions } from "./analysis/probe";
export { conceptFlow, type ConceptFlow } from "./analysis/concept-flow";
export {
  redundancy,
  summarizeInteractions,
  groupDamage,
  type Redundancy,
  type RedundancyOptions,
  type PairInteraction,
  type InteractionSummary,
  type GroupCurve,
  type GroupOptions,
} from "./analysis/redundancy";
export { tyingHints, type TyingHints, type TyingHint, type TyingOptions } from "./analysis/tying";
export { plantDuplicates } from "./analysis/plant";
export { siteFeatures, expandUnitMask } from "./models/types";
export { modularAddition, type ModularOptions, type ModularTask } from "./data/modular";
export { transformer, Transformer, type TransformerOptions, type TransformerConfig, type TransformerWeights } from "./models/transformer";
export { cachedSeed, prefetchSeeds, seedShard } from "./notebook/seed-cache";
export { tableConfig, htmlTable } from "./notebook/table";
export { adamw, AdamW, type AdamWOptions } from "./training/adamw";
export { grokfast, Grokfast, type GrokfastOptions } from "./training/grokfast";
export {
  InfoAdaptiveOptimizer,
  informationScales,
  type InfoAdaptiveOptions,
  type ScaleDirection,
  type ScaleMode,
  type ScaleOptions,
} from "./training/adaptive-lr";
export { withLabelNoise, type NoisyLabels } from "./data/noise";
export {
  tunableMlp,
  TunableMlp,
  tunableActivation,
  SHAPE_RELU,
  SHAPE_SIGMOID,
  type TunableMlpOptions,
} from "./models/tunable-mlp";
export {
  writeCheckpoint,
  readCheckpoint,
  latestCheckpoint,
  listCheckpoints,
  type Checkpoint,
  type CheckpointArray,
  type SkippedCheckpoint,
} from "./runs/checkpoint";
export { saveOptimizer, restoreOptimizer, type OptimizerState } from "./runs/optimizer-state";
export {
  parseRunConfig,
  type RunConfig,
  type TaskConfig,
  type ScheduleConfig,
  type ModelConfig,
  type MlpModelConfig,
  type LayersModelConfig,
  type OutputConfig,
  type ParseRunConfigOptions,
} from "./runs/config";
export { modelFileHash, type RunOutputs } from "./runs/run-model";
export { runFromConfig, buildTask, type RunOptions, type RunResult } from "./runs/run";
export type { RunHistory } from "./runs/run-state";
export { spectatorBlowup, rescaleUnits, type Blowup } from "./antitrain/spectators";
export { expandSweep, runJob, storeResult, readResults, type SweepSpec, type SweepJob, type JobResult } from "./runs/sweep";
export { runSweepLocal, type LocalSweepOptions } from "./runs/sweep-local";
export { runSweepRedis, serveSweepJobs, redisConnection, type RedisSweepOptions, type SweepWorkerOptions } from "./runs/sweep-redis";
export { main as cli } from "./runs/cli";
export {
  measureModel,
  MEASURE_ROWS,
  type MeasureOptions,
  type MeasureReport,
  type MeasureSource,
  type SiteMeasure,
  type CurvePoint,
  type LayerSummary,
  type SkippedLayer,
} from "./runs/measure-model";
export { renderMeasureReport } from "./runs/measure-report";
export { DAMAGE_PATHS, DAMAGE_OPTION_KEYS } from "./measure/damage";
export type { SignFlipEstimate, SignFlipTally } from "./measure/damage-signflip";
export type { DenseSiteSplit, ReluDenseNext } from "./models/types";
export { groupImportance, GROUP_SOLVES, type GroupSolve, type GroupImportanceOptions, type EstimatedImportance } from "./importance/group-testing";
export { grokRun, type GrokRunOptions, type GrokResult, type GrokPoint, type GrokMethod } from "./experiments/grokking";
export { gateImportance, gateUnitImportance, type GateOptions } from "./importance/gate";
export {
  iterativeMagnitudePruning,
  type MagnitudePruningOptions,
  type PruningRound,
  type PruningResult,
} from "./experiments/magnitude-pruning";
export { charWindows, textFromFiles, OTHER_CHAR, type CharWindowOptions, type CharTask } from "./data/text";
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
} from "./experiments/compression-arms";
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
} from "./experiments/compression-study";
export type { StudySetup } from "./experiments/study-setup";
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
} from "./experiments/conv-compression";
export { compressionTableRows, tuningTableRows, compressionCharts } from "./notebook/compression-report";
export {
  CONCENTRATION_ARMS,
  CONCENTRATION_ARM_NAMES,
  CONCENTRATION_GRIDS,
  CONCENTRATION_REFERENCE,
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
} from "./experiments/concentration-study";
export { concentrationTableRows, concentrationTuningRows, concentrationCharts } from "./notebook/concentration-report";
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
} from "./experiments/multilayer-study";
