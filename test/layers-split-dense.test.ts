import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import type { DenseSiteSplit } from "../lib/models/types";
import { invariant, wrapModel } from "./helpers";

// The damage engine's exact low-rank path on wrapped tf.LayersModels (LayersHookedModel.splitDense): where a site
// feeds a Dense or a 1×1 convolution, "lowRank" and "auto" must equal the plain loop. Tolerance, for every value
// compared: |a − b| ≤ 1e-5 · max(1, |a|, |b|) (relative above 1, absolute below).

let backendBefore = "";
before(async () => {
  await at.ready({ quiet: true });
  backendBefore = tf.getBackend();
});

const TOL = 1e-5;
const close = (a: number, b: number) => Math.abs(a - b) <= TOL * Math.max(1, Math.abs(a), Math.abs(b));
const failed = (report: at.ModelCheck) => report.items.filter((i) => !i.ok).map((i) => `${i.check}${i.site ? ` @${i.site}` : ""}: ${i.detail}`);
const init = (seed: number) => tf.initializers.glorotNormal({ seed });
const biasInit = (seed: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed });

/** `fn()`'s result, asserting it left no tensor and the model unchanged; what it threw is thrown again (not swallowed). */
function clean<T>(model: at.HookedModel, what: string, fn: () => T): T {
  let threw = false;
  const result = invariant(model, what, () => {
    try {
      return fn();
    } catch (e) {
      threw = true;
      throw e;
    }
  });
  if (threw) throw result;
  return result as T;
}

/** Asserts `fn` throws an AntitrainError matching `pattern`, leaving no tensor and the model unchanged. */
function refused(model: at.HookedModel, what: string, fn: () => unknown, pattern: RegExp): void {
  let threw = false;
  const e = invariant(model, what, () => {
    try {
      return fn();
    } catch (err) {
      threw = true;
      throw err;
    }
  });
  assert.ok(threw, `${what}: expected an AntitrainError, nothing was thrown`);
  assert.ok(e instanceof at.AntitrainError, `${what}: expected an AntitrainError, got ${String(e)}`);
  assert.match((e as Error).message, pattern, what);
}

/** Random labelled data of any input shape. */
function randomData(shape: number[], n: number, classes: number, seed: number): at.Dataset {
  const rng = new at.Rng(seed);
  const x = tf.randomNormal([n, ...shape], 0, 1, "float32", seed);
  const y = tf.tensor1d(Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * classes)), "int32");
  return { x, y, classes };
}

const dense = (units: number, name: string, seed: number, activation?: "relu" | "tanh" | "softmax", inputShape?: number[]) =>
  tf.layers.dense({ units, name, activation, kernelInitializer: init(seed), biasInitializer: biasInit(seed + 100), ...(inputShape ? { inputShape } : {}) });

/** Sequential 6 → h1 (16, tanh) → h2 (8, relu) → h3 (6, tanh) → out (3, softmax): relu, tanh and softmax readers. */
function mlpNet(): tf.LayersModel {
  return tf.sequential({ layers: [dense(16, "h1", 1, "tanh", [6]), dense(8, "h2", 2, "relu"), dense(6, "h3", 3, "tanh"), dense(3, "out", 4, "softmax")] });
}

/**
 * Functional: d1 (8, relu) → g (8, tanh); s = add(d1, g) → a (6, relu) → b (4, tanh); cat = concatenate(s, b) → out (3).
 * d1 and s are also read by a merge (readsAct); s bypasses a and b (carried into their resumes); g, b feed merges only.
 */
