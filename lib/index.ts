/**
 * antitrain: measure how much information each unit of a network carries by randomizing it, split a layer into a
 * small core and its spectators, antitrain the spectators so information flows only through the core, and
 * remove them. See README.md for a tour and notebooks/ for the research questions.
 */
export { AntitrainError } from "./errors";
export { ready, backendName, type BackendName } from "./backend";
export { Rng, rngFor } from "./rng";
export type { HookedModel, SiteInfo, Hook, Hooks, SiteSplit, NamedVariable, CompressibleModel } from "./models/types";
export { isCompressible } from "./models/types";
export { mlp, Mlp, type MlpOptions, type DenseWeights, type Activation } from "./models/mlp";
export { fromSequential } from "./models/sequential";
export {
  dataset,
  disposeDataset,
  size,
  take,
  head,
  BatchStream,
  forEachSlice,
  type Dataset,
  type Split,
} from "./data/dataset";
export { digits, type DigitsOptions } from "./data/digits";
export { teacherStudent, type TeacherStudentOptions, type TeacherStudentTask } from "./data/teacherStudent";
export { collectStats, StatsTracker, type UnitStats, type StatsOptions } from "./stats";
export { drawReplacements, RANDOMIZE_METHODS, type RandomizeMethod } from "./randomize";
export { perExample, crossEntropy, damageOf, METRICS, type Metric } from "./metrics";
export { damage, DamageEngine, type DamageOptions, type DamageResult, type DamagePath, type UnitSet } from "./damage";
export { importance, ranked, type Importance } from "./importance";
export { findCore, splitDamage, type CoreOptions, type CoreSplit, type SplitDamage } from "./core";
export { antitrainStep, type AntitrainStepOptions, type AntitrainTarget } from "./antitrain";
export { interleaved, cyclic, cycleLength, type Schedule } from "./schedule";
export { Antitrainer, type AntitrainerOptions, type MeasureRecord } from "./antitrainer";
export { compress, parameterCount, type CompressOptions } from "./compress";
export { checkModel, type CheckModelOptions, type ModelCheck, type ModelCheckItem } from "./check-model";
export { train, evaluate, type TrainOptions, type Evaluation } from "./train";
export { meanCI, spearman, type Interval } from "./stat-utils";
export { plotlyScript, chart, axes, type PlotlyObject } from "./plot";
export { resultsPath, writeJsonAtomic, readJson } from "./results";
export { linearCKA } from "./cka";
export {
  runExperiment,
  reportCore,
  type ExperimentOptions,
  type ExperimentResult,
  type CycleRecord,
  type PhaseEnd,
  type CoreReport,
} from "./experiment";
export { taylorImportance, type TaylorOptions } from "./taylor";
export { magnitudeScores } from "./prune";
export { heldOutImportance, type HeldOutImportance, type HeldOutOptions, type UnitRole } from "./heldout";
export { dropoutHooks, activationL1 } from "./regularize";
export {
  concept,
  conceptData,
  conceptAntitrainStep,
  fitProbe,
  conceptFlow,
  type Concept,
  type ConceptStepOptions,
  type Probe,
  type ProbeOptions,
  type ConceptFlow,
} from "./concepts";
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
} from "./redundancy";
export { tyingHints, type TyingHints, type TyingHint, type TyingOptions } from "./tying";
export { plantDuplicates } from "./plant";
export { siteFeatures, expandUnitMask } from "./models/types";
export { modularAddition, type ModularOptions, type ModularTask } from "./data/modular";
export { transformer, Transformer, type TransformerOptions, type TransformerConfig, type TransformerWeights } from "./models/transformer";
export { cachedSeed, prefetchSeeds, seedShard } from "./seed-cache";
export { tableConfig } from "./table";
export { adamw, AdamW, type AdamWOptions } from "./adamw";
export { grokfast, Grokfast, type GrokfastOptions } from "./grokfast";
export {
  InfoAdaptiveOptimizer,
  informationScales,
  type InfoAdaptiveOptions,
  type ScaleDirection,
  type ScaleMode,
  type ScaleOptions,
  type UnitParameter,
} from "./adaptive-lr";
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
} from "./checkpoint";
export { saveOptimizer, restoreOptimizer, type OptimizerState } from "./optimizer-state";
export { parseRunConfig, type RunConfig, type TaskConfig, type ScheduleConfig } from "./config";
export { runFromConfig, buildTask, type RunOptions, type RunResult } from "./run";
export type { RunHistory } from "./run-state";
export { spectatorBlowup, rescaleUnits, type Blowup } from "./spectators";
export { expandSweep, runJob, storeResult, readResults, type SweepSpec, type SweepJob, type JobResult } from "./sweep";
export { runSweepLocal, type LocalSweepOptions } from "./sweep-local";
export { runSweepRedis, serveSweepJobs, redisConnection, type RedisSweepOptions, type SweepWorkerOptions } from "./sweep-redis";
export { main as cli } from "./cli";
export { DAMAGE_PATHS } from "./damage";
export type { DenseSiteSplit } from "./models/types";
export { groupImportance, type GroupImportanceOptions, type EstimatedImportance } from "./estimators";
export { grokRun, type GrokRunOptions, type GrokResult, type GrokPoint, type GrokMethod } from "./grokking";
export { gateImportance } from "./gate-importance";
export { charWindows, textFromFiles, OTHER_CHAR, type CharWindowOptions, type CharTask } from "./data/text";
