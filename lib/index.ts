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
export { train, evaluate, type TrainOptions, type Evaluation } from "./train";
export { meanCI, spearman, type Interval } from "./stat-utils";
export { plotlyScript, chart, axes, type PlotlyObject } from "./plot";
export { resultsPath, writeJsonAtomic, readJson } from "./results";
