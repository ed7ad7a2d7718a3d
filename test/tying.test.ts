import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

before(async () => {
  await at.ready({ quiet: true });
});

/**
 * Six Gaussian inputs; hidden units 0 and 3 both compute relu(x0), units 1 and 4 both relu(x1) (planted duplicates),
 * unit 2 is relu(x2), unit 5 relu(x3); units 6 and 7 both compute relu(x4) but nothing reads them. The class-1 logit
 * reads every used unit; labels are the model's own predictions, so the clean accuracy is 1.
 */
function plantedModel(): at.Mlp {
  const inputs = 6;
  const hidden = 8;
  const source = [0, 1, 2, 0, 1, 3, 4, 4]; // input copied by each hidden unit
  const w1 = new Float32Array(inputs * hidden);
  source.forEach((i, u) => {
    w1[i * hidden + u] = 1;
  });
  const gain = [2, 2, 3, 2, 2, 3, 0, 0]; // class-1 logit weight of each unit
  const w2 = new Float32Array(hidden * 2);
  gain.forEach((g, u) => {
    w2[u * 2 + 1] = g;
  });
  return new at.Mlp([
    { w: w1, b: new Float32Array(hidden), fanIn: inputs, fanOut: hidden },
    { w: w2, b: new Float32Array([0, -7]), fanIn: hidden, fanOut: 2 },
  ]);
}

function selfLabelled(model: at.HookedModel, n: number, seed: number): at.Dataset {
  const rng = new at.Rng(seed);
  const x = Float32Array.from({ length: n * model.inputs }, () => rng.normal());
  const y = tf.tidy(() => model.forward(tf.tensor2d(x, [n, model.inputs])).argMax(1).dataSync() as Int32Array);
  return at.dataset(x, y, { features: model.inputs, classes: model.classes });
}

test("tying hints find the planted duplicates; unread duplicates score exactly 0", () => {
  const model = plantedModel();
  const data = selfLabelled(model, 1000, 1);
  const before = tf.memory().numTensors;
  const hints = at.tyingHints(model, "h1", data, { metric: "loss", samples: 4, seed: 0 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(hints.ranked.length, 28);
  const key = (h: at.TyingHint) => `${h.a},${h.b}`;
  assert.deepEqual(new Set(hints.ranked.slice(0, 2).map(key)), new Set(["0,3", "1,4"]));
  const third = hints.ranked[2].hint;
  assert.ok(hints.ranked[1].hint > 5 * Math.abs(third), `duplicates ${hints.ranked[1].hint} stand out from the rest (${third})`);
  const unread = hints.ranked.find((h) => h.a === 6 && h.b === 7);
  assert.ok(unread !== undefined);
  assert.equal(unread.hint, 0);
  assert.equal(unread.correlated, 0);
  const k = 8;
  assert.equal(hints.matrix[0 * k + 3], hints.matrix[3 * k + 0]);
  assert.ok(Math.abs(hints.matrix[0 * k + 3] - (hints.ranked.find((h) => key(h) === "0,3")?.hint ?? Number.NaN)) < 1e-6);
  model.dispose();
  at.disposeDataset(data);
});

test("coupled draws keep duplicates equal: a readout of their difference is undamaged", () => {
  // Units 0 and 1 both copy x; the class-1 logit reads 3·(h0 − h1) + (x-independent bias), unit 2 copies x and decides.
  const model = new at.Mlp([
    { w: new Float32Array([1, 1, 1]), b: new Float32Array(3), fanIn: 1, fanOut: 3 },
    { w: new Float32Array([0, 3, 0, -3, 0, 4]), b: new Float32Array([0, -2]), fanIn: 3, fanOut: 2 },
  ]);
  const x = Array.from({ length: 300 }, (_, i) => i % 2);
  const data = at.dataset(x, x, { features: 1, classes: 2 });
  const coupled = at.damage(model, "h1", data, [[0, 1]], { metric: "loss", coupled: true, seed: 2 });
  const independent = at.damage(model, "h1", data, [[0, 1]], { metric: "loss", seed: 2 });
  assert.equal(coupled.damage[0], 0);
  assert.ok(independent.damage[0] > 0.1, `independent draws break the pair: ${independent.damage[0]}`);
  // The default stays independent: coupled: false draws exactly what leaving it out draws.
  const again = at.damage(model, "h1", data, [[0, 1]], { metric: "loss", coupled: false, seed: 2 });
  assert.deepEqual(Array.from(again.values), Array.from(independent.values));
  model.dispose();
  at.disposeDataset(data);
});

test("tyingHints rejects deterministic methods and bad units, leaking nothing", () => {
  const model = plantedModel();
  const data = selfLabelled(model, 20, 2);
  const before = tf.memory().numTensors;
  assert.throws(() => at.tyingHints(model, "h1", data, { method: "gaussian" } as at.TyingOptions), /"resample" only/);
  assert.throws(() => at.tyingHints(model, "h1", data, { units: [3] }), /at least 2 units/);
  assert.throws(() => at.tyingHints(model, "h2", data), /unknown site/);
  const s = at.tyingHints(model, "h1", data, { sample: 5, seed: 1 });
  assert.equal(s.ranked.length, 5);
  assert.equal(s.matrix.filter((v) => !Number.isNaN(v)).length, 8 + 10);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  at.disposeDataset(data);
});

test("plantDuplicates keeps the function and tyingHints finds the planted pairs in a random MLP", () => {
  const model = at.mlp({ inputs: 8, hidden: [10], classes: 3, seed: 4 });
  const data = selfLabelled(model, 600, 3);
  // Copy the two most informative units (a copy of a unit nothing reads carries nothing to find).
  const imp = at.importance(model, "h1", data, { metric: "loss" });
  const [u, v] = at.ranked(imp);
  const planted = at.plantDuplicates(model, "h1", [u, v]);
  assert.deepEqual(planted.sites(), [{ name: "h1", units: 12 }]);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(model.forward(data.x), planted.forward(data.x)))).dataSync()[0]);
  assert.ok(diff < 1e-5, `same function: ${diff}`);
  const hints = at.tyingHints(planted, "h1", data, { metric: "loss", samples: 4, seed: 0 });
  const top = new Set(hints.ranked.slice(0, 2).map((h) => `${h.a},${h.b}`));
  assert.deepEqual(top, new Set([`${u},10`, `${v},11`]));
  assert.throws(() => at.plantDuplicates(model, "h1", [10]), /unit 10 is not in site/);
  for (const m of [model, planted]) m.dispose();
  at.disposeDataset(data);
});
