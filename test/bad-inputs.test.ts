/**
 * The bad-input catalogue of DESIGN.md, each asserted by its message (which must say what to fix), and each call
 * that throws must leave tf.memory() as it found it.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { parseRunConfig } from "../lib/runs/config";
import { assertUnchanged, snapshot } from "./helpers";

let model: at.Mlp;
let good: at.Dataset;

before(async () => {
  await at.ready({ quiet: true });
  model = at.mlp({ inputs: 8, hidden: [16], classes: 4, seed: 0 });
  good = at.teacherStudent({ inputs: 8, teacherHidden: 4, classes: 4, train: 64, test: 16 }).train;
});

function data(x: number[], y: number[], features = 8): at.Dataset {
  return at.dataset(Float32Array.from(x), y, { features, classes: 4 });
}

/**
 * Asserts `fn` throws an AntitrainError matching `re`, frees every tensor it made and leaves `of` (default: the
 * shared model; `null` for a model that cannot be read, e.g. a disposed one) as it found it.
 */
function refuses(fn: () => unknown, re: RegExp, of: at.HookedModel | null = model, door = ""): void {
  const what = door === "" ? `a call that threw ${re}` : `${door} (${re})`;
  const weights = of === null ? null : snapshot(of);
  const before = tf.memory().numTensors;
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof at.AntitrainError, `${what}: ${e.name}: ${e.message}`);
    assert.match(e.message, re, what);
    return true;
  }, what);
  assert.equal(tf.memory().numTensors, before, `tensors leaked by ${what}`);
  if (of !== null && weights !== null) assertUnchanged(of, weights, what);
}

test("an unknown site lists the real ones (library and config)", () => {
  refuses(() => at.collectStats(model, "h9", good), /unknown site "h9": this mlp model has sites "h1"/);
  refuses(() => at.importance(model, "layer1", good, { seed: 0 }), /unknown site "layer1": this mlp model has sites "h1"/);
  refuses(() => model.forward(good.x, { h2: (a) => a }), /unknown site "h2"/);
  refuses(() => new at.Antitrainer(model, ["h3"], { schedule: at.interleaved(1) }), /unknown site "h3"/);
  assert.throws(() => parseRunConfig({ steps: 1, sites: ["h2"] }), /config key "sites\[0\]": got "h2", allowed: one of the model's sites "h1"/);
});

test("a fraction outside (0, 1] says what a fraction is", () => {
  const stats = at.collectStats(model, "h1", good);
  for (const fraction of [0, -0.1, 1.5, Number.NaN]) {
    refuses(() => at.findCore(model, "h1", good, { stats, fraction, seed: 0 }), new RegExp(`fraction must be in \\(0, 1\\], got ${fraction}: use e\\.g\\. 0\\.95`));
  }
  refuses(() => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), fraction: 2 }), /fraction must be in \(0, 1\], got 2/);
  refuses(() => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), reportFraction: 0 }), /reportFraction must be in \(0, 1\], got 0/);
});

test("empty data asks for at least one example", () => {
  const empty = data([], []);
  refuses(() => at.collectStats(model, "h1", empty), /data is empty \(0 examples\): pass at least one example/);
  refuses(() => at.evaluate(model, empty), /data is empty/);
  refuses(() => new at.BatchStream(empty, 4, 0), /cannot batch an empty dataset/);
  at.disposeDataset(empty);
});

test("NaN or infinite data names the row and column where it was met", () => {
  const x = Array.from({ length: 16 }, (_, i) => (i === 3 ? Number.NaN : 0.5));
  const nan = data(x, [0, 1]);
  refuses(() => at.collectStats(model, "h1", nan), /data\.x holds NaN at row 0, column 3: every value must be finite\. Remove or impute/);
  refuses(() => at.train(model, nan, { steps: 1, batchSize: 2 }), /data\.x holds NaN at row 0, column 3/);
  at.disposeDataset(nan);
  const inf = data(
    Array.from({ length: 16 }, (_, i) => (i === 0 ? Number.POSITIVE_INFINITY : 0.5)),
    [0, 1],
  );
  refuses(() => at.collectStats(model, "h1", inf), /data\.x holds Infinity at row 0, column 0/);
  at.disposeDataset(inf);
});