function skipNet(): tf.LayersModel {
  const input = tf.input({ shape: [5] });
  const d1 = dense(8, "d1", 11, "relu").apply(input) as tf.SymbolicTensor;
  const g = dense(8, "g", 12, "tanh").apply(d1) as tf.SymbolicTensor;
  const s = tf.layers.add({ name: "s" }).apply([d1, g]) as tf.SymbolicTensor;
  const a = dense(6, "a", 13, "relu").apply(s) as tf.SymbolicTensor;
  const b = dense(4, "b", 14, "tanh").apply(a) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: "cat" }).apply([s, b]) as tf.SymbolicTensor;
  const out = dense(3, "out", 15).apply(cat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Sequential 6 → h1 (8, relu) → drop (dropout) → noise (gaussian noise) → h2 (6, tanh) → out (3). */
function dropoutNet(): tf.LayersModel {
  return tf.sequential({
    layers: [
      dense(8, "h1", 21, "relu", [6]),
      tf.layers.dropout({ rate: 0.5, name: "drop" }),
      tf.layers.gaussianNoise({ stddev: 0.3, name: "noise" }),
      dense(6, "h2", 22, "tanh"),
      dense(3, "out", 23),
    ],
  });
}

/** [6, 6, 2] images → conv1 (3×3, 4 ch, relu) → conv2 (1×1, 5 ch, relu) → gap (global average) → out (3, softmax). */
function conv1x1Net(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, activation: "relu", name: "conv1", kernelInitializer: init(31), biasInitializer: biasInit(131) }),
      tf.layers.conv2d({ filters: 5, kernelSize: 1, activation: "relu", name: "conv2", kernelInitializer: init(32), biasInitializer: biasInit(132) }),
      tf.layers.globalAveragePooling2d({ name: "gap" }),
      dense(3, "out", 33, "softmax"),
    ],
  });
}

/** [5, 3] sequences → c1 (conv1d k2, 4 ch) → c2 (conv1d k1, 3 ch, tanh) → d (dense 4 at every position, relu) → flat → out (3). */
function conv1dNet(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv1d({ inputShape: [5, 3], filters: 4, kernelSize: 2, name: "c1", kernelInitializer: init(41), biasInitializer: biasInit(141) }),
      tf.layers.conv1d({ filters: 3, kernelSize: 1, activation: "tanh", name: "c2", kernelInitializer: init(42), biasInitializer: biasInit(142) }),
      dense(4, "d", 43, "relu"),
      tf.layers.flatten({ name: "flat" }),
      dense(3, "out", 44),
    ],
  });
}

/** [6, 6, 2] images → conv (3×3, 3 ch, relu) → flat → out (3): the conv site has no linear reader on its last axis. */
function flattenCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, activation: "relu", name: "conv", kernelInitializer: init(51), biasInitializer: biasInit(151) }),
      tf.layers.flatten({ name: "flat" }),
      dense(3, "out", 52),
    ],
  });
}

/** What splitDense should offer at a site: null, or the weight's shape, readsAct and whether `next` is there. */
type Expected = null | { weight: [number, number]; readsAct: boolean; next: boolean };

interface Case {
  readonly name: string;
  readonly build: () => tf.LayersModel;
  readonly shape: number[];
  readonly sites: Readonly<Record<string, Expected>>;
}

const CASES: readonly Case[] = [
  {
    name: "Sequential MLP",
    build: mlpNet,
    shape: [6],
    sites: { h1: { weight: [16, 8], readsAct: false, next: true }, h2: { weight: [8, 6], readsAct: false, next: false }, h3: { weight: [6, 3], readsAct: false, next: false } },
  },
  {
    name: "functional MLP with add and concatenate",
    build: skipNet,
    shape: [5],
    sites: {
      d1: { weight: [8, 8], readsAct: true, next: false },
      g: null,
      s: { weight: [8, 6], readsAct: true, next: false },
      a: { weight: [6, 4], readsAct: false, next: false },
      b: null,
      cat: { weight: [12, 3], readsAct: false, next: false },
    },
  },
  {
    name: "dropout and noise between site and reader",
    build: dropoutNet,
    shape: [6],
    sites: { h1: { weight: [8, 6], readsAct: false, next: false }, drop: { weight: [8, 6], readsAct: false, next: false }, noise: { weight: [8, 6], readsAct: false, next: false }, h2: { weight: [6, 3], readsAct: false, next: false } },
  },
  {
    name: "CNN with a 1×1 convolution",
    build: conv1x1Net,
    shape: [6, 6, 2],
    sites: { conv1: { weight: [4, 5], readsAct: false, next: false }, conv2: null, gap: { weight: [5, 3], readsAct: false, next: false } },
  },
  {
    name: "Conv1D net with a 1-wide convolution and a dense layer at every position",
    build: conv1dNet,
    shape: [5, 3],
    sites: { c1: { weight: [4, 3], readsAct: false, next: false }, c2: { weight: [3, 4], readsAct: false, next: false }, d: null, flat: { weight: [16, 3], readsAct: false, next: false } },
  },
  { name: "CNN conv → flatten → dense", build: flattenCnn, shape: [6, 6, 2], sites: { conv: null, flat: { weight: [48, 3], readsAct: false, next: false } } },
];

