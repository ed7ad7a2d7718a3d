import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { fileSystem } from "../lib/base/model-io";
import { tempDirs } from "./temp";

const temp = tempDirs();
before(async () => {
  await at.ready({ quiet: true });
});
after(() => temp.remove());

const init = (seed: number) => tf.initializers.glorotNormal({ seed });

/** [6, 6, 2] → conv (4) → bn → relu → pool → flat → out (softmax 3), batch norm with non-trivial moving statistics. */
function cnn(): tf.LayersModel {
  const net = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, name: "conv", kernelInitializer: init(1) }),
      tf.layers.batchNormalization({ name: "bn" }),
      tf.layers.activation({ activation: "relu", name: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: init(2) }),
    ],
  });
  const bn = net.getLayer("bn");
  tf.tidy(() => bn.setWeights(bn.getWeights().map((w, i) => tf.add(w, tf.randomUniform(w.shape, 0.1, 1, "float32", i)))));
  return net;
}

/** input[4] → a (relu 5) and b (tanh 3) → concatenate → out (2): a functional model. */
function functional(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const a = tf.layers.dense({ units: 5, activation: "relu", name: "a", kernelInitializer: init(3) }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 3, activation: "tanh", name: "b", kernelInitializer: init(4) }).apply(input) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: "cat" }).apply([a, b]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: "out", kernelInitializer: init(5) }).apply(cat) as tf.SymbolicTensor });
}

/** Predictions of both models on `x`, as arrays. */
function predictions(a: tf.LayersModel, b: tf.LayersModel, x: tf.Tensor): [number[], number[]] {
  return tf.tidy(() => [Array.from((a.predict(x) as tf.Tensor).dataSync()), Array.from((b.predict(x) as tf.Tensor).dataSync())]);
}