test("labels out of range give the allowed range", () => {
  const bad = data(new Array(16).fill(0.1), [0, 7]);
  refuses(() => at.evaluate(model, bad), /label 7 at example 1 is out of range: labels must be integers in \[0, 4\)/);
  refuses(() => at.collectStats(model, "h1", bad), /label 7 at example 1 is out of range/);
  at.disposeDataset(bad);
  const negative = data(new Array(8).fill(0.1), [-1]);
  refuses(() => at.train(model, negative, { steps: 1 }), /label -1 at example 0 is out of range/);
  at.disposeDataset(negative);
});

test("a wrong input width names the width the model takes", () => {
  const narrow = data(new Array(10).fill(0.1), [0, 1], 5);
  refuses(() => at.evaluate(model, narrow), /data\.x has shape \[2, 5\] but the model takes \[batch, 8\]: pass inputs of width 8/);
  refuses(() => at.importance(model, "h1", narrow, { seed: 0 }), /pass inputs of width 8/);
  refuses(() => model.forward(narrow.x), /input has shape \[2, 5\] but the model takes \[batch, 8\]/);
  at.disposeDataset(narrow);
});

/** The catalogue of the issue "One contract, checked at every door": each door, each bad input, one row. */
const parity = at.concept("parity", [0, 1, 0, 1]);

test("a misspelled randomization method is refused at every door that takes one (never run as zero-ablation)", () => {
  const stats = at.collectStats(model, "h1", good);
  const imp = at.importance(model, "h1", good, { stats, seed: 0 });
  const probe = at.fitProbe(model, good, parity, { steps: 5 });
  const opt = tf.train.adam(1e-3);
  const inner = tf.train.adam(1e-3);
  for (const bad of ["gausian", "Gaussian", "shuffle"]) {
    const method = bad as at.RandomizeMethod;
    const re = new RegExp(`method must be one of "gaussian", "resample", "mean", "zero", got "${bad}"`);
    const doors: Array<[string, () => unknown]> = [
      ["importance", () => at.importance(model, "h1", good, { stats, method })],
      ["damage", () => at.damage(model, "h1", good, [[0]], { stats, method })],
      ["DamageEngine", () => new at.DamageEngine(model, "h1", good, { stats, method })],
      ["findCore", () => at.findCore(model, "h1", good, { stats, importance: imp, method })],
      ["findCore, no stats given", () => at.findCore(model, "h1", good, { method })],
      ["splitDamage", () => at.splitDamage(model, "h1", good, { core: [0], spectators: [1] }, { stats, method })],
      ["heldOutImportance, no stats given", () => at.heldOutImportance(model, "h1", good, good, { method })],
      ["groupImportance", () => at.groupImportance(model, "h1", good, { stats, method })],
      ["redundancy", () => at.redundancy(model, "h1", good, { stats, method, units: [0, 1] })],
      ["groupDamage", () => at.groupDamage(model, "h1", good, [0, 1, 2], { stats, method })],
      ["tyingHints", () => at.tyingHints(model, "h1", good, { stats, method } as at.TyingOptions)],
      ["conceptFlow", () => at.conceptFlow(model, "h1", good, probe, [0], { stats, method })],
      ["antitrainStep option", () => at.antitrainStep(model, "h1", good, { split: { core: [0], method: "resample" }, stats, optimizer: opt, seed: 0, method })],
      ["antitrainStep split", () => at.antitrainStep(model, "h1", good, { split: { core: [0], method }, stats, optimizer: opt, seed: 0 })],
      ["conceptAntitrainStep", () => at.conceptAntitrainStep(model, "h1", good, { units: [0], stats, concept: parity, optimizer: opt, seed: 0, method })],
      ["Antitrainer", () => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), method })],
      ["InfoAdaptiveOptimizer", () => new at.InfoAdaptiveOptimizer(model, inner, { sites: ["h1"], data: good, method })],
      ["drawReplacements", () => at.drawReplacements(stats, method, 2, new at.Rng(0))],
    ];
    for (const [door, call] of doors) refuses(call, re, model, door);
  }
  // taylorImportance's reference is the mean by definition: a method key is an unknown option there.
  refuses(() => at.taylorImportance(model, "h1", good, { method: "gaussian" } as at.TaylorOptions), /unknown option "method" of taylorImportance: the options are stats, batchSize/);
  // the run config checks the same list
  assert.throws(() => parseRunConfig({ steps: 1, method: "gausian" }), /config key "method": got "gausian", allowed: one of "gaussian", "resample", "mean", "zero"/);
  assert.deepEqual(at.RANDOMIZE_METHODS, ["gaussian", "resample", "mean", "zero"]);
  opt.dispose();
  inner.dispose();
});

