import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "./errors";

/**
 * tfjs-wasm multiplies a transposed operand (`matMul(a, b, true, false)` and `(a, b, false, true)`, which every
 * dense layer's backward pass does for its weight and input gradients) 7–10× slower than it multiplies a plain
 * one: on the 2-core development machine `[784, 64]ᵀ · [64, 256]` took 38 ms against 5.7 ms for an explicit
 * transpose followed by the plain product. These wrappers give the wasm `BatchMatMul` and `_FusedMatMul` kernels
 * that explicit transpose. The product is the same up to float32 summation order (test/wasm-matmul.test.ts checks
 * it against a float64 reference); results are therefore not bit-identical to tfjs's own kernel, and
 * `ANTITRAIN_WASM_MATMUL=tfjs` keeps tfjs's kernel (e.g. to reproduce numbers made before this change).
 */

type KernelArgs = { inputs: Record<string, tf.TensorInfo | undefined>; backend: tf.KernelBackend; attrs: Record<string, unknown> };
type KernelFn = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

const WRAPPED = ["BatchMatMul", "_FusedMatMul"] as const;
let installed = false;

/** Which matmul kernels the wasm backend uses: "explicit-transpose" (antitrain's, the default) or "tfjs". */
export function wasmMatMulMode(): "explicit-transpose" | "tfjs" {
  const v = process.env.ANTITRAIN_WASM_MATMUL?.trim();
  if (v === undefined || v === "" || v === "explicit-transpose") return "explicit-transpose";
  if (v === "tfjs") return "tfjs";
  throw new AntitrainError(`ANTITRAIN_WASM_MATMUL="${v}" is not a mode: use explicit-transpose (the default) or tfjs`);
}

/** Whether the wrapped kernels are installed (what actually runs, whatever ANTITRAIN_WASM_MATMUL says now). */
export function wasmMatMulInstalled(): boolean {
  return installed;
}

/**
 * Replaces the wasm backend's matmul kernels by wrappers that transpose a transposed operand explicitly and then
 * call tfjs's own kernel without transposes. Idempotent; does nothing if the wasm backend is not registered or
 * `ANTITRAIN_WASM_MATMUL=tfjs`. Called by `ready()` when it picks wasm.
 */
export function installWasmMatMul(): boolean {
  if (installed || wasmMatMulMode() === "tfjs") return installed;
  const transpose = tf.getKernel("Transpose", "wasm");
  if (transpose === undefined) return false;
  const transposeFn = transpose.kernelFunc as unknown as KernelFn;
  for (const name of WRAPPED) {
    const original = tf.getKernel(name, "wasm");
    if (original === undefined) continue;
    const run = original.kernelFunc as unknown as KernelFn;
    const kernelFunc: KernelFn = (args) => {
      const { inputs, backend, attrs } = args;
      if (!attrs.transposeA && !attrs.transposeB) return run(args);
      const temps: tf.TensorInfo[] = [];
      const swapLastTwo = (t: tf.TensorInfo): tf.TensorInfo => {
        const rank = t.shape.length;
        const perm = Array.from({ length: rank }, (_, i) => i);
        [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
        const out = transposeFn({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
        temps.push(out);
        return out;
      };
      try {
        const a = attrs.transposeA ? swapLastTwo(inputs.a as tf.TensorInfo) : inputs.a;
        const b = attrs.transposeB ? swapLastTwo(inputs.b as tf.TensorInfo) : inputs.b;
        return run({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      } finally {
        for (const t of temps) backend.disposeData(t.dataId);
      }
    };
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  installed = true;
  return true;
}
