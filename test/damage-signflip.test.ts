import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import type { SignFlipEstimate } from "../lib/measure/damage-signflip";
import { assertAntitrainError, invariant } from "./helpers";

// The sign-flip path (lib/measure/damage-signflip.ts) against the plain loop (same draws: float32 rounding only) and
// against a float64 reference written here in plain JavaScript. Stated tolerance: cross-entropy and bounded
// cross-entropy within 1e-5 relative (|a − b| ≤ 1e-5 · max(1, |b|)); accuracy within one example (a float32 near-tie
// may flip one argmax).
const REL = 1e-5;

before(async () => {
  await at.ready({ quiet: true });
});

function randomData(inputs: number, classes: number, n: number, seed: number): at.Dataset {
  const rng = new at.Rng(seed);
  return at.dataset(
    Array.from({ length: n * inputs }, () => rng.normal()),
    Array.from({ length: n }, () => rng.int(classes)),
    { features: inputs, classes },
  );
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `${what}: perturbation ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Tolerance for a metric's values: relative for the losses, one example in n for accuracy. */
function tolFor(metric: at.Metric, n: number): number {
  return metric === "accuracy" ? 1 / n + 1e-9 : REL;
}

/**
 * The float64 reference: the MLP's forward pass in plain JavaScript numbers, with `units` of `site` (h1) replaced by
 * the engine's draws (same stats, method, seed and sample streams), the metric averaged over examples and samples.
 */
function float64Reference(model: at.Mlp, data: at.Dataset, stats: at.UnitStats, method: at.RandomizeMethod, metric: at.Metric, seed: number, samples: number, perts: number[][]): number[] {
  const layers = model.weights();
  const x = data.x.dataSync();
  const y = data.y.dataSync();
  const n = y.length;
  const inputs = layers[0].fanIn;
  const width = layers[0].fanOut;
  const draws = Array.from({ length: samples }, (_, s) => at.drawReplacements(stats, method, n, at.rngFor(seed, s)));
  const dense = (h: number[], l: at.DenseWeights, relu: boolean): number[] =>
    Array.from({ length: l.fanOut }, (_, o) => {
      let z = l.b[o];
      for (let i = 0; i < l.fanIn; i++) z += h[i] * l.w[i * l.fanOut + o];
      return relu ? Math.max(0, z) : z;
    });
  return perts.map((units) => {
    let sum = 0;
    for (let s = 0; s < samples; s++) {
      for (let r = 0; r < n; r++) {
        let h = dense(Array.from(x.subarray(r * inputs, (r + 1) * inputs)), layers[0], true);
        h = h.map((v, u) => (units.includes(u) ? draws[s][r * width + u] : v));
        for (let l = 1; l < layers.length; l++) h = dense(h, layers[l], l < layers.length - 1);
        const label = y[r];
        const top = Math.max(...h);
        const lse = top + Math.log(h.reduce((a, v) => a + Math.exp(v - top), 0));
        const ce = lse - h[label];
        sum += metric === "accuracy" ? (h.indexOf(top) === label ? 1 : 0) : metric === "loss" ? ce : Math.min(ce, Math.log(h.length));
      }
    }
    return sum / (n * samples);
  });
}

test("sign-flip equals the plain loop and a float64 reference for every method and metric, at several widths and depths", () => {
  const n = 36;
  for (const hidden of [
    [5, 4],
    [24, 16],
    [32, 20],
    [16, 12, 8], // the layer after next is hidden: its continuation runs a ReLU and one more layer
  ]) {
    const model = at.mlp({ inputs: 6, hidden, classes: 4, seed: hidden[0] });
    const data = randomData(6, 4, n, 7);
    const stats = at.collectStats(model, "h1", data);
    const units = hidden[0];
    const perts = [...Array.from({ length: units }, (_, u) => [u]), []];
    for (const method of at.RANDOMIZE_METHODS) {
      for (const metric of at.METRICS) {
        const base = { stats, method, metric, seed: 5, samples: 2, batchSize: 16 }; // 3 slices of 16, 16 and 4 rows
        const loop = at.damage(model, "h1", data, perts, { ...base, path: "loop" });
        const engine = invariant(model, "signFlip engine", () => {
          const e = new at.DamageEngine(model, "h1", data, { ...base, path: "signFlip", maxElements: 3 * 4 * 16 });
          try {
            return { values: e.evaluate(perts), counts: { ...e.pathCounts }, flips: e.signFlips.flips };
          } finally {
            e.dispose();
          }
        }) as { values: Float64Array; counts: Record<string, number>; flips: number };
        assert.equal(engine.counts.signFlip, perts.length, "every single unit and the empty set on the sign-flip path");
        assert.ok(engine.flips > 0, `${hidden} ${method}: some ReLU inputs changed sign (the correction was exercised)`);
        const what = `${hidden} ${method} ${metric}`;
        assertClose(engine.values, loop.values, tolFor(metric, n), `${what} signFlip vs loop`);
        const ref = float64Reference(model, data, stats, method, metric, 5, 2, perts);
        assertClose(engine.values, ref, tolFor(metric, n), `${what} signFlip vs float64`);
        assertClose(loop.values, ref, tolFor(metric, n), `${what} loop vs float64`);
      }
    }
    model.dispose();
    at.disposeDataset(data);
  }
});

/**
 * A hand-made ReLU MLP with integer data, where the next layer's pre-activation is exactly 0 before and/or after a
 * replacement: h1 = relu(x0), relu(x1), relu(x0 − x1); h2's inputs z0 = h1_0 − h1_2, z1 = h1_1, z2 = h1_2 − h1_0 − h1_1
 * (no bias). Zeroing a unit gives exact zeros (z1 = 0 after zeroing unit 1 wherever it was positive); z0 and z2 are 0
 * on many rows before any replacement.
 */
function tieModel(): { model: at.Mlp; data: at.Dataset } {
  const model = new at.Mlp([
    { fanIn: 2, fanOut: 3, w: new Float32Array([1, 0, 1, 0, 1, -1]), b: new Float32Array(3) },
    { fanIn: 3, fanOut: 3, w: new Float32Array([1, 0, -1, 0, 1, -1, -1, 0, 1]), b: new Float32Array(3) },
    { fanIn: 3, fanOut: 2, w: new Float32Array([1, -1, 2, 0.5, -1, 1]), b: new Float32Array([0.25, 0]) },
  ]);
  const x: number[] = [];
  const y: number[] = [];
  for (const x0 of [-1, 0, 1, 2]) {
    for (const x1 of [-1, 0, 1, 2]) {
      x.push(x0, x1);
      y.push((x0 + x1 + 4) % 2);
    }
  }
  return { model, data: at.dataset(x, y, { features: 2, classes: 2 }) };
}

test("ties at exactly 0 (before, after, and both) are handled exactly", () => {
  const { model, data } = tieModel();
  const stats = at.collectStats(model, "h1", data);
  const layers = model.weights();
  const x = data.x.dataSync();
  const n = data.y.shape[0];
  // Count, in float64, how the ReLU inputs of h2 move when each h1 unit is zeroed: the cases the test must cover.
  const cases = { zeroOpens: 0, zeroCloses: 0, zeroStays: 0, positiveToZero: 0 };
  for (let r = 0; r < n; r++) {
    const h = [Math.max(0, x[2 * r]), Math.max(0, x[2 * r + 1]), Math.max(0, x[2 * r] - x[2 * r + 1])];
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) {
        const z = h.reduce((a, v, i) => a + v * layers[1].w[i * 3 + k], 0);
        const zp = z - h[j] * layers[1].w[j * 3 + k];
        if (z === 0 && zp > 0) cases.zeroOpens++;
        if (z === 0 && zp < 0) cases.zeroCloses++;
        if (z === 0 && zp === 0) cases.zeroStays++;
        if (z > 0 && zp === 0) cases.positiveToZero++;
      }
    }
  }
  for (const [name, count] of Object.entries(cases)) assert.ok(count > 0, `the tie case ${name} occurs (${count})`);
  const perts = [[0], [1], [2], [], [0, 2]];
  for (const method of at.RANDOMIZE_METHODS) {
    for (const metric of at.METRICS) {
      const base = { stats, method, metric, seed: 3, samples: 2 };
      const loop = at.damage(model, "h1", data, perts, { ...base, path: "loop" });
      const got = invariant(model, "signFlip ties", () => at.damage(model, "h1", data, perts, { ...base, path: "signFlip" })) as at.DamageResult;
      // integer data: every value is exact in float32, so the paths agree to the last bits
      assertClose(got.values, loop.values, 1e-6, `ties ${method} ${metric}`);
      assertClose(got.values, float64Reference(model, data, stats, method, metric, 3, 2, perts), 1e-6, `ties ${method} ${metric} vs float64`);
    }
  }
  model.dispose();
  at.disposeDataset(data);
});

/** A ReLU MLP whose h2 pre-activations sit far above 0 (bias +4): sign flips are rare, so the cost model favours signFlip. */
function farFromZero(units: number): at.Mlp {
  const base = at.mlp({ inputs: 6, hidden: [units, 12], classes: 3, seed: 2 });
  const layers = base.weights();
  base.dispose();
  layers[1] = { ...layers[1], b: new Float32Array(layers[1].fanOut).fill(4) };
  return new at.Mlp(layers);
}

test("auto takes the sign-flip path where its cost model predicts it cheaper (flips rare), stays on low-rank on a narrow random layer and for calls of few units", () => {
  const data = randomData(6, 3, 30, 4);
  const far = farFromZero(24);
  const singles = Array.from({ length: 24 }, (_, u) => [u]);
  const loop = at.damage(far, "h1", data, [...singles, [0, 1]], { seed: 1, path: "loop" });
  const tensors = tf.memory().numTensors;
  const auto = new at.DamageEngine(far, "h1", data, { seed: 1 });
  const forced = new at.DamageEngine(far, "h1", data, { seed: 1, path: "signFlip" });
  try {
    assert.ok(auto.signFlipAvailable);
    const few = auto.evaluate(singles.slice(0, 15)); // under 16 single units: no estimate, low-rank
    assert.deepEqual(auto.pathCounts, { signFlip: 0, lowRank: 15, batched: 0, loop: 0 });
    assert.equal(auto.lastSignFlipEstimate, undefined, "no estimate for a call of 15 units");
    assertClose(few, loop.values.slice(0, 15), REL, "auto (low-rank, few units) vs loop");
    const viaAuto = auto.evaluate([...singles, [0, 1]]);
    assert.deepEqual(auto.pathCounts, { signFlip: 24, lowRank: 16, batched: 0, loop: 0 }, "24 singles to sign-flip, the pair to low-rank");
    const e = (auto as { lastSignFlipEstimate?: SignFlipEstimate }).lastSignFlipEstimate;
    assert.ok(e !== undefined && e.scanned < 0.01 && 1.1 * e.signFlipCost <= e.lowRankCost, `estimate ${JSON.stringify(e)}`);
    const values = forced.evaluate([...singles, [0, 1]]);
    assert.deepEqual(forced.pathCounts, { signFlip: 24, lowRank: 1, batched: 0, loop: 0 });
    assert.deepEqual(Array.from(viaAuto), Array.from(values), "auto's sign-flip numbers are the forced path's");
    assertClose(values, loop.values, REL, "forced sign-flip vs loop");
  } finally {
    auto.dispose();
    forced.dispose();
  }
  assert.equal(tf.memory().numTensors, tensors, "the estimate, the kernel and the engines freed their tensors");
  far.dispose();
  // a narrow random layer: many entries near 0, so the scan would cost more than low-rank's elementwise passes
  const narrow = at.mlp({ inputs: 6, hidden: [24, 12], classes: 3, seed: 2 });
  const narrowLoop = at.damage(narrow, "h1", data, singles, { seed: 1, path: "loop" });
  for (const path of ["signFlip", "auto"] as const) {
    const engine = new at.DamageEngine(narrow, "h1", data, { seed: 1, path });
    try {
      const v = engine.evaluate(singles);
      const e = engine.lastSignFlipEstimate as SignFlipEstimate;
      assert.ok(e.signFlipCost >= e.lowRankCost, `estimate ${JSON.stringify(e)}`);
      assert.equal(engine.pathCounts[path === "auto" ? "lowRank" : "signFlip"], 24, `${path}: ${JSON.stringify(engine.pathCounts)}`);
      assertClose(v, narrowLoop.values, REL, `${path} on the narrow layer vs loop`);
    } finally {
      engine.dispose();
    }
  }
  narrow.dispose();
  at.disposeDataset(data);
});

test("forcing signFlip sends larger sets to low-rank, gives the same numbers on every call, and leaks nothing", () => {
  const model = at.mlp({ inputs: 6, hidden: [20, 10], classes: 3, seed: 8 });
  const data = randomData(6, 3, 25, 9);
  const perts = [[3], [0, 19], [], [7, 7], Array.from({ length: 20 }, (_, u) => u)];
  const loop = at.damage(model, "h1", data, perts, { seed: 2, path: "loop" });
  const values = invariant(model, "signFlip engine", () => {
    const engine = new at.DamageEngine(model, "h1", data, { seed: 2, path: "signFlip" });
    try {
      const first = engine.evaluate(perts);
      const again = engine.evaluate(perts); // the sorted rows are cached per slice: same numbers
      assert.deepEqual(Array.from(again), Array.from(first));
      assert.deepEqual(engine.pathCounts, { signFlip: 6, lowRank: 4, batched: 0, loop: 0 });
      return first;
    } finally {
      engine.dispose();
    }
  }) as Float64Array;
  assertClose(values, loop.values, REL, "forced signFlip vs loop");
  model.dispose();
  at.disposeDataset(data);
});

test("signFlip where it does not apply is a clear error, and auto there is unchanged", () => {
  const data = randomData(4, 3, 12, 3);
  const tanh = at.mlp({ inputs: 4, hidden: [8, 6], classes: 3, seed: 0, activation: "tanh" });
  const relu = at.mlp({ inputs: 4, hidden: [8, 6], classes: 3, seed: 0 });
  const seq = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 6, activation: "relu", name: "hidden" }), tf.layers.dense({ units: 3, name: "out" })] });
  const wrapped = at.fromLayersModel(seq);
  for (const [model, site] of [
    [tanh, "h1"], // another activation: no exact sign-flip identity
    [relu, "h2"], // the last hidden layer feeds the read-out directly
    [wrapped, "hidden"], // a dense split, but the read-out follows (no next)
  ] as const) {
    const failure = invariant(model, `signFlip at ${model.kind} ${site}`, () =>
      assertAntitrainError(() => at.damage(model, site, data, [[0]], { path: "signFlip" }), /signFlip.*use path "auto"/),
    );
    assert.equal(failure, undefined); // invariant returns a failed assertion instead of throwing it
    const engine = new at.DamageEngine(model, site, data, { seed: 0 });
    try {
      assert.equal(engine.signFlipAvailable, false);
      engine.evaluate(Array.from({ length: 6 }, (_, u) => [u]).concat(Array.from({ length: 20 }, () => [0])));
      assert.equal(engine.pathCounts.signFlip, 0);
      assert.equal(engine.lastSignFlipEstimate, undefined);
    } finally {
      engine.dispose();
    }
  }
  assertAntitrainError(() => at.damage(relu, "h1", data, [[0]], { path: "signflip" as at.DamagePath }), /path must be one of.*signFlip/);
  tanh.dispose();
  relu.dispose();
  seq.dispose();
  at.disposeDataset(data);
});
