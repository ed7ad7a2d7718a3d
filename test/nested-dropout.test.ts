import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError, invariant, smallTask, snapshot, wrapModel } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/** The kept prefix length of every row of a hooked batch of ones `[batch, units]`, asserting each row is a prefix. */
function prefixLengths(out: tf.Tensor, units: number): number[] {
  const v = out.dataSync();
  const lengths: number[] = [];
  for (let e = 0; e < v.length / units; e++) {
    const row = Array.from(v.subarray(e * units, (e + 1) * units));
    const b = row.indexOf(0) < 0 ? units : row.indexOf(0);
    assert.deepEqual(row, [...new Array(b).fill(1), ...new Array(units - b).fill(0)], `row ${e} is a prefix of ones`);
    lengths.push(b);
  }
  return lengths;
}

/** P(b) = p(1 − p)^(b−1) / (1 − (1 − p)^n) for b = 1..n. */
function truncatedGeometric(p: number, n: number): number[] {
  const mass = 1 - (1 - p) ** n;
  return Array.from({ length: n }, (_, i) => (p * (1 - p) ** i) / mass);
}

test("nested dropout keeps a prefix per example, with lengths distributed as the truncated geometric", () => {
  const units = 8;
  const model = at.mlp({ inputs: 3, hidden: [units], classes: 2 });
  const ones = tf.ones([2500, units]);
  for (const p of [0.3, 0.05, 1]) {
    const hooks = at.nestedDropoutHooks(model, ["h1"], { p, seed: 11 });
    const tensors = tf.memory().numTensors;
    const lengths: number[] = [];
    for (let step = 0; step < 8; step++) {
      const out = hooks(step).h1(ones);
      lengths.push(...prefixLengths(out, units));
      out.dispose();
    }
    assert.equal(tf.memory().numTensors, tensors, "no leak");
    const expected = truncatedGeometric(p, units);
    const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    const expectedMean = expected.reduce((a, q, i) => a + q * (i + 1), 0);
    assert.ok(Math.abs(mean - expectedMean) < 0.05, `p ${p}: mean prefix ${mean} vs ${expectedMean}`);
    expected.forEach((q, i) => {
      const share = lengths.filter((b) => b === i + 1).length / lengths.length;
      assert.ok(Math.abs(share - q) < 0.012, `p ${p}: P(b = ${i + 1}) ${share} vs ${q}`);
    });
  }
  const nearlyUniform = at.nestedDropoutHooks(model, ["h1"], { p: 1e-9, seed: 0 })(0).h1(ones);
  const mean = prefixLengths(nearlyUniform, units).reduce((a, b) => a + b, 0) / 2500;
  assert.ok(Math.abs(mean - 4.5) < 0.1, `p → 0 is uniform on 1..${units}: mean ${mean}`);
  tf.dispose([ones, nearlyUniform]);
  model.dispose();
});

test("nested dropout masks repeat for the same (seed, step) and differ otherwise", () => {
  const model = at.mlp({ inputs: 3, hidden: [6, 6], classes: 2 });
  const ones = tf.ones([40, 6]);
  const draw = (seed: number, step: number, site: "h1" | "h2") => {
    const out = at.nestedDropoutHooks(model, ["h1", "h2"], { p: 0.3, seed })(step)[site](ones);
    const lengths = prefixLengths(out, 6);
    out.dispose();
    return lengths;
  };
  assert.deepEqual(draw(4, 2, "h1"), draw(4, 2, "h1"));
  assert.notDeepEqual(draw(4, 2, "h1"), draw(5, 2, "h1"), "another seed");
  assert.notDeepEqual(draw(4, 2, "h1"), draw(4, 3, "h1"), "another step");
  assert.notDeepEqual(draw(4, 2, "h1"), draw(4, 2, "h2"), "another site");
  ones.dispose();
  model.dispose();
});

test("on a site whose units span several values, a unit's whole slice goes, the same at every position", () => {
  const model = at.mlp({ inputs: 3, hidden: [6], classes: 2 });
  const headed = wrapModel(model, { sites: () => [{ name: "h1", units: 3, width: 2 }] }); // like 3 attention heads of width 2
  const ones = tf.ones([300, 4, 6]); // [batch, positions, units × width]
  const out = at.nestedDropoutHooks(headed, ["h1"], { p: 0.4, seed: 1 })(0).h1(ones);
  const v = out.dataSync();
  const heads = new Set<number>();
  for (let e = 0; e < 300; e++) {
    const row = Array.from(v.subarray(e * 24, e * 24 + 6));
    const b = row.indexOf(0) < 0 ? 3 : row.indexOf(0) / 2;
    assert.ok(Number.isInteger(b) && b >= 1, `example ${e}: whole units kept, at least one: ${row}`);
    assert.deepEqual(row, [...new Array(2 * b).fill(1), ...new Array(6 - 2 * b).fill(0)]);
    for (let t = 1; t < 4; t++) assert.deepEqual(Array.from(v.subarray(e * 24 + t * 6, e * 24 + (t + 1) * 6)), row);
    heads.add(b);
  }
  assert.deepEqual([...heads].sort(), [1, 2, 3]);
  tf.dispose([ones, out]);
  model.dispose();
});

test("training with nested dropout leaks nothing; bad options are refused", () => {
  const { model, train } = smallTask(8, [10]);
  const plain = model.clone();
  const tensors = tf.memory().numTensors;
  at.train(model, train, { steps: 10, learningRate: 1e-2, seed: 0, hooks: at.nestedDropoutHooks(model, ["h1"], { p: 0.2, seed: 0 }) });
  assert.equal(tf.memory().numTensors, tensors, "no leak");
  at.train(plain, train, { steps: 10, learningRate: 1e-2, seed: 0 });
  assert.notDeepEqual(snapshot(plain)[0], snapshot(model)[0], "the dropout changed the training");
  const refused = (fn: () => unknown, pattern: RegExp) => invariant(model, String(pattern), () => assertAntitrainError(fn, pattern));
  refused(() => at.nestedDropoutHooks(model, ["h1"], { p: 0, seed: 0 }), /p must be a finite number in \(0, 1\], got 0/);
  refused(() => at.nestedDropoutHooks(model, ["h1"], { p: 1.5, seed: 0 }), /p must be a finite number in \(0, 1\], got 1\.5/);
  refused(() => at.nestedDropoutHooks(model, ["h1"], { p: 0.1, seed: 0, rate: 0.5 } as at.NestedDropoutOptions), /unknown option "rate" of nestedDropoutHooks: the options are p, seed/);
  refused(() => at.nestedDropoutHooks(model, ["h1"], { p: 0.1 } as at.NestedDropoutOptions), /seed must be an integer, got undefined/);
  refused(() => at.nestedDropoutHooks(model, [], { p: 0.1, seed: 0 }), /non-empty list of sites/);
  refused(() => at.nestedDropoutHooks(model, ["h1"], { p: 0.1, seed: 0 })(1.5), /step must be an integer >= 0/);
  plain.dispose();
  model.dispose();
});
