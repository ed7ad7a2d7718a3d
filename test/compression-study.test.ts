import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

// The compression studies of notebooks 04, 15, 16 and 17 as Study objects: their quick and full settings are the
// notebooks' documented values, the Study computes exactly what runCompressionSeed computes, the summary's scores are
// the fewest units within tolerance (hand-computed case), and bad settings are refused with the fix.
before(async () => {
  await at.ready({ quiet: true });
});

const DIGITS = { dataset: "digits", validation: 0.2 };
const FASHION = (train: number, test: number) => ({ dataset: "fashion-mnist", subsample: { train, test }, validation: 0.2, seed: 0 });
const first = (grids: Readonly<Record<string, readonly object[]>>) => Object.fromEntries(Object.entries(grids).map(([m, g]) => [m, [g[0]]]));

/**
 * Equal tuning effort: every tuned arm's grid has nine distinct settings, and antitraining's is an L9 orthogonal
 * array over its four knobs (each pair of knobs takes each of its 9 level pairs once).
 */
function assertNineEach(grids: Readonly<Record<string, readonly st.MethodSettings[]>>): void {
  for (const [method, grid] of Object.entries(grids)) {
    assert.equal(grid.length, 9, `${method}: every tuned arm gets nine settings`);
    assert.equal(new Set(grid.map((g) => JSON.stringify(g))).size, 9, `${method}: nine distinct settings`);
  }
  const knobs = ["fraction", "cycle", "antiSteps", "antiLearningRate"] as const;
  for (const a of knobs) {
    assert.equal(new Set(grids.antitrain.map((g) => g[a])).size, 3, `${a} takes three levels`);
    for (const b of knobs) if (a < b) assert.equal(new Set(grids.antitrain.map((g) => `${g[a]} ${g[b]}`)).size, 9, `${a} × ${b}: every pair of levels once`);
  }
}

