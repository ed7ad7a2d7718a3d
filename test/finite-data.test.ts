/**
 * Issue 27, case 1: NaN or ±Infinity in the data is refused at every door (collectStats, importance, findCore,
 * damage, DamageEngine, evaluate, train, Antitrainer, antitrainStep, measureModel, the measure CLI), on wasm and on
 * cpu, with the first offending row and column and the fix, no tensor leaked and the model's weights unchanged. On
 * wasm a fused dense+ReLU turns NaN into 0, so only a check of the data itself catches it there.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as runs from "../lib/runs/index";
import { snapshot, assertUnchanged } from "./helpers";
import { tempDirs } from "./temp";

const temp = tempDirs();
let backendBefore = "";

before(async () => {
  await at.ready({ quiet: true });
  backendBefore = tf.getBackend();
});
after(async () => {
  await tf.setBackend(backendBefore);
  temp.remove();
});

/** 8 examples × 4 features with `bad` at row 5, column 2 (every other value finite). */
function badData(bad: number): at.Dataset {
  const x = Array.from({ length: 32 }, (_, i) => (i === 5 * 4 + 2 ? bad : Math.sin(i)));
  return at.dataset(x, [0, 1, 2, 0, 1, 2, 0, 1], { features: 4, classes: 3 });
}

/** Asserts `fn` throws an AntitrainError naming row 5, column 2 and the fix; no tensor leaked, `model` unchanged. */
function refusesData(model: at.HookedModel, door: string, fn: () => unknown, value: number, row = "5"): void {
  const weights = snapshot(model);
  const tensors = tf.memory().numTensors;
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof at.AntitrainError, `${door}: ${e.name}: ${e.message}`);
    assert.match(e.message, new RegExp(`holds ${String(value)} at row ${row}, column 2: every value must be finite\\. Remove or impute`), door);
    return true;
  }, door);
  assert.equal(tf.memory().numTensors, tensors, `${door}: leaked ${tf.memory().numTensors - tensors} tensors`);
  assertUnchanged(model, weights, door);
}

