import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

// Notebook 03's study: its named settings are the notebook's documented values, bad settings are refused, the moved
// table functions compute what the notebook computed (a hand-made case), and a tiny seed trains every configuration
// reproducibly without leaking tensors.
before(async () => {
  await at.ready({ quiet: true });
});

const row = (seed: number, label: string, method: st.RegularizationMethod, lr: number, valAcc: number, testAcc: number, extra: Partial<st.RegularizationRow> = {}): st.RegularizationRow => ({
  seed, method, hyper: 0, label, lr, trainAcc: 1, valAcc, testAcc, testLoss: 0.3, ece: 0.05, core95: 100, ...extra,
});

describe("regularization study settings", () => {
  test("quick and full equal the notebook's constants; tiny is small", () => {
    const common = { trainExamples: 300, valExamples: 300, hidden: 128, batch: 64 };
    assert.deepEqual(st.regularizationStudy.settings("quick"), {
      ...common, steps: 60, warmup: 20, cycle: 20, learningRates: [1e-3, 3e-3], dropoutRates: [0.35], l2Values: [1e-3], l1Values: [1e-3], fractions: [0.5, 0.95],
    });
    assert.deepEqual(st.regularizationStudy.settings("full"), {
      ...common, steps: 300, warmup: 100, cycle: 50, learningRates: [3e-4, 1e-3, 3e-3, 1e-2], dropoutRates: [0.2, 0.35, 0.5], l2Values: [1e-4, 1e-3, 1e-2], l1Values: [1e-4, 1e-3, 1e-2], fractions: [0.5, 0.9, 0.95, 0.99],
    });
    assert.equal(st.regularizationConfigs(st.regularizationStudy.settings("full")).length, 14, "fourteen configurations, as the notebook says");
    assert.deepEqual(st.regularizationConfigs(st.regularizationStudy.settings("quick")).map((c) => c.label), ["plain", "dropout 0.35", "L2 0.001", "L1 act 0.001", "antitrain 0.5", "antitrain 0.95"]);
    assert.equal(st.STUDIES["03-regularization"], st.regularizationStudy);
  });

  test("check refuses what cannot run, naming the fix", () => {
    const quick = st.regularizationStudy.settings("quick");
    assert.throws(() => st.regularizationStudy.check({ ...quick, warmup: 21 }), /steps − warmup even/);
    assert.throws(() => st.regularizationStudy.check({ ...quick, fractions: [1.5] }), /fractions must be a non-empty list of numbers in \(0, 1\]/);
    assert.throws(() => st.regularizationStudy.check({ ...quick, learningRates: [] }), /learningRates/);
    assert.throws(() => st.regularizationStudy.check({ ...quick, trainExamples: 1000, valExamples: 1000 }), /at most 1347/);
    assert.throws(() => st.regularizationStudy.check({ ...quick, stpes: 3 } as st.RegularizationSettings), /stpes/);
  });
});

