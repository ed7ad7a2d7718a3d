import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { type CompressLayersOptions, compressLayersModel } from "../lib/core/compress-layers";
import { assertAntitrainError, invariant, snapshot } from "./helpers";
import { tempDirs } from "./temp";

let backendBefore = "";
const temp = tempDirs();
before(async () => {
  await at.ready({ quiet: true });
  backendBefore = tf.getBackend();
});
after(() => temp.remove());

const init = (seed: number) => tf.initializers.glorotNormal({ seed });

/** Random inputs of any shape, and labels, as a Dataset (`Dataset.x` may have any rank). */
function randomData(shape: number[], n: number, classes: number, seed: number): at.Dataset {
  const rng = new at.Rng(seed);
  const x = tf.randomNormal([n, ...shape], 0, 1, "float32", seed);
  const y = tf.tensor1d(Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * classes)), "int32");
  return { x, y, classes };
}

/** Gives a batch normalization layer moving statistics and an affine map far from the identity. */
function perturbBatchNorm(layer: tf.layers.Layer, seed: number): void {
  tf.tidy(() => {
    const [gamma, beta, mean, variance] = layer.getWeights();
    const r = (s: number) => tf.randomUniform(gamma.shape, -1, 1, "float32", seed + s);
    layer.setWeights([tf.add(gamma, r(0)), tf.add(beta, r(1)), tf.add(mean, r(2)), tf.add(variance, tf.abs(r(3)))]);
  });
}

/** x[5] → h1 (dense 8, relu) → bn → h2 (dense 6, relu) → out (dense 3). */
function sequentialMlp(): tf.LayersModel {
  const net = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [5], units: 8, activation: "relu", name: "h1", kernelInitializer: init(1), biasInitializer: "ones" }),
      tf.layers.batchNormalization({ name: "bn" }),
      tf.layers.dense({ units: 6, activation: "relu", name: "h2", kernelInitializer: init(2), biasInitializer: "ones" }),
      tf.layers.dense({ units: 3, name: "out", kernelInitializer: init(3) }),
    ],
  });
  perturbBatchNorm(net.getLayer("bn"), 10);
  return net;
}

/** input[5] → d1 (relu 6) → (a: tanh 4 | drop → b: relu 3) → cat → bn → out (softmax 3). */
function concatMlp(): tf.LayersModel {
  const input = tf.input({ shape: [5] });
  const d1 = tf.layers.dense({ units: 6, activation: "relu", name: "d1", kernelInitializer: init(1), biasInitializer: "ones" }).apply(input) as tf.SymbolicTensor;
  const a = tf.layers.dense({ units: 4, activation: "tanh", name: "a", kernelInitializer: init(2), biasInitializer: "ones" }).apply(d1) as tf.SymbolicTensor;
  const drop = tf.layers.dropout({ rate: 0.5, name: "drop" }).apply(d1) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 3, activation: "relu", name: "b", kernelInitializer: init(3), biasInitializer: "ones" }).apply(drop) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: "cat" }).apply([a, b]) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: "bn" }).apply(cat) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: init(4) }).apply(bn) as tf.SymbolicTensor;
  const net = tf.model({ inputs: input, outputs: out });
  perturbBatchNorm(net.getLayer("bn"), 20);
  return net;
}

/** [7, 7, 2] images → conv1 (3×3 valid, relu, 4) → conv2 (3×3 valid, relu, 5) → flat → out (dense 3). */
function convFlatCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [7, 7, 2], filters: 4, kernelSize: 3, activation: "relu", name: "conv1", kernelInitializer: init(1), biasInitializer: "ones" }),
      tf.layers.conv2d({ filters: 5, kernelSize: 3, activation: "relu", name: "conv2", kernelInitializer: init(2), biasInitializer: "ones" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, name: "out", kernelInitializer: init(3) }),
    ],
  });
}

/** [6, 6, 2] → c1 (3×3 same, 4) → bn → relu → pool → c2 (1×1, relu, 6) → gap → out (softmax 3). */
function poolingCnn(): tf.LayersModel {
  const net = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: "same", name: "c1", kernelInitializer: init(4) }),
      tf.layers.batchNormalization({ name: "bn" }),
      tf.layers.activation({ activation: "relu", name: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
      tf.layers.conv2d({ filters: 6, kernelSize: 1, activation: "relu", name: "c2", kernelInitializer: init(5), biasInitializer: "ones" }),
      tf.layers.globalAveragePooling2d({ name: "gap" }),
      tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: init(6) }),
    ],
  });
  perturbBatchNorm(net.getLayer("bn"), 30);
  return net;
}

