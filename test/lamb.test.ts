import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

// Study 13's peers checked against plain-loop references on random inputs: LAMB (You et al. 2020, Algorithm 2, with
// a per-variable trust ratio) and AdamW (Loshchilov & Hutter 2019, PyTorch's form). Tolerance: 1e-5 relative
// (|got − want| ≤ 1e-5 · (1 + |want|)), float32 against float64.
before(async () => {
  await at.ready({ quiet: true });
});

const TOL = 1e-5;

/** Two "layers" of random shapes: a 4×3 weight matrix and a 3-vector (and a zero vector: a bias at its start). */
const SHAPES = [[4, 3], [3], [2]];

/** Random initial weights (the last variable all zeros) and `steps` random gradients per variable. */
function randomProblem(seed: number, steps: number): { init: number[][]; grads: number[][][] } {
  const rng = new at.Rng(seed);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const init = SHAPES.map((s, k) => Array.from({ length: size(s) }, () => (k === SHAPES.length - 1 ? 0 : rng.normal())));
  const grads = Array.from({ length: steps }, () => SHAPES.map((s) => Array.from({ length: size(s) }, () => 0.5 * rng.normal())));
  return { init, grads };
}

/** Applies the gradients through `opt` to fresh variables; the values after every step. */
function runTf(opt: tf.Optimizer, init: number[][], grads: number[][][]): number[][][] {
  const vars = init.map((w, k) => tf.tidy(() => tf.variable(tf.tensor(w, SHAPES[k]))));
  const out: number[][][] = [];
  for (const g of grads) {
    const map: tf.NamedTensorMap = {};
    vars.forEach((v, k) => {
      map[v.name] = tf.tensor(g[k], SHAPES[k]);
    });
    opt.applyGradients(map);
    tf.dispose(Object.values(map));
    out.push(vars.map((v) => Array.from(v.dataSync())));
  }
  tf.dispose(vars);
  return out;
}

function assertClose(got: number[][][], want: number[][][], what: string): void {
  got.forEach((step, t) =>
    step.forEach((layer, k) => layer.forEach((x, i) => assert.ok(Math.abs(x - want[t][k][i]) <= TOL * (1 + Math.abs(want[t][k][i])), `${what} step ${t} layer ${k} [${i}]: ${x} vs ${want[t][k][i]}`))),
  );
}

const norm = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + x * x, 0));

/** LAMB in plain numbers, one layer at a time. */
function lambReference(init: number[][], grads: number[][][], lr: number, o: { b1: number; b2: number; eps: number; wd: number }): number[][][] {
  const w = init.map((l) => [...l]);
  const m = init.map((l) => l.map(() => 0));
  const v = init.map((l) => l.map(() => 0));
  return grads.map((g, t) => {
    w.forEach((layer, k) => {
      const r = layer.map((wi, i) => {
        m[k][i] = o.b1 * m[k][i] + (1 - o.b1) * g[k][i];
        v[k][i] = o.b2 * v[k][i] + (1 - o.b2) * g[k][i] ** 2;
        const mHat = m[k][i] / (1 - o.b1 ** (t + 1));
        const vHat = v[k][i] / (1 - o.b2 ** (t + 1));
        return mHat / (Math.sqrt(vHat) + o.eps) + o.wd * wi;
      });
      const wn = norm(layer);
      const rn = norm(r);
      const ratio = wn > 0 && rn > 0 ? wn / rn : 1;
      for (let i = 0; i < layer.length; i++) layer[i] -= lr * ratio * r[i];
    });
    return w.map((l) => [...l]);
  });
}

