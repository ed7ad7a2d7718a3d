import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { DEFAULT_INITIAL_PARAMETER, preluActivation, reluGainActivation, swishBetaActivation } from "../lib/models/tunable-mlp";

// Study 14's learnable peers and control: PReLU (He et al. 2015), Swish-β (Ramachandran et al. 2017) and ReLU with a
// gain, checked against their plain formulas in float64 JavaScript; each parameter receives the gradient the formula
// gives; the tunable MLP builds, trains and clones every family.
before(async () => {
  await at.ready({ quiet: true });
});

const zs = [-30, -5, -1.5, -0.25, -0, 0, 1e-4, 0.3, 1, 2.5, 7, 40];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const REFERENCE: Record<at.LearnableActivation, { f: (z: number, p: number) => number; dp: (z: number, p: number) => number }> = {
  blend: { f: (z, t) => t * Math.max(z, 0) + (1 - t) * sigmoid(z), dp: (z) => Math.max(z, 0) - sigmoid(z) },
  prelu: { f: (z, a) => (z > 0 ? z : a * z), dp: (z) => Math.min(z, 0) },
  "swish-beta": { f: (z, b) => z * sigmoid(b * z), dp: (z, b) => z * z * sigmoid(b * z) * (1 - sigmoid(b * z)) },
  "relu-gain": { f: (z, g) => g * Math.max(z, 0), dp: (z) => Math.max(z, 0) },
};
const ACTIVATION: Record<at.LearnableActivation, (z: tf.Tensor, p: tf.Tensor) => tf.Tensor> = {
  blend: at.tunableActivation,
  prelu: preluActivation,
  "swish-beta": swishBetaActivation,
  "relu-gain": reluGainActivation,
};
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test("each family's forward values equal its plain formula, per layer and per unit", () => {
  assert.deepEqual([...at.LEARNABLE_ACTIVATIONS], ["blend", "prelu", "swish-beta", "relu-gain"]);
  const before = tf.memory().numTensors;
  for (const family of at.LEARNABLE_ACTIVATIONS) {
    const { f } = REFERENCE[family];
    for (const p of [-1.3, 0, 0.25, 1, 2.5]) {
      const y = tf.tidy(() => [...ACTIVATION[family](tf.tensor1d(zs), tf.tensor1d([p])).dataSync()]);
      y.forEach((v, i) => close(v, f(zs[i], p), `${family}(${zs[i]}; ${p})`));
    }
    // Per unit: one parameter per column of a [2, 6] batch.
    const ps = [0, 0.25, 1, -0.5, 3, 0.1];
    const y = tf.tidy(() => ACTIVATION[family](tf.tensor2d(zs, [2, 6]), tf.tensor1d(ps)).arraySync() as number[][]);
    y.forEach((row, r) => row.forEach((v, c) => close(v, f(zs[r * 6 + c], ps[c]), `${family} unit ${c}`)));
  }
  // The documented exact points: PReLU at a = 0 and a gain of 1 are exactly ReLU; Swish at β = 1 is SiLU.
  tf.tidy(() => {
    const z = tf.tensor1d(zs);
    assert.deepEqual(preluActivation(z, tf.tensor1d([0])).dataSync(), tf.relu(z).dataSync());
    assert.deepEqual(reluGainActivation(z, tf.tensor1d([1])).dataSync(), tf.relu(z).dataSync());
    assert.deepEqual(swishBetaActivation(z, tf.tensor1d([1])).dataSync(), tf.mul(z, tf.sigmoid(z)).dataSync());
  });
  assert.equal(tf.memory().numTensors, before, "no tensor leaked");
});

