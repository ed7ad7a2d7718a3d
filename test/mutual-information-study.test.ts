import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { pearson } from "../lib/base/statistics";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

const study = st.mutualInformationStudy;

test("11-mutual-information: registered, and its quick and full settings are the notebook's documented ones", () => {
  assert.equal(st.STUDIES["11-mutual-information"], study);
  const common = { data: { dataset: "digits" }, HIDDEN: 32, STEPS: 750, LEARNING_RATE: 1e-3, DROPOUT: 0.3, L2: 1e-3, FRACTION: 0.5, CYCLE: 100, PLANTED: 4, SUBSETS: 8 };
  assert.deepEqual(study.settings("quick"), { ...common, SAMPLES: 1 });
  assert.deepEqual(study.settings("full"), { ...common, SAMPLES: 4 });
  for (const size of st.STUDY_SIZES) study.check(study.settings(size));
});

test("11-mutual-information: check refuses settings the study cannot run, naming the fix", () => {
  const quick = study.settings("quick");
  assertAntitrainError(() => study.check({ ...quick, PLANTED: 33 }), /PLANTED \(33\) cannot exceed settings.HIDDEN \(32\)/);
  assertAntitrainError(() => study.check({ ...quick, HIDDEN: 1, PLANTED: 1 }), /at least 2/);
  assertAntitrainError(() => study.check({ ...quick, DROPOUT: 1 }), /DROPOUT/);
  assertAntitrainError(() => study.check({ ...quick, L2: -1 }), /L2/);
  assertAntitrainError(() => study.check({ ...quick, FRACTION: 2 }), /FRACTION/);
  assertAntitrainError(() => study.check({ ...quick, hidden: 32 } as never), /unknown option "hidden"/);
});

test("11-mutual-information: group sizes scale 1, 2, 4, … 31 of 32 to the layer", () => {
  assert.deepEqual(st.groupSizes(32), [1, 2, 4, 8, 16, 24, 31]);
  assert.deepEqual(st.groupSizes(8), [1, 2, 4, 6, 7]);
  assert.deepEqual(st.groupSizes(2), [1]);
});

test("11-mutual-information: activation correlation is the library's Pearson correlation over the stats bank", () => {
  // Three units over four bank rows, row-major [rows, units]: unit 1 = 2·unit 0 + 1, unit 2 = −unit 0, plus a constant unit 3.
  const u0 = [1, 2, 3, 6];
  const bank = Float32Array.from(u0.flatMap((v) => [v, 2 * v + 1, -v, 5]));
  const stats = { site: "h1", units: 4, count: 4, mean: new Float32Array(4), std: new Float32Array(4), bank, bankRows: 4 } as at.UnitStats;
  assert.deepEqual(Array.from(st.bankColumn(stats, 1)), [3, 5, 7, 13]);
  assert.ok(Math.abs(st.activationCorrelation(stats, 0, 1) - 1) < 1e-12);
  assert.ok(Math.abs(st.activationCorrelation(stats, 0, 2) + 1) < 1e-12);
  assert.equal(st.activationCorrelation(stats, 0, 3), 0, "a constant unit correlates with nothing");
  // By hand: x = 1, 2, 3; y = 2, 4, 7: Σdxdy = 5, Σdx² = 2, Σdy² = 38/3, r = 5 / √(76/3).
  assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 7]) - 5 / Math.sqrt(76 / 3)) < 1e-15);
  assert.throws(() => pearson([1, 2], [1]), at.AntitrainError);
  // spearman is pearson of ranks, unchanged by the export.
  assert.equal(at.spearman([1, 2, 3], [10, 30, 20]), 0.5);
});

test("11-mutual-information: a tiny seed measures five models and the planted duplicates, and leaks nothing", () => {
  const s = study.settings("tiny");
  st.studyData(s.data); // built once per process: not a leak
  const tensors = tf.memory().numTensors;
  const r = study.run(s, null, 0);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.deepEqual(Object.keys(r.measured), [...st.MUTUAL_INFORMATION_MODELS]);
  assert.ok(Number.isInteger(r.coreSize) && r.coreSize >= 1 && r.coreSize <= s.HIDDEN, `core ${r.coreSize}`);
  for (const [name, m] of Object.entries(r.measured)) {
    assert.equal(m.lossSingles.length, s.HIDDEN, name);
    assert.equal(m.lossMatrix.length, s.HIDDEN * s.HIDDEN, name);
    assert.deepEqual(m.groupSizes, st.groupSizes(s.HIDDEN), name);
    for (const share of [m.lossPositive, m.accPositive, m.accNegative]) assert.ok(share >= 0 && share <= 1, `${name}: share ${share}`);
    assert.ok(Math.abs(m.lossRatio - m.lossMean / m.lossMeanSingle) < 1e-12);
    assert.ok(m.accuracy > 0.1, `${name}: above chance`);
  }
  const pairs = ((s.HIDDEN + s.PLANTED) * (s.HIDDEN + s.PLANTED - 1)) / 2;
  assert.equal(r.tying.plantedRanks.length, s.PLANTED);
  for (const rank of r.tying.plantedRanks) assert.ok(rank >= 1 && rank <= pairs);
  assert.equal(r.tying.hints.length, (s.HIDDEN * (s.HIDDEN - 1)) / 2);
  assert.equal(r.tying.correlations.length, r.tying.hints.length);
  assert.equal(r.tying.top[0].hint, r.tying.hints[0]);
  // The results file's tables: per-seed rows without the matrices and hint lists, intervals over seeds.
  const t = st.mutualInformationTables([r, r]);
  assert.equal(t.coreSize.mean, r.coreSize);
  assert.equal(t.summary.plain.lossInteractionPerSingle.mean, r.measured.plain.lossRatio);
  assert.ok(!("lossMatrix" in t.perSeed[0].measured.plain) && !("hints" in t.perSeed[0].tying));
  assert.deepEqual(t.tying.plantedRanks, [r.tying.plantedRanks, r.tying.plantedRanks]);
  const summary = study.summarize(s, [r, r]);
  assert.equal(summary.reference, "antitrained");
  assert.equal(summary.arms.find((a) => a.arm === "plain")?.mean, r.measured.plain.lossRatio);
});
