import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "./errors";

/**
 * tfjs-backend-wasm 4.22 runs a convolution forward but has no kernel for the weight gradient of a convolution
 * (`Conv2DBackpropFilter`) nor for either gradient of a depthwise convolution, so `model.fit` of any CNN on wasm
 * failed with "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'". This file adds those kernels, built
 * from kernels wasm has (pad, strided slice, transpose, matmul, multiply, sum, conv2d's input gradient). They fill
 * gaps: a kernel wasm already registers (Conv2DBackpropInput, AvgPoolGrad, FusedBatchNorm, ...) is left as it is. The
 * one exception is MaxPoolGrad: wasm's own is wrong for windows whose maximum is negative (a maxPool after a linear
 * conv or a batch norm), so it is replaced, and such gradients change from wrong to right; a maxPool after a ReLU
 * (maxima ≥ 0) was right before and keeps its values. Gradients equal the cpu backend's up to float32
 * summation order (test/wasm-conv-grads.test.ts: within 1e-4 relative). NHWC and NCHW are supported; dilations > 1
 * are refused (tfjs's own conv gradients refuse them before reaching a kernel).
 */

type KernelArgs = { inputs: Record<string, tf.TensorInfo | undefined>; backend: tf.KernelBackend; attrs: Record<string, unknown> };
type KernelFn = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];
/** The one method of the wasm backend used beyond the kernel interface: a new tensor from host values. */
type WasmBackend = tf.KernelBackend & { makeOutput(shape: number[], dtype: "float32", memoryOffset?: number, values?: Float32Array): tf.TensorInfo };
type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;
type Rounding = "floor" | "round" | "ceil" | undefined;

/**
 * The kernels this file provides, by tfjs kernel name: the gradients wasm lacks, and MaxPoolGrad, whose wasm version
 * is wrong for windows with a negative maximum (see `maxPoolGrad` below) and is replaced.
 */
export const WASM_CONV_GRAD_KERNELS = ["Conv2DBackpropFilter", "DepthwiseConv2dNativeBackpropFilter", "DepthwiseConv2dNativeBackpropInput", "MaxPoolGrad"] as const;

/** Kernels registered even where wasm has its own (which is then unregistered). */
const REPLACED: ReadonlySet<string> = new Set(["MaxPoolGrad"]);

const installed = new Set<string>();

/**
 * The kernels of {@link WASM_CONV_GRAD_KERNELS} that {@link installWasmConvGrads} registered (all four once `ready()`
 * picked wasm; none on another backend).
 *
 * @example
 * await at.ready();
 * at.wasmConvGradsInstalled();   // ["Conv2DBackpropFilter", "DepthwiseConv2dNativeBackpropFilter", ...] on wasm
 */
export function wasmConvGradsInstalled(): readonly string[] {
  return [...installed];
}

/**
 * Registers on the wasm backend the convolution gradient kernels it lacks (`Conv2DBackpropFilter`, the filter and
 * input gradients of a depthwise convolution), each only if wasm has none under that name, and replaces wasm's
 * `MaxPoolGrad`, which is wrong for windows whose maximum is negative. Idempotent; does nothing if the wasm backend is
 * not loaded. Called by `ready()` when it picks wasm; returns the names registered so far.
 *
 * @example
 * require("@tensorflow/tfjs-backend-wasm");
 * await tf.setBackend("wasm");
 * at.installWasmConvGrads();      // ["Conv2DBackpropFilter", ...]: a CNN's model.fit now runs on wasm
 */
export function installWasmConvGrads(): readonly string[] {
  if (tf.getKernel("BatchMatMul", "wasm") === undefined) return wasmConvGradsInstalled();
  const kernels: Record<(typeof WASM_CONV_GRAD_KERNELS)[number], KernelFn> = {
    Conv2DBackpropFilter: conv2dBackpropFilter,
    DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
    DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
    MaxPoolGrad: maxPoolGrad,
  };
  for (const name of WASM_CONV_GRAD_KERNELS) {
    if (installed.has(name)) continue;
    if (tf.getKernel(name, "wasm") !== undefined) {
      if (!REPLACED.has(name)) continue;
      tf.unregisterKernel(name, "wasm");
    }
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: kernels[name] as unknown as tf.KernelFunc });
    installed.add(name);
  }
  return wasmConvGradsInstalled();
}

/**
 * Runs wasm kernels and frees every intermediate result: `run` records what it made, `finish` frees all of it but the
 * result it returns. A throw frees everything.
 */
class Scope {
  private readonly made: tf.TensorInfo[] = [];
  constructor(readonly backend: tf.KernelBackend) {}

