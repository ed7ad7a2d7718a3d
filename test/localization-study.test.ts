import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as nb from "../lib/notebook/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

// Notebook 19's localization study: gradient routing's gradient against a hand-computed masked gradient on a
// 2 → 2 → 2 network, the supervised and bottleneck losses by hand, the update budget, and a tiny run through runStudy.
before(async () => {
  await at.ready({ quiet: true });
});

// x · W1 (W1 row-major [in, out]) then ReLU then · W2; biases zero except b2.
const W1 = [1, 0.5, 0.5, 1];
const W2 = [1, -1, 0.5, -0.25];
const B2 = [0, 0.25];
const tiny = () =>
  new at.Mlp([
    { w: Float32Array.from(W1), b: new Float32Array(2), fanIn: 2, fanOut: 2 },
    { w: Float32Array.from(W2), b: Float32Array.from(B2), fanIn: 2, fanOut: 2 },
  ]);
// Example A: x = [1, 2], class 1 (concept 1): pre = [2, 2.5], both units on. Example B: x = [-1, 1], class 0 (concept 0): pre = [-0.5, 0.5], unit 0 off.
const X = [
  [1, 2],
  [-1, 1],
];
const Y = [1, 0];
const identity = at.concept("class", [0, 1]);
const batch = () => ({ x: tf.tensor2d(X), y: tf.tensor1d(Y, "int32"), classes: 2 });

/** Forward pass of one example in float64: pre, hidden, logits, softmax. */
function forward(x: number[]) {
  const pre = [0, 1].map((j) => x[0] * W1[j] + x[1] * W1[2 + j]);
  const h = pre.map((p) => Math.max(0, p));
  const logits = [0, 1].map((k) => h[0] * W2[k] + h[1] * W2[2 + k] + B2[k]);
  const m = Math.max(...logits);
  const z = logits.reduce((a, l) => a + Math.exp(l - m), 0);
  const p = logits.map((l) => Math.exp(l - m) / z);
  return { pre, h, logits, p, logZ: m + Math.log(z) };
}

/** The gradient of the mean cross-entropy wrt W1 by hand, with the gradient reaching unit j of example i multiplied by masks[i][j]. */
function maskedW1Gradient(masks: number[][]): number[] {
  const g = [0, 0, 0, 0];
  X.forEach((x, i) => {
    const { pre, p } = forward(x);
    const dLogits = p.map((pk, k) => (pk - (k === Y[i] ? 1 : 0)) / X.length);
    for (let j = 0; j < 2; j++) {
      const dH = dLogits[0] * W2[j * 2] + dLogits[1] * W2[j * 2 + 1];
      const dPre = masks[i][j] * dH * (pre[j] > 0 ? 1 : 0);
      for (let inp = 0; inp < 2; inp++) g[inp * 2 + j] += x[inp] * dPre;
    }
  });
  return g;
}

/** Gradients of `loss` wrt every model variable, as plain arrays, in the model's variable order. */
function gradients(model: at.HookedModel, loss: () => tf.Scalar): { value: number; grads: number[][] } {
  const vars = model.variables();
  const { value, grads } = tf.variableGrads(loss, vars);
  const out = { value: value.dataSync()[0], grads: vars.map((v) => Array.from(grads[v.name].dataSync())) };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

const close = (a: readonly number[], b: readonly number[], tol = 1e-5) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < tol);

