// Runs on the user's own saved model: `"model": { "kind": "layers", "path": ... }` in a run config, checkpoints with
// every layers-model weight (batch normalization's moving statistics too), bit-for-bit resume, outputs, sweep ids.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../lib/base/backend";
import { AntitrainError } from "../lib/base/errors";
import { loadModel, saveModel } from "../lib/base/model-io";
import { type CheckpointArray, latestCheckpoint } from "../lib/runs/checkpoint";
import { main } from "../lib/runs/cli";
import { type RunConfig, parseRunConfig } from "../lib/runs/config";
import { buildTask, runFromConfig } from "../lib/runs/run";
import { modelFileHash } from "../lib/runs/run-model";
import { expandSweep, jobId } from "../lib/runs/sweep";
import { writeIdx } from "./idx-files";
import { tempDirs } from "./temp";

const temp = tempDirs();
after(() => temp.remove());
before(async () => {
  await ready({ quiet: true });
});

// tfjs treats a seed of 0 as no seed (a fresh Math.random draw), so seeds here start at 1: cnn(0)'s conv kernel was
// random in every process, and the accuracy this file asserts moved from run to run.
const init = (seed: number) => tf.initializers.glorotNormal({ seed: seed + 1 });

/**
 * A small functional CNN for digits as [8, 8, 1] images: conv → batch norm → relu → flatten, then two dense
 * branches joined by an `add` (a skip connection), then 10 logits.
 */
function cnn(seed = 0, classes = 10): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: "conv", kernelInitializer: init(seed) }).apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: "bn" }).apply(conv) as tf.SymbolicTensor;
  const relu = tf.layers.activation({ activation: "relu", name: "relu1" }).apply(bn) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: "flat" }).apply(relu) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 8, activation: "relu", name: "hidden", kernelInitializer: init(seed + 1) }).apply(flat) as tf.SymbolicTensor;
  const skip = tf.layers.dense({ units: 8, name: "skip", kernelInitializer: init(seed + 2) }).apply(flat) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: "sum" }).apply([hidden, skip]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: classes, name: "out", kernelInitializer: init(seed + 3) }).apply(sum) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Saves `net` into `dir/name` and frees it. */
async function saved(dir: string, name: string, net: tf.LayersModel): Promise<string> {
  const folder = path.join(dir, name);
  await saveModel(net, folder);
  net.dispose();
  return folder;
}

const BASE = {
  task: { kind: "digits", image: true, test: 100, trainLimit: 160 },
  model: { kind: "layers", path: "models/cnn", training: true },
  sites: ["relu1", "hidden"],
  schedule: { kind: "interleaved", antiSteps: 1, cycle: 8 },
  fraction: 0.5,
  antitrain: { measureSize: 64, batchSize: 32 },
  batchSize: 32,
  pretrainSteps: 6,
  steps: 18,
  seed: 1,
  checkpointEvery: 5,
  evalEvery: 12,
};

/** A folder holding configs/ and models/cnn (a saved CNN), the layout a user would have. */
async function project(seed = 0): Promise<string> {
  const dir = temp.make("antitrain-run-layers-");
  fs.mkdirSync(path.join(dir, "configs"));
  await saved(path.join(dir, "models"), "cnn", cnn(seed));
  return dir;
}

async function runTo(config: RunConfig, out: string, stopAt?: number, resume = false) {
  let steps = 0;
  const lines: string[] = [];
  const result = await runFromConfig(config, {
    out,
    resume,
    handleSignals: false,
    log: (l) => lines.push(l),
    shouldStop: stopAt === undefined ? undefined : () => ++steps > stopAt,
  });
  return { result, lines };
}

function arraysOf(out: string): Map<string, CheckpointArray> {
  const found = latestCheckpoint(out);
  assert.ok(found, `no checkpoint in ${out}`);
  return found.checkpoint.arrays as Map<string, CheckpointArray>;
}

