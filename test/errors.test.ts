import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError, invariant, smallTask, wrapModel } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

test("bad input gets an AntitrainError naming the fix, and leaks nothing", () => {
  const { model, train, test: heldOut } = smallTask(0);
  const stats = at.collectStats(model, "h1", train);
  const imp = at.importance(model, "h1", heldOut, { stats });
  const nanData = at.dataset(new Float32Array(12).fill(Number.NaN), [0, 1], { features: 6, classes: 3 });
  const empty: at.Dataset = { x: tf.zeros([0, 6]) as tf.Tensor2D, y: tf.zeros([0], "int32") as tf.Tensor1D, classes: 3 };
  const badLabels = at.dataset(new Float32Array(12), [0, 7], { features: 6, classes: 3 });
  const wide = at.dataset(new Float32Array(14), [0, 1], { features: 7, classes: 3 });
  const sgd = tf.train.sgd(0.1);
  const cases: Array<[string, () => unknown, RegExp]> = [
    ["unknown site", () => at.importance(model, "h3", heldOut, { stats }), /unknown site "h3".*"h1"/],
    ["unknown hook site", () => model.forward(heldOut.x, { nope: (a) => a }), /unknown site "nope"/],
    ["fraction 0", () => at.findCore(model, "h1", heldOut, { stats, importance: imp, fraction: 0 }), /fraction must be in \(0, 1\]/],
    ["fraction > 1", () => at.findCore(model, "h1", heldOut, { stats, importance: imp, fraction: 1.2 }), /fraction must be in \(0, 1\]/],
    ["fraction NaN", () => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(), fraction: Number.NaN }), /fraction/],
    ["empty data", () => at.collectStats(model, "h1", empty), /data is empty/],
    ["NaN data", () => at.collectStats(model, "h1", nanData), /data\.x holds NaN at row 0, column 0: every value must be finite/],
    ["NaN data in damage", () => at.importance(model, "h1", nanData, { stats }), /data\.x holds NaN at row 0, column 0/],
    ["labels out of range", () => at.evaluate(model, badLabels), /label 7 at example 1 is out of range.*\[0, 3\)/],
    ["wrong input width", () => at.importance(model, "h1", wide, { stats }), /shape \[2, 7\].*width 6/],
    ["wrong input width in forward", () => model.forward(wide.x), /width 6/],
    ["unit out of range", () => at.damage(model, "h1", heldOut, [[12]], { stats }), /unit 12 is not in site "h1"/],
    ["stats of another width", () => at.damage(model, "h1", heldOut, [[0]], { stats: { ...stats, units: 5 } }), /collect stats for this site/],
    ["importance of another site", () => at.findCore(model, "h1", heldOut, { stats, importance: { ...imp, site: "h2" } }), /importance passed is for site "h2"/],
    ["compress an empty core", () => at.compress(model, "h1", { core: [] }), /core of "h1" is empty/],
    ["compress a non-MLP", () => at.compress(wrapModel(model), "h1", { core: [0] }), /can remove units/],
    ["bad samples", () => at.importance(model, "h1", heldOut, { stats, samples: 0 }), /samples must be a positive integer/],
    ["bad schedule", () => at.interleaved(1, { cycle: 0 }), /cycle must be a positive whole number/],
    ["bad hidden widths", () => at.mlp({ inputs: 4, hidden: [], classes: 2 }), /at least one hidden width/],
    ["no sites", () => new at.Antitrainer(model, [], { schedule: at.interleaved() }), /at least one site/],
    ["bad target", () => at.antitrainStep(model, "h1", heldOut, { split: { core: [0], method: "mean" }, stats, optimizer: sgd, seed: 0, target: "bogus" as at.AntitrainTarget }), /target must be one of "uniform", "random-labels", "true-labels", got "bogus"/],
  ];
  for (const [name, call, pattern] of cases) {
    const tensors = tf.memory().numTensors;
    assertAntitrainError(() => {
      const r = invariant(model, name, call);
      if (r instanceof Error) throw r;
      return r;
    }, pattern);
    assert.equal(tf.memory().numTensors, tensors, `${name}: no leak`);
  }
  sgd.dispose();
  for (const d of [nanData, empty, badLabels, wide, train, heldOut]) at.disposeDataset(d);
  model.dispose();
});

test("a NaN learning rate is refused before any step", () => {
  const { model, train } = smallTask(1);
  assertAntitrainError(() => at.train(model, train, { steps: 3, learningRate: Number.NaN }), /learningRate must be a finite number in \(0, .*got NaN: use e\.g\. 1e-3/);
  model.dispose();
  at.disposeDataset(train);
});

test("the backend is reported and ANTITRAIN_BACKEND values are validated", async () => {
  const name = await at.ready({ quiet: true });
  assert.ok(["tensorflow", "wasm", "cpu"].includes(name));
  assert.equal(at.backendName(), name === "tensorflow" ? "tensorflow" : name);
});