test("routingMasks: concept 1 through the chosen units (the others at leak); concept 0 through all (one-sided), the others and the chosen at half (partial) or the others (two-sided)", () => {
  assert.deepEqual(Array.from(st.routingMasks(Int32Array.from([1, 0]), 3, [0], "two-sided")), [1, 0, 0, 0, 1, 1]);
  assert.deepEqual(Array.from(st.routingMasks(Int32Array.from([1, 0]), 3, [0], "one-sided")), [1, 0, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(st.routingMasks(Int32Array.from([1, 0]), 3, [0], "partial")), [1, 0, 0, 0.5, 1, 1]);
  assert.deepEqual(Array.from(st.routingMasks(Int32Array.from([1, 0]), 3, [0], "one-sided", 0.25)), [1, 0.25, 0.25, 1, 1, 1]);
  assert.deepEqual(Array.from(st.routingMasks(Int32Array.from([0, 1]), 3, [2], "two-sided", 0.5)), [1, 1, 0, 0.5, 0.5, 1]);
});

test("gradient routing: the loss is the plain loss and its gradient is the hand-computed masked gradient", () => {
  const model = tiny();
  const b = batch();
  const plainLoss = (forward(X[0]).logZ - forward(X[0]).logits[1] + forward(X[1]).logZ - forward(X[1]).logits[0]) / 2;
  const tensors = tf.memory().numTensors;
  for (const routing of st.ROUTINGS) {
    const masks = [
      [1, 0], // A: concept 1, routed through the chosen unit 0 only
      routing === "one-sided" ? [1, 1] : routing === "partial" ? [0.5, 1] : [0, 1],
    ];
    const { value, grads } = gradients(model, () => st.routedLoss(model, "h1", b, { concept: identity, chosen: [0], routing }));
    assert.ok(Math.abs(value - plainLoss) < 1e-5, `${routing}: loss ${value} vs ${plainLoss}`);
    assert.ok(close(grads[0], maskedW1Gradient(masks)), `${routing}: W1 gradient ${grads[0]} vs ${maskedW1Gradient(masks)}`);
    // Downstream of the site nothing is masked: W2's gradient is the plain one.
    const plain = gradients(model, () => tf.tidy(() => tf.mean(at.crossEntropy(model.forward(b.x), b.y)) as tf.Scalar));
    assert.ok(close(grads[2], plain.grads[2]), `${routing}: W2 gradient unmasked`);
    assert.ok(!close(grads[0], plain.grads[0]), `${routing}: W1 gradient differs from the plain one`);
  }
  // A leak lets concept-1 examples' gradient through the other units at that weight.
  for (const leak of [0.1, 0.3]) {
    const { grads } = gradients(model, () => st.routedLoss(model, "h1", b, { concept: identity, chosen: [0], routing: "two-sided", leak }));
    assert.ok(close(grads[0], maskedW1Gradient([[1, leak], [0, 1]])), `leak ${leak}: W1 gradient ${grads[0]} vs ${maskedW1Gradient([[1, leak], [0, 1]])}`);
  }
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  // The plain gradient is the masked one with every mask 1 (the reference itself is right).
  const plain = gradients(model, () => tf.tidy(() => tf.mean(at.crossEntropy(model.forward(b.x), b.y)) as tf.Scalar));
  assert.ok(close(plain.grads[0], maskedW1Gradient([[1, 1], [1, 1]])));
  tf.dispose([b.x, b.y]);
  model.dispose();
});

test("supervisedLoss: main cross-entropy + weight × the head's concept cross-entropy on the chosen units, by hand", () => {
  const model = tiny();
  const b = batch();
  const head = st.conceptHead(1, 2);
  head.w.assign(tf.tensor2d([[1, -1]]));
  head.b.assign(tf.tensor1d([0, 0.5]));
  const ce = (logits: number[], k: number) => Math.log(logits.reduce((a, l) => a + Math.exp(l), 0)) - logits[k];
  const main = X.reduce((a, x, i) => a + ce(forward(x).logits, Y[i]), 0) / 2;
  // The head reads unit 1 (h = 2.5 for A, 0.5 for B): concept logits [h, −h + 0.5]; concepts are the classes here.
  const aux = X.reduce((a, x, i) => {
    const h = forward(x).h[1];
    return a + ce([h, -h + 0.5], Y[i]);
  }, 0) / 2;
  const tensors = tf.memory().numTensors;
  const { value, grads } = gradients(model, () => st.supervisedLoss(model, "h1", b, { concept: identity, chosen: [1], head, weight: 0.7 }));
  assert.ok(Math.abs(value - (main + 0.7 * aux)) < 1e-5, `${value} vs ${main + 0.7 * aux}`);
  assert.ok(grads[0].some((g) => g !== 0), "the concept term trains the units upstream");
  // The head's own gradient flows too.
  const { value: hv, grads: hg } = tf.variableGrads(() => st.supervisedLoss(model, "h1", b, { concept: identity, chosen: [1], head, weight: 0.7 }), [head.w]);
  assert.ok(Array.from(hg[head.w.name].dataSync()).some((g) => g !== 0));
  tf.dispose([hv, ...Object.values(hg)]);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  // A zero head says nothing: the concept term is ln 2.
  const zero = st.conceptHead(1, 2);
  const z = st.supervisedLoss(model, "h1", b, { concept: identity, chosen: [1], head: zero, weight: 1 });
  assert.ok(Math.abs(z.dataSync()[0] - (main + Math.log(2))) < 1e-5);
  tf.dispose([z, zero.w, zero.b, head.w, head.b, b.x, b.y]);
  model.dispose();
});

test("bottleneckLoss: main cross-entropy + weight × each chosen unit's calibrated binary cross-entropy, by hand", () => {
  const model = tiny();
  const b = batch();
  const ce = (logits: number[], k: number) => Math.log(logits.reduce((a, l) => a + Math.exp(l), 0)) - logits[k];
  const main = X.reduce((a, x, i) => a + ce(forward(x).logits, Y[i]), 0) / 2;
  const bce = (z: number, c: number) => -(c * Math.log(1 / (1 + Math.exp(-z))) + (1 - c) * Math.log(1 - 1 / (1 + Math.exp(-z))));
  // Both units are concept neurons: h A = [2, 2.5] (concept 1), h B = [0, 0.5] (concept 0); logit = scale·h + shift; mean over 4 terms.
  const neurons = st.conceptNeurons(2);
  neurons.scale.assign(tf.tensor1d([2, 0.5]));
  neurons.shift.assign(tf.tensor1d([-1, 0.25]));
  const z = (h: number[]) => [2 * h[0] - 1, 0.5 * h[1] + 0.25];
  const [zA, zB] = [z(forward(X[0]).h), z(forward(X[1]).h)];
  const aux = (bce(zA[0], 1) + bce(zA[1], 1) + bce(zB[0], 0) + bce(zB[1], 0)) / 4;
  const tensors = tf.memory().numTensors;
  const { value, grads } = gradients(model, () => st.bottleneckLoss(model, "h1", b, { concept: identity, chosen: [0, 1], neurons, weight: 0.5 }));
  assert.ok(Math.abs(value - (main + 0.5 * aux)) < 1e-5, `${value} vs ${main + 0.5 * aux}`);
  assert.ok(grads[0].some((g) => g !== 0), "the concept term trains the units upstream");
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  // One concept neuron (unit 1) with the initial calibration: scale 1, shift −1.
  const fresh = st.conceptNeurons(1);
  const one = st.bottleneckLoss(model, "h1", b, { concept: identity, chosen: [1], neurons: fresh, weight: 2 });
  const expected = main + (2 * (bce(forward(X[0]).h[1] - 1, 1) + bce(forward(X[1]).h[1] - 1, 0))) / 2;
  assert.ok(Math.abs(one.dataSync()[0] - expected) < 1e-5, `${one.dataSync()[0]} vs ${expected}`);
  tf.dispose([one, fresh.scale, fresh.shift, neurons.scale, neurons.shift, b.x, b.y]);
  model.dispose();
});

test("every arm makes exactly the update budget; the antitraining arms alternate after pretraining", () => {
  const s = st.localizationSettings("tiny");
  const { train } = st.taskSplit(s.tasks[0]);
  const c = at.concept("parity", st.LOCALIZATION_PARITY);
  for (const arm of st.LOCALIZATION_ARMS) {
    const model = at.mlp({ inputs: 64, hidden: [8], classes: 10, seed: 0 });
    const tensors = tf.memory().numTensors;
    const r = st.trainArm(model, train, { arm, site: "h1", config: s.grid[arm][0], concept: c, chosen: [0, 1], budget: 30, pretrain: 10, learningRate: 0.01, statsEvery: 10, seed: 0 });
    assert.equal(tf.memory().numTensors, tensors, `${arm}: no tensor leaked`);
    assert.equal(r.updates, 30, arm);
    assert.equal(r.antiLoss.length, st.ANTITRAINING_ARMS.includes(arm as never) ? 10 : 0, arm);
    model.dispose();
  }
  // An antitraining config's own pretrain (the full grid's second knob) replaces the settings': 20 plain, then 5 + 5.
  for (const arm of st.ANTITRAINING_ARMS) {
    const model = at.mlp({ inputs: 64, hidden: [8], classes: 10, seed: 0 });
    const r = st.trainArm(model, train, { arm, site: "h1", config: { antiLearningRate: 0.001, pretrain: 20 }, concept: c, chosen: [0, 1], budget: 30, pretrain: 10, learningRate: 0.01, statsEvery: 10, seed: 0 });
    assert.equal(r.updates, 30, arm);
    assert.equal(r.antiLoss.length, 5, `${arm}: antitrains after the config's pretrain`);
    model.dispose();
  }
});

test("the grids: nine configurations per arm in the full setting, centred on 731463a's choices; quick and tiny keep the earlier two", () => {
  const full = st.localizationSettings("full");
  const x3 = <A, B>(as: readonly A[], bs: readonly B[], f: (a: A, b: B) => object) => as.flatMap((a) => bs.map((b) => f(a, b)));
  assert.deepEqual(full.grid, {
    "antitrain-core": x3([3e-4, 1e-3, 3e-3], [200, 400, 600], (antiLearningRate, pretrain) => ({ antiLearningRate, pretrain })),
    "concept-antitrain": x3([0.0025, 0.01, 0.04], [200, 400, 600], (antiLearningRate, pretrain) => ({ antiLearningRate, pretrain })),
    "gradient-routing": x3(["one-sided", "partial", "two-sided"], [0, 0.1, 0.3], (routing, leak) => ({ routing, leak })),
    supervised: [0.03, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 10].map((weight) => ({ weight })),
    bottleneck: [0.03, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 10].map((weight) => ({ weight })),
    "plain-picked": x3(["damage", "correlation", "both"], [0.5, 1, 2], (pick, learningRateScale) => ({ pick, learningRateScale })),
  });
  for (const arm of st.LOCALIZATION_ARMS) assert.equal(full.grid[arm].length, 9, `${arm}: nine configurations`);
  // Every choice of the two-configuration run (results/19-localization.json at 731463a) is in the new grid or bracketed by it.
  assert.deepEqual(full.grid["antitrain-core"][4], { antiLearningRate: 1e-3, pretrain: 400 }, "the centre: the earlier choice and pretrain");
  st.checkLocalizationSettings(full);
  const earlier = {
    "antitrain-core": [{ antiLearningRate: 0.001 }, { antiLearningRate: 0.003 }],
    "concept-antitrain": [{ antiLearningRate: 0.005 }, { antiLearningRate: 0.02 }],
    "gradient-routing": [{ routing: "one-sided" }, { routing: "two-sided" }],
    supervised: [{ weight: 0.3 }, { weight: 1 }],
    bottleneck: [{ weight: 0.3 }, { weight: 1 }],
    "plain-picked": [{ pick: "damage" }, { pick: "correlation" }],
  };
  for (const size of ["quick", "tiny"] as const) assert.deepEqual(st.localizationSettings(size).grid, earlier, `${size}: unchanged`);
  // Nine configurations instead of two: the tuning part of the estimate grows 4.5×, the seeds' part not at all.
  const run = { seeds: 10, tuneSeeds: 2, workers: 2 };
  const seedsOnly = st.localizationMinutes(full, { ...run, tuneSeeds: 0 });
  const tuning9 = st.localizationMinutes(full, run) - seedsOnly;
  const tuning2 = st.localizationMinutes({ ...full, grid: earlier as st.LocalizationSettings["grid"] }, run) - seedsOnly;
  assert.ok(Math.abs(tuning9 / tuning2 - 4.5) < 1e-9, `tuning ${tuning9} vs ${tuning2} minutes`);
  const quick = st.localizationSettings("quick");
  const bad = (arm: st.LocalizationArm, config: object) => ({ ...quick, grid: { ...quick.grid, [arm]: [quick.grid[arm][0], config] } }) as st.LocalizationSettings;
  assertAntitrainError(() => st.checkLocalizationSettings(bad("antitrain-core", { antiLearningRate: 1e-3, pretrain: 601 })), /pretrain must be below budget \(600\)/);
  assertAntitrainError(() => st.checkLocalizationSettings(bad("antitrain-core", { antiLearningRate: 1e-3, pretrain: 201 })), /budget − pretrain even/);
  assertAntitrainError(() => st.checkLocalizationSettings(bad("gradient-routing", { routing: "one-sided", leak: 2 })), /leak must be a mask weight in \[0, 1\]/);
  assertAntitrainError(() => st.checkLocalizationSettings(bad("gradient-routing", { routing: "both-sided" })), /routing must be one of one-sided, partial, two-sided/);
  assertAntitrainError(() => st.checkLocalizationSettings(bad("plain-picked", { pick: "damage", learningRateScale: 0 })), /learningRateScale must be positive/);
});

test("chooseLocalization measures main-task cost against plain training at learning-rate scale 1 only", () => {
  const s = st.localizationSettings("full");
  const rows: st.LocalizationTuneRow[] = [];
  for (const arm of st.LOCALIZATION_ARMS) {
    s.grid[arm].forEach((config, configIndex) => {
      const scale = (config as { learningRateScale?: number }).learningRateScale;
      const [excess, mainAccuracy] =
        arm === "plain-picked" ? [0.2, scale === 1 ? 0.95 : 0.99] : arm === "supervised" && configIndex < 2 ? [[0.12, 0.14][configIndex], [0.95, 0.99][configIndex]] : [1, 0.5];
      rows.push({ task: "digits", arm, configIndex, seed: 100, excess, mainAccuracy });
    });
  }
  // Against 0.95 (scale 1): 0.12 + 0 beats 0.14 + 0. Against the mean of all nine (0.977) it would be 0.147 against 0.14.
  const chosen = st.chooseLocalization(s, rows);
  assert.deepEqual(chosen.digits.supervised, { weight: 0.03 });
  // The notebook's tuning table: one row per tuned configuration, the same scores, the chosen one marked.
  const table = nb.localizationTuningRows({ settings: s, tuning: rows, chosen } as unknown as nb.LocalizationRun);
  const supervised = table.filter((r) => r.task === "digits" && r.arm === "supervised");
  assert.equal(supervised.length, 9);
  assert.deepEqual(supervised.slice(0, 2).map((r) => [r["score (distance + accuracy lost)"], r.chosen]), [["0.120", "✓"], ["0.140", ""]]);
  assert.equal(table.filter((r) => r.chosen === "✓" && r.task === "digits").length, st.LOCALIZATION_ARMS.length, "one chosen per arm");
  assert.equal(table.filter((r) => r.task === "fashion-mnist" && r["score (distance + accuracy lost)"] === "Infinity").length, 54, "untuned tasks: no score");
});

test("rankSumScore: the 'both' rule ranks each unit under both scores and prefers the lowest rank sum", () => {
  assert.deepEqual(st.rankSumScore([3, 2, 1], [1, 3, 2]), [-2, -1, -3]);
  assert.deepEqual(st.rankSumScore([1, 1], [0, 0]), [0, -2], "ties go to the lower index");
  // Every picking rule returns k distinct units in order, frees its tensors and leaves the model as it was.
  const s = st.localizationSettings("tiny");
  const data = st.taskSplit(s.tasks[0]);
  const c = at.concept("parity", st.LOCALIZATION_PARITY);
  const model = at.mlp({ inputs: 64, hidden: [8], classes: 10, seed: 0 });
  st.trainArm(model, data.train, { arm: "plain-picked", site: "h1", config: { pick: "both" }, concept: c, chosen: [], budget: 20, pretrain: 10, learningRate: 0.01, statsEvery: 10, seed: 0 });
  const weights = model.variables().map((v) => Array.from(v.dataSync()));
  const tensors = tf.memory().numTensors;
  for (const pick of st.PICKS) {
    const units = st.pickConceptUnits(model, "h1", data, c, 3, pick);
    assert.equal(new Set(units).size, 3, pick);
    assert.deepEqual(units, [...units].sort((a, b) => a - b), pick);
    assert.ok(units.every((u) => u >= 0 && u < 8), pick);
  }
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.deepEqual(model.variables().map((v) => Array.from(v.dataSync())), weights, "the model unchanged");
  model.dispose();
});

test("bad settings are refused with the fix", () => {
  const quick = st.localizationSettings("quick");
  assertAntitrainError(() => st.checkLocalizationSettings({ ...quick, units: 40 }), /below the hidden width of task digits/);
  assertAntitrainError(() => st.checkLocalizationSettings({ ...quick, pretrain: 601 }), /below budget/);
  assertAntitrainError(() => st.checkLocalizationSettings({ ...quick, budget: 601 }), /even/);
  assertAntitrainError(() => st.checkLocalizationSettings({ ...quick, grid: { ...quick.grid, supervised: [{ weight: 1 }] } }), /same number of configurations/);
  assertAntitrainError(() => st.checkLocalizationSettings({ ...quick, tasks: [{ ...quick.tasks[0], data: { dataset: "digits" } }] }), /validation/);
  assertAntitrainError(() => st.checkLocalizationSettings({ ...quick, budgett: 3 } as st.LocalizationSettings), /budgett/);
  assertAntitrainError(() => st.localizationMinutes(quick, { seeds: 1, tuneSeeds: 0, worker: 2 } as never), /unknown option "worker" of localizationMinutes/);
});

test("the arms' losses and the measurement refuse a misspelled option or routing, naming the fix", () => {
  const model = tiny();
  const b = batch();
  const tensors = tf.memory().numTensors;
  assertAntitrainError(() => st.routedLoss(model, "h1", b, { concept: identity, chosen: [0], routing: "one sided" as never }), /routing must be one of one-sided, partial, two-sided, got "one sided"/);
  assertAntitrainError(() => st.routedLoss(model, "h1", b, { concept: identity, chosen: [0], routing: "one-sided", rout: 1 } as never), /unknown option "rout" of routedLoss/);
  assertAntitrainError(() => st.supervisedLoss(model, "h1", b, { concept: identity, chosen: [0], weigth: 1 } as never), /unknown option "weigth" of supervisedLoss/);
  assertAntitrainError(() => st.bottleneckLoss(model, "h1", b, { concept: identity, chosen: [0], weigth: 1 } as never), /unknown option "weigth" of bottleneckLoss/);
  assertAntitrainError(() => st.measureLocalization(model, b, b, identity, [0], { site: "h1", draws: 1, sed: 0 } as never), /unknown option "sed" of measureLocalization/);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  tf.dispose([b.x, b.y]);
  model.dispose();
});

test("a tiny run through runStudy: tuned on validation, every arm on the budget, numbers in range, the goal checked", { timeout: 300_000 }, async () => {
  const study = st.localizationStudy;
  assert.equal(st.STUDIES["19-localization"], study);
  const s = study.settings("tiny");
  const run = await st.runStudy(study, s, { seeds: [0, 1], tuneSeeds: [100], onProgress: () => {} });
  assert.equal(run.tuning.length, s.tasks.length * st.LOCALIZATION_ARMS.length * 2, "every configuration of every arm tuned");
  for (const arm of st.LOCALIZATION_ARMS) assert.ok(s.grid[arm].some((g) => JSON.stringify(g) === JSON.stringify(run.chosen.digits[arm])), `${arm}: chosen from its grid`);
  for (const r of run.results) {
    assert.equal(r.rows.length, st.LOCALIZATION_ARMS.length * s.tasks.length);
    for (const row of r.rows) {
      assert.equal(row.updates, s.budget, `${row.arm}: equal update budget`);
      assert.equal(row.chosenUnits.length, s.units);
      assert.deepEqual(row.config, run.chosen[row.task][row.arm]);
      for (const k of st.LOCALIZATION_MEASUREMENTS.filter((m): m is Exclude<st.LocalizationMeasurement, "mainCost"> => m !== "share" && m !== "mainCost")) assert.ok(row[k] >= 0 && row[k] <= 1, `${row.arm} ${k} ${row[k]}`);
      if (row.task === "digits") {
        assert.ok(row.chance > 0.45 && row.chance < 0.55, `parity chance ${row.chance}`);
        assert.ok(row.mainAccuracy > 0.3, `${row.arm}: learns digits a little (${row.mainAccuracy})`);
      }
      assert.ok(row.probeAll <= row.probeClean + 1e-9 || row.probeClean < 0.6, `${row.arm}: randomizing the whole site costs the probe`);
    }
    assert.deepEqual(r.rows.filter((x) => x.arm !== "plain-picked").map((x) => x.chosenUnits), r.rows.filter((x) => x.arm !== "plain-picked").map(() => [0, 1]));
  }
  assert.equal(run.summary.reference, "concept-antitrain");
  assert.equal(run.summary.better, "lower");
  const details = run.summary.details as { goal: st.GoalCheck[]; table: st.LocalizationTable };
  assert.deepEqual(details.goal.map((g) => `${g.task} ${g.arm}`), ["digits", "char-lm"].flatMap((t) => st.ANTITRAINING_ARMS.map((a) => `${t} ${a}`)), "the goal judged per task");
  assert.deepEqual(Object.keys(details.table), ["digits", "char-lm"]);
  assert.equal(details.table.digits["plain-picked"].mainCost.mean, 0, "plain training costs nothing against itself");
  const cost = run.results.map((r) => (r.rows.find((x) => x.arm === "plain-picked")?.mainAccuracy ?? 0) - (r.rows.find((x) => x.arm === "supervised")?.mainAccuracy ?? 0));
  assert.ok(Math.abs(details.table.digits.supervised.mainCost.mean - (cost[0] + cost[1]) / 2) < 1e-12, "the cost is paired per seed");
  assert.ok(st.ANSWERS.includes(run.verdict.answer));
  assert.equal(run.verdict.numbers.length, 4);
  assert.match(run.verdict.sentence, /digits: .*; char-lm: /, "the verdict states each task");
  assert.ok(run.verdict.sentence.toLowerCase().startsWith(`${run.verdict.answer}: `), "opens with its answer, which the verdict box drops");
});

test("goalChecks judge each task on its own seeds: a collapsed arm on one task moves nothing on another; the verdict states each task", () => {
  // Rows with only the fields the goal reads; chance 0.5. Digits: concept-antitrain at chance, routing 1 point off, equal main accuracy.
  const row = (task: string, arm: st.LocalizationArm, seed: number, probeChosen: number, mainAccuracy: number) =>
    ({ task, arm, seed, part: "main", units: 2, hidden: 8, chance: 0.5, probeChosen, mainAccuracy }) as unknown as st.LocalizationRow;
  const seedRows = (seed: number, lmCollapse: boolean) => {
    const d = (k: number) => 0.001 * k * (seed + 1);
    return [
      ...st.LOCALIZATION_ARMS.map((arm) => row("digits", arm, seed, arm === "gradient-routing" ? 0.51 : arm === "concept-antitrain" ? 0.5 + d(1) : 0.8, 0.9 + d(2))),
      ...st.LOCALIZATION_ARMS.map((arm) => row("lm", arm, seed, arm === "gradient-routing" && lmCollapse ? 0.99 : 0.8 + d(3), arm === "gradient-routing" && lmCollapse ? 0.05 : 0.5 + d(1))),
    ];
  };
  const results = (collapse: boolean) => [0, 1, 2].map((seed) => ({ seed, rows: seedRows(seed, collapse) }) as unknown as st.LocalizationSeed);
  const strip = (checks: st.GoalCheck[]) => JSON.stringify(checks.filter((g) => g.task === "digits"));
  const calm = st.goalChecks(results(false));
  const collapsed = st.goalChecks(results(true));
  assert.deepEqual(calm.map((g) => `${g.task} ${g.arm}`), ["digits antitrain-core", "digits concept-antitrain", "lm antitrain-core", "lm concept-antitrain"]);
  assert.equal(strip(collapsed), strip(calm), "the char-LM's collapsed routing does not touch the digits' checks");
  assert.equal(calm.find((g) => g.task === "digits" && g.arm === "concept-antitrain")?.status, "met");
  assert.equal(calm.find((g) => g.task === "lm" && g.arm === "concept-antitrain")?.status, "failed", "30 points from chance on lm");
  const summary = st.summarizeLocalization(results(false));
  const verdict = st.localizationVerdict(summary);
  assert.equal(verdict.answer, "mixed");
  assert.match(verdict.sentence, /digits: supported \(concept-antitrain .*; lm: not supported/);
  assert.equal(verdict.numbers.length, 4);
  assert.match(verdict.numbers[0], /^digits · antitrain-core: /);
});

test("the sweep: every arm at each unit count (at the task's width) and width (at the study's unit count); its table", { timeout: 300_000 }, () => {
  const s = { ...st.localizationSettings("tiny"), sweep: { units: [1, 2], widths: [8, 12] } };
  st.checkLocalizationSettings(s);
  const r = st.localizationSeed(s, {}, 0);
  const sweep = r.rows.filter((x) => x.part === "sweep");
  assert.deepEqual([...new Set(sweep.map((x) => `${x.units}/${x.hidden}`))], ["1/8", "2/12"], "the main point (2 units of 8) is not repeated");
  assert.equal(sweep.length, 2 * st.LOCALIZATION_ARMS.length);
  for (const x of sweep) assert.equal(x.chosenUnits.length, x.units);
  const table = st.localizationSweep(r.rows);
  assert.deepEqual(Object.keys(table.units), ["1", "2"]);
  assert.deepEqual(Object.keys(table.widths), ["8", "12"]);
  const main = r.rows.find((x) => x.part === "main" && x.arm === "gradient-routing") as st.LocalizationRow;
  assert.equal(table.units["2"]["gradient-routing"].excess.mean, main.probeChosen - main.chance, "the main rows are the sweep's shared point");
  assertAntitrainError(() => st.checkLocalizationSettings({ ...s, sweep: { units: [8], widths: [8] } }), /below every sweep width/);
});

test("on a transformer's MLP neurons (a sequence site) gradient routing masks every position: concept-1 examples leave the other units' W_in untouched", () => {
  const task = st.modularLocalizationTask(7, 8, 8);
  const { train } = st.taskSplit(task);
  const model = st.taskModel(task, 8, 0);
  const c = at.concept(task.concept.name, task.concept.values);
  const labels = train.y.dataSync();
  const rows = Array.from(labels.keys()).filter((i) => c.of[labels[i]] === 1).slice(0, 16);
  const b = at.take(train, rows);
  const win = model.namedVariables().find((v) => v.name === "blocks.0.mlp/W_in")?.variable as tf.Variable;
  for (const routing of st.ROUTINGS) {
    const { value, grads } = tf.variableGrads(() => st.routedLoss(model, "blocks.0.mlp", b, { concept: c, chosen: [0, 1], routing }), [win]);
    const g = grads[win.name].arraySync() as number[][]; // [dModel, dMlp]
    assert.ok(g.every((row) => row.slice(2).every((x) => x === 0)), `${routing}: no gradient into the other units`);
    assert.ok(g.some((row) => row[0] !== 0 || row[1] !== 0), `${routing}: the chosen units learn`);
    tf.dispose([value, ...Object.values(grads)]);
  }
  at.disposeDataset(b);
  model.dispose();
});

test("routedGradients on an MLP's h1: bit for bit the single routed pass (optimizer.minimize(routedLoss)) it replaces", () => {
  const model = tiny();
  const b = batch();
  const vars = model.variables();
  for (const routing of st.ROUTINGS) {
    const options = { concept: identity, chosen: [0], routing };
    const old = tf.variableGrads(() => st.routedLoss(model, "h1", b, options), vars);
    const now = st.routedGradients(model, "h1", b, options, vars);
    assert.equal(now.value.dataSync()[0], old.value.dataSync()[0]);
    for (const v of vars) assert.deepEqual(Array.from(now.grads[v.name].dataSync()), Array.from(old.grads[v.name].dataSync()), `${routing}: ${v.name}`);
    tf.dispose([old.value, now.value, ...Object.values(old.grads), ...Object.values(now.grads)]);
  }
  // And one training update through trainArm equals one Adam update on routedLoss's gradient.
  const a = tiny();
  const ref = tiny();
  const data = { x: tf.tensor2d([...X, ...X]), y: tf.tensor1d([...Y, ...Y], "int32"), classes: 2 };
  st.trainArm(a, data, { arm: "gradient-routing", site: "h1", config: { routing: "two-sided" }, concept: identity, chosen: [0], budget: 3, pretrain: 0, learningRate: 0.01, statsEvery: 1, seed: 0 });
  const opt = tf.train.adam(0.01);
  const stream = new at.BatchStream(data, 64, 7919);
  for (let u = 0; u < 3; u++) {
    const bb = stream.next();
    opt.minimize(() => st.routedLoss(ref, "h1", bb, { concept: identity, chosen: [0], routing: "two-sided" }), false, ref.variables());
    at.disposeDataset(bb);
  }
  a.variables().forEach((v, i) => assert.deepEqual(Array.from(v.dataSync()), Array.from(ref.variables()[i].dataSync()), v.name));
  tf.dispose([b.x, b.y, data.x, data.y]);
  opt.dispose();
  [model, a, ref].forEach((m) => m.dispose());
});

test("routedGradients on a transformer's MLP neurons: W_in and b_in get the routed gradient, every other variable exactly the plain one", () => {
  const task = st.modularLocalizationTask(7, 8, 8);
  const { train } = st.taskSplit(task);
  const model = st.taskModel(task, 8, 0);
  const c = at.concept(task.concept.name, task.concept.values);
  const b = at.take(train, Array.from({ length: 24 }, (_, i) => i));
  const vars = model.variables();
  const own = new Set(["blocks.0.mlp/W_in", "blocks.0.mlp/b_in"]);
  const names = model.namedVariables().map((v) => v.name);
  const tensors = tf.memory().numTensors;
  for (const routing of st.ROUTINGS) {
    const options = { concept: c, chosen: [0, 1], routing };
    const routed = tf.variableGrads(() => st.routedLoss(model, "blocks.0.mlp", b, options), vars);
    const plain = tf.variableGrads(() => tf.tidy(() => tf.mean(at.crossEntropy(model.forward(b.x), b.y as tf.Tensor1D)) as tf.Scalar), vars);
    const now = st.routedGradients(model, "blocks.0.mlp", b, options, vars);
    assert.equal(now.value.dataSync()[0], plain.value.dataSync()[0], "the loss is the plain loss");
    vars.forEach((v, i) => {
      const want = own.has(names[i]) ? routed : plain;
      assert.deepEqual(Array.from(now.grads[v.name].dataSync()), Array.from(want.grads[v.name].dataSync()), `${routing}: ${names[i]}`);
    });
    // The case that matters: the shared upstream weights' routed and plain gradients differ.
    const we = vars[names.indexOf("embed/W_E")].name;
    assert.notDeepEqual(Array.from(routed.grads[we].dataSync()), Array.from(plain.grads[we].dataSync()));
    tf.dispose([routed.value, plain.value, now.value, ...Object.values(routed.grads), ...Object.values(plain.grads), ...Object.values(now.grads)]);
  }
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  // A site with shared upstream weights and no incoming parameters of its own is refused.
  assertAntitrainError(() => st.routedGradients(model, "blocks.0.resid", b, { concept: c, chosen: [0], routing: "one-sided" }, vars), /no incoming parameters of its own/);
  at.disposeDataset(b);
  model.dispose();
});

/** Runs seed 1 of `s` (after seed 0 built the task): every arm once, no tensor leaked, every number finite and every accuracy in [0, 1]. */
function assertOneSeedOfEveryArm(s: st.LocalizationSettings, hidden: number): void {
  st.localizationSeed(s, {}, 0); // builds the task once for the process
  const tensors = tf.memory().numTensors;
  const r = st.localizationSeed(s, {}, 1);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.deepEqual(r.rows.map((x) => x.arm), [...st.LOCALIZATION_ARMS]);
  for (const row of r.rows) {
    assert.equal(row.updates, s.budget);
    assert.equal(row.hidden, hidden);
    assert.ok(Object.values(row).every((v) => typeof v !== "number" || Number.isFinite(v)), `${row.arm}: finite numbers`);
    for (const k of ["mainAccuracy", "probeClean", "probeChosen", "probeOthers", "probeAll", "chance", "removedConcept", "removedMain", "restClean", "restRemoved"] as const) {
      assert.ok(row[k] >= 0 && row[k] <= 1, `${row.arm} ${k} ${row[k]}`);
    }
  }
}

test("a tiny transformer task runs every arm on the MLP neurons, frees its tensors, and measures in range", { timeout: 300_000 }, () => {
  const s = { ...st.localizationSettings("tiny"), tasks: [st.modularLocalizationTask(7, 8, 8)] };
  st.checkLocalizationSettings(s);
  assertOneSeedOfEveryArm(s, 8);
  assertAntitrainError(() => st.checkLocalizationSettings({ ...s, tasks: [{ ...s.tasks[0], transformer: undefined }] }), /needs a transformer/);
});

test("the char-LM task's concept: 1 exactly where the next character is a vowel (a e i o u, either case), on a hand-checked text", () => {
  assert.deepEqual(st.vowelValues(["\n", " ", "A", "b", "e", "\uFFFD"]), [0, 0, 1, 0, 1, 0], "upper-case vowels count; other does not");
  // "Hi Eve, go up.": the window starting at i (2 characters) predicts character i + 2: " E v e ,   g o   u p ."
  const text = "Hi Eve, go up.";
  const expected = [0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0];
  const task = at.charWindows(text, { window: 2, blocks: 2, testFraction: 0.5, seed: 0 });
  const c = at.concept("next is a vowel", st.vowelValues(task.vocab));
  let seen = 0;
  for (const part of ["train", "test"] as const) {
    const y = task[part].y.dataSync();
    task.starts[part].forEach((start, r) => {
      assert.equal(c.of[y[r]], expected[start], `window at ${start} predicts ${JSON.stringify(text[start + 2])}`);
      seen++;
    });
    at.disposeDataset(task[part]);
  }
  assert.ok(seen >= 10, `${seen} windows checked`);
  // The full setting's task: notebook 10's text, its 64-character vocabulary, the ten vowels in it.
  const full = st.localizationSettings("full").tasks.find((t) => t.name === "char-lm") as st.LocalizationTask;
  const vocab = st.charLmVocab(full.data as st.CharLmWindows);
  assert.equal(vocab.length, 64);
  assert.deepEqual(vocab.filter((_, k) => full.concept.values[k] === 1), ["A", "E", "I", "O", "U", "a", "e", "i", "o", "u"]);
});

test("a malformed char-LM description is refused, naming the fix", () => {
  const tiny = st.localizationSettings("tiny");
  const lm = tiny.tasks.find((t) => t.name === "char-lm") as st.LocalizationTask;
  const d = lm.data as st.CharLmWindows;
  const withData = (data: object) => ({ ...tiny, tasks: [{ ...lm, data: data as st.CharLmWindows }] });
  st.checkLocalizationSettings(tiny);
  assertAntitrainError(() => st.checkLocalizationSettings(withData({ ...d, contxt: 4 })), /unknown option "contxt" of task char-lm's char-lm data/);
  assertAntitrainError(() => st.checkLocalizationSettings(withData({ ...d, context: 0 })), /data\.context must be a positive integer/);
  assertAntitrainError(() => st.checkLocalizationSettings(withData({ ...d, vocab: 1 })), /data\.vocab must be at least 2/);
  assertAntitrainError(() => st.checkLocalizationSettings(withData({ ...d, test: undefined })), /data\.test must be a share of the text's blocks in \(0, 1\)/);
  assertAntitrainError(() => st.checkLocalizationSettings(withData({ ...d, validation: 0.5, test: 0.5 })), /must be below 1: leave text to train on/);
  assertAntitrainError(() => st.checkLocalizationSettings({ ...tiny, tasks: [{ ...lm, transformer: undefined }] }), /needs a transformer/);
  assertAntitrainError(() => st.taskSplit({ ...lm, data: { ...d, windows: 3 } }), /raise data\.windows/);
  assertAntitrainError(() => st.charLmLocalizationTask(64, { windowz: 3 } as never), /unknown option "windowz" of charLmLocalizationTask/);
});

test("a tiny char-LM task: held-out blocks split into validation and test; every arm runs on the MLP neurons, frees its tensors, measures in range", { timeout: 300_000 }, () => {
  const tiny = st.localizationSettings("tiny");
  const s = { ...tiny, tasks: tiny.tasks.filter((t) => t.name === "char-lm") };
  st.checkLocalizationSettings(s);
  const { train, validation, test } = st.taskSplit(s.tasks[0]);
  const d = s.tasks[0].data as st.CharLmWindows;
  assert.equal(train.y.shape[0] + validation.y.shape[0] + test.y.shape[0], d.windows, "every window kept lands in one split");
  assert.ok(validation.y.shape[0] > 0 && test.y.shape[0] > 0);
  assert.equal(train.x.shape[1], d.context);
  assertOneSeedOfEveryArm(s, 8);
});
