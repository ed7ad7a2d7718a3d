import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

before(async () => {
  await at.ready({ quiet: true });
});

test("grokRun: seeded, leak-free, stops at the target, antitraining runs only when memorizing units exist and its steps count as updates", () => {
  const task = at.modularAddition({ p: 7, trainFraction: 0.5, seed: 0 });
  const half = Math.floor(at.size(task.test) / 2);
  const heldOut = at.head(task.test, half);
  const data = { train: task.train, heldOut, test: task.test };
  const model = { vocab: 8, seqLen: 3, classes: 7, dModel: 8, heads: 2, dMlp: 16 };
  const tensors = tf.memory().numTensors;
  const common = { data, model, steps: 20, evalEvery: 10, learningRate: 1e-2, seed: 3 };
  const runs = (["baseline", "grokfast", "antitrain"] as const).map((method) => st.grokRun({ ...common, method }));
  assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
  for (const r of runs) {
    assert.equal(r.curve.length, r.stepsToTarget === null ? 2 : r.curve.findIndex((c) => c.step === r.stepsToTarget) + 1);
    r.curve.forEach((c, i) => assert.equal(c.step, (i + 1) * 10, "evaluated every 10 updates"));
    if (r.stepsToTarget === null) assert.equal(r.trainSteps + r.antiSteps, 20, `${r.method}: the update budget is spent, every update counted`);
    for (const c of r.curve) {
      const roles = c.roles;
      assert.ok(roles !== undefined, "roles measured at every evaluation");
      assert.equal(roles.generalizing + roles.memorizing + roles.mixed + roles.inert, model.dMlp, "every unit of blocks.0.mlp has one role");
      if (roles.memorizing === 0) assert.equal(c.memorizingTrainShare, 0, "no memorizing unit, no memorizing share");
    }
  }
  const [baseline, grokfast, anti] = runs;
  assert.equal(baseline.antiSteps, 0);
  assert.notDeepEqual(grokfast.curve[0].trainLoss, baseline.curve[0].trainLoss, "grokfast changes training");
  assert.equal(baseline.trainSteps, baseline.curve[baseline.curve.length - 1].step, "without antitraining every update is a training step");
  // Antitraining starts after the first measurement (10 training steps); while units are memorizing, one antitrain
  // step follows each training step, so the next 10 updates are 5 training and 5 antitrain steps.
  const memorizingAt10 = anti.curve[0].roles!.memorizing;
  assert.ok(memorizingAt10 > 0, "this seed has memorizing units at the first evaluation (else the test checks nothing)");
  assert.equal(anti.curve[0].trainSteps, 10);
  const whole = { ...common, stopAtTarget: false, method: "antitrain" as const };
  const dense = st.grokRun(whole);
  assert.deepEqual([dense.trainSteps, dense.antiSteps], [15, 5]);
  assert.deepEqual(dense.curve.map((c) => c.trainSteps), [10, 15]);
  // Every 4th training step: after 10 training steps, 2 more, an antitrain step, 4, another, and 2 (budget spent).
  const sparse = st.grokRun({ ...whole, antiEvery: 4 });
  assert.deepEqual([sparse.trainSteps, sparse.antiSteps], [18, 2]);
  assert.throws(() => st.grokRun({ ...common, method: "antitrain", antiEvery: 0 }), /antiEvery must be a positive integer/);
  // The roles are heldOutImportance's on the training and held-out pairs (never the test pairs), replayed by hand:
  // the same transformer, AdamW and full-batch stream for the first 10 steps, then the same measurement.
  const replay = at.transformer({ ...model, seed: 3 });
  const opt = at.adamw(1e-2, { beta1: 0.9, beta2: 0.98, weightDecay: 1.0 });
  at.train(replay, task.train, { steps: 10, optimizer: opt, stream: new at.BatchStream(task.train, at.size(task.train), 3) });
  const stats = at.collectStats(replay, "blocks.0.mlp", task.train, { seed: 0 });
  const h = at.heldOutImportance(replay, "blocks.0.mlp", task.train, heldOut, { stats, method: "resample", metric: "loss", seed: 0 });
  const counted = { generalizing: 0, memorizing: 0, mixed: 0, inert: 0 };
  for (const role of h.roles) counted[role]++;
  assert.deepEqual(baseline.curve[0].roles, counted, "the first evaluation's roles are heldOutImportance's");
  assert.equal(baseline.curve[0].trainAccuracy, at.evaluate(replay, task.train).accuracy, "the replay is the run's model");
  const share = h.roles.reduce((a, role, u) => a + (role === "memorizing" ? h.trainShare[u] : 0), 0);
  assert.equal(baseline.curve[0].memorizingTrainShare, share);
  opt.dispose();
  replay.dispose();
  const again = st.grokRun({ ...common, method: "baseline" });
  assert.deepEqual(again.curve, baseline.curve, "same seed, same run");
  assert.throws(() => st.grokRun({ ...common, method: "sgd" as st.GrokMethod }), at.AntitrainError);
  for (const d of [task.train, task.test, heldOut]) at.disposeDataset(d);
});
