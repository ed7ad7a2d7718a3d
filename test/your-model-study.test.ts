import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

// Notebook 18's study: its named settings are the notebook's documented values, bad settings are refused, the CNN
// moved out of the notebook is the one it documents, and a tiny run keeps the study's invariants (every arm cut to
// every width at the same budget, compressed = mean-masked, the headline scores = the compression table's per seed).
before(async () => {
  await at.ready({ quiet: true });
});

describe("your-model study settings and network", () => {
  test("quick and full equal the notebook's constants", () => {
    const common = { site: "conv2", batch: 32, spatial: "whole-map", tolerance: 0.01, refK: 8 };
    const data = (train: number, test: number) => ({ dataset: "fashion-mnist", flatten: false, subsample: { train, test }, validation: 0.2, seed: 0 });
    assert.deepEqual(st.yourModelStudy.settings("quick"), {
      ...common, data: data(500, 200), pretrain: 30, updates: 20, cycle: 5, finetune: 5, keep: [4, 16], measure: 200,
      grids: { antitrain: [{ fraction: 0.5 }], "group-lasso": [{ lambda: 1e-3 }] },
    });
    assert.deepEqual(st.yourModelStudy.settings("full"), {
      ...common, data: data(3000, 1000), pretrain: 300, updates: 300, cycle: 50, finetune: 40, keep: [4, 8, 16, 24], measure: 1000,
      grids: { antitrain: [{ fraction: 0.5 }, { fraction: 0.3 }], "group-lasso": [{ lambda: 1e-3 }, { lambda: 1e-2 }, { lambda: 1e-1 }] },
    });
    assert.equal(st.STUDIES["18-your-own-model"], st.yourModelStudy);
    assert.deepEqual(st.yourModelStudy.arms, ["antitrain", "plain, importance", "plain, filter L1", "group lasso"]);
  });

  test("check refuses what cannot run, naming the fix", () => {
    const quick = st.yourModelStudy.settings("quick");
    assert.throws(() => st.yourModelStudy.check({ ...quick, keep: [40] }), /between 1 and 31/);
    assert.throws(() => st.yourModelStudy.check({ ...quick, updates: 21 }), /updates must be even/);
    assert.throws(() => st.yourModelStudy.check({ ...quick, site: "conv1" }), /site must be "conv2"/);
    assert.throws(() => st.yourModelStudy.check({ ...quick, grids: { slimming: [{ lambda: 1 }] } }), /grids are keyed by/);
    assert.throws(() => st.yourModelStudy.check({ ...quick, data: { ...quick.data, validation: 0 } }), /data.validation/);
    assert.throws(() => st.yourModelStudy.check({ ...quick, finetun: 3 } as st.YourModelSettings), /finetun/);
  });

  test("smallCnn is the notebook's network: its layers, 56,714 parameters, seeded weights", () => {
    const [a, b, c] = [st.smallCnn(0), st.smallCnn(0), st.smallCnn(1)];
    try {
      assert.deepEqual(a.layers.map((l) => l.name), ["conv1", "pool1", "conv2", "pool2", "flatten", "dense", "logits"]);
      assert.equal(a.countParams(), 56714);
      const first = (n: tf.LayersModel) => Array.from(n.getWeights()[0].dataSync().slice(0, 5));
      assert.deepEqual(first(a), first(b), "the same seed gives the same weights");
      assert.notDeepEqual(first(a), first(c));
    } finally {
      for (const n of [a, b, c]) n.dispose();
    }
  });

  test("yourModelSetup passes every knob to the conv study", () => {
    const s = st.yourModelStudy.settings("tiny");
    const setup = st.yourModelSetup(s);
    assert.equal(setup.build, st.smallCnn);
    assert.deepEqual([setup.batchSize, setup.measureSize, setup.pretrain, setup.updates, setup.cycle, setup.finetune, setup.site, setup.spatial, setup.tolerance],
      [s.batch, s.measure, s.pretrain, s.updates, s.cycle, s.finetune, s.site, s.spatial, s.tolerance]);
    assert.equal(setup.train, st.studyData(s.data).train, "the data is built once per process");
    assert.deepEqual(st.convSplitSizes(setup), { train: 80, validation: 20, test: 40 });
  });
});

test("a tiny run: every arm cut to every width at the same budget; headline scores are the table's per seed", { timeout: 300_000 }, async () => {
  const s = st.yourModelStudy.settings("tiny");
  st.yourModelSetup(s); // the data is built once per process and kept
  const tensors = tf.memory().numTensors;
  const run = await st.runStudy(st.yourModelStudy, s, { seeds: [0], tuneSeeds: [100], onProgress: () => {} });
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(run.tuning.length, 2, "one tuning row per grid setting");
  assert.deepEqual(run.chosen, { antitrain: { fraction: 0.5 }, "group-lasso": { lambda: 1e-3 } });
  const [seed] = run.results;
  assert.ok(seed.seconds > 0);
  assert.deepEqual(seed.curves.map((c) => c.arm), st.yourModelStudy.arms);
  for (const curve of seed.curves) {
    assert.equal(curve.updates, s.updates, `${curve.arm} spent the same updates`);
    assert.deepEqual(curve.points.map((p) => p.k), s.keep);
    for (const p of curve.points) assert.ok(p.maskedDiff < 1e-4, `${curve.arm} k=${p.k}: compressed = mean-masked (${p.maskedDiff})`);
  }
  const { summary } = run.summary.details as { summary: st.ArmSummary[] };
  for (const a of run.summary.arms) assert.equal(a.mean, summary.find((x) => x.arm === a.arm)!.perSeed[0], `${a.arm}: the headline is the table's channels`);
  assert.equal(run.summary.reference, "antitrain");
  assert.equal(run.summary.better, "lower");
});
