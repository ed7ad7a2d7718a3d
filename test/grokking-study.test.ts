import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

// The grokking study (notebook 09) as a registered Study: its settings are the notebook's, bad settings are refused,
// the tables and the Grokfast choice compute what the notebook computed (hand-worked cases), and a tiny seed runs
// every arm deterministically.
before(async () => {
  await at.ready({ quiet: true });
});

type Run = st.GrokArmRun;
/** A hand-made run: only the fields the tables read. */
const fake = (label: st.GrokArm, seed: number, stepsToTarget: number | null, finalTest = 0.9): Run => ({
  method: label === "grokfast-tuned" ? "grokfast" : label,
  seed,
  curve: [{ step: stepsToTarget ?? 100, trainAccuracy: 1, testAccuracy: finalTest, trainLoss: 0, testLoss: 1 }],
  stepsToTarget,
  stepsToTrain: 50,
  antiSteps: label === "antitrain" ? 40 : 0,
  seconds: 2,
  label,
});

describe("grokking study settings", () => {
  test("quick and full are notebook 09's documented values; tiny is small", () => {
    const model = (dMlp: number) => ({ dModel: 32, heads: 4, dMlp, layers: 1, layerNorm: false });
    const common = { trainFraction: 0.5, learningRate: 1e-2, weightDecay: 1.0, evalEvery: 50, target: 0.95, measureSeeds: [0] };
    assert.deepEqual(st.grokkingStudy.settings("quick"), {
      ...common,
      p: 23,
      model: model(64),
      steps: 100,
      grokfastGrid: [{ alpha: 0.98, lambda: 0 }, { alpha: 0.98, lambda: 0.5 }],
      replication: { p: 23, trainFraction: 0.4, steps: 60 },
    });
    const grid = [0.9, 0.98].flatMap((alpha) => [0.25, 0.5, 1.0, 2.0].map((lambda) => ({ alpha, lambda })));
    assert.deepEqual(st.grokkingStudy.settings("full"), {
      ...common,
      p: 31,
      model: model(128),
      steps: 1500,
      grokfastGrid: [{ alpha: 0.98, lambda: 0 }, ...grid],
      replication: { p: 59, trainFraction: 0.4, steps: 3000 },
    });
    const tiny = st.grokkingStudy.settings("tiny");
    assert.ok(tiny.p <= 7 && tiny.steps <= 20 && tiny.model.dMlp <= 8);
    assert.equal(st.STUDIES["09-grokking"], st.grokkingStudy);
  });

  test("check refuses settings it cannot run, naming the fix", () => {
    const quick = st.grokkingStudy.settings("quick");
    const bad: [object, RegExp][] = [
      [{ evalEvery: 0 }, /evalEvery must be a positive integer/],
      [{ grokfastGrid: [{ alpha: 0.98, lambda: 0 }] }, /lambda > 0/],
      [{ trainFraction: 1 }, /trainFraction/],
      [{ model: { ...quick.model, dModel: 30 } }, /multiple of model.heads/],
      [{ replication: { ...quick.replication, p: 2 } }, /replication.p must be at least 3/],
      [{ stpes: 10 }, /unknown option "stpes"/],
    ];
    for (const [change, message] of bad) {
      assert.throws(() => st.grokkingStudy.check({ ...quick, ...change } as st.GrokSettings), (e: Error) => e instanceof at.AntitrainError && message.test(e.message));
    }
  });
});