  run(name: string, inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[], attrs: Record<string, unknown> = {}): tf.TensorInfo {
    const kernel = tf.getKernel(name, "wasm");
    if (kernel === undefined) throw new Error(`Kernel '${name}' not registered for backend 'wasm'`);
    const out = (kernel.kernelFunc as unknown as KernelFn)({ inputs: inputs as KernelArgs["inputs"], backend: this.backend, attrs }) as tf.TensorInfo;
    this.made.push(out);
    return out;
  }

  /** A float32 constant from host values. */
  constant(shape: number[], values: Float32Array): tf.TensorInfo {
    const out = (this.backend as WasmBackend).makeOutput(shape, "float32", undefined, values);
    this.made.push(out);
    return out;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  /** Frees every intermediate except `result`, which the caller owns. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId);
    this.made.length = 0;
    return result;
  }

  /** Frees every intermediate (after a throw). */
  abandon(): void {
    for (const t of this.made) this.backend.disposeData(t.dataId);
    this.made.length = 0;
  }
}

/** Runs `body` in a {@link Scope}; the intermediates are freed whether it returns or throws. */
function scoped(backend: tf.KernelBackend, body: (s: Scope) => tf.TensorInfo): tf.TensorInfo {
  const s = new Scope(backend);
  try {
    return s.finish(body(s));
  } catch (e) {
    s.abandon();
    throw e;
  }
}

function requireNoDilation(kernel: string, dilations: unknown): void {
  if (dilations === undefined || dilations === null) return;
  const d = Array.isArray(dilations) ? dilations : [dilations, dilations];
  if (d.some((v) => v !== 1)) {
    throw new AntitrainError(
      `${kernel} on the wasm backend supports dilation 1 only, got dilations [${d.join(", ")}]: use dilationRate 1, or run on the cpu backend (ANTITRAIN_BACKEND=cpu)`,
    );
  }
}

/** The data format attribute checked: NHWC (channels last) or NCHW (channels first). */
function channelsFirst(kernel: string, dataFormat: unknown): boolean {
  if (dataFormat === undefined || dataFormat === null || dataFormat === "NHWC") return false;
  if (dataFormat === "NCHW") return true;
  throw new AntitrainError(`${kernel} on the wasm backend takes dataFormat NHWC or NCHW, got ${String(dataFormat)}`);
}

/**
 * The padded input and the geometry every tap reads: `taps(fh, fw)` is the [N·OH·OW, C] matrix of input values that
 * filter position (fh, fw) multiplies, for every output position.
 */
function im2colTaps(s: Scope, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): (fh: number, fw: number) => tf.TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fhs, filterWidth: fws, padInfo } = info;
  // A window that reaches past the padded input (numeric padding rounded up) reads zeros, as tfjs's cpu kernel does.
  const bottom = Math.max(padInfo.bottom, (oh - 1) * sh + fhs - h - padInfo.top);
  const right = Math.max(padInfo.right, (ow - 1) * sw + fws - w - padInfo.left);
  const padded =
    padInfo.top === 0 && bottom === 0 && padInfo.left === 0 && right === 0
      ? x
      : s.run("PadV2", { x }, { paddings: [[0, 0], [padInfo.top, bottom], [padInfo.left, right], [0, 0]], constantValue: 0 });
  return (fh, fw) => {
    const patch =
      sh === 1 && sw === 1
        ? s.run("Slice", { x: padded }, { begin: [0, fh, fw, 0], size: [n, oh, ow, c] })
        : s.run(
            "StridedSlice",
            { x: padded },
            {
              begin: [0, fh, fw, 0],
              end: [n, fh + (oh - 1) * sh + 1, fw + (ow - 1) * sw + 1, c],
              strides: [1, sh, sw, 1],
              beginMask: 0,
              endMask: 0,
              ellipsisMask: 0,
              newAxisMask: 0,
              shrinkAxisMask: 0,
            },
          ); // [N, OH, OW, C]
    return s.reshape(patch, [n * oh * ow, c]);
  };
}

/** NCHW → NHWC (a no-op for NHWC). */
function toChannelsLast(s: Scope, t: tf.TensorInfo, first: boolean): tf.TensorInfo {
  return first ? s.run("Transpose", { x: t }, { perm: [0, 2, 3, 1] }) : t;
}

/**
 * dL/dW of `conv2d(x, W)`: for each filter position (fh, fw), dW[fh, fw] = patchᵀ · dy over all N·OH·OW output
 * positions (im2col, one tap at a time so memory stays at one input-sized patch). Computed as dyᵀ · patch ([Cout,
 * Cin]) so the large operand is transposed once, not once per tap.
 */
