/**
 * Saving and loading TensorFlow.js layers models in Node with `node:fs` alone (no tfjs-node, which cannot install
 * offline): the standard format, a `model.json` (topology and weights manifest) beside binary weight shards, so a
 * model converted from Keras (`tensorflowjs_converter --input_format keras`) loads offline and a saved model loads in
 * any TensorFlow.js (`tf.loadLayersModel("file://…")` under tfjs-node, or over http in a browser).
 *
 * Writes are atomic (each file goes to a temporary name, then is renamed; the weights before the model.json) and
 * carry a SHA-256 of each weights file in model.json (`weightsSha256`, a field other readers ignore), checked on
 * load; files without it (a converter's shards) load unchecked. Files are read as JSON and raw bytes, never run.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "./errors";

/** The model file's name inside a model folder. */
export const MODEL_JSON = "model.json";
/** The weights file {@link saveModel} writes beside it. */
export const WEIGHTS_BIN = "weights.bin";

/** model.json as written and read here: the tfjs format plus an optional checksum per weights file. */
interface ModelJsonFile extends tf.io.ModelJSON {
  weightsSha256?: Record<string, string>;
}

/**
 * A TensorFlow.js IO handler on the local file system: `model.save(at.fileSystem(dir))` writes `dir/model.json` and
 * `dir/weights.bin`; `tf.loadLayersModel(at.fileSystem(target))` reads `target` (a folder holding model.json, or the
 * path of a .json file) and the weight shards its manifest names, in as many groups and shards as it lists. A leading
 * `file://` is accepted. Errors are AntitrainErrors naming the missing or damaged file.
 *
 * @example
 * await net.save(at.fileSystem("models/cnn"));                          // models/cnn/model.json + weights.bin
 * const again = await tf.loadLayersModel(at.fileSystem("models/cnn"));  // also a Keras model converted to tfjs
 * const same = await tf.loadLayersModel(at.fileSystem("models/cnn/model.json"));
 */
export function fileSystem(target: string): tf.io.IOHandler {
  if (typeof target !== "string" || target.trim() === "") {
    throw new AntitrainError(`fileSystem needs a folder path such as "models/cnn", got ${JSON.stringify(target) ?? String(target)}`);
  }
  const plain = target.startsWith("file://") ? target.slice("file://".length) : target;
  const jsonFile = plain.endsWith(".json") ? plain : path.join(plain, MODEL_JSON);
  return {
    save: async (artifacts: tf.io.ModelArtifacts) => saveArtifacts(jsonFile, artifacts),
    load: async () => loadArtifacts(jsonFile),
  };
}

/**
 * Saves a `tf.LayersModel` to folder `dir` (created if needed) as `model.json` + `weights.bin`, atomically; an
 * existing model there is replaced. Only the model's own state is written (topology, weights, and the training
 * configuration when compiled); optimizer state is not. Returns tfjs's summary of what was written.
 *
 * @example
 * const small = at.compressLayersModel(model, "conv1", split, { stats });
 * await at.saveModel(small, "models/small");
 * const back = await at.loadModel("models/small");   // predicts exactly as small does
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  if (model === null || typeof model !== "object" || typeof (model as Partial<tf.LayersModel>).save !== "function" || !Array.isArray(model.layers)) {
    throw new AntitrainError(`saveModel needs a tf.LayersModel (tf.sequential, tf.model, or a loaded model), got ${model === null ? "null" : typeof model}`);
  }
  if (typeof dir === "string" && dir.endsWith(".json")) {
    throw new AntitrainError(`saveModel takes a folder, got the file "${dir}": pass its folder (${JSON.stringify(path.dirname(dir))}); the model goes to model.json and weights.bin inside it`);
  }
  return model.save(fileSystem(dir));
}

/**
 * Loads a layers model saved by {@link saveModel}, by tfjs-node's `model.save("file://…")`, or converted from Keras
 * (`tensorflowjs_converter --input_format keras model.h5 dir`): `target` is the folder holding model.json or the
 * path of the .json file. Graph models (`tf.loadGraphModel`) are refused: convert with
 * `--output_format tfjs_layers_model`. Wrap the result with `at.fromLayersModel` to measure it.
 *
 * @example
 * const net = await at.loadModel("models/keras-cnn");   // model.json + group1-shard1of2.bin, ...
 * const model = at.fromLayersModel(net);
 * model.sites();                                        // one site per layer, named as in Keras
 */
