import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError, invariant, snapshot } from "./helpers";

let setup: st.MultilayerSetup;
let base: at.Mlp;
let otherTest: at.Dataset;
const CHOSEN: Record<st.MultilayerTuned, st.MultilayerSettings> = {
  antitrain: { fraction: 0.5, antiLearningRate: 1e-3 },
  "group-lasso": { lambda: 1e-2 },
  slimming: { lambda: 1e-2 },
  "activation-l1": { lambda: 1e-2 },
};

before(async () => {
  await at.ready({ quiet: true });
  const task = at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 256, test: 128, seed: 0 });
  const { train, validation } = at.validationSplit(task.train, { fraction: 0.25, seed: 0 });
  at.disposeDataset(task.train);
  // Two hidden layers: antitraining spends every 3 updates on 1 training and 2 antitrain steps.
  setup = { train, validation, test: task.test, inputs: 6, hidden: [10, 8], classes: 3, pretrain: 30, updates: 24, cycle: 4, finetune: 6, fraction: 0.95, tolerance: 0.05 };
  base = at.mlp({ inputs: 6, hidden: [10, 8], classes: 3, seed: 0 });
  at.train(base, train, { steps: 30, seed: 0 });
  otherTest = at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 8, test: 96, seed: 7 }).test;
});

test("trainAllLayers spends exactly the update budget: antitraining as updates/(sites+1) training steps, one antitrain step per site after each", () => {
  for (const method of st.MULTILAYER_METHODS) {
    const m = base.clone();
    const before = snapshot(m);
    const tensors = tf.memory().numTensors;
    const run = st.trainAllLayers(m, setup.train, method, { updates: 24, settings: CHOSEN[method as st.MultilayerTuned] ?? {}, seed: 1, cycle: 4, track: true });
    assert.equal(tf.memory().numTensors, tensors, `${method}: no tensor left behind`);
    assert.equal(run.updates, 24, method);
    assert.equal(run.trainingSteps + run.antiSteps, 24, method);
    assert.equal(run.trainingSteps, method === "antitrain" ? 8 : 24, method);
    assert.notDeepEqual(snapshot(m), before, `${method} trained the model`);
    // Every site is measured at the start and every 4 training steps (antitraining) / every 12 steps (the others): the same updates.
    const at12 = run.curve.filter((c) => c.updates === 12).map((c) => c.site);
    assert.deepEqual(at12, ["h1", "h2"], `${method}: cores of both sites measured after 12 updates`);
    assert.deepEqual(run.curve.filter((c) => c.updates === 1).map((c) => c.site), ["h1", "h2"]);
    for (const c of run.curve) assert.ok(c.core >= 0 && c.core <= (c.site === "h1" ? 10 : 8), `${method} ${c.site}: core ${c.core}`);
    if (method === "slimming") {
      assert.equal(run.gateScores?.h1.length, 10);
      assert.equal(run.gateScores?.h2.length, 8);
    } else assert.equal(run.gateScores, undefined);
    m.dispose();
  }
});

test("trainAllLayers refuses a budget antitraining cannot spend exactly, missing knobs and unknown keys", () => {
  const m = base.clone();
  invariant(m, "refusals", () => {
    assertAntitrainError(() => st.trainAllLayers(m, setup.train, "antitrain", { updates: 25, settings: CHOSEN.antitrain, seed: 0 }), /multiple of 3.*e\.g\. 24/);
    assertAntitrainError(() => st.trainAllLayers(m, setup.train, "antitrain", { updates: 24, settings: { fraction: 0.5 }, seed: 0 }), /antiLearningRate/);
    assertAntitrainError(() => st.trainAllLayers(m, setup.train, "group-lasso", { updates: 24, seed: 0 }), /settings\.lambda/);
    assertAntitrainError(() => st.trainAllLayers(m, setup.train, "group-lasso", { updates: 24, settings: { lamda: 1 } as st.MultilayerSettings, seed: 0 }), /lamda/);
    assertAntitrainError(() => st.trainAllLayers(m, setup.train, "dropout" as st.MultilayerMethod, { updates: 24, seed: 0 }), /plain/);
  });
  m.dispose();
});

