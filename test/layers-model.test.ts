import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError, invariant, snapshot } from "./helpers";

// Conv models run on the cpu backend: wasm has no conv gradient kernels yet (checkModel and antitraining need them).
let backendBefore = "";
before(async () => {
  await at.ready({ quiet: true });
  backendBefore = tf.getBackend();
});

const failed = (report: at.ModelCheck) => report.items.filter((i) => !i.ok).map((i) => `${i.check}${i.site ? ` @${i.site}` : ""}: ${i.detail}`);

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** Random labelled data of any input shape (`Dataset.x` may have any rank). */
function randomData(shape: number[], n: number, classes: number, seed: number): at.Dataset {
  const rng = new at.Rng(seed);
  const x = tf.randomNormal([n, ...shape], 0, 1, "float32", seed);
  const y = tf.tensor1d(Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * classes)), "int32");
  return { x, y, classes };
}

/** x[2] → h (dense 3, relu) → g (dense 3) → s = add(h, g) → out (dense 2): a skip around g, weights set by hand. */
function skipModel(): tf.LayersModel {
  const input = tf.input({ shape: [2] });
  const h = tf.layers.dense({ units: 3, activation: "relu", name: "h" }).apply(input) as tf.SymbolicTensor;
  const g = tf.layers.dense({ units: 3, name: "g" }).apply(h) as tf.SymbolicTensor;
  const s = tf.layers.add({ name: "s" }).apply([h, g]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: "out" }).apply(s) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  tf.tidy(() => model.setWeights(SKIP_WEIGHTS.map(([values, shape]) => tf.tensor(values, shape))));
  return model;
}

const SKIP_WEIGHTS: [number[], number[]][] = [
  [[1, -0.5, 0.25, 0.5, 1, -1], [2, 3]],
  [[0.1, 0.2, -0.1], [3]],
  [[0.5, -1, 0.3, 0.2, 0.4, -0.6, -0.7, 0.1, 0.9], [3, 3]],
  [[0, 0.1, -0.2], [3]],
  [[1, -1, 0.5, 0.3, -0.4, 0.8], [3, 2]],
  [[0.05, -0.05], [2]],
];

/** The skip model in float64 JavaScript: logits of one example, with `change` editing h or g before use. */
function skipReference(x: number[], change: { site: "h" | "g"; unit: number; value: number }): number[] {
  const [[w1], [b1], [w2], [b2], [w3], [b3]] = SKIP_WEIGHTS;
  const dense = (v: number[], w: number[], b: number[], outs: number) =>
    Array.from({ length: outs }, (_, o) => v.reduce((sum, vi, i) => sum + vi * w[i * outs + o], b[o]));
  const h = dense(x, w1, b1, 3).map((v) => Math.max(0, v));
  if (change.site === "h") h[change.unit] = change.value;
  const g = dense(h, w2, b2, 3);
  if (change.site === "g") g[change.unit] = change.value;
  return dense(h.map((v, i) => v + g[i]), w3, b3, 2);
}

/** input[5] → d1 → (a | dropout → b) → concatenate → batch norm → out (softmax): branches, dropout, batch norm. */
function branchModel(): tf.LayersModel {
  const input = tf.input({ shape: [5] });
  const d1 = tf.layers.dense({ units: 6, activation: "relu", name: "d1", kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  const a = tf.layers.dense({ units: 4, activation: "tanh", name: "a", kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(d1) as tf.SymbolicTensor;
  const drop = tf.layers.dropout({ rate: 0.5, name: "drop" }).apply(d1) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 3, name: "b", kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }).apply(drop) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: "cat" }).apply([a, b]) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: "bn" }).apply(cat) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }).apply(bn) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** [6, 6, 2] images → conv1 (3 ch) → pool → conv2 (1×1, 4 ch) → flatten → out (softmax 3); channel 2 of conv1 is dead. */
function cnn(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, activation: "relu", name: "conv1", kernelInitializer: init(1), biasInitializer: "ones" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
      tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: "relu", name: "conv2", kernelInitializer: init(2) }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: init(3) }),
    ],
  });
  // Channel 2 of conv1: zero filter, bias −1, so relu makes it 0 on every input.
  const conv1 = model.getLayer("conv1");
  tf.tidy(() => {
    const [kernel] = conv1.getWeights();
    conv1.setWeights([tf.mul(kernel, tf.tensor1d([1, 1, 0])), tf.tensor1d([1, 1, -1])]);
  });
  return model;
}

