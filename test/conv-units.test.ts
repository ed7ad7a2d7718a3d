import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError, invariant, smallTask, wrapModel } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/** The collectStats of before streaming (frozen copy): every row copied, concatenated, shuffled, fed to a StatsTracker. */
function referenceStats(model: at.HookedModel, site: string, data: at.Dataset, seed = 0, bankSize = 512, batchSize = 512): at.UnitStats {
  const info = model.sites().find((s) => s.name === site) as at.SiteInfo;
  const cols = info.units * (info.width ?? 1);
  const chunks: Float32Array[] = [];
  const n = data.x.shape[0];
  for (let start = 0; start < n; start += batchSize) {
    const x = data.x.slice([start], [Math.min(batchSize, n - start)]);
    const split = model.split(site, x);
    chunks.push(split.act.dataSync().slice() as Float32Array);
    split.dispose();
    x.dispose();
  }
  const rows = new Float32Array(chunks.reduce((k, c) => k + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    rows.set(c, offset);
    offset += c.length;
  }
  const order = new at.Rng(seed).permutation(rows.length / cols);
  const shuffled = new Float32Array(rows.length);
  order.forEach((r, i) => shuffled.set(rows.subarray(r * cols, (r + 1) * cols), i * cols));
  const tracker = new at.StatsTracker(site, info.units, { bankSize: Math.min(bankSize, n), width: info.width });
  tracker.update(shuffled);
  return tracker.snapshot();
}

/** A small CNN: conv (4 channels, 3×3, relu) on [6, 6, 1] → conv2 (3 channels, 1×1) → flatten → dense 3 classes, and labels it can learn. */
function smallCnn(n = 64, seed = 1): { model: at.HookedModel; net: tf.LayersModel; data: at.Dataset } {
  const net = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 4, kernelSize: 3, activation: "relu", name: "conv", kernelInitializer: tf.initializers.glorotNormal({ seed }) }),
      tf.layers.conv2d({ filters: 3, kernelSize: 1, activation: "relu", name: "conv2", kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, name: "out", kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 2 }) }),
    ],
  });
  const x = tf.randomNormal([n, 6, 6, 1], 0, 1, "float32", seed);
  const y = tf.tidy(() => tf.cast(tf.argMax(tf.sum(tf.reshape(x, [n, 3, 12]), 2), 1), "int32")) as tf.Tensor1D;
  return { model: at.fromLayersModel(net), net, data: { x, y, classes: 3 } };
}

/** Max |a − b| / max(1, |b|) over two arrays of the same length. */
function relDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