test("compressLayers cuts every layer in turn: cores plan keeps each layer's core; widths plan keeps exactly the widths by each order; the model is unchanged", () => {
  const tensors = tf.memory().numTensors;
  const c = invariant(base, "cores", () => {
    const made = st.compressLayers(base, setup.train, setup.validation, { kind: "cores", fraction: 0.95 }, { seed: 0 });
    const out = { widths: made.widths, units: made.model.sites().map((s) => s.units), params: at.parameterCount(made.model), spectatorDamage: made.spectatorDamage };
    made.model.dispose();
    return out;
  }) as { widths: number[]; units: number[]; params: number; spectatorDamage: number[] };
  assert.equal(c.widths.length, 2);
  assert.deepEqual(c.units, c.widths);
  for (const w of c.widths) assert.ok(w >= 1, "at least one unit kept per layer");
  // 6 → w1 → w2 → 3 with biases.
  assert.equal(c.params, 7 * c.widths[0] + (c.widths[0] + 1) * c.widths[1] + (c.widths[1] + 1) * 3);
  for (const d of c.spectatorDamage) assert.ok(Number.isFinite(d) && d >= -1 && d <= 1);
  const m = at.mlp({ inputs: 6, hidden: [10, 8], classes: 3, seed: 0 });
  at.train(m, setup.train, { steps: 30, seed: 0 });
  const run = st.trainAllLayers(m, setup.train, "slimming", { updates: 12, settings: { lambda: 1e-2 }, seed: 0 });
  for (const order of st.LAYER_ORDERS) {
    const w = invariant(m, order, () => {
      const made = st.compressLayers(m, setup.train, setup.validation, { kind: "widths", widths: [4, 3], order, ...(order === "gates" ? { gateScores: run.gateScores } : {}) }, { seed: 0 });
      const out = { widths: made.widths, units: made.model.sites().map((s) => s.units), spectatorDamage: made.spectatorDamage };
      made.model.dispose();
      return out;
    }) as { widths: number[]; units: number[]; spectatorDamage: number[] };
    assert.deepEqual(w.widths, [4, 3], order);
    assert.deepEqual(w.units, [4, 3], order);
    assert.ok(w.spectatorDamage.every(Number.isNaN));
  }
  // The gates order keeps the largest gates: h1 keeps units 7, 8, 9 (the same model as compressing h1 to them by hand), h2 all 8.
  const scores = { h1: [0, 0, 0, 0, 0, 0, 0, 3, 2, 1], h2: [8, 7, 6, 5, 4, 3, 2, 1] };
  const g = st.compressLayers(m, setup.train, setup.validation, { kind: "widths", widths: [3, 8], order: "gates", gateScores: scores }, { seed: 0 });
  const stats = at.collectStats(m, "h1", setup.train, { seed: 0 });
  const ref = at.compress(m, "h1", { core: [7, 8, 9] }, { stats });
  const same = tf.tidy(() => tf.max(tf.abs(tf.sub(g.model.forward(setup.test.x), ref.forward(setup.test.x)))).dataSync()[0]);
  assert.ok(same < 1e-5, `gates order keeps units 7, 8, 9 of h1 and all of h2 (max diff ${same})`);
  g.model.dispose();
  ref.dispose();
  m.dispose();
  assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
  invariant(base, "bad plans", () => {
    assertAntitrainError(() => st.compressLayers(base, setup.train, setup.validation, { kind: "widths", widths: [4], order: "magnitude" }, { seed: 0 }), /one width per hidden layer \(2\)/);
    assertAntitrainError(() => st.compressLayers(base, setup.train, setup.validation, { kind: "widths", widths: [11, 3], order: "magnitude" }, { seed: 0 }), /\[1, 10\]/);
    assertAntitrainError(() => st.compressLayers(base, setup.train, setup.validation, { kind: "widths", widths: [4, 3], order: "gates" }, { seed: 0 }), /gateScores/);
    assertAntitrainError(() => st.compressLayers(base, setup.train, setup.validation, { kind: "widths", widths: [4, 3], order: "magnitud" as st.LayerOrder }, { seed: 0 }), /magnitude/);
    assertAntitrainError(() => st.compressLayers(base, setup.train, setup.validation, { kind: "cores", fraction: 1.5 }, { seed: 0 }), /fraction/);
  });
});

test("one seed: every arm at the same budget, equal-width arms at exactly antitraining's widths, paired summary consistent, no leak", () => {
  const tensors = tf.memory().numTensors;
  const r = st.runMultilayerSeed(setup, CHOSEN, 0);
  assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
  assert.deepEqual(r.rows.map((x) => x.arm), st.MULTILAYER_ARM_NAMES);
  assert.deepEqual(r.dense.map((d) => d.method).sort(), [...st.MULTILAYER_METHODS].sort());
  for (const d of r.dense) {
    assert.equal(d.updates, 24, d.method);
    assert.equal(d.params, 7 * 10 + 11 * 8 + 9 * 3, d.method);
    assert.ok(d.curve.length > 0 === (d.method === "plain" || d.method === "antitrain"), `${d.method}: curve only for plain and antitrain`);
  }
  const anti = r.rows.find((x) => x.arm === "antitrain") as st.MultilayerRow;
  assert.deepEqual(r.widths, anti.widths);
  for (const x of r.rows) {
    assert.equal(x.updates, x.arm === "small from scratch" ? 30 + 24 : 24, `${x.arm}: budget`);
    if (x.compare === "equal widths") {
      assert.deepEqual(x.widths, r.widths, `${x.arm}: antitraining's widths`);
      assert.equal(x.params, anti.params, `${x.arm}: the same parameter count`);
    }
    for (const v of [x.valBefore, x.valAfter, x.testAccuracy, x.ece]) assert.ok(v >= 0 && v <= 1, `${x.arm}: ${v}`);
    assert.ok(x.testLoss > 0 && Number.isFinite(x.testLoss));
  }
  // Reproducible, and the test split moves only the test numbers.
  const again = st.runMultilayerSeed(setup, CHOSEN, 0);
  assert.deepEqual(again, r);
  const swapped = st.runMultilayerSeed({ ...setup, test: otherTest }, CHOSEN, 0, { track: false });
  assert.deepEqual(swapped.rows.map((x) => [x.widths, x.valBefore, x.valAfter]), r.rows.map((x) => [x.widths, x.valBefore, x.valAfter]));
  // Paired summary over two seeds: the differences are the mean of per-seed differences.
  const r1 = st.runMultilayerSeed(setup, CHOSEN, 1, { track: false });
  const { summary, dense } = st.summarizeMultilayer([r, r1]);
  assert.deepEqual(summary.map((s) => s.arm), st.MULTILAYER_ARM_NAMES);
  assert.equal(dense.length, 5);
  for (const s of summary) {
    const d = [r, r1].map((q) => {
      const a = q.rows.find((x) => x.arm === s.arm) as st.MultilayerRow;
      const ref = q.rows.find((x) => x.arm === "antitrain") as st.MultilayerRow;
      return a.testAccuracy - ref.testAccuracy;
    });
    assert.ok(Math.abs(s.testAccuracyDiff.mean - (d[0] + d[1]) / 2) < 1e-12, s.arm);
    assert.equal(s.better + s.worse <= 2, true);
    if (s.compare === "equal widths") assert.equal(s.paramsDiff.mean, 0, `${s.arm}: equal widths, equal parameters`);
  }
  const ref = summary.find((s) => s.arm === "antitrain") as st.MultilayerSummary;
  assert.equal(ref.testAccuracyDiff.mean, 0);
  assert.equal(ref.better + ref.worse, 0);
});