/** [2, 6, 6] channels-first images → cf (conv, 3 ch) → act (relu) → pool → flatten → out (3). */
function channelsFirstCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [2, 6, 6], filters: 3, kernelSize: 3, dataFormat: "channelsFirst", name: "cf", kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }),
      tf.layers.activation({ activation: "relu", name: "act" }),
      tf.layers.maxPooling2d({ poolSize: 2, dataFormat: "channelsFirst", name: "cfpool" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, name: "out", kernelInitializer: tf.initializers.glorotNormal({ seed: 6 }) }),
    ],
  });
}

/** forward (as probabilities where the model ends in a softmax) vs model.predict. */
function predictDiff(net: tf.LayersModel, model: at.HookedModel, x: tf.Tensor, softmax: boolean): number {
  return tf.tidy(() => {
    const logits = model.forward(x);
    return maxDiff(softmax ? tf.softmax(logits) : logits, net.predict(x) as tf.Tensor);
  });
}

describe("fromLayersModel on dense graphs", () => {
  test("Sequential MLP, functional MLP with an add skip, branches with concatenate, dropout and batch norm: sites, predict, checkModel", () => {
    const tensors = tf.memory().numTensors;
    const seqNet = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [5], units: 7, activation: "relu", name: "hidden" }),
        tf.layers.dense({ units: 3, activation: "softmax", name: "out" }),
      ],
    });
    const cases: [tf.LayersModel, boolean, at.SiteInfo[]][] = [
      [seqNet, true, [{ name: "hidden", units: 7 }]],
      [skipModel(), false, [{ name: "h", units: 3 }, { name: "g", units: 3 }, { name: "s", units: 3 }]],
      [branchModel(), true, [{ name: "d1", units: 6 }, { name: "a", units: 4 }, { name: "drop", units: 6 }, { name: "b", units: 3 }, { name: "cat", units: 7 }, { name: "bn", units: 7 }]],
    ];
    for (const [net, softmax, sites] of cases) {
      const model = at.fromLayersModel(net);
      const width = net.inputs[0].shape[1] as number;
      const x = tf.randomNormal([6, width], 0, 1, "float32", 3);
      assert.deepEqual(model.sites(), sites);
      assert.equal(model.inputs, width);
      assert.equal(model.classes, net.outputs[0].shape[1]);
      assert.ok(predictDiff(net, model, x, softmax) <= 1e-6, `${net.name}: forward differs from predict`);
      const report = at.checkModel(model, x);
      assert.deepEqual(failed(report), [], net.name);
      assert.equal(report.items.filter((i) => i.site !== undefined && i.check !== "dense split").length, 6 * sites.length, "every site checked");
      // The dense split (low-rank path) is checked at every site that offers one.
      const offered = sites.filter((s) => {
        const cut = model.splitDense(s.name, x);
        cut?.dispose();
        return cut !== null;
      });
      assert.deepEqual(report.items.filter((i) => i.check === "dense split").map((i) => i.site), offered.map((s) => s.name), "dense split checked where offered");
      x.dispose();
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, tensors, "disposing the wrappers freed the models");
  });

  test("a zeroed unit through split/resume and through damage equals a float64 reference, also where the skip bypasses the site", () => {
    const model = at.fromLayersModel(skipModel());
    const rows = [[0.5, -1], [2, 0.3], [-0.7, 1.4], [1, 1]];
    const x = tf.tensor2d(rows);
    const labels = [0, 1, 1, 0];
    const data: at.Dataset = { x, y: tf.tensor1d(labels, "int32"), classes: 2 };
    for (const site of ["h", "g"] as const) {
      // resume from an activation with unit 1 set to 2.5 (g's split must carry h along the skip)
      const cut = model.split(site, x);
      const changed = tf.tidy(() => tf.add(tf.mul(cut.act, tf.tensor1d([1, 0, 1])), tf.tensor1d([0, 2.5, 0])));
      const got = invariant(model, `resume at ${site}`, () => tf.tidy(() => cut.resume(changed).arraySync())) as number[][];
      rows.forEach((r, i) => {
        const want = skipReference(r, { site, unit: 1, value: 2.5 });
        want.forEach((w, o) => assert.ok(Math.abs(got[i][o] - w) < 1e-5, `${site}: example ${i} logit ${o}: ${got[i][o]} vs ${w}`));
      });
      tf.dispose([changed]);
      cut.dispose();
      // damage with unit 1 zeroed, loss metric: the mean cross-entropy of the reference logits
      const result = invariant(model, `damage at ${site}`, () => at.damage(model, site, data, [[1]], { method: "zero", metric: "loss" })) as at.DamageResult;
      const ce = rows.map((r, i) => {
        const z = skipReference(r, { site, unit: 1, value: 0 });
        const m = Math.max(...z);
        return Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)) + m - z[labels[i]];
      });
      const want = ce.reduce((a, b) => a + b, 0) / ce.length;
      assert.ok(Math.abs(result.values[0] - want) < 1e-5, `${site}: damage loss ${result.values[0]} vs reference ${want}`);
    }
    // g's cut is bypassed by the skip: resume must use h from split, and only g's readers are downstream.
    const names = (site: string) => {
      const vars = new Set(model.downstreamVariables(site));
      return model.namedVariables().filter((v) => vars.has(v.variable)).map((v) => v.name.split("/")[0]);
    };
    assert.deepEqual(names("h"), ["g", "g", "out", "out"]);
    assert.deepEqual(names("g"), ["out", "out"]);
    assert.deepEqual(names("s"), ["out", "out"]);
    at.disposeDataset(data);
    model.dispose();
  });

  test("importance, findCore and an antitrain step run on a functional model; the step changes only downstream variables", () => {
    const net = branchModel();
    const model = at.fromLayersModel(net);
    const data = randomData([5], 48, 3, 7);
    const stats = at.collectStats(model, "d1", data);
    const imp = invariant(model, "importance", () => at.importance(model, "d1", data, { stats, seed: 1 })) as at.Importance;
    assert.equal(imp.scores.length, 6);
    assert.ok(imp.scores.every(Number.isFinite));
    const split = invariant(model, "findCore", () => at.findCore(model, "d1", data, { stats, importance: imp, fraction: 0.9 })) as at.CoreSplit;
    assert.equal(split.core.length + split.spectators.length, 6);
    const before = snapshot(model);
    const downstream = new Set(model.downstreamVariables("d1"));
    const optimizer = tf.train.sgd(0.1);
    const tensors = tf.memory().numTensors;
    at.antitrainStep(model, "d1", data, { split, stats, optimizer, seed: 0 });
    assert.equal(tf.memory().numTensors, tensors, "antitrainStep left no tensor");
    model.variables().forEach((v, i) => {
      const moved = v.dataSync().some((value, j) => value !== before[i][j]);
      if (!downstream.has(v)) assert.ok(!moved, `upstream variable ${model.namedVariables()[i].name} changed`);
    });
    assert.ok(model.variables().some((v, i) => v.dataSync().some((value, j) => value !== before[i][j])), "some downstream variable moved");
    optimizer.dispose();
    at.disposeDataset(data);
    model.dispose();
  });

  test("training: false runs dropout and batch norm in inference mode; true uses training mode only while gradients are recorded", () => {
    const net = branchModel();
    const bn = net.getLayer("bn");
    const movingMean = () => (bn.getWeights()[2] as tf.Tensor).dataSync().slice();
    const x = tf.randomNormal([16, 5], 0, 1, "float32", 11);
    const underTape = (model: at.HookedModel) => {
      let out = new Float32Array();
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.forward(x);
        out = logits.dataSync().slice() as Float32Array;
        return tf.sum(logits) as tf.Scalar;
      }, model.variables());
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    const inference = at.fromLayersModel(net);
    const plain = tf.tidy(() => inference.forward(x).dataSync().slice());
    const mean0 = movingMean();
    assert.deepEqual(underTape(inference), plain, "inference mode also under a gradient tape");
    assert.deepEqual(movingMean(), mean0, "batch norm's moving mean unchanged");
    const training = at.fromLayersModel(net, { training: true });
    assert.deepEqual(tf.tidy(() => training.forward(x).dataSync().slice()), plain, "no tape: inference mode");
    const trained = underTape(training);
    assert.ok(trained.some((v, i) => Math.abs(v - plain[i]) > 1e-4), "dropout and batch statistics under the tape");
    assert.ok(movingMean().some((v, i) => v !== mean0[i]), "batch norm updated its moving mean in training mode");
    x.dispose();
    net.dispose();
  });

  test("unitParameters: dense kernels around a site, through dropout and batch norm; a site a skip or merge reads is refused with the reason", () => {
    const net = skipModel();
    const model = at.fromLayersModel(net);
    assertAntitrainError(() => model.unitParameters("h"), /read by "g" and "s"/);
    assertAntitrainError(() => model.unitParameters("g"), /read by "s", an Add layer that merges it/);
    assertAntitrainError(() => model.unitParameters("s"), /made by an Add layer/);
    // Through dropout and batch norm: the dense kernels around them, and batch norm's gamma and beta as per-unit others.
    const input = tf.input({ shape: [3] });
    const p1 = tf.layers.dense({ units: 4, activation: "relu", name: "p" }).apply(input) as tf.SymbolicTensor;
    const pd = tf.layers.dropout({ rate: 0.2, name: "pd" }).apply(p1) as tf.SymbolicTensor;
    const pb = tf.layers.batchNormalization({ name: "pb" }).apply(pd) as tf.SymbolicTensor;
    const qOut = tf.layers.dense({ units: 2, name: "q" }).apply(pb) as tf.SymbolicTensor;
    const chain = at.fromLayersModel(tf.model({ inputs: input, outputs: qOut }));
    const [pKernel, pBias, gamma, beta, qKernel] = chain.variables();
    for (const site of ["p", "pd", "pb"]) {
      const c = chain.unitParameters(site);
      assert.deepEqual([c.into.variable, c.bias.variable, c.out.variable, c.units], [pKernel, pBias, qKernel, 4], site);
      assert.deepEqual(c.others.map((o) => o.variable), [gamma, beta], site);
    }
    chain.dispose();
    // A Sequential MLP site works with the dense-only helpers (magnitude-style weights)
    const seq = at.fromLayersModel(
      tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5, activation: "relu", name: "hid" }), tf.layers.dense({ units: 2, name: "o" })] }),
    );
    const q = seq.unitParameters("hid");
    assert.deepEqual([q.into.variable.shape, q.into.axis, q.bias.variable.shape, q.out.variable.shape, q.out.axis], [[4, 5], 1, [5], [5, 2], 0]);
    assert.deepEqual([q.into.variable, q.bias.variable, q.out.variable], seq.variables().slice(0, 3));
    seq.dispose();
    model.dispose();
  });
});