export async function loadModel(target: string): Promise<tf.LayersModel> {
  fileSystem(target); // checks target
  const jsonFile = jsonFileOf(target);
  const artifacts = await loadArtifacts(jsonFile);
  // Built from the topology alone (its initial weights), so its weights can be compared with the manifest before any
  // is loaded: tfjs would fail inside loadWeights with a bare "Shape mismatch" naming no file or layer, and leak the
  // half-loaded model.
  const { weightData, weightSpecs, ...topology } = artifacts;
  const model = await buildTopology(topology, jsonFile);
  try {
    requireWeightsFit(model, weightSpecs ?? [], jsonFile);
    if (weightData !== undefined) {
      const decoded = tf.io.decodeWeights(weightData, weightSpecs ?? []);
      try {
        const own = Object.fromEntries((weightSpecs ?? []).filter((s) => s.group !== "optimizer").map((s) => [s.name, decoded[s.name]]));
        model.loadWeights(own, true);
        const optimizerWeights = (weightSpecs ?? []).filter((s) => s.group === "optimizer").map((s) => ({ name: s.name, tensor: decoded[s.name] }));
        if (model.optimizer != null && optimizerWeights.length > 0) await model.optimizer.setWeights(optimizerWeights);
      } finally {
        tf.dispose(Object.values(decoded));
      }
    }
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The model.json path {@link fileSystem} reads for `target`. */
function jsonFileOf(target: string): string {
  const plain = target.startsWith("file://") ? target.slice("file://".length) : target;
  return plain.endsWith(".json") ? plain : path.join(plain, MODEL_JSON);
}

/** The model described by `artifacts`' topology, with initial weights; a custom layer tfjs does not know is an AntitrainError naming it. */
async function buildTopology(artifacts: tf.io.ModelArtifacts, jsonFile: string): Promise<tf.LayersModel> {
  const handler: tf.io.IOHandler = { load: async () => artifacts };
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    return await tf.loadLayersModel(handler);
  } catch (e) {
    // The layers built before the failing one made variables that no model owns now: free them.
    for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!before.has(name)) v.dispose();
    const message = e instanceof Error ? e.message : String(e);
    const unknown = /Unknown (layer|initializer|regularizer|constraint|activation)[^:]*: (\w+)/.exec(message);
    if (unknown !== null) {
      throw new AntitrainError(
        `"${jsonFile}" uses the ${unknown[1]} "${unknown[2]}", which this TensorFlow.js does not know: register its class with tf.serialization.registerClass(${unknown[2]}) before loading, or save the model without custom ${unknown[1]}s`,
      );
    }
    throw new AntitrainError(`the topology in "${jsonFile}" cannot be built (${firstLine(message)}): it was edited or damaged; save or convert the model again`);
  }
}

/**
 * Refuses a weights manifest that does not fit the topology: a layer's weight missing from it, of another shape, or a
 * weight no layer has, naming the file and the layer.
 */
function requireWeightsFit(model: tf.LayersModel, specs: readonly tf.io.WeightsManifestEntry[], jsonFile: string): void {
  const byName = new Map(specs.filter((s) => s.group !== "optimizer").map((s) => [s.name, s]));
  const fix = "the topology in model.json disagrees with its weights (was model.json edited, or copied from another model?): save or convert the model again";
  const used = new Set<string>();
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const spec = byName.get(w.originalName);
      if (spec === undefined) {
        throw new AntitrainError(`"${jsonFile}": layer "${layer.name}" has the weight "${w.originalName}" [${w.shape.join(", ")}], which the weights manifest does not list: ${fix}`);
      }
      used.add(w.originalName);
      const shape = Array.isArray(spec.shape) ? spec.shape : [];
      if (shape.length !== w.shape.length || shape.some((d, i) => d !== w.shape[i])) {
        throw new AntitrainError(
          `"${jsonFile}": layer "${layer.name}" needs its weight "${w.originalName}" of shape [${w.shape.join(", ")}] but the weights manifest gives [${shape.join(", ")}]: ${fix}`,
        );
      }
    }
  }
  const extra = [...byName.keys()].find((name) => !used.has(name));
  if (extra !== undefined) throw new AntitrainError(`"${jsonFile}": the weights manifest lists "${extra}", which no layer of the topology has: ${fix}`);
}

/** The first line of an error message (tfjs's can run on). */
function firstLine(message: string): string {
  return message.split("\n")[0].slice(0, 300);
}

/** Writes `data` to `file` atomically: a temporary file beside it, then a rename over it. */
function writeAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The save half of {@link fileSystem}. */
function saveArtifacts(jsonFile: string, artifacts: tf.io.ModelArtifacts): tf.io.SaveResult {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new AntitrainError("fileSystem saves layers models (a JSON topology); this is a graph model's binary topology: save it with tfjs-converter instead");
  }
  const dir = path.dirname(jsonFile);
  fs.mkdirSync(dir, { recursive: true });
  const weights = new Uint8Array(artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const json: ModelJsonFile = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
    weightsSha256: { [WEIGHTS_BIN]: sha256(weights) },
  };
  if (artifacts.trainingConfig !== undefined) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata !== undefined) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.signature !== undefined) json.signature = artifacts.signature;
  if (artifacts.modelInitializer !== undefined) json.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature !== undefined) json.initializerSignature = artifacts.initializerSignature;
  // Weights first: a crash before the model.json rename leaves the old model.json, whose checksum then refuses the
  // new weights instead of loading a mix.
  writeAtomic(path.join(dir, WEIGHTS_BIN), weights);
  writeAtomic(jsonFile, `${JSON.stringify(json)}\n`);
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights.buffer as ArrayBuffer }) };
}

