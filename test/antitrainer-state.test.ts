import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as runs from "../lib/runs/index";
import { assertAntitrainError, invariant, smallTask, snapshot } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/** A fresh MLP of the same shape holding a copy of `model`'s weights. */
function copyOf(model: at.Mlp, hidden: number[]): at.Mlp {
  const copy = at.mlp({ inputs: 6, hidden, classes: 3, seed: 99 });
  copy.variables().forEach((v, i) => {
    const source = model.variables()[i];
    tf.tidy(() => v.assign(tf.tensor(source.dataSync(), source.shape, source.dtype)));
  });
  return copy;
}

/** Feeds `steps` batches of a seeded stream to each antitrainer in turn (the same batches to every one). */
function feed(antis: at.Antitrainer[], train: at.Dataset, steps: number, seed: number): void {
  const stream = new at.BatchStream(train, 16, seed);
  for (let s = 0; s < steps; s++) {
    const batch = stream.next();
    for (const anti of antis) anti.afterStep(batch);
    at.disposeDataset(batch);
  }
}

const ARMS: [string, (data: at.Dataset) => at.AntitrainerOptions][] = [
  ["interleaved, measured on given data", (data) => ({ schedule: at.interleaved(1, { cycle: 4 }), fraction: 0.5, data, seed: 3 })],
  ["cyclic, measured on remembered batches", () => ({ schedule: at.cyclic(3, 2), fraction: 0.5, measureSize: 40, batchSize: 8, seed: 5 })],
];

for (const [arm, optionsFor] of ARMS) {
  test(`restore(state()) on a fresh Antitrainer continues exactly like the original (${arm})`, async () => {
    const { model, train, test: heldOut } = smallTask(0, [12]);
    const options = optionsFor(heldOut);
    const original = new at.Antitrainer(model, ["h1"], options);
    feed([original], train, 7, 11);
    assert.ok(original.antiSteps > 0 && original.history.length > 0, "the original has antitrained and measured");
    const saved = original.state();

    const resumedModel = copyOf(model, [12]);
    const resumed = new at.Antitrainer(resumedModel, ["h1"], options);
    const tensors = tf.memory().numTensors;
    resumed.restore(saved);
    assert.equal(tf.memory().numTensors - tensors, saved.recent.length * 2, "restore makes only the remembered batches' tensors");
    await runs.restoreOptimizer(resumed.optimizerFor("h1"), await runs.saveOptimizer(original.optimizerFor("h1")));
    // control: the same weights and optimizer, but the antitrainer's state not restored
    const controlModel = copyOf(model, [12]);
    const control = new at.Antitrainer(controlModel, ["h1"], options);
    await runs.restoreOptimizer(control.optimizerFor("h1"), await runs.saveOptimizer(original.optimizerFor("h1")));

    assert.equal(resumed.step, original.step);
    assert.equal(resumed.antiSteps, original.antiSteps);
    assert.deepEqual(resumed.splits.get("h1"), original.splits.get("h1"));
    assert.equal(resumed.history.length, original.history.length);

    feed([original, resumed, control], train, 9, 12);
    const want = snapshot(model);
    snapshot(resumedModel).forEach((v, i) => assert.deepEqual(v, want[i], `variable ${i} after 9 more steps`));
    assert.ok(
      snapshot(controlModel).some((v, i) => v.some((x, j) => x !== want[i][j])),
      "without restore the same steps give other weights (the test can fail)",
    );
    assert.equal(resumed.step, 16);
    assert.equal(resumed.antiSteps, original.antiSteps);
    assert.deepEqual(resumed.splits.get("h1"), original.splits.get("h1"));
    assert.deepEqual(resumed.stats.get("h1"), original.stats.get("h1"));
    assert.deepEqual(
      resumed.history.map((r) => [r.step, r.split.core]),
      original.history.map((r) => [r.step, r.split.core]),
    );
    // the saved state is a snapshot: later steps did not change it
    assert.equal(saved.step, 7);
    assert.ok(saved.history.length < original.history.length);
    for (const a of [original, resumed, control]) a.dispose();
    for (const m of [model, resumedModel, controlModel]) m.dispose();
    at.disposeDataset(train);
    at.disposeDataset(heldOut);
  });
}