describe("streamed collectStats", () => {
  test("permutationTail equals the tail of Rng.permutation and draws the same numbers", () => {
    for (const [n, k] of [[10, 3], [10, 10], [10, 12], [1, 1], [257, 64]]) {
      const full = new at.Rng(7).permutation(n);
      assert.deepEqual(Array.from(at.permutationTail(new at.Rng(7), n, k)), Array.from(full.subarray(n - Math.min(n, k))), `n ${n}, k ${k}`);
    }
  });

  test("equals the old copy-everything collectStats: the bank bit for bit, mean and std within 1e-6 (summation order), on an MLP and a CNN", () => {
    const { model, train } = smallTask(0);
    const cnn = smallCnn(40);
    for (const [m, site, data, opts] of [
      [model, "h1", train, { seed: 3, batchSize: 50 }],
      [model, "h1", train, { seed: 0, bankSize: 7 }],
      [cnn.model, "conv", cnn.data, { seed: 5, batchSize: 16 }],
      [cnn.model, "conv2", cnn.data, { seed: 1, bankSize: 9, batchSize: 7 }],
    ] as const) {
      const ref = referenceStats(m, site, data, opts.seed, "bankSize" in opts ? opts.bankSize : 512, "batchSize" in opts ? opts.batchSize : 512);
      const got = at.collectStats(m, site, data, opts);
      assert.equal(got.count, ref.count);
      assert.equal(got.bankRows, ref.bankRows);
      assert.deepEqual(got.bank, ref.bank, `${site}: the same bank rows in the same slots`);
      assert.ok(relDiff(got.mean, ref.mean) < 1e-6, `${site} mean`);
      assert.ok(relDiff(got.std, ref.std) < 1e-6, `${site} std`);
    }
    cnn.model.dispose();
    at.disposeDataset(cnn.data);
  });

  test("an MLP's stats carry no spatial fields; a conv site's carry per-position stats and whole maps equal to a direct computation", () => {
    const { model, train } = smallTask(0);
    assert.deepEqual(Object.keys(at.collectStats(model, "h1", train)).sort(), ["bank", "bankRows", "count", "mean", "site", "std", "units"]);
    const { model: cnn, data } = smallCnn(24);
    const stats = at.collectStats(cnn, "conv", data, { mapBankSize: 5, batchSize: 10 });
    assert.equal(stats.positions, 16);
    assert.equal(stats.mapRows, 5);
    const act = tf.tidy(() => tf.reshape(cnn.split("conv", data.x).act, [24, 16 * 4]));
    const mean = tf.tidy(() => tf.mean(act, 0).dataSync() as Float32Array);
    const std = tf.tidy(() => tf.sqrt(tf.moments(act, 0).variance).dataSync() as Float32Array);
    assert.ok(relDiff(stats.positionMean as Float32Array, mean) < 1e-5);
    assert.ok(relDiff(stats.positionStd as Float32Array, std) < 1e-4);
    // every kept map is one example's whole activation, and no example is kept twice
    const all = act.arraySync() as number[][];
    const maps = stats.maps as Float32Array;
    const found = new Set<number>();
    for (let k = 0; k < 5; k++) {
      const row = Array.from(maps.subarray(k * 64, (k + 1) * 64));
      const e = all.findIndex((a) => a.every((v, i) => Math.fround(v) === row[i]));
      assert.ok(e >= 0, `map ${k} is an example's map`);
      found.add(e);
    }
    assert.equal(found.size, 5);
    act.dispose();
    cnn.dispose();
    at.disposeDataset(data);
  });

  test("memory stays bounded: live tensors, and live JS buffers (after a forced GC), do not grow with the batches seen", () => {
    // A site with big maps, [m, 16, 16, 32] (32 KB per example, 32 MB over 1024 examples): the old collectStats held
    // every activation, about three times over; the streamed one holds one batch plus its banks.
    const base = at.mlp({ inputs: 2, hidden: [4], classes: 2, seed: 0 });
    const n = 1024;
    const data = at.dataset(new Float32Array(2 * n), new Int32Array(n), { features: 2, classes: 2 });
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const tensorsBefore = tf.memory().numTensors;
    gc();
    const buffersBefore = process.memoryUsage().arrayBuffers;
    const peak = { tensors: 0, buffers: 0, calls: 0 };
    const buffers: number[] = []; // live JS buffer bytes at the start of each batch
    const big = wrapModel(base, {
      sites: () => [{ name: "big", units: 32 }],
      downstreamVariables: () => base.variables(), // a made-up site: nothing of base feeds it
      split: (_site, x) => {
        gc();
        peak.calls++;
        peak.tensors = Math.max(peak.tensors, tf.memory().numTensors - tensorsBefore);
        buffers.push(process.memoryUsage().arrayBuffers - buffersBefore);
        peak.buffers = Math.max(peak.buffers, buffers[buffers.length - 1]);
        const act = tf.randomUniform([x.shape[0], 16, 16, 32], 0, 1, "float32", peak.calls);
        return { act, resume: () => tf.zeros([1, 2]) as tf.Tensor2D, dispose: () => act.dispose() };
      },
    });
    const stats = at.collectStats(big, "big", data, { batchSize: 64, mapBankSize: 8, bankSize: 64 });
    assert.equal(peak.calls, 16);
    assert.equal(stats.positions, 256);
    assert.equal(stats.count, n * 256);
    const total = n * 16 * 16 * 32 * 4;
    assert.ok(peak.tensors <= 2, `at most the batch slices (x, y) are alive between batches, saw ${peak.tensors} extra tensors`);
    // The backend's buffers (wasm memory) reach their high-water mark on the first batches; after that nothing grows.
    assert.ok(peak.buffers < total / 4, `live JS buffers stayed under ${total / 4} bytes (one copy of all activations: ${total}), saw ${peak.buffers}`);
    // Holding every batch (the old code) grows by 13 batches from batch 3 to 16; allow up to 3 batches of slack for
    // the typed arrays a GC has not reclaimed yet (seen: up to 2 batches on a loaded machine).
    assert.ok(buffers[15] - buffers[2] < (3 * total) / 16, `no growth from batch 3 to batch 16 beyond 3 batches (one batch: ${total / 16} bytes), saw ${buffers[15] - buffers[2]}`);
    assert.equal(tf.memory().numTensors, tensorsBefore);
    base.dispose();
    at.disposeDataset(data);
  });
});

