/**
 * Issue 27, case 2: optimizer options are checked before any step, and a step that goes non-finite leaves the
 * model with its last finite weights and an error naming the likely cause (data, learning rate, divergence), on wasm
 * and on cpu.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError, invariant, snapshot } from "./helpers";

let backendBefore = "";
before(async () => {
  await at.ready({ quiet: true });
  backendBefore = tf.getBackend();
});
after(async () => {
  await tf.setBackend(backendBefore);
});

function task(seed = 0): { model: at.Mlp; train: at.Dataset } {
  const { train, test: heldOut } = at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 64, test: 8, seed });
  at.disposeDataset(heldOut);
  return { model: at.mlp({ inputs: 6, hidden: [8], classes: 3, seed }), train };
}

for (const backend of ["wasm", "cpu"]) {
  describe(`on ${backend}`, () => {
    before(async () => {
      assert.ok(await tf.setBackend(backend));
    });

    test("learning rates that are NaN, infinite, negative or zero are refused before any step", () => {
      const { model, train } = task();
      try {
        for (const rate of [Number.NaN, Number.POSITIVE_INFINITY, -1, 0]) {
          let steps = 0;
          const onStep = () => {
            steps++;
          };
          invariant(model, `train learningRate ${rate}`, () =>
            assertAntitrainError(() => at.train(model, train, { steps: 3, learningRate: rate, onStep }), new RegExp(`learningRate must be a finite number in \\(0, .*got ${rate}: use e\\.g\\. 1e-3`)),
          );
          const sgd = tf.train.sgd(rate);
          invariant(model, `train sgd(${rate})`, () =>
            assertAntitrainError(() => at.train(model, train, { steps: 3, optimizer: sgd, onStep }), new RegExp(`train's optimizer has learningRate ${rate}: it must be a finite number > 0; make the optimizer again`)),
          );
          sgd.dispose();
          invariant(model, `Antitrainer learningRate ${rate}`, () =>
            assertAntitrainError(() => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), learningRate: rate }), new RegExp(`learningRate must be a finite number in \\(0, .*got ${rate}`)),
          );
          assert.equal(steps, 0, "no step ran");
        }
        const adam = tf.train.adam(1e-3, 1.5);
        invariant(model, "adam beta1 1.5", () => assertAntitrainError(() => at.train(model, train, { steps: 1, optimizer: adam }), /has beta1 1\.5: it must be a finite number in \[0, 1\)/));
        adam.dispose();
        invariant(model, "not an optimizer", () =>
          assertAntitrainError(() => at.train(model, train, { steps: 1, optimizer: { learningRate: 0.1 } as unknown as tf.Optimizer }), /train's optimizer must be a tf\.Optimizer, e\.g\. tf\.train\.adam\(1e-3\), got object/),
        );
        assertAntitrainError(() => at.adamw(Number.POSITIVE_INFINITY), /learningRate must be a finite number > 0, got Infinity/);
      } finally {
        model.dispose();
        at.disposeDataset(train);
      }
    });

    for (const rate of [1e20, 3e38]) {
      test(`a diverging run (SGD at ${rate}) stops with the last finite weights and names the cause`, () => {
        const { model, train } = task(1);
        const sgd = tf.train.sgd(rate);
        let last = snapshot(model);
        let lastStep = -1;
        const tensors = tf.memory().numTensors;
        try {
          assert.throws(
            () =>
              at.train(model, train, {
                steps: 50,
                batchSize: 16,
                optimizer: sgd,
                onStep: (step) => {
                  last = snapshot(model);
                  lastStep = step;
                },
              }),
            (e: Error) => {
              assert.ok(e instanceof at.AntitrainError, String(e));
              const kept = lastStep < 0 ? "the weights are the initial ones" : `the weights are the last finite ones, from after step ${lastStep}`;
              assert.match(e.message, new RegExp(`^training stopped at step ${lastStep + 1}: (the training loss is|the update made variable ".*") (NaN|-?Infinity); ${kept}\\. Likely cause: `));
              assert.match(e.message, /learning rate|divergence|standardize the inputs/);
              return true;
            },
          );
          assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
          const now = snapshot(model);
          now.forEach((w, i) => {
            assert.ok(w.every(Number.isFinite), `variable ${i} is finite`);
            assert.deepEqual(w, last[i], `variable ${i} equals its value after the last good step`);
          });
        } finally {
          sgd.dispose();
          model.dispose();
          at.disposeDataset(train);
        }
      });
    }

    test("an update that overflows a weight is undone: the weights are restored and the variable named", () => {
      const { model, train } = task(3);
      const sgd = tf.train.sgd(1e10);
      const w = model.variables()[0];
      const before = snapshot(model);
      const tensors = tf.memory().numTensors;
      try {
        // A finite loss (about 1e30) whose gradient, 1e30 per weight, times the rate overflows float32.
        const penalty = () => tf.mul(1e30, tf.sum(w)) as tf.Scalar;
        assertAntitrainError(
          () => at.train(model, train, { steps: 3, optimizer: sgd, penalty }),
          /^training stopped at step 0: the update made variable ".*" -Infinity; the weights are the initial ones \(no update was applied\)\. Likely cause: a learning rate too high for this model, or a gradient that overflowed .*lower the learning rate \(10000000000, e\.g\. to 1000000000\)/,
        );
        assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
        snapshot(model).forEach((v, i) => assert.deepEqual(v, before[i], `variable ${i} restored`));
      } finally {
        sgd.dispose();
        model.dispose();
        at.disposeDataset(train);
      }
    });

    test("an antitrain step whose update overflows restores the downstream weights", () => {
      const { model, train } = task(2);
      const stats = at.collectStats(model, "h1", train);
      const sgd = tf.train.sgd(3e38);
      try {
        let refused: unknown = null;
        for (let k = 0; k < 5 && refused === null; k++) {
          const before = snapshot(model);
          const tensors = tf.memory().numTensors;
          try {
            at.antitrainStep(model, "h1", train, { split: { core: [0, 1, 2], method: "mean" }, stats, optimizer: sgd, seed: k, target: "random-labels" });
          } catch (e) {
            refused = e;
            assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
            snapshot(model).forEach((w, i) => assert.deepEqual(w, before[i], `variable ${i} is as before the failed step`));
          }
        }
        assert.ok(refused instanceof at.AntitrainError, `refused within 5 steps: ${String(refused)}`);
        assert.match((refused as Error).message, /antitraining (at site "h1" diverged: the update made variable ".*" (NaN|-?Infinity); the downstream weights were restored .*Lower the antitraining learning rate|loss at site "h1" is (NaN|-?Infinity): lower the antitraining learning rate)/);
      } finally {
        sgd.dispose();
        model.dispose();
        at.disposeDataset(train);
      }
    });
  });
}
