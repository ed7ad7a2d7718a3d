import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError, invariant, signalModel, smallTask, snapshot } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

test("slimming gates train with at.train; folding them leaves the plain forward equal to the gated one", () => {
  const { model, train } = smallTask(5, [8, 6]);
  const gates = at.slimmingGates(model, ["h1", "h2"], { lambda: 0.01 });
  const tensors = tf.memory().numTensors;
  at.train(model, train, { steps: 40, learningRate: 1e-2, seed: 0, hooks: gates.hooks, penalty: gates.penalty, variables: gates.variables });
  assert.equal(tf.memory().numTensors, tensors, "training with the gates leaks nothing");
  const g1 = gates.scores("h1");
  assert.ok(g1.some((g) => Math.abs(g - 1) > 0.1), `the gates were trained: ${Array.from(g1)}`);
  const expected = lambdaTimesL1(0.01, [g1, gates.scores("h2")]);
  const p = gates.penalty(train.x as tf.Tensor2D);
  assert.ok(Math.abs(p.dataSync()[0] - expected) < 1e-6, `penalty ${p.dataSync()[0]} vs ${expected}`);
  p.dispose();
  const gated = model.forward(train.x, gates.hooks(0));
  const plainBefore = model.forward(train.x);
  gates.foldInto(model);
  const folded = model.forward(train.x);
  const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(gated, folded))).dataSync()[0]);
  const changed = tf.tidy(() => tf.max(tf.abs(tf.sub(gated, plainBefore))).dataSync()[0]);
  assert.ok(maxDiff < 1e-5, `folded vs gated: ${maxDiff}`);
  assert.ok(changed > 1e-2, `the gates did change the function before folding: ${changed}`);
  tf.dispose([gated, plainBefore, folded]);
  invariant(model, "a second fold", () => assertAntitrainError(() => gates.foldInto(model), /already folded into this model/));
  const other = at.mlp({ inputs: 6, hidden: [8, 5], classes: 3 });
  invariant(other, "a fold into the wrong widths", () => assertAntitrainError(() => gates.foldInto(other), /site "h2" has 5 units here but the gates have 6/));
  other.dispose();
  gates.dispose();
  model.dispose();
});

test("the L1 penalty drives a useless unit's gate to 0 and its score ranks it last", () => {
  const { model, data } = signalModel(64); // unit 0 carries the label, unit 1 is dead, unit 2 sees noise and feeds nothing
  const gates = at.slimmingGates(model, ["h1"], { lambda: 0.05 });
  at.train(model, data, { steps: 200, learningRate: 1e-2, batchSize: 32, seed: 0, hooks: gates.hooks, penalty: gates.penalty, variables: gates.variables });
  const scores = gates.scores("h1");
  const order = at.ranked({ scores });
  assert.equal(order[0], 0, `the signal unit ranks first: ${Array.from(scores)}`);
  assert.ok(scores[0] > 0.2, `its gate stays open (its outgoing weights grow as it shrinks, which is why the paper adds weight decay): ${scores[0]}`);
  const last = order[order.length - 1];
  assert.ok((last === 1 || last === 2) && scores[last] < 0.02, `a useless unit ranks last with a closed gate: ${Array.from(scores)}`);
  assert.ok(scores[1] < 0.02, `the dead unit's gate gets no loss gradient and is driven to 0: ${scores[1]}`);
  gates.dispose();
  model.dispose();
});

test("slimming gates: no leaks, dispose frees the variables, bad options refused", () => {
  const model = at.mlp({ inputs: 3, hidden: [4, 5], classes: 2 });
  const x = tf.ones([7, 3]);
  const tensors = tf.memory().numTensors;
  const gates = at.slimmingGates(model, ["h2", "h1"], { lambda: 0 });
  assert.equal(tf.memory().numTensors, tensors + 2, "one variable per site");
  assert.deepEqual(gates.variables.map((v) => v.shape), [[5], [4]]);
  assert.deepEqual(Array.from(gates.scores("h1")), [1, 1, 1, 1], "gates start at 1");
  const out = tf.tidy(() => tf.sub(model.forward(x, gates.hooks(3)), model.forward(x)));
  assert.equal(tf.tidy(() => tf.max(tf.abs(out)).dataSync()[0]), 0, "gates at 1 change nothing");
  out.dispose();
  const zero = gates.penalty(x as tf.Tensor2D);
  assert.equal(zero.dataSync()[0], 0);
  zero.dispose();
  assert.equal(tf.memory().numTensors, tensors + 2, "hooks, penalty and scores leak nothing");
  invariant(model, "unknown gate site", () => assertAntitrainError(() => gates.scores("h3"), /no slimming gate at site "h3": the gated sites are "h2", "h1"/));
  gates.dispose();
  assert.equal(tf.memory().numTensors, tensors, "dispose frees the gates");
  assert.ok(gates.variables.every((v) => v.isDisposed));
  assertAntitrainError(() => gates.scores("h1"), /disposed: make new ones/);
  const before = snapshot(model);
  const refused = (fn: () => unknown, pattern: RegExp) => invariant(model, String(pattern), () => assertAntitrainError(fn, pattern));
  refused(() => at.slimmingGates(model, ["h1"], { lambda: 1e-4, lamda: 1 } as at.SlimmingOptions), /unknown option "lamda" of slimmingGates: the options are lambda/);
  refused(() => at.slimmingGates(model, ["h1"], { lambda: Number.POSITIVE_INFINITY }), /lambda must be a finite number in \[0, Infinity\]/);
  refused(() => at.slimmingGates(model, ["h1"], undefined as unknown as at.SlimmingOptions), /needs options \{ lambda \}/);
  refused(() => at.slimmingGates(model, ["h1", "h9"], { lambda: 1 }), /unknown site "h9"/);
  assert.deepEqual(snapshot(model), before);
  x.dispose();
  model.dispose();
});

function lambdaTimesL1(lambda: number, gammas: readonly Float32Array[]): number {
  return lambda * gammas.reduce((s, g) => s + g.reduce((a, v) => a + Math.abs(v), 0), 0);
}
