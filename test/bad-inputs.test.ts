/**
 * The bad-input catalogue of DESIGN.md, each asserted by its message (which must say what to fix), and each call
 * that throws must leave tf.memory() as it found it.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { parseRunConfig } from "../lib/runs/config";

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

/** Asserts `fn` throws an AntitrainError matching `re` and frees every tensor it made. */
function refuses(fn: () => unknown, re: RegExp): void {
  const before = tf.memory().numTensors;
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof at.AntitrainError, `${e.name}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
  assert.equal(tf.memory().numTensors, before, `tensors leaked by a call that threw ${re}`);
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

test("NaN or infinite activations and losses name where they were met", () => {
  const x = Array.from({ length: 16 }, (_, i) => (i === 3 ? Number.NaN : 0.5));
  const nan = data(x, [0, 1]);
  refuses(() => at.collectStats(model, "h1", nan), /activations of site "h1" contains NaN \(at element \d+\): check the inputs for NaN\/inf/);
  refuses(() => at.train(model, nan, { steps: 1, batchSize: 2 }), /the training loss at step 0 contains NaN/);
  at.disposeDataset(nan);
  const inf = data(
    Array.from({ length: 16 }, (_, i) => (i === 0 ? Number.POSITIVE_INFINITY : 0.5)),
    [0, 1],
  );
  refuses(() => at.collectStats(model, "h1", inf), /activations of site "h1" contains (Infinity|NaN)/);
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