describe("grokking study tables", () => {
  test("the tuned Grokfast setting: fewest censored mean steps with λ > 0, then the higher final test accuracy", () => {
    const grid = [
      { alpha: 0.98, lambda: 0 },
      { alpha: 0.9, lambda: 1 },
      { alpha: 0.98, lambda: 1 },
      { alpha: 0.98, lambda: 2 },
    ];
    const row = (g: st.GrokfastSetting, seed: number, steps: number | null, finalTest: number): st.GrokTuningRow => ({ ...g, seed, stepsToTarget: steps, finalTest });
    const pilot = [
      row(grid[0], 100, 100, 0.99), // λ = 0 is fastest but never chosen
      row(grid[1], 100, 300, 0.9),
      row(grid[2], 100, null, 0.5), // censored: counts as 1000
      row(grid[3], 100, 300, 0.95),
      row(grid[0], 101, 100, 0.99),
      row(grid[1], 101, 500, 0.9),
      row(grid[2], 101, 200, 0.96),
      row(grid[3], 101, 500, 0.95),
    ];
    const rows = st.grokfastTuningRows(grid, pilot, 1000);
    assert.deepEqual(rows[2], { alpha: 0.98, lambda: 1, grokked: "1 / 2", "steps to 95% test": ">1000, 200", "mean (censored)": 600, "final test acc": 0.73 });
    // (0.9, 1) and (0.98, 2) tie at 400 steps; (0.98, 2) ends more accurate.
    assert.deepEqual(st.chooseGrokfast(grid, pilot, 1000), { alpha: 0.98, lambda: 2 });
    assert.throws(() => st.chooseGrokfast(grid, [], 1000), /tuneSeeds/);
  });

  test("summary and paired rows: censored runs count as the step limit and come after every run that grokked", () => {
    const runs = [
      fake("baseline", 0, 400),
      fake("antitrain", 0, 200),
      fake("baseline", 1, null),
      fake("antitrain", 1, 500),
      fake("baseline", 2, 300),
      fake("antitrain", 2, 300),
    ];
    const arms = ["baseline", "antitrain"] as const;
    const summary = st.grokSummaryRows(runs, arms, 1000);
    assert.equal(summary[0]["steps to 95% test (mean)"], Math.round((400 + 1000 + 300) / 3));
    assert.equal(summary[0].grokked, 2);
    assert.equal(summary[1]["antitrain steps"], 40);
    const [paired] = st.grokPairedRows(runs, arms, 1000);
    assert.equal(paired["steps, seeds in order"], "200, 500, 300");
    assert.equal(paired["baseline, same seeds"], "400, >1000, 300");
    assert.equal(paired["minus baseline (mean)"], Math.round((-200 - 500 + 0) / 3));
    assert.equal(paired["earlier / same / later"], "2 / 1 / 0");
    // Speed-up where both grokked: 400/200 = 2 and 300/300 = 1, geometric mean √2.
    assert.equal(paired["speed-up where both grokked"], "1.41× (1.00–2.00, 2 seeds)");
    assert.equal(st.speedUp([null], [100]), "—");
    assert.throws(() => st.grokPairedRows(runs.slice(0, 5), arms, 1000), /no antitrain run for seed 2/);
  });

  test("summarize: steps to target per arm, antitraining the reference, the notebook's tables in details", () => {
    const s = st.grokkingStudy.settings("tiny");
    const seed = (n: number, anti: number | null): st.GrokSeed => ({
      seed: n,
      runs: st.GROK_ARMS.map((arm) => fake(arm, n, arm === "antitrain" ? anti : 10)),
      replication: st.REPLICATION_ARMS.map((arm) => fake(arm, n, 10)),
    });
    const summary = st.grokkingStudy.summarize(s, [seed(0, 20), seed(1, null)]);
    assert.equal(summary.reference, "antitrain");
    assert.equal(summary.better, "lower");
    assert.equal(summary.arms.find((a) => a.arm === "antitrain")?.mean, (20 + s.steps) / 2);
    assert.equal(summary.paired.find((p) => p.arm === "baseline")?.losses, 0, "the baseline is never slower here");
    const details = summary.details as { summary: unknown[]; paired: unknown[]; replication: { summary: unknown[] } };
    assert.equal(details.summary.length, 4);
    assert.equal(details.paired.length, 3);
    assert.equal(details.replication.summary.length, 3);
  });
});

describe("grokking study runs", () => {
  test("data: a + b mod p split into training, held-out and test pairs, built once", () => {
    const d = st.grokData(7, 0.5);
    assert.deepEqual([at.size(d.train), at.size(d.heldOut), at.size(d.test)], [25, 12, 12]);
    assert.equal(st.grokData(7, 0.5), d, "memoised per process");
    const pairs = (x: tf.Tensor) => {
      const v = x.arraySync() as number[][];
      return v.map((r) => `${r[0]},${r[1]}`);
    };
    const all = new Set([...pairs(d.train.x), ...pairs(d.heldOut.x), ...pairs(d.test.x)]);
    assert.equal(all.size, 49, "the three splits partition the 49 pairs");
  });

  test("a tiny seed runs every arm and the replication, deterministically, leaking nothing", { timeout: 120_000 }, () => {
    const s = st.grokkingStudy.settings("tiny");
    st.grokData(s.p, s.trainFraction);
    st.grokData(s.replication.p, s.replication.trainFraction);
    const tensors = tf.memory().numTensors;
    const tuned = { alpha: 0.98, lambda: 0.5 };
    const a = st.grokkingStudy.run(s, tuned, 0);
    assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
    assert.deepEqual(a.runs.map((r) => r.label), [...st.GROK_ARMS]);
    assert.deepEqual(a.replication.map((r) => r.label), [...st.REPLICATION_ARMS]);
    for (const r of [...a.runs, ...a.replication]) {
      const limit = a.replication.includes(r) ? s.replication.steps : s.steps;
      r.curve.forEach((c, i) => assert.equal(c.step, Math.min((i + 1) * s.evalEvery, limit)));
      if (r.label !== "antitrain") assert.equal(r.antiSteps, 0);
      // Seed 0 is a measureSeed: every arm of the main runs measures roles; the replication measures only in antitrain.
      const measured = r.label === "antitrain" || !a.replication.includes(r);
      assert.equal(r.curve.every((c) => c.roles !== undefined), measured, `${r.label}: roles measured`);
    }
    const b = st.grokkingStudy.run(s, tuned, 0);
    const strip = (x: st.GrokSeed) => JSON.stringify([...x.runs, ...x.replication].map(({ seconds: _s, ...rest }) => rest));
    assert.equal(strip(b), strip(a), "the same seed gives the same numbers");
  });

  test("quick tuning seed 100 reproduces notebook 09's quick numbers (wasm)", { timeout: 120_000 }, (t) => {
    if (at.backendName() !== "wasm") return t.skip("the reference numbers were computed on wasm");
    const rows = st.grokkingStudy.tune?.(st.grokkingStudy.settings("quick"), 100) ?? [];
    // From results/quick/09-grokking.json as the notebook computed it before the study moved to lib/.
    assert.deepEqual(
      rows.map((r) => [r.alpha, r.lambda, r.stepsToTarget, r.finalTest]),
      [
        [0.98, 0, null, 0.25757575757575757],
        [0.98, 0.5, null, 0.13636363636363635],
      ],
    );
  });
});
