import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

// Notebook 14's activation-shape study as a Study: its settings are the notebook's constants, bad settings are
// refused, modular addition's one-hot pairs are right by hand, the tables keep the notebook's order, and a tiny seed
// runs every model of both tasks.
before(async () => {
  await at.ready({ quiet: true });
});

test("quick and full settings are notebook 14's constants", () => {
  const tasks = (digitsSteps: number, modularSteps: number) => ({
    digits: { data: { dataset: "digits" }, hidden: 64, steps: digitsSteps, learningRate: 1e-3, l2: 0, models: ["relu", "sigmoid", "tunable · layer", "tunable · unit"] },
    modular: { data: { dataset: "modular-one-hot", p: 23, trainFraction: 0.8, seed: 0 }, hidden: 128, steps: modularSteps, learningRate: 3e-3, l2: 1e-3, models: ["relu", "tunable · layer", "tunable · unit"] },
  });
  assert.deepEqual(st.activationShapesStudy.settings("quick"), { tasks: tasks(200, 1500), batchSize: 64, trackEvery: 50 });
  assert.deepEqual(st.activationShapesStudy.settings("full"), { tasks: tasks(1000, 3000), batchSize: 64, trackEvery: 100 });
  assert.equal(st.STUDIES["14-activation-shapes"], st.activationShapesStudy);
});

test("bad settings are refused with the fix", () => {
  const quick = st.activationShapesSettings("quick");
  assertAntitrainError(() => st.checkActivationShapesSettings({ ...quick, trackEvery: 0 }), /trackEvery/);
  const models = (m: st.ShapeModel[]) => ({ ...quick, tasks: { ...quick.tasks, modular: { ...quick.tasks.modular, models: m } } });
  assertAntitrainError(() => st.checkActivationShapesSettings(models(["tunable · layer", "relu"])), /start with "relu"/);
  assertAntitrainError(() => st.checkActivationShapesSettings(models(["relu", "tunable · layer", "gelu" as st.ShapeModel])), /unknown model "gelu"/);
  assertAntitrainError(() => st.checkActivationShapesSettings({ ...quick, tasks: { digits: quick.tasks.digits } } as unknown as st.ActivationShapesSettings), /digits, modular/);
});

test("oneHotPairs: [a, b] becomes one-hot(a) ‖ one-hot(b), by hand", () => {
  const tokens = at.dataset(new Float32Array([0, 2, 1, 1, 2, 0]), new Int32Array([2, 2, 2]), { features: 2, classes: 3 });
  const pairs = st.oneHotPairs(tokens, 3);
  assert.deepEqual(pairs.x.shape, [3, 6]);
  assert.deepEqual([...pairs.x.dataSync()], [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
  assert.deepEqual([...pairs.y.dataSync()], [2, 2, 2]);
  assert.equal(pairs.classes, 3);
  at.disposeDataset(tokens);
  at.disposeDataset(pairs);
  const tensors = tf.memory().numTensors;
  const m = st.modularOneHot({ p: 5, trainFraction: 0.6, seed: 0 });
  assert.deepEqual([m.train.x.shape, m.test.x.shape], [[15, 10], [10, 10]]);
  assert.equal(tf.memory().numTensors, tensors + 4, "only the two one-hot splits are left");
  for (const d of [m.train, m.test]) at.disposeDataset(d);
});

test("a tiny seed runs every model of both tasks; the tables gather task by task, then seed by seed", () => {
  const s = st.activationShapesSettings("tiny");
  st.activationShapesSeed(s, 0); // builds both data sets once for the process
  const tensors = tf.memory().numTensors;
  const r = st.activationShapesSeed(s, 1);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.deepEqual(r.rows.map((x) => `${x.task} · ${x.model}`), [
    "digits · relu", "digits · sigmoid", "digits · tunable · layer", "digits · tunable · unit", "modular · relu", "modular · tunable · layer", "modular · tunable · unit",
  ]);
  assert.ok(r.rows.every((x) => (x.model === "relu" ? x.tMean === 1 : x.model === "sigmoid" ? x.tMean === 0 : true)));
  assert.deepEqual(r.tracks.map((k) => [k.task, k.step]), [["digits", [0, 10, 20]], ["modular", [0, 10, 20]]]);
  assert.ok(r.tracks.every((k) => k.t[0] === 1 && k.t[1] !== 1), "t starts at ReLU and moves");
  assert.deepEqual([r.unitShapes.digits.length, r.unitShapes.modular.length], [8, 8]);
  const r2 = { ...r, seed: 2, rows: r.rows.map((x) => ({ ...x, seed: 2 })), tracks: r.tracks.map((k) => ({ ...k, seed: 2 })) };
  const tables = st.shapeTables([r, r2]);
  assert.deepEqual(tables.rows.map((x) => `${x.task} ${x.seed}`).slice(0, 5), ["digits 1", "digits 1", "digits 1", "digits 1", "digits 2"]);
  assert.deepEqual(tables.tracks.map((k) => `${k.task} ${k.seed}`), ["digits 1", "digits 2", "modular 1", "modular 2"]);
  const table = st.shapeTable(s, [r, r2]);
  assert.equal(table.modular["tunable · layer"].dTestAccuracy?.mean, r.rows[5].testAccuracy - r.rows[4].testAccuracy);
  assert.equal(table.digits.relu.dTestAccuracy, undefined);
  const summary = st.summarizeActivationShapes(s, [r, r2]);
  assert.deepEqual(summary.arms.map((a) => a.arm), ["tunable · layer", "relu", "tunable · unit"]);
});

test("activationShapesVerdict: beating ReLU on modular addition and tying on the digits is 'mixed'; beating it on both is 'supported'", () => {
  const ci = (xs: number[]) => at.meanCI(xs);
  const summary = (digits: number[]) =>
    st.summarizeScores(
      [0.99, 1, 0.98, 1, 0.99].map((t, i) => ({ "tunable · layer": t, relu: [0.78, 0.8, 0.75, 0.82, 0.79][i] })),
      { metric: "acc", better: "higher", reference: "tunable · layer", details: { table: { digits: { "tunable · layer": { dTestAccuracy: ci(digits) } } } } },
    );
  const tie = st.activationShapesVerdict(summary([0.001, -0.002, 0, 0.001, -0.001]));
  assert.equal(tie.answer, "mixed");
  assert.match(tie.sentence, /but not on the digits: on the digits, tunable · layer − relu test accuracy /);
  assert.equal(st.activationShapesVerdict(summary([0.01, 0.012, 0.011, 0.009, 0.01])).answer, "supported");
});
