// Convolutional networks train on the wasm backend (lib/base/wasm-conv-grads.ts): the gradient kernels antitrain adds
// (conv2d's filter gradient, both depthwise gradients) and the ones wasm has (conv2d's input gradient, max and average
// pooling, batch norm; wasm's own MaxPoolGrad, wrong for negative maxima, is replaced) equal the cpu backend's gradients on random inputs, for several shapes, strides and paddings,
// within |wasm − cpu| ≤ 1e-4 · (1 + |cpu|) per element; a small CNN trained with model.fit, with
// tf.train.adam().minimize and with at.train has the same losses on wasm as on cpu (within 1e-3 relative) and they
// fall; nothing leaks. An op wasm still lacks is an AntitrainError naming it and ANTITRAIN_BACKEND=cpu.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { explainKernelError } from "../lib/base/kernel-errors";
import { WASM_CONV_GRAD_KERNELS, installWasmConvGrads, wasmConvGradsInstalled } from "../lib/base/wasm-conv-grads";
import { invariant, wrapModel } from "./helpers";

let onWasm = false;
before(async () => {
  onWasm = (await at.ready({ quiet: true })) === "wasm";
});

const GRAD_TOLERANCE = 1e-4;
const LOSS_TOLERANCE = 1e-3;

/** Seeded standard normal values. */
function normals(shape: number[], seed: number): Float32Array {
  const rng = new at.Rng(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/** Runs `f` (to completion, if it is async) with `backend` as tfjs's backend, then switches back to wasm. */
async function on<T>(backend: "cpu" | "wasm", f: () => T | Promise<T>): Promise<T> {
  await tf.setBackend(backend);
  try {
    const result = await f();
    assert.equal(tf.getBackend(), backend, "the backend stayed the same throughout");
    return result;
  } finally {
    await tf.setBackend("wasm");
  }
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = GRAD_TOLERANCE): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let largest = 0;
  for (let i = 0; i < actual.length; i++) {
    const tol = rtol * (1 + Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}: element ${i} is ${actual[i]} on wasm, ${expected[i]} on cpu`);
    largest = Math.max(largest, Math.abs(expected[i]));
  }
  assert.ok(largest > 0.1, `${what}: the cpu gradient is (nearly) zero, so the comparison proves nothing`);
}

/** A differentiable op on seeded random inputs of the given shapes. */
interface GradCase {
  name: string;
  shapes: number[][];
  op: (...xs: tf.Tensor[]) => tf.Tensor;
}

/** Gradients of sum(op(inputs) · w) for a fixed non-uniform w, with respect to every input, on `backend`. */
function gradients(backend: "cpu" | "wasm", c: GradCase): Promise<Float32Array[]> {
  return on(backend, () =>
    tf.tidy(() => {
      const xs = c.shapes.map((shape, i) => tf.tensor(normals(shape, 10 + i), shape));
      const f = (...args: tf.Tensor[]) => {
        const y = c.op(...args);
        const w = tf.reshape(tf.sin(tf.range(1, y.size + 1)), y.shape); // a dy that is not all ones
        return tf.sum(tf.mul(y, w));
      };
      return tf.grads(f)(xs).map((g) => g.dataSync().slice() as Float32Array);
    }),
  );
}

async function assertGradientsMatchCpu(cases: GradCase[]): Promise<void> {
  for (const c of cases) {
    const tensors = tf.memory().numTensors;
    const wasm = await gradients("wasm", c);
    const cpu = await gradients("cpu", c);
    assert.equal(tf.memory().numTensors, tensors, `${c.name}: leaked tensors`);
    cpu.forEach((g, i) => assertClose(wasm[i], g, `${c.name}, gradient of input ${i}`));
  }
}

test("ready() installs the missing convolution gradient kernels on wasm, replaces MaxPoolGrad, leaves the others alone", (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  assert.deepEqual([...wasmConvGradsInstalled()].sort(), [...WASM_CONV_GRAD_KERNELS].sort());
  assert.deepEqual(installWasmConvGrads(), wasmConvGradsInstalled(), "a second install registers nothing new");
  assert.ok(wasmConvGradsInstalled().includes("MaxPoolGrad"), "wasm's MaxPoolGrad (wrong for negative maxima) is replaced");
  for (const own of ["Conv2DBackpropInput", "AvgPoolGrad", "FusedBatchNorm"]) {
    assert.ok(tf.getKernel(own, "wasm") !== undefined, `wasm has ${own}`);
    assert.ok(!wasmConvGradsInstalled().includes(own), `${own} is wasm's own`);
  }
});

