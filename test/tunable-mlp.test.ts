import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

before(async () => {
  await at.ready({ quiet: true });
});

const zs = [-30, -5, -1.5, -0.25, -0, 0, 1e-4, 0.3, 1, 2.5, 7, 40];

test("the tunable activation is exactly ReLU at t = 1 and exactly sigmoid at t = 0", () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const z = tf.tensor2d(zs, [2, 6]);
    assert.deepEqual(at.tunableActivation(z, tf.tensor1d([at.SHAPE_RELU])).dataSync(), tf.relu(z).dataSync());
    assert.deepEqual(at.tunableActivation(z, tf.tensor1d([at.SHAPE_SIGMOID])).dataSync(), tf.sigmoid(z).dataSync());
    // Beyond ReLU: t = 3 dips to −(t − 1)/2 = −1 at z = 0 and has slope 3 far out.
    const beyond = at.tunableActivation(tf.tensor1d([0, 100]), tf.tensor1d([3])).dataSync();
    assert.ok(Math.abs(beyond[0] + 1) < 1e-6 && Math.abs(beyond[1] - (300 - 2)) < 1e-3, `${beyond}`);
    // Per unit: one t per column.
    const mixed = at.tunableActivation(z, tf.tensor1d([1, 0, 1, 0, 1, 0])).arraySync() as number[][];
    mixed.forEach((row, r) =>
      row.forEach((v, c) => {
        const x = zs[r * 6 + c];
        const want = c % 2 === 0 ? Math.max(x, 0) : 1 / (1 + Math.exp(-x));
        assert.ok(Math.abs(v - want) < 1e-6, `${v} vs ${want}`);
      }),
    );
  });
  assert.equal(tf.memory().numTensors, before);
});

test("tunableMlp at shape 1 computes exactly at.mlp (same seed); at shape 0 exactly the sigmoid MLP", () => {
  const x = tf.randomNormal([9, 6], 0, 2, "float32", 1);
  const relu = at.mlp({ inputs: 6, hidden: [5, 4], classes: 3, seed: 7 });
  const tun = at.tunableMlp({ inputs: 6, hidden: [5, 4], classes: 3, seed: 7, shapePer: "unit" });
  assert.deepEqual(tun.forward(x).dataSync(), relu.forward(x).dataSync());
  const sigMlp = new at.Mlp(relu.weights(), "sigmoid");
  const sigTun = new at.TunableMlp(relu.weights(), [new Float32Array([0]), new Float32Array([0])]);
  assert.deepEqual(sigTun.forward(x).dataSync(), sigMlp.forward(x).dataSync());
  for (const m of [relu, tun, sigMlp, sigTun]) m.dispose();
  x.dispose();
});

test("the shape parameters are variables: listed, trained, upstream of their site and downstream of earlier ones", () => {
  const model = at.tunableMlp({ inputs: 4, hidden: [3, 2], classes: 2, seed: 1, shapePer: "unit" });
  assert.deepEqual(
    model.namedVariables().map((v) => v.name),
    ["dense1/w", "dense1/b", "act1/t", "dense2/w", "dense2/b", "act2/t", "dense3/w", "dense3/b"],
  );
  const down = new Set(model.downstreamVariables("h1"));
  const named = new Map(model.namedVariables().map((v) => [v.name, v.variable]));
  assert.ok(!down.has(named.get("act1/t")!), "h1's own shape is upstream of h1");
  assert.ok(!down.has(named.get("dense1/w")!));
  assert.ok(down.has(named.get("act2/t")!) && down.has(named.get("dense2/w")!) && down.has(named.get("dense3/b")!));
  assert.equal(model.downstreamVariables("h2").length, 2);
  const rng = new at.Rng(0);
  const x = Float32Array.from({ length: 4 * 64 }, () => rng.normal());
  const y = Array.from({ length: 64 }, (_, i) => (x[i * 4] * x[i * 4 + 1] > 0 ? 1 : 0));
  const data = at.dataset(x, y, { features: 4, classes: 2 });
  at.train(model, data, { steps: 30, learningRate: 1e-2, seed: 0 });
  const shapes = model.shapes();
  assert.equal(shapes[0].length, 3);
  assert.ok(shapes.flatMap((s) => [...s]).some((t) => t !== 1), "training moved the shapes");
  const perLayer = at.tunableMlp({ inputs: 4, hidden: [3], classes: 2, seed: 1 });
  assert.equal(perLayer.shapes()[0].length, 1);
  assert.throws(() => at.tunableMlp({ inputs: 4, hidden: [3], classes: 2, shapePer: "row" as "unit" }), at.AntitrainError);
  assert.throws(() => new at.TunableMlp(perLayer.weights(), [new Float32Array(2)]), at.AntitrainError);
  perLayer.dispose();
  model.dispose();
  at.disposeDataset(data);
});

test("hooks, the damage engine and the adaptive optimizer work on the tunable model without leaks", () => {
  const model = at.tunableMlp({ inputs: 4, hidden: [3], classes: 2, seed: 2, shapePer: "unit" });
  const rng = new at.Rng(1);
  const x = Float32Array.from({ length: 4 * 32 }, () => rng.normal());
  const data = at.dataset(x, Array.from({ length: 32 }, (_, i) => i % 2), { features: 4, classes: 2 });
  const before = tf.memory().numTensors;
  const zeroed = model.forward(data.x, { h1: (a) => tf.zerosLike(a) });
  const b = model.weights()[1].b;
  const z = zeroed.arraySync() as number[][];
  z.forEach((row) => row.forEach((v, c) => assert.ok(Math.abs(v - b[c]) < 1e-6, "h1 zeroed: the logits are the output bias")));
  zeroed.dispose();
  const imp = at.importance(model, "h1", data, { seed: 0 });
  assert.equal(imp.scores.length, 3);
  assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  // The adaptive optimizer's default wiring includes the per-unit shape: a unit with scale 0 keeps its t.
  const opt = new at.InfoAdaptiveOptimizer(model, tf.train.adam(1e-2), { sites: ["h1"], data, refreshEvery: Number.POSITIVE_INFINITY });
  opt.setScales("h1", [0, 1, 1]);
  const t0 = model.shapes()[0];
  at.train(model, data, { steps: 5, optimizer: opt, seed: 0 });
  const t1 = model.shapes()[0];
  assert.equal(t1[0], t0[0]);
  assert.notEqual(t1[1], t0[1]);
  opt.dispose();
  model.dispose();
  at.disposeDataset(data);
});
