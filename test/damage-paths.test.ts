import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import type { DenseSiteSplit, Hooks, NamedVariable, SiteInfo, SiteSplit } from "../lib/models/types";
import { assertAntitrainError, invariant, smallTask, wrapModel } from "./helpers";

// Every fast path must give the plain loop's numbers: same draws (same seed), float32 rounding only. The metric
// values are means over examples of cross-entropy (order 1), so 2e-5 absolute is a few float32 ulps of headroom.
const TOL = 2e-5;

before(async () => {
  await at.ready({ quiet: true });
});

/** Random inputs and labels for a model. */
function randomData(inputs: number, classes: number, n: number, seed: number): at.Dataset {
  const rng = new at.Rng(seed);
  const x = Array.from({ length: n * inputs }, () => rng.normal());
  const y = Array.from({ length: n }, () => rng.int(classes));
  return at.dataset(x, y, { features: inputs, classes });
}

/** Singles, a pair, a repeated unit, an empty set, a random larger set and the whole site. */
function perturbationsFor(units: number, seed: number): number[][] {
  const rng = new at.Rng(seed);
  const singles = Array.from({ length: units }, (_, u) => [u]);
  const some = Array.from(rng.permutation(units)).slice(0, Math.max(2, Math.floor(units / 3)));
  return [...singles, [0, units - 1], [1, 1], [], some, Array.from({ length: units }, (_, u) => u)];
}

function assertClose(actual: Float64Array, expected: Float64Array, what: string, tol = TOL): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, i) => {
    assert.ok(Math.abs(v - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `${what}: perturbation ${i}: ${v} vs loop ${expected[i]}`);
  });
}

/**
 * A tiny model with a residual connection: h = relu(x·W1 + b1) (site "h"), r = relu(h·W2 + b2) + h (site "r"),
 * logits = r·W3 + b3. Site "h" feeds a dense layer and the skip path (readsAct), site "r" feeds the output layer.
 */
class ResidualModel implements at.HookedModel {
  readonly kind = "residual-test";
  readonly classes: number;
  private readonly vars: NamedVariable[];

  constructor(
    readonly inputs: number,
    private readonly hidden: number,
    classes: number,
    seed: number,
  ) {
    this.classes = classes;
    const rng = new at.Rng(seed);
    const mat = (r: number, c: number) => tf.variable(tf.tensor2d(Float32Array.from({ length: r * c }, () => rng.normal() / Math.sqrt(r)), [r, c]));
    const vec = (c: number) => tf.variable(tf.tensor1d(Float32Array.from({ length: c }, () => 0.1 * rng.normal())));
    this.vars = [
      { name: "w1", variable: mat(inputs, hidden) },
      { name: "b1", variable: vec(hidden) },
      { name: "w2", variable: mat(hidden, hidden) },
      { name: "b2", variable: vec(hidden) },
      { name: "w3", variable: mat(hidden, classes) },
      { name: "b3", variable: vec(classes) },
    ];
  }

  private v(i: number): tf.Variable {
    return this.vars[i].variable;
  }

