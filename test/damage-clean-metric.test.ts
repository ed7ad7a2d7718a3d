import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { pickedCrossEntropy } from "../lib/measure/metrics";

// Issue "Speed II": the damage engine takes its clean metric from the cut it already made (no second forward pass
// where the model says the cut resumes with forward's own kernels) and measures cross-entropy at the true class only
// (pickedCrossEntropy). Both must give the very bits the old code gave: committed results are reproduced exactly.

before(async () => {
  await at.ready({ quiet: true });
});

/** Bit-for-bit equality of two float arrays (NaN equal to NaN), naming the first difference. */
function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `${what}: entry ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

test("pickedCrossEntropy equals crossEntropy bit for bit, at every scale of logits and for out-of-range labels", () => {
  const rng = new at.Rng(5);
  for (const [n, classes, scale] of [
    [1, 2, 1],
    [257, 10, 1],
    [300, 3, 30],
    [128, 100, 0.01],
    [64, 10, 80],
  ] as const) {
    const logits = tf.tensor2d(Float32Array.from({ length: n * classes }, () => scale * rng.normal()), [n, classes]);
    const labels = tf.tensor1d(Int32Array.from({ length: n }, () => rng.int(classes)), "int32");
    const picked = pickedCrossEntropy(logits, labels);
    const plain = at.crossEntropy(logits, labels);
    assertSameBits(picked.dataSync(), plain.dataSync(), `n ${n}, ${classes} classes, scale ${scale}`);
    for (const metric of ["loss", "boundedLoss"] as const) {
      const viaMetric = at.perExample(metric, logits, labels);
      const expected = metric === "loss" ? plain : tf.minimum(plain, Math.log(classes));
      assertSameBits(viaMetric.dataSync(), expected.dataSync(), `perExample ${metric}`);
      tf.dispose(expected === plain ? [viaMetric] : [viaMetric, expected]);
    }
    tf.dispose([logits, labels, picked, plain]);
  }
  // A label outside [0, classes) scores as crossEntropy scores it (its one-hot row is all zeros), not another entry.
  const logits = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
  const labels = tf.tensor1d([1, 3], "int32");
  const before = tf.memory().numTensors;
  const picked = pickedCrossEntropy(logits, labels);
  assertSameBits(picked.dataSync(), at.crossEntropy(logits, labels).dataSync(), "out-of-range label");
  picked.dispose();
  assert.ok(tf.memory().numTensors <= before + 1, "no tensor left behind");
  tf.dispose([logits, labels]);
});

test("the damage engine's clean metric from the cut equals a forward pass's, bit for bit, at every MLP site and metric", () => {
  const model = at.mlp({ inputs: 12, hidden: [24, 16, 8], classes: 5, seed: 3 });
  const rng = new at.Rng(7);
  const n = 300;
  const data = at.dataset(
    Float32Array.from({ length: n * 12 }, () => rng.normal()),
    Int32Array.from({ length: n }, () => rng.int(5)),
    { features: 12, classes: 5 },
  );
  try {
    const batchSize = 128;
    for (const site of ["h1", "h2", "h3"]) {
      for (const metric of ["loss", "boundedLoss", "accuracy"] as const) {
        // the old clean metric: a forward pass per slice of batchSize rows, cross-entropy through crossEntropy
        let sum = 0;
        for (let start = 0; start < n; start += batchSize) {
          const m = Math.min(batchSize, n - start);
          sum += tf.tidy(() => {
            const logits = model.forward(data.x.slice([start, 0], [m, -1]));
            const y = data.y.slice([start], [m]) as tf.Tensor1D;
            const ce = at.crossEntropy(logits, y);
            const per =
              metric === "loss" ? ce : metric === "boundedLoss" ? tf.minimum(ce, Math.log(5)) : tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32");
            return per.sum().dataSync()[0];
          });
        }
        const engine = new at.DamageEngine(model, site, data, { metric, seed: 1, batchSize });
        try {
          assert.ok(Object.is(engine.clean, sum / n), `${site} ${metric}: ${engine.clean} vs forward ${sum / n}`);
        } finally {
          engine.dispose();
        }
      }
    }
  } finally {
    model.dispose();
    at.disposeDataset(data);
  }
});
