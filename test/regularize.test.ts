import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError, smallTask } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

test("dropout hooks zero about `rate` of the units, rescale the rest, and repeat for the same (seed, step)", () => {
  const model = at.mlp({ inputs: 2, hidden: [4], classes: 2 });
  const hooks = at.dropoutHooks(model, ["h1"], 0.25, 7);
  const act = tf.ones([500, 4]);
  const a = hooks(3).h1(act);
  const b = hooks(3).h1(act);
  const c = hooks(4).h1(act);
  const va = a.dataSync();
  const zeros = va.filter((v) => v === 0).length / va.length;
  assert.ok(Math.abs(zeros - 0.25) < 0.04, `dropped share ${zeros}`);
  assert.ok(va.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6));
  assert.deepEqual(va, b.dataSync());
  assert.notDeepEqual(va, c.dataSync());
  tf.dispose([act, a, b, c]);
  assertAntitrainError(() => at.dropoutHooks(model, ["h1"], 1, 0), /rate must be in \[0, 1\)/);
  model.dispose();
});

test("the activation L1 penalty equals lambda × mean summed |h|, and training with it shrinks activations", () => {
  const { model, train } = smallTask(3);
  const penalty = at.activationL1(model, ["h1"], 0.01);
  const before = tf.memory().numTensors;
  const p = penalty(train.x);
  const cut = model.split("h1", train.x);
  const expected = tf.tidy(() => tf.mean(tf.sum(tf.abs(cut.act), 1)).dataSync()[0] * 0.01);
  cut.dispose();
  assert.ok(Math.abs(p.dataSync()[0] - expected) < 1e-6);
  p.dispose();
  assert.equal(tf.memory().numTensors, before, "no leak");
  const plain = model.clone();
  at.train(plain, train, { steps: 60, learningRate: 1e-2, seed: 0 });
  at.train(model, train, { steps: 60, learningRate: 1e-2, seed: 0, penalty: at.activationL1(model, ["h1"], 0.2) });
  const meanAct = (m: at.HookedModel) => {
    const s = at.collectStats(m, "h1", train);
    return s.mean.reduce((x, y) => x + y, 0);
  };
  assert.ok(meanAct(model) < 0.5 * meanAct(plain), `${meanAct(model)} vs ${meanAct(plain)}`);
  plain.dispose();
  model.dispose();
});