test("a misspelled metric is refused (\"acc\" no longer runs as boundedLoss; findCore's \"Accuracy\" is refused)", () => {
  const stats = at.collectStats(model, "h1", good);
  const imp = at.importance(model, "h1", good, { stats, seed: 0 });
  const inner = tf.train.adam(1e-3);
  const logits = tf.zeros([2, 4]) as tf.Tensor2D;
  const labels = tf.tensor1d([0, 1], "int32");
  for (const bad of ["acc", "Accuracy", "bounded"]) {
    const metric = bad as at.Metric;
    const re = new RegExp(`metric must be one of "accuracy", "loss", "boundedLoss", got "${bad}"`);
    const doors: Array<[string, () => unknown]> = [
      ["importance", () => at.importance(model, "h1", good, { stats, metric })],
      ["damage", () => at.damage(model, "h1", good, [[0]], { stats, metric })],
      ["findCore", () => at.findCore(model, "h1", good, { stats, importance: imp, metric })],
      ["splitDamage", () => at.splitDamage(model, "h1", good, { core: [0], spectators: [1] }, { stats, metric })],
      ["heldOutImportance", () => at.heldOutImportance(model, "h1", good, good, { stats, metric })],
      ["groupImportance", () => at.groupImportance(model, "h1", good, { stats, metric })],
      ["redundancy", () => at.redundancy(model, "h1", good, { stats, metric, units: [0, 1] })],
      ["groupDamage", () => at.groupDamage(model, "h1", good, [0, 1], { stats, metric })],
      ["tyingHints", () => at.tyingHints(model, "h1", good, { stats, metric })],
      ["Antitrainer", () => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), metric })],
      ["InfoAdaptiveOptimizer", () => new at.InfoAdaptiveOptimizer(model, inner, { sites: ["h1"], data: good, metric })],
      ["perExample", () => at.perExample(metric, logits, labels)],
      ["damageOf", () => at.damageOf(metric, 0.5, 0.4)],
    ];
    for (const [door, call] of doors) refuses(call, re, model, door);
    refuses(() => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), rankMetric: metric }), new RegExp(`rankMetric must be one of .*got "${bad}"`));
  }
  assert.throws(() => parseRunConfig({ steps: 1, metric: "acc" }), /config key "metric": got "acc", allowed: one of "accuracy", "loss", "boundedLoss"/);
  tf.dispose([logits, labels]);
  inner.dispose();
});

