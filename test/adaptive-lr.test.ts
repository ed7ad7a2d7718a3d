import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

before(async () => {
  await at.ready({ quiet: true });
});

function blobs(n: number, seed: number): at.Dataset {
  const rng = new at.Rng(seed);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  const x = new Float32Array(n * 5);
  y.forEach((c, i) => {
    for (let j = 0; j < 5; j++) x[i * 5 + j] = (j === c ? 2 : 0) + rng.normal();
  });
  return at.dataset(x, y, { features: 5, classes: 3 });
}

const flat = (m: at.Mlp) => m.weights().flatMap((l) => [...l.w, ...l.b]);

test("informationScales: relative information, both directions, mean 1", () => {
  const imp = { scores: new Float32Array([1, 0, 3, -0.5]) };
  const up = at.informationScales(imp, { direction: "up" });
  // Negatives clipped: [1, 0, 3, 0], mean 1, so r = [1, 0, 3, 0]; (r + 0.1) / 1.1, then divided by the mean.
  const raw = [1.1, 0.1, 3.1, 0.1].map((v) => v / 1.1);
  const mean = raw.reduce((a, b) => a + b) / 4;
  raw.forEach((v, i) => assert.ok(Math.abs(up[i] - v / mean) < 1e-6, `${up[i]} vs ${v / mean}`));
  assert.ok(Math.abs(up.reduce((a, b) => a + b) / 4 - 1) < 1e-6);
  const down = at.informationScales(imp, { direction: "down" });
  assert.ok(down[1] > down[0] && down[0] > down[2], "down-weighting reverses the order");
  assert.deepEqual(Array.from(at.informationScales(imp, { strength: 0 })), [1, 1, 1, 1]);
  assert.deepEqual(Array.from(at.informationScales({ scores: new Float32Array(3) })), [1, 1, 1], "no information: all 1");
  assert.throws(() => at.informationScales(imp, { strength: -1 }), at.AntitrainError);
  assert.throws(() => at.informationScales(imp, { direction: "sideways" as at.ScaleDirection }), at.AntitrainError);
});

for (const mode of ["gradient", "update"] as const) {
  test(`with all scales 1 the wrapper equals the wrapped Adam step for step (${mode} mode, exact weights)`, () => {
    const data = blobs(96, 0);
    const plain = at.mlp({ inputs: 5, hidden: [7, 6], classes: 3, seed: 1 });
    const wrapped = plain.clone();
    const opt = new at.InfoAdaptiveOptimizer(wrapped, tf.train.adam(1e-2), { sites: ["h1", "h2"], data, mode, refreshEvery: Number.POSITIVE_INFINITY });
    opt.setScales("h1", new Float32Array(7).fill(1));
    opt.setScales("h2", new Float32Array(6).fill(1));
    const ref = tf.train.adam(1e-2);
    const s1 = new at.BatchStream(data, 16, 3);
    const s2 = new at.BatchStream(data, 16, 3);
    for (let step = 0; step < 15; step++) {
      at.train(plain, data, { steps: 1, optimizer: ref, stream: s1 });
      at.train(wrapped, data, { steps: 1, optimizer: opt, stream: s2 });
      assert.deepEqual(flat(wrapped), flat(plain), `step ${step}`);
    }
    assert.equal(opt.refreshes, 0, "hand-set scales were kept");
    opt.dispose();
    ref.dispose();
    plain.dispose();
    wrapped.dispose();
    at.disposeDataset(data);
  });
}

