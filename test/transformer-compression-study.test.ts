import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

// Notebook 10's two head-compression studies as registered Studies: settings are the notebook's, bad settings are
// refused, the validation splits never touch test data, the tuning picks by validation, the tables compute what they
// say (hand-made seeds), and a tiny seed and tuning seed of each run every arm at the budget without leaking tensors.
before(async () => {
  await at.ready({ quiet: true });
});

const FILES = ["lib.es5.d.ts", "lib.es2015.core.d.ts", "lib.es2015.collection.d.ts", "lib.es2015.promise.d.ts", "lib.es2015.iterable.d.ts"];

describe("transformer compression settings", () => {
  test("full: 9 configurations per tuned arm, 300 updates per arm, half the heads kept; registered", () => {
    const m = st.transformerCompressionStudy.settings("full");
    assert.deepEqual([m.p, m.trainSteps, m.budget, m.keep, m.model.heads, m.grids.l0Lambda.length, m.grids.antitrain.length], [31, 700, 300, 2, 4, 9, 9]);
    const lm = st.charLmCompressionStudy.settings("full");
    assert.deepEqual([lm.maxChars, lm.examples, lm.trainSteps, lm.budget, lm.keep, lm.model.heads, lm.model.layers, lm.model.dModel], [150_000, 20_000, 800, 300, 2, 4, 2, 32]);
    assert.deepEqual(lm.files, FILES);
    for (const size of ["tiny", "quick", "full"] as const) {
      st.transformerCompressionStudy.check(st.transformerCompressionStudy.settings(size));
      st.charLmCompressionStudy.check(st.charLmCompressionStudy.settings(size));
    }
    assert.equal(st.STUDIES["10-transformer-compression"], st.transformerCompressionStudy);
    assert.equal(st.STUDIES["10-transformer-compression-lm"], st.charLmCompressionStudy);
    assert.deepEqual(st.transformerCompressionStudy.arms, ["antitrain", "randomization", "michel", "voita"]);
  });

  test("grids: nine per tuned arm in full (λ spanning the earlier 0.001–1 and past it; fraction × rate a 3 × 3), two in tiny, one in quick, on both tasks", () => {
    for (const study of [st.transformerCompressionStudy, st.charLmCompressionStudy]) {
      const counts = (size: "tiny" | "quick" | "full") => {
        const g = study.settings(size).grids;
        return [g.l0Lambda.length, g.antitrain.length];
      };
      assert.deepEqual([counts("tiny"), counts("quick"), counts("full")], [[2, 2], [1, 1], [9, 9]], study.name);
      const g = study.settings("full").grids;
      for (const old of [0.001, 0.01, 0.1, 1]) assert.ok(g.l0Lambda.includes(old), `λ ${old} of the earlier grid kept`);
      assert.ok(Math.min(...g.l0Lambda) < 0.001 && Math.max(...g.l0Lambda) > 1, "λ reaches past the earlier grid on both sides");
      const ratios = g.l0Lambda.slice(1).map((l, i) => l / g.l0Lambda[i]);
      assert.ok(ratios.every((r) => r > 2.9 && r < 3.4), `λ on half-decade steps: ${ratios}`);
      const fractions = [...new Set(g.antitrain.map((k) => k.fraction))];
      const rates = [...new Set(g.antitrain.map((k) => k.learningRate))];
      assert.deepEqual([fractions.length, rates.length], [3, 3]);
      assert.equal(new Set(g.antitrain.map((k) => `${k.fraction} ${k.learningRate}`)).size, 9, "every fraction with every rate: a full 3 × 3");
      assert.ok(fractions.includes(0.5) && fractions.includes(0.95) && rates.includes(1e-3), "the earlier choices (50% and 95% cores at 1e-3) kept");
    }
  });

  test("check refuses settings it cannot run, naming the fix", () => {
    const modular = st.transformerCompressionStudy.settings("quick");
    for (const [change, message] of [
      [{ keep: 4 }, /keep \(4\) must be fewer than model.heads/],
      [{ budget: 1 }, /budget \(1\) must be at least 2/],
      [{ grids: { ...modular.grids, l0Lambda: [0.01, 0.1] } }, /same number of configurations/],
      [{ grids: { ...modular.grids, l0Lambda: [0, 0.1] } }, /grids.l0Lambda/],
      [{ grids: { ...modular.grids, antitrain: [{ fraction: 1.5, learningRate: 1e-3 }, { fraction: 0.5, learningRate: 1e-3 }] } }, /fraction must be in/],
      [{ model: { ...modular.model, layers: 2 } }, /model.layers must be 1/],
      [{ validationFraction: 1 }, /validationFraction/],
      [{ gateLearningRate: 0 }, /gateLearningRate/],
      [{ trainStep: 5 }, /unknown option "trainStep"/],
    ] as [object, RegExp][]) {
      assert.throws(() => st.transformerCompressionStudy.check({ ...modular, ...change } as st.ModularCompressionSettings), (e: Error) => e instanceof at.AntitrainError && message.test(e.message), JSON.stringify(change));
    }
    const lm = st.charLmCompressionStudy.settings("quick");
    for (const [change, message] of [
      [{ files: ["../secret.txt"] }, /TypeScript's own declaration files/],
      [{ vocab: 1 }, /vocab must be at least 2/],
      [{ validationBlocks: 12 }, /validationBlocks must leave training text/],
      [{ budget: 2 }, /budget \(2\) must be at least 3/],
    ] as [object, RegExp][]) {
      assert.throws(() => st.charLmCompressionStudy.check({ ...lm, ...change } as st.CharLmSettings), (e: Error) => e instanceof at.AntitrainError && message.test(e.message), JSON.stringify(change));
    }
  });
});

describe("transformer compression data, tuning and tables", () => {
  test("the unigram baseline: add-one-smoothed training frequencies", () => {
    const u = st.unigramBaseline([0, 0, 1], [0, 1, 2, 0], 3);
    assert.ok(Math.abs(u.loss - -(2 * Math.log(3 / 6) + Math.log(2 / 6) + Math.log(1 / 6)) / 4) < 1e-12);
    assert.equal(u.accuracy, 0.5, "class 0, the most frequent, is right on 2 of 4");
  });

  test("validation splits: carved from the training rows only, disjoint, no validation window overlapping a training window", () => {
    const m = st.transformerCompressionStudy.settings("quick");
    const task = st.modularTask(m.p, m.trainFraction);
    const v = st.modularSplit(m, true);
    assert.equal(v.evaluationName, "validation");
    assert.equal(at.size(v.train) + at.size(v.evaluation), at.size(task.train));
    assert.equal(at.size(v.evaluation), Math.round(0.2 * at.size(task.train)));
    const rows = (d: at.Dataset) => new Set((d.x.arraySync() as number[][]).map((r) => r.join(",")));
    const test = rows(task.test);
    for (const r of rows(v.evaluation)) assert.ok(!test.has(r) && !rows(v.train).has(r));
    assert.equal(st.modularSplit(m, false).evaluation, task.test);

    const lm = st.charLmCompressionStudy.settings("quick");
    const lmTask = st.charLmTask(lm);
    const lv = st.lmSplit(lm, true);
    assert.equal(at.size(lv.train) + at.size(lv.evaluation), at.size(lmTask.train));
    assert.ok(at.size(lv.evaluation) > 0 && at.size(lv.train) > at.size(lv.evaluation));
    const quick = st.charLmTask(lm);
    assert.equal(quick.chars, 40_000);
    assert.deepEqual([at.size(quick.train), at.size(quick.test)], [2700, 300]);
  });

  const outcome = (arm: st.HeadArm, cutAcc: number, cutLoss: number, config = ""): st.HeadOutcome => ({
    arm,
    config,
    updates: 6,
    full: { accuracy: 0.9, loss: 0.5 },
    cut: { accuracy: cutAcc, loss: cutLoss },
    params: 10,
    fullParams: 20,
    kept: [[0]],
    extra: arm === "voita" || arm === "antitrain" ? [1] : null,
  });

  test("choose: the configuration best on validation, averaged over tuning seeds; the other metric breaks ties", () => {
    const s = st.transformerCompressionStudy.settings("tiny");
    const rows: st.HeadTuningRow[] = [
      { seed: 100, ...outcome("voita", 0.5, 1.0, "λ 0.01") },
      { seed: 101, ...outcome("voita", 0.7, 1.0, "λ 0.01") },
      { seed: 100, ...outcome("voita", 0.6, 0.9, "λ 0.1") },
      { seed: 101, ...outcome("voita", 0.6, 0.8, "λ 0.1") },
      { seed: 100, ...outcome("antitrain", 0.2, 2, "50% core, lr 0.001") },
      { seed: 100, ...outcome("antitrain", 0.4, 2, "95% core, lr 0.01") },
    ];
    const byAcc = st.chooseHeads(s, rows, "cut accuracy");
    assert.equal(byAcc.l0Lambda, 0.1, "a tie on accuracy (0.6) broken by the lower loss");
    assert.deepEqual(byAcc.antitrain, { fraction: 0.95, learningRate: 1e-2 });
    assert.deepEqual(st.chooseHeads(s, [], "cut loss"), { l0Lambda: 0.01, antitrain: { fraction: 0.5, learningRate: 1e-3 } }, "no tuning rows: the grids' first");
    const table = st.tuningRows(rows, byAcc);
    assert.deepEqual(table.map((r) => [r.arm, r.config, r.chosen, r["cut acc"]]), [
      ["voita", "λ 0.01", false, 0.6],
      ["voita", "λ 0.1", true, 0.6],
      ["antitrain", "50% core, lr 0.001", false, 0.2],
      ["antitrain", "95% core, lr 0.01", true, 0.4],
    ]);
  });

  test("summary: the headline paired against antitraining per seed, the rankings against randomization, the verdict", () => {
    const s = st.transformerCompressionStudy.settings("tiny");
    const seeds: st.HeadSeed[] = [0, 1, 2].map((seed) => ({
      seed,
      trained: { accuracy: 1, loss: 0.1 },
      outcomes: [outcome("antitrain", 0.5 + seed / 100, 1), outcome("randomization", 0.6 + seed / 50, 1.1), outcome("michel", 0.7, 1.2), outcome("voita", 0.9, 0.3)],
    }));
    const summary = st.transformerCompressionStudy.summarize(s, seeds);
    assert.equal(summary.reference, "antitrain");
    assert.equal(summary.better, "higher");
    const mean = (arm: string) => summary.paired.find((p) => p.arm === arm)?.mean as number;
    assert.ok(Math.abs(mean("randomization") - (0.1 + 0.01)) < 1e-9, "randomization − antitrain: 0.1 + seed/100, mean 0.11");
    assert.ok(Math.abs(mean("voita") - 0.39) < 1e-9);
    const d = summary.details as { rankings: { arm: string; mean: number }[]; paired: st.HeadPairedRow[]; arms: st.HeadArmRow[] };
    assert.ok(Math.abs((d.rankings.find((p) => p.arm === "michel")?.mean as number) - (0.7 - 0.62)) < 1e-9);
    assert.equal(d.paired.length, 4 * 3 + 4 * 2, "3 arms − antitrain and 2 − randomization, on 4 metrics");
    assert.equal(d.paired[0].comparison, "randomization − antitrain");
    assert.equal(d.arms.find((r) => r.arm === "voita")?.["closed gates / core"], "1.0");
    const v = st.transformerCompressionStudy.verdict(summary);
    assert.equal(v.answer, "not supported", v.sentence);
    assert.ok(v.numbers.some((n) => n.startsWith("michel − randomization")));
    const lmSummary = st.charLmCompressionStudy.summarize(st.charLmCompressionStudy.settings("tiny"), seeds);
    assert.equal(lmSummary.better, "lower");
    assert.equal(st.charLmCompressionStudy.verdict(lmSummary).answer, "mixed", "voita lower loss, randomization and michel higher");
  });
});

describe("transformer compression seeds (tiny)", () => {
  for (const study of [st.transformerCompressionStudy, st.charLmCompressionStudy]) {
    test(`${study.name}: a tuning seed runs every configuration, a study seed every arm at the budget, without leaking tensors`, { timeout: 120_000 }, () => {
      // biome-ignore lint/suspicious/noExplicitAny: either study's settings
      const s = study.settings("tiny") as any;
      // biome-ignore lint/suspicious/noExplicitAny: either study
      const anyStudy = study as any;
      const rows = anyStudy.tune(s, 100) as st.HeadTuningRow[];
      assert.equal(rows.length, s.grids.l0Lambda.length + s.grids.antitrain.length);
      const chosen = anyStudy.choose(s, rows) as st.HeadChosen;
      anyStudy.run(s, chosen, 0); // warms the per-process data caches
      const tensors = tf.memory().numTensors;
      const r = anyStudy.run(s, chosen, 0) as st.HeadSeed;
      assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
      assert.deepEqual(r.outcomes.map((o) => o.arm), ["antitrain", "randomization", "michel", "voita"]);
      for (const o of [...r.outcomes, ...rows]) {
        assert.ok(o.updates <= s.budget && o.updates >= s.budget - s.model.layers, `${o.arm}: ${o.updates} updates of ${s.budget}`);
        for (const e of [o.cut, o.full]) assert.ok(e.accuracy >= 0 && e.accuracy <= 1 && Number.isFinite(e.loss) && e.loss > 0);
        assert.equal(o.kept.length, s.model.layers);
        for (const k of o.kept) assert.equal(k.length, s.keep);
        assert.ok(o.params < o.fullParams);
      }
      assert.equal(r.outcomes.find((o) => o.arm === "voita")?.extra?.length, s.model.layers);
      const plain = r.outcomes.filter((o) => o.arm === "randomization" || o.arm === "michel");
      assert.deepEqual(plain[0].full, plain[1].full, "both rankings cut the same plainly fine-tuned model");
      assert.deepEqual(anyStudy.run(s, chosen, 0), JSON.parse(JSON.stringify(r)), "the same seed gives the same numbers");
    });
  }

  test("cutHeads keeps the ranking's top heads and folds the rest's means into the bias (equal to mean replacement)", () => {
    const s = st.transformerCompressionStudy.settings("tiny");
    const task = st.modularTask(s.p, s.trainFraction);
    const model = at.transformer({ vocab: task.vocab, seqLen: task.seqLen, classes: s.p, ...s.model, seed: 0 });
    const cut = st.cutHeads(model, [[1, 0]], 1, task.train, 0);
    assert.equal(cut.sites()[0].units, 1);
    const stats = at.collectStats(model, "blocks.0.attn", task.train, { seed: 0 });
    const masked = at.evaluate(model, task.test, { "blocks.0.attn": (a) => tf.concat([tf.mul(tf.zerosLike(tf.slice(a, [0, 0, 0], [-1, -1, 4])), 0).add(tf.tensor1d(Array.from(stats.mean.slice(0, 4)))), tf.slice(a, [0, 0, 4], [-1, -1, 4])], 2) });
    const small = at.evaluate(cut, task.test);
    assert.ok(Math.abs(masked.loss - small.loss) < 1e-4, `${masked.loss} vs ${small.loss}`);
    cut.dispose();
    model.dispose();
  });
});