describe("fromLayersModel on convolutional models (cpu backend)", () => {
  before(async () => {
    await tf.setBackend("cpu");
  });
  after(async () => {
    await tf.setBackend(backendBefore);
  });

  test("a channels-last CNN on [n, 6, 6, 2] images: sites are channels, forward equals predict, checkModel passes", () => {
    const net = cnn();
    const model = at.fromLayersModel(net);
    assert.deepEqual(model.sites(), [{ name: "conv1", units: 3 }, { name: "pool", units: 3 }, { name: "conv2", units: 4 }, { name: "flat", units: 16 }]);
    assert.deepEqual([model.inputs, model.inputShape], [72, [6, 6, 2]]);
    const x = tf.randomNormal([4, 6, 6, 2], 0, 1, "float32", 2);
    assert.ok(predictDiff(net, model, x, true) <= 1e-6);
    assert.deepEqual(failed(at.checkModel(model, x)), []);
    const p = model.unitParameters("conv1");
    assert.deepEqual([p.into.variable.shape, p.into.axis, p.out.variable.shape, p.out.axis], [[3, 3, 2, 3], 3, [1, 1, 3, 4], 2]);
    assertAntitrainError(() => model.unitParameters("conv2"), /flatten layer \("flat"\) mixes the units with positions/);
    x.dispose();
    model.dispose();
  });

  test("importance and findCore on image data: the dead channel has damage exactly 0; no leaks, model unchanged", () => {
    const model = at.fromLayersModel(cnn());
    const data = randomData([6, 6, 2], 40, 3, 4);
    const stats = at.collectStats(model, "conv1", data);
    assert.equal(stats.mean.length, 3);
    const imp = invariant(model, "importance", () => at.importance(model, "conv1", data, { stats, seed: 0 })) as at.Importance;
    assert.equal(imp.scores[2], 0, "a dead channel carries nothing");
    assert.ok(imp.scores[0] !== 0 || imp.scores[1] !== 0, "the live channels matter");
    const split = invariant(model, "findCore", () => at.findCore(model, "conv1", data, { stats, importance: imp })) as at.CoreSplit;
    assert.ok(!split.core.includes(2), "the dead channel is a spectator");
    const flat = at.collectStats(model, "flat", data);
    assert.ok(Array.from((invariant(model, "importance flat", () => at.importance(model, "flat", data, { stats: flat, seed: 0 })) as at.Importance).scores).every(Number.isFinite));
    at.disposeDataset(data);
    model.dispose();
  });

  test("at.train (training: true) and an Antitrainer on a CNN with batch norm and dropout, on image data; no tensor left", () => {
    const net = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 4, kernelSize: 3, activation: "relu", name: "conv", kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
        tf.layers.batchNormalization({ name: "bn" }),
        tf.layers.dropout({ rate: 0.2, name: "drop" }),
        tf.layers.flatten({ name: "flat" }),
        tf.layers.dense({ units: 3, name: "out", kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
      ],
    });
    const x = tf.randomNormal([96, 6, 6, 1], 0, 1, "float32", 1);
    const y = tf.tidy(() => tf.cast(tf.argMax(tf.sum(tf.reshape(x, [96, 3, 12]), 2), 1), "int32")) as tf.Tensor1D;
    const data: at.Dataset = { x, y, classes: 3 };
    const model = at.fromLayersModel(net);
    const tensors = tf.memory().numTensors;
    const before = at.evaluate(model, data).loss;
    at.train(at.fromLayersModel(net, { training: true }), data, { steps: 40, batchSize: 32, learningRate: 1e-2, seed: 0 });
    const after = at.evaluate(model, data).loss;
    assert.ok(after < 0.8 * before, `training lowered the loss: ${before} → ${after}`);
    const anti = new at.Antitrainer(model, ["conv"], { schedule: at.interleaved(1, { cycle: 10 }), fraction: 0.5, data });
    at.train(model, data, { steps: 20, batchSize: 32, seed: 1, onStep: (_, batch) => anti.afterStep(batch) });
    assert.ok(anti.history.length >= 1, "the antitrainer measured the conv site");
    anti.dispose();
    assert.equal(tf.memory().numTensors, tensors);
    at.disposeDataset(data);
    model.dispose();
  });

  test("channelsFirst: the channel axis (1) is the unit axis, seen channels-last by hooks and split; checkModel passes", () => {
    const net = channelsFirstCnn();
    const model = at.fromLayersModel(net);
    assert.deepEqual(model.sites(), [{ name: "cf", units: 3 }, { name: "act", units: 3 }, { name: "cfpool", units: 3 }, { name: "flat", units: 12 }]);
    const x = tf.randomNormal([3, 2, 6, 6], 0, 1, "float32", 8);
    assert.ok(predictDiff(net, model, x, false) <= 1e-6);
    const cut = model.split("cf", x);
    const raw = tf.tidy(() => tf.transpose(net.getLayer("cf").apply(x) as tf.Tensor, [0, 2, 3, 1]));
    assert.deepEqual(cut.act.shape, [3, 4, 4, 3]);
    assert.equal(maxDiff(cut.act, raw), 0, "split's act is the conv output with channels last");
    // Zeroing unit 1 by a hook zeroes channel 1 of the channels-first tensor, and nothing else.
    const keep = tf.tensor1d([1, 0, 1]);
    const viaHook = model.forward(x, { cf: (a) => tf.mul(a, keep) });
    const byHand = tf.tidy(() => {
      const zeroed = tf.mul(net.getLayer("cf").apply(x) as tf.Tensor, tf.reshape(keep, [1, 3, 1, 1]));
      let h = zeroed;
      for (const name of ["act", "cfpool", "flat", "out"]) h = net.getLayer(name).apply(h) as tf.Tensor;
      return h;
    });
    assert.ok(maxDiff(viaHook, byHand) < 1e-6);
    assert.deepEqual(failed(at.checkModel(model, x)), []);
    tf.dispose([raw, keep, viaHook, byHand]);
    cut.dispose();
    x.dispose();
    model.dispose();
  });
});

