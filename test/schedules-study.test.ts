import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

// Notebook 05's study: its named settings, bad settings refused naming the fix, every arm at exactly the same number
// of optimizer updates, the choice on validation numbers by one criterion for every tuned arm, the tables and the
// verdict on hand-made runs, and a tiny tuning seed and study seed that run every arm reproducibly without leaking.
before(async () => {
  await at.ready({ quiet: true });
});

describe("schedules study settings", () => {
  test("full and quick: one update budget for every arm, nine configurations per tuned arm in full, one in quick, two in tiny", () => {
    const full = st.schedulesStudy.settings("full");
    assert.deepEqual(full.data, { dataset: "digits", validation: 0.2 });
    assert.equal(full.updates, 3600);
    assert.deepEqual(st.SCHEDULE_TUNED_ARMS.map((a) => full.grids[a].length), [9, 9, 9]);
    const quick = st.schedulesStudy.settings("quick");
    assert.deepEqual(st.SCHEDULE_TUNED_ARMS.map((a) => quick.grids[a].length), [1, 1, 1], "quick tunes nothing");
    assert.deepEqual(quick.grids, { interleaved: [{ antiSteps: 1, cycle: 100 }], cyclic: [{ train: 200, anti: 200 }], "group lasso": [{ lambda: 1e-3 }] }, "quick: each full grid's first entry, as before");
    const tiny = st.schedulesStudy.settings("tiny");
    assert.deepEqual(st.SCHEDULE_TUNED_ARMS.map((a) => tiny.grids[a].length), [2, 2, 2]);
    // Antitraining's two knobs tuned jointly: every pairing of three levels of each, no configuration twice.
    const pairs = (xs: readonly object[]) => new Set(xs.map((x) => JSON.stringify(x))).size;
    const il = full.grids.interleaved;
    assert.equal(pairs(il), 9);
    assert.deepEqual([...new Set(il.map((k) => k.antiSteps))].sort(), [1, 2, 3]);
    assert.deepEqual([...new Set(il.map((k) => k.cycle))].sort((a, b) => a - b), [50, 100, 200]);
    const cy = full.grids.cyclic;
    assert.equal(pairs(cy), 9);
    assert.deepEqual([...new Set(cy.map((k) => k.train + k.anti))].sort((a, b) => a - b), [100, 200, 400], "three phase lengths");
    assert.deepEqual([...new Set(cy.map((k) => k.train / k.anti))].sort((a, b) => a - b), [1 / 3, 1, 3], "three train:anti ratios");
    for (const old of [{ antiSteps: 1, cycle: 50 }, { antiSteps: 1, cycle: 200 }, { antiSteps: 2, cycle: 100 }]) assert.ok(il.some((k) => JSON.stringify(k) === JSON.stringify(old)), "the earlier interleaved grid is inside");
    for (const old of [{ train: 100, anti: 100 }, { train: 300, anti: 100 }]) assert.ok(cy.some((k) => JSON.stringify(k) === JSON.stringify(old)));
    // Group lasso: nine distinct λ, log-spaced in half decades, beyond the earlier 1e-4 … 3e-2 on both sides.
    const lambdas = full.grids["group lasso"].map((k) => k.lambda).sort((a, b) => a - b);
    assert.equal(new Set(lambdas).size, 9);
    assert.ok(lambdas[0] < 1e-4 && lambdas[8] > 3e-2, `λ from ${lambdas[0]} to ${lambdas[8]}`);
    for (let i = 1; i < 9; i++) assert.ok(lambdas[i] / lambdas[i - 1] > 2.9 && lambdas[i] / lambdas[i - 1] < 3.4, `λ step ${lambdas[i - 1]} → ${lambdas[i]}`);
    assert.equal(st.STUDIES["05-schedules"], st.schedulesStudy);
    assert.deepEqual(st.schedulesStudy.arms, ["plain", "interleaved", "cyclic", "group lasso"]);
    for (const size of ["tiny", "quick", "full"] as const) st.schedulesStudy.check(st.schedulesStudy.settings(size));
    // Interleaved 1:1 spends 2 updates per training step, 2:1 three; cyclic train + anti per cycle.
    assert.deepEqual(st.scheduleOf("interleaved", { antiSteps: 1, cycle: 100 }, 3600), { schedule: at.interleaved(1, { cycle: 100 }), trainingSteps: 1800 });
    assert.deepEqual(st.scheduleOf("interleaved", { antiSteps: 2, cycle: 100 }, 3600).trainingSteps, 1200);
    assert.deepEqual(st.scheduleOf("cyclic", { train: 300, anti: 100 }, 3600), { schedule: at.cyclic(300, 100), trainingSteps: 2700 });
    assert.equal(st.knobsLabel("cyclic", { train: 200, anti: 100 }), "200 train / 100 anti steps");
    assert.equal(st.knobsLabel("plain", null), "—");
  });

  test("check refuses what cannot run, naming the fix", () => {
    const quick = st.schedulesStudy.settings("quick");
    const grids = quick.grids;
    assert.throws(() => st.schedulesStudy.check({ ...quick, updates: 0 }), /updates/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, fraction: 1.5 }), /fraction/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, pretrain: -1 }), /pretrain must be a whole number/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, tolerance: 1 }), /tolerance must be in \[0, 1\)/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, data: { dataset: "mnist" } } as unknown as st.SchedulesSettings), /data must describe a data set/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, data: { dataset: "digits" } }), /validation share/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, phase: 3 } as st.SchedulesSettings), /phase/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, grids: { ...grids, cyclic: [...grids.cyclic, { train: 100, anti: 100 }] } }), /same number of configurations/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, grids: { ...grids, cyclic: [{ train: 300, anti: 200 }] } }), /does not divide updates 800/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, grids: { ...grids, interleaved: [{ antiSteps: 2, cycle: 100 }] } }), /does not divide updates 800/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, grids: { ...grids, interleaved: [{ antiSteps: 0, cycle: 100 }] } }), /antiSteps/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, grids: { ...grids, "group lasso": [{ lambda: -1 }] } }), /lambda must be a positive number/);
    assert.throws(() => st.schedulesStudy.check({ ...quick, grids: { ...grids, plain: [] } as unknown as st.SchedulesGrids }), /plain/);
  });
});

