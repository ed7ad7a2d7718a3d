import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

const study = st.memorizationStudy;

test("08-generalizing-vs-memorizing: registered; quick and full are the notebook's documented settings, with the same number of configurations per arm", () => {
  assert.equal(st.STUDIES["08-generalizing-vs-memorizing"], study);
  const common = { train_examples: 300, held_out: 150, validation: 200, noise: 0.2, hidden: 128, learningRate: 1e-3, batchSize: 64 };
  const { grid: fullGrid, ...full } = study.settings("full");
  assert.deepEqual(full, { ...common, steps: 800, warmup: 200, samples: 3, ablate: [8, 16, 32] });
  const { grid: quickGrid, ...quick } = study.settings("quick");
  assert.deepEqual(quick, { ...common, steps: 500, warmup: 100, samples: 1, ablate: [16] });
  // Equal tuning effort: nine configurations per arm in full; quick tunes nothing (one each, from the full grid); tiny two.
  for (const arm of st.MEMORIZATION_ARMS) {
    assert.equal(fullGrid[arm].length, 9, arm);
    assert.equal(quickGrid[arm].length, 1, arm);
    assert.ok(fullGrid[arm].some((c) => JSON.stringify(c) === JSON.stringify(quickGrid[arm][0])), `${arm}: quick's configuration is one of full's`);
    assert.equal(study.settings("tiny").grid[arm].length, 2, arm);
    assert.equal(new Set(fullGrid[arm].map((c) => JSON.stringify(c))).size, 9, `${arm}: nine distinct configurations`);
  }
  // The plain arms' learning rates span the earlier grid (3e-4, 1e-3, 3e-3) and go beyond it on both sides.
  for (const arm of ["plain", "plain on train + held-out"] as const) {
    const rates = fullGrid[arm].map((c) => (c as { learningRate: number }).learningRate);
    for (const old of [3e-4, 1e-3, 3e-3]) assert.ok(rates.includes(old), `${arm}: ${old}`);
    assert.ok(Math.min(...rates) < 3e-4 && Math.max(...rates) > 3e-3, `${arm}: ${rates}`);
  }
  // Antitraining's four knobs jointly, as an L9 orthogonal array: every pair of knobs takes each of its nine level pairs once.
  const l9 = fullGrid["antitrain, held-out core"] as readonly st.MemorizationAntitrainConfig[];
  assert.deepEqual(fullGrid["antitrain, training core"], l9, "both antitraining arms tune over the same nine");
  assert.deepEqual(l9[0], { fraction: 0.9, cycle: 50, antiSteps: 1, antiLearningRate: 1e-3 });
  const knobs = ["fraction", "cycle", "antiSteps", "antiLearningRate"] as const;
  for (const k of knobs) assert.equal(new Set(l9.map((c) => c[k])).size, 3, k);
  for (const [i, a] of knobs.entries()) for (const b of knobs.slice(i + 1)) assert.equal(new Set(l9.map((c) => `${c[a]}/${c[b]}`)).size, 9, `${a} × ${b}`);
  assert.equal(st.configLabel(l9[0]), "fraction 0.9, cycle 50, 1:1 at anti lr 0.001");
  assert.deepEqual(fullGrid["example-tied dropout"].map(st.configLabel), [0.4, 0.6, 0.8].flatMap((g) => [0.05, 0.1, 0.2].map((m) => `p_gen ${g}, p_mem ${m}`)));
  for (const size of st.STUDY_SIZES) study.check(study.settings(size));
});