  sites(): SiteInfo[] {
    return [
      { name: "h", units: this.hidden },
      { name: "r", units: this.hidden },
    ];
  }
  variables(): tf.Variable[] {
    return this.vars.map((v) => v.variable);
  }
  namedVariables(): NamedVariable[] {
    return this.vars;
  }
  forward(x: tf.Tensor, hooks: Hooks = {}): tf.Tensor2D {
    return tf.tidy(() => {
      let h = tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, this.v(0)), this.v(1))) as tf.Tensor2D;
      if (hooks.h) h = hooks.h(h) as tf.Tensor2D;
      return this.fromH(h, hooks);
    });
  }
  private fromH(h: tf.Tensor2D, hooks: Hooks): tf.Tensor2D {
    return this.fromPre(tf.add(tf.matMul(h, this.v(2)), this.v(3)), () => h, hooks);
  }
  private fromPre(pre: tf.Tensor, h: () => tf.Tensor, hooks: Hooks = {}): tf.Tensor2D {
    let r = tf.add(tf.relu(pre), h()) as tf.Tensor2D;
    if (hooks.r) r = hooks.r(r) as tf.Tensor2D;
    return tf.add(tf.matMul(r, this.v(4)), this.v(5)) as tf.Tensor2D;
  }
  split(site: string, x: tf.Tensor): SiteSplit {
    const act = tf.tidy(() => {
      const h = tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, this.v(0)), this.v(1))) as tf.Tensor2D;
      return site === "h" ? h : tf.add(tf.relu(tf.add(tf.matMul(h, this.v(2)), this.v(3))), h);
    });
    const resume = (a: tf.Tensor) =>
      tf.tidy(() => (site === "h" ? this.fromH(a as tf.Tensor2D, {}) : (tf.add(tf.matMul(a as tf.Tensor2D, this.v(4)), this.v(5)) as tf.Tensor2D)));
    return { act, resume, dispose: () => act.dispose() };
  }
  splitDense(site: string, x: tf.Tensor): DenseSiteSplit {
    const cut = this.split(site, x);
    const [w, b] = site === "h" ? [this.v(2), this.v(3)] : [this.v(4), this.v(5)];
    const pre = tf.tidy(() => tf.add(tf.matMul(cut.act as tf.Tensor2D, w as tf.Tensor as tf.Tensor2D), b));
    return {
      ...cut,
      weight: w as tf.Tensor as tf.Tensor2D,
      pre,
      readsAct: site === "h",
      resumeFromPre: (z: tf.Tensor, act: () => tf.Tensor) =>
        tf.tidy(() => (site === "h" ? this.fromPre(z, act) : (z as tf.Tensor2D))),
      dispose: () => {
        cut.dispose();
        pre.dispose();
      },
    };
  }
  downstreamVariables(site: string): tf.Variable[] {
    return this.variables().slice(site === "h" ? 2 : 4);
  }
  dispose(): void {
    for (const v of this.vars) v.variable.dispose();
  }
}

/**
 * maxElements giving chunks of `c` perturbations on a path, for one slice of `n` rows (`out2`: the width of the
 * dense layer after next, for the sign-flip path).
 */
function maxElementsFor(path: "batched" | "lowRank" | "signFlip", c: number, n: number, features: number, out: number, readsAct = false, out2 = 0): number {
  if (path === "signFlip") return c * out2 * Math.max(n, out);
  return c * n * (path === "batched" ? features : readsAct ? Math.max(out, features) : out);
}

test("batched, low-rank and sign-flip paths equal the plain loop on random MLPs, every method, chunk sizes 1, 2, 7 and all", () => {
  const n = 23;
  const data = randomData(5, 4, n, 1);
  for (const activation of ["tanh", "relu"] as const) {
    const model = at.mlp({ inputs: 5, hidden: [9, 7], classes: 4, seed: 3, activation });
    for (const [site, features, out] of [
      ["h1", 9, 7],
      ["h2", 7, 4],
    ] as const) {
      const stats = at.collectStats(model, site, data);
      const perts = perturbationsFor(features, 2);
      // the sign-flip path needs a ReLU and a dense layer after next: h1 of the ReLU model
      const paths = activation === "relu" && site === "h1" ? (["batched", "lowRank", "signFlip"] as const) : (["batched", "lowRank"] as const);
      for (const method of at.RANDOMIZE_METHODS) {
        const base = { stats, method, seed: 4, samples: 2, batchSize: 64 };
        const loop = at.damage(model, site, data, perts, { ...base, path: "loop" });
        for (const path of paths) {
          for (const c of [1, 2, 7, perts.length]) {
            const maxElements = maxElementsFor(path, c, n, features, out, false, 4);
            const got = invariant(model, `${path} ${site}`, () => at.damage(model, site, data, perts, { ...base, path, maxElements })) as at.DamageResult;
            assert.ok(Math.abs(got.clean - loop.clean) < 1e-6, "clean metric");
            assertClose(got.values, loop.values, `${activation} ${site} ${method} ${path} chunk ${c}`);
          }
        }
      }
    }
    model.dispose();
  }
  at.disposeDataset(data);
});