describe("fromLayersModel refuses what it cannot wrap, naming the fix", () => {
  test("several inputs or outputs, an unbuilt model, a non-logit output, a shared layer, bad options", () => {
    const tensors = tf.memory().numTensors;
    const a = tf.input({ shape: [3] });
    const b = tf.input({ shape: [3] });
    const added = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
    const twoIn = tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 2 }).apply(added) as tf.SymbolicTensor });
    assertAntitrainError(() => at.fromLayersModel(twoIn), /one input; this one has 2.*concatenate them/);
    const c = tf.input({ shape: [3] });
    const hidden = tf.layers.dense({ units: 4 }).apply(c) as tf.SymbolicTensor;
    const twoOut = tf.model({ inputs: c, outputs: [tf.layers.dense({ units: 2 }).apply(hidden) as tf.SymbolicTensor, tf.layers.dense({ units: 2 }).apply(hidden) as tf.SymbolicTensor] });
    assertAntitrainError(() => at.fromLayersModel(twoOut), /one output \(the logits\); this one has 2/);
    assertAntitrainError(() => at.fromLayersModel(tf.sequential()), /not built yet: give its first layer an inputShape/);
    const convOut = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, name: "c" }), tf.layers.conv2d({ filters: 2, kernelSize: 1 })] });
    assertAntitrainError(() => at.fromLayersModel(convOut), /output is \[batch, 2, 2, 2\]: end it with a dense layer/);
    const d = tf.input({ shape: [3] });
    const shared = tf.layers.dense({ units: 3, name: "shared" });
    const twice = shared.apply(shared.apply(d)) as tf.SymbolicTensor;
    const sharedNet = tf.model({ inputs: d, outputs: tf.layers.dense({ units: 2 }).apply(twice) as tf.SymbolicTensor });
    assertAntitrainError(() => at.fromLayersModel(sharedNet), /"shared" is called twice.*separate layers/);
    const net = skipModel();
    assertAntitrainError(() => at.fromLayersModel(net, { site: ["h"] } as at.FromLayersModelOptions), /unknown option "site".*sites, training/);
    assertAntitrainError(() => at.fromLayersModel(net, { training: "yes" } as unknown as at.FromLayersModelOptions), /training must be true or false/);
    assertAntitrainError(() => at.fromLayersModel(net, { sites: ["hh"] }), /no layer "hh"; its sites are "h", "g", "s"/);
    assertAntitrainError(() => at.fromLayersModel(net, { sites: ["out"] }), /"out" is the model's output/);
    assertAntitrainError(() => at.fromLayersModel(null as unknown as tf.LayersModel), /needs a tf.LayersModel/);
    assert.deepEqual(at.fromLayersModel(net, { sites: ["g"] }).sites(), [{ name: "g", units: 3 }]);
    for (const m of [twoIn, twoOut, convOut, sharedNet, net]) m.dispose();
    shared.dispose(); // called twice, so the model's dispose left it one reference
    assert.equal(tf.memory().numTensors, tensors);
  });

  test("wrong inputs, hooks and resumes are AntitrainErrors that leave no tensor and the model unchanged", async () => {
    await tf.setBackend("cpu");
    try {
      const model = at.fromLayersModel(cnn());
      const flat = tf.zeros([2, 72]) as tf.Tensor2D;
      const x = tf.zeros([2, 6, 6, 2]);
      invariant(model, "flat input", () => assertAntitrainError(() => model.forward(flat), /takes \[batch, 6, 6, 2\].*x\.reshape\(\[-1, 6, 6, 2\]\)/));
      const data = { x: flat, y: tf.tensor1d([0, 1], "int32"), classes: 3 };
      invariant(model, "flat data", () => assertAntitrainError(() => at.collectStats(model, "conv1", data), /data.x has shape \[2, 72\].*\[batch, 6, 6, 2\]/));
      invariant(model, "unknown hook", () => assertAntitrainError(() => model.forward(x, { conv9: (t) => t }), /unknown site "conv9".*"conv1", "pool", "conv2", "flat"/));
      const cut = model.split("conv2", x);
      invariant(model, "upstream hook in resume", () => assertAntitrainError(() => cut.resume(cut.act, { conv1: (t) => t }), /can hook only sites computed after it \("flat"\)/));
      const wrong = tf.zeros([3, 2, 2, 4]);
      invariant(model, "wrong resume shape", () => assertAntitrainError(() => cut.resume(wrong), /takes k stacked copies of the batch, \[k·2, 2, 2, 4\]/));
      const stacked = invariant(model, "stacked resume", () => tf.tidy(() => cut.resume(tf.concat([cut.act, cut.act])).shape)) as number[];
      assert.deepEqual(stacked, [4, 3]);
      cut.dispose();
      assertAntitrainError(() => cut.resume(x), /was disposed/);
      tf.dispose([flat, x, wrong, data.y]);
      model.dispose();
      const late = tf.zeros([1, 6, 6, 2]);
      assertAntitrainError(() => model.forward(late), /disposed/);
      late.dispose();
    } finally {
      await tf.setBackend(backendBefore);
    }
  });
});
