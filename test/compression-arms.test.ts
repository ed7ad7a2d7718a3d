import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { magnitudeScores } from "../lib/importance/magnitude";
import * as st from "../lib/studies/index";
import * as nb from "../lib/notebook/index";
import { assertUnchanged, snapshot } from "./helpers";

let task: at.TeacherStudentTask;
let base: at.Mlp;
before(async () => {
  await at.ready({ quiet: true });
  task = at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 256, test: 128, seed: 0 });
  base = at.mlp({ inputs: 6, hidden: [12], classes: 3, seed: 0 });
  at.train(base, task.train, { steps: 40, seed: 0 });
});

const SETTINGS: Record<st.TrainingMethod, st.MethodSettings> = {
  plain: {},
  antitrain: { fraction: 0.5 },
  "spectators-true-labels": { fraction: 0.5 },
  "core-true-labels": { fraction: 0.5 },
  "group-lasso": { lambda: 1e-2 },
  slimming: { lambda: 1e-2 },
  "activation-l1": { lambda: 1e-2 },
  "targeted-dropout": { targetFraction: 0.5, rate: 0.5 },
  "nested-dropout": { p: 0.2 },
  "antitrain-rising": { fraction: 0.5, finalFraction: 0.95 },
  "antitrain+group-lasso": { fraction: 0.5, lambda: 1e-2 },
  "antitrain+activation-l1": { fraction: 0.5, lambda: 1e-2 },
};
const ANTITRAINING = ["antitrain", "spectators-true-labels", "core-true-labels", "antitrain-rising", "antitrain+group-lasso", "antitrain+activation-l1"];

test("every training method spends its update budget, returns a plain MLP of the same shape, and leaks nothing", () => {
  for (const method of st.TRAINING_METHODS) {
    const m = base.clone();
    const tensors = tf.memory().numTensors;
    const run = st.trainWithMethod(m, "h1", task.train, method, { updates: 40, settings: SETTINGS[method], seed: 1, cycle: 5 });
    assert.equal(tf.memory().numTensors, tensors, `${method} leaked`);
    assert.deepEqual(m.variables().map((v) => v.shape), base.variables().map((v) => v.shape), `${method}: same shapes`);
    if (ANTITRAINING.includes(method)) {
      assert.ok(run.updates > 20 && run.updates <= 40, `${method}: 20 training steps plus its antitrain steps, got ${run.updates}`);
    } else {
      assert.equal(run.updates, 40, method);
    }
    assert.equal(run.gateScores !== undefined, method === "slimming", `${method}: gate scores only for slimming`);
    assert.notDeepEqual(snapshot(m), snapshot(base), `${method} trained the model`);
    m.dispose();
  }
});

test("the three antitraining arms differ in one ingredient each: the same seed gives three different models", () => {
  const models = (["antitrain", "spectators-true-labels", "core-true-labels"] as const).map((method) => {
    const m = base.clone();
    st.trainWithMethod(m, "h1", task.train, method, { updates: 30, settings: { fraction: 0.5 }, seed: 2, cycle: 5 });
    return m;
  });
  const w = models.map((m) => snapshot(m));
  assert.notDeepEqual(w[0], w[1]);
  assert.notDeepEqual(w[0], w[2]);
  assert.notDeepEqual(w[1], w[2]);
  const again = base.clone();
  st.trainWithMethod(again, "h1", task.train, "antitrain", { updates: 30, settings: { fraction: 0.5 }, seed: 2, cycle: 5 });
  assert.deepEqual(snapshot(again), w[0], "seeded: the same call gives the same model");
  for (const m of [...models, again]) m.dispose();
});

test("the antitraining variants: the fraction rises to finalFraction, the penalty and the cycle change the model, each alone", () => {
  const run = (method: st.TrainingMethod, settings: st.MethodSettings) => {
    const m = base.clone();
    st.trainWithMethod(m, "h1", task.train, method, { updates: 30, settings, seed: 2, cycle: 5 });
    const w = snapshot(m);
    m.dispose();
    return w;
  };
  const plainAnti = run("antitrain", { fraction: 0.5 });
  assert.deepEqual(run("antitrain-rising", { fraction: 0.5, finalFraction: 0.5 }), plainAnti, "a flat rise is plain antitraining");
  assert.notDeepEqual(run("antitrain-rising", { fraction: 0.5, finalFraction: 1 }), plainAnti);
  assert.notDeepEqual(run("antitrain+group-lasso", { fraction: 0.5, lambda: 1e-2 }), plainAnti);
  assert.notDeepEqual(run("antitrain+activation-l1", { fraction: 0.5, lambda: 1e-2 }), plainAnti);
  assert.deepEqual(run("antitrain", { fraction: 0.5, cycle: 5 }), plainAnti, "settings.cycle equal to the option changes nothing");
  assert.notDeepEqual(run("antitrain", { fraction: 0.5, cycle: 3 }), plainAnti, "settings.cycle overrides the option");
  assert.throws(() => run("antitrain-rising", { fraction: 0.5 }), /needs settings\.finalFraction/);
  assert.throws(() => run("antitrain-rising", { fraction: 0.5, finalFraction: 1.5 }), /finalFraction must be in \(0, 1\]/);
  assert.throws(() => run("antitrain+group-lasso", { fraction: 0.5 }), /needs settings\.lambda/);
  assert.throws(() => run("antitrain", { fraction: 0.5, cycle: 0 }), /settings\.cycle/);
});

