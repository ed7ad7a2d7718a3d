/**
 * Everything a run needs to continue exactly, packed into a {@link Checkpoint} and back: model variables, the
 * training and antitraining optimizers, the batch stream's position, the antitrainer's step counters, stats and
 * core splits, and the run's history.
 */
import * as tf from "@tensorflow/tfjs";
import type { Antitrainer } from "../antitrain/antitrainer";
import type { Checkpoint, CheckpointArray, Json } from "./checkpoint";
import type { RunConfig } from "./config";
import type { CoreSplit } from "../core/find-core";
import type { BatchStream, BatchStreamState } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { LayersHookedModel } from "../models/layers-model";
import type { HookedModel } from "../models/types";
import { optimizerFromCheckpoint, optimizerToCheckpoint, restoreOptimizer, saveOptimizer } from "./optimizer-state";
import type { UnitStats } from "../measure/unit-stats";

/** What a run records, identical between an uninterrupted run and a resumed one. */
export interface RunHistory {
  /** Training loss of each step (index = step - 1). */
  losses: number[];
  /** Each core measurement: step (antitraining steps), site, the antitrained core and the reported core's size. */
  measures: { step: number; site: string; core: number[]; fractionReached: number; reportCore: number }[];
  /** Test evaluations. */
  evals: { step: number; accuracy: number; loss: number }[];
  /** Spectator blow-ups met (once per site and measurement cycle unless rescaled, when every one is recorded). */
  blowups: { step: number; cycle: number; site: string; units: number[]; ratios: number[]; renormalized: boolean }[];
}

/** The live objects of a run. */
export interface RunParts {
  readonly config: RunConfig;
  readonly model: HookedModel;
  readonly optimizer: tf.Optimizer;
  readonly stream: BatchStream;
  readonly antitrainer: Antitrainer;
  readonly history: RunHistory;
  /** SHA-256 of a saved model's files (layers models): checked when resuming. */
  readonly modelSha256?: string;
}

/** Packs the run after `step` completed steps. */
export async function captureRun(step: number, parts: RunParts): Promise<Checkpoint> {
  const arrays = new Map<string, CheckpointArray>();
  const layerWeights = await captureModel(parts.model, arrays);
  const optimizer = optimizerToCheckpoint("optimizer", await saveOptimizer(parts.optimizer), arrays);
  const anti = parts.antitrainer;
  requireControlsInConfig(anti, parts.config);
  const learned = anti.state();
  const sites: Json[] = [];
  for (const site of learned.sites) {
    const stats = learned.stats.get(site);
    const split = learned.splits.get(site);
    sites.push({
      site,
      optimizer: optimizerToCheckpoint(`anti/${site}`, await saveOptimizer(anti.optimizerFor(site)), arrays),
      stats: stats === undefined ? null : splitTyped(`stats/${site}`, stats as unknown as Record<string, unknown>, arrays),
      split: split === undefined ? null : splitTyped(`split/${site}`, split as unknown as Record<string, unknown>, arrays),
    });
  }
  const state: Json = {
    step,
    config: parts.config as unknown as Json,
    stream: parts.stream.state() as unknown as Json,
    optimizer,
    antitrainer: { step: learned.step, antiSteps: learned.antiSteps, sites },
    history: parts.history as unknown as Json,
    ...(layerWeights === undefined ? {} : { layerWeights }),
    ...(parts.modelSha256 === undefined ? {} : { modelSha256: parts.modelSha256 }),
  };
  return { step, arrays, state };
}

/** Restores a checkpoint into freshly built run parts (same config); returns the step to continue from. */
export async function restoreRun(checkpoint: Checkpoint, parts: RunParts): Promise<number> {
  const state = record(checkpoint.state, "state");
  const arrays = checkpoint.arrays;
  restoreModel(parts.model, arrays, state.layerWeights);
  await restoreOptimizer(parts.optimizer, optimizerFromCheckpoint("optimizer", state.optimizer, arrays));
  parts.stream.setState(state.stream as unknown as BatchStreamState);
  const anti = record(state.antitrainer, "antitrainer");
  const sites = anti.sites;
  if (!Array.isArray(sites) || sites.length !== parts.antitrainer.sites.length) throw new AntitrainError("checkpoint: antitrainer sites do not match the config");
  const splits = new Map<string, CoreSplit>();
  const stats = new Map<string, UnitStats>();
  for (const raw of sites) {
    const s = record(raw, "antitrainer site");
    const site = String(s.site);
    await restoreOptimizer(parts.antitrainer.optimizerFor(site), optimizerFromCheckpoint(`anti/${site}`, s.optimizer, arrays));
    if (s.stats !== null) stats.set(site, joinTyped(`stats/${site}`, s.stats, arrays) as unknown as UnitStats);
    if (s.split !== null) splits.set(site, joinTyped(`split/${site}`, s.split, arrays) as unknown as CoreSplit);
  }
  const step = int(anti.step, "antitrainer.step");
  const antiSteps = int(anti.antiSteps, "antitrainer.antiSteps");
  parts.antitrainer.restore({ ...parts.antitrainer.state(), step, antiSteps, splits, stats });
  Object.assign(parts.history, state.history);
  return int(state.step, "step");
}

