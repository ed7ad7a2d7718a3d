import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError, invariant } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/** The model's variable of that name. */
function named(model: at.HookedModel, name: string): tf.Variable {
  const found = model.namedVariables().find((v) => v.name === name);
  assert.ok(found !== undefined, `no variable ${name}`);
  return found.variable;
}

test("an MLP's unitParameters name the dense weights around each site and the axis of its units", () => {
  const model = at.mlp({ inputs: 4, hidden: [5, 3], classes: 2, seed: 1 });
  for (const [site, layer, units, fanIn, fanOut] of [
    ["h1", 1, 5, 4, 3],
    ["h2", 2, 3, 5, 2],
  ] as const) {
    const p = invariant(model, site, () => model.unitParameters(site)) as at.UnitParameters;
    assert.equal(p.site, site);
    assert.equal(p.units, units);
    assert.equal(p.into.variable, named(model, `dense${layer}/w`), `${site}: into is the layer that makes it`);
    assert.equal(p.bias.variable, named(model, `dense${layer}/b`));
    assert.equal(p.out.variable, named(model, `dense${layer + 1}/w`), `${site}: out is the layer that reads it`);
    assert.deepEqual([p.into.axis, p.bias.axis, p.out.axis], [1, 0, 0]);
    assert.deepEqual([p.into.variable.shape, p.bias.variable.shape, p.out.variable.shape], [[fanIn, units], [units], [units, fanOut]]);
    assert.deepEqual(p.others, []);
  }
  model.dispose();
});

test("the axes are the units': zeroing unit u's slices silences exactly unit u and its effect downstream", () => {
  const model = at.mlp({ inputs: 4, hidden: [5, 3], classes: 2, seed: 2 });
  const x = tf.randomNormal([6, 4], 0, 1, "float32", 3);
  const u = 1;
  const cut = (m: at.HookedModel) => {
    const split = m.split("h2", x);
    const act = split.act.arraySync() as number[][];
    split.dispose();
    return act;
  };
  const clean = cut(model);
  const { into, bias, out } = model.unitParameters("h2");
  const zeroSlice = (p: at.UnitParameter) =>
    tf.tidy(() => {
      const mask = p.variable.shape.map((d, a) => (a === p.axis ? d : 1));
      const keep = Float32Array.from({ length: mask[p.axis] }, (_, i) => (i === u ? 0 : 1));
      p.variable.assign(tf.mul(p.variable, tf.tensor(keep, mask)));
    });
  zeroSlice(into);
  zeroSlice(bias);
  const act = cut(model);
  act.forEach((row, i) => row.forEach((v, j) => assert.equal(v, j === u ? 0 : clean[i][j], `example ${i}, unit ${j}`)));
  // With unit u's outgoing row zeroed as well, its value no longer reaches the logits.
  zeroSlice(out);
  const a = model.forward(x, { h2: (h) => h.add(tf.oneHot([u, u, u, u, u, u], 3).mul(100)) });
  const b = model.forward(x);
  assert.deepEqual(a.dataSync(), b.dataSync());
  tf.dispose([x, a, b]);
  model.dispose();
});

test("unitParameters refuses an unknown site with an AntitrainError naming the sites, leaking nothing", () => {
  const model = at.mlp({ inputs: 4, hidden: [5, 3], classes: 2 });
  invariant(model, "h3", () => assertAntitrainError(() => model.unitParameters("h3"), /unknown site "h3": this mlp model has sites "h1", "h2"/));
  invariant(model, "dense1", () => assertAntitrainError(() => model.unitParameters("dense1/w"), /unknown site "dense1\/w".*"h1", "h2"/));
  model.dispose();
  assertAntitrainError(() => model.unitParameters("h1"), /was disposed/);
});

test("a tunable MLP adds its per-unit shape parameter; a per-layer one belongs to no unit", () => {
  const perUnit = at.tunableMlp({ inputs: 3, hidden: [4, 2], classes: 2, shapePer: "unit" });
  const p = perUnit.unitParameters("h2");
  assert.equal(p.into.variable, named(perUnit, "dense2/w"));
  assert.deepEqual(p.others, [{ variable: named(perUnit, "act2/t"), axis: 0 }]);
  const perLayer = at.tunableMlp({ inputs: 3, hidden: [4, 2], classes: 2, shapePer: "layer" });
  assert.deepEqual(perLayer.unitParameters("h1").others, []);
  perUnit.dispose();
  perLayer.dispose();
});

test("a transformer's MLP sites have unit parameters; heads and residual dims are refused naming the MLP sites", () => {
  const model = at.transformer({ vocab: 6, seqLen: 3, classes: 5, dModel: 8, heads: 2, dMlp: 12, layers: 2, seed: 0 });
  const p = model.unitParameters("blocks.1.mlp");
  assert.equal(p.units, 12);
  assert.equal(p.into.variable, named(model, "blocks.1.mlp/W_in"));
  assert.equal(p.bias.variable, named(model, "blocks.1.mlp/b_in"));
  assert.equal(p.out.variable, named(model, "blocks.1.mlp/W_out"));
  assert.deepEqual([p.into.axis, p.bias.axis, p.out.axis], [1, 0, 0]);
  assert.deepEqual([p.into.variable.shape, p.out.variable.shape], [[8, 12], [12, 8]]);
  for (const site of ["blocks.0.attn", "blocks.1.resid"]) {
    invariant(model, site, () => assertAntitrainError(() => model.unitParameters(site), /sites with unit parameters are "blocks\.0\.mlp", "blocks\.1\.mlp"/));
  }
  assertAntitrainError(() => model.unitParameters("blocks.2.mlp"), /unknown site "blocks\.2\.mlp"/);
  // What uses unit parameters follows: group lasso on a transformer's MLP neurons, refused on heads.
  const penalty = at.groupLasso(model, ["blocks.0.mlp"], 0.5);
  const got = tf.tidy(() => penalty(tf.zeros([1, 3])).dataSync()[0]);
  const w = named(model, "blocks.0.mlp/W_in").arraySync() as number[][];
  const b = named(model, "blocks.0.mlp/b_in").arraySync() as number[];
  const o = named(model, "blocks.0.mlp/W_out").arraySync() as number[][];
  let expected = 0;
  for (let u = 0; u < 12; u++) {
    let s = b[u] ** 2 + 1e-12;
    for (const row of w) s += row[u] ** 2;
    for (const v of o[u]) s += v ** 2;
    expected += Math.sqrt(s);
  }
  assert.ok(Math.abs(got - 0.5 * expected) < 1e-5 * expected, `${got} vs ${0.5 * expected}`);
  assertAntitrainError(() => at.groupLasso(model, ["blocks.0.attn"], 0.5), /groupLasso needs a site .* between dense layers.*a head reads W_Q, W_K and W_V/);
  model.dispose();
});