test("conv2d gradients (input and filter) equal cpu's for several shapes, strides and paddings", async (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  type Conv = [x: number[], w: number[], strides: number | [number, number], pad: "same" | "valid" | number];
  const convs: Conv[] = [
    [[2, 7, 7, 3], [3, 3, 3, 4], 1, "same"],
    [[2, 8, 8, 2], [3, 3, 2, 5], 2, "same"],
    [[3, 9, 7, 1], [2, 4, 1, 3], [2, 1], "valid"],
    [[1, 6, 6, 4], [1, 1, 4, 2], 1, "valid"],
    [[2, 10, 10, 3], [5, 5, 3, 2], 3, "same"],
    [[2, 7, 7, 2], [3, 3, 2, 3], 2, 1],
  ];
  await assertGradientsMatchCpu(
    convs.map(([x, w, strides, pad]) => ({
      name: `conv2d x [${x}] filter [${w}] strides ${strides} pad ${pad}`,
      shapes: [x, w],
      op: (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad),
    })),
  );
});

test("the filter gradient kernel takes NCHW (channels first) as well as NHWC", async (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  const x = [2, 3, 7, 6]; // NCHW
  const dy = [2, 4, 4, 3];
  const run = (backend: "cpu" | "wasm") =>
    on(backend, () =>
      tf.tidy(() => {
        const inputs = { x: tf.tensor(normals(x, 1), x), dy: tf.tensor(normals(dy, 2), dy) };
        const attrs = { strides: [2, 2], pad: "same", dataFormat: "NCHW", filterShape: [3, 3, 3, 4] };
        return (tf.engine().runKernel("Conv2DBackpropFilter", inputs, attrs) as tf.Tensor).dataSync().slice();
      }),
    );
  assertClose(await run("wasm"), await run("cpu"), "NCHW filter gradient");
});

test("max and average pooling gradients equal cpu's", async (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  type Pool = [x: number[], size: number | [number, number], strides: number, pad: "same" | "valid"];
  const pools: Pool[] = [
    [[2, 8, 8, 3], 2, 2, "valid"],
    [[2, 7, 7, 2], 3, 2, "same"],
    [[1, 6, 9, 2], [2, 3], 1, "valid"],
    [[2, 7, 5, 2], 2, 2, "valid"],
  ];
  const cases: GradCase[] = [];
  for (const [x, size, strides, pad] of pools) {
    cases.push({ name: `maxPool [${x}] ${size}/${strides} ${pad}`, shapes: [x], op: (a) => tf.maxPool(a as tf.Tensor4D, size, strides, pad) });
    cases.push({ name: `avgPool [${x}] ${size}/${strides} ${pad}`, shapes: [x], op: (a) => tf.avgPool(a as tf.Tensor4D, size, strides, pad) });
  }
  await assertGradientsMatchCpu(cases);
});

test("maxPool's gradient reaches the maximum of windows whose maximum is negative (tfjs-wasm's own kernel dropped it)", (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  const dx = tf.tidy(() => {
    const x = tf.tensor4d([1, 5, 3, 2, 4, 2, 8, 1, 0, 9, 2, 3, 7, 1, 1, 6].map((v) => -v), [1, 4, 4, 1]);
    const weights = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    return tf.grad((a) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, "valid"), weights)))(x).dataSync().slice();
  });
  // Window maxima −1 (x[0]), −1 (x[7]), −0 (x[8]), −1 (x[14]); tfjs-wasm 4.22's kernel gave [1, 0, 0, ..., 0].
  assert.deepEqual(Array.from(dx), [1, 0, 0, 0, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0, 4, 0]);
});

test("batch normalization gradients (through the batch moments, as in training) equal cpu's", async (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  await assertGradientsMatchCpu([
    {
      name: "batchNorm [4, 5, 5, 3]",
      shapes: [[4, 5, 5, 3], [3], [3]],
      op: (x, gamma, beta) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.batchNorm(x, mean, variance, beta, gamma, 1e-3);
      },
    },
  ]);
});