test("Antitrainer.setFraction changes the antitrained core from the next measurement and refuses bad values", () => {
  const m = base.clone();
  const anti = new at.Antitrainer(m, ["h1"], { schedule: at.interleaved(1, { cycle: 5 }), fraction: 0.5, data: task.train, seed: 0 });
  try {
    assert.equal(anti.fraction, 0.5);
    anti.measure();
    const small = anti.splits.get("h1")?.core.length ?? 0;
    anti.setFraction(1);
    assert.equal(anti.fraction, 1);
    anti.measure();
    const all = anti.splits.get("h1")?.core.length ?? 0;
    assert.ok(all >= small, `core at 100% (${all}) at least the core at 50% (${small})`);
    assert.throws(() => anti.setFraction(0), /fraction must be in \(0, 1\]/);
    assert.throws(() => anti.setFraction(Number.NaN), /fraction must be in/);
  } finally {
    anti.dispose();
    m.dispose();
  }
});

test("unit orders are permutations, leave the model unchanged, and follow their criterion", () => {
  const before = snapshot(base);
  const tensors = tf.memory().numTensors;
  const imp = st.unitOrder(base, "h1", task.train, "importance", { seed: 0 });
  const mag = st.unitOrder(base, "h1", task.train, "magnitude", { seed: 0 });
  const idx = st.unitOrder(base, "h1", task.train, "index", { seed: 0 });
  const gates = st.unitOrder(base, "h1", task.train, "gates", { seed: 0, gateScores: Float32Array.from({ length: 12 }, (_, u) => (u * 7) % 12) });
  assert.equal(tf.memory().numTensors, tensors);
  assertUnchanged(base, before, "unitOrder");
  for (const order of [imp, mag, idx, gates]) assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 12 }, (_, u) => u));
  assert.deepEqual(idx, Array.from({ length: 12 }, (_, u) => u));
  assert.equal(gates[0], 5, "the largest gate (5·7 mod 12 = 11) first");
  const scores = magnitudeScores(base, "h1");
  for (let i = 1; i < 12; i++) assert.ok(scores[mag[i - 1]] >= scores[mag[i]], "magnitude order descends");
});

test("bad methods, orders and settings are refused with the fix", () => {
  const m = base.clone();
  assert.throws(() => st.trainWithMethod(m, "h1", task.train, "grouplasso" as st.TrainingMethod, { updates: 4, seed: 0 }), /method must be one of .*"group-lasso"/);
  assert.throws(() => st.trainWithMethod(m, "h1", task.train, "group-lasso", { updates: 4, seed: 0 }), /needs settings\.lambda, e\.g\. \{ lambda: 1e-3 \}/);
  assert.throws(() => st.trainWithMethod(m, "h1", task.train, "plain", { updates: 4, seed: 0, settings: { lamda: 1 } as st.MethodSettings }), /unknown option "lamda"/);
  assert.throws(() => st.trainWithMethod(m, "h1", task.train, "plain", { updates: 0, seed: 0 }), /updates/);
  assert.throws(() => st.unitOrder(m, "h1", task.train, "gates", { seed: 0 }), /needs gateScores with 12 values/);
  assert.throws(() => st.unitOrder(m, "h1", task.train, "random" as st.UnitOrder, { seed: 0 }), /order must be one of/);
  m.dispose();
});

test("calibration: a model with zero weights is uniformly unsure, so its ECE is |accuracy − 1/C| exactly", () => {
  const m = at.mlp({ inputs: 2, hidden: [3], classes: 4, seed: 0 });
  for (const v of m.variables()) v.assign(tf.zerosLike(v));
  const x = tf.randomNormal([10, 2], 0, 1, "float32", 0) as tf.Tensor2D;
  const y = tf.tensor1d([0, 0, 0, 1, 2, 3, 1, 2, 3, 1], "int32");
  const data: at.Dataset = { x, y, classes: 4 };
  const tensors = tf.memory().numTensors;
  const { ece, bins } = at.calibration(m, data);
  assert.equal(tf.memory().numTensors, tensors);
  // every example: confidence 0.25 and prediction class 0 (argmax of equal logits), right on 3 of 10
  assert.ok(Math.abs(ece - Math.abs(0.3 - 0.25)) < 1e-6, `ece ${ece}`);
  assert.equal(bins.length, 15);
  assert.equal(bins.reduce((s, b) => s + b.count, 0), 10);
  assert.throws(() => at.calibration(m, data, { bins: 0 }), /bins/);
  assert.throws(() => at.calibration(m, data, { bin: 3 } as { bins?: number }), /unknown option "bin"/);
  at.disposeDataset(data);
  m.dispose();
});