for (const backend of ["wasm", "cpu"]) {
  describe(`on ${backend}`, () => {
    before(async () => {
      assert.ok(await tf.setBackend(backend), `backend ${backend} starts`);
    });

    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      test(`${value} in x is refused at every door`, () => {
        const model = at.mlp({ inputs: 4, hidden: [6], classes: 3, seed: 0 });
        const good = badData(0.5);
        const bad = badData(value);
        const stats = at.collectStats(model, "h1", good);
        const imp = at.importance(model, "h1", good, { stats, seed: 0 });
        const split = at.findCore(model, "h1", good, { stats, importance: imp, seed: 0 });
        const optimizer = tf.train.adam(1e-3);
        try {
          refusesData(model, "collectStats", () => at.collectStats(model, "h1", bad), value);
          refusesData(model, "importance", () => at.importance(model, "h1", bad, { stats, seed: 0 }), value);
          refusesData(model, "importance without stats", () => at.importance(model, "h1", bad, { seed: 0 }), value);
          refusesData(model, "findCore", () => at.findCore(model, "h1", bad, { stats, importance: imp, seed: 0 }), value);
          refusesData(model, "damage", () => at.damage(model, "h1", bad, [[0]], { stats, seed: 0 }), value);
          refusesData(model, "DamageEngine", () => new at.DamageEngine(model, "h1", bad, { stats, seed: 0 }), value);
          refusesData(model, "evaluate", () => at.evaluate(model, bad), value);
          refusesData(model, "train", () => at.train(model, bad, { steps: 2, batchSize: 4, seed: 0 }), value);
          refusesData(model, "train from a stream over other data", () => at.train(model, good, { steps: 2, stream: new at.BatchStream(bad, 8, 0) }), value, "\\d+");
          refusesData(model, "antitrainStep", () => at.antitrainStep(model, "h1", bad, { split, stats, optimizer, seed: 0 }), value);
          refusesData(model, "Antitrainer's data", () => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), data: bad }), value);
          const anti = new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1) });
          try {
            refusesData(model, "Antitrainer.afterStep", () => anti.afterStep(bad), value);
            assert.equal(anti.step, 0, "a refused batch is not counted");
          } finally {
            anti.dispose();
          }
        } finally {
          optimizer.dispose();
          at.disposeDataset(good);
          at.disposeDataset(bad);
          model.dispose();
        }
      });
    }

    test("images: the row, the column and the position within the example", () => {
      const model = at.fromLayersModel(
        tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 3, 1] }), tf.layers.dense({ units: 4, activation: "relu", name: "h" }), tf.layers.dense({ units: 2, name: "out" })] }),
      );
      const values = new Float32Array(3 * 6).fill(0.25);
      values[2 * 6 + 4] = Number.NaN; // example 2, value 4 = position [1, 1, 0]
      const data: at.Dataset = { x: tf.tensor4d(values, [3, 2, 3, 1]), y: tf.tensor1d([0, 1, 0], "int32"), classes: 2 };
      try {
        const tensors = tf.memory().numTensors;
        assert.throws(() => at.collectStats(model, "h", data), /data\.x holds NaN at row 2, column 4 \(position \[1, 1, 0\] within the example\)/);
        assert.equal(tf.memory().numTensors, tensors);
      } finally {
        at.disposeDataset(data);
      }
    });

    test("measureModel refuses NaN data before measuring", () => {
      const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5, activation: "relu", name: "h" }), tf.layers.dense({ units: 3, name: "out" })] });
      const bad = badData(Number.NaN);
      try {
        const tensors = tf.memory().numTensors;
        const weights = net.getWeights().map((w) => w.dataSync().slice());
        assert.throws(() => runs.measureModel(net, bad, { seed: 0 }), (e: Error) => e instanceof at.AntitrainError && /holds NaN at row 5, column 2/.test(e.message));
        assert.equal(tf.memory().numTensors, tensors);
        net.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), weights[i]));
      } finally {
        at.disposeDataset(bad);
        net.dispose();
      }
    });
  });
}

/** A float64 .npy file (C order). */
function npy(shape: number[], values: number[]): Buffer {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += " ";
  header += "\n";
  const pre = Buffer.alloc(10);
  pre.write("\x93NUMPY", 0, "latin1");
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => body.writeDoubleLE(v, i * 8));
  return Buffer.concat([pre, Buffer.from(header, "latin1"), body]);
}

test("the measure CLI answers a data file holding Infinity with one line naming row and column, exit code 2", async () => {
  await tf.setBackend(backendBefore);
  const dir = temp.make("antitrain-finite-");
  const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5, activation: "relu", name: "h" }), tf.layers.dense({ units: 3, name: "out" })] });
  await at.saveModel(net, path.join(dir, "model"));
  net.dispose();
  const x = Array.from({ length: 40 }, (_, i) => (i === 7 * 4 + 1 ? Number.POSITIVE_INFINITY : Math.cos(i)));
  fs.writeFileSync(path.join(dir, "x.npy"), npy([10, 4], x));
  fs.writeFileSync(path.join(dir, "y.npy"), npy([10], Array.from({ length: 10 }, (_, i) => i % 3)));
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = () => {};
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  const tensors = tf.memory().numTensors;
  let code: number;
  try {
    code = await runs.cli(["measure", path.join(dir, "model"), "--data", path.join(dir, "x.npy"), "--labels", path.join(dir, "y.npy"), "--out", path.join(dir, "r.html")]);
  } finally {
    console.log = log;
    console.error = error;
  }
  assert.equal(code, 2, err.join("\n"));
  assert.equal(tf.memory().numTensors, tensors, "tensors leaked");
  assert.match(err.join("\n"), /holds Infinity at row 7, column 1/);
  assert.equal(err.join("\n").split("\n").length, 1, `one line: ${err.join("\n")}`);
});
