/**
 * The JSON description of a run (`antitrain run CONFIG.json`), validated at the boundary. {@link parseRunConfig}
 * is the one place defaults are applied: it returns a complete config, and a complete config parses to itself
 * unchanged. Every error names the key path, the value met and what is allowed, on one line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { AntitrainError } from "../base/errors";
import { requireKnownKeys } from "../base/validate";
import { FASHION_STANDARDIZE, type FashionStandardize } from "../data/fashion-mnist";
import { ANTITRAIN_TARGETS, type AntitrainTarget } from "../antitrain/step";
import { METRICS, type Metric } from "../measure/metrics";
import { ACTIVATIONS, type Activation } from "../models/mlp";
import { RANDOMIZE_METHODS, type RandomizeMethod } from "../measure/randomize";

/**
 * The task a run trains on. Digits with `image: true` are `[n, 8, 8, 1]` images (for a saved convolutional model;
 * the key is left out of a complete config when false). Fashion-MNIST comes from Debian's package (or
 * `$ANTITRAIN_FASHION_MNIST_DIR`): `train`/`test` keep a seeded class-stratified subset (0: all), `flatten: false`
 * gives `[n, 28, 28, 1]` images.
 */
export type TaskConfig =
  | { kind: "digits"; test: number; trainLimit: number; splitSeed: number; image?: true }
  | { kind: "teacher-student"; inputs: number; teacherHidden: number; classes: number; train: number; test: number; seed: number }
  | { kind: "fashion-mnist"; train: number; test: number; seed: number; flatten: boolean; standardize: FashionStandardize };

/** The library's MLP, built from the config (the default kind; `kind` is left out of a complete config). */
export interface MlpModelConfig {
  kind?: "mlp";
  hidden: number[];
  activation: Activation;
}

/**
 * A saved TensorFlow.js LayersModel (`at.saveModel`, or a Keras model converted to tfjs): `path` is its model.json or
 * the folder holding it, absolute in a complete config (a relative path is resolved against the config file's
 * folder). Its sites are its layers' names. `training`: run dropout and batch normalization in training mode during
 * gradient steps (see `at.fromLayersModel`).
 */
export interface LayersModelConfig {
  kind: "layers";
  path: string;
  training: boolean;
}

/** The model a run trains. */
export type ModelConfig = MlpModelConfig | LayersModelConfig;

/**
 * What a finished run writes besides result.json (layers models only): the final model (`at.saveModel`) into the
 * folder `model` (relative to the run folder unless absolute), and with `compress` also the model compressed at each
 * site's latest antitrained core (`at.compressLayersModel`) into `<model>-compressed`.
 */
export interface OutputConfig {
  model: string;
  compress: boolean;
}

/** When antitraining happens (see {@link interleaved} and {@link cyclic}). */
export type ScheduleConfig = { kind: "interleaved"; antiSteps: number; cycle: number } | { kind: "cyclic"; train: number; anti: number };

/** A complete run configuration (what {@link parseRunConfig} returns). */
export interface RunConfig {
  task: TaskConfig;
  model: ModelConfig;
  /** Sites antitrained, e.g. ["h1"] (for a layers model: layer names). */
  sites: string[];
  schedule: ScheduleConfig;
  fraction: number;
  reportFraction: number;
  method: RandomizeMethod;
  metric: Metric;
  rankMetric: Metric;
  /** What antitrain steps train towards; "true-labels" is a control arm (see {@link AntitrainTarget}). */
  target: AntitrainTarget;
  optimizer: { kind: "adam"; learningRate: number };
  antitrain: { learningRate: number; batchSize: number; measureSize: number; samples: number };
  batchSize: number;
  /** Plain training steps before antitraining starts. */
  pretrainSteps: number;
  /** Training steps with antitraining (after the pretraining). */
  steps: number;
  seed: number;
  /** Steps between checkpoints. */
  checkpointEvery: number;
  keepCheckpoints: number;
  /** Steps between test evaluations recorded in the history (0: only at the end). */
  evalEvery: number;
  /** Spectator blow-up watch: a spectator whose activation scale grows past `factor` × its scale when measured is reported (and rescaled when `renormalize`). */
  blowup: { factor: number; renormalize: boolean };
  /** Files written at the end (left out when none). */
  output?: OutputConfig;
}

/** Options for {@link parseRunConfig}. */
export interface ParseRunConfigOptions {
  /** The folder relative paths in the config are resolved against: the config file's folder. Default: the working directory. */
  dir?: string;
}

