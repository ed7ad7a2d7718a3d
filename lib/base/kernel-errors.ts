import { AntitrainError } from "./errors";

/**
 * tfjs reports an op its backend cannot run as a plain `Error("Kernel 'X' not registered for backend 'wasm'")`, thrown
 * from deep inside its minified bundle (Node prints a screenful of that code with it). These helpers turn it into an
 * AntitrainError that names the op, what uses it, and the fix.
 */

const MISSING_KERNEL = /Kernel '([^']+)' not registered for backend '([^']+)'/;

/** What common kernels that a backend may lack are used for, to name the layer behind a kernel name. */
const USED_BY: Record<string, string> = {
  Conv2DBackpropFilter: "the weight gradient of a convolution (conv2d, conv1d)",
  Conv2DBackpropInput: "the input gradient of a convolution, and conv2dTranspose",
  DepthwiseConv2dNativeBackpropFilter: "the weight gradient of a depthwise or separable convolution",
  DepthwiseConv2dNativeBackpropInput: "the input gradient of a depthwise or separable convolution",
  UnsortedSegmentSum: "the gradient of tf.gather, e.g. of an embedding layer",
  Einsum: "tf.einsum",
  FFT: "tf.spectral.fft",
  IFFT: "tf.spectral.ifft",
  Complex: "complex numbers (tf.complex)",
};

/** The op name and backend of tfjs's "Kernel 'X' not registered for backend 'Y'", or null for any other error. */
export function missingKernel(e: unknown): { kernel: string; backend: string } | null {
  if (!(e instanceof Error) || e instanceof AntitrainError) return null;
  const m = MISSING_KERNEL.exec(e.message);
  return m === null ? null : { kernel: m[1], backend: m[2] };
}

/**
 * `e` itself, unless it is tfjs's "Kernel 'X' not registered for backend 'Y'": then an AntitrainError that names the
 * op and the fix (`ANTITRAIN_BACKEND=cpu`, the complete reference backend). The original error is its `cause`.
 *
 * @example
 * try { model.fit(x, y) } catch (e) { throw at.explainKernelError(e) }
 * // AntitrainError: the wasm backend has no kernel for the tfjs op 'UnsortedSegmentSum' (the gradient of
 * //   tf.gather, e.g. of an embedding layer): start again with ANTITRAIN_BACKEND=cpu ...
 */
export function explainKernelError(e: unknown): unknown {
  const missing = missingKernel(e);
  if (missing === null) return e;
  const { kernel, backend } = missing;
  const what = USED_BY[kernel] === undefined ? "" : ` (${USED_BY[kernel]})`;
  const alternatives = backend === "wasm" ? ", or install @tensorflow/tfjs-node and use ANTITRAIN_BACKEND=tensorflow" : "";
  const error = new AntitrainError(
    `the ${backend} backend has no kernel for the tfjs op '${kernel}'${what}, which this model needs: start again with ` +
      `ANTITRAIN_BACKEND=cpu set in the environment (the slower backend that has every op; at.ready() reads it)${alternatives}, ` +
      "or leave out the layer or op that uses it",
  );
  error.cause = e;
  return error;
}

/**
 * Runs `f`, rethrowing a missing-kernel error as the AntitrainError of {@link explainKernelError}; other errors and
 * the result pass through unchanged. When `f` returns a promise (`model.fit`), its rejection is translated too.
 *
 * @example
 * const history = await at.withKernelHelp(() => model.fit(x, y, { epochs: 5 }));
 * // on an op wasm cannot run: AntitrainError "the wasm backend has no kernel for the tfjs op ..."
 */
export function withKernelHelp<T>(f: () => T): T {
  if (typeof f !== "function") throw new AntitrainError(`withKernelHelp takes a function to run, e.g. () => model.fit(x, y), got ${typeof f}`);
  let result: T;
  try {
    result = f();
  } catch (e) {
    throw explainKernelError(e);
  }
  if (result instanceof Promise) {
    return result.catch((e: unknown) => {
      throw explainKernelError(e);
    }) as T;
  }
  return result;
}