/** [6, 6, 2] → s1 (3×3 same, relu, 3) → s2 (3×3 same, relu, 4) → gap → out (dense 2): a 'same' conv reads s1. */
function sameCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, padding: "same", activation: "relu", name: "s1", kernelInitializer: init(7), biasInitializer: "ones" }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu", name: "s2", kernelInitializer: init(8) }),
      tf.layers.globalAveragePooling2d({ name: "gap" }),
      tf.layers.dense({ units: 2, name: "out", kernelInitializer: init(9) }),
    ],
  });
}

/** [2, 6, 6] channels-first images → cf (3×3 valid, 4) → act (relu) → flat → out (dense 3). */
function channelsFirstCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [2, 6, 6], filters: 4, kernelSize: 3, dataFormat: "channelsFirst", name: "cf", kernelInitializer: init(10), biasInitializer: "ones" }),
      tf.layers.activation({ activation: "relu", name: "act" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, name: "out", kernelInitializer: init(11) }),
    ],
  });
}

/** Hooks that set every unit of `site` outside `keep` to `fill[u]` (units on the last axis, as hooks see them). */
function maskHooks(site: string, units: number, keep: readonly number[], fill: Float32Array): at.Hooks {
  const kept = Float32Array.from({ length: units }, (_, u) => (keep.includes(u) ? 1 : 0));
  const replaced = fill.map((m, u) => (keep.includes(u) ? 0 : m));
  return { [site]: (act) => tf.add(tf.mul(act, tf.tensor1d(kept)), tf.tensor1d(replaced)) };
}

/**
 * Compresses `site` of `net` to `keep` (with its mean stats, or none) and checks what the task asks: the new model
 * equals the mean-masked original within 1e-5 on random inputs, the original is unchanged, nothing leaks but the
 * new model's variables. Returns the new model.
 */
function checkCompression(net: tf.LayersModel, site: string, keep: number[], withStats = true): tf.LayersModel {
  const model = at.fromLayersModel(net);
  const shape = model.inputShape as number[];
  const data = randomData(shape, 64, model.classes, 5);
  const units = model.sites().find((s) => s.name === site)?.units as number;
  const stats = withStats ? at.collectStats(model, site, data) : undefined;
  const before = snapshot(model);
  const tensors = tf.memory().numTensors;
  const small = compressLayersModel(model, site, { core: keep }, stats === undefined ? {} : { stats });
  assert.equal(tf.memory().numTensors, tensors + small.weights.length, `${site}: only the new model's variables are new tensors`);
  assert.deepEqual(snapshot(model), before, `${site}: the original model is unchanged`);
  const wrapped = at.fromLayersModel(small);
  assert.equal(wrapped.sites().find((s) => s.name === site)?.units, keep.length, `${site}: ${keep.length} units left`);
  const x = tf.randomNormal([16, ...shape], 0, 1.5, "float32", 9);
  const diff = tf.tidy(() => {
    const masked = model.forward(x, maskHooks(site, units, keep, stats?.mean ?? new Float32Array(units)));
    const compressed = wrapped.forward(x);
    return tf.max(tf.abs(tf.sub(masked, compressed))).dataSync()[0];
  });
  assert.ok(diff <= 1e-5, `${site}: compressed differs from the mean-masked original by ${diff}`);
  // And it differs from the unmasked original, so the check has teeth.
  const change = tf.tidy(() => tf.max(tf.abs(tf.sub(model.forward(x), wrapped.forward(x)))).dataSync()[0]);
  assert.ok(change > 1e-3, `${site}: removing units changed nothing (${change}): the test would not see a wrong fold`);
  x.dispose();
  at.disposeDataset(data);
  return small;
}

/** The shape of a layer's weights in a model, by layer name. */
const shapes = (net: tf.LayersModel, layer: string) => net.getLayer(layer).weights.map((w) => w.shape);