test("tuning touches no test data and chooses the fewest parameters within tolerance of plain's dense model", () => {
  const grids = { antitrain: [{ fraction: 0.5, antiLearningRate: 1e-3 }, { fraction: 0.5, antiLearningRate: 1e-4 }], "group-lasso": [{ lambda: 1e-2 }] };
  const tensors = tf.memory().numTensors;
  const rows = st.tuneMultilayerSeed(setup, grids, 100);
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(rows.length, 3);
  const swapped = st.tuneMultilayerSeed({ ...setup, test: otherTest }, grids, 100);
  assert.deepEqual(swapped, rows, "the test split does not move any tuning number");
  for (const r of rows) assert.ok(r.params > 0 && r.valAfter >= 0 && r.valAfter <= 1 && r.plainValAccuracy > 0);
  // Hand-made rows: the fewest parameters among the holding settings; else the most accurate.
  const mk = (lr: number, params: number, valAfter: number): st.MultilayerTuneRow => ({ method: "antitrain", settings: { fraction: 0.5, antiLearningRate: lr }, seed: 100, widths: [1, 1], params, valAfter, denseValAccuracy: 0.9, plainValAccuracy: 0.9 });
  const g = { antitrain: [{ fraction: 0.5, antiLearningRate: 1e-3 }, { fraction: 0.5, antiLearningRate: 1e-4 }, { fraction: 0.5, antiLearningRate: 3e-4 }] };
  let c = st.chooseMultilayerSettings(g, [mk(1e-3, 100, 0.85), mk(1e-4, 300, 0.895), mk(3e-4, 200, 0.89)], 0.01);
  assert.deepEqual(c.chosen.antitrain, { fraction: 0.5, antiLearningRate: 3e-4 }, "3e-4 holds with fewer parameters than 1e-4; 1e-3 does not hold");
  assert.deepEqual(c.table.map((t) => t.holds), [false, true, true]);
  c = st.chooseMultilayerSettings(g, [mk(1e-3, 100, 0.7), mk(1e-4, 300, 0.8), mk(3e-4, 200, 0.75)], 0.01);
  assert.deepEqual(c.chosen.antitrain, { fraction: 0.5, antiLearningRate: 1e-4 }, "none holds: the most accurate");
  assertAntitrainError(() => st.chooseMultilayerSettings({ antitrain: [{ fraction: 0.9, antiLearningRate: 1e-3 }] }, rows, 0.01), /no tuning run/);
  assertAntitrainError(() => st.chooseMultilayerSettings({ dropout: [{}] } as never, rows, 0.01), /dropout/);
  assertAntitrainError(() => st.runMultilayerSeed(setup, { antitrain: CHOSEN.antitrain }, 0), /group-lasso/);
});

test("the setup is checked at the door", () => {
  assertAntitrainError(() => st.checkMultilayerSetup({ ...setup, updates: 25 }), /multiple of 3/);
  assertAntitrainError(() => st.checkMultilayerSetup({ ...setup, validation: setup.test }), /validation must be its own split/);
  assertAntitrainError(() => st.checkMultilayerSetup({ ...setup, hidden: [] }), /hidden/);
  assertAntitrainError(() => st.checkMultilayerSetup({ ...setup, tolerance: 2 }), /tolerance/);
  assertAntitrainError(() => st.checkMultilayerSetup({ ...setup, finetun: 3 } as st.MultilayerSetup), /finetun/);
});