test("unknown option keys are refused by every function that takes options (a misspelt fraction no longer means 0.95)", () => {
  const stats = at.collectStats(model, "h1", good);
  const split = at.findCore(model, "h1", good, { stats, seed: 0 });
  const probe = at.fitProbe(model, good, parity, { steps: 5 });
  const opt = tf.train.adam(1e-3);
  const inner = tf.train.adam(1e-3);
  const typo = { fractoin: 0.5 };
  const damageKeys = "stats, method, metric, seed, samples, batchSize, maxElements, path, coupled, spatial";
  const doors: Array<[string, () => unknown, string]> = [
    ["importance", () => at.importance(model, "h1", good, typo as at.DamageOptions), damageKeys],
    ["damage", () => at.damage(model, "h1", good, [[0]], typo as at.DamageOptions), damageKeys],
    ["DamageEngine", () => new at.DamageEngine(model, "h1", good, typo as at.DamageOptions), damageKeys],
    ["findCore", () => at.findCore(model, "h1", good, typo as at.CoreOptions), "stats, method, metric, seed, samples, batchSize, maxElements, coupled, spatial, allowStale, importance, fraction"],
    ["splitDamage", () => at.splitDamage(model, "h1", good, split, typo as at.DamageOptions), damageKeys],
    ["collectStats", () => at.collectStats(model, "h1", good, typo as at.StatsOptions), "bankSize, seed, batchSize"],
    ["StatsTracker", () => new at.StatsTracker("h1", 16, typo as { bankSize?: number }), "bankSize, width"],
    ["compress", () => at.compress(model, "h1", split, typo as at.CompressOptions), "stats"],
    ["Antitrainer", () => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), ...typo } as at.AntitrainerOptions), "schedule, data, fraction"],
    ["antitrainStep", () => at.antitrainStep(model, "h1", good, { split, stats, optimizer: opt, seed: 0, ...typo } as unknown as at.AntitrainStepOptions), "split, stats, optimizer, target, randomize, method, seed"],
    ["train", () => at.train(model, good, { steps: 1, ...typo } as at.TrainOptions), "steps, batchSize, learningRate"],
    ["taylorImportance", () => at.taylorImportance(model, "h1", good, typo as at.TaylorOptions), "stats, batchSize"],
    ["heldOutImportance", () => at.heldOutImportance(model, "h1", good, good, typo as at.HeldOutOptions), "stats, method, metric, seed, samples, batchSize, maxElements, coupled, spatial, allowStale, ratio, floor"],
    ["groupImportance", () => at.groupImportance(model, "h1", good, typo as at.GroupImportanceOptions), `${damageKeys}, allowStale, groupShare, groups, solve, ridge, exact`],
    ["redundancy", () => at.redundancy(model, "h1", good, typo as at.RedundancyOptions), "stats, method, metric, seed, samples, batchSize, maxElements, path, spatial, allowStale, units, sample"],
    ["groupDamage", () => at.groupDamage(model, "h1", good, [0, 1], typo as at.GroupOptions), "stats, method, metric, seed, samples, batchSize, maxElements, path, spatial, allowStale, sizes, subsets"],
    ["tyingHints", () => at.tyingHints(model, "h1", good, typo as at.TyingOptions), "stats, method, metric, seed, samples, batchSize, maxElements, path, spatial, allowStale, units, sample"],
    ["checkModel", () => at.checkModel(model, good.x, typo as at.CheckModelOptions), "tolerance, throwOnFailure"],
    ["conceptFlow", () => at.conceptFlow(model, "h1", good, probe, [0], typo as at.DamageOptions), "stats, method, seed, samples"],
    ["conceptAntitrainStep", () => at.conceptAntitrainStep(model, "h1", good, { units: [0], stats, concept: parity, optimizer: opt, seed: 0, ...typo } as unknown as at.ConceptStepOptions), "concept, units, stats, optimizer, method, seed"],
    ["InfoAdaptiveOptimizer", () => new at.InfoAdaptiveOptimizer(model, inner, { sites: ["h1"], data: good, ...typo } as at.InfoAdaptiveOptions), "sites, data, direction"],
  ];
  for (const [door, call, keys] of doors) refuses(call, new RegExp(`unknown option "fractoin" of ${door}: the options are ${keys}`), model, door);
  // evaluate takes a batch size, not an options object, and gateImportance an options object, not a batch size: each says so
  refuses(() => at.evaluate(model, good, { batchSize: 0 } as unknown as at.Hooks), /"batchSize" is not a site \(sites "h1"\): evaluate\(model, data, hooks, batchSize\) takes the batch size as a number, e\.g\. evaluate\(model, data, \{\}, 256\)/);
  refuses(() => at.gateImportance(model, "h1", good, 64 as unknown as at.GateOptions), /gateImportance takes an options object as its fourth argument, e\.g\. gateImportance\(model, site, data, \{ batchSize: 256 \}\)/);
  opt.dispose();
  inner.dispose();
});