const METHODS = ["resample", "mean", "zero", "gaussian"] as const;
const METRICS = ["accuracy", "loss"] as const;

/** Singles, a few multi-unit sets and the whole site. */
function perturbations(units: number): number[][] {
  const singles = Array.from({ length: units }, (_, u) => [u]);
  const all = Array.from({ length: units }, (_, u) => u);
  return [...singles, [0, 1], [units - 1, 0, 2 % units], all.filter((u) => u % 2 === 0), all, []];
}

/** The engine's values and path counts on one path; checks it leaves no tensor and the model unchanged. */
function measure(model: at.HookedModel, site: string, data: at.Dataset, perts: number[][], options: at.DamageOptions): { values: Float64Array; counts: Record<string, number> } {
  return clean(model, `${site} ${JSON.stringify(options.path)}`, () => {
    const engine = new at.DamageEngine(model, site, data, { batchSize: 10, seed: 3, ...options });
    try {
      return { values: engine.evaluate(perts), counts: { ...engine.pathCounts } };
    } finally {
      engine.dispose();
    }
  });
}

function assertClose(got: Float64Array, want: Float64Array, what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((v, i) => assert.ok(close(v, want[i]), `${what}: perturbation ${i}: ${v} vs loop ${want[i]}`));
}

/** lowRank (where offered) and auto equal loop at every site of `c`, for the given methods and metrics. */
function checkPaths(c: Case, methods: readonly at.RandomizeMethod[], metrics: readonly at.Metric[]): void {
  const model = at.fromLayersModel(c.build());
  const data = randomData(c.shape, 24, 3, 7);
  try {
    for (const [site, expected] of Object.entries(c.sites)) {
      const units = (model.sites().find((s) => s.name === site) as at.SiteInfo).units;
      const perts = perturbations(units);
      const stats = at.collectStats(model, site, data);
      for (const method of methods) {
        for (const metric of metrics) {
          const what = `${c.name} @${site} ${method} ${metric}`;
          const base = { stats, method, metric };
          const loop = measure(model, site, data, perts, { ...base, path: "loop" });
          const auto = measure(model, site, data, perts, { ...base, path: "auto" });
          assertClose(auto.values, loop.values, `${what} auto`);
          if (expected === null) {
            assert.equal(auto.counts.lowRank, 0, `${what}: auto took lowRank where it is not offered`);
            assert.equal(auto.counts.batched, perts.length, `${what}: auto should be batched`);
            refused(model, `${what} lowRank refused`, () => new at.DamageEngine(model, site, data, { ...base, path: "lowRank" }), /path "lowRank" needs a model whose site .* use path "auto" or "batched"/);
          } else {
            assert.ok(auto.counts.lowRank >= units, `${what}: auto took lowRank for ${auto.counts.lowRank} perturbations, expected every single unit`);
            const lowRank = measure(model, site, data, perts, { ...base, path: "lowRank" });
            assert.equal(lowRank.counts.lowRank, perts.length, `${what}: every perturbation on lowRank`);
            assertClose(lowRank.values, loop.values, `${what} lowRank`);
            // Small chunks: several downstream passes per slice, carried tensors tiled to each chunk's size.
            const chunked = measure(model, site, data, perts, { ...base, path: "lowRank", maxElements: 60 });
            assertClose(chunked.values, loop.values, `${what} lowRank in small chunks`);
          }
        }
      }
    }
  } finally {
    at.disposeDataset(data);
    model.dispose();
  }
}