test("each family's parameter receives the gradient of its formula (sum over a batch), per layer and per unit", () => {
  const before = tf.memory().numTensors;
  const z = [-2, -0.5, 0.3, 1.7];
  for (const family of at.LEARNABLE_ACTIVATIONS) {
    const { dp } = REFERENCE[family];
    for (const p of [0.25, 1, 2]) {
      const g = tf.tidy(() => [...tf.grad((q: tf.Tensor) => tf.sum(ACTIVATION[family](tf.tensor1d(z), q)))(tf.tensor1d([p])).dataSync()]);
      const want = z.reduce((a, x) => a + dp(x, p), 0);
      close(g[0], want, `d ${family} / d parameter at ${p}`);
      assert.notEqual(g[0], 0, `${family}: the parameter gets a gradient`);
    }
    const perUnit = tf.tidy(() => [...tf.grad((q: tf.Tensor) => tf.sum(ACTIVATION[family](tf.tensor2d(z, [1, 4]), q)))(tf.tensor1d([1, 1, 1, 1])).dataSync()]);
    perUnit.forEach((g, c) => close(g, dp(z[c], 1), `${family} unit ${c}`));
  }
  assert.equal(tf.memory().numTensors, before, "no tensor leaked");
});

test("tunableMlp builds every family with its default start, trains its parameter, clones it, and refuses an unknown one", () => {
  const rng = new at.Rng(0);
  const x = Float32Array.from({ length: 4 * 64 }, () => rng.normal());
  const data = at.dataset(x, Array.from({ length: 64 }, (_, i) => (x[i * 4] * x[i * 4 + 1] > 0 ? 1 : 0)), { features: 4, classes: 2 });
  const input = tf.randomNormal([5, 4], 0, 1, "float32", 3);
  for (const family of at.LEARNABLE_ACTIVATIONS) {
    for (const per of ["layer", "unit"] as const) {
      const model = at.tunableMlp({ inputs: 4, hidden: [3], classes: 2, seed: 1, shapePer: per, activation: family });
      assert.equal(model.activation, family);
      const start = model.shapes()[0];
      assert.equal(start.length, per === "layer" ? 1 : 3, "one parameter per layer or per unit");
      assert.ok(start.every((v) => v === DEFAULT_INITIAL_PARAMETER[family]), `${family} starts at its default`);
      // The hidden layer computes the family's activation of the first dense layer's output.
      const w = model.weights()[0];
      const z = tf.tidy(() => tf.add(tf.matMul(input, tf.tensor2d(w.w, [4, 3])), tf.tensor1d(w.b)));
      const cut = model.split("h1", input);
      const h = cut.act;
      const want = tf.tidy(() => ACTIVATION[family](z, tf.tensor1d(start)));
      assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(h, want))).dataSync()[0]) < 1e-6, `${family}: h1 is the activation of the dense output`);
      tf.dispose([z, want]);
      cut.dispose();
      const copy = model.clone();
      assert.equal(copy.activation, family);
      at.train(model, data, { steps: 20, learningRate: 1e-2, seed: 0 });
      assert.ok([...model.shapes()[0]].some((v, i) => v !== start[i]), `${family} per ${per}: training moved the parameter`);
      assert.deepEqual(copy.shapes()[0], start, "the clone has its own parameter");
      copy.dispose();
      model.dispose();
    }
  }
  const relu = at.mlp({ inputs: 4, hidden: [3], classes: 2, seed: 1 });
  const prelu0 = at.tunableMlp({ inputs: 4, hidden: [3], classes: 2, seed: 1, activation: "prelu", initialShape: 0 });
  assert.deepEqual(prelu0.forward(input).dataSync(), relu.forward(input).dataSync(), "PReLU at a = 0 is the ReLU MLP of the same seed");
  assert.throws(() => at.tunableMlp({ inputs: 4, hidden: [3], classes: 2, activation: "gelu" as at.LearnableActivation }), /activation must be one of blend, prelu, swish-beta, relu-gain/);
  assert.throws(() => new at.TunableMlp(relu.weights(), [new Float32Array(1)], "elu" as at.LearnableActivation), at.AntitrainError);
  for (const m of [relu, prelu0]) m.dispose();
  input.dispose();
  at.disposeDataset(data);
});
