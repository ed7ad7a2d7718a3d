import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

before(async () => {
  await at.ready({ quiet: true });
});

/** Gradients for 6 steps of a 3-element variable, fixed numbers. */
const GRADS = [
  [0.5, -1.0, 2.0],
  [0.4, -0.2, 1.5],
  [-0.3, 0.8, 1.0],
  [0.1, 0.1, -2.0],
  [0.7, -0.5, 0.3],
  [-0.2, 0.9, 0.6],
];

/** Applies GRADS to a fresh variable through `opt` and returns its values after each step. */
function run(opt: tf.Optimizer, init: number[]): number[][] {
  const start = tf.tensor1d(init);
  const v = tf.variable(start);
  start.dispose();
  const out: number[][] = [];
  for (const g of GRADS) {
    const grad = tf.tensor1d(g);
    opt.applyGradients({ [v.name]: grad });
    grad.dispose();
    out.push(Array.from(v.dataSync()));
  }
  v.dispose();
  return out;
}

function assertClose(got: number[][], want: number[][], tol: number, what: string): void {
  got.forEach((row, t) => row.forEach((x, i) => assert.ok(Math.abs(x - want[t][i]) <= tol * (1 + Math.abs(want[t][i])), `${what} step ${t} [${i}]: ${x} vs ${want[t][i]}`)));
}

describe("Grokfast-EMA", () => {
  test("equals the paper's formula in plain numbers: ema ← α·ema + (1−α)·g (ema₀ = g₀), g̃ = g + λ·ema", () => {
    const alpha = 0.98;
    const lambda = 2.0;
    const lr = 0.1;
    const tensors = tf.memory().numTensors;
    const opt = at.grokfast(tf.train.sgd(lr), { alpha, lambda });
    const got = run(opt, [1, 2, 3]);
    opt.dispose();
    assert.equal(tf.memory().numTensors, tensors, "the EMA state is freed by dispose");
    const w = [1, 2, 3];
    let ema: number[] | null = null;
    const want: number[][] = [];
    for (const g of GRADS) {
      ema = ema === null ? [...g] : ema.map((e, i) => alpha * e + (1 - alpha) * g[i]);
      const e = ema;
      g.forEach((gi, i) => {
        w[i] -= lr * (gi + lambda * e[i]);
      });
      want.push([...w]);
    }
    assertClose(got, want, 1e-6, "grokfast");
  });

  test("lambda 0 is the wrapped optimizer unchanged; bad options throw", () => {
    const plain = run(tf.train.sgd(0.1), [1, 2, 3]);
    const opt = at.grokfast(tf.train.sgd(0.1), { lambda: 0 });
    assertClose(run(opt, [1, 2, 3]), plain, 1e-7, "lambda 0");
    opt.dispose();
    assert.throws(() => at.grokfast(tf.train.sgd(0.1), { alpha: 1 }), at.AntitrainError);
  });
});

describe("AdamW", () => {
  test("equals PyTorch's AdamW in plain numbers (decay w ← w(1 − lr·wd), then the bias-corrected Adam step)", () => {
    const [lr, b1, b2, eps, wd] = [0.01, 0.9, 0.98, 1e-8, 1.0];
    const opt = at.adamw(lr, { beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd });
    const got = run(opt, [1, -2, 3]);
    opt.dispose();
    const w = [1, -2, 3];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    const want: number[][] = [];
    GRADS.forEach((g, t) => {
      for (let i = 0; i < 3; i++) {
        w[i] *= 1 - lr * wd;
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        const mHat = m[i] / (1 - b1 ** (t + 1));
        const vHat = v[i] / (1 - b2 ** (t + 1));
        w[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
      want.push([...w]);
    });
    assertClose(got, want, 1e-5, "adamw");
  });

  test("weight decay 0 is Adam; Grokfast wraps AdamW and trains a transformer with the Nanda recipe's settings", () => {
    const adam = run(tf.train.adam(0.01, 0.9, 0.98, 1e-8), [1, -2, 3]);
    const opt = at.adamw(0.01, { beta2: 0.98, weightDecay: 0 });
    assertClose(run(opt, [1, -2, 3]), adam, 1e-6, "wd 0");
    opt.dispose();
    const task = at.modularAddition({ p: 7, seed: 0 });
    const model = at.transformer({ vocab: 8, seqLen: 3, classes: 7, dModel: 8, heads: 2, dMlp: 16, seed: 0 });
    const tensors = tf.memory().numTensors;
    const gf = at.grokfast(at.adamw(1e-2, { beta2: 0.98, weightDecay: 1.0 }));
    const losses = at.train(model, task.train, { steps: 40, batchSize: at.size(task.train), optimizer: gf });
    gf.dispose();
    assert.equal(tf.memory().numTensors, tensors, "optimizer state freed");
    assert.ok(losses[39] < losses[0] - 0.3, `loss falls: ${losses[0]} → ${losses[39]}`);
    model.dispose();
    at.disposeDataset(task.train);
    at.disposeDataset(task.test);
  });
});