test("update mode scales the wrapped step per unit; gradient mode is normalized away by Adam but not by SGD", () => {
  const data = blobs(64, 1);
  const run = (mode: at.ScaleMode, inner: () => tf.Optimizer, scale: number) => {
    const m = at.mlp({ inputs: 5, hidden: [4], classes: 3, seed: 2 });
    const opt = new at.InfoAdaptiveOptimizer(m, inner(), { sites: ["h1"], data, mode, refreshEvery: Number.POSITIVE_INFINITY });
    opt.setScales("h1", [scale, scale, scale, scale]);
    at.train(m, data, { steps: 5, optimizer: opt, seed: 0 });
    const w = flat(m);
    opt.dispose();
    m.dispose();
    return w;
  };
  const close = (a: number[], b: number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]) <= tol);
  const sgd = (lr: number) => () => tf.train.sgd(lr);
  // One step of SGD: doubling the update or the gradient of every h1 parameter is SGD at twice the rate on them.
  const base = run("update", sgd(0.05), 1);
  for (const mode of ["update", "gradient"] as const) {
    const doubled = run(mode, sgd(0.05), 2);
    assert.ok(!close(doubled, base, 1e-4), `${mode}: scale 2 changes SGD's trajectory`);
  }
  assert.ok(close(run("update", sgd(0.05), 2), run("gradient", sgd(0.05), 2), 1e-5), "SGD: update and gradient scaling agree");
  // Adam: a constant gradient scale cancels (up to ε); an update scale does not.
  const adam = () => tf.train.adam(1e-2);
  const plainAdam = run("update", adam, 1);
  assert.ok(close(run("gradient", adam, 2), plainAdam, 1e-5), "Adam normalizes a constant gradient scale away");
  assert.ok(!close(run("update", adam, 2), plainAdam, 1e-3), "an update scale changes Adam's steps");
  at.disposeDataset(data);
});

test("a unit with scale 0 keeps its incoming column, bias and outgoing row; measuring refreshes on schedule", () => {
  const data = blobs(64, 2);
  const model = at.mlp({ inputs: 5, hidden: [4], classes: 3, seed: 3 });
  const w0 = model.weights();
  const opt = new at.InfoAdaptiveOptimizer(model, tf.train.adam(1e-2), { sites: ["h1"], data, refreshEvery: Number.POSITIVE_INFINITY });
  opt.setScales("h1", [0, 1, 1, 1]);
  at.train(model, data, { steps: 5, optimizer: opt, seed: 0 });
  const w1 = model.weights();
  for (let i = 0; i < 5; i++) assert.equal(w1[0].w[i * 4], w0[0].w[i * 4], "column into unit 0 unchanged");
  assert.equal(w1[0].b[0], w0[0].b[0]);
  for (let o = 0; o < 3; o++) assert.equal(w1[1].w[o], w0[1].w[o], "row out of unit 0 unchanged");
  assert.notEqual(w1[0].w[1], w0[0].w[1], "unit 1 trains");
  assert.notDeepEqual(w1[1].b, w0[1].b, "the output bias (no unit of h1) trains");
  opt.dispose();

  const measured = new at.InfoAdaptiveOptimizer(model, tf.train.adam(1e-3), { sites: ["h1"], data, refreshEvery: 5, direction: "down" });
  at.train(model, data, { steps: 2, optimizer: measured, seed: 1 });
  const warm = tf.memory().numTensors;
  at.train(model, data, { steps: 10, optimizer: measured, seed: 1 });
  assert.equal(measured.refreshes, 3, "measured at steps 0, 5 and 10");
  assert.equal(tf.memory().numTensors, warm, "no tensor leaked across steps and refreshes");
  const s = measured.scales_.get("h1")!;
  assert.ok(Math.abs(s.reduce((a, b) => a + b) / s.length - 1) < 1e-5, "scales average 1");
  measured.dispose();
  assert.throws(() => new at.InfoAdaptiveOptimizer(model, tf.train.adam(1e-3), { sites: ["h9"], data }), /sites "h1"/);
  assert.throws(() => measured.setScales("h1", [1, 1]), at.AntitrainError);
  model.dispose();
  at.disposeDataset(data);
});

test("instanceof tells the wrapper from a plain optimizer", () => {
  const data = blobs(8, 0);
  const model = at.mlp({ inputs: 5, hidden: [2], classes: 3, seed: 0 });
  const adam = tf.train.adam(1e-3);
  assert.equal(adam instanceof at.InfoAdaptiveOptimizer, false);
  const opt = new at.InfoAdaptiveOptimizer(model, tf.train.adam(1e-3), { sites: ["h1"], data });
  assert.ok(opt instanceof at.InfoAdaptiveOptimizer && opt instanceof tf.Optimizer);
  opt.dispose();
  adam.dispose();
  model.dispose();
  at.disposeDataset(data);
});
