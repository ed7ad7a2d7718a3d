import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertUnchanged, snapshot } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/** conv (3 filters, 2×2) → [avg pooling] → flatten → dense 2, on 4×4×1 images; weights set by the caller or seeded. */
function tinyCnn(options: { pool?: boolean; seed?: number } = {}): tf.LayersModel {
  const init = tf.initializers.glorotUniform({ seed: options.seed ?? 0 });
  const net = tf.sequential();
  net.add(tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 3, kernelSize: 2, activation: "relu", kernelInitializer: init, name: "conv" }));
  if (options.pool) net.add(tf.layers.averagePooling2d({ poolSize: 3, name: "pool" }));
  net.add(tf.layers.flatten({ name: "flatten" }));
  net.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: (options.seed ?? 0) + 1 }), name: "out" }));
  return net;
}

/** Sets every weight of `net` to 0.1·(i + 1) − 0.5·(i odd) in row-major order: known values, both signs. */
function knownWeights(net: tf.LayersModel): Float32Array[] {
  const values = net.getWeights().map((w) => Float32Array.from({ length: w.size }, (_, i) => 0.1 * (i + 1) * (i % 2 === 1 ? -1 : 1)));
  net.setWeights(values.map((v, i) => tf.tensor(v, net.getWeights()[i].shape)));
  return values;
}

test("convGroupLasso is λ Σ_c sqrt(‖filter c‖² + b_c² + ‖next layer's rows of c‖²), read after a flatten as channel-fastest rows", () => {
  const net = tinyCnn();
  const [kernel, bias, dense] = knownWeights(net); // kernel [2,2,1,3], bias [3], dense [3·3·3 = 27, 2]
  const model = at.fromLayersModel(net);
  let expected = 0;
  const l1 = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let s = bias[c] ** 2;
    for (let i = c; i < kernel.length; i += 3) {
      s += kernel[i] ** 2;
      l1[c] += Math.abs(kernel[i]);
    }
    for (let row = c; row < 27; row += 3) for (let o = 0; o < 2; o++) s += dense[row * 2 + o] ** 2;
    expected += Math.sqrt(s);
  }
  const tensors = tf.memory().numTensors;
  const penalty = st.convGroupLasso(model, "conv", 0.01);
  const value = penalty(tf.zeros([1]));
  assert.ok(Math.abs(value.dataSync()[0] - 0.01 * expected) < 1e-6, `${value.dataSync()[0]} vs ${0.01 * expected}`);
  value.dispose();
  const zero = st.convGroupLasso(model, "conv", 0)(tf.zeros([1]));
  assert.equal(zero.dataSync()[0], 0);
  zero.dispose();
  const scores = st.channelScores(model, "conv", "l1");
  l1.forEach((v, c) => assert.ok(Math.abs(scores[c] - v) < 1e-5, `filter L1 of channel ${c}: ${scores[c]} vs ${v}`));
  const group = Array.from(st.channelScores(model, "conv", "group")).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(group - expected) < 1e-4, "the group scores sum to the unweighted penalty");
  assert.equal(tf.memory().numTensors, tensors + 2, "only the two tf.zeros inputs remain");
  model.dispose();
});

test("a conv reader (conv → pooling → conv) takes the reading kernel's input-channel slices; Σ group scores matches the penalty", () => {
  const net = tf.sequential();
  net.add(tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 2, activation: "relu", name: "c1" }));
  net.add(tf.layers.averagePooling2d({ poolSize: 2, name: "p1" }));
  net.add(tf.layers.conv2d({ filters: 3, kernelSize: 2, activation: "relu", name: "c2" }));
  net.add(tf.layers.flatten({ name: "f" }));
  net.add(tf.layers.dense({ units: 2, name: "out" }));
  const [k1, b1, k2] = knownWeights(net); // k1 [2,2,2,4], k2 [2,2,4,3]
  const model = at.fromLayersModel(net);
  const c = 1;
  let s = b1[c] ** 2;
  for (let i = c; i < k1.length; i += 4) s += k1[i] ** 2;
  for (let tap = 0; tap < 4; tap++) for (let o = 0; o < 3; o++) s += k2[(tap * 4 + c) * 3 + o] ** 2;
  const group = st.channelScores(model, "c1", "group");
  assert.ok(Math.abs(group[c] - Math.sqrt(s)) < 1e-5, `${group[c]} vs ${Math.sqrt(s)}`);
  model.dispose();
});