// Keys added after configs were first hashed (sweep job ids, resumed runs) stay out of a complete config at their
// default: `omitDefault` (a value equal to the default is left out), `omittable` (an object that may be absent) and
// `quietKind` (the variant whose "kind" is left out), so every older config still parses to the same complete config.
type Spec =
  | { t: "int"; min: number; max: number; def?: number }
  | { t: "num"; min: number; max: number; minOpen?: boolean; def?: number }
  | { t: "enum"; values: readonly string[]; def?: string }
  | { t: "bool"; def?: boolean; omitDefault?: boolean }
  | { t: "string"; def?: string }
  | { t: "array"; of: Spec; minLength: number; maxLength: number; def?: unknown[] }
  | { t: "object"; fields: Record<string, Spec>; optional?: boolean; omittable?: boolean }
  | { t: "tagged"; variants: Record<string, Record<string, Spec>>; def: string; quietKind?: string };

const MAX_STEPS = 10_000_000;
const int = (min: number, max: number, def?: number): Spec => ({ t: "int", min, max, def });
const fraction = (def: number): Spec => ({ t: "num", min: 0, max: 1, minOpen: true, def });
const rate = (def: number): Spec => ({ t: "num", min: 0, max: 10, minOpen: true, def });

const SCHEMA: Spec = {
  t: "object",
  fields: {
    task: {
      t: "tagged",
      def: "digits",
      variants: {
        digits: { test: int(1, 1796, 450), trainLimit: int(0, 1_000_000, 0), splitSeed: int(0, 2 ** 32 - 1, 0), image: { t: "bool", def: false, omitDefault: true } },
        "teacher-student": {
          inputs: int(1, 4096, 16),
          teacherHidden: int(1, 4096, 8),
          classes: int(2, 1000, 4),
          train: int(1, 1_000_000, 2000),
          test: int(1, 1_000_000, 1000),
          seed: int(0, 2 ** 32 - 1, 0),
        },
        "fashion-mnist": {
          train: int(0, 60_000, 0),
          test: int(0, 10_000, 0),
          seed: int(0, 2 ** 32 - 1, 0),
          flatten: { t: "bool", def: true },
          standardize: { t: "enum", values: FASHION_STANDARDIZE, def: "global" },
        },
      },
    },
    model: {
      t: "tagged",
      def: "mlp",
      quietKind: "mlp",
      variants: {
        mlp: {
          hidden: { t: "array", of: int(1, 65536), minLength: 1, maxLength: 16, def: [64] },
          activation: { t: "enum", values: ACTIVATIONS, def: "relu" },
        },
        layers: { path: { t: "string" }, training: { t: "bool", def: false } },
      },
    },
    sites: { t: "array", of: { t: "enum", values: [] }, minLength: 1, maxLength: 16, def: ["h1"] },
    schedule: {
      t: "tagged",
      def: "interleaved",
      variants: {
        interleaved: { antiSteps: int(0, 1000, 1), cycle: int(1, MAX_STEPS, 100) },
        cyclic: { train: int(1, MAX_STEPS, 200), anti: int(0, MAX_STEPS, 100) },
      },
    },
    fraction: fraction(0.95),
    reportFraction: fraction(0.95),
    method: { t: "enum", values: RANDOMIZE_METHODS, def: "resample" },
    metric: { t: "enum", values: METRICS, def: "accuracy" },
    rankMetric: { t: "enum", values: METRICS, def: "loss" },
    target: { t: "enum", values: ANTITRAIN_TARGETS, def: "uniform" },
    optimizer: { t: "tagged", def: "adam", variants: { adam: { learningRate: rate(1e-3) } } },
    antitrain: {
      t: "object",
      optional: true,
      fields: { learningRate: rate(1e-3), batchSize: int(1, 65536, 64), measureSize: int(1, 1_000_000, 512), samples: int(1, 1000, 1) },
    },
    batchSize: int(1, 65536, 64),
    pretrainSteps: int(0, MAX_STEPS, 0),
    steps: int(1, MAX_STEPS),
    seed: int(0, 2 ** 32 - 1, 0),
    checkpointEvery: int(1, MAX_STEPS, 100),
    keepCheckpoints: int(1, 100, 2),
    evalEvery: int(0, MAX_STEPS, 0),
    blowup: {
      t: "object",
      optional: true,
      fields: { factor: { t: "num", min: 1, max: 1e12, minOpen: true, def: 100 }, renormalize: { t: "bool", def: false } },
    },
    output: { t: "object", omittable: true, fields: { model: { t: "string" }, compress: { t: "bool", def: false } } },
  },
};