test("depthwise convolution gradients (input and filter) equal cpu's", async (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  type Depthwise = [x: number[], w: number[], strides: number, pad: "same" | "valid"];
  const convs: Depthwise[] = [
    [[2, 7, 7, 3], [3, 3, 3, 2], 1, "same"],
    [[1, 8, 8, 2], [3, 3, 2, 1], 2, "valid"],
    [[2, 9, 9, 4], [2, 2, 4, 3], 2, "same"],
  ];
  await assertGradientsMatchCpu(
    convs.map(([x, w, strides, pad]) => ({
      name: `depthwiseConv2d x [${x}] filter [${w}] strides ${strides} ${pad}`,
      shapes: [x, w],
      op: (a, b) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad),
    })),
  );
});

test("the added kernels free every intermediate, also when they refuse their input", (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  const backend = tf.backend();
  const ids = backend.numDataIds();
  const tensors = tf.memory().numTensors;
  const x = tf.tensor(normals([2, 3, 6, 6], 3), [2, 3, 6, 6]);
  const dy = tf.tensor(normals([2, 4, 6, 6], 4), [2, 4, 6, 6]);
  const dw = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { strides: 1, pad: "same", dataFormat: "NCHW", filterShape: [3, 3, 3, 4] });
  tf.dispose([x, dy, dw]);
  assert.equal(backend.numDataIds(), ids, "no wasm buffer left after a filter gradient");
  const refusals: [tf.NamedAttrMap, RegExp][] = [
    [{ strides: 1, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, 6, 6], dilations: [2, 2] }, /dilation 1 only.*ANTITRAIN_BACKEND=cpu/],
    [{ strides: 1, pad: "same", dataFormat: "NCWH", filterShape: [3, 3, 6, 6] }, /NHWC or NCHW/],
  ];
  for (const [attrs, message] of refusals) {
    const before = backend.numDataIds();
    tf.tidy(() => {
      const inputs = { x: tf.ones([1, 4, 4, 6]), dy: tf.ones([1, 4, 4, 6]) };
      assert.throws(() => tf.engine().runKernel("Conv2DBackpropFilter", inputs, attrs), (e: unknown) => e instanceof at.AntitrainError && message.test(e.message));
    });
    assert.equal(backend.numDataIds(), before, `no wasm buffer left after refusing ${JSON.stringify(attrs)}`);
  }
  // A failure after intermediates were made (the NCHW transposes) frees them too.
  const before = backend.numDataIds();
  tf.tidy(() => {
    const inputs = { x: tf.ones([1, 6, 4, 4]), dy: tf.ones([1, 6, 4, 4]) };
    assert.throws(() => tf.engine().runKernel("Conv2DBackpropFilter", inputs, { strides: 1, pad: "sideways", dataFormat: "NCHW", filterShape: [3, 3, 6, 6] }));
  });
  assert.equal(backend.numDataIds(), before, "no wasm buffer left after a failure midway");
  assert.equal(tf.memory().numTensors, tensors);
});

/** 32 seeded 8×8 single-channel images; the label is the third of the image (top, middle, bottom rows) that is brightest. */
function images(): { x: Float32Array; labels: number[] } {
  const x = normals([32, 8, 8, 1], 7);
  const labels: number[] = [];
  for (let n = 0; n < 32; n++) {
    const band = [0, 0, 0];
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) band[Math.min(2, Math.floor(r / 3))] += x[n * 64 + r * 8 + c];
    labels.push(band.indexOf(Math.max(...band)));
  }
  return { x, labels };
}