test("splits, stats and history are read-only views; the deprecated underscore names are gone", () => {
  const { model, train, test: heldOut } = smallTask(1, [8, 8]);
  const anti = new at.Antitrainer(model, ["h1", "h2"], { schedule: at.interleaved(1, { cycle: 3 }), fraction: 0.5, data: heldOut });
  assert.equal(anti.splits.size, 0);
  feed([anti], train, 4, 1);
  assert.deepEqual([...anti.splits.keys()], ["h1", "h2"]);
  for (const removed of ["splits_", "stats_", "history_"]) assert.equal(removed in anti, false, `the deprecated ${removed} is gone`);
  assert.equal(anti.history.length, 2 * 2, "measured at step 1 and step 3, both sites");
  assert.deepEqual(
    anti.history.map((r) => [r.step, r.site]),
    [
      [1, "h1"],
      [1, "h2"],
      [3, "h1"],
      [3, "h2"],
    ],
  );
  assert.equal(anti.splits.get("h2"), anti.history[3].split, "the current split is the last measurement's");
  assert.equal(anti.stats.get("h1")?.site, "h1");
  assert.equal(anti.step, 4);
  assert.equal(anti.antiSteps, 4 * 2);
  assert.throws(() => {
    (anti as unknown as { step: number }).step = 0;
  }, TypeError);
  anti.dispose();
  model.dispose();
  at.disposeDataset(train);
  at.disposeDataset(heldOut);
});

test("restore refuses a state of other sites, or one that does not fit, and changes nothing", () => {
  const { model, train, test: heldOut } = smallTask(2, [8, 8]);
  const onH2 = new at.Antitrainer(model, ["h2"], { schedule: at.interleaved(1, { cycle: 2 }), fraction: 0.5, data: heldOut });
  const anti = new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1, { cycle: 2 }), fraction: 0.5, data: heldOut });
  feed([onH2, anti], train, 3, 2);
  const good = anti.state();
  const other = onH2.state();
  const h2split = other.splits.get("h2") as at.CoreSplit;
  const h2stats = other.stats.get("h2") as at.UnitStats;
  const cases: [string, unknown, RegExp][] = [
    ["other sites", other, /restore: the state is of sites \["h2"\] but this antitrainer antitrains \["h1"\]: pass antitrainer.state\(\) of an Antitrainer over the same model and sites/],
    ["more sites", { ...good, sites: ["h1", "h2"] }, /state is of sites \["h1", "h2"\] but this antitrainer antitrains \["h1"\]/],
    ["null", null, /restore needs an AntitrainerState, got null/],
    ["negative step", { ...good, step: -1 }, /state.step must be a whole number >= 0, got -1/],
    ["fractional antiSteps", { ...good, antiSteps: 1.5 }, /state.antiSteps must be a whole number/],
    ["fraction", { ...good, fraction: 2 }, /state.fraction/],
    ["split of another site", { ...good, splits: new Map([["h1", h2split]]) }, /the split stored for site "h1" is a split of "h2"/],
    ["split for an unknown site", { ...good, splits: new Map([["h2", h2split]]) }, /state.splits holds site "h2", which this antitrainer does not antitrain/],
    ["split of the wrong width", { ...good, splits: new Map([["h1", { ...good.splits.get("h1"), spectators: [] }]]) }, /does not divide its 8 units/],
    ["stats of another site", { ...good, stats: new Map([["h1", h2stats]]) }, /the stats stored for site "h1" were collected at site "h2"/],
    ["splits not a Map", { ...good, splits: {} }, /state.splits and state.stats must be Maps/],
    ["bad recent batch", { ...good, recent: [{ x: { shape: [2, 6], dtype: "float32", data: new Float32Array(3) }, y: { shape: [2], dtype: "int32", data: new Int32Array(2) }, classes: 3 }] }, /state.recent holds a batch/],
  ];
  const before = { step: anti.step, antiSteps: anti.antiSteps, split: anti.splits.get("h1"), history: anti.history.length };
  for (const [what, state, pattern] of cases) {
    invariant(model, what, () => assertAntitrainError(() => anti.restore(state as at.AntitrainerState), pattern));
  }
  assert.deepEqual({ step: anti.step, antiSteps: anti.antiSteps, split: anti.splits.get("h1"), history: anti.history.length }, before);
  // and a good state restores
  invariant(model, "good", () => anti.restore({ ...good, step: 0 }));
  assert.equal(anti.step, 0);
  onH2.dispose();
  anti.dispose();
  model.dispose();
  at.disposeDataset(train);
  at.disposeDataset(heldOut);
});
