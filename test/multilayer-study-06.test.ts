import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as nb from "../lib/notebook/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

// The registered multilayer study (notebook 06): its settings are the notebook's documented ones, bad settings are
// refused, the report helpers moved out of the notebook compute what its cells did, and a tiny run keeps the
// protocol's invariants (one budget, equal widths, the headline is test accuracy).
before(async () => {
  await at.ready({ quiet: true });
});

describe("06-multilayer", () => {
  const study = st.multilayerStudy;
  const rule = { fraction: 0.95, tolerance: 0.01, validation: 0.2 };

  test("is registered, and its quick and full settings are notebook 06's", () => {
    assert.equal(st.STUDIES["06-multilayer"], study);
    assert.deepEqual(study.settings("quick"), {
      hidden: [64, 64, 64], pretrain: 100, updates: 200, cycle: 25, finetune: 40, ...rule,
      grids: { antitrain: [{ fraction: 0.5, antiLearningRate: 3e-4 }], "group-lasso": [{ lambda: 3e-3 }], slimming: [{ lambda: 3e-2 }], "activation-l1": [{ lambda: 3e-2 }] },
    });
    assert.deepEqual(study.settings("full"), {
      hidden: [128, 128, 128], pretrain: 600, updates: 1600, cycle: 100, finetune: 200, ...rule,
      grids: {
        antitrain: [
          { fraction: 0.5, antiLearningRate: 3e-4 }, { fraction: 0.5, antiLearningRate: 1e-3 }, { fraction: 0.5, antiLearningRate: 3e-3 },
          { fraction: 0.8, antiLearningRate: 3e-4 }, { fraction: 0.8, antiLearningRate: 1e-3 }, { fraction: 0.8, antiLearningRate: 3e-3 },
          { fraction: 0.95, antiLearningRate: 3e-4 }, { fraction: 0.95, antiLearningRate: 1e-3 }, { fraction: 0.95, antiLearningRate: 3e-3 },
        ],
        "group-lasso": [3e-3, 1e-4, 3e-4, 1e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1].map((lambda) => ({ lambda })),
        slimming: [3e-2, 3e-4, 1e-3, 3e-3, 1e-2, 1e-1, 3e-1, 1, 3].map((lambda) => ({ lambda })),
        "activation-l1": [3e-2, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 1e-1, 3e-1, 1].map((lambda) => ({ lambda })),
      },
    });
    // Equal tuning effort: nine settings per tuned method, antitraining's two knobs jointly (every pair of its levels).
    const full = study.settings("full").grids;
    for (const m of st.MULTILAYER_TUNED) assert.equal(full[m].length, 9, `${m}: nine settings`);
    const pairs = new Set(full.antitrain.map((x) => `${x.fraction}/${x.antiLearningRate}`));
    assert.equal(pairs.size, 9, "antitraining's nine settings are distinct");
    for (const f of [0.5, 0.8, 0.95]) for (const r of [3e-4, 1e-3, 3e-3]) assert.ok(pairs.has(`${f}/${r}`), `antitraining ${f} × ${r}`);
    for (const m of ["group-lasso", "slimming", "activation-l1"] as const) {
      const ls = full[m].map((x) => x.lambda ?? Number.NaN).sort((a, b) => a - b);
      for (let i = 1; i < ls.length; i++) assert.ok(ls[i] / ls[i - 1] >= 2.9 && ls[i] / ls[i - 1] <= 3.4, `${m}: half-decade steps`);
    }
    assert.deepEqual(study.settings("tiny").grids, study.settings("quick").grids, "tiny and quick keep one setting per method");
    assert.deepEqual(st.multilayerSplitSizes(study.settings("quick")), { train: 1078, validation: 269, test: 450 });
  });

  test("refuses settings that cannot run, naming the fix", () => {
    const quick = study.settings("quick");
    assertAntitrainError(() => study.check({ ...quick, updates: 202 }), /multiple of 4/);
    assertAntitrainError(() => study.check({ ...quick, hidden: [] }), /hidden must list/);
    assertAntitrainError(() => study.check({ ...quick, grids: { ...quick.grids, dropout: [{}] } as never }), /unknown option "dropout"/);
    assertAntitrainError(() => study.check({ ...quick, grids: { ...quick.grids, slimming: [] } }), /missing slimming/);
    assertAntitrainError(() => study.check({ ...quick, finetune: 0 }), /finetune/);
  });

  test("a tiny run: one budget, antitraining's widths for every equal-width arm, test accuracy as the headline", { timeout: 300_000 }, () => {
    const s = study.settings("tiny");
    const tuning = study.tune?.(s, 100) ?? [];
    assert.equal(tuning.length, 4, "one tuning row per grid setting");
    assert.ok(tuning.every((r) => r.seed === 100 && Object.keys(r).every((k) => !/test|ece/i.test(k))), "tuning touches no test numbers");
    const chosen = study.choose(s, tuning);
    assert.deepEqual(chosen, { antitrain: s.grids.antitrain[0], "group-lasso": s.grids["group-lasso"][0], slimming: s.grids.slimming[0], "activation-l1": s.grids["activation-l1"][0] });
    const before = tf.memory().numTensors;
    const r = study.run(s, chosen, 0);
    assert.equal(tf.memory().numTensors, before, "no tensor leaked beyond the study's data");
    assert.deepEqual(r.rows.map((x) => x.arm), st.MULTILAYER_ARM_NAMES);
    for (const x of r.rows) {
      assert.equal(x.updates, x.arm === "small from scratch" ? s.pretrain + s.updates : s.updates, x.arm);
      if (x.compare === "equal widths") assert.deepEqual(x.widths, r.widths, `${x.arm}: antitraining's widths`);
    }
    const summary = study.summarize(s, [r]);
    for (const a of summary.arms) assert.equal(a.mean, r.rows.find((x) => x.arm === a.arm)?.testAccuracy, `${a.arm}: headline is test accuracy`);
    assert.equal(summary.reference, "antitrain");
    assert.equal(summary.better, "higher");
    const d = summary.details as st.MultilayerDetails;
    assert.deepEqual(d.summary.map((x) => x.arm), st.MULTILAYER_ARM_NAMES);
    assert.deepEqual(d.dense.map((x) => x.method), ["antitrain", "plain", "group-lasso", "slimming", "activation-l1"]);
    assert.ok(st.ANSWERS.includes(study.verdict(summary).answer));
    // The per-seed table the notebook showed: antitraining's widths and every equal-width arm's test accuracy.
    const perSeed = nb.multilayerPerSeedRows([r]);
    assert.equal(perSeed[0]["antitrain widths"], r.widths.join(" / "));
    assert.equal(perSeed[0]["plain, magnitude"], r.rows[2].testAccuracy.toFixed(3));
    assert.equal(Object.keys(perSeed[0]).length, 2 + r.rows.filter((x) => x.compare === "equal widths").length);
    assert.equal(nb.multilayerCharts([r], d, { width: 8 }).length, 3);
  });

  test("the headline line names the most accurate equal-width baseline and antitraining's share of the parameters", () => {
    const i = (mean: number): at.Interval => ({ mean, low: mean, high: mean, n: 1 });
    const row = (arm: string, compare: "own cores" | "equal widths", acc: number, params: number): st.MultilayerSummary => ({
      arm, compare, settings: "{}", updates: 200, widths: [i(10), i(8), i(6)], params: i(params), paramsDiff: i(0), valBefore: i(0.5), valAfter: i(0.9),
      testAccuracy: i(acc), testAccuracyDiff: i(acc - 0.9), testLoss: i(0.3), testLossDiff: i(0), ece: i(0.02), eceDiff: i(0), better: 0, worse: 0,
    });
    const summary = [row("antitrain", "own cores", 0.9, 1000), row("plain, magnitude", "equal widths", 0.88, 1000), row("group lasso", "equal widths", 0.91, 1000), row("plain, own cores", "own cores", 0.95, 4000)];
    assert.equal(
      nb.multilayerHeadline(summary, 4000),
      "antitraining keeps 10.0 / 8.0 / 6.0 units, 25% of the parameters, test accuracy 0.900 after fine-tuning; at the same widths the best baseline is group lasso at 0.910, paired +0.010 (one seed, no interval)",
    );
    const rows = nb.multilayerTableRows(summary, 4000);
    assert.equal(rows[0]["test acc vs antitrain"], "");
    assert.equal(rows[2]["test acc vs antitrain"], "+0.010 (one seed, no interval)");
    assert.equal(rows[3]["params kept"], "100% · 4000 (one seed, no interval)");
  });
});
