import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

// Notebook 05's study: its named settings are the notebook's documented values, bad settings are refused, the moved
// reattachment and table functions compute what the notebook computed (hand-made cases), and a tiny seed runs every
// schedule reproducibly without leaking tensors.
before(async () => {
  await at.ready({ quiet: true });
});

describe("schedules study settings", () => {
  test("quick and full equal the notebook's constants", () => {
    const common = { data: { dataset: "digits" }, hidden: 128, fraction: 0.5, reportFraction: 0.95 };
    assert.deepEqual(st.schedulesStudy.settings("quick"), { ...common, pretrain: 150, phase: 100, cycles: 3 });
    assert.deepEqual(st.schedulesStudy.settings("full"), { ...common, pretrain: 600, phase: 200, cycles: 8 });
    assert.equal(st.STUDIES["05-schedules"], st.schedulesStudy);
    assert.deepEqual(st.scheduleOf("plain", 200), at.interleaved(0, { cycle: 200 }));
    assert.deepEqual(st.scheduleOf("interleaved", 200), at.interleaved(1, { cycle: 200 }));
    assert.deepEqual(st.scheduleOf("cyclic", 200), at.cyclic(200, 200));
  });

  test("check refuses what cannot run, naming the fix", () => {
    const quick = st.schedulesStudy.settings("quick");
    assert.throws(() => st.schedulesStudy.check({ ...quick, phase: 0 }), /phase/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, fraction: 1.5 }), /fraction/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, pretrain: -1 }), /pretrain must be a whole number/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, data: { dataset: "mnist" } } as unknown as st.SchedulesSettings), /data must describe a data set/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, cylces: 3 } as st.SchedulesSettings), /cylces/);
  });
});

describe("reattachment and the tables (the notebook's computation)", () => {
  test("reattachment counts spectators that join the antitrained core at the next measurement", () => {
    // 6 units. Core {0,1} → {1,2,3}: units 2 and 3 were spectators (4 of them) and joined: 2, rate 0.5.
    // {1,2,3} → {0,1}: unit 0 was a spectator (3 of them): 1, rate 1/3.
    const r = st.reattachment([[0, 1], [1, 2, 3], [0, 1]], 6);
    assert.deepEqual(r.counts, [2, 1]);
    assert.deepEqual(r.rates, [0.5, 1 / 3]);
    assert.deepEqual(st.reattachment([[0]], 4), { counts: [], rates: [] });
    assert.equal(st.meanAfterFirst([5, 1, 2]), 1.5);
    assert.equal(st.meanAfterFirst([5]), 0, "no transition left after the first: 0");
    assert.throws(() => st.reattachment([[0]], 0), /positive integer/);
  });

  const fake = (schedule: st.ScheduleName, seed: number, coreSize: number, cores: number[][]): st.ScheduleRun => ({
    schedule, seed, coreSize, spectatorDamage: 0.01 * seed, fullDamage: 0.5, testAccuracy: 0.9 + seed / 100, testLoss: 0.1,
    trainPhaseEndAccuracy: [0.8, 0.85 + seed / 100], antiPhaseEndAccuracy: [], trainPhaseEndLoss: [0.2, 0.1], antiPhaseEndLoss: [],
    steps: [10, 20, 30], antiSteps: [], antitrainedCores: cores, reportCores: cores, seconds: 1,
  });

  test("schedulesTables: final state over seeds and reattachment per run", () => {
    const runs = [
      fake("plain", 0, 6, [[0], [1], [2]]), fake("interleaved", 0, 2, [[0], [0], [0]]), fake("cyclic", 0, 4, [[0], [0, 1], [0, 1, 2]]),
      fake("plain", 1, 8, [[0], [0], [1, 3]]), fake("interleaved", 1, 4, [[0], [0], [0]]), fake("cyclic", 1, 4, [[0], [0], [0]]),
    ];
    const t = st.schedulesTables(runs, st.SCHEDULES, 8);
    assert.deepEqual(Object.keys(t.aggregate), ["plain", "interleaved", "cyclic"]);
    assert.equal(t.aggregate.plain.coreSize.mean, 7);
    assert.ok(Math.abs(t.aggregate.plain.lastTrainPhaseEndAccuracy.mean - 0.855) < 1e-12);
    // plain, seed 0: transitions {0}→{1} (1 of 7), {1}→{2} (1 of 7); the first skipped: 1, 1/7. Seed 1: {0}→{1,3}: 2, 2/7.
    assert.deepEqual(t.reattachment.plain.perRun, [1 / 7, 2 / 7]);
    assert.equal(t.reattachment.plain.count.mean, 1.5);
    assert.equal(t.reattachment.interleaved.count.mean, 0);
    // cyclic seed 0: {0,1}→{0,1,2}: 1 of 6.
    assert.deepEqual(t.reattachment.cyclic.perRun, [1 / 6, 0]);
    const summary = st.schedulesStudy.summarize({ ...st.schedulesStudy.settings("tiny"), hidden: 8 }, [runs.slice(0, 3), runs.slice(3)]);
    assert.deepEqual(summary.details, t);
    assert.equal(summary.reference, "interleaved");
    assert.equal(summary.better, "lower");
    assert.deepEqual(summary.paired.map((p) => [p.arm, p.mean]), [["plain", 4], ["cyclic", 1]]);
  });
});

test("a tiny seed runs every schedule, reproducibly, leaking nothing", () => {
  const s = st.schedulesStudy.settings("tiny");
  st.studyData(s.data); // built once per process and kept
  const tensors = tf.memory().numTensors;
  const runs = st.schedulesStudy.run(s, null, 0);
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(runs.map((r) => r.schedule), ["plain", "interleaved", "cyclic"]);
  for (const r of runs) {
    assert.equal(r.steps.length, s.cycles + 1, `${r.schedule}: a measurement at the start and after every cycle`);
    assert.equal(r.antiSteps.length, r.schedule === "cyclic" ? s.cycles : 0);
    r.antitrainedCores.forEach((core, c) => assert.deepEqual(core, r.reportCores[c].slice(0, core.length), "the antitrained core is a prefix of the reported one"));
    assert.ok(r.coreSize >= 1 && r.coreSize <= s.hidden && r.testAccuracy > 0.1);
  }
  const again = st.runSchedule(s, st.studyData(s.data), "cyclic", 0);
  assert.deepEqual({ ...again, seconds: 0 }, { ...runs[2], seconds: 0 }, "the same seed gives the same numbers");
});
