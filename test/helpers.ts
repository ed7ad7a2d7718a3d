import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

/** Snapshot of every variable of a model, to prove a call left it unchanged. */
export function snapshot(model: at.HookedModel): Float32Array[] {
  return model.variables().map((v) => v.dataSync().slice() as Float32Array);
}

/** Asserts the model's variables equal a snapshot exactly. */
export function assertUnchanged(model: at.HookedModel, before: Float32Array[], what: string): void {
  const after = snapshot(model);
  assert.equal(after.length, before.length, `${what}: variable count changed`);
  after.forEach((a, i) => assert.deepEqual(a, before[i], `${what}: variable ${i} changed`));
}

/**
 * Runs `fn` and asserts it left no tensor behind and did not change the model, whether it returned or threw.
 * Returns what `fn` returned, or the error it threw (for the caller to check). A failed assertion inside `fn` is
 * rethrown, never returned: an `invariant(model, "…", () => assertAntitrainError(…))` must fail when its assertion does.
 */
export function invariant<T>(model: at.HookedModel, what: string, fn: () => T): T | unknown {
  const before = snapshot(model);
  const tensors = tf.memory().numTensors;
  let result: T | unknown;
  try {
    result = fn();
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    result = e;
  }
  assert.equal(tf.memory().numTensors, tensors, `${what}: leaked ${tf.memory().numTensors - tensors} tensors`);
  assertUnchanged(model, before, what);
  return result;
}

/**
 * A 2-input, 3-hidden-unit, 2-class MLP whose answers are known exactly:
 * unit 0 = relu(x0 + 1) ∈ {0, 2} carries the whole label (logit₁ = 4·u0 − 4);
 * unit 1 is dead (zero weights, bias −1, so always 0) but has outgoing weights;
 * unit 2 = relu(x1) sees noise and has no outgoing weights.
 * Data: x0 = ±1 (label 1 when +1), x1 ~ |N(0, 1)|.
 */
export function signalModel(n = 64): { model: at.Mlp; data: at.Dataset } {
  const model = new at.Mlp([
    { fanIn: 2, fanOut: 3, w: new Float32Array([1, 0, 0, 0, 0, 1]), b: new Float32Array([1, -1, 0]) },
    { fanIn: 3, fanOut: 2, w: new Float32Array([0, 4, 3, -3, 0, 0]), b: new Float32Array([0, -4]) },
  ]);
  const rng = new at.Rng(42);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    x.push(label === 1 ? 1 : -1, Math.abs(rng.normal()));
    y.push(label);
  }
  return { model, data: at.dataset(x, y, { features: 2, classes: 2 }) };
}

/** A small random classification task and a briefly trained MLP on it. */
export function smallTask(seed = 0, hidden: number[] = [12]): { model: at.Mlp; train: at.Dataset<tf.Tensor2D>; test: at.Dataset<tf.Tensor2D> } {
  const task = at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 192, test: 96, seed });
  const model = at.mlp({ inputs: 6, hidden, classes: 3, seed });
  at.train(model, task.train, { steps: 40, batchSize: 32, learningRate: 1e-2, seed });
  return { model, train: task.train, test: task.test };
}

/** Asserts `fn` throws an AntitrainError whose message matches `pattern`. */
export function assertAntitrainError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof at.AntitrainError, `expected AntitrainError, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

/**
 * `model` behind the bare HookedModel interface (no unit removal, no dense split), with some methods replaced:
 * a custom model, or one that breaks the contract in one chosen way.
 */
export function wrapModel(model: at.HookedModel, overrides: Partial<at.HookedModel> = {}): at.HookedModel {
  return {
    kind: "custom",
    inputs: model.inputs,
    classes: model.classes,
    sites: () => model.sites(),
    variables: () => model.variables(),
    namedVariables: () => model.namedVariables(),
    forward: (x, hooks) => model.forward(x, hooks),
    split: (site, x) => model.split(site, x),
    downstreamVariables: (site) => model.downstreamVariables(site),
    dispose: () => model.dispose(),
    ...overrides,
  };
}