test("stats or a core split from another site are refused by importance, antitrainStep, compress and the rest", () => {
  const deep = at.mlp({ inputs: 8, hidden: [16, 16], classes: 4, seed: 1 });
  at.train(deep, good, { steps: 30, learningRate: 1e-2, seed: 0 }); // trained a little, so its cores are not empty
  const s1 = at.collectStats(deep, "h1", good);
  const s2 = at.collectStats(deep, "h2", good);
  const split1 = at.findCore(deep, "h1", good, { stats: s1, seed: 0 });
  const split2 = at.findCore(deep, "h2", good, { stats: s2, seed: 0 });
  const opt = tf.train.adam(1e-3);
  // same unit count at both sites: before, nothing noticed
  assert.equal(s1.units, s2.units);
  const wrongStats = /stats were collected at site "h2", not "h1": collect them with at\.collectStats\(model, "h1", data\)/;
  const doors: Array<[string, () => unknown]> = [
    ["importance", () => at.importance(deep, "h1", good, { stats: s2 })],
    ["damage", () => at.damage(deep, "h1", good, [[0]], { stats: s2 })],
    ["findCore", () => at.findCore(deep, "h1", good, { stats: s2 })],
    ["splitDamage", () => at.splitDamage(deep, "h1", good, split1, { stats: s2 })],
    ["heldOutImportance", () => at.heldOutImportance(deep, "h1", good, good, { stats: s2 })],
    ["taylorImportance", () => at.taylorImportance(deep, "h1", good, { stats: s2 })],
    ["groupImportance", () => at.groupImportance(deep, "h1", good, { stats: s2 })],
    ["redundancy", () => at.redundancy(deep, "h1", good, { stats: s2, units: [0, 1] })],
    ["tyingHints", () => at.tyingHints(deep, "h1", good, { stats: s2, units: [0, 1] })],
    ["antitrainStep", () => at.antitrainStep(deep, "h1", good, { split: split1, stats: s2, optimizer: opt, seed: 0 })],
    ["conceptAntitrainStep", () => at.conceptAntitrainStep(deep, "h1", good, { units: [0], stats: s2, concept: parity, optimizer: opt, seed: 0 })],
    ["compress", () => at.compress(deep, "h1", split1, { stats: s2 })],
  ];
  for (const [door, call] of doors) refuses(call, wrongStats, deep, door);
  const wrongSplit = /the split was found at site "h2", not "h1": pass a split of "h1"/;
  refuses(() => at.antitrainStep(deep, "h1", good, { split: split2, stats: s1, optimizer: opt, seed: 0 }), wrongSplit, deep);
  refuses(() => at.compress(deep, "h1", split2, { stats: s1 }), wrongSplit, deep);
  refuses(() => at.splitDamage(deep, "h1", good, split2, { stats: s1 }), wrongSplit, deep);
  opt.dispose();
  deep.dispose();
});

