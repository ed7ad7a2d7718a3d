import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as at from "../lib/index";
import * as tf from "@tensorflow/tfjs";
import { gateScores } from "../lib/importance/gate";
import { magnitudeScores } from "../lib/importance/magnitude";
import { assertAntitrainError, invariant, smallTask } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

const UNITS = 12;

/** Every unit-score estimator on `site`, each as the one Importance shape. */
function everyEstimator(model: at.Mlp, train: at.Dataset, test: at.Dataset, stats: at.UnitStats): [string, () => at.Importance][] {
  return [
    ["importance", () => at.importance(model, "h1", test, { stats, seed: 1 })],
    ["groupImportance", () => at.groupImportance(model, "h1", test, { stats, seed: 1, groupShare: 0.2, groups: 24 })],
    ["taylorImportance", () => at.taylorImportance(model, "h1", train, { stats })],
    ["gateImportance", () => at.gateImportance(model, "h1", train, { stats })],
    ["magnitudeImportance", () => at.magnitudeImportance(model, "h1")],
    ["heldOutImportance.train", () => at.heldOutImportance(model, "h1", train, test, { stats, seed: 1 }).train],
    ["heldOutImportance.heldOut", () => at.heldOutImportance(model, "h1", train, test, { stats, seed: 1 }).heldOut],
  ];
}

const EXPECTED: Record<string, { estimator: at.Estimator; method: at.RandomizeMethod; metric: at.Metric }> = {
  importance: { estimator: "randomization", method: "resample", metric: "loss" },
  groupImportance: { estimator: "group-testing", method: "resample", metric: "loss" },
  taylorImportance: { estimator: "taylor", method: "mean", metric: "loss" },
  gateImportance: { estimator: "gate", method: "zero", metric: "loss" },
  magnitudeImportance: { estimator: "magnitude", method: "zero", metric: "loss" },
  "heldOutImportance.train": { estimator: "randomization", method: "resample", metric: "loss" },
  "heldOutImportance.heldOut": { estimator: "randomization", method: "resample", metric: "loss" },
};

/** Asserts `split` is a valid split of `units` along `order`: the core a prefix, the spectators the rest, ascending. */
function assertValidSplit(split: at.CoreSplit, order: number[], what: string): void {
  assert.deepEqual(split.core, order.slice(0, split.core.length), `${what}: the core is a prefix of the ranking`);
  assert.deepEqual(split.spectators, [...order.slice(split.core.length)].sort((a, b) => a - b), `${what}: the spectators are the rest, ascending`);
  assert.equal(split.core.length + split.spectators.length, UNITS, `${what}: every unit once`);
}

test("every estimator returns the Importance shape, and its result feeds ranked and findCore", () => {
  const { model, train, test: heldOut } = smallTask(0, [UNITS]);
  const stats = at.collectStats(model, "h1", train);
  for (const [name, estimate] of everyEstimator(model, train, heldOut, stats)) {
    const imp = invariant(model, name, estimate) as at.Importance;
    assert.ok(!(imp instanceof Error), `${name}: ${String(imp)}`);
    const want = EXPECTED[name];
    assert.equal(imp.site, "h1", name);
    assert.equal(imp.estimator, want.estimator, `${name}: estimator`);
    assert.equal(imp.method, want.method, `${name}: method`);
    assert.equal(imp.metric, want.metric, `${name}: metric`);
    assert.ok(imp.scores instanceof Float32Array && imp.scores.length === UNITS, `${name}: one score per unit`);
    assert.ok(imp.scores.every(Number.isFinite), `${name}: finite scores`);
    if (want.estimator === "magnitude") {
      assert.ok(Number.isNaN(imp.clean) && Number.isNaN(imp.full), `${name}: clean and full are NaN (no data)`);
    } else {
      assert.ok(Number.isFinite(imp.clean) && imp.clean > 0, `${name}: clean loss ${imp.clean}`);
      assert.ok(Number.isFinite(imp.full) && imp.full > 0, `${name}: whole-site damage ${imp.full}`);
    }
    const order = invariant(model, `${name}: ranked`, () => at.ranked(imp)) as number[];
    assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: UNITS }, (_, u) => u), `${name}: ranked is a permutation`);
    for (let i = 1; i < UNITS; i++) assert.ok(imp.scores[order[i - 1]] >= imp.scores[order[i]], `${name}: ranked is descending`);
    const split = invariant(model, `${name}: findCore`, () =>
      at.findCore(model, "h1", heldOut, { stats, importance: imp, fraction: 0.8, seed: 2 }),
    ) as at.CoreSplit;
    assert.ok(!(split instanceof Error), `${name}: ${String(split)}`);
    assertValidSplit(split, order, name);
    assert.equal(split.method, want.method, `${name}: findCore randomizes with the estimator's method by default`);
    assert.ok(split.fullDamage > 0, `${name}: the whole site does damage`);
    assert.ok(split.fractionReached >= 0.8, `${name}: the core reaches the fraction (${split.fractionReached})`);
  }
  model.dispose();
  at.disposeDataset(train);
  at.disposeDataset(heldOut);
});