/** AdamW in plain numbers (PyTorch's form: w ← w(1 − lr·wd), then the bias-corrected Adam step). */
function adamwReference(init: number[][], grads: number[][][], lr: number, o: { b1: number; b2: number; eps: number; wd: number }): number[][][] {
  const w = init.map((l) => [...l]);
  const m = init.map((l) => l.map(() => 0));
  const v = init.map((l) => l.map(() => 0));
  return grads.map((g, t) => {
    w.forEach((layer, k) => {
      for (let i = 0; i < layer.length; i++) {
        layer[i] *= 1 - lr * o.wd;
        m[k][i] = o.b1 * m[k][i] + (1 - o.b1) * g[k][i];
        v[k][i] = o.b2 * v[k][i] + (1 - o.b2) * g[k][i] ** 2;
        const mHat = m[k][i] / (1 - o.b1 ** (t + 1));
        const vHat = v[k][i] / (1 - o.b2 ** (t + 1));
        layer[i] -= (lr * mHat) / (Math.sqrt(vHat) + o.eps);
      }
    });
    return w.map((l) => [...l]);
  });
}

describe("LAMB", () => {
  for (const [seed, lr, wd] of [[0, 0.01, 0.01], [1, 0.05, 0.1], [2, 0.003, 0]] as const) {
    test(`equals the plain-loop reference on random weights and gradients (seed ${seed}, lr ${lr}, weight decay ${wd}; 1e-5 relative)`, () => {
      const { init, grads } = randomProblem(seed, 8);
      const tensors = tf.memory().numTensors;
      const opt = at.lamb(lr, { weightDecay: wd });
      const got = runTf(opt, init, grads);
      opt.dispose();
      assert.equal(tf.memory().numTensors, tensors, "the moments are freed by dispose, nothing leaks per step");
      assertClose(got, lambReference(init, grads, lr, { b1: 0.9, b2: 0.999, eps: 1e-6, wd }), "lamb");
    });
  }

  test("every non-zero layer moves by lr · ‖w‖ per step (the trust ratio), whatever its gradients' scale", () => {
    const { init, grads } = randomProblem(3, 1);
    const big = grads.map((step) => step.map((g, k) => g.map((x) => x * (k === 0 ? 1000 : 1e-3))));
    const got = runTf(at.lamb(0.02, { weightDecay: 0 }), init, big);
    for (const k of [0, 1]) {
      const moved = norm(got[0][k].map((x, i) => x - init[k][i]));
      assert.ok(Math.abs(moved - 0.02 * norm(init[k])) < 1e-5 * (1 + norm(init[k])), `layer ${k}: moved ${moved}, lr·‖w‖ ${0.02 * norm(init[k])}`);
    }
  });

  test("trains an MLP on blobs and refuses bad options", () => {
    const rng = new at.Rng(4);
    const y = Int32Array.from({ length: 96 }, (_, i) => i % 3);
    const x = Float32Array.from({ length: 96 * 5 }, (_, j) => (j % 5 === y[Math.floor(j / 5)] ? 2 : 0) + rng.normal());
    const data = at.dataset(x, y, { features: 5, classes: 3 });
    const model = at.mlp({ inputs: 5, hidden: [8], classes: 3, seed: 0 });
    const opt = at.lamb(0.02);
    const losses = at.train(model, data, { steps: 60, optimizer: opt, seed: 0 });
    assert.ok(losses[59] < losses[0] - 0.3, `loss falls: ${losses[0]} → ${losses[59]}`);
    opt.dispose();
    model.dispose();
    at.disposeDataset(data);
    assert.throws(() => at.lamb(0), at.AntitrainError);
    assert.throws(() => at.lamb(1e-2, { beta1: 1 }), at.AntitrainError);
    assert.throws(() => at.lamb(1e-2, { weightDecay: -1 }), at.AntitrainError);
  });
});

describe("AdamW on random inputs", () => {
  for (const [seed, lr, wd] of [[10, 0.01, 0.1], [11, 0.003, 1.0]] as const) {
    test(`equals the plain-loop reference on random weights and gradients, every layer decayed (seed ${seed}, lr ${lr}, weight decay ${wd}; 1e-5 relative)`, () => {
      const { init, grads } = randomProblem(seed, 8);
      const opt = at.adamw(lr, { weightDecay: wd });
      const got = runTf(opt, init, grads);
      opt.dispose();
      assertClose(got, adamwReference(init, grads, lr, { b1: 0.9, b2: 0.999, eps: 1e-8, wd }), "adamw");
    });
  }
});
