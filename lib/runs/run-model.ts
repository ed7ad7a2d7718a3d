/**
 * The model of a run: the library's MLP built from the config, or a saved TensorFlow.js LayersModel loaded from
 * `model.path` and wrapped with `fromLayersModel`, checked against the config's sites and the task's data. Also the
 * content hash of a saved model (model.json and every weights file it lists), which sweep job ids and checkpoints
 * carry so that a changed model file is a different job and never resumes an old run, and the files a finished run
 * writes (`output.model`, compressed with `output.compress`).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { loadModel, saveModel } from "../base/model-io";
import { compressLayersModel } from "../core/compress-layers";
import { type Dataset, features } from "../data/dataset";
import { collectStats } from "../measure/unit-stats";
import { type LayersHookedModel, fromLayersModel } from "../models/layers-model";
import { mlp } from "../models/mlp";
import type { HookedModel } from "../models/types";
import type { LayersModelConfig, RunConfig, TaskConfig } from "./config";

/** The model.json of a layers model config's path (a .json file, or model.json inside the folder). */
export function modelJsonFile(model: Pick<LayersModelConfig, "path">): string {
  return model.path.endsWith(".json") ? model.path : path.join(model.path, "model.json");
}

/**
 * The SHA-256 of a saved layers model: its model.json and, in manifest order, every weights file it lists (name and
 * bytes). Throws an AntitrainError naming a missing or unreadable file.
 */
export function modelFileHash(model: Pick<LayersModelConfig, "path">): string {
  const jsonFile = modelJsonFile(model);
  const hash = createHash("sha256");
  const json = readBytes(jsonFile);
  hash.update("model.json\0").update(json);
  let manifest: unknown;
  try {
    manifest = (JSON.parse(json.toString("utf8")) as { weightsManifest?: unknown }).weightsManifest;
  } catch (e) {
    throw new AntitrainError(`config key "model.path": ${jsonFile} is not valid JSON (${(e as Error).message}): save the model again with at.saveModel`);
  }
  const groups = Array.isArray(manifest) ? manifest : [];
  for (const group of groups) {
    const paths = (group as { paths?: unknown }).paths;
    for (const p of Array.isArray(paths) ? paths : []) {
      if (typeof p !== "string") continue;
      hash.update(`\0${p}\0`).update(readBytes(path.join(path.dirname(jsonFile), p)));
    }
  }
  return hash.digest("hex");
}

function readBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new AntitrainError(`config key "model.path": cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the saved model is incomplete; save it again with at.saveModel`);
  }
}

/** A run's model and, for a layers model, its file hash. */
export interface RunModel {
  readonly model: HookedModel;
  /** SHA-256 of the saved model's files (layers models only). */
  readonly modelSha256?: string;
}

/**
 * Builds (MLP) or loads (layers) the model of `config` for data shaped like `train`, checking a loaded model's sites
 * against `config.sites` and its input shape and classes against the data: each error names what the model has,
 * what the task gives, and the fix. A loaded model's weights are those in the file; `config.seed` seeds an MLP.
 */
export async function buildRunModel(config: RunConfig, train: Dataset<tf.Tensor>): Promise<RunModel> {
  const m = config.model;
  if (m.kind !== "layers") {
    return { model: mlp({ inputs: features(train), hidden: m.hidden, classes: train.classes, seed: config.seed, activation: m.activation }) };
  }
  const modelSha256 = modelFileHash(m);
  const net = await loadModel(m.path);
  try {
    const all = fromLayersModel(net, { training: m.training }); // every site, for the error message
    const names = all.sites().map((s) => s.name);
    config.sites.forEach((s, i) => {
      if (!names.includes(s)) {
        throw new AntitrainError(`config key "sites[${i}]": got ${JSON.stringify(s)}, allowed: one of the model's sites ${names.map((n) => JSON.stringify(n)).join(", ")}`);
      }
    });
    const model = fromLayersModel(net, { training: m.training, sites: config.sites });
    requireFitsTask(model, config.task, train, m.path);
    return { model, modelSha256 };
  } catch (e) {
    net.dispose();
    throw e;
  }
}