test("convGroupLasso and channelScores refuse what they cannot read, naming the fix", () => {
  const model = at.fromLayersModel(tinyCnn({ pool: true }));
  assert.throws(() => st.convGroupLasso(model, "pool", 1e-3), /made by a AveragePooling2D layer; name the Conv2D or Dense layer/);
  assert.throws(() => st.convGroupLasso(model, "nope", 1e-3), /unknown site "nope"/);
  assert.throws(() => st.convGroupLasso(model, "conv", -1), /lambda must be a finite number in \[0, Infinity\]/);
  assert.throws(() => st.channelScores(model, "conv", "l2" as st.ChannelScore), /score/);
  const input = tf.input({ shape: [4, 4, 1] });
  const a = tf.layers.conv2d({ filters: 2, kernelSize: 2, name: "a" }).apply(input) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([a, tf.layers.conv2d({ filters: 2, kernelSize: 2, name: "b" }).apply(input) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: "out" }).apply(tf.layers.flatten().apply(sum)) as tf.SymbolicTensor;
  const skip = at.fromLayersModel(tf.model({ inputs: input, outputs: out }));
  assert.throws(() => st.channelScores(skip, "a", "l1"), /needs one reading Conv2D or Dense layer/);
  model.dispose();
  skip.dispose();
});

/** 4×4×1 images of 3 classes: class c lights column c (plus noise); seeded. */
function images(n: number, seed: number): at.Dataset<tf.Tensor4D> {
  const rng = new at.Rng(seed);
  const x = new Float32Array(n * 16);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let p = 0; p < 16; p++) x[i * 16 + p] = 0.3 * rng.normal() + (p % 4 === y[i] ? 1 : 0);
  }
  return { x: tf.tensor4d(x, [n, 4, 4, 1]), y: tf.tensor1d(y, "int32"), classes: 3 };
}

function tinyNet(seed: number): tf.LayersModel {
  const net = tf.sequential();
  net.add(tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 6, kernelSize: 2, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed }), name: "conv" }));
  net.add(tf.layers.averagePooling2d({ poolSize: 3, name: "pool" }));
  net.add(tf.layers.flatten({ name: "flatten" }));
  net.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), name: "out" }));
  return net;
}

test("trainConvArm spends its update budget (antitrain steps counted), is seeded, and leaks nothing", () => {
  const data = images(60, 0);
  const base = at.fromLayersModel(tinyNet(0));
  const run = (method: st.ConvMethod, settings: st.MethodSettings) => {
    const m = at.fromLayersModel(tinyNet(0));
    m.layersModel.setWeights(base.layersModel.getWeights());
    const tensors = tf.memory().numTensors;
    const { updates } = st.trainConvArm(m, "conv", data, method, { updates: 12, settings, seed: 3, cycle: 3, batchSize: 16 });
    assert.equal(tf.memory().numTensors, tensors, `${method} leaked`);
    const w = snapshot(m);
    m.dispose();
    return { updates, w };
  };
  const plain = run("plain", {});
  const lasso = run("group-lasso", { lambda: 0.1 });
  const anti = run("antitrain", { fraction: 0.5 });
  assert.deepEqual([plain.updates, lasso.updates, anti.updates], [12, 12, 12]);
  assert.notDeepEqual(lasso.w, plain.w, "the penalty changes the training");
  assert.notDeepEqual(anti.w, plain.w);
  assert.deepEqual(run("antitrain", { fraction: 0.5 }).w, anti.w, "seeded: the same call gives the same model");
  assert.deepEqual(run("group-lasso", { lambda: 0 }).w, plain.w, "λ = 0 is plain training");
  assert.throws(() => run("antitrain", {}), /needs settings.fraction/);
  assert.throws(() => run("group-lasso", { fraction: 0.5 }), /unknown option "fraction"/);
  assert.throws(() => run("slimming" as st.ConvMethod, {}), /method/);
  base.dispose();
  tf.dispose([data.x, data.y]);
});

test("convChannelOrder ranks every channel once and leaves the model unchanged", () => {
  const data = images(45, 1);
  const model = at.fromLayersModel(tinyNet(1));
  at.train(model, data, { steps: 10, batchSize: 15, seed: 0 });
  const before = snapshot(model);
  const tensors = tf.memory().numTensors;
  for (const order of st.CONV_ORDERS) {
    const ranking = st.convChannelOrder(model, "conv", data, order, { seed: 0 });
    assert.deepEqual([...ranking].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5], order);
  }
  const l1 = st.channelScores(model, "conv", "l1");
  const byL1 = st.convChannelOrder(model, "conv", data, "filter-l1", { seed: 0 });
  for (let i = 1; i < byL1.length; i++) assert.ok(l1[byL1[i - 1]] >= l1[byL1[i]], "filter-l1 is descending filter L1");
  assert.equal(tf.memory().numTensors, tensors);
  assertUnchanged(model, before, "convChannelOrder");
  model.dispose();
  tf.dispose([data.x, data.y]);
});

