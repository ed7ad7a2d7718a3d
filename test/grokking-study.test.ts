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
  method: label === "grokfast-tuned" ? "grokfast" : label === "adamw-tuned" ? "baseline" : label,
  seed,
  curve: [{ step: stepsToTarget ?? 100, trainSteps: stepsToTarget ?? 100, trainAccuracy: 1, testAccuracy: finalTest, trainLoss: 0, testLoss: 1 }],
  stepsToTarget,
  stepsToTrain: 50,
  trainSteps: label === "antitrain" ? 60 : 100,
  antiSteps: label === "antitrain" ? 40 : 0,
  seconds: 2,
  label,
});

describe("grokking study settings", () => {
  test("quick and full are notebook 09's documented values, with the same number of configurations per tuned arm; tiny is small", () => {
    const model = (dMlp: number) => ({ dModel: 32, heads: 4, dMlp, layers: 1, layerNorm: false });
    const common = { trainFraction: 0.5, learningRate: 1e-2, weightDecay: 1.0, evalEvery: 50, target: 0.95, measureSeeds: [0] };
    const small = {
      weightDecay: [0.3, 1.0],
      grokfast: [{ alpha: 0.9, lambda: 2 }, { alpha: 0.98, lambda: 0.5 }],
      antitrain: [{ antiEvery: 1, antiLearningRate: 1e-3 }, { antiEvery: 4, antiLearningRate: 1e-2 }],
    };
    assert.deepEqual(st.grokkingStudy.settings("quick"), { ...common, p: 23, model: model(64), steps: 100, grids: small, replication: { p: 23, trainFraction: 0.4, steps: 60 } });
    assert.deepEqual(st.grokkingStudy.settings("full"), {
      ...common,
      p: 31,
      model: model(128),
      steps: 1500,
      grids: {
        weightDecay: [0.3, 0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0, 3.0],
        grokfast: [0.85, 0.9, 0.95].flatMap((alpha) => [1, 2, 3].map((lambda) => ({ alpha, lambda }))),
        antitrain: [2, 4, 8].flatMap((antiEvery) => [3e-3, 1e-2, 3e-2].map((antiLearningRate) => ({ antiEvery, antiLearningRate }))),
      },
      replication: { p: 59, trainFraction: 0.4, steps: 3000 },
    });
    const tiny = st.grokkingStudy.settings("tiny");
    assert.ok(tiny.p <= 7 && tiny.steps <= 20 && tiny.model.dMlp <= 8);
    assert.equal(st.STUDIES["09-grokking"], st.grokkingStudy);
    assert.deepEqual(st.REPLICATION_ARMS, st.GROK_ARMS, "the replication runs every arm");
  });

  test("check refuses settings it cannot run, naming the fix", () => {
    const quick = st.grokkingStudy.settings("quick");
    const bad: [object, RegExp][] = [
      [{ evalEvery: 0 }, /evalEvery must be a positive integer/],
      [{ grids: { ...quick.grids, grokfast: [{ alpha: 0.98, lambda: 0 }, { alpha: 0.9, lambda: 2 }] } }, /grids.grokfast lambda/],
      [{ grids: { ...quick.grids, weightDecay: [1.0] } }, /same number of configurations.*weightDecay 1, grokfast 2, antitrain 2/],
      [{ grids: { ...quick.grids, antitrain: [] } }, /grids.antitrain must be a non-empty list/],
      [{ grids: { ...quick.grids, antitrain: [{ antiEvery: 0.5, antiLearningRate: 1e-3 }, { antiEvery: 1, antiLearningRate: 1e-3 }] } }, /antiEvery must be a positive integer/],
      [{ grids: { ...quick.grids, adam: [1] } }, /unknown option "adam"/],
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
  test("each tuned arm's choice: fewest censored mean updates on the tuning seeds, then the higher final test accuracy, then grid order", () => {
    const s = { ...st.grokkingStudy.settings("tiny"), steps: 1000 };
    // tiny grids: weight decay [0.3, 1]; grokfast [(0.9, 2), (0.98, 0.5)]; antitrain [(1, 1e-3), (4, 1e-2)].
    const configs = st.tuningConfigurations(s);
    assert.deepEqual(
      configs.map((c) => `${c.arm}: ${st.knobsText(c.knobs)}`),
      ["adamw-tuned: weight decay 0.3", "adamw-tuned: weight decay 1", "grokfast-tuned: α 0.9, λ 2", "grokfast-tuned: α 0.98, λ 0.5", "antitrain: every 1 step, lr 0.001", "antitrain: every 4 steps, lr 0.01"],
    );
    // updates to target on seeds 100 and 101, and final test accuracy, per configuration in grid order.
    const outcomes: [number | null, number | null, number][] = [
      [300, null, 0.8], // wd 0.3: censored counts as 1000, mean 650
      [500, 500, 0.95], // wd 1: mean 500, chosen
      [400, 400, 0.9], // (0.9, 2): ties (0.98, 0.5) at 400 but ends less accurate
      [200, 600, 0.97], // (0.98, 0.5): chosen
      [100, 300, 0.9], // every 1: ties every 4 at 200 and final accuracy: grid order wins
      [300, 100, 0.9],
    ];
    const pilot: st.GrokTuningRow[] = configs.flatMap((c, i) => [100, 101].map((seed, k) => ({ arm: c.arm, knobs: c.knobs, seed, stepsToTarget: outcomes[i][k], finalTest: outcomes[i][2] })));
    assert.deepEqual(st.chooseGrok(s, pilot), { weightDecay: 1, grokfast: { alpha: 0.98, lambda: 0.5 }, antitrain: { antiEvery: 1, antiLearningRate: 1e-3 } });
    const rows = st.grokTuningRows(s, pilot);
    assert.deepEqual(rows[0], { arm: "adamw-tuned", setting: "weight decay 0.3", grokked: "1 / 2", "updates to 95% test": "300, >1000", "mean (censored)": 650, "final test acc": 0.8, chosen: "" });
    assert.deepEqual(
      rows.map((r) => r.chosen),
      ["", "✓", "", "✓", "✓", ""],
    );
    assert.throws(() => st.chooseGrok(s, []), /tuneSeeds/);
    assert.throws(() => st.chooseGrok(s, pilot.slice(2)), /no run of a adamw-tuned configuration/);
  });

  test("summary and paired rows: censored runs count as the budget, come after every run that grokked, and are paired against antitraining", () => {
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
    assert.equal(summary[0]["updates to 95% test (mean)"], Math.round((400 + 1000 + 300) / 3));
    assert.equal(summary[0].median, 400);
    assert.equal(summary[0].grokked, 2);
    assert.equal(summary[1]["antitrain steps"], 40);
    assert.equal(summary[1]["training steps"], 60);
    const [paired] = st.grokPairedRows(runs, arms, 1000);
    assert.equal(paired.method, "baseline");
    assert.equal(paired["updates, seeds in order"], "400, >1000, 300");
    assert.equal(paired["reference, same seeds"], "200, 500, 300");
    // baseline − antitrain: +200, +500, 0.
    assert.equal(paired["minus reference (mean)"], Math.round(700 / 3));
    assert.equal(paired.median, 200);
    assert.equal(paired["Wilcoxon p"], Number(st.signedRankP([200, 500, 0]).toPrecision(2)));
    assert.equal(paired["earlier / same / later"], "0 / 1 / 2");
    // Speed-up antitrain / baseline where both grokked: 200/400 and 300/300, geometric mean √0.5.
    assert.equal(paired["speed-up where both grokked"], "0.71× (0.50–1.00, 2 seeds)");
    assert.equal(st.grokPairedRows(runs, arms, 1000, "baseline")[0]["earlier / same / later"], "2 / 1 / 0");
    assert.equal(st.speedUp([null], [100]), "—");
    assert.throws(() => st.grokPairedRows(runs.slice(0, 4).concat(runs.slice(5)), arms, 1000), /no baseline run for seed 2/);
  });

  test("summarize: updates to target per arm, antitraining the reference, the notebook's tables and the replication's summary in details; the verdict names the replication", () => {
    const s = st.grokkingStudy.settings("tiny");
    const seed = (n: number, anti: number | null): st.GrokSeed => ({
      seed: n,
      runs: st.GROK_ARMS.map((arm) => fake(arm, n, arm === "antitrain" ? anti : 10 + n)),
      replication: st.REPLICATION_ARMS.map((arm) => fake(arm, n, 10)),
    });
    const summary = st.grokkingStudy.summarize(s, [seed(0, 20), seed(1, null)]);
    assert.equal(summary.reference, "antitrain");
    assert.equal(summary.better, "lower");
    assert.equal(summary.arms.find((a) => a.arm === "antitrain")?.mean, (20 + s.steps) / 2);
    assert.equal(summary.paired.find((p) => p.arm === "baseline")?.losses, 0, "the baseline is never slower here");
    const details = summary.details as { summary: unknown[]; paired: unknown[]; replication: { summary: unknown[]; studySummary: { reference: string } } };
    assert.equal(details.summary.length, 4);
    assert.equal(details.paired.length, 3);
    assert.equal(details.replication.summary.length, 4);
    assert.equal(details.replication.studySummary.reference, "antitrain");
    // Three seeds where every other arm groks at 10 updates and antitraining is censored: not supported at p, and
    // (replication: antitraining at 10 like the rest) inconclusive there, which the verdict says.
    const slow = st.grokkingStudy.summarize(s, [seed(0, null), seed(1, null), seed(2, null)]);
    const v = st.grokkingStudy.verdict(slow);
    assert.equal(v.answer, "not supported");
    assert.match(v.sentence, /at the replication's larger p the answer is inconclusive/);
    assert.ok(v.numbers.some((n) => /^replication, /.test(n)));
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
    const tuned: st.GrokChosen = { weightDecay: 0.3, grokfast: { alpha: 0.98, lambda: 0.5 }, antitrain: { antiEvery: 1, antiLearningRate: 1e-2 } };
    const a = st.grokkingStudy.run(s, tuned, 0);
    assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
    assert.deepEqual(a.runs.map((r) => r.label), [...st.GROK_ARMS]);
    assert.deepEqual(a.replication.map((r) => r.label), [...st.REPLICATION_ARMS]);
    for (const r of [...a.runs, ...a.replication]) {
      const limit = a.replication.includes(r) ? s.replication.steps : s.steps;
      r.curve.forEach((c, i) => assert.equal(c.step, Math.min((i + 1) * s.evalEvery, limit)));
      if (r.label !== "antitrain") assert.equal(r.antiSteps, 0);
      const last = r.curve[r.curve.length - 1];
      assert.equal(r.trainSteps + r.antiSteps, last.step, `${r.label}: every update counted`);
      if (r.stepsToTarget === null) assert.equal(last.step, limit, `${r.label}: the whole budget spent`);
      for (const c of r.curve) assert.ok(c.testAccuracy >= 0 && c.testAccuracy <= 1 && Number.isFinite(c.testLoss));
      // Seed 0 is a measureSeed: every arm of the main runs measures roles; the replication measures only in antitrain.
      const measured = r.label === "antitrain" || !a.replication.includes(r);
      assert.equal(r.curve.every((c) => c.roles !== undefined), measured, `${r.label}: roles measured`);
    }
    const b = st.grokkingStudy.run(s, tuned, 0);
    const strip = (x: st.GrokSeed) => JSON.stringify([...x.runs, ...x.replication].map(({ seconds: _s, ...rest }) => rest));
    assert.equal(strip(b), strip(a), "the same seed gives the same numbers");
    const curve = (x: st.GrokSeed, label: st.GrokArm) => JSON.stringify(x.runs.find((r) => r.label === label)?.curve);
    assert.notEqual(curve(a, "adamw-tuned"), curve(a, "baseline"), "another weight decay changes training");
    // Control: AdamW "tuned" to the recipe's weight decay is the baseline, update for update.
    const recipe = st.grokSeedRuns(s, s, ["baseline", "adamw-tuned"], { ...tuned, weightDecay: s.weightDecay }, 0, true);
    assert.equal(JSON.stringify(recipe[1].curve), JSON.stringify(recipe[0].curve));
    assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  });

  test("quick tuning seed 100: every configuration of every tuned arm; the recipe's AdamW and Grokfast (0.98, 0.5) reproduce notebook 09's earlier quick numbers (wasm)", { timeout: 240_000 }, (t) => {
    const s = st.grokkingStudy.settings("quick");
    const rows = st.grokkingStudy.tune?.(s, 100) ?? [];
    assert.deepEqual(
      rows.map((r) => `${r.arm}: ${st.knobsText(r.knobs)}`),
      st.tuningConfigurations(s).map((c) => `${c.arm}: ${st.knobsText(c.knobs)}`),
    );
    for (const r of rows) assert.ok(r.seed === 100 && r.finalTest >= 0 && r.finalTest <= 1 && (r.stepsToTarget === null || r.stepsToTarget <= s.steps));
    if (at.backendName() !== "wasm") return t.skip("the reference numbers were computed on wasm");
    // From results/quick/09-grokking.json before this study tuned AdamW and antitraining: Grokfast λ = 0 (the recipe,
    // now AdamW at weight decay 1) and Grokfast (0.98, 0.5), neither grokked within 100 steps.
    const final = (label: string) => rows.find((r) => `${r.arm}: ${st.knobsText(r.knobs)}` === label)?.finalTest;
    assert.equal(final("adamw-tuned: weight decay 1"), 0.25757575757575757);
    assert.equal(final("grokfast-tuned: α 0.98, λ 0.5"), 0.13636363636363635);
  });
});
