import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

before(async () => {
  await at.ready({ quiet: true });
});

test("grokRun: seeded, leak-free, stops at the target, antitraining runs only when memorizing units exist", () => {
  const task = at.modularAddition({ p: 7, trainFraction: 0.5, seed: 0 });
  const half = Math.floor(at.size(task.test) / 2);
  const heldOut = at.head(task.test, half);
  const data = { train: task.train, heldOut, test: task.test };
  const model = { vocab: 8, seqLen: 3, classes: 7, dModel: 8, heads: 2, dMlp: 16 };
  const tensors = tf.memory().numTensors;
  const common = { data, model, steps: 20, evalEvery: 10, learningRate: 1e-2, seed: 3 };
  const runs = (["baseline", "grokfast", "antitrain"] as const).map((method) => at.grokRun({ ...common, method }));
  assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
  for (const r of runs) {
    assert.equal(r.curve.length, r.stepsToTarget === null ? 2 : r.curve.findIndex((c) => c.step === r.stepsToTarget) + 1);
    assert.ok(r.curve.every((c) => c.roles !== undefined), "roles measured at every evaluation");
  }
  const [baseline, grokfast, anti] = runs;
  assert.equal(baseline.antiSteps, 0);
  assert.notDeepEqual(grokfast.curve[0].trainLoss, baseline.curve[0].trainLoss, "grokfast changes training");
  // Antitraining starts after the first measurement, one step per training step while units are memorizing.
  const memorizingAt10 = anti.curve[0].roles!.memorizing;
  assert.equal(anti.antiSteps, memorizingAt10 > 0 ? 10 : 0);
  const again = at.grokRun({ ...common, method: "baseline" });
  assert.deepEqual(again.curve, baseline.curve, "same seed, same run");
  assert.throws(() => at.grokRun({ ...common, method: "sgd" as at.GrokMethod }), at.AntitrainError);
  for (const d of [task.train, task.test, heldOut]) at.disposeDataset(d);
});