test("the paths agree on several data slices (batchSize smaller than the data) and on every metric", () => {
  const data = randomData(4, 3, 37, 6);
  // one hidden layer (h1 feeds the read-out), and two (h1 also takes the sign-flip path)
  for (const hidden of [[8], [8, 6]]) {
    const model = at.mlp({ inputs: 4, hidden, classes: 3, seed: 5 });
    const stats = at.collectStats(model, "h1", data);
    const perts = perturbationsFor(8, 7);
    const paths = hidden.length > 1 ? (["auto", "batched", "lowRank", "signFlip"] as const) : (["auto", "batched", "lowRank"] as const);
    for (const metric of at.METRICS) {
      const base = { stats, metric, seed: 1, batchSize: 16 };
      const loop = at.damage(model, "h1", data, perts, { ...base, path: "loop" });
      for (const path of paths) {
        const got = at.damage(model, "h1", data, perts, { ...base, path, maxElements: 2 * 16 * 8 });
        // accuracy counts examples: a float32 near-tie could flip one argmax, so allow one example in 37.
        assertClose(got.values, loop.values, `${hidden} ${metric} ${path}`, metric === "accuracy" ? 1 / 37 + 1e-9 : TOL);
      }
    }
    model.dispose();
  }
  at.disposeDataset(data);
});

test("batched and low-rank paths equal the plain loop on a model with a residual connection", () => {
  const model = new ResidualModel(5, 6, 3, 11);
  const n = 19;
  const data = randomData(5, 3, n, 12);
  for (const site of ["h", "r"] as const) {
    const stats = at.collectStats(model, site, data);
    const perts = perturbationsFor(6, 3);
    for (const method of at.RANDOMIZE_METHODS) {
      const base = { stats, method, seed: 2, batchSize: 64 };
      const loop = at.damage(model, site, data, perts, { ...base, path: "loop" });
      for (const path of ["batched", "lowRank"] as const) {
        for (const c of [1, 2, 7, perts.length]) {
          const maxElements = maxElementsFor(path, c, n, 6, site === "h" ? 6 : 3, site === "h");
          const got = invariant(model, `${path} ${site}`, () => at.damage(model, site, data, perts, { ...base, path, maxElements })) as at.DamageResult;
          assertClose(got.values, loop.values, `residual ${site} ${method} ${path} chunk ${c}`);
        }
      }
    }
  }
  model.dispose();
  at.disposeDataset(data);
});

test("auto takes the low-rank path for single units and the batched path for the whole site", () => {
  const model = at.mlp({ inputs: 4, hidden: [16], classes: 3, seed: 1 });
  const data = randomData(4, 3, 20, 2);
  const engine = new at.DamageEngine(model, "h1", data, { seed: 0 });
  try {
    assert.ok(engine.lowRankAvailable);
    engine.evaluate([[0], [1], [2, 3], Array.from({ length: 16 }, (_, u) => u)]);
    assert.deepEqual(engine.pathCounts, { signFlip: 0, lowRank: 3, batched: 1, loop: 0 });
    assert.equal(engine.evaluations, 4);
  } finally {
    engine.dispose();
  }
  model.dispose();
  at.disposeDataset(data);
});