describe("LayersHookedModel.splitDense", () => {
  test("offered where a site feeds a Dense or a 1×1 convolution (through dropout and noise), null elsewhere; checkModel passes", () => {
    for (const c of CASES) {
      const model = at.fromLayersModel(c.build());
      const x = tf.randomNormal([4, ...c.shape], 0, 1, "float32", 5);
      for (const [site, expected] of Object.entries(c.sites)) {
        const what = `${c.name} @${site}`;
        const cut = clean(model, `${what} splitDense`, () => {
          const d = model.splitDense(site, x);
          const seen = d === null ? null : { weight: d.weight.shape, readsAct: d.readsAct, next: d.next !== null && d.next !== undefined };
          // pre = act · weight + bias, resumed, is forward.
          const diff = d === null ? 0 : tf.tidy(() => tf.max(tf.abs(tf.sub(d.resumeFromPre(d.pre, () => d.act), model.forward(x)))).dataSync()[0]);
          d?.dispose();
          return { seen: seen as Expected, diff };
        });
        assert.deepEqual(cut.seen, expected, what);
        assert.ok(cut.diff <= 1e-5, `${what}: resumeFromPre(pre) differs from forward by ${cut.diff}`);
      }
      assert.deepEqual(failed(at.checkModel(model, x)), [], c.name);
      x.dispose();
      model.dispose();
    }
  });

  test("a 1×1 convolution's weight is its kernel as [in, out]; a Dense's weight is its own kernel variable", () => {
    const model = at.fromLayersModel(conv1x1Net());
    const x = tf.randomNormal([3, 6, 6, 2], 0, 1, "float32", 6);
    const cut = model.splitDense("conv1", x) as DenseSiteSplit;
    const kernel = model.layersModel.getLayer("conv2").getWeights()[0];
    assert.deepEqual(kernel.shape, [1, 1, 4, 5]);
    assert.deepEqual(Array.from(cut.weight.dataSync()), Array.from(kernel.dataSync()));
    assert.deepEqual(cut.pre.shape, [3, 4, 4, 5]);
    cut.dispose();
    const gap = model.splitDense("gap", x) as DenseSiteSplit;
    assert.ok(model.variables().includes(gap.weight as tf.Variable), "a Dense reader's weight is the model's variable");
    gap.dispose();
    assert.ok(!model.layersModel.getLayer("out").getWeights()[0].isDisposed, "dispose frees only what the split made");
    x.dispose();
    model.dispose();
  });

  for (const c of CASES) {
    test(`${c.name}: lowRank and auto equal loop for every method and metric, single units and sets; no leaks, model unchanged`, () => {
      checkPaths(c, METHODS, METRICS);
    });
  }

  test("findCore (auto: single units on lowRank) equals findCore on the batched path, and really used the dense split", () => {
    for (const [build, site, shape] of [
      [mlpNet, "h1", [6]],
      [skipNet, "s", [5]],
      [conv1x1Net, "conv1", [6, 6, 2]],
    ] as const) {
      const model = at.fromLayersModel(build());
      const data = randomData([...shape], 24, 3, 8);
      const stats = at.collectStats(model, site, data);
      let splits = 0;
      const counting = wrapModel(model, {
        inputShape: model.inputShape,
        splitDense: (s: string, x: tf.Tensor) => {
          splits++;
          return model.splitDense(s, x);
        },
      });
      const batched = wrapModel(model, { inputShape: model.inputShape });
      const options = { stats, seed: 2, batchSize: 10, fraction: 0.8 };
      const withSplit = clean(model, `findCore ${site}`, () => at.findCore(counting, site, data, options));
      const without = at.findCore(batched, site, data, options);
      assert.ok(splits > 0, `findCore at ${site} never asked for the dense split`);
      assert.deepEqual(withSplit.core, without.core, site);
      assert.equal(withSplit.curve.length, without.curve.length);
      withSplit.curve.forEach((p, i) => assert.ok(p.k === without.curve[i].k && close(p.damage, without.curve[i].damage), `${site} curve ${i}`));
      at.disposeDataset(data);
      model.dispose();
    }
  });

  test("signFlip: offered after a Dense with ReLU read by one more Dense, equal to loop; refused where a branch bypasses the site", () => {
    const model = at.fromLayersModel(mlpNet());
    const data = randomData([6], 24, 3, 9);
    const perts = perturbations(16);
    for (const metric of METRICS) {
      const loop = measure(model, "h1", data, perts, { metric, path: "loop" });
      const flip = measure(model, "h1", data, perts, { metric, path: "signFlip" });
      assert.equal(flip.counts.signFlip, 17, "single units and the empty set on the sign-flip path");
      assertClose(flip.values, loop.values, `signFlip ${metric}`);
    }
    at.disposeDataset(data);
    model.dispose();
    const skip = at.fromLayersModel(skipNet());
    const skipData = randomData([5], 12, 3, 10);
    // a → b: b is tanh, and s bypasses a into the concatenate; s's reader a is relu but s is also read by cat.
    for (const site of ["a", "s", "d1"]) {
      refused(skip, `signFlip ${site}`, () => new at.DamageEngine(skip, site, skipData, { path: "signFlip" }), /path "signFlip" needs a site that feeds a dense layer, a ReLU/);
    }
    at.disposeDataset(skipData);
    skip.dispose();
  });

  test("training: true skips no dropout (null through it), a direct reader is still offered; bad pre-activations are AntitrainErrors", () => {
    const model = at.fromLayersModel(dropoutNet(), { training: true });
    const x = tf.randomNormal([4, 6], 0, 1, "float32", 11);
    assert.equal(model.splitDense("h1", x), null, "dropout may be active in training mode: no shortcut through it");
    assert.equal(model.splitDense("drop", x), null);
    const cut = model.splitDense("noise", x) as DenseSiteSplit;
    assert.ok(cut !== null, "noise → h2 is a direct Dense reader");
    refused(model, "pre of 3 rows", () => tf.tidy(() => cut.resumeFromPre(tf.zeros([3, 6]), () => cut.act)), /k stacked copies of the batch, \[k·4, 6\]; got \[3, 6\]/);
    refused(model, "pre of 5 columns", () => tf.tidy(() => cut.resumeFromPre(tf.zeros([4, 5]), () => cut.act)), /\[k·4, 6\]/);
    const two = clean(model, "two copies", () =>
      tf.tidy(() => {
        const stacked = cut.resumeFromPre(tf.concat([cut.pre, cut.pre]), () => tf.concat([cut.act, cut.act]));
        const once = cut.resumeFromPre(cut.pre, () => cut.act);
        return tf.max(tf.abs(tf.sub(stacked, tf.concat([once, once])))).dataSync()[0];
      }),
    );
    assert.ok(two <= 1e-6, `two stacked copies resume like one: ${two}`);
    cut.dispose();
    refused(model, "after dispose", () => tf.tidy(() => cut.resumeFromPre(tf.zeros([4, 6]), () => cut.act)), /was disposed/);
    refused(model, "unknown site", () => model.splitDense("nope", x), /no site "nope"|"nope"/);
    tf.dispose(x);
    model.dispose();
  });
});

describe("LayersHookedModel.splitDense on the cpu backend", () => {
  before(async () => {
    await tf.setBackend("cpu");
  });
  after(async () => {
    await tf.setBackend(backendBefore);
  });

  test("the key check: lowRank and auto equal loop on the MLP, the skip net and the 1×1-conv CNN (resample, both metrics)", () => {
    for (const c of CASES.filter((k) => [mlpNet, skipNet, conv1x1Net].includes(k.build as () => tf.LayersModel))) checkPaths(c, ["resample"], METRICS);
  });
});