describe("settings are the notebooks' documented values", () => {
  test("04-compression", () => {
    const full = st.digitsCompression.settings("full");
    const quick = st.digitsCompression.settings("quick");
    const common = { data: DIGITS, hidden: [128], site: "h1", cycle: 100, tolerance: 0.01, refK: 16, arms: st.STUDY_ARMS };
    assert.deepEqual(full, { ...common, pretrain: 600, updates: 1600, finetune: 100, keep: [2, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64], scratchKeep: [4, 8, 12, 16, 24, 32, 48], grids: st.DIGITS_COMPRESSION_GRIDS });
    assert.deepEqual(quick, { ...common, pretrain: 300, updates: 300, finetune: 40, keep: [4, 8, 16, 32, 64], scratchKeep: [8, 32], grids: first(st.DIGITS_COMPRESSION_GRIDS) });
    assertNineEach(st.DIGITS_COMPRESSION_GRIDS);
    assert.deepEqual(quick.grids.antitrain, [{ fraction: 0.5, cycle: 100, antiSteps: 1, antiLearningRate: 1e-3 }]);
    assert.deepEqual(st.digitsCompression.arms, [...st.STUDY_ARM_NAMES]);
  });

  test("16-push-the-method: notebook 04's budget with the variants' arms and grids", () => {
    const full = st.compressionVariants.settings("full");
    const quick = st.compressionVariants.settings("quick");
    assert.deepEqual({ ...full, arms: undefined, grids: undefined }, { ...st.digitsCompression.settings("full"), arms: undefined, grids: undefined });
    assert.deepEqual({ ...quick, arms: undefined, grids: undefined }, { ...st.digitsCompression.settings("quick"), arms: undefined, grids: undefined });
    assert.deepEqual(full.arms.map((a) => a.name), ["antitrain", "antitrain, rising fraction", "antitrain, other cycle", "antitrain + group lasso", "antitrain + activation L1", "network slimming", "activation L1"]);
    // Equal tuning effort: nine settings per variant, as notebook 04 gives every method; every earlier setting kept.
    for (const g of ["antitrain-rising", "antitrain-cycle", "antitrain+group-lasso", "antitrain+activation-l1"]) {
      assert.equal(new Set(full.grids[g].map((x) => JSON.stringify(x))).size, 9, `${g}: nine distinct settings`);
    }
    const has = (g: string, x: object) => full.grids[g].some((y) => JSON.stringify(y) === JSON.stringify(x));
    for (const x of [{ fraction: 0.5, finalFraction: 0.95 }, { fraction: 0.5, finalFraction: 0.99 }, { fraction: 0.3, finalFraction: 0.95 }]) assert.ok(has("antitrain-rising", x));
    for (const cycle of [25, 400]) assert.ok(has("antitrain-cycle", { fraction: 0.5, cycle }));
    for (const lambda of [1e-2, 1e-3]) assert.ok(has("antitrain+group-lasso", { fraction: 0.5, lambda }) && has("antitrain+activation-l1", { fraction: 0.5, lambda }));
    // The references at notebook 04's choices from its nine settings per method.
    const chosen04 = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "results", "04-compression.json"), "utf8")).chosen;
    assert.deepEqual([full.grids.slimming, full.grids["activation-l1"]], [[chosen04.slimming], [chosen04["activation-l1"]]]);
    assert.equal(chosen04.antitrain.fraction, full.grids.antitrain[0].fraction);
    assert.deepEqual(quick.grids, first(st.VARIANT_GRIDS));
  });

  test("16's verdict pairs its best variant (fewest units on the seeds) against every baseline, not plain antitraining", () => {
    const arm = (name: string, perSeed: number[]) => ({ arm: name, perSeed, units: { mean: perSeed.reduce((a, b) => a + b, 0) / perSeed.length } });
    const details = {
      summary: [
        arm("antitrain", [60, 50, 64, 48]),
        arm("antitrain + group lasso", [30, 28, 32, 26]),
        arm("network slimming", [20, 18, 22, 16]),
        arm("activation L1", [30, 29, 31, 27]),
      ],
    };
    const summary = { metric: "units", better: "lower" as const, reference: "antitrain", seeds: 4, arms: [], paired: [], headline: "", details };
    const v = st.variantsVerdict(summary as unknown as st.StudySummary);
    assert.equal(v.answer, "not supported");
    assert.match(v.sentence, /^Not supported: network slimming is reliably better than antitrain \+ group lasso/);
    assert.match(v.numbers[0], /^antitrain \+ group lasso: 29\.0/);
    assert.ok(v.numbers.every((n) => !n.includes("− antitrain:")), "no comparison against plain antitraining");
    assert.equal(st.compressionVariants.verdict, st.variantsVerdict);
  });

  test("15-fashion-mnist", () => {
    const full = st.fashionCompression.settings("full");
    const quick = st.fashionCompression.settings("quick");
    const common = { hidden: [256], site: "h1", cycle: 50, tolerance: 0.01, refK: 32, arms: st.STUDY_ARMS };
    assert.deepEqual(full, { ...common, data: FASHION(5000, 2000), pretrain: 400, updates: 600, finetune: 60, keep: [8, 16, 32, 64, 128], scratchKeep: [16, 32, 64], grids: st.FASHION_COMPRESSION_GRIDS });
    assert.deepEqual(quick, { ...common, data: FASHION(750, 300), pretrain: 60, updates: 60, finetune: 10, keep: [16, 64], scratchKeep: [16], grids: first(st.FASHION_COMPRESSION_GRIDS) });
    assertNineEach(st.FASHION_COMPRESSION_GRIDS);
    // The settings 15 chose from 2–3 per arm (commit 8a4a1f0) are among the nine, so the old choice can reproduce;
    // antitraining's then {fraction: 0.5} ran at the study's cycle 50, 1 : 1, at the training rate 1e-3.
    const before = {
      antitrain: { fraction: 0.5, cycle: 50, antiSteps: 1, antiLearningRate: 1e-3 },
      "group-lasso": { lambda: 1e-3 },
      slimming: { lambda: 0.1 },
      "activation-l1": { lambda: 1e-2 },
      "targeted-dropout": { targetFraction: 0.75, rate: 0.9 },
      "nested-dropout": { p: 0.03 },
    };
    for (const [method, setting] of Object.entries(before)) {
      assert.ok(st.FASHION_COMPRESSION_GRIDS[method].some((g) => JSON.stringify(g) === JSON.stringify(setting)), `${method}: ${JSON.stringify(setting)} is in the grid`);
    }
    assert.deepEqual(quick.grids.antitrain, [before.antitrain], "the quick setting is the old choice");
    // Each baseline's range reaches past its old choice's edge (group lasso's and slimming's were their grids' edges).
    const lambdas = (m: string) => st.FASHION_COMPRESSION_GRIDS[m].map((g) => g.lambda as number);
    assert.ok(Math.min(...lambdas("group-lasso")) < 1e-3 && Math.max(...lambdas("slimming")) > 0.1);
    assert.ok(Math.max(...st.FASHION_COMPRESSION_GRIDS["nested-dropout"].map((g) => g.p as number)) > 0.03);
    assert.throws(() => st.antitrainL9({ fraction: [0.5, 0.3], cycle: [50, 25, 100], antiSteps: [1, 2, 3], antiLearningRate: [1e-3, 3e-4, 3e-3] }), /levels\.fraction must be three distinct positive numbers/);
    assert.throws(() => st.antitrainL9({ fraction: [0.5, 0.3, 0.7], cycle: [50, 50, 100], antiSteps: [1, 2, 3], antiLearningRate: [1e-3, 3e-4, 3e-3] }), /levels\.cycle/);
  });

  test("17-fashion-mnist-deep", () => {
    const full = st.fashionDeepCompression.settings("full");
    const quick = st.fashionDeepCompression.settings("quick");
    const common = { hidden: [512, 256], site: "h1", cycle: 50, tolerance: 0.01, refK: 64, arms: st.STUDY_ARMS };
    assert.deepEqual(full, { ...common, data: FASHION(5000, 2000), pretrain: 400, updates: 600, finetune: 60, keep: [16, 32, 64, 128, 256], scratchKeep: [32, 64, 128], grids: st.FASHION_DEEP_COMPRESSION_GRIDS, measureRows: 1000 });
    assert.deepEqual(quick, { ...common, data: FASHION(750, 300), pretrain: 60, updates: 60, finetune: 10, keep: [32, 128], scratchKeep: [32], grids: first(st.FASHION_DEEP_COMPRESSION_GRIDS) });
    assert.equal(st.FASHION_DEEP_COMPRESSION_GRIDS, st.FASHION_COMPRESSION_GRIDS, "17 tunes on 15's nine settings per arm");
    for (const grid of Object.values(st.FASHION_DEEP_COMPRESSION_GRIDS)) assert.equal(grid.length, 9);
    assert.equal(st.compressionWidth(full), 512);
  });

  test("20-fashion-mnist-full: every training and test image, 15's strongest baselines at 15's chosen knobs, cores on 4,000 rows", () => {
    const full = st.fashionFullSizeCompression.settings("full");
    const arms = ["antitrain", "activation L1", "targeted dropout"];
    assert.deepEqual(full.data, { dataset: "fashion-mnist", validation: 1 / 12, seed: 0 }, "no subsample: 55,000 train, 5,000 validation, 10,000 test");
    assert.deepEqual([full.pretrain, full.updates, full.cycle, full.measureRows, full.hidden], [2000, 3000, 250, 4000, [256]]);
    assert.deepEqual(full.arms.map((a) => a.name), arms);
    assert.deepEqual(st.compressionArmNames(full.arms), [...arms, "iterative magnitude pruning", "small from scratch"]);
    // 15's choices from its nine settings per method (results/15-fashion-mnist.json), antitraining's cycle scaled to
    // 20's budget (12 cycles, as in 15) rather than copied.
    const chosen15 = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "results", "15-fashion-mnist.json"), "utf8")).chosen;
    assert.equal(chosen15.antitrain.cycle * 12, st.fashionCompression.settings("full").updates, "15's chosen cycle is 12 cycles of its budget");
    const { cycle: _, ...antitrain15 } = chosen15.antitrain;
    assert.deepEqual(full.grids, { antitrain: [antitrain15], "activation-l1": [chosen15["activation-l1"]], "targeted-dropout": [chosen15["targeted-dropout"]] });
    const check = st.fashionFullSizeCompression.check;
    for (const size of ["quick", "tiny"] as const) check(st.fashionFullSizeCompression.settings(size));
    assert.throws(() => check({ ...full, measureRows: 0 }), /measureRows/);
    assert.throws(() => st.compressionSetup({ ...st.fashionFullSizeCompression.settings("tiny"), measureRows: 81 }), /measureRows is 81, but the training split has 80 rows/);
  });

  test("measureRows: antitraining measures its cores on a fixed subset of the training rows; leaving it out measures on every row", () => {
    const tiny = st.fashionFullSizeCompression.settings("tiny");
    const every = st.compressionSetup({ ...tiny, measureRows: undefined });
    assert.equal(every.measure, undefined);
    const before = tf.memory().numTensors;
    const a = st.compressionSetup(tiny);
    const b = st.compressionSetup(tiny);
    assert.ok(a.measure !== undefined && a.measure === b.measure, "one subset per process, not one per seed");
    assert.equal(a.measure.x.shape[0], 40);
    // Every subset row is a training row, none twice.
    const train = a.train.x.arraySync() as number[][];
    const rows = (a.measure.x.arraySync() as number[][]).map((r) => train.findIndex((t) => t.every((v, j) => v === r[j])));
    assert.ok(rows.every((i) => i >= 0) && new Set(rows).size === 40, `rows ${rows}`);
    assert.deepEqual(a.measure.y.arraySync(), rows.map((i) => (a.train.y.arraySync() as number[])[i]));
    assert.equal(tf.memory().numTensors - before, 2, "the subset is built once (x and y) and kept for the process");
    // The subset reaches the antitrainer: a seed with cores on 40 rows differs from one on every row, and runs.
    const chosen = { antitrain: { fraction: 0.5 }, "activation-l1": { lambda: 1e-2 }, "targeted-dropout": { targetFraction: 0.75, rate: 0.9 } };
    const arms = tiny.arms.filter((arm) => arm.name === "antitrain");
    const onSubset = st.runCompressionSeed(a, chosen, 0, { arms, pruningBaselines: false });
    const onEvery = st.runCompressionSeed(every, chosen, 0, { arms, pruningBaselines: false });
    assert.notDeepEqual(onSubset.curves[0].points, onEvery.curves[0].points);
    assert.deepEqual(onSubset.denseVal, onEvery.denseVal, "the dense model does not antitrain");
  });

  test("settings are fresh copies: changing one never reaches the preset", () => {
    const s = st.digitsCompression.settings("quick");
    (s.keep as number[]).push(99);
    assert.deepEqual(st.digitsCompression.settings("quick").keep, [4, 8, 16, 32, 64]);
  });
});

