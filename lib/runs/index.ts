/**
 * `antitrain/runs`: long runs around the research API. The command line (`cli`), JSON run configs, resumable runs,
 * atomic checkpoints with checksums (model and optimizer state), the run history they record, and sweeps of runs on
 * local worker processes or as BullMQ jobs on Redis (BullMQ loads only when a Redis sweep or worker starts).
 * See docs/runs.md.
 *
 * @example
 * import { cli, parseRunConfig, runFromConfig } from "antitrain/runs";
 * const code = await cli(["run", "configs/digits-small.json", "--out", "runs/try"]);
 * const result = await runFromConfig(parseRunConfig({ steps: 500 }), { out: "runs/try2" });
 */
export { main as cli } from "./cli";
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
} from "./config";
export { modelFileHash, type RunOutputs } from "./run-model";
export { runFromConfig, buildTask, type RunOptions, type RunResult } from "./run";
export type { RunHistory } from "./run-state";
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
export { expandSweep, runJob, storeResult, readResults, type SweepSpec, type SweepJob, type JobResult } from "./sweep";
export { runSweepLocal, type LocalSweepOptions } from "./sweep-local";
export { runSweepRedis, serveSweepJobs, redisConnection, type RedisSweepOptions, type SweepWorkerOptions } from "./sweep-redis";
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
} from "./measure-model";
export { renderMeasureReport } from "./measure-report";