describe("compressLayersModel on dense graphs", () => {
  test("a Sequential MLP: removing h1's units shrinks h1, the batch norm after it and h2's rows; also at h2 and at the batch-norm site", () => {
    const tensors = tf.memory().numTensors;
    const net = sequentialMlp();
    const small = checkCompression(net, "h1", [0, 2, 3, 6]);
    assert.deepEqual(shapes(small, "h1"), [[5, 4], [4]]);
    assert.deepEqual(shapes(small, "bn"), [[4], [4], [4], [4]]);
    assert.deepEqual(shapes(small, "h2"), [[4, 6], [6]]);
    assert.deepEqual(shapes(small, "out"), [[6, 3], [3]]);
    // The kept units' weights are the original's, the removed units' gone: h1's kernel columns 0, 2, 3, 6.
    const column = (m: tf.LayersModel, u: number) => tf.tidy(() => Array.from(tf.gather(m.getLayer("h1").getWeights()[0], [u], 1).dataSync()));
    assert.deepEqual(column(small, 1), column(net, 2));
    small.dispose();
    checkCompression(net, "h2", [1, 5]).dispose();
    const atNorm = checkCompression(net, "bn", [7, 1, 4]);
    assert.deepEqual(shapes(atNorm, "bn"), [[3], [3], [3], [3]]);
    atNorm.dispose();
    // Without stats, removed units count as 0 at the site (the batch norm after it still shifts them: folded too).
    checkCompression(net, "h1", [0, 1, 2], false).dispose();
    net.dispose();
    assert.equal(tf.memory().numTensors, tensors);
  });

  test("a functional MLP with a concatenate branch: a unit of one branch leaves its slice of the concatenation, its batch norm and the output's rows", () => {
    const tensors = tf.memory().numTensors;
    const net = concatMlp();
    const small = checkCompression(net, "a", [0, 3]);
    assert.deepEqual(shapes(small, "a"), [[6, 2], [2]]);
    assert.deepEqual(shapes(small, "bn"), [[5], [5], [5], [5]]);
    assert.deepEqual(shapes(small, "out"), [[5, 3], [3]]);
    // b's units keep their batch-norm entries: the last three of the original's seven.
    const tail = (m: tf.LayersModel, from: number) => Array.from(m.getLayer("bn").getWeights()[2].dataSync().slice(from));
    assert.deepEqual(tail(small, 2), tail(net, 4));
    small.dispose();
    // d1 is read by two layers (a directly, b through dropout): both get rows removed and a share of the fold.
    const d1 = checkCompression(net, "d1", [1, 2, 5]);
    assert.deepEqual([shapes(d1, "a")[0], shapes(d1, "b")[0]], [[3, 4], [3, 3]]);
    d1.dispose();
    checkCompression(net, "b", [2]).dispose();
    net.dispose();
    assert.equal(tf.memory().numTensors, tensors);
  });

  test("the compressed model predicts, trains with fit, saves and loads back, and is measured again through fromLayersModel", async () => {
    const net = sequentialMlp();
    const model = at.fromLayersModel(net);
    const data = randomData([5], 32, 3, 1);
    const stats = at.collectStats(model, "h1", data);
    const small = compressLayersModel(model, "h1", { core: [0, 1, 4] }, { stats });
    const before = snapshot(model);
    small.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
    const labels = tf.oneHot(data.y, 3);
    const weightsBefore = small.getWeights().map((w) => w.dataSync().slice());
    const history = await small.fit(data.x, labels, { epochs: 2, batchSize: 16, verbose: 0 });
    assert.ok((history.history.loss as number[]).every(Number.isFinite));
    assert.ok(small.getWeights().some((w, i) => w.dataSync().some((v, j) => v !== weightsBefore[i][j])), "fit changed the compressed model");
    assert.deepEqual(snapshot(model), before, "fitting the compressed model left the original unchanged");
    const dir = temp.make("antitrain-compressed-");
    await at.saveModel(small, dir);
    const back = await at.loadModel(dir);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(small.predict(data.x) as tf.Tensor, back.predict(data.x) as tf.Tensor))).dataSync()[0]);
    assert.equal(diff, 0, "saved and loaded predictions are identical");
    const again = at.fromLayersModel(back);
    assert.deepEqual(again.sites().map((s) => [s.name, s.units]), [["h1", 3], ["bn", 3], ["h2", 6]]);
    assert.equal(at.collectStats(again, "h1", data).mean.length, 3);
    tf.dispose(labels);
    at.disposeDataset(data);
    for (const m of [back, small, net]) m.dispose();
  });

  test("at.compress on a fromLayersModel wrapper returns a wrapped smaller model with the same options", () => {
    const net = sequentialMlp();
    const model = at.fromLayersModel(net, { sites: ["h1", "h2"] });
    const data = randomData([5], 32, 3, 2);
    const stats = at.collectStats(model, "h2", data);
    const small = at.compress(model, "h2", { core: [0, 2, 3] }, { stats }) as at.LayersHookedModel;
    assert.ok(small instanceof at.LayersHookedModel);
    assert.deepEqual(small.sites(), [{ name: "h1", units: 8 }, { name: "h2", units: 3 }]);
    assert.deepEqual(shapes(small.layersModel, "out"), [[3, 3], [3]]);
    small.dispose();
    at.disposeDataset(data);
    net.dispose();
  });
});