describe("regularization tables (the notebook's selection, spreads and paired differences)", () => {
  // Two seeds, two learning rates; plain and one fraction of antitraining, plus one of each other method.
  const configs: st.RegularizationConfig[] = [
    { method: "plain", hyper: 0, label: "plain" },
    { method: "dropout", hyper: 0.35, label: "dropout 0.35" },
    { method: "L2", hyper: 1e-3, label: "L2 0.001" },
    { method: "L1 activations", hyper: 1e-3, label: "L1 act 0.001" },
    { method: "antitraining", hyper: 0.5, label: "antitrain 0.5" },
    { method: "antitraining", hyper: 0.9, label: "antitrain 0.9" },
  ];
  const rows: st.RegularizationRow[] = [];
  for (const seed of [0, 1]) {
    rows.push(row(seed, "plain", "plain", 1, 0.9, 0.9 + seed / 100), row(seed, "plain", "plain", 2, 0.8, 0.7));
    for (const c of configs.slice(1, 4)) rows.push(row(seed, c.label, c.method, 1, 0.5, 0.5), row(seed, c.label, c.method, 2, 0.5, 0.5));
    // antitrain 0.9 at lr 2 has the best validation accuracy (0.95 mean) and test 0.94 / 0.96.
    rows.push(row(seed, "antitrain 0.5", "antitraining", 1, 0.6, 0.6), row(seed, "antitrain 0.5", "antitraining", 2, 0.7, 0.8));
    rows.push(row(seed, "antitrain 0.9", "antitraining", 1, 0.6, 0.85), row(seed, "antitrain 0.9", "antitraining", 2, 0.9 + seed / 10, 0.94 + seed / 50, { testLoss: 0.2, ece: 0.01 }));
  }
  const { tables, scores } = st.regularizationTables(rows, configs, [1, 2], [0, 1]);

  test("the grid averages each configuration over seeds", () => {
    assert.equal(tables.grid.length, 12);
    const cell = tables.grid.find((g) => g.label === "antitrain 0.9" && g.lr === 2)!;
    assert.ok(Math.abs(cell.val - 0.95) < 1e-12 && Math.abs(cell.test.mean - 0.95) < 1e-12 && cell.test.n === 2);
    assert.deepEqual(tables.grid.slice(0, 2).map((g) => [g.label, g.lr]), [["plain", 1], ["plain", 2]]);
  });

  test("each method's configuration is chosen on validation accuracy, with its spreads", () => {
    assert.deepEqual(tables.summary.map((s) => s.method), ["plain", "dropout", "L2", "L1 activations", "antitraining"]);
    const anti = tables.summary[4];
    assert.equal(anti.chosen, "antitrain 0.9");
    assert.equal(anti.lr, 2);
    assert.ok(Math.abs(anti.testAcc - 0.95) < 1e-12);
    assert.ok(Math.abs(anti.spreadHyper - (0.95 - 0.8)) < 1e-12, "across fractions at lr 2: 0.95 vs 0.8");
    assert.ok(Math.abs(anti.spreadLr - (0.95 - 0.85)) < 1e-12, "across learning rates at 0.9: 0.95 vs 0.85");
    assert.ok(Math.abs(anti.worstConfig - 0.6) < 1e-12);
    const plain = tables.summary[0];
    assert.deepEqual([plain.chosen, plain.lr], ["plain", 1]);
    assert.equal(plain.spreadHyper, 0, "one configuration: no spread across its own hyperparameter");
    assert.equal(tables.summary[1].lr, 1, "a tie in validation accuracy keeps the first configuration");
  });

  test("paired differences to antitraining's choice, per seed; the headline scores per seed", () => {
    const plain = tables.paired[0];
    assert.equal(plain.chosen, "plain, lr 1");
    // plain − antitraining: seed 0: 0.90 − 0.94, seed 1: 0.91 − 0.96 → mean −0.045.
    assert.ok(Math.abs(plain.accVsAnti.mean + 0.045) < 1e-12);
    assert.ok(Math.abs(plain.lossVsAnti.mean - 0.1) < 1e-12 && Math.abs(plain.eceVsAnti.mean - 0.04) < 1e-12);
    const anti = tables.paired[4];
    for (const d of [anti.accVsAnti, anti.lossVsAnti, anti.eceVsAnti]) assert.equal(d.mean, 0);
    assert.deepEqual(scores.map((s) => s.antitraining), [0.94, 0.96]);
    assert.deepEqual(scores.map((s) => s.plain), [0.9, 0.91]);
    const summary = st.regularizationStudy.summarize({ ...st.regularizationStudy.settings("tiny"), learningRates: [1, 2], fractions: [0.5, 0.9] }, [rows.filter((r) => r.seed === 0), rows.filter((r) => r.seed === 1)]);
    assert.equal(summary.reference, "antitraining");
    assert.equal(summary.better, "higher");
    assert.deepEqual(summary.details, tables);
    assert.ok(Math.abs(summary.paired.find((p) => p.arm === "plain")!.mean + 0.045) < 1e-12);
  });
});

test("a tiny seed trains every configuration at every learning rate, reproducibly, leaking nothing", () => {
  const s = { ...st.regularizationStudy.settings("tiny"), learningRates: [1e-3, 3e-3] };
  st.regularizationData(s); // built once per process and kept
  const tensors = tf.memory().numTensors;
  const rows = st.regularizationStudy.run(s, null, 0);
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(rows.length, 5 * 2);
  assert.deepEqual(rows.map((r) => r.label), ["plain", "plain", "dropout 0.35", "dropout 0.35", "L2 0.001", "L2 0.001", "L1 act 0.001", "L1 act 0.001", "antitrain 0.5", "antitrain 0.5"]);
  for (const r of rows) {
    assert.ok(r.testAcc > 0.1 && r.testAcc <= 1 && r.valAcc > 0 && r.ece >= 0 && r.testLoss > 0, JSON.stringify(r));
    assert.ok(Number.isInteger(r.core95) && r.core95 >= 1 && r.core95 <= s.hidden);
  }
  const data = st.regularizationData(s);
  assert.deepEqual([at.size(data.train), at.size(data.validation), at.size(data.test)], [100, 100, 450]);
  const again = st.trainRegularizationConfig(s, data, { method: "antitraining", hyper: 0.5, label: "antitrain 0.5" }, 3e-3, 0);
  assert.deepEqual(again, rows[9], "the same seed gives the same numbers");
});