/** Refuses a model whose input shape or classes differ from the task's data. */
function requireFitsTask(model: LayersHookedModel, task: TaskConfig, train: Dataset<tf.Tensor>, file: string): void {
  const takes = [...model.inputShape];
  const gives = train.x.shape.slice(1);
  const shape = (s: readonly number[]) => `[${s.join(", ")}]`;
  if (takes.join(",") !== gives.join(",")) {
    const count = takes.reduce((a, b) => a * b, 1);
    let fix = `choose a task whose examples are ${shape(takes)}, or save a model whose input is ${shape(gives)}`;
    if (task.kind === "digits" && count === 64) fix = takes.length === 1 ? 'set "task.image" to false (flat [64] examples)' : 'set "task.image": true (digits as [8, 8, 1] images)';
    if (task.kind === "fashion-mnist" && count === 784) fix = takes.length === 1 ? 'set "task.flatten": true ([784] examples)' : 'set "task.flatten": false (images [28, 28, 1])';
    throw new AntitrainError(`config key "model.path": the model at ${file} takes inputs ${shape(takes)} but task "${task.kind}" gives examples ${shape(gives)}: ${fix}`);
  }
  if (model.classes !== train.classes) {
    throw new AntitrainError(
      `config key "model.path": the model at ${file} has ${model.classes} outputs but task "${task.kind}" has ${train.classes} classes: end the model with a dense layer of ${train.classes} units (one per class)`,
    );
  }
}

/**
 * Checks up front that `output.compress` can compress every site of `model` (the layer graph allows it), so a long
 * run does not fail at its end: compresses with every unit kept and frees the result.
 */
export function requireCompressible(model: HookedModel, sites: readonly string[]): void {
  for (const site of sites) {
    const units = model.sites().find((s) => s.name === site)?.units ?? 0;
    try {
      compressLayersModel(model as LayersHookedModel, site, { core: Array.from({ length: units }, (_, u) => u) }).dispose();
    } catch (e) {
      if (!(e instanceof AntitrainError)) throw e;
      throw new AntitrainError(`config key "output.compress": got true, but site "${site}" cannot be compressed: ${e.message}; set "output.compress" to false or antitrain other sites`);
    }
  }
}

/** What {@link writeOutputs} wrote. */
export interface RunOutputs {
  /** The folder of the final model. */
  readonly model: string;
  /** The compressed model: its folder and, per site, the units kept of how many (sites without a core are skipped). */
  readonly compressed?: { readonly model: string; readonly sites: { site: string; kept: number; units: number }[]; readonly skipped: string[] };
}

/**
 * Writes the final model to `output.model` (relative to `out`) and, with `output.compress`, the model compressed at
 * each site's core (in the config's site order, each site's removed units fixed at their means on `measureData`,
 * measured on the model compressed so far) to `<output.model>-compressed`.
 */
export async function writeOutputs(
  config: RunConfig,
  model: HookedModel,
  cores: ReadonlyMap<string, readonly number[]>,
  measureData: Dataset<tf.Tensor>,
  out: string,
  log: (line: string) => void,
): Promise<RunOutputs | undefined> {
  const output = config.output;
  if (output === undefined || config.model.kind !== "layers") return undefined;
  const layers = model as LayersHookedModel;
  const folder = path.resolve(out, output.model);
  await saveModel(layers.layersModel, folder);
  log(`antitrain: final model written to ${folder}`);
  if (!output.compress) return { model: folder };
  const sites: { site: string; kept: number; units: number }[] = [];
  const skipped: string[] = [];
  let current = layers;
  try {
    for (const site of config.sites) {
      const core = cores.get(site);
      if (core === undefined) {
        skipped.push(site);
        log(`antitrain: site "${site}" has no antitrained core yet; it is not compressed`);
        continue;
      }
      const units = current.sites().find((s) => s.name === site)?.units ?? 0;
      const stats = collectStats(current, site, measureData as Dataset);
      const net = compressLayersModel(current, site, { core: [...core] }, { stats });
      if (current !== layers) current.dispose();
      current = fromLayersModel(net, { ...layers.options });
      sites.push({ site, kept: new Set(core).size, units });
    }
    const compressed = `${folder}-compressed`;
    await saveModel(current.layersModel, compressed);
    log(`antitrain: compressed model written to ${compressed} (${sites.map((s) => `${s.site}: ${s.kept} of ${s.units} units`).join(", ") || "no site compressed"})`);
    return { model: folder, compressed: { model: compressed, sites, skipped } };
  } finally {
    if (current !== layers) current.dispose();
  }
}