/** conv2d → maxPool → batchNorm → flatten → dense, with seeded initial weights (the same on every backend). */
function smallCnn(softmax: boolean): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 1, padding: "same", activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.conv2d({ filters: 3, kernelSize: 2, strides: 2, padding: "valid", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, activation: softmax ? "softmax" : "linear", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  return model;
}

test("a small CNN trains with model.fit on wasm: losses fall and equal cpu's", async (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  const { x, labels } = images();
  const fit = (backend: "cpu" | "wasm") =>
    on(backend, async () => {
      const tensors = tf.memory().numTensors;
      const model = smallCnn(true);
      const optimizer = tf.train.adam(0.01);
      model.compile({ optimizer, loss: "sparseCategoricalCrossentropy" });
      const xs = tf.tensor4d(x, [32, 8, 8, 1]);
      const ys = tf.tensor1d(labels, "float32");
      const history = await model.fit(xs, ys, { epochs: 5, batchSize: 8, shuffle: false, verbose: 0 });
      tf.dispose([xs, ys]);
      model.dispose();
      optimizer.dispose();
      assert.equal(tf.memory().numTensors, tensors, `model.fit on ${backend} leaked`);
      return history.history.loss as number[];
    });
  const wasm = await fit("wasm");
  const cpu = await fit("cpu");
  assert.ok(wasm[wasm.length - 1] < 0.8 * wasm[0], `loss falls on wasm: ${wasm.join(", ")}`);
  assertClose(wasm, cpu, "model.fit loss per epoch", LOSS_TOLERANCE);
});

test("a small CNN trains with tf.train.adam().minimize on wasm: losses fall and equal cpu's", async (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  const { x, labels } = images();
  const minimize = (backend: "cpu" | "wasm") =>
    on(backend, () => {
      const tensors = tf.memory().numTensors;
      const model = smallCnn(false);
      const optimizer = tf.train.adam(0.01);
      const xs = tf.tensor4d(x, [32, 8, 8, 1]);
      const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 3));
      const losses: number[] = [];
      for (let step = 0; step < 8; step++) {
        const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor), true);
        losses.push((loss as tf.Scalar).dataSync()[0]);
        loss?.dispose();
      }
      tf.dispose([xs, ys]);
      model.dispose();
      optimizer.dispose();
      assert.equal(tf.memory().numTensors, tensors, `minimize on ${backend} leaked`);
      return losses;
    });
  const wasm = await minimize("wasm");
  const cpu = await minimize("cpu");
  assert.ok(wasm[wasm.length - 1] < 0.8 * wasm[0], `loss falls on wasm: ${wasm.join(", ")}`);
  assertClose(wasm, cpu, "minimize loss per step", LOSS_TOLERANCE);
});

/** A hand-written HookedModel around a tiny CNN on flat 8×8 inputs (its one site, "h1", is the mlp's, unused here). */
function cnnHookedModel(): { model: at.HookedModel; dispose: () => void } {
  const mlp = at.mlp({ inputs: 64, hidden: [4], classes: 3, seed: 0 });
  const [filter, gamma, beta, dense] = tf.tidy(() => [
    tf.variable(tf.tensor4d(normals([3, 3, 1, 4], 21).map((v) => v * 0.3), [3, 3, 1, 4])),
    tf.variable(tf.ones([4])),
    tf.variable(tf.zeros([4])),
    tf.variable(tf.tensor2d(normals([64, 3], 22).map((v) => v * 0.1), [64, 3])),
  ]);
  const variables = [filter, gamma, beta, dense];
  const model = wrapModel(mlp, {
    variables: () => variables,
    namedVariables: () => variables.map((variable, i) => ({ name: `cnn.${i}`, variable })),
    forward: (x) =>
      tf.tidy(() => {
        const images = tf.reshape(x, [-1, 8, 8, 1]) as tf.Tensor4D;
        const conv = tf.relu(tf.conv2d(images, filter, 1, "same")); // [batch, 8, 8, 4]
        const pooled = tf.maxPool(conv, 2, 2, "valid"); // [batch, 4, 4, 4]
        const { mean, variance } = tf.moments(pooled, [0, 1, 2]);
        const normed = tf.batchNorm(pooled, mean, variance, beta, gamma, 1e-3);
        return tf.matMul(tf.reshape(normed, [-1, 64]), dense) as tf.Tensor2D;
      }),
  });
  const dispose = () => {
    tf.dispose(variables);
    mlp.dispose();
  };
  return { model, dispose };
}

