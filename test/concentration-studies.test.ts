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
    assert.deepEqual(study.settings("full"), {
      hidden: 128, pretrain: 600, updates: 1600, ...knobs,
      grids: {
        "group-lasso": [{ lambda: 1e-3 }, { lambda: 1e-4 }, { lambda: 1e-2 }, { lambda: 3e-2 }],
        slimming: [{ lambda: 1e-3 }, { lambda: 1e-4 }, { lambda: 1e-2 }, { lambda: 1e-1 }],
        "activation-l1": [{ lambda: 1e-3 }, { lambda: 1e-4 }, { lambda: 1e-2 }, { lambda: 1e-1 }],
        "targeted-dropout": [{ targetFraction: 0.5, rate: 0.5 }, { targetFraction: 0.75, rate: 0.5 }, { targetFraction: 0.5, rate: 0.9 }, { targetFraction: 0.75, rate: 0.9 }],
        "nested-dropout": [{ p: 0.03 }, { p: 0.01 }, { p: 0.05 }, { p: 0.1 }],
      },
    });
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