test("the conv study: every arm, the same budget, every width; cut networks equal the mean-masked ones; summary paired against antitrain", () => {
  const train = images(90, 2);
  const validation = images(45, 3);
  const test = images(45, 4);
  const setup: st.ConvStudySetup = {
    build: tinyNet, train, validation, test, site: "conv", pretrain: 40, updates: 8, cycle: 2, finetune: 3, keep: [2, 4],
    tolerance: 0.01, batchSize: 15, measureSize: 45, spatial: "whole-map",
  };
  const tensors = tf.memory().numTensors;
  const chosen = { antitrain: { fraction: 0.5 }, "group-lasso": { lambda: 1e-2 } };
  const seeds = [0, 1].map((seed) => st.runConvCompressionSeed(setup, chosen, seed));
  assert.equal(tf.memory().numTensors, tensors, "the study freed every model and tensor it made");
  for (const r of seeds) {
    assert.equal(r.width, 6);
    assert.deepEqual(r.curves.map((c) => c.arm), st.CONV_ARMS.map((a) => a.name));
    for (const c of r.curves) {
      assert.equal(c.updates, 8, c.arm);
      assert.deepEqual(c.points.map((p) => p.k), [2, 4]);
      assert.ok(c.core95 !== undefined && c.core95 >= 0 && c.core95 <= 6 && Number.isFinite(c.fullDamage), `${c.arm}: core ${c.core95}, full damage ${c.fullDamage}`);
      for (const p of c.points) {
        assert.ok(p.maskedDiff < 1e-5, `${c.arm} k=${p.k}: compressed vs mean-masked ${p.maskedDiff}`);
        assert.ok(p.params < r.denseParams);
      }
    }
    const plainCurves = r.curves.filter((c) => c.arm.startsWith("plain"));
    assert.equal(plainCurves[0].core95, plainCurves[1].core95, "both plain arms cut the same trained model");
  }
  const again = st.runConvCompressionSeed(setup, chosen, 1);
  assert.deepEqual(again, seeds[1], "seeded");
  const { summary, headline } = st.summarizeConvCompression(seeds, { tolerance: 0.01, refK: 2 });
  assert.deepEqual(summary.map((s) => s.arm), st.CONV_ARMS.map((a) => a.name));
  assert.deepEqual(summary[0].diff, { mean: 0, low: 0, high: 0, n: 2 });
  for (const s of summary) {
    const perSeed = seeds.map((r) => {
      const ok = (r.curves.find((c) => c.arm === s.arm) as st.ConvStudyCurve).points.filter((p) => p.valAfter >= r.denseVal - 0.01).map((p) => p.k);
      return ok.length > 0 ? Math.min(...ok) : 6;
    });
    assert.deepEqual(s.perSeed, perSeed, `${s.arm}: the fewest channels within 1 point, per seed`);
  }
  assert.ok(st.CONV_ARMS.some((a) => headline.startsWith(a.name)), headline);
  const rows = st.tuneConvCompressionSeed(setup, { antitrain: [{ fraction: 0.5 }, { fraction: 0.3 }], "group-lasso": [{ lambda: 1e-2 }] }, 100);
  assert.deepEqual(rows.map((r) => [r.method, r.settings]), [["antitrain", { fraction: 0.5 }], ["antitrain", { fraction: 0.3 }], ["group-lasso", { lambda: 1e-2 }]]);
  assert.equal(st.chooseSettings({ antitrain: [{ fraction: 0.5 }, { fraction: 0.3 }], "group-lasso": [{ lambda: 1e-2 }] }, rows).table.length, 3);
  assert.equal(tf.memory().numTensors, tensors);
  assert.throws(() => st.runConvCompressionSeed({ ...setup, keep: [6] }, chosen, 0), /keep's channel counts must be integers in \[1, 5\]/);
  assert.throws(() => st.runConvCompressionSeed({ ...setup, epochs: 3 } as st.ConvStudySetup, chosen, 0), /unknown option "epochs"/);
  assert.throws(() => st.runConvCompressionSeed(setup, { antitrain: { fraction: 0.5 } }, 0), /chosen has no settings for "group-lasso"/);
  assert.throws(() => st.tuneConvCompressionSeed(setup, { slimming: [{ lambda: 1 }] }, 0), /no conv arm is tuned as "slimming"/);
  assert.equal(tf.memory().numTensors, tensors, "nothing leaked by the refused calls");
  tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]);
});