test("batch sizes that hang or train on nothing, bank size 0 and seeds that collapse are refused", () => {
  refuses(() => at.collectStats(model, "h1", good, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  refuses(() => at.evaluate(model, good, {}, 0), /batchSize must be a positive integer, got 0/);
  for (const batchSize of [0, Number.NaN, 2.5]) {
    refuses(() => at.train(model, good, { steps: 1, batchSize }), new RegExp(`batchSize must be a positive integer, got ${batchSize}`));
  }
  refuses(() => new at.BatchStream(good, 0, 0), /batchSize must be a positive integer, got 0/);
  refuses(() => at.forEachSlice(good, 0, () => undefined), /batchSize must be a positive integer, got 0/);
  refuses(() => at.collectStats(model, "h1", good, { bankSize: 0 }), /bankSize must be a positive integer, got 0/);
  refuses(() => new at.StatsTracker("h1", 16, { bankSize: 0 }), /bankSize must be a positive integer, got 0/);
  const stats = at.collectStats(model, "h1", good);
  const split = at.findCore(model, "h1", good, { stats, seed: 0 });
  const opt = tf.train.adam(1e-3);
  for (const bad of [Number.NaN, "7", 7.9]) {
    const seed = bad as number;
    const shown = typeof bad === "string" ? `the string "${bad}"` : String(bad).replace(".", "\\.");
    const re = new RegExp(`seed must be an integer, got ${shown}`);
    const doors: Array<[string, () => unknown]> = [
      ["Rng", () => new at.Rng(seed)],
      ["rngFor", () => at.rngFor(seed)],
      ["collectStats", () => at.collectStats(model, "h1", good, { seed })],
      ["importance", () => at.importance(model, "h1", good, { stats, seed })],
      ["damage", () => at.damage(model, "h1", good, [[0]], { stats, seed })],
      ["findCore", () => at.findCore(model, "h1", good, { stats, seed })],
      ["groupImportance", () => at.groupImportance(model, "h1", good, { stats, seed })],
      ["redundancy", () => at.redundancy(model, "h1", good, { stats, seed, units: [0, 1] })],
      ["train", () => at.train(model, good, { steps: 1, seed })],
      ["BatchStream", () => new at.BatchStream(good, 4, seed)],
      ["Antitrainer", () => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), seed })],
      ["mlp", () => at.mlp({ inputs: 2, hidden: [2], classes: 2, seed })],
    ];
    for (const [door, call] of doors) refuses(call, re, model, door);
    refuses(() => at.rngFor(0, seed), new RegExp(`stream\\[0\\] of rngFor must be an integer, got ${shown}`));
    refuses(() => at.antitrainStep(model, "h1", good, { split, stats, optimizer: opt, seed }), new RegExp(`antitrainStep needs a finite seed, an integer, got ${String(bad).replace(".", "\\.")}`));
  }
  // Valid seeds keep their streams (frozen from before the check): 7 is still 7, and distinct from NaN's old stream.
  assert.equal(new at.Rng(0).nextUint32(), 2541338183);
  assert.equal(new at.Rng(7).nextUint32(), 4028301425);
  assert.equal(new at.Rng(-3).nextUint32(), 3239091847);
  assert.equal(new at.Rng(2 ** 40).nextUint32(), 1931268326);
  opt.dispose();
});

