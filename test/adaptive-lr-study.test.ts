import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

// Notebook 13's information-adaptive learning-rate study as a Study: its settings are the notebook's constants, bad
// settings are refused, the table pairs every configuration with plain Adam per seed, and a tiny seed runs every
// configuration from the same initialization.
before(async () => {
  await at.ready({ quiet: true });
});

test("quick and full settings are notebook 13's constants (the quick run differs only in its seeds)", () => {
  const expected = { data: { dataset: "digits" }, hidden: [64, 64], learningRate: 1e-3, batchSize: 64, steps: 1000, refresh: 50, evalEvery: 100, measureExamples: 512 };
  assert.deepEqual(st.adaptiveLrStudy.settings("quick"), expected);
  assert.deepEqual(st.adaptiveLrStudy.settings("full"), expected);
  assert.deepEqual(st.adaptiveLrStudy.arms, ["plain Adam", "update · up", "update · down", "gradient · up", "gradient · down"]);
  assert.equal(st.STUDIES["13-adaptive-learning-rate"], st.adaptiveLrStudy);
});

test("bad settings are refused with the fix", () => {
  const quick = st.adaptiveLrSettings("quick");
  assertAntitrainError(() => st.checkAdaptiveLrSettings({ ...quick, refresh: 0 }), /refresh/);
  assertAntitrainError(() => st.checkAdaptiveLrSettings({ ...quick, hidden: [] }), /hidden widths/);
  assertAntitrainError(() => st.checkAdaptiveLrSettings({ ...quick, learningRate: -1 }), /learningRate/);
});

/** A fake seed: every configuration's test loss `loss + i / 10` and accuracy `0.9 + i / 100` (i: its table index). */
function fakeSeed(seed: number, loss: number): st.AdaptiveLrSeed {
  const rows = st.ADAPTIVE_LR_ARMS.map((config, i) => ({ config, seed, testAccuracy: 0.9 + i / 100, testLoss: loss + i / 10, trainLoss: 0.01, seconds: 1, maxScale: 1, minScale: 1 }));
  return { seed, rows, curves: [] };
}

test("adaptiveLrTable: means, and test loss and accuracy minus plain Adam's per seed, by hand", () => {
  const table = st.adaptiveLrTable([fakeSeed(0, 0.1), fakeSeed(1, 0.3)]);
  assert.deepEqual(Object.keys(table), [...st.ADAPTIVE_LR_ARMS]);
  assert.equal(table["plain Adam"].dLoss, undefined, "plain Adam is not paired with itself");
  assert.ok(Math.abs(table["plain Adam"].testLoss.mean - 0.2) < 1e-12);
  assert.ok(Math.abs((table["update · down"].dLoss?.mean ?? 0) - 0.2) < 1e-12);
  assert.ok(Math.abs((table["gradient · down"].dAccuracy?.mean ?? 0) - 0.04) < 1e-12);
  const summary = st.summarizeAdaptiveLr([fakeSeed(0, 0.1), fakeSeed(1, 0.3)]);
  assert.equal(summary.reference, "update · up");
  const adam = summary.paired.find((p) => p.arm === "plain Adam");
  assert.ok(adam !== undefined && Math.abs(adam.mean + 0.1) < 1e-12, "plain Adam − update · up = −0.1 on both seeds");
  assert.equal(adam.wins, 2);
});

test("a tiny seed trains every configuration, frees its tensors and repeats exactly", () => {
  const s = st.adaptiveLrSettings("tiny");
  st.adaptiveLrSeed(s, 0); // builds the digits once for the process
  const tensors = tf.memory().numTensors;
  const r = st.adaptiveLrSeed(s, 1);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.deepEqual(r.rows.map((x) => x.config), [...st.ADAPTIVE_LR_ARMS]);
  for (const c of r.curves) {
    assert.deepEqual(c.step, [0, 10, 20]);
    assert.equal(c.loss[0], r.curves[0].loss[0], "every configuration starts from the same initialization");
  }
  assert.ok(r.rows[0].minScale === 1 && r.rows[0].maxScale === 1, "plain Adam has no scales");
  assert.ok(r.rows.slice(1).every((x) => x.minScale < 1 && x.maxScale > 1), "the adaptive ones spread their scales around 1");
  const again = st.adaptiveLrSeed(s, 1);
  assert.deepEqual(again.rows.map((x) => ({ ...x, seconds: 0 })), r.rows.map((x) => ({ ...x, seconds: 0 })));
});