test("a layers model config: the path resolves against the config's folder, the complete config parses to itself, MLP configs are unchanged", async () => {
  const dir = await project();
  const config = parseRunConfig(BASE, { dir });
  assert.deepEqual(config.model, { kind: "layers", path: path.join(dir, "models", "cnn"), training: true });
  assert.deepEqual(config.task, { kind: "digits", test: 100, trainLimit: 160, splitSeed: 0, image: true });
  assert.equal(config.output, undefined);
  assert.deepEqual(parseRunConfig(JSON.parse(JSON.stringify(config))), config, "a complete config parses to itself (its path is absolute)");
  const viaJson = parseRunConfig({ ...BASE, model: { kind: "layers", path: "../models/cnn/model.json" } }, { dir: path.join(dir, "configs") });
  assert.equal((viaJson.model as { path: string }).path, path.join(dir, "models", "cnn", "model.json"));
  assert.equal((viaJson.model as { training: boolean }).training, false);

  // Today's MLP form: an explicit kind "mlp" parses to the same complete config (no kind, no image, no output), so
  // old configs keep their job ids and old runs stay resumable.
  const old = parseRunConfig({ steps: 5, model: { hidden: [8] }, task: { kind: "digits" } });
  assert.deepEqual(parseRunConfig({ steps: 5, model: { kind: "mlp", hidden: [8] }, task: { kind: "digits", image: false } }), old);
  assert.deepEqual(Object.keys(old.model), ["hidden", "activation"]);
  assert.deepEqual(Object.keys(old.task), ["kind", "test", "trainLimit", "splitSeed"]);
  assert.equal("output" in old, false);
  assert.equal(jobId(old), jobId(parseRunConfig({ steps: 5, model: { kind: "mlp", hidden: [8], activation: "relu" } })));
});

