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
  const small = (smallTrained: number, smallSteps: number, shapleySamples: number, referenceSamples: number) => ({ smallTrained, smallSteps, smallLearningRate: 1e-2, shapleySamples, referenceSamples, topK: 3 });
  assert.deepEqual(study.settings("quick"), { data: { dataset: "digits" }, hidden: 128, pretrain: 100, more: 60, cycle: 100, fraction: 0.5, samples: 1, methods, learningRate: 1e-3, ...small(5, 300, 2, 4) });
  assert.deepEqual(study.settings("full"), { data: { dataset: "digits" }, hidden: 128, pretrain: 600, more: 1600, cycle: 100, fraction: 0.5, samples: 3, methods, learningRate: 1e-3, ...small(9, 1500, 8, 16) });
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
  assertAntitrainError(() => study.check({ ...quick, smallTrained: 10 }), /at most 12 .*smallTrained ≤ 9/);
  assertAntitrainError(() => study.check({ ...quick, topK: 6 }), /topK must be at most/);
  assertAntitrainError(() => study.check({ ...quick, referenceSamples: 0 }), /referenceSamples/);
  assertAntitrainError(() => study.check({ ...quick, smallLearningRate: -1 }), /smallLearningRate/);
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

test("07-randomization: the verdict names the ground-truth statistics under which its answer flips", () => {
  const s = study.settings("tiny");
  const seeds = [0, 1, 2, 3, 4];
  const method = (m: string, rhoReference: number, topK: number) => ({ method: m, single: [], ownShapley: [], rhoReference, rhoReferenceAccuracy: rhoReference, rhoOwn: 0.5, rhoOwnVsReference: 0.5, topK, planted: 1, constantDamage: 0, copyRatio: 1 });
  const results = seeds.map((seed) => ({
    seed,
    groundTruth: { kinds: [], original: 0, testAcc: 0.9, testLoss: 0.3, reference: [], referenceAccuracy: [], referenceAll: 1, methods: [method("gaussian", 0.9 + seed * 0.01, 0.5), method("resample", 0.8 + seed * 0.02, 0.9 + seed * 0.01), method("mean", 0.5 + seed * 0.01, 0.5), method("zero", 0.6 + seed * 0.01, 0.5)] },
    agreements: [{ a: "gaussian", b: "resample", rho: 0.8 }],
    coreByMethod: { gaussian: 10, resample: 10 },
    branches: ["plain", ...s.methods].map((variant) => ({ variant, testAcc: 0.9, testLoss: 0.3, core95Own: 5, core95Resample: 5 + seed, spectatorShare: 0.1, seconds: 1 })),
  })) as unknown as st.RandomizationSeed[];
  const v = study.verdict(study.summarize(s, results));
  assert.equal(v.answer, "supported", "gaussian highest on the headline on every seed");
  assert.match(v.sentence, /It flips under top-3 overlap with the reference Shapley values \(not supported: resample better than gaussian/);
  assert.match(v.sentence, /it holds under Spearman with exact reference Shapley values \(accuracy\)/);
});

test("07-randomization: a tiny seed measures every pair and branch, repeats exactly, and leaks nothing", () => {
  const s = study.settings("tiny");
  st.studyData(s.data); // built once per process: not a leak
  const tensors = tf.memory().numTensors;
  const r = study.run(s, null, 0);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  const gt = r.groundTruth;
  const n = s.smallTrained + 3;
  assert.deepEqual(gt.kinds, [...Array(s.smallTrained).fill("trained"), "copy", "constant", "silent"]);
  assert.ok(Math.abs(gt.reference.reduce((a, b) => a + b, 0) - gt.referenceAll) < 1e-6 * Math.max(1, Math.abs(gt.referenceAll)), "efficiency of the reference Shapley values");
  assert.ok(Math.abs(gt.reference[n - 1]) < 1e-9, "the silent unit (zero outgoing weights) is a null player");
  assert.ok(Math.abs(gt.reference[n - 2]) < 1e-9, "the constant unit is a null player under resampling");
  assert.deepEqual(gt.methods.map((m) => m.method), s.methods);
  for (const m of gt.methods) {
    assert.equal(m.single.length, n);
    assert.equal(m.ownShapley.length, n);
    for (const x of [m.rhoReference, m.rhoReferenceAccuracy, m.rhoOwn, m.rhoOwnVsReference]) assert.ok(x >= -1 && x <= 1, `${m.method}: ρ ${x}`);
    assert.ok(m.topK >= 0 && m.topK <= 1 && m.planted >= 0 && m.planted <= 1, `${m.method}: top-k ${m.topK}, planted ${m.planted}`);
    if (m.method !== "zero") assert.ok(Math.abs(m.constantDamage) < 1e-5, `${m.method}: the constant unit stays at its value`);
  }
  assert.ok(gt.testAcc > 0.1 && gt.testAcc <= 1);
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
  assert.deepEqual(summary.arms.map((a) => a.arm), s.methods);
  assert.equal(summary.arms[1].mean, r.groundTruth.methods[1].rhoReference);
  const d = summary.details as st.RandomizationDetails;
  assert.deepEqual(d.statistics.map((x) => x.key), ["rhoReference", "rhoReferenceAccuracy", "topK", "planted", "rhoOwn", "core95", "testAcc", "testLoss"]);
  const core = d.statistics.find((x) => x.key === "core95")?.summary;
  assert.deepEqual(core?.arms.map((a) => a.arm), ["plain", ...s.methods]);
  assert.equal(core?.arms[1].mean, r.branches[1].core95Resample);
  const v = study.verdict(summary);
  assert.ok(st.ANSWERS.includes(v.answer));
  assert.match(v.sentence, /Antitraining \(part 2, beside the verdict\)/);
});