/**
 * Copies the model's weights into `arrays`: a wrapped LayersModel's every weight (trainable or not: batch
 * normalization's moving statistics too) as `layers/w<i>` in the model's weight order, returning their names;
 * another model's variables as `model/<name>`.
 */
async function captureModel(model: HookedModel, arrays: Map<string, CheckpointArray>): Promise<Json[] | undefined> {
  if (model instanceof LayersHookedModel) {
    const weights = model.layersModel.weights;
    for (const [i, w] of weights.entries()) {
      const value = w.read(); // the variable itself: not to be disposed
      arrays.set(`layers/w${i}`, { shape: [...value.shape], data: Float32Array.from(await value.data()) });
    }
    return weights.map((w) => w.name);
  }
  for (const { name, variable } of model.namedVariables()) {
    arrays.set(`model/${name}`, { shape: [...variable.shape], data: Float32Array.from(await variable.data()) });
  }
  return undefined;
}

/** Puts weights saved by {@link captureModel} back, checking each is there with the model's shape. */
function restoreModel(model: HookedModel, arrays: ReadonlyMap<string, CheckpointArray>, names: Json | undefined): void {
  const put = (name: string, variable: tf.Variable, what: string) => {
    const a = arrays.get(name);
    if (a === undefined || a.shape.join(",") !== variable.shape.join(",")) {
      throw new AntitrainError(`checkpoint: ${what} is missing or has shape [${a?.shape.join(", ")}], the model needs [${variable.shape.join(", ")}]`);
    }
    tf.tidy(() => variable.assign(tf.tensor(a.data, [...a.shape], variable.dtype)));
  };
  if (model instanceof LayersHookedModel) {
    const weights = model.layersModel.weights;
    if (!Array.isArray(names) || names.length !== weights.length) {
      throw new AntitrainError(`checkpoint: it holds ${Array.isArray(names) ? names.length : "no"} layers-model weights, the model has ${weights.length}: was it made with another model?`);
    }
    weights.forEach((w, i) => put(`layers/w${i}`, layerVariable(w), `layers-model weight ${i} ("${String(names[i])}")`));
    return;
  }
  for (const { name, variable } of model.namedVariables()) put(`model/${name}`, variable, `model variable "${name}"`);
}

/** A layer weight's tf.Variable (tfjs-layers keeps it inside a LayerVariable wrapper). */
function layerVariable(w: tf.LayersModel["weights"][number]): tf.Variable {
  const inner = (w as unknown as { val?: tf.Variable }).val;
  if (inner === undefined) throw new AntitrainError(`cannot reach the variable of weight "${w.name}": unsupported tfjs version`);
  return inner;
}

/**
 * A checkpoint rebuilds the antitrainer from the run config, which holds `target` but no `randomize` (runs always
 * randomize the core): refuse to checkpoint an antitrainer the config would not rebuild.
 */
function requireControlsInConfig(anti: Antitrainer, config: RunConfig): void {
  const { randomize, target } = anti.controls;
  if (randomize !== "core" || target !== config.target) {
    throw new AntitrainError(
      `checkpoint: the antitrainer runs randomize "${randomize}", target "${target}" but the run config says randomize "core" (runs have no randomize key), target "${config.target}": build the antitrainer from the config`,
    );
  }
}

/** Moves an object's Float32Array fields into `arrays` (named `prefix/key`) and returns the rest as JSON. */
function splitTyped(prefix: string, obj: Record<string, unknown>, arrays: Map<string, CheckpointArray>): Json {
  const json: Record<string, Json> = {};
  const typed: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (value instanceof Float32Array) {
      arrays.set(`${prefix}/${key}`, { shape: [value.length], data: value });
      typed.push(key);
    } else if (value !== undefined) {
      json[key] = value as Json;
    }
  }
  return { json, typed };
}

function joinTyped(prefix: string, raw: Json, arrays: ReadonlyMap<string, CheckpointArray>): Record<string, unknown> {
  const r = record(raw, prefix);
  const out: Record<string, unknown> = { ...record(r.json, prefix) };
  if (!Array.isArray(r.typed)) throw new AntitrainError(`checkpoint: "${prefix}" is malformed`);
  for (const key of r.typed) {
    const a = arrays.get(`${prefix}/${String(key)}`);
    if (a === undefined) throw new AntitrainError(`checkpoint: array "${prefix}/${String(key)}" is missing`);
    out[String(key)] = a.data;
  }
  return out;
}

function record(value: Json | undefined, what: string): Record<string, Json> {
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) {
    throw new AntitrainError(`checkpoint: "${what}" is missing or malformed`);
  }
  return value;
}

function int(value: Json | undefined, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) throw new AntitrainError(`checkpoint: "${what}" must be a whole number`);
  return value;
}