test("a model without splitDense measures on the batched path; forcing lowRank there is a clear error", () => {
  const seq = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 6, activation: "relu", name: "hidden" }), tf.layers.dense({ units: 3, name: "out" })],
  });
  // fromLayersModel now offers splitDense (the low-rank path); behind the bare interface it has none.
  const model = wrapModel(at.fromLayersModel(seq));
  const data = randomData(4, 3, 12, 3);
  const perts = perturbationsFor(6, 1);
  const loop = at.damage(model, "hidden", data, perts, { seed: 1, path: "loop" });
  const auto = invariant(model, "auto", () => at.damage(model, "hidden", data, perts, { seed: 1 })) as at.DamageResult;
  assertClose(auto.values, loop.values, "sequential auto");
  // invariant returns what the assertion threw instead of throwing it: undefined means it held.
  assert.equal(invariant(model, "lowRank error", () => assertAntitrainError(() => at.damage(model, "hidden", data, [[0]], { path: "lowRank" }), /lowRank.*auto/)), undefined);
  assertAntitrainError(() => at.damage(model, "hidden", data, [[0]], { path: "fast" as at.DamagePath }), /path must be one of/);
  assertAntitrainError(() => at.damage(model, "hidden", data, [[0]], { maxElements: 0 }), /maxElements/);
  seq.dispose();
  at.disposeDataset(data);
});

test("findCore uses at most ceil(log2 W) + 1 evaluations and frees every tensor", () => {
  const { model, test: heldOut } = smallTask(0, [24]);
  const stats = at.collectStats(model, "h1", heldOut);
  const imp = at.importance(model, "h1", heldOut, { stats, seed: 0 });
  for (const fraction of [0.5, 0.9, 0.95, 1]) {
    const split = invariant(model, "findCore", () => at.findCore(model, "h1", heldOut, { stats, importance: imp, fraction })) as at.CoreSplit;
    assert.ok(split.evaluations <= Math.ceil(Math.log2(24)) + 1, `fraction ${fraction}: ${split.evaluations} evaluations`);
    assert.ok(split.evaluations >= 1);
    assert.equal(split.core.length + split.spectators.length, 24);
  }
  model.dispose();
});

test("importance on the default (auto) path equals the loop reference and leaks nothing", () => {
  const { model, test: heldOut } = smallTask(1, [10]);
  const stats = at.collectStats(model, "h1", heldOut);
  const loop = at.importance(model, "h1", heldOut, { stats, seed: 3, path: "loop" });
  const fast = invariant(model, "importance", () => at.importance(model, "h1", heldOut, { stats, seed: 3 })) as at.Importance;
  assertClose(Float64Array.from(fast.scores), Float64Array.from(loop.scores), "importance scores");
  assert.ok(Math.abs(fast.full - loop.full) < TOL);
  model.dispose();
});

test("units spanning several columns (width 2, like attention heads) agree across paths", () => {
  class PairedUnits extends ResidualModel {
    override sites(): SiteInfo[] {
      return [
        { name: "h", units: 3, width: 2 },
        { name: "r", units: 3, width: 2 },
      ];
    }
  }
  const model = new PairedUnits(4, 6, 3, 21);
  const data = randomData(4, 3, 17, 22);
  const stats = at.collectStats(model, "h", data);
  const perts = perturbationsFor(3, 5);
  for (const method of at.RANDOMIZE_METHODS) {
    const base = { stats, method, seed: 3 };
    const loop = at.damage(model, "h", data, perts, { ...base, path: "loop" });
    for (const path of ["auto", "batched", "lowRank"] as const) {
      const got = invariant(model, `width-2 ${path}`, () => at.damage(model, "h", data, perts, { ...base, path, maxElements: 2 * 17 * 6 })) as at.DamageResult;
      assertClose(got.values, loop.values, `width 2 ${method} ${path}`);
    }
  }
  model.dispose();
  at.disposeDataset(data);
});

test("a disposed engine refuses to measure instead of returning zeros", () => {
  const model = at.mlp({ inputs: 3, hidden: [4], classes: 2, seed: 0 });
  const data = randomData(3, 2, 8, 1);
  const engine = new at.DamageEngine(model, "h1", data, { seed: 0 });
  engine.dispose();
  assertAntitrainError(() => engine.evaluate([[0]]), /disposed/);
  model.dispose();
  at.disposeDataset(data);
});
