import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

// Notebook 10's two studies as registered Studies: settings are the notebook's, bad settings are refused, the moved
// notebook functions compute what they did (hand-worked cases and the quick char-LM data's reference numbers), and
// a tiny seed of each keeps the invariants the notebook's quick check asserts.
before(async () => {
  await at.ready({ quiet: true });
});

const FILES = ["lib.es5.d.ts", "lib.es2015.core.d.ts", "lib.es2015.collection.d.ts", "lib.es2015.promise.d.ts", "lib.es2015.iterable.d.ts"];

describe("transformer compression settings", () => {
  test("quick and full are notebook 10's documented values", () => {
    const sites = ["blocks.0.attn", "blocks.0.mlp", "blocks.0.resid"];
    const model = (dMlp: number) => ({ dModel: 32, heads: 4, dMlp, layers: 1, layerNorm: false });
    const common = { trainFraction: 0.7, learningRate: 1e-2, antiFractions: [0.95, 0.5], sites };
    assert.deepEqual(st.transformerCompressionStudy.settings("quick"), { ...common, p: 23, model: model(64), trainSteps: 150, antiCycles: 1, cycle: 50 });
    assert.deepEqual(st.transformerCompressionStudy.settings("full"), { ...common, p: 31, model: model(128), trainSteps: 1000, antiCycles: 3, cycle: 100 });
    const lm = { files: FILES, window: 16, vocab: 64, learningRate: 3e-3, antiSite: "blocks.1.mlp", antiFraction: 0.5 };
    assert.deepEqual(st.charLmCompressionStudy.settings("quick"), {
      ...lm,
      maxChars: 40_000,
      examples: 3000,
      model: { dModel: 32, heads: 4, dMlp: 64, layers: 2, layerNorm: false },
      steps: 60,
      rankExamples: 256,
      evalExamples: 300,
      antiSteps: 40,
      cycle: 20,
    });
    assert.deepEqual(st.charLmCompressionStudy.settings("full"), {
      ...lm,
      maxChars: 300_000,
      examples: 40_000,
      model: { dModel: 64, heads: 4, dMlp: 128, layers: 2, layerNorm: false },
      steps: 1500,
      rankExamples: 512,
      evalExamples: 1500,
      antiSteps: 400,
      cycle: 100,
    });
    assert.equal(st.STUDIES["10-transformer-compression"], st.transformerCompressionStudy);
    assert.equal(st.STUDIES["10-transformer-compression-lm"], st.charLmCompressionStudy);
  });

  test("check refuses settings it cannot run, naming the fix", () => {
    const modular = st.transformerCompressionStudy.settings("quick");
    for (const [change, message] of [
      [{ antiFractions: [] }, /antiFractions needs at least one/],
      [{ antiFractions: [1.5] }, /antiFractions must be in \(0, 1\]/],
      [{ sites: ["blocks.1.mlp"] }, /sites must be some of/],
      [{ sites: ["blocks.0.attn"] }, /must include blocks.0.mlp/],
      [{ model: { ...modular.model, layers: 2 } }, /model.layers must be 1/],
      [{ trainStep: 5 }, /unknown option "trainStep"/],
    ] as [object, RegExp][]) {
      assert.throws(() => st.transformerCompressionStudy.check({ ...modular, ...change } as st.ModularCompressionSettings), (e: Error) => e instanceof at.AntitrainError && message.test(e.message));
    }
    const lm = st.charLmCompressionStudy.settings("quick");
    for (const [change, message] of [
      [{ antiSite: "blocks.2.mlp" }, /antiSite must be one of blocks.0.mlp, blocks.1.mlp/],
      [{ files: ["../secret.txt"] }, /TypeScript's own declaration files/],
      [{ vocab: 1 }, /vocab must be at least 2/],
      [{ antiFraction: 0 }, /antiFraction must be in/],
    ] as [object, RegExp][]) {
      assert.throws(() => st.charLmCompressionStudy.check({ ...lm, ...change } as st.CharLmSettings), (e: Error) => e instanceof at.AntitrainError && message.test(e.message));
    }
  });
});

describe("transformer compression tables and helpers", () => {
  test("the units-kept grid", () => {
    assert.deepEqual(st.keptGrid(4), [0, 1, 2, 3, 4]);
    assert.deepEqual(st.keptGrid(32), [0, 1, 2, 4, 6, 8, 12, 16, 24, 32]);
    assert.deepEqual(st.keptGrid(50), [0, 1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 50]);
  });

  test("the unigram baseline: add-one-smoothed training frequencies", () => {
    // Frequencies with smoothing: class 0 → 3, class 1 → 2, class 2 → 1; total 6.
    const u = st.unigramBaseline([0, 0, 1], [0, 1, 2, 0], 3);
    assert.ok(Math.abs(u.loss - -(2 * Math.log(3 / 6) + Math.log(2 / 6) + Math.log(1 / 6)) / 4) < 1e-12);
    assert.equal(u.accuracy, 0.5, "class 0, the most frequent, is right on 2 of 4");
  });

  test("units needed per site and ranking, from hand-made curves", () => {
    const curve = (site: string, ranking: st.UnitRanking, seed: number, accuracy: number[]): st.ModularCurve => ({ site, ranking, seed, kept: [0, 1, 2, 3, 4], accuracy, params: [null, 1, 2, 3, 4] });
    assert.equal(st.unitsFor95({ kept: [0, 1, 2], accuracy: [0.1, 0.9, 1] }, 1), 2);
    const curves = st.UNIT_RANKINGS.flatMap((ranking) => [
      curve("blocks.0.mlp", ranking, 0, ranking === "randomization" ? [0, 0.5, 0.96, 1, 1] : [0, 0.5, 0.9, 0.96, 1]),
      curve("blocks.0.mlp", ranking, 1, [0, 0.9, 0.95, 0.99, 1]),
    ]);
    const trained = [
      { seed: 0, clean: 1, train: 1 },
      { seed: 1, clean: 1, train: 1 },
    ];
    const rows = st.modularNeededRows(curves, trained, ["blocks.0.mlp"]);
    assert.deepEqual(rows[0], { site: "blocks.0.mlp", ranking: "randomization", "units for 95% of clean acc": 2, "95% CI": "[2.0, 2.0]", of: 4 });
    assert.equal(rows[1]["units for 95% of clean acc"], 2.5);
    // The study's headline is the same number per seed: randomization 2 and 2, magnitude 3 and 2.
    const seedResult = (seed: number): st.ModularSeed => ({ curves: curves.filter((c) => c.seed === seed), trained: trained[seed], anti: [], maskedVsCompressed: 0 });
    const summary = st.transformerCompressionStudy.summarize({ ...st.transformerCompressionStudy.settings("tiny"), sites: ["blocks.0.mlp"] }, [seedResult(0), seedResult(1)]);
    assert.equal(summary.reference, "randomization");
    assert.deepEqual(summary.paired.map((p) => [p.arm, p.mean]), [["magnitude", 0.5], ["gradient", 0.5]]);

    const lmCurve = (ranking: st.UnitRanking, loss: number[]): st.LmCurve => ({ site: "blocks.0.mlp", ranking, kept: [0, 2, 4, 8], loss, accuracy: [0.1, 0.5, 0.6, 0.6], params: [null, 1, 2, 3], physical: true });
    assert.equal(st.lossTopHalf(lmCurve("magnitude", [3, 2.5, 2.2, 2])), 2.2);
    const run = { seed: 0, trainSeconds: 1, clean: { loss: 2, accuracy: 0.6 }, trainCurve: [], maskedVsCompressed: 0, anti: [], curves: st.UNIT_RANKINGS.map((r) => lmCurve(r, [3, 2.5, 2.05, 2])) };
    const [row] = st.lmNeededRows([run], ["blocks.0.mlp"]);
    assert.deepEqual(row, {
      site: "blocks.0.mlp",
      ranking: "randomization",
      "units for loss ≤ full + 0.1": "4",
      "units for 95% of acc": "4",
      of: 8,
      "loss, top half kept": "2.050",
      "loss, none kept": "3.000",
    });
  });

  test("the quick char-LM data are the notebook's (characters, vocabulary, windows, unigram baseline)", () => {
    const lm = st.charLmTask(st.charLmCompressionStudy.settings("quick"));
    assert.equal(lm.chars, 40_000);
    assert.equal(lm.vocab.join(""), "\n ()*,-./019:;<>?@ACDEFGIJLMNOPRSTU[]abcdefghijlmnopqrstuvwxy{}\ufffd");
    assert.deepEqual([at.size(lm.train), at.size(lm.test)], [2700, 300]);
    const u = st.unigramBaseline(lm.train.y.dataSync(), lm.test.y.dataSync(), lm.vocab.length);
    assert.deepEqual(u, { loss: 3.1965477935188393, accuracy: 0.20666666666666667 }, "results/quick/10-transformer-compression.json before the move");
  });
});

describe("transformer compression seeds (tiny)", () => {
  test("modular addition: curves from masked to clean, compression matching masking, the same-size cut at the smallest antitrained core", { timeout: 120_000 }, () => {
    const s = st.transformerCompressionStudy.settings("tiny");
    st.modularTask(s.p, s.trainFraction);
    const tensors = tf.memory().numTensors;
    const r = st.modularCompressionSeed(s, 0);
    assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
    assert.equal(r.curves.length, s.sites.length * st.UNIT_RANKINGS.length);
    for (const c of r.curves) {
      assert.equal(c.kept.at(-1), { "blocks.0.attn": s.model.heads, "blocks.0.mlp": s.model.dMlp, "blocks.0.resid": s.model.dModel }[c.site]);
      assert.ok(Math.abs((c.accuracy.at(-1) as number) - r.trained.clean) < 6e-4, `${c.site} ${c.ranking}: every unit kept gives the clean accuracy`);
      assert.equal(c.params[0], null);
    }
    assert.ok(r.maskedVsCompressed < 1e-6, `physical compression matches masking: ${r.maskedVsCompressed}`);
    assert.deepEqual(r.anti.map((a) => a.arm), ["plain (control)", "antitrained (95% core)", "antitrained (50% core)"]);
    const k = Math.min(...r.anti.slice(1).map((a) => a["core after"]));
    for (const a of r.anti) assert.equal(a.k, k);
    assert.deepEqual(st.modularCompressionSeed(s, 0), JSON.parse(JSON.stringify(r)), "the same seed gives the same numbers");
  });

  test("char-LM: only the inner residual stream is masked, compression matches masking, k is the antitrained core", { timeout: 120_000 }, () => {
    const s = st.charLmCompressionStudy.settings("tiny");
    st.charLmTask(s);
    const tensors = tf.memory().numTensors;
    const r = st.charLmSeed(s, 0);
    assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
    assert.equal(r.curves.length, 6 * st.UNIT_RANKINGS.length);
    for (const c of r.curves) assert.equal(c.physical, c.site !== "blocks.0.resid", c.site);
    assert.ok(r.maskedVsCompressed < 1e-4, `${r.maskedVsCompressed}`);
    assert.equal(r.trainCurve.at(-1)?.step, s.steps);
    const anti = r.anti.find((a) => a.arm.startsWith("antitrained"));
    for (const a of r.anti) assert.equal(a.k, Math.max(1, anti?.["core after"] ?? 0));
  });
});
