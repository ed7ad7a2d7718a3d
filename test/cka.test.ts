import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

before(async () => {
  await at.ready();
});

/** The same formula on plain numbers in float64: the reference. */
function plainCKA(a: number[][], b: number[][]): number {
  const center = (m: number[][]) => {
    const cols = m[0].length;
    const mean = Array.from({ length: cols }, (_, j) => m.reduce((s, r) => s + r[j], 0) / m.length);
    return m.map((r) => r.map((v, j) => v - mean[j]));
  };
  const gram = (x: number[][], y: number[][]) => {
    // xᵀy
    const out: number[][] = [];
    for (let i = 0; i < x[0].length; i++) {
      out.push([]);
      for (let j = 0; j < y[0].length; j++) out[i].push(x.reduce((s, r, n) => s + r[i] * y[n][j], 0));
    }
    return out;
  };
  const frob2 = (m: number[][]) => m.flat().reduce((s, v) => s + v * v, 0);
  const ca = center(a);
  const cb = center(b);
  return frob2(gram(cb, ca)) / Math.sqrt(frob2(gram(ca, ca)) * frob2(gram(cb, cb)));
}

function randomMatrix(rng: at.Rng, n: number, p: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: p }, () => rng.normal()));
}

test("linearCKA matches a float64 plain-number computation", () => {
  const rng = new at.Rng(3);
  const a = randomMatrix(rng, 40, 5);
  const b = a.map((r, i) => [r[0] + 0.5 * r[1], r[2] * r[2], Math.sin(i), rng.normal()]);
  const got = at.linearCKA(tf.tensor2d(a), tf.tensor2d(b));
  const want = plainCKA(a, b);
  assert.ok(want > 0.05 && want < 0.95, `a non-trivial case (${want})`);
  assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
});

test("linearCKA is 1 under rotation, scaling and translation, and near 0 for independent noise", () => {
  const rng = new at.Rng(4);
  const a = randomMatrix(rng, 200, 3);
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const rotated = a.map((r) => [3 * (c * r[0] - s * r[1]) + 5, 3 * (s * r[0] + c * r[1]) - 2, 3 * r[2] + 1]);
  assert.ok(Math.abs(at.linearCKA(tf.tensor2d(a), tf.tensor2d(rotated)) - 1) < 1e-5);
  const noise = randomMatrix(rng, 200, 3);
  const independent = at.linearCKA(tf.tensor2d(a), tf.tensor2d(noise));
  assert.ok(independent < 0.1, `independent: ${independent}`);
  assert.ok(Math.abs(independent - plainCKA(a, noise)) < 1e-5);
});

test("linearCKA frees its tensors and rejects mismatched rows", () => {
  const a = tf.tensor2d([
    [1, 2],
    [3, 5],
    [0, 1],
  ]);
  const b = tf.tensor2d([[1], [2], [4]]);
  const before = tf.memory().numTensors;
  at.linearCKA(a, b);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => at.linearCKA(a, tf.tensor2d([[1], [2]])), at.AntitrainError);
  assert.equal(tf.memory().numTensors, before + 1); // only the tensor made in the call above
  assert.ok(Number.isNaN(at.linearCKA(a, tf.tensor2d([[1], [1], [1]]))));
});
