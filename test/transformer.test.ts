import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { expandUnitMask } from "../lib/models/types";
import { assertUnchanged, invariant, snapshot } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

const P = 7;

function tiny(options: Partial<at.TransformerOptions> = {}): at.Transformer {
  return at.transformer({ vocab: P + 1, seqLen: 3, classes: P, dModel: 8, heads: 2, dMlp: 16, layers: 2, seed: 1, ...options });
}

/** Max |a − b| over two equally shaped tensors. */
function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Wraps a model so every activation the engine hands downstream (batched resume or loop hook) is recorded. */
function recording(model: at.HookedModel, site: string): { model: at.HookedModel; seen: Float32Array[] } {
  const seen: Float32Array[] = [];
  const wrapped: at.HookedModel = {
    kind: model.kind,
    inputs: model.inputs,
    classes: model.classes,
    sites: () => model.sites(),
    variables: () => model.variables(),
    namedVariables: () => model.namedVariables(),
    downstreamVariables: (s) => model.downstreamVariables(s),
    dispose: () => model.dispose(),
    forward: (x, hooks = {}) => {
      const hook = hooks[site];
      if (hook === undefined) return model.forward(x, hooks);
      return model.forward(x, {
        ...hooks,
        [site]: (act) => {
          const out = hook(act);
          seen.push(out.dataSync().slice() as Float32Array);
          return out;
        },
      });
    },
    split: (s, x) => {
      const inner = model.split(s, x);
      return {
        act: inner.act,
        resume: (a, hooks) => {
          seen.push(a.dataSync().slice() as Float32Array);
          return inner.resume(a, hooks);
        },
        dispose: () => inner.dispose(),
      };
    },
  };
  return { model: wrapped, seen };
}

describe("modular addition data", () => {
  test("every pair once, labels (a + b) mod p, a seeded train share", () => {
    const task = at.modularAddition({ p: P, trainFraction: 0.3, seed: 4 });
    assert.equal(task.vocab, P + 1);
    assert.equal(task.seqLen, 3);
    const nTrain = task.train.x.shape[0];
    assert.equal(nTrain, Math.round(0.3 * P * P));
    assert.equal(nTrain + task.test.x.shape[0], P * P);
    const pairs = new Set<number>();
    for (const d of [task.train, task.test]) {
      const x = d.x.dataSync();
      const y = d.y.dataSync();
      for (let i = 0; i < y.length; i++) {
        assert.equal(y[i], (x[3 * i] + x[3 * i + 1]) % P);
        assert.equal(x[3 * i + 2], P, "third token is =");
        pairs.add(x[3 * i] * P + x[3 * i + 1]);
      }
    }
    assert.equal(pairs.size, P * P, "train and test are disjoint and cover every pair");
    const again = at.modularAddition({ p: P, trainFraction: 0.3, seed: 4 });
    assert.deepEqual(again.train.x.dataSync(), task.train.x.dataSync(), "same seed, same split");
    const other = at.modularAddition({ p: P, trainFraction: 0.3, seed: 5 });
    assert.notDeepEqual(other.train.x.dataSync(), task.train.x.dataSync(), "another seed, another split");
    for (const t of [task, again, other]) for (const d of [t.train, t.test]) at.disposeDataset(d);
    assert.throws(() => at.modularAddition({ trainFraction: 1 }), at.AntitrainError);
  });
});

