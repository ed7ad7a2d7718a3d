import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { signalModel } from "./helpers";

before(async () => {
  await at.ready();
});

function tinyTask(): at.TeacherStudentTask {
  return at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 256, test: 128, seed: 1 });
}

function disposeSplit(s: at.Split): void {
  at.disposeDataset(s.train);
  at.disposeDataset(s.test);
}

test("reportCore finds the one carrying unit: dead and unread units are spectators with zero damage", () => {
  const { model, data } = signalModel(64);
  const tensors = tf.memory().numTensors;
  const r = at.reportCore(model, "h1", data, data, { seed: 0 });
  assert.deepEqual(r.core, [0]);
  assert.deepEqual(r.spectators, [1, 2]);
  assert.equal(r.spectatorDamage, 0);
  assert.ok(r.coreDamage > 0.2, `core damage ${r.coreDamage}`);
  assert.equal(r.coreDamage, r.fullDamage);
  assert.equal(tf.memory().numTensors, tensors);
  model.dispose();
  at.disposeDataset(data);
});

test("runExperiment records a measurement per cycle and frees everything but the model it returns", () => {
  const task = tinyTask();
  const tensors = tf.memory().numTensors;
  const run = st.runExperiment({ data: task, hidden: [8], seed: 0, pretrain: 10, steps: 40, learningRate: 3e-2,
    antitrain: { schedule: at.interleaved(1, { cycle: 20 }), fraction: 0.5 } });
  // Measured once at the first scheduled step, then at steps 20 and 40 of the schedule.
  assert.deepEqual(run.cycles.map((c) => c.step), [11, 30, 50]);
  // Updates after pretraining: the first measurement comes before step 1's antitrain step; then 2 per training step.
  assert.deepEqual(run.cycles.map((c) => c.updates), [1, 40, 80]);
  assert.equal(run.antiSteps, 40, "one antitrain step after each of the 40 training steps");
  for (const c of run.cycles) {
    assert.equal(c.site, "h1");
    assert.ok(c.antitrainedCore.length <= c.reportCore.length, "the 50% core is no larger than the 95% core");
    assert.ok(Number.isInteger(c.testAccuracy * 128), `an accuracy over the 128 test examples: ${c.testAccuracy}`);
  }
  // The task is learnt while it is antitrained at the 50% core: the test loss falls from measurement to measurement
  // and the run ends well above chance (43 of 128 test labels are the most frequent class: 0.34).
  const losses = run.cycles.map((c) => c.testLoss);
  assert.ok(losses.every((l, i) => i === 0 || l < losses[i - 1]), `test loss falls: ${losses}`);
  assert.ok(run.final.accuracy > 0.6 && run.final.accuracy > run.pretrained.accuracy, `final ${run.final.accuracy}, pretrained ${run.pretrained.accuracy}`);
  const last = run.cycles[run.cycles.length - 1];
  assert.deepEqual([last.testAccuracy, last.testLoss], [run.final.accuracy, run.final.loss], "the last measurement is of the final model, on the test split");
  assert.equal(run.antiPhaseEnds.length, 0);
  const variables = run.model.variables().length;
  run.model.dispose();
  assert.equal(tf.memory().numTensors, tensors, `leaked ${tf.memory().numTensors - tensors - variables} tensors`);
  disposeSplit(task);
});

test("runExperiment: a tracked plain run trains exactly as an untracked one (measuring never changes the model)", () => {
  const task = tinyTask();
  const plain = st.runExperiment({ data: task, hidden: [8], seed: 3, pretrain: 5, steps: 30 });
  const tracked = st.runExperiment({ data: task, hidden: [8], seed: 3, pretrain: 5, steps: 30, track: 10 });
  assert.equal(tracked.cycles.length, 4);
  assert.equal(plain.cycles.length, 0);
  const a = plain.model.variables().map((v) => Array.from(v.dataSync()));
  const b = tracked.model.variables().map((v) => Array.from(v.dataSync()));
  assert.deepEqual(b, a);
  assert.equal(tracked.final.accuracy, plain.final.accuracy);
  plain.model.dispose();
  tracked.model.dispose();
  disposeSplit(task);
});

test("runExperiment with a cyclic schedule reports the end of every antitraining phase", () => {
  const task = tinyTask();
  const run = st.runExperiment({ data: task, hidden: [8], seed: 0, pretrain: 0, steps: 30,
    antitrain: { schedule: at.cyclic(10, 5), fraction: 0.5 } });
  assert.deepEqual(run.antiPhaseEnds.map((p) => p.step), [10, 20, 30]);
  assert.equal(run.cycles.length, 4); // the first step, then before each of the three phases
  // Each measurement before a phase has spent the phases before it; each phase end adds its 5 antitrain steps.
  assert.deepEqual(run.cycles.map((c) => c.updates), [1, 10, 25, 40]);
  assert.deepEqual(run.antiPhaseEnds.map((p) => p.updates), [15, 30, 45]);
  assert.equal(run.antiSteps, 15);
  run.model.dispose();
  disposeSplit(task);
  assert.throws(() => st.runExperiment({ data: task, hidden: [8], seed: 0, pretrain: -1, steps: 10 }), at.AntitrainError);
});

test("runExperiment's penalty applies after pretraining only: λ = 0 trains exactly as plain, group lasso shrinks the units' weights", () => {
  const task = tinyTask();
  const plain = st.runExperiment({ data: task, hidden: [8], seed: 2, pretrain: 5, steps: 40, learningRate: 3e-2 });
  const zero = st.runExperiment({ data: task, hidden: [8], seed: 2, pretrain: 5, steps: 40, learningRate: 3e-2, penalty: (m) => at.groupLasso(m, ["h1"], 0) });
  const lasso = st.runExperiment({ data: task, hidden: [8], seed: 2, pretrain: 5, steps: 40, learningRate: 3e-2, penalty: (m) => at.groupLasso(m, ["h1"], 0.1) });
  const weights = (r: st.ExperimentResult) => r.model.variables().map((v) => Array.from(v.dataSync()));
  assert.deepEqual(weights(zero), weights(plain), "a zero penalty changes nothing");
  const norm = (r: st.ExperimentResult) => weights(r).slice(0, 2).flat().reduce((a, x) => a + x * x, 0);
  assert.ok(norm(lasso) < 0.9 * norm(plain), `group lasso shrinks h1's incoming weights: ${norm(lasso)} vs ${norm(plain)}`);
  assert.equal(lasso.antiSteps, 0);
  for (const r of [plain, zero, lasso]) r.model.dispose();
  disposeSplit(task);
});
