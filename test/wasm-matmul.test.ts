// The wasm backend's matmul kernels with explicit transposes (lib/base/wasm-matmul.ts): every transpose
// combination, rank 2 and batched rank 3 with broadcasting, fused bias and activation, and gradients, equal a
// float64 reference to float32 tolerance, leak nothing, and are what ready() installs on wasm.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { installWasmMatMul, wasmMatMulMode } from "../lib/base/wasm-matmul";

let onWasm = false;
before(async () => {
  onWasm = (await at.ready({ quiet: true })) === "wasm";
});

/** float64 reference of matMul(a, b, ta, tb) for rank-3 arrays [batch, r, c] with batch broadcasting of 1. */
function reference(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): { values: Float64Array; shape: number[] } {
  const A = a.arraySync() as number[][][];
  const B = b.arraySync() as number[][][];
  const batch = Math.max(A.length, B.length);
  const get = (M: number[][][], i: number, r: number, c: number, t: boolean) => (t ? M[M.length === 1 ? 0 : i][c][r] : M[M.length === 1 ? 0 : i][r][c]);
  const rows = ta ? A[0][0].length : A[0].length;
  const inner = ta ? A[0].length : A[0][0].length;
  const cols = tb ? B[0].length : B[0][0].length;
  const values = new Float64Array(batch * rows * cols);
  for (let i = 0; i < batch; i++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let k = 0; k < inner; k++) s += get(A, i, r, k, ta) * get(B, i, k, c, tb);
        values[(i * rows + r) * cols + c] = s;
      }
    }
  }
  return { values, shape: [batch, rows, cols] };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const tol = 1e-4 * (1 + Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}: element ${i} is ${actual[i]}, reference ${expected[i]}`);
  }
}

test("matMul with every transpose combination equals a float64 reference (rank 2, batched and broadcast rank 3)", (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  const shapes: [number[], number[]][] = [
    [[1, 37, 23], [1, 23, 19]],
    [[4, 16, 9], [4, 9, 12]],
    [[3, 8, 5], [1, 5, 7]],
  ];
  const before = tf.memory().numTensors;
  for (const [sa, sb] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        tf.tidy(() => {
          const a = tf.randomNormal(ta ? [sa[0], sa[2], sa[1]] : sa, 0, 1, "float32", 1);
          const b = tf.randomNormal(tb ? [sb[0], sb[2], sb[1]] : sb, 0, 1, "float32", 2);
          const ref = reference(a, b, ta, tb);
          const got = tf.matMul(a, b, ta, tb);
          assert.deepEqual(got.shape, ref.shape);
          assertClose(got.dataSync(), ref.values, `matMul ${sa}×${sb} transposeA=${ta} transposeB=${tb}`);
          if (sa[0] === 1) {
            const a2 = a.squeeze([0]) as tf.Tensor2D;
            const b2 = b.squeeze([0]) as tf.Tensor2D;
            assertClose(tf.matMul(a2, b2, ta, tb).dataSync(), ref.values, `rank-2 matMul transposeA=${ta} transposeB=${tb}`);
            const bias = tf.randomNormal([ref.shape[2]], 0, 1, "float32", 3);
            const fused = tf.fused.matMul({ a: a2, b: b2, transposeA: ta, transposeB: tb, bias, activation: "relu" });
            const biasV = bias.dataSync();
            const expect = Array.from(ref.values, (v, i) => Math.max(0, v + biasV[i % ref.shape[2]]));
            assertClose(fused.dataSync(), expect, `fused matMul + bias + relu transposeA=${ta} transposeB=${tb}`);
          }
        });
      }
    }
  }
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
});

test("a dense layer's gradients through the wrapped kernels equal a float64 reference", (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  tf.tidy(() => {
    const x = tf.randomNormal([13, 11], 0, 1, "float32", 4);
    const w = tf.randomNormal([11, 6], 0, 1, "float32", 5);
    const dy = tf.randomNormal([13, 6], 0, 1, "float32", 6);
    const [gx, gw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(tf.matMul(xx, ww), dy)) as tf.Scalar)([x, w]);
    // d/dx = dy · wᵀ, d/dw = xᵀ · dy
    assertClose(gx.dataSync(), reference(dy.expandDims(0), w.expandDims(0), false, true).values, "input gradient");
    assertClose(gw.dataSync(), reference(x.expandDims(0), dy.expandDims(0), true, false).values, "weight gradient");
  });
});

test("ready() installs the wrapped kernels on wasm, once; the backend holds no leftover data after them", (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  assert.equal(installWasmMatMul(), true, "installed (idempotent)");
  assert.equal(at.numericsTag(), "wasm/explicit-transpose", "the tag says which kernels run");
  const dataIds = tf.backend().numDataIds();
  const a = tf.randomNormal([40, 30]);
  const b = tf.randomNormal([40, 20]);
  for (let i = 0; i < 5; i++) tf.matMul(a, b, true, false).dispose();
  for (let i = 0; i < 5; i++) tf.matMul(b, a, true, false).dispose();
  a.dispose();
  b.dispose();
  assert.equal(tf.backend().numDataIds(), dataIds, "the explicit transposes' backend data are freed");
});

test("a misspelled ANTITRAIN_WASM_MATMUL is refused with an AntitrainError naming the two modes", () => {
  const saved = process.env.ANTITRAIN_WASM_MATMUL;
  try {
    process.env.ANTITRAIN_WASM_MATMUL = "tfj";
    assert.throws(() => wasmMatMulMode(), (e: Error) => e instanceof at.AntitrainError && /"tfj" is not a mode: use explicit-transpose \(the default\) or tfjs/.test(e.message));
    process.env.ANTITRAIN_WASM_MATMUL = "tfjs";
    assert.equal(wasmMatMulMode(), "tfjs");
    delete process.env.ANTITRAIN_WASM_MATMUL;
    assert.equal(wasmMatMulMode(), "explicit-transpose");
  } finally {
    if (saved === undefined) delete process.env.ANTITRAIN_WASM_MATMUL;
    else process.env.ANTITRAIN_WASM_MATMUL = saved;
  }
});
