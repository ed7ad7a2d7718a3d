import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError, invariant, smallTask, snapshot } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

test("train's `variables` option updates extra variables with the same optimizer, and only when passed", () => {
  const { model, train } = smallTask(4);
  const scale = tf.variable(tf.ones([12]));
  const gated = (): at.Hooks => ({ h1: (act) => tf.mul(act, scale) }); // the loss depends on `scale`
  const pull = () => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(scale, 3)))) as tf.Scalar); // and so does the penalty
  at.train(model, train, { steps: 5, learningRate: 1e-2, seed: 0, hooks: gated, penalty: pull });
  assert.deepEqual(Array.from(scale.dataSync()), new Array(12).fill(1), "not passed: not trained");
  const tensors = tf.memory().numTensors;
  at.train(model, train, { steps: 30, learningRate: 1e-2, seed: 0, hooks: gated, penalty: pull, variables: [scale] });
  assert.equal(tf.memory().numTensors, tensors, "no leak");
  const s = scale.dataSync();
  assert.ok(s.every((v) => v > 1.1 && v < 1.4), `Adam moves each scale about lr per step towards 3: ${Array.from(s)}`);
  scale.dispose();
  model.dispose();
});

test("train refuses unknown option keys and bad extra variables, leaking nothing and leaving the model unchanged", () => {
  const { model, train } = smallTask(4);
  const refused = (fn: () => unknown, pattern: RegExp) => invariant(model, String(pattern), () => assertAntitrainError(fn, pattern));
  const options = { steps: 2, learningRate: 1e-2, varaibles: [] } as unknown as at.TrainOptions;
  refused(() => at.train(model, train, options), /unknown option "varaibles" of train: the options are steps, .*variables/);
  refused(() => at.train(model, train, { steps: 2, variables: [model.variables()[0]] }), /variables\[0\] is one of the model's own variables/);
  const extra = tf.variable(tf.zeros([3]));
  refused(() => at.train(model, train, { steps: 2, variables: [extra, extra] }), /variables\[1\] is listed twice/);
  const notVariable = tf.zeros([3]);
  refused(() => at.train(model, train, { steps: 2, variables: [notVariable as tf.Variable] }), /variables\[0\] is not a tf\.Variable/);
  notVariable.dispose();
  extra.dispose();
  const before = snapshot(model);
  assertAntitrainError(() => at.train(model, train, { steps: 2, variables: [extra] }), /variables\[0\] was disposed/);
  assert.deepEqual(snapshot(model), before);
  model.dispose();
});
