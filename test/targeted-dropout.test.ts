import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { magnitudeScores } from "../lib/importance/magnitude";
import { assertAntitrainError, invariant, smallTask, snapshot, wrapModel } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/** 2 inputs → 10 hidden → 2 classes; hidden unit u's only weight is its incoming w[0][u] = MAGNITUDES[u]. */
const MAGNITUDES = [5, 1, 8, 3, 10, 2, 7, 4, 9, 6]; // the 30% smallest: units 1 (1), 5 (2), 3 (3)

function knownMagnitudes(): at.Mlp {
  const w = new Float32Array(20);
  w.set(MAGNITUDES);
  return new at.Mlp([
    { fanIn: 2, fanOut: 10, w, b: new Float32Array(10) },
    { fanIn: 10, fanOut: 2, w: new Float32Array(20), b: new Float32Array(2) },
  ]);
}

/** Per unit, the share of zeros in the hooked output of a batch of ones, over the given steps. */
function zeroShares(hooks: (step: number) => at.Hooks, steps: readonly number[], batch: number, units: number): number[] {
  const zeros = new Array<number>(units).fill(0);
  const ones = tf.ones([batch, units]);
  for (const s of steps) {
    const out = hooks(s).h1(ones);
    const v = out.dataSync();
    for (let i = 0; i < v.length; i++) if (v[i] === 0) zeros[i % units]++;
    out.dispose();
  }
  ones.dispose();
  return zeros.map((z) => z / (batch * steps.length));
}

test("targeted dropout zeroes only the bottom γ fraction by magnitude, each with probability α, and nothing else changes", () => {
  const model = knownMagnitudes();
  const hooks = at.targetedDropoutHooks(model, ["h1"], { targetFraction: 0.3, rate: 0.4, seed: 7 });
  const tensors = tf.memory().numTensors;
  const shares = zeroShares(hooks, [0, 1, 2, 3, 4], 2000, 10);
  assert.equal(tf.memory().numTensors, tensors, "no leak");
  shares.forEach((share, u) => {
    if ([1, 3, 5].includes(u)) assert.ok(Math.abs(share - 0.4) < 0.02, `targeted unit ${u} dropped ${share}`);
    else assert.equal(share, 0, `untargeted unit ${u} never dropped`);
  });
  const ones = tf.ones([50, 10]);
  const kept = tf.tidy(() => hooks(0).h1(ones).dataSync());
  assert.ok(kept.every((v) => v === 0 || v === 1), "no rescaling");
  const [a, b, c] = [hooks(3).h1(ones), hooks(3).h1(ones), hooks(4).h1(ones)];
  assert.deepEqual(a.dataSync(), b.dataSync(), "step s repeats");
  assert.notDeepEqual(a.dataSync(), c.dataSync(), "another step draws anew");
  const again = at.targetedDropoutHooks(model, ["h1"], { targetFraction: 0.3, rate: 0.4, seed: 7 })(3).h1(ones);
  assert.deepEqual(again.dataSync(), a.dataSync(), "the same seed reproduces");
  tf.dispose([ones, a, b, c, again]);
  model.dispose();
});

test("targets follow the current magnitude scores: rate 1 removes exactly the lowest units of magnitudeScores", () => {
  const { model } = smallTask(6, [12]);
  const hooks = at.targetedDropoutHooks(model, ["h1"], { targetFraction: 0.25, rate: 1, seed: 0 });
  const lowest = () => at.ranked({ scores: magnitudeScores(model, "h1") }).slice(-3).sort((a, b) => a - b);
  const dropped = (step: number) => zeroShares(hooks, [step], 5, 12).flatMap((share, u) => (share === 1 ? [u] : []));
  const before = lowest();
  assert.deepEqual(dropped(0), before);
  assert.ok(zeroShares(hooks, [0], 5, 12).every((s) => s === 0 || s === 1));
  // make the strongest unit the weakest: the next step targets it
  const strongest = at.ranked({ scores: magnitudeScores(model, "h1") })[0];
  tf.tidy(() => {
    const [w1, , w2] = model.variables();
    const keep = tf.tensor1d(Array.from({ length: 12 }, (_, u) => (u === strongest ? 1e-3 : 1)));
    w1.assign(tf.mul(w1, keep));
    w2.assign(tf.mul(w2, tf.reshape(keep, [12, 1])));
  });
  assert.ok(dropped(1).includes(strongest) && lowest().includes(strongest));
  assert.deepEqual(dropped(1), lowest());
  model.dispose();
});

test("training with targeted dropout is reproducible from the seed and leaks nothing", () => {
  const { model, train } = smallTask(7, [8, 6]);
  const twin = model.clone();
  const plain = model.clone();
  const options = { targetFraction: 0.5, rate: 0.5, seed: 3 };
  const tensors = tf.memory().numTensors;
  at.train(model, train, { steps: 15, learningRate: 1e-2, seed: 0, hooks: at.targetedDropoutHooks(model, ["h1", "h2"], options) });
  assert.equal(tf.memory().numTensors, tensors, "no leak");
  at.train(twin, train, { steps: 15, learningRate: 1e-2, seed: 0, hooks: at.targetedDropoutHooks(twin, ["h1", "h2"], options) });
  const a = snapshot(model);
  snapshot(twin).forEach((v, i) => assert.deepEqual(v, a[i], `variable ${i}`));
  at.train(plain, train, { steps: 15, learningRate: 1e-2, seed: 0 });
  assert.notDeepEqual(snapshot(plain)[0], a[0], "the dropout changed the training");
  plain.dispose();
  twin.dispose();
  model.dispose();
});

test("targetedDropoutHooks refuses bad options, steps and models, leaking nothing", () => {
  const model = at.mlp({ inputs: 3, hidden: [4], classes: 2 });
  const refused = (fn: () => unknown, pattern: RegExp) => invariant(model, String(pattern), () => assertAntitrainError(fn, pattern));
  const ok = { targetFraction: 0.5, rate: 0.5, seed: 0 };
  refused(() => at.targetedDropoutHooks(model, ["h1"], { ...ok, fraction: 0.5 } as at.TargetedDropoutOptions), /unknown option "fraction" of targetedDropoutHooks: the options are targetFraction, rate, seed/);
  refused(() => at.targetedDropoutHooks(model, ["h1"], { ...ok, targetFraction: 1.5 }), /targetFraction must be a finite number in \[0, 1\], got 1\.5/);
  refused(() => at.targetedDropoutHooks(model, ["h1"], { ...ok, rate: Number.NaN }), /rate must be a finite number in \[0, 1\], got NaN/);
  refused(() => at.targetedDropoutHooks(model, ["h1"], { ...ok, seed: 0.5 }), /seed must be an integer, got 0\.5/);
  refused(() => at.targetedDropoutHooks(model, ["h1"], undefined as unknown as at.TargetedDropoutOptions), /needs options \{ targetFraction, rate, seed \}/);
  refused(() => at.targetedDropoutHooks(model, ["x"], ok), /unknown site "x"/);
  refused(() => at.targetedDropoutHooks(wrapModel(model, { namedVariables: () => [] }), ["h1"], ok), /needs a site "h<i>" between dense layers/);
  refused(() => at.targetedDropoutHooks(model, ["h1"], ok)(-1), /step must be an integer >= 0, got -1/);
  model.dispose();
});