test("bad layers configs give one-line AntitrainErrors naming the key and the fix", async () => {
  const dir = await project();
  const refuse = (raw: unknown, re: RegExp) =>
    assert.throws(
      () => parseRunConfig(raw, { dir }),
      (e: Error) => e instanceof AntitrainError && !e.message.includes("\n") && re.test(e.message),
    );
  refuse({ ...BASE, model: { kind: "layers", path: "models/nothing" } }, /config key "model\.path": got "models\/nothing" \(resolved against .* to .*models\/nothing\), allowed: a saved TensorFlow\.js model.*model\.json does not exist: save the model with at\.saveModel/);
  refuse({ ...BASE, model: { kind: "layers", path: "models/cnn", hidden: [8] } }, /config key "model\.hidden" is unknown: allowed keys in "model" are path, training/);
  refuse({ ...BASE, model: { kind: "layer", path: "models/cnn" } }, /config key "model\.kind": got "layer", allowed: one of "mlp", "layers"/);
  refuse({ ...BASE, model: { kind: "layers" } }, /config key "model\.path": got nothing, allowed: a non-empty path/);
  refuse({ ...BASE, model: { kind: "layers", path: "" } }, /config key "model\.path": got "", allowed: a non-empty path/);
  refuse({ ...BASE, model: { kind: "layers", path: "models/cnn", training: "yes" } }, /config key "model\.training": got "yes", allowed: true or false/);
  refuse({ ...BASE, output: { model: "final", compres: true } }, /config key "output\.compres" is unknown/);
  refuse({ ...BASE, output: { compress: true } }, /config key "output\.model": got nothing/);
  refuse({ ...BASE, blowup: { renormalize: true } }, /config key "blowup\.renormalize": got true with model\.kind "layers", allowed: false/);
  refuse({ steps: 5, task: { kind: "digits", image: true } }, /config key "task\.image": got true with an mlp model, allowed: false .*"kind": "layers"/);
  refuse({ steps: 5, task: { kind: "fashion-mnist", flatten: false } }, /config key "task\.flatten": got false with an mlp model, allowed: true/);
  refuse({ steps: 5, output: { model: "final" } }, /config key "output": got .* with an mlp model, allowed: only with "model": \{ "kind": "layers"/);
  refuse({ steps: 5, task: { kind: "fashion-mnist", train: 70_000 } }, /config key "task\.train": got 70000, allowed: an integer from 0 to 60000/);
  assert.throws(() => parseRunConfig({ steps: 5 }, { base: "x" } as never), /unknown option "base" of parseRunConfig/);
});

test("the run checks the model against the config and the data before making its folder, and frees everything", async () => {
  const dir = await project();
  const out = path.join(dir, "out");
  const refuse = async (raw: Record<string, unknown>, re: RegExp) => {
    const before = tf.memory().numTensors;
    await assert.rejects(runTo(parseRunConfig(raw, { dir }), out), (e: Error) => e instanceof AntitrainError && !e.message.includes("\n") && re.test(e.message));
    assert.equal(tf.memory().numTensors, before, `${re}: tensors leaked`);
    assert.equal(fs.existsSync(out), false, "no run folder for a refused config");
  };
  await refuse({ ...BASE, sites: ["relu1", "dense_7"] }, /config key "sites\[1\]": got "dense_7", allowed: one of the model's sites "conv", "bn", "relu1", "flat", "hidden", "skip", "sum"/);
  await refuse(
    { ...BASE, task: { kind: "digits", test: 100 } },
    /config key "model\.path": the model at .*cnn takes inputs \[8, 8, 1\] but task "digits" gives examples \[64\]: set "task\.image": true \(digits as \[8, 8, 1\] images\)/,
  );
  await refuse(
    { ...BASE, task: { kind: "teacher-student", inputs: 8, classes: 10 } },
    /takes inputs \[8, 8, 1\] but task "teacher-student" gives examples \[8\]: choose a task whose examples are \[8, 8, 1\], or save a model whose input is \[8\]/,
  );
  await saved(path.join(dir, "models"), "three", cnn(0, 3));
  await refuse({ ...BASE, model: { kind: "layers", path: "models/three" } }, /the model at .*three has 3 outputs but task "digits" has 10 classes: end the model with a dense layer of 10 units/);
  await refuse({ ...BASE, output: { model: "final", compress: true } }, /config key "output\.compress": got true, but site "hidden" cannot be compressed: .*"sum" \(Add\)/);
  // The CLI reports it on one line with exit code 2, resolving the path against the config file's folder.
  const file = path.join(dir, "configs", "bad.json");
  fs.writeFileSync(file, JSON.stringify({ ...BASE, model: { kind: "layers", path: "../models/cnn" }, sites: ["nope"] }));
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    assert.equal(await main(["run", file, "--out", out]), 2);
  } finally {
    console.error = original;
  }
  assert.match(errors[0], /^antitrain: config key "sites\[0\]": got "nope", allowed: one of the model's sites "conv"/);
});

test("a run on a saved functional CNN trains, antitrains, resumes bit for bit (batch-norm statistics included) and writes its models", async () => {
  const dir = await project();
  const config = parseRunConfig({ ...BASE, output: { model: "final", compress: true }, sites: ["relu1"] }, { dir });
  const before = tf.memory().numTensors;
  const whole = path.join(dir, "whole");
  const ref = await runTo(config, whole);
  assert.equal(tf.memory().numTensors, before, "the run frees its tensors");
  const r = ref.result;
  assert.equal(r.status, "done");
  assert.equal(r.step, 24);
  assert.equal(r.modelSha256, modelFileHash({ path: path.join(dir, "models", "cnn") }));
  assert.ok((r.final?.accuracy ?? 0) > 0.3, `test accuracy ${r.final?.accuracy} should beat chance (0.1) clearly`);
  const measures = r.history.measures.filter((m) => m.site === "relu1");
  assert.ok(measures.length >= 2, "the site was measured on schedule");
  assert.ok(measures.every((m) => m.core.length >= 1 && m.core.length <= 4 && m.core.every((u) => u >= 0 && u < 4)));

  // The checkpoint holds every weight of the model: 10 trainable, and the batch norm's moving mean and variance,
  // which training mode moved away from their initial 0 and 1 (the mean stays near 0: standardized inputs, zero bias).
  const arrays = arraysOf(whole);
  const weightKeys = [...arrays.keys()].filter((k) => k.startsWith("layers/"));
  assert.equal(weightKeys.length, 12);
  const net = await loadModel(path.join(whole, "final"));
  const names = net.weights.map((w) => w.name);
  const movingMean = arrays.get(`layers/w${names.findIndex((n) => n.includes("moving_mean"))}`)!.data;
  const movingVar = arrays.get(`layers/w${names.findIndex((n) => n.includes("moving_variance"))}`)!.data;
  assert.ok(movingMean.every((v) => v !== 0) && movingVar.some((v) => Math.abs(v - 1) > 0.05), `moving statistics were updated: ${movingMean}, ${movingVar}`);
  // The final model written is the checkpointed one, weight for weight.
  net.weights.forEach((w, i) => assert.deepEqual(w.read().dataSync(), arrays.get(`layers/w${i}`)!.data, `weight ${w.name}`));
  // The compressed model keeps the last core of "relu1": its conv has that many filters.
  const last = measures[measures.length - 1].core;
  assert.deepEqual(r.outputs?.compressed?.sites, [{ site: "relu1", kept: last.length, units: 4 }]);
  const small = await loadModel(path.join(whole, "final-compressed"));
  assert.deepEqual(small.getLayer("conv").getWeights()[0].shape, [3, 3, 1, last.length]);
  assert.deepEqual(small.getLayer("hidden").getWeights()[0].shape, [36 * last.length, 8]);
  net.dispose();
  small.dispose();

  // Interrupted after 11 steps, resumed: the same weights, optimizer state, history and outputs, bit for bit.
  const part = path.join(dir, "part");
  const first = await runTo(config, part, 11);
  assert.equal(first.result.status, "interrupted");
  const second = await runTo(config, part, undefined, true);
  assert.ok(second.lines.some((l) => /from ckpt-11 \(step 11 of 24\)/.test(l)), second.lines.join("\n"));
  assert.deepEqual(second.result.history, r.history);
  assert.deepEqual(second.result.final, r.final);
  const resumed = arraysOf(part);
  assert.deepEqual([...resumed.keys()], [...arrays.keys()]);
  for (const [name, a] of arrays) assert.ok(Buffer.from(a.data.buffer).equals(Buffer.from(resumed.get(name)!.data.buffer)), `array ${name} differs after resume`);
  for (const file of ["final/weights.bin", "final-compressed/weights.bin"]) {
    assert.ok(fs.readFileSync(path.join(whole, file)).equals(fs.readFileSync(path.join(part, file))), `${file} differs`);
  }
  assert.equal(tf.memory().numTensors, before);
});

test("a changed model file refuses to resume the old run and makes a new sweep job", async () => {
  const dir = await project();
  const config = parseRunConfig({ ...BASE, sites: ["hidden"], steps: 4, pretrainSteps: 2 }, { dir });
  const out = path.join(dir, "out");
  await runTo(config, out, 3);
  const spec = { base: { ...BASE, sites: ["hidden"] }, grid: { seed: [0, 1] } };
  const ids = expandSweep(spec, { dir }).map((j) => j.id);
  assert.deepEqual(
    expandSweep(structuredClone(spec), { dir }).map((j) => j.id),
    ids,
    "same model file, same ids",
  );
  await saved(path.join(dir, "models"), "same", cnn(0));
  const sameHash = modelFileHash({ path: path.join(dir, "models", "same") });
  await saved(path.join(dir, "models"), "cnn", cnn(5)); // same architecture and path, other weights
  assert.notEqual(modelFileHash({ path: path.join(dir, "models", "cnn") }), sameHash);
  const changed = expandSweep(spec, { dir }).map((j) => j.id);
  assert.equal(changed.length, 2);
  assert.ok(changed.every((id) => !ids.includes(id)), "every job id changes with the model file");
  assert.deepEqual(parseRunConfig({ ...BASE, sites: ["hidden"], steps: 4, pretrainSteps: 2 }, { dir }), config, "the config itself is unchanged");
  await assert.rejects(runTo(config, out, undefined, true), /cannot resume .*: the model file .*cnn changed since the run started \(SHA-256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\)/);
});

test("task fashion-mnist reads the IDX files as images or flat rows, subsampled per the config", () => {
  const dir = temp.make("antitrain-fashion-run-");
  const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 10);
  const pixels = (n: number) => Array.from({ length: n * 784 }, (_, i) => (i * 7) % 256);
  writeIdx(path.join(dir, "train-images-idx3-ubyte.gz"), "uint8", [40, 28, 28], pixels(40), true);
  writeIdx(path.join(dir, "train-labels-idx1-ubyte.gz"), "uint8", [40], labels(40), true);
  writeIdx(path.join(dir, "t10k-images-idx3-ubyte"), "uint8", [20, 28, 28], pixels(20));
  writeIdx(path.join(dir, "t10k-labels-idx1-ubyte"), "uint8", [20], labels(20));
  const previous = process.env.ANTITRAIN_FASHION_MNIST_DIR;
  process.env.ANTITRAIN_FASHION_MNIST_DIR = dir;
  const before = tf.memory().numTensors;
  try {
    const config = parseRunConfig({ steps: 5, task: { kind: "fashion-mnist", train: 30 } });
    assert.deepEqual(config.task, { kind: "fashion-mnist", train: 30, test: 0, seed: 0, flatten: true, standardize: "global" });
    const flat = buildTask(config);
    assert.deepEqual([flat.train.x.shape, flat.test.x.shape], [[30, 784], [20, 784]]);
    assert.equal(flat.train.classes, 10);
    const asImages = buildTask({ ...config, task: { ...config.task, flatten: false, test: 10 } } as RunConfig);
    assert.deepEqual([asImages.train.x.shape, asImages.test.x.shape], [[30, 28, 28, 1], [10, 28, 28, 1]]);
    assert.deepEqual(asImages.train.x.dataSync(), flat.train.x.dataSync(), "the same pixels, shaped as images");
    for (const s of [flat, asImages]) tf.dispose([s.train.x, s.train.y, s.test.x, s.test.y]);
    // Parsing only checks that the model file exists, and buildTask does not load it: any .json file does here.
    const digitImages = buildTask(parseRunConfig({ steps: 5, task: { kind: "digits", test: 50, image: true }, model: { kind: "layers", path: path.join(__dirname, "..", "package.json") } }));
    assert.deepEqual(digitImages.test.x.shape, [50, 8, 8, 1]);
    tf.dispose([digitImages.train.x, digitImages.train.y, digitImages.test.x, digitImages.test.y]);
  } finally {
    if (previous === undefined) delete process.env.ANTITRAIN_FASHION_MNIST_DIR;
    else process.env.ANTITRAIN_FASHION_MNIST_DIR = previous;
  }
  assert.equal(tf.memory().numTensors, before);
});