function conv2dBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const name = "Conv2DBackpropFilter";
  requireNoDilation(name, attrs.dilations);
  const first = channelsFirst(name, attrs.dataFormat);
  const filterShape = attrs.filterShape as [number, number, number, number];
  return scoped(backend, (s) => {
    const x = toChannelsLast(s, inputs.x as tf.TensorInfo, first);
    const dy = toChannelsLast(s, inputs.dy as tf.TensorInfo, first);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      attrs.strides as number | [number, number],
      1,
      attrs.pad as Pad,
      attrs.dimRoundingMode as Rounding,
    );
    const { batchSize: n, outHeight: oh, outWidth: ow, inChannels: cin, outChannels: cout, filterHeight: fh, filterWidth: fw } = info;
    const rows = n * oh * ow;
    const dyT = s.reshape(s.run("Transpose", { x: s.reshape(dy, [rows, cout]) }, { perm: [1, 0] }), [1, cout, rows]);
    const tap = im2colTaps(s, x, info);
    const perTap: tf.TensorInfo[] = [];
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const patch = s.reshape(tap(i, j), [1, rows, cin]);
        perTap.push(s.run("BatchMatMul", { a: dyT, b: patch }, { transposeA: false, transposeB: false })); // [1, Cout, Cin]
      }
    }
    const stacked = perTap.length === 1 ? perTap[0] : s.run("Concat", perTap, { axis: 0 }); // [FH·FW, Cout, Cin]
    const dw = s.run("Transpose", { x: stacked }, { perm: [0, 2, 1] }); // [FH·FW, Cin, Cout]
    return s.reshape(dw, [fh, fw, cin, cout]);
  });
}

/**
 * dL/dx of `maxPool(x)`. Replaces wasm's own MaxPoolGrad, which tfjs-wasm 4.22 gets wrong when a window's maximum is
 * negative (it routes the gradient of such windows to nowhere: on x = −[1 5 3 2; 4 2 8 1; 0 9 2 3; 7 1 1 6], 2×2
 * windows, dy = [1 2; 3 4] it returns 1 at x[0, 0] and 0 elsewhere; cpu puts 2, 3, 4 on the other windows' maxima).
 * For each tap (fh, fw) of the window, the output positions whose maximum sits at that tap (the first such tap in
 * row-major order, as tfjs's cpu kernel picks) pass dy back: it is scattered to the input positions that tap read,
 * by interleaving zeros for the stride and padding to the tap's offset.
 */
function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const x = inputs.input as tf.TensorInfo;
  const y = inputs.output as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  requireNoDilation("MaxPoolGrad", attrs.dilations);
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as Rounding,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fhs, filterWidth: fws, padInfo } = info;
  const paddedH = Math.max(h + padInfo.top + padInfo.bottom, (oh - 1) * sh + fhs);
  const paddedW = Math.max(w + padInfo.left + padInfo.right, (ow - 1) * sw + fws);
  return scoped(backend, (s) => {
    const padded =
      paddedH === h && paddedW === w
        ? x
        : s.run("PadV2", { x }, { paddings: [[0, 0], [padInfo.top, paddedH - h - padInfo.top], [padInfo.left, paddedW - w - padInfo.left], [0, 0]], constantValue: Number.NEGATIVE_INFINITY });
    const tap = im2colTaps(s, padded, { ...info, inHeight: paddedH, inWidth: paddedW, padInfo: { top: 0, bottom: 0, left: 0, right: 0, type: "VALID" } });
    const y2 = s.reshape(y, [n * oh * ow, c]);
    const dy2 = s.reshape(dy, [n * oh * ow, c]);
    let free: tf.TensorInfo | null = null; // 1 where no earlier tap held the maximum
    let dx: tf.TensorInfo | null = null; // [N, paddedH, paddedW, C]
    for (let i = 0; i < fhs; i++) {
      for (let j = 0; j < fws; j++) {
        const hit = s.run("Cast", { x: s.run("Equal", { a: tap(i, j), b: y2 }) }, { dtype: "float32" });
        const chosen = free === null ? hit : s.run("Multiply", { a: hit, b: free });
        free = s.run("Sub", { a: free ?? s.run("OnesLike", { x: hit }), b: chosen });
        const spread = scatterTap(s, s.reshape(s.run("Multiply", { a: chosen, b: dy2 }), [n, oh, ow, c]), i, j, sh, sw, paddedH, paddedW);
        dx = dx === null ? spread : s.run("Add", { a: dx, b: spread });
      }
    }
    return s.run("Slice", { x: dx as tf.TensorInfo }, { begin: [0, padInfo.top, padInfo.left, 0], size: [n, h, w, c] });
  });
}