describe("compressLayersModel on convolutional models", () => {
  test("conv → conv (valid) and conv → flatten → dense: the filters, the next kernel's input channels or flattened rows, the fold", () => {
    const tensors = tf.memory().numTensors;
    const net = convFlatCnn();
    const small = checkCompression(net, "conv1", [1, 3]);
    assert.deepEqual(shapes(small, "conv1"), [[3, 3, 2, 2], [2]]);
    assert.deepEqual(shapes(small, "conv2"), [[3, 3, 2, 5], [5]]);
    small.dispose();
    const flat = checkCompression(net, "conv2", [0, 2, 4]);
    assert.deepEqual(shapes(flat, "conv2"), [[3, 3, 4, 3], [3]]);
    assert.deepEqual(shapes(flat, "out"), [[27, 3], [3]], "9 positions × 3 channels left of 9 × 5");
    flat.dispose();
    net.dispose();
    assert.equal(tf.memory().numTensors, tensors);
  });

  test("conv → batch norm → relu → max pool → 1×1 conv, and conv → global average pooling → dense; also at the relu and pool sites", () => {
    const tensors = tf.memory().numTensors;
    const net = poolingCnn();
    const small = checkCompression(net, "c1", [0, 2]);
    assert.deepEqual([shapes(small, "c1"), shapes(small, "bn")[0], shapes(small, "c2")[0]], [[[3, 3, 2, 2], [2]], [2], [1, 1, 2, 6]]);
    small.dispose();
    checkCompression(net, "relu", [1, 2, 3]).dispose();
    checkCompression(net, "pool", [3]).dispose();
    const gap = checkCompression(net, "c2", [0, 1, 5]);
    assert.deepEqual(shapes(gap, "out"), [[3, 3], [3]]);
    gap.dispose();
    checkCompression(net, "gap", [2, 4]).dispose();
    net.dispose();
    assert.equal(tf.memory().numTensors, tensors);
  });

  test("a channels-first conv → flatten → dense", () => {
    const net = channelsFirstCnn();
    const small = checkCompression(net, "cf", [0, 3]);
    assert.deepEqual(shapes(small, "out"), [[32, 3], [3]], "16 positions × 2 channels");
    small.dispose();
    net.dispose();
  });

  test("a 'same' conv reading removed channels: refused with stats (border positions see padding), exact without (relu channels removed as 0)", () => {
    const net = sameCnn();
    const model = at.fromLayersModel(net);
    const data = randomData([6, 6, 2], 32, 2, 3);
    const stats = at.collectStats(model, "s1", data);
    invariant(model, "same padding", () =>
      assertAntitrainError(() => compressLayersModel(model, "s1", { core: [0] }, { stats }), /"s2" \(Conv2D, padding "same", kernel \[3,3\]\).*differs between output positions.*padding "valid", a 1×1 kernel/),
    );
    checkCompression(net, "s1", [0, 2], false).dispose();
    checkCompression(net, "s2", [1, 2]).dispose(); // read through global average pooling: exact with stats
    at.disposeDataset(data);
    net.dispose();
  });

  test("the compressed CNN trains with fit (cpu backend: wasm has no conv gradients yet)", async () => {
    await tf.setBackend("cpu");
    try {
      const net = poolingCnn();
      const model = at.fromLayersModel(net);
      const data = randomData([6, 6, 2], 24, 3, 4);
      const small = compressLayersModel(model, "c2", { core: [1, 2] }, { stats: at.collectStats(model, "c2", data) });
      small.compile({ optimizer: tf.train.sgd(0.05), loss: "categoricalCrossentropy" });
      const labels = tf.oneHot(data.y, 3);
      const history = await small.fit(data.x, labels, { epochs: 1, batchSize: 12, verbose: 0 });
      assert.ok((history.history.loss as number[]).every(Number.isFinite));
      tf.dispose(labels);
      at.disposeDataset(data);
      small.dispose();
      net.dispose();
    } finally {
      await tf.setBackend(backendBefore);
    }
  });
});