/** The load half of {@link fileSystem}. */
async function loadArtifacts(jsonFile: string): Promise<tf.io.ModelArtifacts> {
  if (!fs.existsSync(jsonFile)) {
    const dir = path.dirname(jsonFile);
    const why = fs.existsSync(dir) ? `the folder "${dir}" has no ${path.basename(jsonFile)}` : `the folder "${dir}" does not exist`;
    throw new AntitrainError(
      `no model at "${jsonFile}": ${why}. Pass the folder that holds a TensorFlow.js model.json (written by at.saveModel, or by tensorflowjs_converter --input_format keras from a Keras .h5/.keras file)`,
    );
  }
  let json: ModelJsonFile;
  try {
    json = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as ModelJsonFile;
  } catch (e) {
    throw new AntitrainError(`"${jsonFile}" is not valid JSON (${(e as Error).message}): it may be truncated; save the model again`);
  }
  if (json === null || typeof json !== "object" || json.modelTopology == null || typeof json.modelTopology !== "object") {
    throw new AntitrainError(`"${jsonFile}" has no modelTopology: it is not a TensorFlow.js layers model (a weights-only manifest?); save the whole model`);
  }
  const topology = json.modelTopology as { node?: unknown };
  if (json.format === "graph-model" || topology.node !== undefined) {
    throw new AntitrainError(
      `"${jsonFile}" is a TensorFlow.js graph model (format "graph-model"), which has no layers to measure: convert the Keras model with tensorflowjs_converter --output_format tfjs_layers_model`,
    );
  }
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new AntitrainError(`"${jsonFile}": weightsManifest must be a list of { paths, weights } groups`);
  const dir = path.dirname(jsonFile);
  return tf.io.getModelArtifactsForJSON(json, async (groups) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const parts: Uint8Array[] = [];
    for (const group of groups) {
      if (group === null || typeof group !== "object" || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
        throw new AntitrainError(`"${jsonFile}": each weightsManifest group needs "paths" and "weights" lists`);
      }
      const bytes = group.paths.map((p) => readShard(dir, p, jsonFile, json.weightsSha256));
      const got = bytes.reduce((n, b) => n + b.length, 0);
      const want = groupBytes(group.weights);
      if (want !== undefined && got !== want) {
        throw new AntitrainError(
          `the weight files ${group.paths.map((p) => `"${p}"`).join(", ")} hold ${got} bytes, but "${jsonFile}" describes ${want} bytes of weights for them: a file is truncated or from another model; save or convert the model again`,
        );
      }
      specs.push(...group.weights);
      parts.push(...bytes);
    }
    const all = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
    let offset = 0;
    for (const b of parts) {
      all.set(b, offset);
      offset += b.length;
    }
    return [specs, all.buffer];
  });
}

/** One weight shard's bytes, refusing a path outside the model's folder, a missing file or a wrong checksum. */
function readShard(dir: string, shard: string, jsonFile: string, checksums: Record<string, string> | undefined): Uint8Array {
  if (typeof shard !== "string" || shard === "" || path.isAbsolute(shard)) {
    throw new AntitrainError(`"${jsonFile}" lists the weight file ${JSON.stringify(shard)}: weight paths must be relative to the model's folder`);
  }
  const file = path.resolve(dir, shard);
  const rel = path.relative(path.resolve(dir), file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new AntitrainError(`"${jsonFile}" lists the weight file "${shard}", outside the model's folder: keep the shards beside model.json`);
  }
  if (!fs.existsSync(file)) {
    throw new AntitrainError(`the weight file "${file}" that "${jsonFile}" lists is missing: copy every shard (${shard}) beside model.json`);
  }
  const bytes = new Uint8Array(fs.readFileSync(file));
  const want = checksums?.[shard];
  if (want !== undefined && sha256(bytes) !== want) {
    throw new AntitrainError(`the weight file "${file}" does not match the checksum in "${jsonFile}": it is damaged or from another save; save the model again`);
  }
  return bytes;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** The bytes a group's weights take, or undefined where it cannot be known (strings, an unknown dtype). */
function groupBytes(weights: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const w of weights) {
    const dtype = w.quantization?.dtype ?? w.dtype;
    const size = BYTES[dtype];
    if (size === undefined || !Array.isArray(w.shape)) return undefined;
    total += w.shape.reduce((a, b) => a * b, 1) * size;
  }
  return total;
}