describe("reattachment, the choice and the tables", () => {
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

  test("chooseSchedules: the smallest validation core among the configurations that hold accuracy, the most accurate when none does", () => {
    const s = st.schedulesStudy.settings("tiny");
    const [i1, i2] = s.grids.interleaved;
    const [c1, c2] = s.grids.cyclic;
    const [g1, g2] = s.grids["group lasso"];
    const row = (arm: st.ScheduleName, knobs: st.ArmKnobs, seed: number, valCore: number, valAccuracy: number): st.SchedulesTuneRow =>
      ({ arm, knobs, seed, valCore, valAccuracy, valLoss: 0.1, updates: s.updates });
    const rows = [100, 101].flatMap((seed) => [
      row("plain", null, seed, 15, 0.9),
      // interleaved: i2 has the smaller core and holds accuracy (0.895 ≥ 0.9 − 0.01).
      row("interleaved", i1, seed, 10, 0.9), row("interleaved", i2, seed, 6, 0.895),
      // cyclic: c2's smaller core loses 2 points: c1 is chosen.
      row("cyclic", c1, seed, 12, 0.9), row("cyclic", c2, seed, 4, 0.88),
      // group lasso: neither holds accuracy; the more accurate g1 is chosen despite its larger core.
      row("group lasso", g1, seed, 8, 0.85), row("group lasso", g2, seed, 2, 0.7),
    ]);
    const { chosen, table } = st.chooseSchedules(s, rows);
    assert.deepEqual(chosen, { interleaved: i2, cyclic: c1, "group lasso": g1 });
    assert.deepEqual(st.schedulesStudy.choose(s, rows), chosen);
    assert.deepEqual(table.map((t) => [t.arm, t.holds, t.chosen]), [
      ["plain", true, true], ["interleaved", true, false], ["interleaved", true, true], ["cyclic", true, true], ["cyclic", false, false],
      ["group lasso", false, true], ["group lasso", false, false],
    ]);
    assert.throws(() => st.chooseSchedules(s, []), /run tuning seeds/);
    assert.throws(() => st.chooseSchedules(s, rows.filter((r) => r.arm !== "plain")), /plain training's tuning rows/);
    assert.throws(() => st.chooseSchedules(s, rows.filter((r) => r.arm !== "cyclic")), /no tuning run for cyclic/);
    const quick = st.schedulesStudy.settings("quick");
    assert.deepEqual(st.schedulesStudy.choose(quick, []), { interleaved: quick.grids.interleaved[0], cyclic: quick.grids.cyclic[0], "group lasso": quick.grids["group lasso"][0] });
  });

  const fake = (arm: st.ScheduleName, seed: number, testCore: number, cores: number[][]): st.ScheduleRun => ({
    arm, seed, knobs: null, trainingSteps: 10, antiSteps: 10, updates: 20, valCore: testCore + 1, testCore, testSpectatorDamage: 0.01, testFullDamage: 0.5,
    valAccuracy: 0.9, valLoss: 0.2, testAccuracy: 0.9 + seed / 100 + (arm === "cyclic" ? -0.05 : 0), testLoss: 0.1 + (arm === "cyclic" ? 1 : 0),
    steps: [1, 10, 20], measureUpdates: [1, 10, 20], measureValAccuracy: [0.8, 0.85, 0.9], measureValLoss: [0.3, 0.2, 0.1],
    antiPhaseUpdates: [], antiPhaseValAccuracy: [], antiPhaseValLoss: [], antitrainedCores: cores, reportCores: cores, seconds: 1,
  });

  test("schedulesTables and the summary: the test core paired against interleaved, accuracy and loss beside it", () => {
    const seedRuns = (seed: number) => [
      fake("plain", seed, 100 + seed, [[0], [1], [2]]), fake("interleaved", seed, 40 + seed, [[0], [0], [0]]),
      fake("cyclic", seed, 80 + 2 * seed, [[0], [0, 1], [0, 1, 2]]), fake("group lasso", seed, 15, [[0], [0], [1]]),
    ];
    const results = [0, 1, 2, 3, 4, 5].map(seedRuns); // six seeds: all differences on one side give Wilcoxon p = 1/32
    const s = { ...st.schedulesStudy.settings("tiny"), hidden: 8 };
    const summary = st.schedulesStudy.summarize(s, results);
    const t = summary.details as st.SchedulesTables;
    assert.deepEqual(Object.keys(t.aggregate), ["plain", "interleaved", "cyclic", "group lasso"]);
    assert.equal(t.aggregate.plain.testCore.mean, 102.5);
    assert.equal(t.aggregate.plain.valCore.mean, 103.5);
    assert.equal(summary.reference, "interleaved");
    assert.equal(summary.better, "lower");
    assert.deepEqual(summary.paired.map((p) => [p.arm, p.mean]), [["plain", 60], ["cyclic", 42.5], ["group lasso", -27.5]]);
    assert.ok(Math.abs((t.accuracy.paired.find((p) => p.arm === "cyclic")?.mean ?? 0) + 0.05) < 1e-12, "cyclic − interleaved test accuracy −0.05");
    assert.ok(Math.abs((t.loss.paired.find((p) => p.arm === "cyclic")?.mean ?? 0) - 1) < 1e-12);
    // plain: transitions {0}→{1} (1 of 7), {1}→{2} (1 of 7); the first skipped: 1 per re-measurement, rate 1/7; re-measured every 10 steps.
    assert.equal(t.reattachment.plain.count.mean, 1);
    assert.equal(t.reattachment.plain.cadence, 10);
    assert.equal(t.reattachment.interleaved.count.mean, 0);

    const v = st.schedulesStudy.verdict(summary);
    assert.equal(v.answer, "supported", "cyclic's core is larger on every seed");
    assert.match(v.sentence, /holds under the Wilcoxon test/);
    assert.match(v.sentence, /against the published peer, group lasso leaves a reliably smaller core than interleaved antitraining/);
    assert.match(v.sentence, /plain leaves a reliably larger core/);
    assert.equal(v.numbers.length, 4);
    assert.match(v.numbers[1], /^cyclic − interleaved: core \+42\.5 .*test accuracy −0\.050/);

    // Cyclic smaller on every seed: not supported; a single seed: inconclusive.
    const swapped = results.map((runs) => runs.map((r) => (r.arm === "cyclic" ? { ...r, testCore: 10 } : r)));
    assert.equal(st.schedulesStudy.verdict(st.schedulesStudy.summarize(s, swapped)).answer, "not supported");
    assert.equal(st.schedulesStudy.verdict(st.schedulesStudy.summarize(s, results.slice(0, 1))).answer, "inconclusive");
  });

  test("robustnessLine names the statistic where the t interval's answer flips", () => {
    const p = { arm: "cyclic", reference: "interleaved", n: 10, mean: 5, low: 1, high: 9, median: -1, wins: 0, losses: 4, ties: 0, wilcoxonP: 0.2 };
    const line = st.robustnessLine(p, "lower");
    assert.match(line, /^Where it flips: the Wilcoxon test \(p = 0\.20\) finds no reliable difference; the median of cyclic − interleaved \(−1\.0\) lies on the other side\.$/);
    assert.match(st.robustnessLine({ ...p, median: 4, wilcoxonP: 0.01 }, "lower"), /^It holds/);
    assert.match(st.robustnessLine({ ...p, low: -1, wilcoxonP: 0.5 }, "lower"), /^It holds/, "no difference under either");
    assert.match(st.robustnessLine({ ...p, low: -1, median: 4, wilcoxonP: 0.01 }, "lower"), /Wilcoxon test \(p = 0\.010\) finds cyclic reliably worse/);
    assert.deepEqual([st.signedNumber(-1, 1), st.signedNumber(2, 1), st.signedNumber(-0.01, 1)], ["−1.0", "+2.0", "+0.0"]);
  });
});

test("a tiny tuning seed and study seed run every arm at exactly the same updates, on validation then test, reproducibly, leaking nothing", () => {
  const s = st.schedulesStudy.settings("tiny");
  st.studyData(s.data); // built once per process and kept
  const tensors = tf.memory().numTensors;
  const rows = st.schedulesStudy.tune?.(s, 100) ?? [];
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(rows.map((r) => r.arm), ["plain", "interleaved", "interleaved", "cyclic", "cyclic", "group lasso", "group lasso"]);
  for (const r of rows) assert.ok(r.valCore >= 1 && r.valCore <= s.hidden && r.valAccuracy > 0.1 && r.valAccuracy <= 1 && r.updates === s.updates);
  const chosen = st.schedulesStudy.choose(s, rows);
  const runs = st.schedulesStudy.run(s, chosen, 0);
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(runs.map((r) => r.arm), ["plain", "interleaved", "cyclic", "group lasso"]);
  for (const r of runs) {
    assert.equal(r.trainingSteps + r.antiSteps, s.updates, `${r.arm}: every arm spends the same updates`);
    assert.equal(r.updates, s.updates);
    assert.ok(r.testCore >= 1 && r.testCore <= s.hidden && r.valCore >= 1 && r.valCore <= s.hidden);
    assert.ok(r.testAccuracy > 0.1 && r.testAccuracy <= 1 && r.testLoss > 0 && Number.isFinite(r.testLoss));
    assert.ok(r.measureUpdates.every((u) => u >= 1 && u <= s.updates), `${r.arm}: re-measured within the budget`);
    r.antitrainedCores.forEach((core, c) => assert.deepEqual(core, r.reportCores[c].slice(0, core.length), "the antitrained core is a prefix of the reported one"));
  }
  const [plain, inter, cyc, lasso] = runs;
  assert.equal(plain.antiSteps, 0);
  assert.equal(lasso.antiSteps, 0);
  assert.equal(inter.antiSteps, inter.trainingSteps * chosen.interleaved.antiSteps);
  assert.equal(cyc.antiSteps, (cyc.trainingSteps / chosen.cyclic.train) * chosen.cyclic.anti);
  assert.equal(cyc.antiPhaseUpdates.length, cyc.trainingSteps / chosen.cyclic.train);
  assert.equal(cyc.antiPhaseUpdates[cyc.antiPhaseUpdates.length - 1], s.updates, "cyclic ends right after its last antitraining phase");
  // Plain and group lasso are re-measured at the chosen cyclic phase: plain's churn is cyclic's control.
  assert.equal(plain.steps.length, s.updates / chosen.cyclic.train + 1);
  const again = st.runSchedule(s, "cyclic", chosen.cyclic, 0, chosen.cyclic.train);
  assert.deepEqual({ ...again, seconds: 0 }, { ...cyc, seconds: 0 }, "the same seed gives the same numbers");
  const tuned = rows.find((r) => r.arm === "cyclic" && JSON.stringify(r.knobs) === JSON.stringify(chosen.cyclic));
  const seed100 = st.runSchedule(s, "cyclic", chosen.cyclic, 100, chosen.cyclic.train);
  assert.equal(seed100.valCore, tuned?.valCore, "tuning scores the same validation core a study seed reports");
  assert.equal(seed100.valAccuracy, tuned?.valAccuracy);
});
