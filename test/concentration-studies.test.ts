import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

// The registered concentration studies (notebooks 01 and 02): their settings are the notebooks' documented ones, bad
// settings are refused, the helpers moved out of the notebooks compute what the notebooks did, and a tiny seed keeps
// the protocol's invariants.
before(async () => {
  await at.ready({ quiet: true });
});

const FIRST_OF_EACH = {
  antitrain: [{ cycle: 100, antiLearningRate: 1e-3 }],
  "group-lasso": [{ lambda: 1e-3 }],
  slimming: [{ lambda: 1e-3 }],
  "activation-l1": [{ lambda: 1e-3 }],
  "targeted-dropout": [{ targetFraction: 0.5, rate: 0.5 }],
  "nested-dropout": [{ p: 0.03 }],
};

describe("01-concentration", () => {
  const study = st.concentrationStudy;

  test("is registered, and its quick and full settings are notebook 01's", () => {
    assert.equal(st.STUDIES["01-concentration"], study);
    const knobs = { cycle: 100, fraction: 0.95, tolerance: 0.01, validation: 0.2, teacherK: 8 };
    assert.deepEqual(study.settings("quick"), { hidden: 128, pretrain: 300, updates: 300, ...knobs, grids: FIRST_OF_EACH });
    const full = study.settings("full");
    const lambdas = (xs: number[]) => xs.map((lambda) => ({ lambda }));
    assert.deepEqual(full, {
      hidden: 128, pretrain: 600, updates: 1600, ...knobs,
      grids: {
        antitrain: [
          { cycle: 100, antiLearningRate: 1e-3 }, { cycle: 100, antiLearningRate: 3e-4 }, { cycle: 100, antiLearningRate: 3e-3 },
          { cycle: 50, antiLearningRate: 1e-3 }, { cycle: 50, antiLearningRate: 3e-4 }, { cycle: 50, antiLearningRate: 3e-3 },
          { cycle: 200, antiLearningRate: 1e-3 }, { cycle: 200, antiLearningRate: 3e-4 }, { cycle: 200, antiLearningRate: 3e-3 },
        ],
        "group-lasso": lambdas([1e-3, 3e-3, 5e-3, 7e-3, 1e-2, 1.5e-2, 2e-2, 3e-2, 5e-2]),
        slimming: lambdas([1e-3, 5e-3, 1e-2, 2e-2, 3e-2, 5e-2, 7e-2, 1e-1, 1.5e-1]),
        "activation-l1": lambdas([1e-3, 3e-2, 5e-2, 7e-2, 1e-1, 1.5e-1, 2e-1, 3e-1, 5e-1]),
        "targeted-dropout": [[0.5, 0.5], [0.75, 0.5], [0.9, 0.5], [0.75, 0.25], [0.75, 0.9], [0.5, 0.9], [0.25, 0.9], [0.5, 0.75], [0.5, 0.95]].map(([targetFraction, rate]) => ({ targetFraction, rate })),
        "nested-dropout": [0.03, 0.01, 0.02, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3].map((p) => ({ p })),
      },
    });
    // Equal tuning effort: nine distinct settings for every tuned arm (antitraining's loop included), the quick and
    // earlier setting first; every choice of the four-setting run at 54ef23a has a neighbour on both sides of each knob.
    assert.deepEqual(Object.keys(full.grids), st.CONCENTRATION_GRIDS);
    for (const [method, grid] of Object.entries(full.grids)) {
      assert.equal(grid.length, 9, method);
      assert.equal(new Set(grid.map((g) => JSON.stringify(g))).size, 9, `${method}: nine distinct settings`);
      assert.deepEqual(grid[0], FIRST_OF_EACH[method as keyof typeof FIRST_OF_EACH][0], `${method}: quick's setting first`);
    }
    const earlier: [string, Record<string, number>][] = [
      ["antitrain", { cycle: 100, antiLearningRate: 1e-3 }],
      ["group-lasso", { lambda: 0.01 }], ["slimming", { lambda: 0.1 }], ["slimming", { lambda: 0.01 }], ["activation-l1", { lambda: 0.1 }],
      ["targeted-dropout", { targetFraction: 0.75, rate: 0.5 }], ["targeted-dropout", { targetFraction: 0.5, rate: 0.9 }],
      ["nested-dropout", { p: 0.1 }], ["nested-dropout", { p: 0.03 }],
    ];
    for (const [method, choice] of earlier) {
      const grid = (full.grids as st.ConcentrationGrids)[method] as unknown as Record<string, number>[];
      for (const knob of Object.keys(choice)) {
        const line = grid.filter((g) => Object.keys(choice).every((k) => k === knob || g[k] === choice[k])).map((g) => g[knob]);
        assert.ok(line.includes(choice[knob]), `${method} ${JSON.stringify(choice)} is in the grid`);
        assert.ok(line.some((v) => v < choice[knob]) && line.some((v) => v > choice[knob]), `${method} ${JSON.stringify(choice)}: ${knob} has a neighbour on both sides`);
      }
    }
    const tiny = study.settings("tiny");
    assert.deepEqual(tiny.grids, { ...FIRST_OF_EACH, antitrain: [{ cycle: 5, antiLearningRate: 1e-3 }] }, "tiny: one setting each, the loop at tiny's own cycle");
  });

  test("refuses settings that cannot run, naming the fix", () => {
    const quick = study.settings("quick");
    assertAntitrainError(() => study.check({ ...quick, updates: 301 }), /updates must be even/);
    assertAntitrainError(() => study.check({ ...quick, hiden: 64 } as never), /unknown option "hiden"/);
    assertAntitrainError(() => study.check({ ...quick, validation: 0 }), /validation/);
    const { slimming: _, ...fewer } = quick.grids;
    assertAntitrainError(() => study.check({ ...quick, grids: fewer }), /missing slimming/);
  });

  test("the tasks' splits are notebook 01's, the teacher-student split is at.validationSplit's", () => {
    const knobs = study.settings("quick");
    assert.deepEqual(st.taskSplitSizes("digits", knobs), { train: 1078, validation: 269, test: 450 });
    assert.deepEqual(st.taskSplitSizes("teacher-student", knobs), { train: 1600, validation: 400, test: 1000 });
    const mine = st.studyData(st.taskData("teacher-student", knobs));
    const teacher = at.teacherStudent({ teacherHidden: 8, seed: 0 });
    const fit = at.validationSplit(teacher.train, { fraction: 0.2, seed: 0 });
    try {
      assert.deepEqual(Array.from(mine.validation!.x.dataSync()), Array.from(fit.validation.x.dataSync()));
      assert.deepEqual(Array.from(mine.train.y.dataSync()), Array.from(fit.train.y.dataSync()));
      assert.deepEqual(Array.from(mine.test.x.dataSync()), Array.from(teacher.test.x.dataSync()));
    } finally {
      for (const d of [teacher.train, teacher.test, fit.train, fit.validation]) at.disposeDataset(d);
    }
    assertAntitrainError(() => st.studyData({ dataset: "teacher-student", teacherK: 8 } as never), /unknown option "teacherK" of a teacher-student data description/);
  });

  test("aggregateProbes: mean spectators and damage share per fraction, 0 where the layer does no damage", () => {
    const seed = (s: number, a: [number, number, number], b: [number, number, number]): st.ConcentrationSeed => ({
      seed: s, fraction: 0.95, runs: [],
      probes: [{ fraction: 0.5, spectators: a[0], spectatorDamage: a[1], fullDamage: a[2] }, { fraction: 0.9, spectators: b[0], spectatorDamage: b[1], fullDamage: b[2] }],
    });
    const agg = st.aggregateProbes([seed(0, [10, 0.2, 0.8], [4, 0, 0.8]), seed(1, [14, 0.1, 0.5], [2, 0.3, 0])]);
    assert.deepEqual(Object.keys(agg), ["0.5", "0.9"]);
    assert.equal(agg["0.5"].spectators.mean, 12);
    assert.ok(Math.abs(agg["0.5"].spectatorShare.mean - (0.25 + 0.2) / 2) < 1e-12);
    assert.equal(agg["0.9"].spectatorShare.mean, 0, "a layer without damage counts as share 0");
    assert.equal(agg["0.9"].spectators.n, 2);
  });

  test("a tiny seed: every arm on both tasks at one budget, cores within the layer, a summary on the mean core", { timeout: 300_000 }, () => {
    const s = study.settings("tiny");
    const tuning = study.tune?.(s, 100) ?? [];
    assert.equal(tuning.length, 1, "one tuning record per tuning seed");
    const chosen = study.choose(s, tuning);
    for (const t of st.CONCENTRATION_TASKS) assert.deepEqual(chosen[t], Object.fromEntries(Object.entries(s.grids).map(([m, g]) => [m, g[0]])));
    const before = tf.memory().numTensors;
    const r = study.run(s, chosen, 0);
    assert.equal(tf.memory().numTensors, before, "no tensor leaked beyond the study's data");
    for (const t of st.CONCENTRATION_TASKS) {
      assert.deepEqual(r[t].runs.map((x) => x.arm), st.CONCENTRATION_ARM_NAMES);
      assert.deepEqual(r[t].runs.find((x) => x.arm === "control: core, true labels")?.settings, { fraction: 0.5, cycle: 5, antiLearningRate: 1e-3 }, "the controls run antitraining's chosen loop knobs");
      for (const x of r[t].runs) {
        assert.equal(x.updates, s.updates);
        assert.equal(x.core + x.spectators, s.hidden);
      }
    }
    const summary = study.summarize(s, [r]);
    const d = summary.details as st.ConcentrationDetails;
    const anti = summary.arms.find((a) => a.arm === "antitrain 0.5");
    const cores = st.CONCENTRATION_TASKS.map((t) => (r[t].runs.find((x) => x.arm === "antitrain 0.5") as st.ConcentrationRun).core);
    assert.equal(anti?.mean, (cores[0] + cores[1]) / 2, "the headline is the validation core averaged over the tasks");
    assert.equal(d.summary.digits[1].core.mean, cores[0]);
    assert.match(d.headlines["teacher-student"], /^validation 95% core \(of 16 units\)/);
    assert.deepEqual(Object.keys(d.probes.digits), ["0.5", "0.8", "0.9", "0.95", "0.99"]);
    assert.ok(st.ANSWERS.includes(study.verdict(summary).answer));
  });
});