/** Stats of 2 units over 3 positions, with 4 whole maps whose values name their map, position and unit (100k + 10p + u). */
function mapStats(): at.UnitStats {
  const positions = 3;
  const units = 2;
  const maps = Float32Array.from({ length: 4 * positions * units }, (_, i) => 100 * Math.floor(i / 6) + 10 * Math.floor((i % 6) / 2) + (i % 2));
  return {
    site: "conv",
    units,
    count: 12,
    mean: Float32Array.from([1, 2]),
    std: Float32Array.from([1, 1]),
    bank: Float32Array.from([-1, -2, -3, -4]),
    bankRows: 2,
    positions,
    positionMean: Float32Array.from([10, 20, 11, 21, 12, 22]),
    positionStd: Float32Array.from([0, 0, 1, 1, 2, 2]),
    maps,
    mapRows: 4,
  };
}

describe("spatial randomization of units spanning several positions", () => {
  test("whole-map resampling takes each unit's whole map from one bank example (coupled: one example for every unit)", () => {
    const stats = mapStats();
    const examples = 40;
    const out = at.drawReplacements(stats, "resample", examples * 3, new at.Rng(1), { spatial: "whole-map" });
    let mixed = 0;
    for (let e = 0; e < examples; e++) {
      const k = [0, 1].map((u) => Math.floor(out[e * 6 + u] / 100));
      for (let p = 0; p < 3; p++) for (let u = 0; u < 2; u++) assert.equal(out[e * 6 + p * 2 + u], 100 * k[u] + 10 * p + u, `example ${e}, position ${p}, unit ${u}`);
      if (k[0] !== k[1]) mixed++;
    }
    assert.ok(mixed > 15, `units usually come from different examples (${mixed} of ${examples})`);
    const coupled = at.drawReplacements(stats, "resample", examples * 3, new at.Rng(1), { spatial: "whole-map", coupled: true });
    for (let e = 0; e < examples; e++) {
      const k = Math.floor(coupled[e * 6] / 100);
      assert.deepEqual(Array.from(coupled.subarray(e * 6, e * 6 + 6)), Array.from(stats.maps?.subarray(k * 6, k * 6 + 6) ?? []));
    }
  });

  test("per-position: resample keeps the position, gaussian and mean use that position's statistics", () => {
    const stats = mapStats();
    const out = at.drawReplacements(stats, "resample", 60, new at.Rng(2), { spatial: "per-position" });
    const sources = new Set<number>();
    for (let r = 0; r < 60; r++) {
      for (let u = 0; u < 2; u++) {
        const v = out[r * 2 + u];
        assert.equal(v % 100, 10 * (r % 3) + u, `row ${r} unit ${u} comes from the same position and unit`);
        sources.add(Math.floor(v / 100));
      }
    }
    assert.equal(sources.size, 4, "every bank example is drawn");
    assert.deepEqual(Array.from(at.drawReplacements(stats, "mean", 6, new at.Rng(0), { spatial: "per-position" })), [10, 20, 11, 21, 12, 22, 10, 20, 11, 21, 12, 22]);
    assert.deepEqual(at.drawReplacements(stats, "mean", 6, new at.Rng(0), { spatial: "whole-map" }), at.drawReplacements(stats, "mean", 6, new at.Rng(0), { spatial: "per-position" }));
    const g = at.drawReplacements(stats, "gaussian", 3000, new at.Rng(3), { spatial: "per-position" });
    for (let p = 0; p < 3; p++) {
      const v = Array.from({ length: 1000 }, (_, e) => g[(e * 3 + p) * 2]);
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
      assert.ok(Math.abs(m - (10 + p)) < 0.2, `position ${p} mean ${m}`);
      assert.ok(Math.abs(sd - p) < 0.15, `position ${p} std ${sd}`);
    }
    assert.deepEqual(Array.from(at.drawReplacements(stats, "zero", 3, new at.Rng(0), { spatial: "whole-map" })), [0, 0, 0, 0, 0, 0]);
  });

  test("gaussian whole-map and unknown modes are refused with the fix named", () => {
    const stats = mapStats();
    assertAntitrainError(() => at.drawReplacements(stats, "gaussian", 3, new at.Rng(0), { spatial: "whole-map" }), /spatial covariance.*"per-position".*"resample"/);
    assertAntitrainError(() => at.drawReplacements(stats, "resample", 3, new at.Rng(0), { spatial: "wholemap" as at.SpatialMode }), /spatial must be one of "independent", "whole-map", "per-position", got "wholemap"/);
  });

  test("a dense site draws bit-identical numbers in every mode: MLP importance, core and antitrain step unchanged", () => {
    const { model, train, test: data } = smallTask(0);
    const stats = at.collectStats(model, "h1", train);
    const base = at.importance(model, "h1", data, { stats, seed: 2 });
    const baseCore = at.findCore(model, "h1", data, { stats, importance: base, fraction: 0.9 });
    const stepLoss = (spatial?: at.SpatialMode) => {
      const copy = at.mlp({ inputs: 6, hidden: [12], classes: 3, seed: 0 });
      copy.variables().forEach((v, i) => v.assign(model.variables()[i]));
      const optimizer = tf.train.adam(1e-2);
      const losses = [0, 1].map((seed) => at.antitrainStep(copy, "h1", data, { split: baseCore, stats, optimizer, seed, ...(spatial ? { spatial } : {}) }));
      const after = copy.variables().map((v) => Array.from(v.dataSync()));
      optimizer.dispose();
      copy.dispose();
      return { losses, after };
    };
    const baseStep = stepLoss();
    for (const spatial of at.SPATIAL_MODES) {
      for (const method of ["resample", "gaussian", "mean"] as const) {
        assert.deepEqual(
          at.importance(model, "h1", data, { stats, seed: 2, method, spatial }).scores,
          at.importance(model, "h1", data, { stats, seed: 2, method }).scores,
          `${method} ${spatial}`,
        );
      }
      const imp = at.importance(model, "h1", data, { stats, seed: 2, spatial });
      assert.deepEqual(imp.scores, base.scores);
      assert.equal(imp.spatial, spatial);
      const core = at.findCore(model, "h1", data, { stats, importance: imp, fraction: 0.9 });
      assert.deepEqual(core.core, baseCore.core);
      assert.deepEqual(core.curve, baseCore.curve);
      assert.equal(core.spatial, spatial, "the split records its spatial mode");
      assert.deepEqual(stepLoss(spatial), baseStep, `antitrain step with ${spatial}`);
    }
  });

  test("on a CNN: each mode measures, a dead channel scores exactly 0, whole-map differs from independent; no leak, model unchanged", () => {
    const { model, net, data } = smallCnn(48);
    // channel 3 of conv is dead: zero kernel, negative bias, relu
    tf.tidy(() => {
      const [k, b] = net.getLayer("conv").getWeights();
      const mask = tf.tensor1d([1, 1, 1, 0]);
      net.getLayer("conv").setWeights([tf.mul(k, mask), tf.sub(tf.mul(b, mask), tf.tensor1d([0, 0, 0, 1]))]);
    });
    const stats = at.collectStats(model, "conv", data);
    const scores: Record<string, Float32Array> = {};
    for (const spatial of at.SPATIAL_MODES) {
      for (const method of ["resample", "gaussian", "mean", "zero"] as const) {
        if (method === "gaussian" && spatial === "whole-map") continue;
        const imp = invariant(model, `${method} ${spatial}`, () => at.importance(model, "conv", data, { stats, method, spatial, seed: 1 })) as at.Importance;
        assert.ok(Array.from(imp.scores).every(Number.isFinite), `${method} ${spatial}`);
        assert.equal(imp.scores[3], 0, `${method} ${spatial}: the dead channel carries nothing`);
        scores[`${method} ${spatial}`] = imp.scores;
      }
    }
    assert.notDeepEqual(scores["resample whole-map"], scores["resample independent"]);
    assert.notDeepEqual(scores["resample per-position"], scores["resample independent"]);
    assert.deepEqual(scores["zero whole-map"], scores["zero independent"]);
    assert.deepEqual(scores["mean whole-map"], scores["mean per-position"]);
    // the engine paths agree under a spatial mode too (common random numbers)
    const loop = at.importance(model, "conv", data, { stats, spatial: "whole-map", seed: 1, path: "loop" }).scores;
    scores["resample whole-map"].forEach((s, u) => assert.ok(Math.abs(s - loop[u]) < 1e-4, `unit ${u}: batched ${s} vs loop ${loop[u]}`));
    const err = invariant(model, "gaussian whole-map", () => at.importance(model, "conv", data, { stats, method: "gaussian", spatial: "whole-map" }));
    assert.match(String(err), /cannot draw a whole map at site "conv"/);
    model.dispose();
    at.disposeDataset(data);
  });

  test("findCore, antitrainStep and Antitrainer take the mode; bad values and rows-only stats are refused with the fix named, leaving nothing behind", () => {
    const { model, data } = smallCnn(48);
    const stats = at.collectStats(model, "conv", data);
    const imp = at.importance(model, "conv", data, { stats, spatial: "whole-map", seed: 0 });
    const split = invariant(model, "findCore", () => at.findCore(model, "conv", data, { stats, importance: imp, fraction: 0.5 })) as at.CoreSplit;
    assert.equal(split.spatial, "whole-map", "findCore takes the importance's mode by default");
    assert.equal(at.findCore(model, "conv", data, { stats, importance: imp, spatial: "per-position", fraction: 0.5 }).spatial, "per-position");
    const optimizer = tf.train.adam(1e-3);
    assert.ok(Number.isFinite(at.antitrainStep(model, "conv", data, { split, stats, optimizer, seed: 0 })));
    const tensors = tf.memory().numTensors; // the optimizer's state now exists
    assert.ok(Number.isFinite(at.antitrainStep(model, "conv", data, { split, stats, optimizer, spatial: "per-position", seed: 0 })));
    assert.equal(tf.memory().numTensors, tensors, "a step leaves no tensor behind");
    const bad = /spatial must be one of "independent", "whole-map", "per-position", got "map"/;
    const spatial = "map" as at.SpatialMode;
    const calls: [string, () => unknown][] = [
      ["importance", () => at.importance(model, "conv", data, { stats, spatial })],
      ["damage", () => at.damage(model, "conv", data, [[0]], { stats, spatial })],
      ["findCore", () => at.findCore(model, "conv", data, { stats, spatial })],
      ["findCore importance", () => at.findCore(model, "conv", data, { stats, importance: { ...imp, spatial } })],
      ["antitrainStep", () => at.antitrainStep(model, "conv", data, { split, stats, optimizer, spatial, seed: 0 })],
      ["Antitrainer", () => new at.Antitrainer(model, ["conv"], { schedule: at.interleaved(1), spatial })],
    ];
    for (const [what, fn] of calls) {
      const err = invariant(model, what, fn);
      assert.ok(err instanceof at.AntitrainError, `${what}: ${String(err)}`);
      assert.match((err as Error).message, what === "findCore importance" ? /importance.spatial must be one of/ : bad, what);
    }
    const tracker = new at.StatsTracker("conv", 4);
    const act = tf.tidy(() => model.split("conv", data.x).act);
    tracker.update(act);
    act.dispose();
    const rowsOnly = tracker.snapshot();
    const err = invariant(model, "rows-only stats", () => at.importance(model, "conv", data, { stats: rowsOnly, spatial: "whole-map" }));
    assert.match(String(err), /needs stats with per-position statistics and whole maps of 16 positions.*at.collectStats\(model, "conv", data\)/);
    assert.ok(at.importance(model, "conv", data, { stats: rowsOnly }).scores.every(Number.isFinite), "rows-only stats still serve the independent mode");
    const anti = new at.Antitrainer(model, ["conv"], { schedule: at.interleaved(1, { cycle: 5 }), fraction: 0.5, data, spatial: "whole-map" });
    anti.afterStep(data);
    assert.equal(anti.history[0].split.spatial, "whole-map");
    assert.equal(anti.history[0].importance.spatial, "whole-map");
    anti.dispose();
    optimizer.dispose();
    model.dispose();
    at.disposeDataset(data);
  });
});
