import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

// Issue "Speed II": the damage engine takes its clean metric from the cut it already made (no second forward pass
// where the model says the cut resumes with forward's own kernels, as the MLP does). It must give the very bits the
// forward pass gave: committed results are reproduced exactly.

before(async () => {
  await at.ready({ quiet: true });
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
        // the engine must not run the model forward again: its clean metric comes from the cut
        let forwards = 0;
        const forward = model.forward.bind(model);
        model.forward = (x, hooks) => {
          forwards++;
          return forward(x, hooks);
        };
        let engine: at.DamageEngine;
        try {
          engine = new at.DamageEngine(model, site, data, { metric, seed: 1, batchSize });
        } finally {
          model.forward = forward;
        }
        try {
          assert.ok(Object.is(engine.clean, sum / n), `${site} ${metric}: ${engine.clean} vs forward ${sum / n}`);
          assert.equal(forwards, 0, `${site} ${metric}: no second forward pass`);
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