test("the new shapes carry exactly the old scores; gate's clean and full are the damage engine's zero-ablation numbers", () => {
  const { model, train, test: heldOut } = smallTask(1, [UNITS]);
  const stats = at.collectStats(model, "h1", train);
  assert.deepEqual(at.magnitudeImportance(model, "h1").scores, magnitudeScores(model, "h1"));
  const gate = at.gateImportance(model, "h1", train, { stats, batchSize: 50 });
  assert.deepEqual(gate.scores, gateScores(model, "h1", train, 50));
  const all = Array.from({ length: UNITS }, (_, u) => u);
  const ref = at.damage(model, "h1", train, [all], { stats, method: "zero", metric: "loss", batchSize: 50 });
  assert.ok(Math.abs(gate.clean - ref.clean) < 1e-6, `clean ${gate.clean} vs ${ref.clean}`);
  assert.ok(Math.abs(gate.full - ref.damage[0]) < 1e-6, `full ${gate.full} vs ${ref.damage[0]}`);
  model.dispose();
  at.disposeDataset(train);
  at.disposeDataset(heldOut);
});

test("findCore along a Taylor or magnitude ranking finds a core that reaches the fraction, checked independently", () => {
  const { model, train, test: heldOut } = smallTask(2, [UNITS]);
  const stats = at.collectStats(model, "h1", train);
  const rankings: [string, at.Importance][] = [
    ["taylor", at.taylorImportance(model, "h1", train, { stats })],
    ["magnitude", at.magnitudeImportance(model, "h1")],
  ];
  for (const [name, imp] of rankings) {
    for (const method of ["resample", "zero"] as const) {
      const options = { stats, importance: imp, fraction: 0.9, metric: "accuracy" as const, method, seed: 3 };
      const split = invariant(model, `${name} ${method}`, () => at.findCore(model, "h1", heldOut, options)) as at.CoreSplit;
      assertValidSplit(split, at.ranked(imp), `${name} ${method}`);
      assert.equal(split.method, method);
      assert.ok(split.core.length >= 1, `${name} ${method}: a non-empty core`);
      // the same draws (common random numbers, same seed) measured outside the search
      const d = at.damage(model, "h1", heldOut, [split.core, Array.from({ length: UNITS }, (_, u) => u)], { stats, method, metric: "accuracy", seed: 3 });
      assert.ok(d.damage[1] > 0, `${name} ${method}: the whole site does damage`);
      assert.ok(d.damage[0] >= 0.9 * d.damage[1] - 1e-9, `${name} ${method}: core damage ${d.damage[0]} < 0.9 × ${d.damage[1]}`);
      assert.ok(Math.abs(split.fractionReached - d.damage[0] / d.damage[1]) < 1e-9, `${name} ${method}: fractionReached`);
    }
  }
  // bare scores with a site are a ranking too
  const bare = at.findCore(model, "h1", heldOut, { stats, importance: { site: "h1", scores: magnitudeScores(model, "h1") }, seed: 3 });
  assertValidSplit(bare, at.ranked({ scores: magnitudeScores(model, "h1") }), "bare scores");
  assert.equal(bare.method, "resample", "bare scores: the default randomization");
  model.dispose();
  at.disposeDataset(train);
  at.disposeDataset(heldOut);
});

