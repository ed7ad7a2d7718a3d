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

test("08-generalizing-vs-memorizing: registered, and its quick and full settings are the notebook's documented ones", () => {
  assert.equal(st.STUDIES["08-generalizing-vs-memorizing"], study);
  const common = { train_examples: 300, held_out: 150, noise: 0.2, hidden: 128, fraction: 0.5, ablate: 16, learningRate: 1e-3, batchSize: 64 };
  assert.deepEqual(study.settings("quick"), { ...common, steps: 500, warmup: 150, cycle: 25, samples: 1 });
  assert.deepEqual(study.settings("full"), { ...common, steps: 800, warmup: 200, cycle: 50, samples: 3 });
  for (const size of st.STUDY_SIZES) study.check(study.settings(size));
});

test("08-generalizing-vs-memorizing: check refuses settings the study cannot run, naming the fix", () => {
  const quick = study.settings("quick");
  assertAntitrainError(() => study.check({ ...quick, warmup: 500 }), /warmup \(500\) must be below settings.steps/);
  assertAntitrainError(() => study.check({ ...quick, ablate: 200 }), /ablate/);
  assertAntitrainError(() => study.check({ ...quick, noise: 0 }), /noise/);
  assertAntitrainError(() => study.check({ ...quick, train_examples: 1300 }), /exceeds digits' 1347 training rows/);
  assertAntitrainError(() => study.check({ ...quick, fraction: 0 }), /fraction/);
  assertAntitrainError(() => study.check({ ...quick, stepz: 1 } as never), /unknown option "stepz"/);
});

test("08-generalizing-vs-memorizing: ciText and the tables, by hand", () => {
  assert.equal(st.ciText([0.8]), "0.800 (one seed, no interval)");
  // mean 0.85, sd 0.0707, t(1) = 12.706: half-width 12.706 · 0.0707 / √2 = 0.6353
  assert.equal(st.ciText([0.8, 0.9]), "0.850 [0.215, 1.485]");
  assert.equal(st.ciText([10, 12], 1), "11.0 [-1.7, 23.7]");
  const seed = (acc: number[]) => ({
    seed: 0, roles: {}, rhoTrainHeld: 0, trainShare: [], heldOutShare: [], roleList: [], ablations: [],
    outcomes: st.MEMORIZATION_VARIANTS.map((variant, i) => ({ variant, testAcc: acc[i], trainAcc: 1, gap: 1 - acc[i], noisyFit: 0.5, cleanFit: 1, core95: 10 })),
  });
  const results = [seed([0.8, 0.84, 0.82, 0.9]), seed([0.8, 0.84, 0.82, 0.9])];
  const rows = st.memorizationOutcomeRows(results);
  assert.deepEqual(rows.map((r) => r.variant), [...st.MEMORIZATION_VARIANTS]);
  assert.equal(rows[1]["test acc"], "0.840 [0.840, 0.840]");
  const paired = st.memorizationPairedRows(results);
  assert.deepEqual(paired.map((p) => p.comparison), ["antitrain, training core − plain", "antitrain, held-out core − plain", "plain on train + held-out − plain", "held-out core − training core"]);
  assert.equal(paired[3]["test acc difference (mean, 95% CI)"], "-0.020 [-0.020, -0.020]");
  const summary = study.summarize(study.settings("tiny"), results);
  assert.equal(summary.reference, "antitrain, held-out core");
  assert.deepEqual(summary.paired.map((p) => [p.arm, Number(p.mean.toFixed(6))]), [["plain", -0.02], ["antitrain, training core", 0.02], ["plain on train + held-out", 0.08]]);
});

test("08-generalizing-vs-memorizing: a tiny seed partitions the units, runs the four variants and leaks nothing", () => {
  const s = study.settings("tiny");
  st.studyData({ dataset: "digits", trainLimit: s.train_examples + s.held_out }); // built once per process: not a leak
  const tensors = tf.memory().numTensors;
  const r = study.run(s, null, 0);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.equal(Object.values(r.roles).reduce((a, b) => a + b, 0), s.hidden, "every unit has one role");
  assert.equal(r.roleList.length, s.hidden);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum(r.trainShare) - 1) < 1e-6 && Math.abs(sum(r.heldOutShare) - 1) < 1e-6, "shares sum to 1");
  assert.deepEqual(r.ablations.map((a) => a.kind), ["none", "most memorizing", "most generalizing", "random"]);
  assert.deepEqual(r.outcomes.map((o) => o.variant), [...st.MEMORIZATION_VARIANTS]);
  for (const o of r.outcomes) {
    assert.ok(Math.abs(o.gap - (o.trainAcc - o.testAcc)) < 1e-12);
    assert.ok(Number.isInteger(o.core95) && o.core95 >= 0 && o.core95 <= s.hidden);
  }
  // Plain training with the same initialization, batches and labels: the "none" ablation is the plain outcome's fit.
  const plain = r.outcomes[0];
  assert.equal(r.ablations[0].trainNoisyAcc, plain.noisyFit);
  assert.equal(r.ablations[0].testAcc, plain.testAcc);
});