describe("compressLayersModel refusals", () => {
  test("units tied through an add skip, a flatten site, units that reach the output, a layer that mixes them: clear reasons, no leaks, model unchanged", () => {
    const tensors = tf.memory().numTensors;
    const input = tf.input({ shape: [2] });
    const h = tf.layers.dense({ units: 3, activation: "relu", name: "h" }).apply(input) as tf.SymbolicTensor;
    const g = tf.layers.dense({ units: 3, name: "g" }).apply(h) as tf.SymbolicTensor;
    const s = tf.layers.add({ name: "s" }).apply([h, g]) as tf.SymbolicTensor;
    const skip = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: "o" }).apply(s) as tf.SymbolicTensor });
    const model = at.fromLayersModel(skip);
    invariant(model, "add at h", () => assertAntitrainError(() => compressLayersModel(model, "h", { core: [0] }), /units of "h".*meet "g" in layer "s" \(Add\).*dependency group/));
    invariant(model, "add at g", () => assertAntitrainError(() => compressLayersModel(model, "g", { core: [0] }), /units of "g".*meet "h" in layer "s" \(Add\)/));
    invariant(model, "add site", () => assertAntitrainError(() => compressLayersModel(model, "s", { core: [0] }), /made by an Add layer, not by a dense or convolution layer/));

    const cnn = at.fromLayersModel(convFlatCnn());
    invariant(cnn, "flatten", () => assertAntitrainError(() => compressLayersModel(cnn, "flat", { core: [0] }), /flatten's units are positions × channels/));

    const softmaxed = at.fromLayersModel(
      tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4, name: "hid" }), tf.layers.dense({ units: 2, name: "logits" }), tf.layers.activation({ activation: "softmax", name: "probs" })] }),
    );
    invariant(softmaxed, "output", () => assertAntitrainError(() => compressLayersModel(softmaxed, "logits", { core: [0] }), /reach the model's output through "probs"/));

    const reshaped = at.fromLayersModel(
      tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4, name: "hid" }), tf.layers.reshape({ targetShape: [2, 2], name: "re" }), tf.layers.flatten({ name: "fl" }), tf.layers.dense({ units: 2, name: "o" })] }),
    );
    invariant(reshaped, "reshape", () => assertAntitrainError(() => compressLayersModel(reshaped, "hid", { core: [0] }), /"re" \(Reshape\) reads its units/));

    // A maker whose output is also read past the site: those readers would lose the units unmasked.
    const forked = tf.input({ shape: [3] });
    const d = tf.layers.dense({ units: 4, name: "d" }).apply(forked) as tf.SymbolicTensor;
    const r = tf.layers.activation({ activation: "relu", name: "r" }).apply(d) as tf.SymbolicTensor;
    const both = tf.layers.concatenate({ name: "both" }).apply([d, r]) as tf.SymbolicTensor;
    const fork = at.fromLayersModel(tf.model({ inputs: forked, outputs: tf.layers.dense({ units: 2, name: "o2" }).apply(both) as tf.SymbolicTensor }));
    invariant(fork, "fork", () => assertAntitrainError(() => compressLayersModel(fork, "r", { core: [0] }), /layer "d" is also read by "both"/));
    for (const m of [model, cnn, softmaxed, reshaped, fork]) m.dispose();
    assert.equal(tf.memory().numTensors, tensors);
  });

  test("bad arguments: not a wrapped model, unknown site or option, empty or out-of-range core, stats of another site", () => {
    const net = sequentialMlp();
    const model = at.fromLayersModel(net);
    const data = randomData([5], 16, 3, 6);
    const h2 = at.collectStats(model, "h2", data);
    const mlp = at.mlp({ inputs: 5, hidden: [4], classes: 3, seed: 0 });
    const cases: [() => unknown, RegExp][] = [
      [() => compressLayersModel(mlp as unknown as at.LayersHookedModel, "h1", { core: [0] }), /takes a model wrapped by at.fromLayersModel.*at.compress/],
      [() => compressLayersModel(model, "h9", { core: [0] }), /unknown site "h9".*"h1", "bn", "h2"/],
      [() => compressLayersModel(model, "h1", { core: [0] }, { stat: h2 } as unknown as CompressLayersOptions), /unknown option "stat".*stats/],
      [() => compressLayersModel(model, "h1", { core: [] }), /core of "h1" is empty/],
      [() => compressLayersModel(model, "h1", { core: [0, 8] }), /core unit 8 is not in site "h1" \(0..7\)/],
      [() => compressLayersModel(model, "h1", { core: [0] }, { stats: h2 }), /collected at site "h2", not "h1"/],
      [() => compressLayersModel(model, "h1", { core: [0], site: "h2" }), /h2/],
    ];
    for (const [fn, pattern] of cases) invariant(model, String(pattern), () => assertAntitrainError(fn, pattern));
    at.disposeDataset(data);
    mlp.dispose();
    net.dispose();
  });
});