test("08-generalizing-vs-memorizing: check refuses settings the study cannot run, naming the fix", () => {
  const quick = study.settings("quick");
  const full = study.settings("full");
  assertAntitrainError(() => study.check({ ...quick, warmup: 500 }), /warmup \(500\) must be below settings.steps/);
  assertAntitrainError(() => study.check({ ...quick, warmup: 101 }), /steps − settings.warmup \(399\) must be a multiple of 1 \+ antiSteps \(2\)/);
  // 598 updates after the warm-up split 1:1, not 1:2 (full's grid has configurations with two and three antitrain steps).
  assertAntitrainError(() => study.check({ ...full, warmup: 202 }), /\(598\) must be a multiple of 1 \+ antiSteps \(3\)/);
  assertAntitrainError(() => study.check({ ...quick, ablate: [200] }), /cannot exceed settings.hidden/);
  assertAntitrainError(() => study.check({ ...quick, ablate: [] }), /ablate must list/);
  assertAntitrainError(() => study.check({ ...quick, noise: 0 }), /noise/);
  assertAntitrainError(() => study.check({ ...quick, train_examples: 1000 }), /exceeds digits' 1347 training rows/);
  assertAntitrainError(() => study.check({ ...full, grid: { ...full.grid, plain: [{ learningRate: 1e-3 }] } }), /same number of configurations/);
  assertAntitrainError(() => study.check({ ...quick, grid: { ...quick.grid, plain: [quick.grid["antitrain, held-out core"][0]] } }), /grid\["plain"\]: every configuration must be like \{ learningRate/);
  assertAntitrainError(() => study.check({ ...quick, grid: { ...quick.grid, "example-tied dropout": [{ pGen: 0.4, pMem: 0 }] } }), /settings\.grid\["example-tied dropout"\]'s pMem must be a finite number in \(0, 1\), got 0: the share of the memorization units/);
  const anti = quick.grid["antitrain, held-out core"][0] as st.MemorizationAntitrainConfig;
  const withAnti = (c: object) => ({ ...quick, grid: { ...quick.grid, "antitrain, held-out core": [c as st.MemorizationArmConfig] } });
  assertAntitrainError(() => study.check(withAnti({ fraction: 0.5 })), /grid\["antitrain, held-out core"\]'s cycle .* must be a positive integer/);
  assertAntitrainError(() => study.check(withAnti({ ...anti, antiSteps: 0 })), /antiSteps .* must be a positive integer/);
  assertAntitrainError(() => study.check(withAnti({ ...anti, antiLearningRate: -1 })), /antiLearningRate must be a finite number in \(0, 1\], got -1: e\.g\. 1e-3/);
  assertAntitrainError(() => study.check(withAnti({ ...anti, fraction: 1.5 })), /grid\["antitrain, held-out core"\]'s fraction must be a finite number in \(0, 1\], got 1\.5: the share of units antitrained/);
  assertAntitrainError(() => study.check({ ...quick, grid: { ...quick.grid, plain: [{ learningRate: 0 }] } }), /grid\["plain"\]'s learningRate must be a finite number in \(0, 1\], got 0: e\.g\. 1e-3/);
  assertAntitrainError(() => study.check(withAnti({ ...anti, rate: 1 })), /unknown option "rate"/);
  assertAntitrainError(() => study.check({ ...quick, cycle: 25 } as never), /unknown option "cycle"/);
  assertAntitrainError(() => study.check({ ...quick, stepz: 1 } as never), /unknown option "stepz"/);
});

test("example-tied dropout: generalization units always on, each example tied to its own memorization units in training, none at test", () => {
  const m = st.exampleTiedMasks(30, 20, 0.4, 0.25, 3);
  assert.equal(m.generalization.length, 8);
  assert.equal(m.memorization.length, 12);
  assert.deepEqual([...m.generalization, ...m.memorization].sort((a, b) => a - b), Array.from({ length: 20 }, (_, u) => u), "a partition of the units");
  for (const own of m.perExample) {
    assert.equal(own.length, 3, "round(0.25 · 12) memorization units per example");
    for (const u of own) assert.ok(m.memorization.includes(u));
  }
  assert.deepEqual(Array.from(st.testMask(m)), Array.from({ length: 20 }, (_, u) => (m.generalization.includes(u) ? 1 : 0)));
  // The stream reports the rows of the batch it just gave, across epoch boundaries.
  const data = at.dataset(Array.from({ length: 30 }, (_, i) => i), Array.from({ length: 30 }, (_, i) => i % 2), { features: 1, classes: 2 });
  const stream = new st.IndexedBatchStream(data, 8, 5);
  for (let b = 0; b < 6; b++) {
    const batch = stream.next();
    assert.deepEqual(Array.from(batch.x.dataSync()), stream.rows, `batch ${b}: rows are the examples' indices`);
    at.disposeDataset(batch);
  }
  // Training hook on an all-ones activation: each row keeps exactly its example's training mask.
  const hooks = st.exampleTiedTrainHooks(m, stream, "h1")(0);
  const out = tf.tidy(() => hooks.h1(tf.ones([8, 20])).arraySync() as number[][]);
  stream.rows.forEach((r, j) => assert.deepEqual(out[j], Array.from(st.trainingMaskRow(m, r)), `row ${j} (example ${r})`));
  at.disposeDataset(data);
});

test("example-tied dropout: one training step moves only the generalization units and the batch's own memorization units", () => {
  const model = at.mlp({ inputs: 3, hidden: [12], classes: 2, seed: 1 });
  const x = Array.from({ length: 24 }, (_, i) => Math.sin(i + 1));
  const data = at.dataset(x, [0, 1, 0, 1, 1, 0, 1, 0], { features: 3, classes: 2 });
  const m = st.exampleTiedMasks(8, 12, 0.25, 0.12, 2); // 3 generalization units, 1 of 9 memorization units per example
  const stream = new st.IndexedBatchStream(data, 2, 0);
  const w1 = () => (model.namedVariables().find((v) => v.name === "dense1/w")?.variable.arraySync() as number[][]);
  const before = w1();
  at.train(model, data, { steps: 1, learningRate: 0.1, stream, hooks: st.exampleTiedTrainHooks(m, stream, "h1") });
  const after = w1();
  const active = new Set([...m.generalization, ...stream.rows.flatMap((r) => m.perExample[r])]);
  for (let u = 0; u < 12; u++) {
    const moved = before.some((row, i) => row[u] !== after[i][u]);
    if (!active.has(u)) assert.equal(moved, false, `unit ${u} is no example of the batch's: its weights must not move`);
  }
  assert.ok([...active].some((u) => before.some((row, i) => row[u] !== after[i][u])), "the active units learn");
  model.dispose();
  at.disposeDataset(data);
});

test("unitGradientNorms equals a plain loop over examples of tf.grads of each example's loss", () => {
  const model = at.mlp({ inputs: 4, hidden: [6], classes: 3, seed: 4 });
  const x = Array.from({ length: 20 }, (_, i) => Math.cos(1.7 * i));
  const y = [0, 1, 2, 1, 0];
  const data = at.dataset(x, y, { features: 4, classes: 3 });
  const fast = st.unitGradientNorms(model, data);
  const vars = Object.fromEntries(model.namedVariables().map((v) => [v.name, v.variable]));
  const plain = new Float64Array(6);
  for (let i = 0; i < 5; i++) {
    const g = tf.tidy(() => {
      const xi = tf.tensor2d(x.slice(4 * i, 4 * i + 4), [1, 4]);
      const yi = tf.tensor1d([y[i]], "int32");
      const { grads } = tf.variableGrads(() => tf.mean(at.crossEntropy(model.forward(xi), yi)) as tf.Scalar, [vars["dense1/w"], vars["dense1/b"], vars["dense2/w"]]);
      return [grads[vars["dense1/w"].name].arraySync(), grads[vars["dense1/b"].name].arraySync(), grads[vars["dense2/w"].name].arraySync()] as [number[][], number[], number[][]];
    });
    const [gw1, gb1, gw2] = g;
    for (let u = 0; u < 6; u++) {
      let s = gb1[u] ** 2;
      for (const row of gw1) s += row[u] ** 2;
      for (const v of gw2[u]) s += v ** 2;
      plain[u] += s / 5;
    }
  }
  for (let u = 0; u < 6; u++) assert.ok(Math.abs(fast[u] - plain[u]) < 1e-5 * Math.max(1, plain[u]), `unit ${u}: ${fast[u]} vs ${plain[u]}`);
  assertAntitrainError(() => st.unitGradientNorms(at.mlp({ inputs: 4, hidden: [6, 6], classes: 3 }), data), /one-hidden-layer ReLU MLP/);
  model.dispose();
  at.disposeDataset(data);
});

test("memorizingOrder and shares, by hand", () => {
  assert.deepEqual(Array.from(st.shares([1, 3, 0, -2])), [0.25, 0.75, 0, 0]);
  // log ratios: unit 0 log(0.5/0.1) > 0, unit 1 log(0.1/0.5) < 0, unit 2 equal, unit 3 inert (both below 0.1/4).
  assert.deepEqual(st.memorizingOrder([0.5, 0.1, 0.39, 0.01], [0.1, 0.5, 0.39, 0.01]), [0, 2, 1]);
});

test("08-generalizing-vs-memorizing: tuning scores every configuration of every arm on the validation split; choose takes the best mean", () => {
  const s = study.settings("tiny");
  const rows = study.tune?.(s, 100) ?? [];
  assert.equal(rows.length, st.MEMORIZATION_ARMS.length * 2);
  // Tuning ran antitraining's second tiny configuration (two antitrain steps after each training step) to the same
  // update budget: trainArm refuses to return otherwise.
  assert.equal((s.grid["antitrain, held-out core"][1] as st.MemorizationAntitrainConfig).antiSteps, 2);
  assert.ok(rows.some((r) => r.arm === "antitrain, held-out core" && r.configIndex === 1));
  for (const r of rows) assert.ok(r.valAcc >= 0 && r.valAcc <= 1 && r.seed === 100 && Number.isFinite(r.valLoss));
  const fake = (arm: st.MemorizationArm, configIndex: number, valAcc: number, seed: number) => ({ arm, configIndex, seed, valAcc, valLoss: 1 });
  const chosen = study.choose(s, [fake("plain", 0, 0.8, 100), fake("plain", 1, 0.9, 100), fake("plain", 0, 0.8, 101), fake("plain", 1, 0.6, 101), fake("example-tied dropout", 1, 0.7, 100)]);
  assert.deepEqual(chosen.plain, s.grid.plain[0], "mean 0.80 beats mean 0.75");
  assert.deepEqual(chosen["example-tied dropout"], s.grid["example-tied dropout"][1]);
  assert.deepEqual(chosen["antitrain, held-out core"], s.grid["antitrain, held-out core"][0], "no rows: the first configuration");
});

test("08-generalizing-vs-memorizing: a tiny seed runs every arm at the same update budget, partitions the units and leaks nothing", () => {
  const s = study.settings("tiny");
  const data = st.memorizationData(s); // built once per process: not a leak
  assert.equal(data.validation.x.shape[0], s.validation);
  const tensors = tf.memory().numTensors;
  const chosen = study.choose(s, []);
  const r = study.run(s, chosen, 0);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.equal(Object.values(r.roles).reduce((a, b) => a + b, 0), s.hidden, "every unit has one role");
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  for (const xs of [r.trainShare, r.heldOutShare, r.gradientNoisyShare, r.gradientCleanShare]) assert.ok(Math.abs(sum(xs) - 1) < 1e-6, "shares sum to 1");
  assert.deepEqual(r.outcomes.map((o) => o.arm), [...st.MEMORIZATION_ARMS]);
  for (const o of r.outcomes) {
    assert.equal(o.updates, s.steps, `${o.arm}: the same update budget`);
    for (const v of [o.testAcc, o.valAcc, o.trainAcc, o.noisyFit, o.cleanFit]) assert.ok(v >= 0 && v <= 1, o.arm);
    assert.ok(o.core95 === null ? o.arm === "example-tied dropout" : Number.isInteger(o.core95) && o.core95 >= 0 && o.core95 <= s.hidden);
  }
  const etd = r.outcomes.find((o) => o.arm === "example-tied dropout");
  assert.ok(etd?.noisyFitOwnUnits !== undefined && etd.noisyFitOwnUnits >= 0 && etd.noisyFitOwnUnits <= 1);
  assert.deepEqual(r.ablations.map((a) => `${a.ranking} ${a.k}`), st.MEMORIZATION_RANKINGS.map((k) => `${k} 4`));
  // Plain training with the same initialization, batches and labels: the unablated fits are the plain outcome's.
  const plain = r.outcomes[0];
  assert.equal(r.none.noisyFit, plain.noisyFit);
  assert.equal(r.none.testAcc, plain.testAcc);
  for (const a of r.ablations) assert.ok(Math.abs(a.forgotten - (r.none.noisyFit - a.noisyFit)) < 1e-12 && Math.abs(a.testCost - (r.none.testAcc - a.testAcc)) < 1e-12);
  // Part 1 analyses plain training at settings.learningRate even when plain's chosen learning rate is another.
  const other = study.run(s, { ...chosen, plain: { learningRate: 3e-3 } }, 0);
  assert.equal(other.outcomes[0].config, "lr 0.003");
  assert.deepEqual(other.none, r.none);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
});

/** A fabricated seed: test accuracies per arm, wrong labels reproduced 0.5, forgotten per ranking. */
function fakeSeed(seed: number, acc: number[], forgotten: number[]): st.MemorizationSeed {
  return {
    seed, roles: {}, rhoTrainHeld: 0, rhoRandomizationGradient: 0, trainShare: [], heldOutShare: [], gradientNoisyShare: [], gradientCleanShare: [], roleList: [],
    none: { noisyFit: 1, cleanFit: 1, testAcc: 0.8 },
    ablations: st.MEMORIZATION_RANKINGS.map((ranking, i) => ({ ranking, k: 4, noisyFit: 1 - forgotten[i], cleanFit: 1, testAcc: 0.8, forgotten: forgotten[i], cleanCost: 0, testCost: 0 })),
    outcomes: st.MEMORIZATION_ARMS.map((arm, i) => ({
      arm, config: "lr 0.001", testAcc: acc[i], testLoss: 1 - acc[i], valAcc: acc[i], trainAcc: 1, noisyFit: 0.5, cleanFit: 1, core95: 10, updates: 40,
      ...(arm === "example-tied dropout" ? { noisyFitOwnUnits: 0.9, cleanFitOwnUnits: 1 } : {}),
    })),
  };
}

test("08-generalizing-vs-memorizing: the summary pairs every arm with the held-out core, and the verdict names the flips and the unit check", () => {
  const s = study.settings("tiny");
  const results = [0, 1, 2, 3].map((seed) => fakeSeed(seed, [0.8, 0.84 + 0.001 * seed, 0.82 + 0.002 * seed, 0.85, 0.9], [0.2 + 0.01 * seed, 0.1, 0.05 * seed, 0.02]));
  const summary = study.summarize(s, results);
  assert.equal(summary.reference, "antitrain, held-out core");
  assert.deepEqual(summary.paired.map((p) => p.arm), ["plain", "antitrain, training core", "example-tied dropout", "plain on train + held-out"]);
  const plain = summary.paired[0];
  assert.ok(Math.abs(plain.mean - -0.023) < 1e-9, "0.8 − mean(0.82, 0.822, 0.824, 0.826)");
  const rows = st.memorizationPairedRows(summary);
  assert.equal(rows[0].comparison, "plain − antitrain, held-out core");
  assert.equal(rows[0]["better / worse seeds"], "0 / 4");
  const d = summary.details as st.MemorizationDetails;
  assert.equal(d.rankings[0].k, 4);
  assert.equal(d.rankings[0].forgotten.reference, "randomization, train vs held-out");
  assert.equal(d.exampleTied.forgotten, "0.400 [0.400, 0.400]");
  const v = study.verdict(summary);
  // Held-out core reliably better than plain, reliably worse than example-tied dropout: mixed.
  assert.equal(v.answer, "mixed");
  assert.match(v.sentence, /Units: setting the 4 units the randomization ranking calls most memorizing to their means forgets 0\.215/);
  assert.match(v.sentence, /the strongest other ranking, gradient, train vs held-out, forgets 0\.100 \[0\.100, 0\.100\] \(paired difference −0\.115/);
  assert.match(v.sentence, /Example-tied dropout, dropping its memorization units at test, forgets 0\.400/);
  // With four seeds the Wilcoxon test cannot reach p < 0.05 (smallest two-sided p = 0.125, printed 0.13): it flips every reliable comparison.
  assert.match(v.sentence, /Where another statistic disagrees: plain: the t interval excludes zero but the Wilcoxon p is 0\.13/);
  assert.deepEqual(st.memorizationTuningRows(s, [{ arm: "plain", configIndex: 1, seed: 100, valAcc: 0.5, valLoss: 1 }], study.choose(s, [])).slice(0, 2).map((r) => [r.configuration, r["validation acc (tuning seeds)"], r.chosen]), [["lr 0.001", "NaN (0 seeds)", "yes"], ["lr 0.003", "0.500 (1 seed)", ""]]);
});