/**
 * The transpose of reading tap (fh, fw) with strides (sh, sw): puts v[n, i, j, c] at [n, fh + i·sh, fw + j·sw, c] of
 * a zero [N, height, width, C].
 */
function scatterTap(s: Scope, v: tf.TensorInfo, fh: number, fw: number, sh: number, sw: number, height: number, width: number): tf.TensorInfo {
  const [n, oh, ow, c] = v.shape;
  let spread = v;
  if (sh > 1 || sw > 1) {
    // [N, OH, 1, OW, 1, C] padded to [N, OH, sh, OW, sw, C]: each value followed by stride − 1 zeros on both axes.
    const six = s.reshape(v, [n, oh, 1, ow, 1, c]);
    const dilated = s.run("PadV2", { x: six }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    spread = s.reshape(dilated, [n, oh * sh, ow * sw, c]);
  }
  const rows = Math.min(oh * sh, height - fh); // drop trailing zeros that would run past the edge
  const cols = Math.min(ow * sw, width - fw);
  if (rows < oh * sh || cols < ow * sw) spread = s.run("Slice", { x: spread }, { begin: [0, 0, 0, 0], size: [n, rows, cols, c] });
  return s.run("PadV2", { x: spread }, { paddings: [[0, 0], [fh, height - fh - rows], [fw, width - fw - cols], [0, 0]], constantValue: 0 });
}

/** The geometry of a depthwise convolution, from its attributes (NHWC: tfjs's depthwise ops have no NCHW). */
function depthwiseInfo(kernel: string, inShape: number[], filterShape: number[], attrs: Record<string, unknown>): tf.backend_util.Conv2DInfo {
  requireNoDilation(kernel, attrs.dilations);
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as Rounding,
    true,
  );
}

/**
 * dL/dW of `depthwiseConv2d(x, W)` with W [FH, FW, C, M]: for each tap, dW[fh, fw, c, m] = Σ over output positions
 * of patch[·, c] · dy[·, c·M + m] (elementwise product, then a sum over positions).
 */
function depthwiseBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const filterShape = attrs.filterShape as number[];
  const info = depthwiseInfo("DepthwiseConv2dNativeBackpropFilter", x.shape, filterShape, attrs);
  const { batchSize: n, outHeight: oh, outWidth: ow, inChannels: c, filterHeight: fh, filterWidth: fw } = info;
  const m = filterShape[3];
  const rows = n * oh * ow;
  return scoped(backend, (s) => {
    const dy3 = s.reshape(dy, [rows, c, m]);
    const tap = im2colTaps(s, x, info);
    const perTap: tf.TensorInfo[] = [];
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const product = s.run("Multiply", { a: s.reshape(tap(i, j), [rows, c, 1]), b: dy3 }); // [rows, C, M]
        perTap.push(s.run("Sum", { x: product }, { axis: [0], keepDims: true })); // [1, C, M]
      }
    }
    const stacked = perTap.length === 1 ? perTap[0] : s.run("Concat", perTap, { axis: 0 }); // [FH·FW, C, M]
    return s.reshape(stacked, [fh, fw, c, m]);
  });
}

/**
 * dL/dx of `depthwiseConv2d(x, W)`: a depthwise convolution is a full convolution whose filter is block-diagonal
 * (input channel c feeds only outputs c·M … c·M + M − 1), so dx is wasm's own `Conv2DBackpropInput` with that
 * [FH, FW, C, C·M] filter. This costs C times the arithmetic of a direct depthwise kernel, about that of the full
 * convolution of the same width.
 */
function depthwiseBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const dy = inputs.dy as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  const inputShape = attrs.inputShape as number[];
  depthwiseInfo("DepthwiseConv2dNativeBackpropInput", inputShape, filter.shape, attrs);
  const [fh, fw, c, m] = filter.shape;
  return scoped(backend, (s) => {
    const diagonal = new Float32Array(c * c * m); // [C, C·M]: 1 where column j belongs to channel row (j div M)
    for (let j = 0; j < c * m; j++) diagonal[Math.floor(j / m) * c * m + j] = 1;
    const mask = s.constant([c, c * m], diagonal);
    const full = s.run("Multiply", { a: s.reshape(filter, [fh, fw, 1, c * m]), b: mask }); // [FH, FW, C, C·M]
    return s.run("Conv2DBackpropInput", { dy, filter: full }, {
      strides: attrs.strides,
      pad: attrs.pad,
      dataFormat: "NHWC",
      dimRoundingMode: attrs.dimRoundingMode,
      inputShape,
    });
  });
}