test("float labels, disposed models and disposed data are refused by name; a failing train step frees its tape", () => {
  const floats: at.Dataset = { x: good.x, y: tf.cast(good.y, "float32") as tf.Tensor1D, classes: 4 };
  const floatLabels = /data\.y holds float32 labels: labels must be int32, e\.g\. tf\.tensor1d\(labels, "int32"\)/;
  refuses(() => at.train(model, floats, { steps: 1 }), floatLabels);
  refuses(() => at.evaluate(model, floats), floatLabels);
  refuses(() => at.collectStats(model, "h1", floats), floatLabels);
  refuses(() => at.importance(model, "h1", floats), floatLabels);
  floats.y.dispose();

  // a step that throws inside the gradient tape (here the caller's penalty or hook) leaves no tensor behind
  for (const [what, options] of [
    ["penalty", { steps: 2, penalty: () => { throw new Error("penalty failed"); } }],
    ["hook", { steps: 2, hooks: () => ({ h1: () => { throw new Error("hook failed"); } }) }],
  ] as const) {
    const before = tf.memory().numTensors;
    const weights = snapshot(model);
    assert.throws(() => at.train(model, good, options), new RegExp(`${what} failed`));
    assert.equal(tf.memory().numTensors, before, `a train step whose ${what} threw leaked ${tf.memory().numTensors - before} tensors`);
    assertUnchanged(model, weights, `a train step whose ${what} threw`);
  }

  const stats = at.collectStats(model, "h1", good);
  const gone = at.mlp({ inputs: 8, hidden: [16], classes: 4, seed: 3 });
  gone.dispose();
  const disposedModel = /this mlp model was disposed \(its variables are freed\): use a live model/;
  const opt = tf.train.adam(1e-3);
  const doors: Array<[string, () => unknown]> = [
    ["importance", () => at.importance(gone, "h1", good, { stats })],
    ["findCore", () => at.findCore(gone, "h1", good, { stats })],
    ["collectStats", () => at.collectStats(gone, "h1", good)],
    ["evaluate", () => at.evaluate(gone, good)],
    ["train", () => at.train(gone, good, { steps: 1 })],
    ["forward", () => gone.forward(good.x)],
    ["compress", () => at.compress(gone, "h1", { core: [0] })],
    ["antitrainStep", () => at.antitrainStep(gone, "h1", good, { split: { core: [0], method: "resample" }, stats, optimizer: opt, seed: 0 })],
    ["Antitrainer", () => new at.Antitrainer(gone, ["h1"], { schedule: at.interleaved(1) })],
  ];
  for (const [door, call] of doors) refuses(call, disposedModel, null, door);

  const data = at.teacherStudent({ inputs: 8, teacherHidden: 4, classes: 4, train: 16, test: 4 });
  at.disposeDataset(data.train);
  at.disposeDataset(data.test);
  const disposedData = /data\.x was disposed \(at\.disposeDataset or tf\.dispose freed it\): load the data again/;
  refuses(() => at.evaluate(model, data.train), disposedData);
  refuses(() => at.importance(model, "h1", data.train, { stats }), disposedData);
  refuses(() => at.collectStats(model, "h1", data.train), disposedData);
  refuses(() => at.train(model, data.train, { steps: 1 }), disposedData);
  refuses(() => model.forward(data.train.x), /the input tensor was disposed: pass a live tensor/);
  opt.dispose();
});

test("an Antitrainer without a schedule, or with a broken one, is refused in its constructor", () => {
  refuses(() => new at.Antitrainer(model, ["h1"], {} as at.AntitrainerOptions), /schedule is missing: pass \{ schedule: at\.interleaved\(1\) \} or \{ schedule: at\.cyclic\(200, 100\) \}/);
  refuses(() => new at.Antitrainer(model, ["h1"], { schedule: { kind: "cylic", train: 2, anti: 1 } as unknown as at.Schedule }), /schedule\.kind must be "interleaved" or "cyclic", got "cylic"/);
  refuses(() => new at.Antitrainer(model, ["h1"], { schedule: { kind: "interleaved", antiSteps: 1 } as unknown as at.Schedule }), /cycle must be a positive whole number, got NaN/);
  refuses(() => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), learningRate: 0 }), /learningRate must be a finite number in \(0, /);
  refuses(() => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), batchSize: 0 }), /batchSize must be a positive integer, got 0/);
});