test("at.train trains a CNN on wasm: losses fall and equal cpu's", async (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  const { x, labels } = images();
  const run = (backend: "cpu" | "wasm") =>
    on(backend, () => {
      const tensors = tf.memory().numTensors;
      const { model, dispose } = cnnHookedModel();
      const data = at.dataset(Array.from(x), labels, { features: 64, classes: 3 });
      const losses = at.train(model, data, { steps: 12, batchSize: 16, learningRate: 0.02, seed: 0 });
      at.disposeDataset(data);
      dispose();
      assert.equal(tf.memory().numTensors, tensors, `at.train on ${backend} leaked`);
      return losses;
    });
  const wasm = await run("wasm");
  const cpu = await run("cpu");
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  assert.ok(mean(wasm.slice(-4)) < 0.8 * mean(wasm.slice(0, 4)), `loss falls on wasm: ${wasm.join(", ")}`);
  assertClose(wasm, cpu, "at.train loss per step", LOSS_TOLERANCE);
});

test("an op wasm has no kernel for is an AntitrainError naming it and ANTITRAIN_BACKEND=cpu, leaking nothing", (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  const { model, data } = (() => {
    const task = at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 64, test: 8, seed: 0 });
    return { model: at.mlp({ inputs: 6, hidden: [5], classes: 3, seed: 0 }), data: task.train };
  })();
  // The gradient of tf.gather (an embedding lookup) needs UnsortedSegmentSum, which wasm lacks.
  const gather = () => ({ h1: (a: tf.Tensor) => tf.gather(a, [4, 3, 2, 1, 0], 1) });
  const trainError = invariant(model, "train with a gather hook", () => at.train(model, data, { steps: 2, batchSize: 16, seed: 0, hooks: gather }));
  assert.ok(trainError instanceof at.AntitrainError, `expected AntitrainError, got ${String(trainError)}`);
  assert.match(trainError.message, /'UnsortedSegmentSum'.*gather.*ANTITRAIN_BACKEND=cpu/);
  assert.ok(trainError.message.length < 600, "a sentence, not a code dump");
  assert.match(String((trainError.cause as Error).message), /Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'/);
  // A forward-only op (einsum) in evaluate.
  const evalError = invariant(model, "evaluate with an einsum hook", () => at.evaluate(model, data, { h1: (a) => tf.einsum("ij->ij", a) }));
  assert.ok(evalError instanceof at.AntitrainError, `expected AntitrainError, got ${String(evalError)}`);
  assert.match(evalError.message, /'Einsum'.*ANTITRAIN_BACKEND=cpu/);
  // Training still works afterwards (the failed step left the tape clean).
  const losses = at.train(model, data, { steps: 3, batchSize: 16, seed: 0 });
  assert.ok(losses.every(Number.isFinite));
  model.dispose();
  at.disposeDataset(data);
});

test("explainKernelError translates only tfjs's missing-kernel error", () => {
  const raw = new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
  const explained = explainKernelError(raw);
  assert.ok(explained instanceof at.AntitrainError);
  assert.match(explained.message, /'Conv2DBackpropFilter' \(the weight gradient of a convolution.*ANTITRAIN_BACKEND=cpu.*tfjs-node/);
  assert.equal(explained.cause, raw);
  const other = new Error("something else");
  assert.equal(explainKernelError(other), other);
  const mine = new at.AntitrainError("Kernel 'X' not registered for backend 'wasm' — already explained");
  assert.equal(explainKernelError(mine), mine);
  assert.equal(explainKernelError("a string"), "a string");
  assert.throws(() => at.withKernelHelp(() => { throw raw; }), at.AntitrainError);
  assert.equal(at.withKernelHelp(() => 7), 7);
});

test("withKernelHelp translates a rejected promise (model.fit of a model wasm cannot train) and refuses a non-function", async (t) => {
  if (!onWasm) return t.skip("not on the wasm backend");
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 })); // its gradient needs UnsortedSegmentSum
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2, activation: "softmax" }));
  model.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
  const x = tf.tensor2d([[0, 1, 2], [3, 4, 0]]);
  const y = tf.tensor1d([0, 1]);
  await assert.rejects(
    at.withKernelHelp(() => model.fit(x, y, { epochs: 1, verbose: 0 })),
    (e: unknown) => e instanceof at.AntitrainError && /'UnsortedSegmentSum'.*embedding.*ANTITRAIN_BACKEND=cpu/.test(e.message),
  );
  tf.dispose([x, y]);
  model.dispose();
  assert.throws(() => at.withKernelHelp(7 as unknown as () => number), (e: unknown) => e instanceof at.AntitrainError && /takes a function/.test(e.message));
});
