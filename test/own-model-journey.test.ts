// The "bring your own model" journey end to end, as the done-when states it: a functional model with a skip
// connection, a CNN on image input, and a saved-and-reloaded model each go through stats, importance, core, an
// Antitrainer run and compress, with checkModel passing, on the default backend.
import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { compressLayersModel } from "../lib/core/compress-layers";
import { snapshot } from "./helpers";
import { tempDirs } from "./temp";

const temp = tempDirs();
before(async () => {
  await at.ready({ quiet: true });
});
after(() => temp.remove());

const init = (seed: number) => tf.initializers.glorotNormal({ seed });

/** input[6] → h1 (relu 10) → h2 (relu 8) → add(h2, skip: dense 8 of the input) → out (dense 3). */
function skipMlp(): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  const h1 = tf.layers.dense({ units: 10, activation: "relu", name: "h1", kernelInitializer: init(1), biasInitializer: "ones" }).apply(input) as tf.SymbolicTensor;
  const h2 = tf.layers.dense({ units: 8, activation: "relu", name: "h2", kernelInitializer: init(2) }).apply(h1) as tf.SymbolicTensor;
  const skip = tf.layers.dense({ units: 8, name: "skip", kernelInitializer: init(3) }).apply(input) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: "sum" }).apply([h2, skip]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, name: "out", kernelInitializer: init(4) }).apply(sum) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** [8, 8, 1] images → conv1 (3×3 valid, relu, 6) → pool → conv2 (1×1 relu, 8) → flat → out (dense 3). */
function smallCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 6, kernelSize: 3, activation: "relu", name: "conv1", kernelInitializer: init(5), biasInitializer: "ones" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
      tf.layers.conv2d({ filters: 8, kernelSize: 1, activation: "relu", name: "conv2", kernelInitializer: init(6) }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, name: "out", kernelInitializer: init(7) }),
    ],
  });
}

/** A task the model can learn: the label is the argmax of three fixed sums of the input. */
function task(shape: number[], n: number, seed: number): at.Dataset {
  const x = tf.randomNormal([n, ...shape], 0, 1, "float32", seed);
  const y = tf.tidy(() => {
    const flat = tf.reshape(x, [n, -1]);
    const w = tf.randomNormal([flat.shape[1] as number, 3], 0, 1, "float32", seed + 1);
    return tf.cast(tf.argMax(tf.matMul(flat, w), 1), "int32");
  }) as tf.Tensor1D;
  return { x, y, classes: 3 };
}

/**
 * The whole journey on `net` at `site`: wrap, checkModel, train, stats, importance, core, an Antitrainer run, compress
 * to the core; the compressed model equals the mean-masked original and wraps again. Returns what it measured.
 */
function journey(net: tf.LayersModel, site: string, data: at.Dataset): { units: number; core: number; gap: number } {
  const model = at.fromLayersModel(net);
  const tensors = tf.memory().numTensors;
  const check = at.checkModel(model, data.x);
  assert.ok(check.ok, `checkModel: ${JSON.stringify(check)}`);
  const lossBefore = at.evaluate(model, data).loss;
  at.train(model, data, { steps: 60, batchSize: 32, learningRate: 1e-2, seed: 0 });
  assert.ok(at.evaluate(model, data).loss < lossBefore, "training lowered the loss");

  const stats = at.collectStats(model, site, data, { seed: 1 });
  const frozen = snapshot(model);
  const imp = at.importance(model, site, data, { stats, seed: 1 });
  const split = at.findCore(model, site, data, { stats, importance: imp, fraction: 0.9 });
  assert.deepEqual(snapshot(model), frozen, "measuring left the model unchanged");
  const units = imp.scores.length;
  assert.equal(split.core.length + split.spectators.length, units);
  assert.ok(imp.scores.every(Number.isFinite));

  const anti = new at.Antitrainer(model, [site], { schedule: at.interleaved(1, { cycle: 10 }), fraction: 0.9, data, seed: 2 });
  at.train(model, data, { steps: 20, batchSize: 32, seed: 3, onStep: (_, batch) => anti.afterStep(batch) });
  assert.ok(anti.history.length >= 2, "the antitrainer measured the site more than once");
  assert.ok(anti.antiSteps >= 20, `antitrain steps ran (${anti.antiSteps})`);
  const final = anti.splits.get(site) as at.CoreSplit;
  anti.dispose();

  const finalStats = at.collectStats(model, site, data, { seed: 4 });
  const small = compressLayersModel(model, site, final, { stats: finalStats });
  const wrapped = at.fromLayersModel(small);
  assert.equal(wrapped.sites().find((s) => s.name === site)?.units, final.core.length, "the compressed site keeps the core");
  assert.ok(at.checkModel(wrapped, data.x).ok, "checkModel passes on the compressed model");
  const keep = new Set(final.core);
  const gap = tf.tidy(() => {
    const kept = tf.tensor1d(Float32Array.from({ length: units }, (_, u) => (keep.has(u) ? 1 : 0)));
    const fill = tf.tensor1d(finalStats.mean.map((m, u) => (keep.has(u) ? 0 : m)));
    const masked = model.forward(data.x, { [site]: (a) => tf.add(tf.mul(a, kept), fill) });
    return tf.max(tf.abs(tf.sub(masked, wrapped.forward(data.x)))).dataSync()[0];
  });
  small.dispose();
  assert.ok(final.core.length >= 1 && final.core.length < units, `compression removed some units but not all (${final.core.length} of ${units}), so the equality check has teeth`);
  assert.equal(tf.memory().numTensors, tensors, "the journey left no tensor behind");
  return { units, core: final.core.length, gap };
}

describe("a user's own model through the whole journey (default backend)", () => {
  test("a functional MLP with an add skip: checkModel, train, stats, importance, core, Antitrainer, compress h1", () => {
    const net = skipMlp();
    const data = task([6], 96, 11);
    const r = journey(net, "h1", data);
    assert.ok(r.gap <= 1e-4, `compressed equals mean-masked within 1e-4 (gap ${r.gap})`);
    at.disposeDataset(data);
    net.dispose();
  });

  test("a CNN on [n, 8, 8, 1] images: the same journey at conv1 (channels are the units)", () => {
    const net = smallCnn();
    const data = task([8, 8, 1], 96, 21);
    const r = journey(net, "conv1", data);
    assert.equal(r.units, 6);
    assert.ok(r.gap <= 1e-4, `compressed equals mean-masked within 1e-4 (gap ${r.gap})`);
    at.disposeDataset(data);
    net.dispose();
  });

  test("a CNN saved with saveModel and reloaded with loadModel: predictions equal, then the same journey at conv2", async () => {
    const net = smallCnn();
    const data = task([8, 8, 1], 96, 31);
    const dir = `${temp.make("journey-")}/cnn`;
    await at.saveModel(net, dir);
    const reloaded = await at.loadModel(dir);
    const same = tf.tidy(() => tf.max(tf.abs(tf.sub(net.predict(data.x) as tf.Tensor, reloaded.predict(data.x) as tf.Tensor))).dataSync()[0]);
    assert.equal(same, 0, "the reloaded model predicts exactly as the saved one");
    const r = journey(reloaded, "conv2", data);
    assert.equal(r.units, 8);
    assert.ok(r.gap <= 1e-4, `compressed equals mean-masked within 1e-4 (gap ${r.gap})`);
    at.disposeDataset(data);
    reloaded.dispose();
    net.dispose();
  });
});
