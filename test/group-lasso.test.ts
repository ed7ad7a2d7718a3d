import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { magnitudeScores } from "../lib/importance/magnitude";
import { assertAntitrainError, invariant, smallTask, snapshot, wrapModel } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/** Σ_units sqrt(‖column j of w_i‖² + b_i[j]² + ‖row j of w_{i+1}‖²) of site h{i+1}, in float64. */
function groupNormsReference(model: at.Mlp, site: string): number[] {
  const index = Number(site.slice(1)) - 1;
  const layers = model.weights();
  const a = layers[index];
  const b = layers[index + 1];
  return Array.from({ length: a.fanOut }, (_, u) => {
    let s = a.b[u] ** 2;
    for (let i = 0; i < a.fanIn; i++) s += a.w[i * a.fanOut + u] ** 2;
    for (let o = 0; o < b.fanOut; o++) s += b.w[u * b.fanOut + o] ** 2;
    return Math.sqrt(s);
  });
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

test("the group lasso penalty equals lambda × Σ group norms (incoming weights + bias, outgoing weights) of a plain-JS reference", () => {
  const layers = at.mlp({ inputs: 5, hidden: [4, 3], classes: 2, seed: 3 }).weights(); // a throwaway model's weights, biases set by hand
  const model = new at.Mlp(layers.map((l, i) => ({ ...l, b: Float32Array.from(l.b, (_, u) => 0.5 * (u + 1) * (i % 2 === 0 ? 1 : -1)) })));
  const x = tf.zeros([2, 5]) as tf.Tensor2D;
  for (const [sites, lambda] of [[["h1"], 0.1], [["h2"], 2], [["h1", "h2"], 0.03]] as const) {
    const penalty = at.groupLasso(model, sites, lambda);
    const tensors = tf.memory().numTensors;
    const p = penalty(x);
    const got = p.dataSync()[0];
    p.dispose();
    assert.equal(tf.memory().numTensors, tensors, "the penalty frees what it made");
    const expected = lambda * sum(sites.flatMap((s) => groupNormsReference(model, s)));
    assert.ok(Math.abs(got - expected) <= 1e-5 * Math.max(1, expected), `${sites}: ${got} vs ${expected}`);
  }
  const zero = at.groupLasso(model, ["h1"], 0)(x);
  assert.equal(zero.dataSync()[0], 0);
  tf.dispose([zero, x]);
  model.dispose();
});

test("group lasso training switches whole units off; magnitude ranking + compress then removes them at no cost", () => {
  const { model, train, test: testData } = smallTask(1, [12]);
  const plain = model.clone();
  at.train(plain, train, { steps: 300, learningRate: 1e-2, seed: 0 });
  at.train(model, train, { steps: 300, learningRate: 1e-2, seed: 0, penalty: at.groupLasso(model, ["h1"], 0.03) });
  const lasso = groupNormsReference(model, "h1");
  const ref = groupNormsReference(plain, "h1");
  const off = lasso.filter((n) => n < 0.01).length;
  const on = lasso.filter((n) => n > 0.5).length;
  assert.ok(off >= 3 && on >= 3 && off + on === 12, `group norms split into off and on: ${lasso.map((n) => n.toFixed(3))}`);
  assert.ok(Math.min(...ref) > 1, `plain training leaves every group large: ${ref.map((n) => n.toFixed(3))}`);
  // pruning pipeline: rank by weight magnitude, keep the units that are on, fold the rest's means into the next bias
  const keep = at.ranked({ scores: magnitudeScores(model, "h1") }).slice(0, on);
  assert.deepEqual([...keep].sort((a, b) => a - b), lasso.flatMap((n, u) => (n > 0.5 ? [u] : [])));
  const small = at.compress(model, "h1", { core: keep }, { stats: at.collectStats(model, "h1", train) });
  assert.equal(small.sites()[0].units, on);
  const full = at.evaluate(model, testData);
  const pruned = at.evaluate(small, testData);
  assert.ok(full.accuracy > 0.7, `lasso model still learns: ${full.accuracy}`);
  assert.ok(Math.abs(pruned.accuracy - full.accuracy) <= 0.02 && Math.abs(pruned.loss - full.loss) < 0.02, `${JSON.stringify(pruned)} vs ${JSON.stringify(full)}`);
  for (const m of [small, plain, model]) m.dispose();
});

test("group lasso with lambda 0 trains bit-for-bit like plain training", () => {
  const { model, train } = smallTask(2, [8, 6]);
  const twin = model.clone();
  at.train(model, train, { steps: 20, learningRate: 1e-2, seed: 5 });
  at.train(twin, train, { steps: 20, learningRate: 1e-2, seed: 5, penalty: at.groupLasso(twin, ["h1", "h2"], 0) });
  const a = snapshot(model);
  snapshot(twin).forEach((v, i) => assert.deepEqual(v, a[i], `variable ${i}`));
  model.dispose();
  twin.dispose();
});

test("groupLasso refuses bad lambdas and sites, leaking nothing", () => {
  const model = at.mlp({ inputs: 3, hidden: [4], classes: 2 });
  const refused = (fn: () => unknown, pattern: RegExp) => invariant(model, String(pattern), () => assertAntitrainError(fn, pattern));
  refused(() => at.groupLasso(model, ["h1"], Number.NaN), /lambda must be a finite number in \[0, Infinity\], got NaN/);
  refused(() => at.groupLasso(model, ["h1"], -1), /lambda must be a finite number/);
  refused(() => at.groupLasso(model, [], 1e-3), /non-empty list of sites, e\.g\. \["h1"\]/);
  refused(() => at.groupLasso(model, ["h2"], 1e-3), /unknown site "h2": this mlp model has sites "h1"/);
  refused(() => at.groupLasso(model, ["h1", "h1"], 1e-3), /"h1" is listed twice/);
  const custom = wrapModel(model, { namedVariables: () => [] });
  refused(() => at.groupLasso(custom, ["h1"], 1e-3), /needs a site "h<i>" between dense layers .* this custom model has none/);
  model.dispose();
});