test("the compression study end to end on a tiny task: tuning, choice, one seed, summary; nothing leaks", () => {
  const setup: st.CompressionSetup = {
    train: task.train, validation: task.test, test: task.test, inputs: 6, hidden: [12], classes: 3, site: "h1",
    pretrain: 20, updates: 20, cycle: 5, finetune: 5, keep: [2, 4, 8], scratchKeep: [4], tolerance: 0.05,
  };
  const grids = { antitrain: [{ fraction: 0.5 }], "group-lasso": [{ lambda: 1e-3 }, { lambda: 1e-2 }], slimming: [{ lambda: 1e-3 }], "activation-l1": [{ lambda: 1e-3 }], "targeted-dropout": [{ targetFraction: 0.5, rate: 0.5 }], "nested-dropout": [{ p: 0.2 }] };
  const tensors = tf.memory().numTensors;
  const rows = st.tuneCompressionSeed(setup, grids, 100);
  assert.equal(rows.length, 7, "one row per setting");
  for (const r of rows) assert.ok(r.units >= 2 && r.units <= 12 && r.denseVal > 0.3);
  const { chosen, table } = st.chooseSettings(grids, rows);
  assert.equal(table.filter((t) => t.chosen).length, 6, "one choice per grid");
  const gl = table.filter((t) => t.method === "group-lasso");
  assert.ok(gl[0].chosen && (gl[0].units < gl[1].units || (gl[0].units === gl[1].units && gl[0].smallAcc >= gl[1].smallAcc)), "the fewest units win, then accuracy");
  const seed = st.runCompressionSeed(setup, chosen, 0);
  assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
  assert.deepEqual(seed.curves.map((c) => c.arm), st.STUDY_ARM_NAMES);
  for (const c of seed.curves) {
    assert.deepEqual(c.points.map((p) => p.k), c.arm === st.SCRATCH_ARM ? [4] : [2, 4, 8], c.arm);
    if (c.arm !== st.SCRATCH_ARM) assert.ok(c.updates <= 20 && c.updates >= 15, `${c.arm}: ${c.updates} updates`);
    for (const p of c.points) {
      // A k-unit 6→k→3 MLP has 6k + k weights and biases into the layer and 3k + 3 out of it.
      assert.equal(p.params, 10 * p.k + 3, `${c.arm}, k = ${p.k}: parameters of the pruned MLP`);
      // Validation and test are the same 128 examples here, so the two accuracies after fine-tuning agree exactly.
      assert.ok(Number.isInteger(p.valAfter * 128), `${c.arm}, k = ${p.k}: an accuracy over 128 examples (${p.valAfter})`);
      assert.equal(p.testAfter, p.valAfter, `${c.arm}, k = ${p.k}: the same split measured twice`);
    }
    if (c.arm === st.SCRATCH_ARM || c.arm === st.IMP_ARM) assert.equal(c.core95, undefined, `${c.arm}: no unpruned layer to measure`);
    else assert.ok(Number.isInteger(c.core95) && (c.core95 as number) >= 1 && (c.core95 as number) <= 12 && Number.isFinite(c.fullDamage), `${c.arm}: 95% core ${c.core95}`);
  }
  const plainCurves = seed.curves.filter((c) => c.arm.startsWith("plain"));
  assert.equal(plainCurves[0].core95, plainCurves[1].core95, "one trained model, one core, whatever the pruning order");
  const { summary, headline } = st.summarizeCompression(setup, [seed], 4);
  assert.equal(summary.length, 12);
  assert.equal(summary.find((s) => s.arm === "antitrain")?.diff.mean, 0);
  assert.equal(summary.find((s) => s.arm === "antitrain")?.coreDiff.mean, 0);
  assert.ok(Number.isNaN(summary.find((s) => s.arm === st.SCRATCH_ARM)?.core95.mean ?? 0));
  assert.ok("95% core, unpruned (val)" in nb.compressionTableRows(summary, 4)[0]);
  assert.ok(st.STUDY_ARM_NAMES.some((a) => headline.startsWith(a)), headline);
  assert.throws(() => st.runCompressionSeed({ ...setup, keep: [2, 12] }, chosen, 0), /widths in keep and scratchKeep must be integers in \[1, 11\]/);
  assert.throws(() => st.runCompressionSeed(setup, {}, 0), /chosen has no settings for "antitrain"/);
  assert.throws(() => st.runCompressionSeed({ ...setup, sit: "h1" } as st.CompressionSetup, chosen, 0), /unknown option "sit"/);
  assert.equal(tf.memory().numTensors, tensors);
});