/**
 * Validates a run config (parsed JSON) and fills in every default; throws an AntitrainError naming the key path,
 * the value and what is allowed. For an MLP, sites are checked against its `h1` … `hN`; a layers model's file must
 * exist (its path is resolved against `options.dir` and made absolute), and its sites and input shape are checked
 * against the model when the run loads it.
 *
 * @example
 * const config = at.parseRunConfig({ task: { kind: "digits" }, model: { hidden: [32] }, steps: 500 });
 * config.schedule;   // { kind: "interleaved", antiSteps: 1, cycle: 100 }
 * const own = at.parseRunConfig({ model: { kind: "layers", path: "models/cnn" }, sites: ["conv"], steps: 500 }, { dir: "configs" });
 * own.model;         // { kind: "layers", path: "/abs/configs/models/cnn", training: false }
 */
export function parseRunConfig(raw: unknown, options: ParseRunConfigOptions = {}): RunConfig {
  requireKnownKeys(options, ["dir"], "parseRunConfig");
  if (options.dir !== undefined && (typeof options.dir !== "string" || options.dir === "")) {
    throw new AntitrainError(`parseRunConfig's dir must be a folder path (the config file's folder), got ${show(options.dir)}`);
  }
  const config = check(SCHEMA, raw, "") as RunConfig;
  const model = config.model;
  if (model.kind === "layers") {
    model.path = resolveModelPath(model.path, options.dir ?? process.cwd());
  } else {
    const sites = model.hidden.map((_, i) => `h${i + 1}`);
    config.sites.forEach((s, i) => {
      if (!sites.includes(s)) {
        throw new AntitrainError(`config key "sites[${i}]": got ${show(s)}, allowed: one of the model's sites ${sites.map(show).join(", ")}`);
      }
    });
    const image = config.task.kind === "digits" ? config.task.image === true : config.task.kind === "fashion-mnist" && !config.task.flatten;
    if (image) {
      const key = config.task.kind === "digits" ? "task.image" : "task.flatten";
      throw new AntitrainError(
        `config key "${key}": got ${config.task.kind === "digits" ? "true" : "false"} with an mlp model, allowed: ${config.task.kind === "digits" ? "false" : "true"} (an mlp takes flat examples); image-shaped data is for a saved model, "model": { "kind": "layers", "path": ... }`,
      );
    }
    if (config.output !== undefined) {
      throw new AntitrainError(`config key "output": got ${show(config.output)} with an mlp model, allowed: only with "model": { "kind": "layers", ... } (an mlp run's weights are in its checkpoints)`);
    }
  }
  if (new Set(config.sites).size !== config.sites.length) throw new AntitrainError(`config key "sites": got ${show(config.sites)}, allowed: each site at most once`);
  if (config.task.kind === "digits" && config.task.trainLimit !== 0 && config.task.trainLimit < config.batchSize) {
    throw new AntitrainError(`config key "task.trainLimit": got ${config.task.trainLimit}, allowed: 0 (all) or at least batchSize (${config.batchSize})`);
  }
  if (config.blowup.renormalize && model.kind === "layers") {
    throw new AntitrainError(`config key "blowup.renormalize": got true with model.kind "layers", allowed: false (rescaling is defined for the library's ReLU mlp only)`);
  }
  if (config.blowup.renormalize && model.kind !== "layers" && model.activation !== "relu") {
    throw new AntitrainError(`config key "blowup.renormalize": got true with model.activation ${show(model.activation)}, allowed: true only for "relu" (rescaling preserves only ReLU models)`);
  }
  return config;
}

/** The absolute path of a layers model's model.json or folder; refused when nothing is there. */
function resolveModelPath(given: string, dir: string): string {
  const resolved = path.resolve(dir, given);
  const jsonFile = resolved.endsWith(".json") ? resolved : path.join(resolved, "model.json");
  if (!fs.existsSync(jsonFile) || !fs.statSync(jsonFile).isFile()) {
    const where = resolved === given ? "" : ` (resolved against ${dir} to ${resolved})`;
    throw new AntitrainError(
      `config key "model.path": got ${show(given)}${where}, allowed: a saved TensorFlow.js model, its model.json or the folder holding it; ${jsonFile} does not exist: save the model with at.saveModel(net, dir), and give a path relative to the config file's folder or an absolute one`,
    );
  }
  return resolved;
}