describe("the Study computes what the compression study's functions compute", () => {
  test("tiny 04: tune, choose and run equal tuneCompressionSeed, chooseSettings and runCompressionSeed, bit for bit", { timeout: 300_000 }, async () => {
    const study = st.digitsCompression;
    const settings = study.settings("tiny");
    const run = await st.runStudy(study, settings, { seeds: [0], tuneSeeds: [100], onProgress: () => {} });
    const setup = st.compressionSetup(settings);
    assert.deepEqual(setup.hidden, [16]);
    assert.equal(setup.inputs, 64);
    const rows = st.tuneCompressionSeed(setup, settings.grids, 100);
    assert.deepEqual(run.tuning, rows);
    assert.deepEqual(run.chosen, st.chooseSettings(settings.grids, rows).chosen);
    assert.deepEqual(run.results[0], st.runCompressionSeed(setup, run.chosen, 0));
    // The summary's per-seed score is each arm's fewest units within tolerance; the old summary is in details.
    const d = st.compressionDetails(run.summary);
    assert.deepEqual(d.summary, st.summarizeCompression(setup, run.results, settings.refK).summary);
    for (const arm of run.summary.arms) {
      const curve = run.results[0].curves.find((c) => c.arm === arm.arm);
      assert.ok(curve !== undefined);
      assert.equal(arm.mean, st.fewestUnits(curve.points, run.results[0].denseVal, 0.01, 16), arm.arm);
    }
    assert.deepEqual(st.compressionSplit(settings), { train: 200, validation: 269, test: 450 });
    // The results file's shared fields come from the run: the one hidden width as a number, the old table in summary.
    const file = st.compressionResultsFile(run, { quick: true, seeds: [0], tuneSeeds: [100] });
    assert.equal(file.hidden, 16);
    assert.equal(file.headline, d.headline);
    assert.deepEqual(file.summary, d.summary);
    assert.equal(file.results, run.results);
    assert.deepEqual(file.split, { train: 200, validation: 269, test: 450 });
    assert.equal(file.verdict, run.verdict);
    assert.deepEqual(st.compressionResultsFile({ ...run, settings: { ...settings, hidden: [16, 8] } }, { quick: true, seeds: [0], tuneSeeds: [100] }).hidden, [16, 8]);
  });
});

