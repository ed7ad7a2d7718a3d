/**
 * Issue 27, case 3: a model.json whose topology disagrees with its weights manifest is refused by loadModel before
 * any weight is loaded, naming the file and the layer, with no tensor leaked; a custom layer tfjs does not know is
 * named with the fix.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { tempDirs } from "./temp";

const temp = tempDirs();
let dir = "";

before(async () => {
  await at.ready({ quiet: true });
  dir = temp.make("antitrain-topology-");
});
after(() => temp.remove());

/** Saves a small dense model to a new folder and returns the folder and its parsed model.json. */
async function saved(name: string): Promise<{ folder: string; json: { modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } } }> {
  const net = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [5], units: 4, activation: "relu", name: "hidden" }),
      tf.layers.dense({ units: 3, name: "out" }),
    ],
  });
  const folder = path.join(dir, name);
  await at.saveModel(net, folder);
  net.dispose();
  return { folder, json: JSON.parse(fs.readFileSync(path.join(folder, "model.json"), "utf8")) };
}

/** Asserts loadModel(folder) rejects with an AntitrainError matching `re`, leaving no tensor behind. */
async function refusesLoad(folder: string, re: RegExp): Promise<void> {
  const tensors = tf.memory().numTensors;
  await assert.rejects(at.loadModel(folder), (e: Error) => {
    assert.ok(e instanceof at.AntitrainError, `${e.name}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
  assert.equal(tf.memory().numTensors, tensors, `leaked ${tf.memory().numTensors - tensors} tensors`);
}

test("an unedited model loads, predicts as saved, and leaves only its own weights behind", async () => {
  const { folder } = await saved("plain");
  const tensors = tf.memory().numTensors;
  const net = await at.loadModel(folder);
  assert.equal(tf.memory().numTensors - tensors, net.weights.length, "one tensor per weight");
  const y = tf.tidy(() => Array.from((net.predict(tf.ones([1, 5])) as tf.Tensor).dataSync()));
  assert.equal(y.length, 3);
  assert.ok(y.every(Number.isFinite));
  net.dispose();
  assert.equal(tf.memory().numTensors, tensors);
});

test("a layer's width edited in model.json: refused naming the file, the layer and both shapes", async () => {
  const { folder, json } = await saved("wider");
  json.modelTopology.config.layers[0].config.units = 5; // weights.bin (and its checksum) still hold 4 units
  fs.writeFileSync(path.join(folder, "model.json"), JSON.stringify(json));
  const file = path.join(folder, "model.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  await refusesLoad(folder, new RegExp(`^"${file}": layer "hidden" needs its weight "hidden/kernel" of shape \\[5, 5\\] but the weights manifest gives \\[5, 4\\]: the topology in model\\.json disagrees with its weights .*save or convert the model again`));
});

test("a bias removed in model.json, a weight renamed in the manifest: refused naming the layer or the weight", async () => {
  const { folder, json } = await saved("nobias");
  json.modelTopology.config.layers[1].config.use_bias = false;
  fs.writeFileSync(path.join(folder, "model.json"), JSON.stringify(json));
  await refusesLoad(folder, /the weights manifest lists "out\/bias", which no layer of the topology has/);

  const renamed = await saved("renamed");
  const raw = JSON.parse(fs.readFileSync(path.join(renamed.folder, "model.json"), "utf8"));
  raw.weightsManifest[0].weights[0].name = "hidden/kernal";
  fs.writeFileSync(path.join(renamed.folder, "model.json"), JSON.stringify(raw));
  await refusesLoad(renamed.folder, /layer "hidden" has the weight "hidden\/kernel" \[5, 4\], which the weights manifest does not list/);
});

test("a custom layer tfjs does not know is named with the fix", async () => {
  const { folder, json } = await saved("custom");
  json.modelTopology.config.layers[1].class_name = "MyFancyDense";
  fs.writeFileSync(path.join(folder, "model.json"), JSON.stringify(json));
  await refusesLoad(folder, /uses the layer "MyFancyDense", which this TensorFlow\.js does not know: register its class with tf\.serialization\.registerClass\(MyFancyDense\) before loading/);
});