describe("02-equivalence-class", () => {
  const study = st.equivalenceStudy;
  const ARMS = ["plain", "antitrain 0.5", "control: spectators, true labels", "control: core, true labels", "group lasso", "network slimming", "activation L1", "targeted dropout", "nested dropout"];
  const CHOSEN = {
    "teacher-student": { "group-lasso": { lambda: 0.01 }, slimming: { lambda: 0.01 }, "activation-l1": { lambda: 0.1 }, "targeted-dropout": { targetFraction: 0.5, rate: 0.9 }, "nested-dropout": { p: 0.03 } },
    digits: { "group-lasso": { lambda: 0.01 }, slimming: { lambda: 0.1 }, "activation-l1": { lambda: 0.1 }, "targeted-dropout": { targetFraction: 0.75, rate: 0.5 }, "nested-dropout": { p: 0.1 } },
  };

  test("is registered, and its quick and full settings are notebook 02's", () => {
    assert.equal(st.STUDIES["02-equivalence-class"], study);
    const common = { teacherK: 8, widths: [32, 512], digitWidths: [64, 256], cycle: 100, fraction: 0.95, tolerance: 0.01, validation: 0.2, arms: ARMS, chosen: CHOSEN };
    assert.deepEqual(study.settings("quick"), { ...common, pretrain: 300, updates: 300 });
    assert.deepEqual(study.settings("full"), { ...common, pretrain: 600, updates: 1600 });
    assert.deepEqual(st.equivalenceCells(study.settings("quick")).map((c) => c.key), ["teacher-student/32", "teacher-student/512", "digits/64", "digits/256"]);
    assert.equal(study.tune, undefined, "nothing is tuned: the knobs are 01's");
  });

  test("refuses settings that cannot run, naming the fix", () => {
    const quick = study.settings("quick");
    assertAntitrainError(() => study.check({ ...quick, widths: [512, 32] }), /ascending/);
    assertAntitrainError(() => study.check({ ...quick, widths: [32] }), /at least two widths/);
    assertAntitrainError(() => study.check({ ...quick, arms: ["plain", "group lasso"] }), /must include "antitrain 0.5"/);
    assertAntitrainError(() => study.check({ ...quick, arms: ["plain", "antitrain 0.5", "antitrain 0.9"] }), /antitrain 0.9/);
    assertAntitrainError(() => study.check({ ...quick, chosen: { ...quick.chosen, digits: {} } }), /chosen.digits needs a setting for group-lasso/);
  });

  test("coreGrowth: the paired per-seed growth between neighbouring widths (hand-computed)", () => {
    const seed = (s: number, core: number, testCore: number): st.ConcentrationSeed => ({
      seed: s, fraction: 0.95, probes: [], runs: [{ arm: "plain", core, testCore } as st.ConcentrationRun],
    });
    const g = st.coreGrowth([
      { width: 8, seeds: [seed(0, 4, 5), seed(1, 6, 5)] },
      { width: 16, seeds: [seed(0, 7, 9), seed(1, 7, 8)] },
      { width: 32, seeds: [seed(0, 7, 9), seed(1, 9, 8)] },
    ], "plain");
    assert.deepEqual(g.map((x) => [x.from, x.to]), [[8, 16], [16, 32]]);
    assert.equal(g[0].valCore.mean, 2);   // (3 + 1) / 2
    assert.equal(g[0].testCore.mean, 3.5);   // (4 + 3) / 2
    assert.equal(g[1].valCore.mean, 1);
    assert.equal(g[1].testCore.mean, 0);
    assert.ok(g[0].testCore.low < 3.5 && g[0].testCore.high > 3.5 && g[0].testCore.n === 2);
    assertAntitrainError(() => st.coreGrowth([{ width: 8, seeds: [seed(0, 1, 1)] }, { width: 16, seeds: [seed(1, 1, 1)] }], "plain"), /same seeds/);
  });

  test("a tiny seed: every cell runs the arms at one budget; the headline is the core's growth", { timeout: 300_000 }, () => {
    const s = study.settings("tiny");
    const r = study.run(s, study.choose(s, []), 0);
    assert.deepEqual(Object.keys(r), ["teacher-student/8", "teacher-student/16", "digits/8", "digits/16"]);
    for (const [key, cell] of Object.entries(r)) {
      const width = Number(key.split("/")[1]);
      assert.ok(cell.seconds > 0);
      assert.deepEqual(cell.result.runs.map((x) => x.arm), s.arms);
      assert.deepEqual(cell.result.probes, [], "01's probes are not repeated");
      for (const x of cell.result.runs) assert.ok(x.updates === s.updates && x.core + x.spectators === width, `${key} ${x.arm}`);
    }
    const summary = study.summarize(s, [r]);
    const d = summary.details as st.EquivalenceDetails;
    const test = (key: string, arm: string) => (r[key].result.runs.find((x) => x.arm === arm) as st.ConcentrationRun).testCore;
    const grown = (test("teacher-student/16", "plain") - test("teacher-student/8", "plain") + test("digits/16", "plain") - test("digits/8", "plain")) / 2;
    assert.equal(summary.arms.find((a) => a.arm === "plain")?.mean, grown);
    assert.equal(d.growth.digits.plain[0].testCore.mean, test("digits/16", "plain") - test("digits/8", "plain"));
    assert.deepEqual(Object.keys(d.summary), Object.keys(r));
    assert.ok(st.ANSWERS.includes(study.verdict(summary).answer));
  });
});