describe("summary, choice and checks", () => {
  const point = (k: number, valAfter: number) => ({ k, valBefore: valAfter, valAfter, testAfter: valAfter, testLoss: 0.5, ece: 0.05, params: 10 * k });
  const seed = (s: number, anti: [number, number], plain: [number, number]) => ({
    seed: s, denseVal: 0.9, denseTest: 0.9, denseTestLoss: 0.3, denseEce: 0.02,
    curves: [
      { arm: "antitrain", settings: { fraction: 0.5 }, updates: 100, points: [point(4, anti[0]), point(8, anti[1])] },
      { arm: "plain, importance", settings: {}, updates: 100, points: [point(4, plain[0]), point(8, plain[1])] },
    ],
  });
  const settings = { ...st.digitsCompression.settings("tiny"), hidden: [16], tolerance: 0.01, refK: 8 };

  test("hand-computed: units within 1 point, paired against antitraining", () => {
    // dense 0.9, tolerance 0.01: a width counts from 0.89. Seed 0: antitrain 8 (0.85, 0.895), plain none → 16 units.
    // Seed 1: antitrain 4 (0.9), plain 8 (0.80, 0.895). Paired plain − antitrain: 8 and 4.
    const summary = st.summarizeCompressionStudy(settings, [seed(0, [0.85, 0.895], [0.8, 0.88]), seed(1, [0.9, 0.95], [0.8, 0.895])]);
    assert.equal(summary.reference, "antitrain");
    assert.equal(summary.better, "lower");
    assert.deepEqual(summary.arms.map((a) => [a.arm, a.mean, a.median]), [["antitrain", 6, 6], ["plain, importance", 12, 12]]);
    const p = summary.paired[0];
    assert.deepEqual([p.arm, p.mean, p.wins, p.losses, p.ties], ["plain, importance", 6, 0, 2, 0]);
    const d = st.compressionDetails(summary);
    assert.deepEqual(d.summary.map((a) => a.perSeed), [[8, 4], [16, 8]]);
    assert.equal(d.width, 16);
    assert.match(summary.metric, /fewest units of 16 in h1 within 1 point/);
    const v = st.digitsCompression.verdict(summary);
    assert.ok(st.ANSWERS.includes(v.answer));
    assert.match(v.numbers[v.numbers.length - 1], /^Robust check: /, "the verdict states its answer under every robust statistic");
    assert.deepEqual(d.robust?.map((r) => r.statistic.split(" (")[0]), [
      "units within 1 point of the dense validation accuracy",
      "units within 2 points of the dense validation accuracy",
      "units within 1 point of the dense validation accuracy averaged over seeds",
      "area under test accuracy vs units",
      "test accuracy at 8 units",
    ], "of the default fixed widths (8, 12, 16, 24, 32) only 8 is on this grid");
  });

  test("with several antitraining variants (16) the summary also pairs the best variant against the baselines alone, and 16's verdict says it under every statistic", () => {
    const withVariant = (s: number, anti: [number, number], variant: [number, number], plain: [number, number]) => {
      const x = seed(s, anti, plain);
      return { ...x, curves: [x.curves[0], { ...x.curves[0], arm: "antitrain, other cycle", points: [point(4, variant[0]), point(8, variant[1])] }, x.curves[1]] };
    };
    // Units within 1 point: antitrain 8 and 8, the variant 4 and 4 (the best), plain 16 and 8.
    const seeds = [withVariant(0, [0.85, 0.895], [0.9, 0.9], [0.8, 0.88]), withVariant(1, [0.85, 0.95], [0.895, 0.9], [0.8, 0.895])];
    const summary = st.summarizeCompressionStudy(settings, seeds);
    const d = st.compressionDetails(summary);
    assert.equal(d.robust?.length, d.robustBest?.length, "the same statistics");
    const direct = st.robustVerdicts(st.robustStatistics(seeds, { width: 16, tolerance: 0.01, reference: "antitrain, other cycle", arms: ["plain, importance"] }));
    assert.deepEqual(d.robustBest, direct, "the best variant against the arms that are not antitraining");
    const v = st.variantsVerdict(summary);
    assert.match(v.numbers[v.numbers.length - 1], /^Robust check: /);
    assert.equal(st.compressionDetails(st.summarizeCompressionStudy(settings, [seed(0, [0.85, 0.895], [0.8, 0.88])])).robustBest, undefined, "one antitraining arm: none");
  });

  test("robustLine: the same answer under every statistic, or where it flips", () => {
    const v = (statistic: string, answer: st.Answer) => ({ statistic, answer, better: [], worse: [] });
    assert.equal(st.robustLine("not supported", [v("a", "not supported"), v("b", "not supported")]), "Robust check: not supported under every statistic (a; b)");
    assert.equal(
      st.robustLine("not supported", [v("a", "not supported"), v("b", "mixed"), v("c", "mixed"), v("d", "inconclusive")]),
      "Robust check: not supported under a; it flips to mixed under b; c; inconclusive under d",
    );
  });

  test("robust statistics by hand: units within 1 and 2 points, the normalized area in log2 width, accuracy at fixed widths", () => {
    const seeds = [seed(0, [0.85, 0.895], [0.8, 0.88]), seed(1, [0.9, 0.95], [0.8, 0.895])];
    assert.deepEqual(st.commonWidths(seeds), [4, 8]);
    // Two widths one doubling apart: the area is the trapezoid's mean height over the dense test accuracy 0.9.
    assert.ok(Math.abs(st.normalizedArea(seeds[0].curves[0], [4, 8], 0.9) - (0.85 + 0.895) / 2 / 0.9) < 1e-12);
    const stats = st.robustStatistics(seeds, { width: 16, tolerance: 0.01, fixedWidths: [4, 8, 12] });
    assert.deepEqual(stats.map((x) => x.name), [
      "units within 1 point of the dense validation accuracy",
      "units within 2 points of the dense validation accuracy",
      "units within 1 point of the dense validation accuracy averaged over seeds",
      "area under test accuracy vs units (4–8, share of dense)",
      "test accuracy at 4 units",
      "test accuracy at 8 units",
    ], "12 units is not on every curve, so it is left out");
    // Within 2 points (from 0.88): seed 0 antitrain 8, plain 8; seed 1 antitrain 4, plain 8.
    assert.deepEqual(stats[1].summary.arms.map((a) => a.mean), [6, 8]);
    assert.deepEqual(stats[0].summary.arms.map((a) => a.mean), [6, 12], "the 1-point statistic is the study's own headline");
    assert.equal(stats[4].summary.better, "higher");
    assert.ok(Math.abs(stats[4].summary.paired[0].mean - (0.8 - 0.875)) < 1e-12, "plain − antitrain at 4 units, mean of −0.05 and −0.10");
    const verdicts = st.robustVerdicts(stats);
    assert.deepEqual(verdicts.map((v) => v.statistic), stats.map((x) => x.name));
    for (const v of verdicts) assert.ok(st.ANSWERS.includes(v.answer) && Array.isArray(v.better) && Array.isArray(v.worse));
    assert.throws(() => st.normalizedArea(seeds[0].curves[0], [4, 16], 0.9), /has no point at 16 units/);
    assert.throws(() => st.normalizedArea(seeds[0].curves[0], [4], 0.9), /at least two widths/);
    assert.throws(() => st.robustStatistics(seeds, { width: 16, tolerance: 0.01, fixedWidth: [8] } as never), /unknown option "fixedWidth" of robustStatistics/);
    assert.throws(() => st.robustStatistics(seeds, { width: 16, tolerance: 1 }), /tolerance must be in \[0, 1\)/);
    // Another reference (16 pairs its best variant): the same scores, the pairing turned round.
    const turned = st.robustStatistics(seeds, { width: 16, tolerance: 0.01, fixedWidths: [4, 8, 12], reference: "plain, importance" });
    assert.equal(turned[1].summary.reference, "plain, importance");
    assert.deepEqual(turned[1].summary.paired.map((q) => [q.arm, q.mean]), [["antitrain", -2]], "antitrain − plain within 2 points: 6 − 8");
    const alone = st.robustStatistics(seeds, { width: 16, tolerance: 0.01, reference: "plain, importance", arms: [] });
    assert.deepEqual(alone[0].summary.arms.map((a) => a.arm), ["plain, importance"], "arms leaves the others out; the reference stays");
    assert.throws(() => st.robustStatistics(seeds, { width: 16, tolerance: 0.01, reference: "slimming" }), /no arm "slimming" in these results/);
  });

  test("by hand: units within 1 point of the seeds' mean dense accuracy, and the test-split gap at the chosen width", () => {
    // Seed 0's dense model 0.96, seed 1's 0.84: the mean 0.90 puts the 1-point line at 0.89 on both seeds.
    const seeds = [
      { ...seed(0, [0.85, 0.895], [0.8, 0.95]), denseVal: 0.96, denseTest: 0.92 },
      { ...seed(1, [0.9, 0.95], [0.835, 0.895]), denseVal: 0.84, denseTest: 0.9 },
    ];
    const stats = st.robustStatistics(seeds, { width: 16, tolerance: 0.01 });
    // Own dense: seed 0 antitrain none (16), plain 8; seed 1 antitrain 4, plain 4. Mean dense: antitrain 8 and 4, plain 8 and 8.
    assert.deepEqual(stats[0].summary.arms.map((a) => a.mean), [10, 6]);
    assert.deepEqual(stats[2].summary.arms.map((a) => a.mean), [6, 8]);
    const gaps = st.chosenWidthGaps(seeds, { tolerance: 0.01 });
    // antitrain: seed 0 reaches nothing; seed 1 at 4 units, test 0.9 − dense 0.9 = 0. plain: seed 0 at 8 (0.95 − 0.92),
    // seed 1 at 4 (0.835 − 0.9 = −0.065, outside 1 point on test).
    assert.deepEqual(gaps.map((g) => [g.arm, g.reached, g.seeds, g.width, g.withinOnTest]), [["antitrain", 1, 2, 4, 1], ["plain, importance", 2, 2, 6, 1]]);
    assert.ok(Math.abs(gaps[1].gap.mean - (0.03 - 0.065) / 2) < 1e-12 && gaps[1].gap.low < gaps[1].gap.mean && gaps[1].gap.high > gaps[1].gap.mean);
    assert.ok(Math.abs(gaps[0].gap.mean) < 1e-12);
    assert.throws(() => st.chosenWidthGaps(seeds, { tolerance: 2 }), /tolerance must be in \[0, 1\)/);
    assert.throws(() => st.chosenWidthGaps([], { tolerance: 0.01 }), /at least one seed/);
  });

  test("robust statistics of the committed 04: the 1-point statistic is the study's headline, and a baseline is reliably better under every statistic", () => {
    const d = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "results", "04-compression.json"), "utf8"));
    const stats = st.robustStatistics(d.results, { width: 128, tolerance: d.tolerance });
    assert.deepEqual(stats[0].summary.paired.map((p) => [p.arm, p.mean]), d.studySummary.paired.map((p: st.StudySummary["paired"][number]) => [p.arm, p.mean]));
    for (const v of st.robustVerdicts(stats)) assert.ok(v.better.length > 0, `${v.statistic}: some arm is reliably better than antitraining`);
  });

  test("best variant and best reference by mean units", () => {
    const summary = st.compressionDetails(st.summarizeCompressionStudy(settings, [seed(0, [0.85, 0.895], [0.9, 0.95])])).summary;
    const { bestVariant, bestReference } = st.bestVariantAndReference(summary);
    assert.equal(bestVariant.arm, "antitrain");
    assert.equal(bestReference.arm, "plain, importance");
    assert.equal(bestReference.units.mean, 4);
  });

  test("choose: tuning rows pick the fewest units; without rows only one-entry grids", () => {
    const grids = { antitrain: [{ fraction: 0.5 }, { fraction: 0.3 }] };
    const s = { ...settings, arms: [st.STUDY_ARMS[0]], grids };
    const row = (fraction: number, units: number) => ({ method: "antitrain", settings: { fraction }, seed: 100, units, smallAcc: 0.9, denseVal: 0.95 });
    assert.deepEqual(st.chooseCompression(s, [row(0.5, 40), row(0.3, 20)]), { antitrain: { fraction: 0.3 } });
    assert.throws(() => st.chooseCompression(s, []), /tuneSeeds/);
    assert.deepEqual(st.chooseCompression({ ...s, grids: { antitrain: [{ fraction: 0.7 }] } }, []), { antitrain: { fraction: 0.7 } });
  });

  test("check refuses bad settings, naming the fix", () => {
    const good = st.digitsCompression.settings("quick");
    const check = st.digitsCompression.check;
    check(good);
    assert.throws(() => check({ ...good, keep: [] }), /keep needs at least one width/);
    assert.throws(() => check({ ...good, keep: [4, 128] }), /\[1, 127\]/);
    assert.throws(() => check({ ...good, site: "h2" }), /not a hidden layer/);
    assert.throws(() => check({ ...good, data: { dataset: "digits" } }), /validation/);
    assert.throws(() => check({ ...good, tolerance: 1 }), /tolerance/);
    assert.throws(() => check({ ...good, grids: { ...good.grids, bogus: [{ lambda: 1 }] } }), /belongs to no arm/);
    const { slimming: _, ...noSlimming } = good.grids;
    assert.throws(() => check({ ...good, grids: noSlimming }), /grids\["slimming"\]/);
    assert.throws(() => check({ ...good, updatez: 3 } as typeof good), /updatez/);
    assert.throws(() => st.digitsCompression.settings("huge" as "quick"), /tiny/);
  });
});
