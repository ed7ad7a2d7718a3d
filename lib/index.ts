/**
 * antitrain: measure how much information each unit of a network carries by randomizing it, split a layer into a
 * small core and its spectators, antitrain the spectators so information flows only through the core, and
 * remove them. See README.md for a tour and notebooks/ for the research questions.
 */
export { AntitrainError } from "./base/errors";
export { ready, backendName, numericsTag, type BackendName, type ReadyOptions } from "./base/backend";
export { wasmThreads } from "./base/wasm-threads";
export { withKernelHelp } from "./base/kernel-errors";
export { Rng, rngFor } from "./base/rng";
export type { HookedModel, SiteInfo, Hook, Hooks, SiteSplit, NamedVariable, CompressibleModel, UnitParameter, UnitParameters } from "./models/types";
export { isCompressible } from "./models/types";
export { mlp, Mlp, ACTIVATIONS, type MlpOptions, type DenseWeights, type Activation } from "./models/mlp";
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
export { readIdx, type IdxData } from "./data/idx";
export { readNpy } from "./data/npy";
export { loadDataFile, type LoadDataOptions, type LoadedData } from "./data/data-file";
export { fashionMnist, FASHION_MNIST_CLASSES, type FashionMnistOptions } from "./data/fashion-mnist";
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
export { saveModel, loadModel } from "./base/model-io";
export { checkModel, type CheckModelOptions, type ModelCheck, type ModelCheckItem } from "./models/check-model";
export { train, evaluate, type TrainOptions, type Evaluation } from "./training/train";
export { meanCI, spearman, type Interval } from "./base/statistics";
export { linearCKA } from "./analysis/cka";
export { reportCore, type CoreReport } from "./core/report-core";
export { taylorImportance, type TaylorOptions } from "./importance/taylor";
export { magnitudeImportance } from "./importance/magnitude";
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
export { modularAddition, type ModularOptions, type ModularTask } from "./data/modular";
export { transformer, Transformer, type TransformerOptions, type TransformerConfig, type TransformerWeights } from "./models/transformer";
export { adamw, AdamW, type AdamWOptions } from "./training/adamw";
export { lamb, Lamb, type LambOptions } from "./training/lamb";
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
  LEARNABLE_ACTIVATIONS,
  type LearnableActivation,
  SHAPE_RELU,
  SHAPE_SIGMOID,
  type TunableMlpOptions,
} from "./models/tunable-mlp";
export { spectatorBlowup, rescaleUnits, type Blowup } from "./antitrain/spectators";
export { DAMAGE_PATHS } from "./measure/damage";
export { groupImportance, type GroupImportanceOptions, type EstimatedImportance } from "./importance/group-testing";
export { gateImportance, type GateOptions } from "./importance/gate";
export { charWindows, charVocab, textFromFiles, type CharWindowOptions, type CharTask } from "./data/text";