test("one optimizer shared by two sites' antitrain steps is refused (their Adam state would mix)", () => {
  const deep = at.mlp({ inputs: 8, hidden: [16, 16], classes: 4, seed: 2 });
  const s1 = at.collectStats(deep, "h1", good);
  const s2 = at.collectStats(deep, "h2", good);
  const split1 = at.findCore(deep, "h1", good, { stats: s1, seed: 0 });
  const split2 = at.findCore(deep, "h2", good, { stats: s2, seed: 0 });
  const shared = tf.train.adam(1e-3);
  at.antitrainStep(deep, "h1", good, { split: split1, stats: s1, optimizer: shared, seed: 0 });
  refuses(
    // allowStale: antitraining h1 moved the weights before h2, so h2's measurements are reused on purpose here
    () => at.antitrainStep(deep, "h2", good, { split: split2, stats: s2, optimizer: shared, seed: 1, allowStale: true }),
    /this optimizer already antitrained site "h1": stepping "h2" with it would mix the two sites' optimizer state \(Adam moments\).*Give each site its own optimizer/,
    deep,
  );
  // the optimizer keeps serving its own site, and a second one serves the other
  const own = tf.train.adam(1e-3);
  at.antitrainStep(deep, "h1", good, { split: split1, stats: s1, optimizer: shared, seed: 2 });
  at.antitrainStep(deep, "h2", good, { split: split2, stats: s2, optimizer: own, seed: 3, allowStale: true });
  shared.dispose();
  own.dispose();
  deep.dispose();
});

test("the README's compress line with several antitrained sites: the last record's split (another site's) is refused, the site's own works", () => {
  const deep = at.mlp({ inputs: 8, hidden: [16, 16], classes: 4, seed: 4 });
  at.train(deep, good, { steps: 30, learningRate: 1e-2, seed: 0 }); // trained a little, so its cores are not empty
  const anti = new at.Antitrainer(deep, ["h1", "h2"], { schedule: at.interleaved(1, { cycle: 100 }), fraction: 0.5, data: good, seed: 0 });
  at.train(deep, good, { steps: 2, seed: 1, onStep: (_, batch) => anti.afterStep(batch) });
  const last = anti.history.at(-1) as at.MeasureRecord;
  assert.equal(last.site, "h2", "the last record is the last site's");
  const stats = anti.stats.get("h1") as at.UnitStats;
  refuses(() => at.compress(deep, "h1", last.report, { stats }), /the split was found at site "h2", not "h1": pass a split of "h1"/, deep);
  const own = anti.history.filter((r) => r.site === "h1").at(-1) as at.MeasureRecord;
  const small = at.compress(deep, "h1", own.report, { stats });
  assert.equal(small.sites()[0].units, own.report.core.length, "compressed to h1's own reported core");
  small.dispose();
  anti.dispose();
  deep.dispose();
});

test("disposed data is refused by name at the other doors too (labels alone disposed included)", () => {
  const stats = at.collectStats(model, "h1", good);
  const split = at.findCore(model, "h1", good, { stats, seed: 0 });
  const opt = tf.train.adam(1e-3);
  const data = at.teacherStudent({ inputs: 8, teacherHidden: 4, classes: 4, train: 16, test: 4 });
  at.disposeDataset(data.train);
  const disposedX = /data\.x was disposed \(at\.disposeDataset or tf\.dispose freed it\): load the data again/;
  const doors: Array<[string, () => unknown]> = [
    ["findCore", () => at.findCore(model, "h1", data.train, { stats })],
    ["damage", () => at.damage(model, "h1", data.train, [[0]], { stats })],
    ["splitDamage", () => at.splitDamage(model, "h1", data.train, split, { stats })],
    ["antitrainStep", () => at.antitrainStep(model, "h1", data.train, { split, stats, optimizer: opt, seed: 0 })],
    ["Antitrainer data", () => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), data: data.train })],
  ];
  for (const [door, call] of doors) refuses(call, disposedX, model, door);
  const labelsGone: at.Dataset = { x: data.test.x, y: data.test.y, classes: 4 };
  data.test.y.dispose();
  refuses(() => at.evaluate(model, labelsGone), /data\.y was disposed/);
  refuses(() => at.importance(model, "h1", labelsGone, { stats }), /data\.y was disposed/);
  data.test.x.dispose();
  opt.dispose();
});