test("findCore refuses a ranking of another site, of the wrong length, without a site, with NaN or a misspelled method", () => {
  const { model, train, test: heldOut } = smallTask(3, [UNITS, UNITS]);
  const stats = at.collectStats(model, "h1", train);
  const h2: at.Importance[] = [
    at.importance(model, "h2", heldOut, { seed: 0 }),
    at.taylorImportance(model, "h2", train),
    at.gateImportance(model, "h2", train),
    at.magnitudeImportance(model, "h2"),
    at.groupImportance(model, "h2", heldOut, { groups: 12, groupShare: 0.2 }),
  ];
  const core = (importance: unknown) => () => at.findCore(model, "h1", heldOut, { stats, importance: importance as at.Importance });
  for (const imp of h2) {
    invariant(model, `${imp.estimator} of h2`, () =>
      assertAntitrainError(core(imp), /importance passed is for site "h2" with 12 units, not "h1" with 12: pass one made at that site/),
    );
    const short = { ...imp, site: "h1", scores: imp.scores.subarray(0, 5) };
    invariant(model, `${imp.estimator} short`, () => assertAntitrainError(core(short), /for site "h1" with 5 units, not "h1" with 12/));
  }
  const good = at.taylorImportance(model, "h1", train, { stats });
  const nan = Float32Array.from(good.scores);
  nan[3] = Number.NaN;
  const cases: [string, unknown, RegExp][] = [
    ["no site", { scores: good.scores }, /names no site: pass one made at that site/],
    ["null", null, /importance must be an Importance or \{ site, scores \}, got null/],
    ["no scores", { site: "h1" }, /got an object without scores/],
    ["NaN", { ...good, scores: nan }, /findCore: the score of unit 3 is NaN/],
    ["method", { ...good, method: "gausian" }, /method must be one of "gaussian", .*got "gausian"/],
  ];
  for (const [what, imp, pattern] of cases) invariant(model, what, () => assertAntitrainError(core(imp), pattern));
  invariant(model, "ranked null", () => assertAntitrainError(() => at.ranked(null as unknown as at.Importance), /ranked needs an Importance/));
  invariant(model, "ranked NaN", () => assertAntitrainError(() => at.ranked({ scores: nan }), /ranked: the score of unit 3 is NaN/));
  invariant(model, "gate option", () =>
    assertAntitrainError(() => at.gateImportance(model, "h1", train, { batchsize: 8 } as at.GateOptions), /unknown option "batchsize" of gateImportance/),
  );
  invariant(model, "gate stats", () =>
    assertAntitrainError(() => at.gateImportance(model, "h2", train, { stats }), /collected at site "h1", not "h2"/),
  );
  invariant(model, "magnitude site", () => assertAntitrainError(() => at.magnitudeImportance(model, "h9"), /unknown site "h9"/));
  model.dispose();
  at.disposeDataset(train);
  at.disposeDataset(heldOut);
});

test("one magnitude verb: magnitudeImportance scores MLP units as the plain loop does, transformer units as unitMagnitudes, conv channels by their filters", async () => {
  const mlp = at.mlp({ inputs: 5, hidden: [4], classes: 3, seed: 2 });
  const { into, out } = mlp.unitParameters("h1");
  const w = into.variable.arraySync() as number[][]; // [5, 4]
  const v = out.variable.arraySync() as number[][]; // [4, 3]
  const loop = w[0].map((_, u) => Math.sqrt(w.reduce((a, row) => a + row[u] ** 2, 0) + v[u].reduce((a, x) => a + x ** 2, 0)));
  const got = at.magnitudeImportance(mlp, "h1").scores;
  for (let u = 0; u < 4; u++) assert.ok(Math.abs(got[u] - loop[u]) < 1e-6 * loop[u], `unit ${u}: ${got[u]} vs ${loop[u]}`);
  mlp.dispose();
  const tfm = at.transformer({ vocab: 6, seqLen: 3, classes: 4, dModel: 8, heads: 2, dMlp: 8, seed: 1 });
  for (const site of ["blocks.0.attn", "blocks.0.mlp", "blocks.0.resid"]) assert.deepEqual(at.magnitudeImportance(tfm, site).scores, tfm.unitMagnitudes(site), site);
  tfm.dispose();
  const input = tf.input({ shape: [4, 4, 1] });
  const conv = tf.layers.conv2d({ filters: 3, kernelSize: 2, activation: "relu", name: "conv", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  const conv2 = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: "conv2", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(conv) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv2) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 2, name: "out", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(pooled) as tf.SymbolicTensor;
  const net = tf.model({ inputs: input, outputs: logits });
  const wrapped = at.fromLayersModel(net);
  const kernel = (net.getLayer("conv").getWeights()[0].arraySync() as number[][][][]).flat(2); // [2·2·1][3 filters]
  const reader = net.getLayer("conv2").getWeights()[0].arraySync() as number[][][][]; // [1, 1, 3, 2]
  const expect = [0, 1, 2].map((c) => Math.sqrt(kernel.reduce((a, row) => a + row[c] ** 2, 0) + reader[0][0][c].reduce((a, x) => a + x ** 2, 0)));
  const scores = at.magnitudeImportance(wrapped, "conv").scores;
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(scores[c] - expect[c]) < 1e-6 * expect[c], `channel ${c}: ${scores[c]} vs ${expect[c]}`);
  net.dispose();
});