/** The first key path where two configs differ, or undefined when equal (for "resume with another config" errors). */
export function configDifference(a: unknown, b: unknown, at = ""): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return at || "(root)";
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = configDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${at}[${k}]` : at ? `${at}.${k}` : k);
    if (d !== undefined) return d;
  }
  return undefined;
}

function check(spec: Spec, value: unknown, at: string): unknown {
  switch (spec.t) {
    case "int":
      if (value === undefined && spec.def !== undefined) return spec.def;
      if (typeof value !== "number" || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        fail(at, value, `an integer from ${spec.min} to ${spec.max}`);
      }
      return value;
    case "num": {
      if (value === undefined && spec.def !== undefined) return spec.def;
      const low = spec.minOpen ? value !== undefined && (value as number) > spec.min : (value as number) >= spec.min;
      if (typeof value !== "number" || !Number.isFinite(value) || !low || value > spec.max) {
        fail(at, value, `a number in ${spec.minOpen ? "(" : "["}${spec.min}, ${spec.max}]`);
      }
      return value;
    }
    case "enum":
      if (value === undefined && spec.def !== undefined) return spec.def;
      if (typeof value !== "string" || (spec.values.length > 0 && !spec.values.includes(value))) {
        fail(at, value, spec.values.length > 0 ? `one of ${spec.values.map(show).join(", ")}` : "a string");
      }
      return value;
    case "bool":
      if (value === undefined && spec.def !== undefined) return spec.def;
      if (typeof value !== "boolean") fail(at, value, "true or false");
      return value;
    case "string":
      if (value === undefined && spec.def !== undefined) return spec.def;
      if (typeof value !== "string" || value.trim() === "" || value.includes("\0")) fail(at, value, "a non-empty path");
      return value;
    case "array": {
      if (value === undefined && spec.def !== undefined) return [...spec.def];
      if (!Array.isArray(value) || value.length < spec.minLength || value.length > spec.maxLength) {
        fail(at, value, `a list of ${spec.minLength} to ${spec.maxLength} items`);
      }
      return (value as unknown[]).map((v, i) => check(spec.of, v, `${at}[${i}]`));
    }
    case "object":
      if (value === undefined && spec.omittable) return undefined;
      if (value === undefined && spec.optional) return checkFields(spec.fields, {}, at);
      return checkFields(spec.fields, value, at);
    case "tagged": {
      const v = value === undefined ? { kind: spec.def } : value;
      if (!isPlainObject(v)) fail(at, value, `an object with "kind": ${Object.keys(spec.variants).map(show).join(" or ")}`);
      const given = (v as Record<string, unknown>).kind;
      const kind = given === undefined ? spec.def : given;
      const fields = typeof kind === "string" && Object.hasOwn(spec.variants, kind) ? spec.variants[kind] : undefined;
      if (fields === undefined) fail(join(at, "kind"), kind, `one of ${Object.keys(spec.variants).map(show).join(", ")}`);
      const { kind: _k, ...rest } = v as Record<string, unknown>;
      const checked = checkFields(fields as Record<string, Spec>, rest, at);
      return kind === spec.quietKind ? checked : { kind, ...checked };
    }
  }
}

function checkFields(fields: Record<string, Spec>, value: unknown, at: string): Record<string, unknown> {
  if (!isPlainObject(value)) fail(at, value, "an object");
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!Object.hasOwn(fields, key)) {
      throw new AntitrainError(`config key "${join(at, key)}" is unknown: allowed keys${at ? ` in "${at}"` : ""} are ${Object.keys(fields).join(", ")}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fields)) {
    const v = check(spec, obj[key], join(at, key));
    if (v === undefined && spec.t === "object" && spec.omittable) continue;
    if (v === undefined) fail(join(at, key), undefined, "a value (this key is required)");
    if (spec.t === "bool" && spec.omitDefault && v === spec.def) continue;
    out[key] = v;
  }
  return out;
}

function fail(at: string, value: unknown, allowed: string): never {
  throw new AntitrainError(`config key "${at || "(root)"}": got ${show(value)}, allowed: ${allowed}`);
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  s = s.replace(/\s+/g, " ");
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function join(at: string, key: string): string {
  return at ? `${at}.${key}` : key;
}

function isPlainObject(v: unknown): boolean {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