/** Rejects with an AntitrainError whose message matches `pattern`. */
async function rejectsWith(fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof at.AntitrainError, `expected AntitrainError, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

describe("saveModel / loadModel / fileSystem", () => {
  test("round trip of a CNN with batch norm and of a functional model: identical predictions and weight names, only model.json and weights.bin written", async () => {
    const tensors = tf.memory().numTensors;
    for (const [net, shape] of [[cnn(), [6, 6, 2]], [functional(), [4]]] as const) {
      const dir = path.join(temp.make("antitrain-io-"), "nested", "model");
      const result = await at.saveModel(net, dir);
      assert.equal(result.modelArtifactsInfo.weightDataBytes, net.weights.reduce((n, w) => n + 4 * w.read().size, 0));
      assert.deepEqual(fs.readdirSync(dir).sort(), ["model.json", "weights.bin"], "no temporary file left");
      const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
      assert.equal(json.format, "layers-model");
      assert.deepEqual(json.weightsManifest[0].paths, ["weights.bin"]);
      assert.match(json.weightsSha256["weights.bin"], /^[0-9a-f]{64}$/);
      const back = await at.loadModel(dir);
      assert.deepEqual(back.weights.map((w) => w.originalName), net.weights.map((w) => w.originalName), "stable weight names");
      assert.deepEqual(back.layers.map((l) => l.name), net.layers.map((l) => l.name));
      const x = tf.randomNormal([5, ...shape], 0, 1, "float32", 1);
      const [want, got] = predictions(net, back, x);
      assert.deepEqual(got, want, "predictions identical");
      // The same through the IO handler, given the model.json path and a file:// prefix.
      const again = await tf.loadLayersModel(fileSystem(`file://${path.join(dir, "model.json")}`));
      assert.deepEqual(predictions(net, again, x)[1], want);
      // Saving again over it replaces it.
      await net.save(fileSystem(dir));
      assert.deepEqual(fs.readdirSync(dir).sort(), ["model.json", "weights.bin"]);
      tf.dispose(x);
      for (const m of [net, back, again]) m.dispose();
    }
    assert.equal(tf.memory().numTensors, tensors);
  });

  test("a hand-written converter-style model.json with two groups and three shards loads, split mid-weight", async () => {
    const net = cnn();
    const dir = temp.make("antitrain-shards-");
    const topology = net.toJSON(null, false);
    const named = net.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
    const { data, specs } = await tf.io.encodeWeights(named);
    const bytes = new Uint8Array(data as ArrayBuffer);
    // Group 1: conv kernel and bias (2 × 4 × 9 × 4 bytes + 16) in two shards cut inside the kernel; group 2: the rest.
    const split = 4 * (3 * 3 * 2 * 4 + 4);
    fs.writeFileSync(path.join(dir, "group1-shard1of2.bin"), bytes.subarray(0, 100));
    fs.writeFileSync(path.join(dir, "group1-shard2of2.bin"), bytes.subarray(100, split));
    fs.writeFileSync(path.join(dir, "group2-shard1of1.bin"), bytes.subarray(split));
    const modelJson = {
      format: "layers-model",
      generatedBy: "keras v2.15.0",
      convertedBy: "TensorFlow.js Converter v4.22.0",
      // As tensorflowjs_converter --input_format keras writes it: the Keras config under model_config.
      modelTopology: { keras_version: "2.15.0", backend: "tensorflow", model_config: topology },
      weightsManifest: [
        { paths: ["group1-shard1of2.bin", "group1-shard2of2.bin"], weights: specs.slice(0, 2) },
        { paths: ["group2-shard1of1.bin"], weights: specs.slice(2) },
      ],
    };
    fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify(modelJson));
    const back = await at.loadModel(dir);
    const x = tf.randomNormal([3, 6, 6, 2], 0, 1, "float32", 2);
    const [want, got] = predictions(net, back, x);
    assert.deepEqual(got, want);
    // It is a model like any other: wrapped, measured.
    const model = at.fromLayersModel(back);
    assert.deepEqual(model.sites().map((s) => s.name), ["conv", "bn", "relu", "pool", "flat"]);
    tf.dispose(x);
    back.dispose();
    net.dispose();
  });

  test("clear errors: no folder, no model.json, a missing or truncated shard, a damaged weights.bin, bad JSON, a graph model, a shard outside the folder", async () => {
    const tensors = tf.memory().numTensors;
    const root = temp.make("antitrain-errors-");
    await rejectsWith(() => at.loadModel(path.join(root, "nowhere")), /no model at ".*nowhere[/\\]model.json": the folder ".*nowhere" does not exist.*tensorflowjs_converter/);
    await rejectsWith(() => at.loadModel(root), /the folder ".*" has no model.json/);

    const net = functional();
    const dir = path.join(root, "saved");
    await at.saveModel(net, dir);
    const weights = path.join(dir, "weights.bin");
    const good = fs.readFileSync(weights);
    fs.rmSync(weights);
    await rejectsWith(() => at.loadModel(dir), /weight file ".*weights.bin" that ".*model.json" lists is missing/);
    const damaged = Buffer.from(good);
    damaged[7] ^= 0xff;
    fs.writeFileSync(weights, damaged);
    await rejectsWith(() => at.loadModel(dir), /does not match the checksum/);

    const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
    const write = (value: unknown) => fs.writeFileSync(path.join(dir, "model.json"), typeof value === "string" ? value : JSON.stringify(value));
    // A converter's model.json has no checksum: a truncated shard is caught by its size.
    write({ ...json, weightsSha256: undefined });
    fs.writeFileSync(weights, good.subarray(0, good.length - 4));
    await rejectsWith(() => at.loadModel(dir), /weight files "weights.bin" hold \d+ bytes, but ".*" describes \d+ bytes/);
    fs.writeFileSync(weights, good);
    write('{"modelTopology": {');
    await rejectsWith(() => at.loadModel(dir), /is not valid JSON/);
    write({ weightsManifest: json.weightsManifest });
    await rejectsWith(() => at.loadModel(dir), /has no modelTopology/);
    write({ ...json, format: "graph-model", modelTopology: { node: [] } });
    await rejectsWith(() => at.loadModel(dir), /graph model.*--output_format tfjs_layers_model/);
    write({ ...json, weightsManifest: [{ paths: ["../weights.bin"], weights: json.weightsManifest[0].weights }] });
    await rejectsWith(() => at.loadModel(dir), /outside the model's folder/);

    await rejectsWith(() => at.saveModel(null as unknown as tf.LayersModel, dir), /needs a tf.LayersModel/);
    await rejectsWith(() => at.saveModel(net, path.join(dir, "model.json")), /takes a folder/);
    assert.throws(() => fileSystem(""), /folder path/);
    net.dispose();
    assert.equal(tf.memory().numTensors, tensors);
  });
});