describe("transformer", () => {
  test("sites: heads (width dHead), MLP neurons, residual dims; the last block's sites hold only the last position", () => {
    const model = tiny();
    assert.deepEqual(model.sites(), [
      { name: "blocks.0.attn", units: 2, width: 4 },
      { name: "blocks.0.mlp", units: 16 },
      { name: "blocks.0.resid", units: 8 },
      { name: "blocks.1.attn", units: 2, width: 4 },
      { name: "blocks.1.mlp", units: 16 },
      { name: "blocks.1.resid", units: 8 },
    ]);
    const task = at.modularAddition({ p: P, seed: 0 });
    for (const [site, shape] of [
      ["blocks.0.attn", [15, 3, 8]],
      ["blocks.0.mlp", [15, 3, 16]],
      ["blocks.1.attn", [15, 1, 8]],
      ["blocks.1.resid", [15, 1, 8]],
    ] as const) {
      const s = model.split(site, task.train.x);
      assert.deepEqual(s.act.shape, shape, site);
      s.dispose();
    }
    model.dispose();
    at.disposeDataset(task.train);
    at.disposeDataset(task.test);
  });

  for (const layerNorm of [false, true]) {
    test(`split + resume of k stacked copies equals forward with the same hook at every site (layerNorm ${layerNorm})`, () => {
      const model = tiny({ layerNorm });
      const task = at.modularAddition({ p: P, seed: 0 });
      const x = task.test.x;
      const n = x.shape[0];
      for (const { name } of model.sites()) {
        const tensors = tf.memory().numTensors;
        const cut = model.split(name, x);
        // Copy 0: clean; copy 1: the activation reversed along its last axis (a perturbation every site feels,
        // LayerNorm included).
        const [d0, d1, d2] = tf.tidy(() => {
          const both = cut.resume(tf.concat([cut.act, tf.reverse(cut.act, -1)]));
          const clean = model.forward(x);
          const hooked = model.forward(x, { [name]: (a) => tf.reverse(a, -1) });
          return [maxDiff(both.slice([0, 0], [n, -1]), clean), maxDiff(both.slice([n, 0], [n, -1]), hooked), maxDiff(hooked, clean)];
        });
        assert.ok(d0 < 1e-5, `${name}: clean copy`);
        assert.ok(d1 < 1e-5, `${name}: perturbed copy`);
        assert.ok(d2 > 1e-3, `${name}: the perturbation changes the output`);
        cut.dispose();
        assert.equal(tf.memory().numTensors, tensors, `${name}: no tensor left behind`);
      }
      model.dispose();
      at.disposeDataset(task.train);
      at.disposeDataset(task.test);
    });
  }

  test("randomizing a head replaces exactly that head's dHead-wide slice, at every position, on both paths", () => {
    const model = tiny();
    const task = at.modularAddition({ p: P, seed: 0 });
    const site = "blocks.0.attn";
    const stats = at.collectStats(model, site, task.test);
    assert.equal(stats.width, 4);
    assert.equal(stats.mean.length, 8, "one mean per element of every head");
    const cut = model.split(site, task.test.x);
    const clean = cut.act.dataSync().slice();
    cut.dispose();
    for (const path of ["batched", "loop"] as const) {
      for (const method of ["gaussian", "mean", "resample"] as const) {
        const rec = recording(model, site);
        const engine = new at.DamageEngine(rec.model, site, task.test, { stats, method, path, seed: 2 });
        rec.seen.length = 0;
        engine.evaluate([[1]]);
        engine.dispose();
        assert.equal(rec.seen.length, 1);
        const got = rec.seen[0];
        assert.equal(got.length, clean.length);
        let changed = 0;
        for (let i = 0; i < got.length; i++) {
          const col = i % 8;
          if (col < 4) assert.equal(got[i], clean[i], `${path}/${method}: head 0 untouched at ${i}`);
          else if (got[i] !== clean[i]) changed++;
        }
        // A resampled row can be the example's own row, which leaves its values as they were.
        if (method === "resample") assert.ok(changed > 0.8 * (clean.length / 2), `${path}/${method}: head 1 replaced`);
        else assert.equal(changed, clean.length / 2, `${path}/${method}: every element of head 1 replaced`);
      }
    }
    model.dispose();
    at.disposeDataset(task.train);
    at.disposeDataset(task.test);
  });

  test("resampling a head copies its whole vector from one bank row", () => {
    const stats: at.UnitStats = {
      site: "s",
      units: 2,
      width: 3,
      count: 2,
      mean: new Float32Array(6),
      std: new Float32Array(6),
      bank: Float32Array.from([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]),
      bankRows: 2,
    };
    const out = at.drawReplacements(stats, "resample", 50, new at.Rng(3));
    const rowsSeen = new Set<number>();
    for (let r = 0; r < 50; r++) {
      for (let u = 0; u < 2; u++) {
        const v = Array.from(out.subarray(r * 6 + u * 3, r * 6 + u * 3 + 3));
        const row = Math.floor(v[0] / 100);
        rowsSeen.add(row);
        assert.deepEqual(v, [0, 1, 2].map((j) => row * 100 + u * 10 + j), "a unit's elements come from one row");
      }
    }
    assert.equal(rowsSeen.size, 2, "both bank rows are used");
  });

  test("batched and low-rank damage equal the loop reference for heads, MLP neurons and residual dims", () => {
    const model = tiny();
    const task = at.modularAddition({ p: P, seed: 0 });
    // Low-rank where the site feeds a dense layer: heads (W_O), neurons (W_out), the last residual stream (W_U).
    assert.equal(model.splitDense("blocks.0.resid", task.test.x), null, "block 0's residual dims feed attention, not a dense layer");
    const normed = tiny({ layerNorm: true });
    assert.equal(normed.splitDense("blocks.1.resid", task.test.x), null, "with LayerNorm the last stream is normalized first");
    normed.dispose();
    for (const site of ["blocks.0.attn", "blocks.1.attn", "blocks.0.mlp", "blocks.1.mlp", "blocks.0.resid", "blocks.1.resid"]) {
      const units = model.sites().find((s) => s.name === site)!.units;
      const perturbations = [...Array.from({ length: units }, (_, u) => [u]), [0, 1]];
      const paths = site === "blocks.0.resid" ? (["batched", "auto"] as const) : (["batched", "lowRank", "auto"] as const);
      for (const method of at.RANDOMIZE_METHODS) {
        const options = { method, metric: "loss" as const, seed: 5, samples: 2, batchSize: 10, maxElements: 500 };
        const loop = at.damage(model, site, task.test, perturbations, { ...options, path: "loop" });
        for (const path of paths) {
          const got = at.damage(model, site, task.test, perturbations, { ...options, path });
          got.values.forEach((v, i) => assert.ok(Math.abs(v - loop.values[i]) < 1e-4, `${site}/${method}/${path} #${i}: ${v} vs ${loop.values[i]}`));
        }
        if (method !== "zero" || site.endsWith("attn")) assert.ok(Math.max(...loop.damage) !== 0, `${site}/${method}: some damage`);
      }
    }
    // The low-rank path really is taken for single units where offered.
    const engine = new at.DamageEngine(model, "blocks.0.mlp", task.test, { seed: 0 });
    engine.damage([[0], [1]]);
    assert.equal(engine.pathCounts.lowRank, 2);
    engine.dispose();
    model.dispose();
    at.disposeDataset(task.train);
    at.disposeDataset(task.test);
  });

  test("downstream variables: later blocks and the unembedding, not the embeddings or the block's own inputs", () => {
    const model = tiny({ layerNorm: true });
    const names = (site: string) => {
      const ds = new Set(model.downstreamVariables(site));
      return model.namedVariables().filter((v) => ds.has(v.variable)).map((v) => v.name);
    };
    const block1 = model.namedVariables().map((v) => v.name).filter((n) => n.startsWith("blocks.1.") || n.startsWith("ln_final") || n.startsWith("unembed"));
    assert.deepEqual(names("blocks.0.resid"), block1);
    assert.deepEqual(names("blocks.0.mlp"), ["blocks.0.mlp/W_out", "blocks.0.mlp/b_out", ...block1]);
    assert.deepEqual(names("blocks.0.attn"), [
      "blocks.0.attn/W_O",
      "blocks.0.attn/b_O",
      "blocks.0.ln2/g",
      "blocks.0.ln2/b",
      "blocks.0.mlp/W_in",
      "blocks.0.mlp/b_in",
      "blocks.0.mlp/W_out",
      "blocks.0.mlp/b_out",
      ...block1,
    ]);
    assert.deepEqual(names("blocks.1.resid"), ["ln_final/g", "ln_final/b", "unembed/W_U", "unembed/b_U"]);
    // The list is exactly the variables the continuation's output depends on.
    const task = at.modularAddition({ p: P, seed: 0 });
    for (const { name: site } of model.sites()) {
      const cut = model.split(site, task.test.x);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(cut.resume(cut.act))) as tf.Scalar);
      const nonzero = model
        .namedVariables()
        .filter((v) => grads[v.variable.name] !== undefined && tf.tidy(() => tf.max(tf.abs(grads[v.variable.name])).dataSync()[0]) > 0)
        .map((v) => v.name);
      assert.deepEqual(nonzero, names(site), `${site}: gradients reach exactly the downstream variables`);
      tf.dispose([value, ...Object.values(grads)]);
      cut.dispose();
    }
    model.dispose();
    at.disposeDataset(task.train);
    at.disposeDataset(task.test);
  });

  test("an antitrain step on heads changes only downstream variables; measurements leave no tensor behind", () => {
    const model = tiny();
    const task = at.modularAddition({ p: P, seed: 0 });
    const site = "blocks.0.attn";
    const stats = at.collectStats(model, site, task.train);
    invariant(model, "importance on heads", () => at.importance(model, site, task.test, { stats, seed: 1 }));
    invariant(model, "findCore on heads", () => at.findCore(model, site, task.test, { stats, seed: 1 }));
    const downstream = new Set(model.downstreamVariables(site));
    const before = snapshot(model);
    const opt = tf.train.adam(1e-2);
    const tensors = tf.memory().numTensors;
    at.antitrainStep(model, site, task.train, { split: { core: [0], method: "gaussian" }, stats, optimizer: opt, seed: 3 });
    model.variables().forEach((v, i) => {
      const moved = tf.tidy(() => maxDiff(v, tf.tensor(before[i], v.shape))) > 0;
      assert.equal(moved, downstream.has(v), `variable ${i} moved: ${moved}`);
    });
    opt.dispose();
    assert.ok(tf.memory().numTensors <= tensors, "no tensor left behind by the step");
    model.dispose();
    at.disposeDataset(task.train);
    at.disposeDataset(task.test);
  });

  test("a compressed transformer (heads, MLP neurons or the last block's residual dims removed) equals the masked one", () => {
    const model = tiny();
    const task = at.modularAddition({ p: P, seed: 0 });
    for (const [site, core] of [
      ["blocks.0.attn", [1]],
      ["blocks.1.attn", [0]],
      ["blocks.0.mlp", [0, 3, 5, 9, 15]],
      ["blocks.1.mlp", [2, 4]],
      ["blocks.1.resid", [0, 2, 5, 7]],
    ] as const) {
      const info = model.sites().find((s) => s.name === site)!;
      const width = info.width ?? 1;
      const stats = at.collectStats(model, site, task.train);
      const before = snapshot(model);
      const small = at.compress(model, site, { core: [...core] }, { stats });
      assertUnchanged(model, before, `compress ${site}`);
      assert.equal(small.sites().find((s) => s.name === site)!.units, core.length);
      const keep = expandUnitMask(core, info.units, width);
      const masked = model.forward(task.test.x, {
        [site]: (a) => tf.tidy(() => tf.add(tf.mul(a, keep), tf.mul(tf.sub(1, keep), stats.mean))),
      });
      const compressed = small.forward(task.test.x);
      assert.ok(maxDiff(masked, compressed) < 1e-4, `${site}: compressed equals masked (${maxDiff(masked, compressed)})`);
      assert.ok(at.parameterCount(small) < at.parameterCount(model));
      tf.dispose([masked, compressed]);
      small.dispose();
    }
    assert.throws(() => model.removeUnits("blocks.0.resid", [0], new Float32Array(8)), /later blocks write into them/);
    assert.throws(() => model.removeUnits("blocks.1.resid", [8], new Float32Array(8)), /0\.\.7/);
    const normed = tiny({ layerNorm: true });
    assert.throws(() => normed.removeUnits("blocks.1.resid", [0], new Float32Array(8)), /layerNorm/);
    normed.dispose();
    model.dispose();
    at.disposeDataset(task.train);
    at.disposeDataset(task.test);
  });

  test("removing final residual dims twice equals masking both sets; the smaller model keeps working", () => {
    const model = tiny({ layers: 1 });
    const task = at.modularAddition({ p: P, seed: 0 });
    const site = "blocks.0.resid";
    const stats = at.collectStats(model, site, task.train);
    const first = at.compress(model, site, { core: [1, 2, 3, 5, 6, 7] }, { stats }) as at.Transformer;
    assert.deepEqual(first.config.finalDims, [1, 2, 3, 5, 6, 7]);
    // Unit 1 of the smaller site is dimension 2 of the original stream: the second removal maps through.
    const second = first.removeUnits(site, [0, 2, 3, 5], Float32Array.from([1, 2, 3, 5, 6, 7], (d) => stats.mean[d]));
    assert.deepEqual(second.config.finalDims, [1, 3, 5, 7]);
    const keep = Float32Array.from({ length: 8 }, (_, d) => ([1, 3, 5, 7].includes(d) ? 1 : 0));
    const masked = model.forward(task.test.x, {
      [site]: (a) => tf.tidy(() => tf.add(tf.mul(a, keep), tf.mul(tf.sub(1, keep), stats.mean))),
    });
    const compressed = second.forward(task.test.x);
    assert.ok(maxDiff(masked, compressed) < 1e-4, `compressed twice equals masked (${maxDiff(masked, compressed)})`);
    // The surviving dimensions' weights are untouched, so their magnitudes are the original ones.
    const all = model.unitMagnitudes(site);
    const kept = second.unitMagnitudes(site);
    [1, 3, 5, 7].forEach((d, i) => assert.ok(Math.abs(kept[i] - all[d]) < 1e-5, `dim ${d}: ${kept[i]} vs ${all[d]}`));
    // It still splits, measures, trains and compresses heads like any transformer.
    assert.equal(second.sites().find((s) => s.name === site)!.units, 4);
    const imp = at.importance(second, site, task.test, { seed: 0 });
    assert.equal(imp.scores.length, 4);
    assert.ok(imp.full > 0, "randomizing the 4 surviving dims hurts");
    const attn = second.sites().find((s) => s.name === "blocks.0.attn")!;
    const attnStats = at.collectStats(second, "blocks.0.attn", task.train);
    const headless = at.compress(second, "blocks.0.attn", { core: [0] }, { stats: attnStats }) as at.Transformer;
    assert.deepEqual(headless.config.finalDims, [1, 3, 5, 7]);
    // Removing a head of the already narrowed model still equals replacing that head by its mean.
    const headKeep = expandUnitMask([0], attn.units, attn.width ?? 1);
    const headMasked = second.forward(task.test.x, {
      "blocks.0.attn": (a) => tf.tidy(() => tf.add(tf.mul(a, headKeep), tf.mul(tf.sub(1, headKeep), attnStats.mean))),
    });
    const headCompressed = headless.forward(task.test.x);
    assert.ok(maxDiff(headMasked, headCompressed) < 1e-4, `head removed from the narrowed model equals masked (${maxDiff(headMasked, headCompressed)})`);
    tf.dispose([masked, compressed, headMasked, headCompressed]);
    for (const m of [model, first, second, headless]) m.dispose();
    at.disposeDataset(task.train);
    at.disposeDataset(task.test);
  });

  test("gate importance (Michel et al.) equals the finite-difference derivative of the loss in a head's gate", () => {
    const model = tiny();
    const task = at.modularAddition({ p: P, seed: 0 });
    const one = at.head(task.test, 1);
    const site = "blocks.0.attn";
    const tensors = tf.memory().numTensors;
    const scores = at.gateImportance(model, site, one).scores;
    assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
    const eps = 1e-2;
    const lossAt = (head: number, gate: number) =>
      tf.tidy(() => {
        const m = expandUnitMask([head], 2, 4);
        const scale = Float32Array.from(m, (v) => (v === 1 ? gate : 1));
        const logits = model.forward(one.x, { [site]: (a) => tf.mul(a, scale) });
        return at.crossEntropy(logits, one.y).dataSync()[0];
      });
    for (let h = 0; h < 2; h++) {
      const fd = Math.abs((lossAt(h, 1 + eps) - lossAt(h, 1 - eps)) / (2 * eps));
      assert.ok(Math.abs(scores[h] - fd) < 2e-3 + 0.02 * fd, `head ${h}: ${scores[h]} vs ${fd}`);
    }
    // Magnitudes: head 0's query/key/value columns and output rows, by hand.
    const mags = model.unitMagnitudes(site);
    const w = new Map(model.weights().map((e) => [e.name, e]));
    let sq = 0;
    for (const n of ["W_Q", "W_K", "W_V"]) {
      const e = w.get(`blocks.0.attn/${n}`)!;
      for (let r = 0; r < 8; r++) for (let c = 0; c < 4; c++) sq += e.data[r * 8 + c] ** 2;
    }
    for (let r = 0; r < 4; r++) for (let c = 0; c < 8; c++) sq += w.get("blocks.0.attn/W_O")!.data[r * 8 + c] ** 2;
    assert.ok(Math.abs(mags[0] - Math.sqrt(sq)) < 1e-4, `magnitude ${mags[0]} vs ${Math.sqrt(sq)}`);
    assert.equal(model.unitMagnitudes("blocks.1.mlp").length, 16);
    assert.equal(model.unitMagnitudes("blocks.0.resid").length, 8);
    model.dispose();
    for (const d of [task.train, task.test, one]) at.disposeDataset(d);
  });

  test("bad input throws AntitrainError with the fix", () => {
    assert.throws(() => at.transformer({ vocab: 8, seqLen: 3, classes: 7, dModel: 10, heads: 3 }), /dHead/);
    const model = tiny();
    assert.throws(() => model.forward(tf.zeros([2, 4])), /width 3/);
    assert.throws(() => model.split("blocks.2.attn", tf.zeros([2, 3])), /blocks\.0\.attn/);
    model.dispose();
  });
});
