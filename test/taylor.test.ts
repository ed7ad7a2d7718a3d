import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError, invariant, signalModel, smallTask } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

test("taylor importance equals the hand-computed mean |dL/da · (a − mean)| on a 2-unit model", () => {
  // x → h = relu(x·W1) (2 units) → logits = h·W2 (2 classes); two examples.
  const model = new at.Mlp([
    { fanIn: 2, fanOut: 2, w: new Float32Array([1, 0, 0, 1]), b: new Float32Array([0, 0]) },
    { fanIn: 2, fanOut: 2, w: new Float32Array([1, -1, 0.5, 2]), b: new Float32Array([0, 0]) },
  ]);
  const data = at.dataset([1, 2, 3, 0.5], [0, 1], { features: 2, classes: 2 });
  const h = [
    [1, 2],
    [3, 0.5],
  ];
  const W2 = [
    [1, -1],
    [0.5, 2],
  ];
  const mean = [(1 + 3) / 2, (2 + 0.5) / 2];
  const expected = [0, 0];
  h.forEach((row, i) => {
    const z = [0, 1].map((o) => row[0] * W2[0][o] + row[1] * W2[1][o]);
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const p = e.map((v) => v / (e[0] + e[1]));
    const d = p.map((v, o) => v - (o === [0, 1][i] ? 1 : 0)); // dL/dz
    for (let u = 0; u < 2; u++) {
      const g = d[0] * W2[u][0] + d[1] * W2[u][1]; // dL/dh_u
      expected[u] += Math.abs(g * (row[u] - mean[u])) / 2;
    }
  });
  const stats = at.collectStats(model, "h1", data);
  const imp = invariant(model, "taylorImportance", () => at.taylorImportance(model, "h1", data, { stats })) as at.Importance;
  assert.equal(imp.method, "mean");
  assert.equal(imp.metric, "loss");
  for (let u = 0; u < 2; u++) assert.ok(Math.abs(imp.scores[u] - expected[u]) < 1e-5, `unit ${u}: ${imp.scores[u]} vs ${expected[u]}`);
  // clean and full agree with the damage engine's mean replacement of the whole site.
  const ref = at.damage(model, "h1", data, [[0, 1]], { stats, method: "mean", metric: "loss" });
  assert.ok(Math.abs(imp.clean - ref.clean) < 1e-6);
  assert.ok(Math.abs(imp.full - ref.damage[0]) < 1e-6);
  model.dispose();
  at.disposeDataset(data);
});

test("taylor ranks the signal unit first and gives dead and disconnected units exactly 0", () => {
  const { model, data } = signalModel();
  const imp = at.taylorImportance(model, "h1", data);
  assert.equal(at.ranked(imp)[0], 0);
  assert.ok(imp.scores[0] > 0);
  assert.equal(imp.scores[1], 0, "dead unit");
  assert.equal(imp.scores[2], 0, "disconnected unit");
  model.dispose();
  at.disposeDataset(data);
});

test("taylor importance does not depend on the batch size and rejects bad input without leaking", () => {
  const { model, train } = smallTask(2);
  const a = at.taylorImportance(model, "h1", train, { batchSize: 512 });
  const b = at.taylorImportance(model, "h1", train, { batchSize: 17 });
  a.scores.forEach((s, u) => assert.ok(Math.abs(s - b.scores[u]) <= 1e-5 * Math.max(1, s), `unit ${u}`));
  invariant(model, "bad site", () => assertAntitrainError(() => at.taylorImportance(model, "h9", train), /unknown site "h9"/));
  invariant(model, "bad batch", () => assertAntitrainError(() => at.taylorImportance(model, "h1", train, { batchSize: 0 }), /batchSize/));
  model.dispose();
});

test("taylor importance of a head site sums each head's values and positions before the absolute value", () => {
  const P = 7;
  const model = at.transformer({ vocab: P + 1, seqLen: 3, classes: P, dModel: 8, heads: 2, dMlp: 16, layers: 2, seed: 1 });
  const task = at.modularAddition({ p: P, seed: 0 });
  const site = "blocks.0.attn";
  const info = model.sites().find((s) => s.name === site)!;
  const width = info.width ?? 1;
  assert.ok(width > 1, "a head spans several values");
  const stats = at.collectStats(model, site, task.train);
  const imp = at.taylorImportance(model, site, task.train, { stats });
  assert.equal(imp.scores.length, info.units);
  // Reference: the gradient from tfjs, then plain loops over [example, position, head, value].
  const cut = model.split(site, task.train.x);
  const grad = tf.grad((a: tf.Tensor) => tf.sum(at.crossEntropy(cut.resume(a), task.train.y)))(cut.act);
  const g = grad.dataSync();
  const a = cut.act.dataSync();
  const [n] = cut.act.shape;
  const features = info.units * width;
  const positions = cut.act.size / (n * features);
  const expected = new Float64Array(info.units);
  for (let e = 0; e < n; e++) {
    for (let u = 0; u < info.units; u++) {
      let s = 0;
      for (let t = 0; t < positions; t++) {
        for (let k = 0; k < width; k++) {
          const i = (e * positions + t) * features + u * width + k;
          s += g[i] * (a[i] - stats.mean[u * width + k]);
        }
      }
      expected[u] += Math.abs(s) / n;
    }
  }
  imp.scores.forEach((v, u) => assert.ok(Math.abs(v - expected[u]) < 1e-4 * Math.max(1, expected[u]), `head ${u}: ${v} vs ${expected[u]}`));
  tf.dispose([grad]);
  cut.dispose();
  model.dispose();
  at.disposeDataset(task.train);
  at.disposeDataset(task.test);
});
