import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

const study = st.randomizationStudy;

test("07-randomization: registered, and its quick and full settings are the notebook's documented ones", () => {
  assert.equal(st.STUDIES["07-randomization"], study);
  const methods = ["gaussian", "resample", "mean", "zero"];
  assert.deepEqual(study.settings("quick"), { data: { dataset: "digits" }, hidden: 128, pretrain: 100, more: 60, cycle: 100, fraction: 0.5, samples: 1, methods, learningRate: 1e-3 });
  assert.deepEqual(study.settings("full"), { data: { dataset: "digits" }, hidden: 128, pretrain: 600, more: 1600, cycle: 100, fraction: 0.5, samples: 3, methods, learningRate: 1e-3 });
  for (const size of st.STUDY_SIZES) study.check(study.settings(size));
});

test("07-randomization: check refuses settings the study cannot run, naming the fix", () => {
  const quick = study.settings("quick");
  assertAntitrainError(() => study.check({ ...quick, methods: ["resample", "mean"] }), /include "gaussian"/);
  assertAntitrainError(() => study.check({ ...quick, methods: ["gaussian", "mean"] }), /include "resample"/);
  assertAntitrainError(() => study.check({ ...quick, methods: ["gaussian", "resample", "noise"] } as never), /distinct randomization methods/);
  assertAntitrainError(() => study.check({ ...quick, methods: ["gaussian", "resample", "gaussian"] }), /distinct/);
  assertAntitrainError(() => study.check({ ...quick, fraction: 1.5 }), /fraction/);
  assertAntitrainError(() => study.check({ ...quick, more: 0 }), /more/);
  assertAntitrainError(() => study.check({ ...quick, steps: 10 } as never), /unknown option "steps"/);
});

test("07-randomization: the tables are means and 95% intervals over seeds, pairs in the first seed's order", () => {
  const seed = (rho: number, core: number, acc: number) => ({
    seed: 0,
    agreements: [{ a: "gaussian", b: "resample", rho }, { a: "gaussian", b: "gaussian (other draws)", rho: rho / 2 }],
    coreByMethod: { gaussian: core, resample: core + 2 },
    branches: ["plain", "gaussian", "resample"].map((variant, i) => ({ variant, testAcc: acc, testLoss: 0.1, core95Own: core + i, core95Resample: core - i, spectatorShare: 0.1, seconds: 1 })),
  });
  const results = [seed(0.8, 10, 0.9), seed(0.6, 14, 0.94)];
  const t = st.randomizationTables(results, ["gaussian", "resample"]);
  // mean 0.7, sd 0.1414, t(1) = 12.706: half-width 12.706 · 0.1414 / √2 = 1.2706
  assert.deepEqual(t.agreement[0], { pair: "gaussian | resample", "Spearman ρ (mean)": 0.7, "95% CI": "[-0.571, 1.971]" });
  assert.equal(t.agreement[1].pair, "gaussian | gaussian (other draws)");
  assert.deepEqual(t.cores.map((c) => c["95% core of the plain model (mean)"]), [12, 14]);
  assert.deepEqual(t.branches.map((b) => b.v), ["plain", "gaussian", "resample"]);
  assert.deepEqual(t.branches.map((b) => b.res.mean), [12, 11, 10]);
  assert.ok(Math.abs(t.branches[0].acc.mean - 0.92) < 1e-12);
  assert.equal(st.meanAgreement(results, "resample", "gaussian"), 0.7);
  assert.ok(Math.abs(st.meanAgreement(results, "gaussian", "gaussian") - 0.35) < 1e-12, "a random method with itself: its other draws");
  assert.equal(st.meanAgreement(results, "mean", "mean"), 1, "a deterministic method with itself: 1");
});

test("07-randomization: a tiny seed measures every pair and branch, repeats exactly, and leaks nothing", () => {
  const s = study.settings("tiny");
  st.studyData(s.data); // built once per process: not a leak
  const tensors = tf.memory().numTensors;
  const r = study.run(s, null, 0);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.equal(r.agreements.length, 6 + 2, "six pairs of four methods, and a second draw of gaussian and resample");
  for (const a of r.agreements) assert.ok(a.rho >= -1 && a.rho <= 1, `${a.a} | ${a.b}: ${a.rho}`);
  assert.deepEqual(Object.keys(r.coreByMethod), s.methods);
  assert.deepEqual(r.branches.map((b) => b.variant), ["plain", ...s.methods]);
  for (const b of r.branches) {
    for (const n of [b.core95Own, b.core95Resample]) assert.ok(Number.isInteger(n) && n >= 0 && n <= s.hidden, `${b.variant}: core ${n}`); // 0 when the layer does no damage
    assert.ok(b.testAcc > 0.1 && b.testAcc <= 1);
  }
  for (const v of ["plain", "resample"]) {
    const b = r.branches.find((x) => x.variant === v);
    assert.equal(b?.core95Own, b?.core95Resample, `${v}: its own method is the yardstick`);
  }
  const again = study.run(s, null, 0);
  const strip = (x: st.RandomizationSeed) => ({ ...x, branches: x.branches.map((b) => ({ ...b, seconds: 0 })) });
  assert.deepEqual(strip(again), strip(r), "the same seed gives the same numbers");
  const summary = study.summarize(s, [r, again]);
  assert.equal(summary.reference, "gaussian");
  assert.deepEqual(summary.arms.map((a) => a.arm), ["plain", ...s.methods]);
  assert.equal(summary.arms[1].mean, r.branches[1].core95Resample);
  assert.ok(st.ANSWERS.includes(study.verdict(summary).answer));
});