test("a study over custom arms (the antitraining variants) runs only those arms, tunes their grids and pairs them with antitrain", () => {
  const setup: st.CompressionSetup = {
    train: task.train, validation: task.test, test: task.test, inputs: 6, hidden: [12], classes: 3, site: "h1",
    pretrain: 10, updates: 12, cycle: 3, finetune: 4, keep: [2, 4, 8], scratchKeep: [4], tolerance: 0.05,
  };
  const arms: st.StudyArm[] = [
    { name: "antitrain", method: "antitrain", order: "importance", tuneAs: "antitrain" },
    { name: "antitrain, rising fraction", method: "antitrain-rising", order: "importance", tuneAs: "antitrain-rising" },
    { name: "antitrain + group lasso", method: "antitrain+group-lasso", order: "importance", tuneAs: "antitrain+group-lasso" },
  ];
  const grids = { antitrain: [{ fraction: 0.5 }], "antitrain-rising": [{ fraction: 0.5, finalFraction: 0.95 }], "antitrain+group-lasso": [{ fraction: 0.5, lambda: 1e-3 }, { fraction: 0.5, lambda: 1e-2 }] };
  const tensors = tf.memory().numTensors;
  const rows = st.tuneCompressionSeed(setup, grids, 100, arms);
  assert.equal(rows.length, 4);
  const { chosen } = st.chooseSettings(grids, rows);
  const seed = st.runCompressionSeed(setup, chosen, 0, { arms: arms, pruningBaselines: false });
  assert.deepEqual(seed.curves.map((c) => c.arm), arms.map((a) => a.name));
  const { summary } = st.summarizeCompression(setup, [seed], 4);
  assert.deepEqual(summary.map((s) => s.arm), arms.map((a) => a.name));
  assert.equal(nb.compressionCharts(setup, [seed], summary).length, 3);
  assert.equal(tf.memory().numTensors, tensors);
  assert.throws(() => st.tuneCompressionSeed(setup, { antitrain: [{ fraction: 0.5 }] }, 100, arms.slice(1)), /one arm must be named "antitrain"/);
  assert.throws(() => st.runCompressionSeed(setup, chosen, 0, { arms: [arms[0], arms[0]] }), /arm names must be distinct/);
  assert.throws(() => st.runCompressionSeed(setup, chosen, 0, { arms: [{ ...arms[0], method: "antitrian" as st.TrainingMethod }] }), /arm\.method must be one of/);
  assert.throws(() => st.runCompressionSeed(setup, chosen, 0, { arm: arms } as st.RunSeedOptions), /unknown option "arm"/);
});

test("antiSteps splits the update budget 1 : antiSteps, antiLearningRate sets the antitrain steps' rate; the defaults are the 1 : 1 loop", () => {
  const run = (settings: st.MethodSettings) => {
    const m = base.clone();
    const r = st.trainWithMethod(m, "h1", task.train, "antitrain", { updates: 30, settings, seed: 2, cycle: 5 });
    const w = snapshot(m);
    m.dispose();
    return { r, w };
  };
  const plain = run({ fraction: 0.5 });
  assert.deepEqual(run({ fraction: 0.5, antiSteps: 1, antiLearningRate: 1e-3 }).w, plain.w, "antiSteps 1 and the training rate are the defaults");
  // 30 updates at 1 : 2: 10 training steps, each followed by (up to) 2 antitrain steps; the core is measured before the
  // first step and every 5 training steps.
  const two = run({ fraction: 0.5, antiSteps: 2 });
  assert.ok(two.r.updates > 10 && two.r.updates <= 30, `10 training steps plus antitrain steps, got ${two.r.updates}`);
  assert.equal(two.r.measurements, 3, "measured at the start and after training steps 5 and 10");
  assert.equal(plain.r.measurements, 4, "15 training steps: measured at the start and after steps 5, 10 and 15");
  assert.notDeepEqual(two.w, plain.w);
  assert.notDeepEqual(run({ fraction: 0.5, antiLearningRate: 3e-3 }).w, plain.w, "the antitrain rate changes the model");
  assert.throws(() => run({ fraction: 0.5, antiSteps: 0 }), /antiSteps/);
  assert.throws(() => run({ fraction: 0.5, antiSteps: 1.5 }), /antiSteps/);
  assert.throws(() => run({ fraction: 0.5, antiLearningRate: -1 }), /antiLearningRate must be a positive number/);
  assert.throws(() => run({ fraction: 0.5, antiSteps: 40 }), /updates must be at least 41/);
});
