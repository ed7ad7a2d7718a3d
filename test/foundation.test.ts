import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertUnchanged, invariant, signalModel, smallTask, snapshot } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

describe("a hand-built model with known answers", () => {
  test("the signal unit ranks first, dead and disconnected units have damage exactly 0, the core is the signal unit", () => {
    const { model, data } = signalModel();
    for (const method of at.RANDOMIZE_METHODS) {
      const stats = at.collectStats(model, "h1", data);
      const imp = at.importance(model, "h1", data, { stats, method, seed: 3 });
      assert.equal(imp.clean < 0.05, true, "clean loss is small");
      assert.equal(imp.scores[1], 0, `${method}: dead unit has damage exactly 0`);
      assert.equal(imp.scores[2], 0, `${method}: disconnected unit has damage exactly 0`);
      assert.ok(imp.scores[0] > 0.5, `${method}: the signal unit's damage is large (${imp.scores[0]})`);
      assert.equal(at.ranked(imp)[0], 0);
      const split = at.findCore(model, "h1", data, { stats, importance: imp, method, seed: 3 });
      assert.deepEqual(split.core, [0], `${method}: core is the signal unit`);
      assert.deepEqual(split.spectators, [1, 2]);
      assert.equal(split.fractionReached, 1);
    }
    model.dispose();
    at.disposeDataset(data);
  });

  test("accuracy damage of the signal unit under resampling is about one half (chance)", () => {
    const { model, data } = signalModel(400);
    const stats = at.collectStats(model, "h1", data);
    const r = at.damage(model, "h1", data, [[0]], { stats, metric: "accuracy", samples: 4, seed: 1 });
    assert.equal(r.clean, 1);
    // u0 is 0 or 2 with equal probability; a resampled value is wrong half of the time.
    assert.ok(Math.abs(r.damage[0] - 0.5) < 0.06, `damage ${r.damage[0]}`);
    model.dispose();
    at.disposeDataset(data);
  });
});

describe("correctness against references", () => {
  test("batched damage equals the plain loop for every method and chunk size (float32, 1e-5 relative)", () => {
    const { model, train, test: heldOut } = smallTask(1);
    const stats = at.collectStats(model, "h1", train);
    const perturbations = [[0], [3], [1, 2, 5], [], Array.from({ length: 12 }, (_, u) => u), [11]];
    for (const method of at.RANDOMIZE_METHODS) {
      for (const metric of at.METRICS) {
        const reference = at.damage(model, "h1", heldOut, perturbations, { stats, method, metric, seed: 5, path: "loop" });
        for (const maxElements of [1, 2 * 96 * 12, 7 * 96 * 12, 2 ** 23]) {
          const fast = at.damage(model, "h1", heldOut, perturbations, { stats, method, metric, seed: 5, batchSize: 40, maxElements });
          fast.values.forEach((v, i) => {
            const ref = reference.values[i];
            assert.ok(Math.abs(v - ref) <= 1e-5 * Math.max(1, Math.abs(ref)), `${method}/${metric}/${maxElements}: ${v} vs ${ref}`);
          });
        }
      }
    }
    model.dispose();
    at.disposeDataset(train);
    at.disposeDataset(heldOut);
  });

  test("importance matches a float64 plain-JavaScript forward pass with the same draws (1e-4)", () => {
    const { model, train, test: heldOut } = smallTask(2, [8]);
    const stats = at.collectStats(model, "h1", train);
    const imp = at.importance(model, "h1", heldOut, { stats, method: "gaussian", metric: "loss", seed: 9 });
    const [l1, l2] = model.weights();
    const x = heldOut.x.arraySync();
    const y = heldOut.y.arraySync();
    const n = x.length;
    const draws = at.drawReplacements(stats, "gaussian", n, at.rngFor(9, 0));
    const hidden = (row: number[]) =>
      Array.from({ length: l1.fanOut }, (_, j) => Math.max(0, row.reduce((s, xi, i) => s + xi * l1.w[i * l1.fanOut + j], l1.b[j])));
    const loss = (h: number[], label: number) => {
      const z = Array.from({ length: l2.fanOut }, (_, o) => h.reduce((s, hj, j) => s + hj * l2.w[j * l2.fanOut + o], l2.b[o]));
      const m = Math.max(...z);
      return Math.log(z.reduce((s, zi) => s + Math.exp(zi - m), 0)) + m - z[label];
    };
    let clean = 0;
    const perUnit = new Float64Array(l1.fanOut);
    for (let r = 0; r < n; r++) {
      const h = hidden(x[r]);
      clean += loss(h, y[r]);
      for (let u = 0; u < l1.fanOut; u++) {
        const hu = h.slice();
        hu[u] = draws[r * l1.fanOut + u];
        perUnit[u] += loss(hu, y[r]);
      }
    }
    assert.ok(Math.abs(imp.clean - clean / n) < 1e-4);
    perUnit.forEach((s, u) => assert.ok(Math.abs(imp.scores[u] - (s / n - clean / n)) < 1e-4, `unit ${u}`));
    model.dispose();
    at.disposeDataset(train);
    at.disposeDataset(heldOut);
  });
});

describe("reproducibility", () => {
  test("the same seed gives identical importance, core and antitrained weights", () => {
    const run = () => {
      const { model, train, test: heldOut } = smallTask(3);
      const stats = at.collectStats(model, "h1", train, { seed: 1 });
      const imp = at.importance(model, "h1", heldOut, { stats, seed: 4 });
      const split = at.findCore(model, "h1", heldOut, { stats, importance: imp, fraction: 0.5, seed: 4 });
      const opt = tf.train.adam(1e-2);
      const stream = new at.BatchStream(train, 32, 7);
      for (let s = 0; s < 5; s++) {
        const batch = stream.next();
        at.antitrainStep(model, "h1", batch, { split, stats, optimizer: opt, seed: s });
        at.disposeDataset(batch);
      }
      const weights = snapshot(model);
      opt.dispose();
      model.dispose();
      at.disposeDataset(train);
      at.disposeDataset(heldOut);
      return { scores: Array.from(imp.scores), core: split.core, weights };
    };
    assert.deepEqual(run(), run());
  });

  test("a different seed gives different draws", () => {
    const { model, train, test: heldOut } = smallTask(3);
    const stats = at.collectStats(model, "h1", train);
    const a = at.importance(model, "h1", heldOut, { stats, seed: 1, method: "gaussian" });
    const b = at.importance(model, "h1", heldOut, { stats, seed: 2, method: "gaussian" });
    assert.notDeepEqual(Array.from(a.scores), Array.from(b.scores));
    model.dispose();
    at.disposeDataset(train);
    at.disposeDataset(heldOut);
  });
});

describe("antitraining", () => {
  test("antitrainStep changes every downstream variable and no upstream one", () => {
    const { model, train } = smallTask(4, [10, 8]);
    const stats = at.collectStats(model, "h2", train);
    const split = { core: [0, 1, 2], method: "resample" as const };
    const opt = tf.train.adam(1e-2);
    const upstreamBefore = snapshot(model).slice(0, 4); // dense1 w,b and dense2 w,b feed h2
    const downstreamBefore = snapshot(model).slice(4);
    const batch = at.head(train, 32);
    const tensors = tf.memory().numTensors;
    for (const target of ["uniform", "random-labels"] as const) {
      at.antitrainStep(model, "h2", batch, { split, stats, optimizer: opt, seed: 1, target });
    }
    // the optimizer keeps 2 moment slots per downstream variable, nothing else stays
    assert.equal(tf.memory().numTensors - tensors, 2 * 2);
    const after = snapshot(model);
    after.slice(0, 4).forEach((v, i) => assert.deepEqual(v, upstreamBefore[i], `upstream variable ${i} unchanged`));
    after.slice(4).forEach((v, i) => assert.notDeepEqual(v, downstreamBefore[i], `downstream variable ${i} changed`));
    assert.deepEqual(
      model.downstreamVariables("h2").map((v) => v.id),
      model.variables().slice(4).map((v) => v.id),
    );
    opt.dispose();
    at.disposeDataset(batch);
    model.dispose();
    at.disposeDataset(train);
  });

  test("interleaved antitraining of the 50% core shrinks the 95% core of a digits MLP and keeps its accuracy", () => {
    const { train, test: heldOut } = at.digits();
    const model = at.mlp({ inputs: 64, hidden: [64], classes: 10, seed: 0 });
    at.train(model, train, { steps: 300, learningRate: 1e-3, seed: 0 });
    const anti = new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1, { cycle: 100 }), fraction: 0.5, data: heldOut, seed: 0 });
    const opt = tf.train.adam(1e-3);
    at.train(model, train, { steps: 800, optimizer: opt, seed: 1, onStep: (_, b) => anti.afterStep(b) });
    const first = anti.history[0].report;
    const last = anti.history[anti.history.length - 1].report;
    assert.equal(anti.history.length, 1 + 800 / 100);
    // Measured once (wasm): 55 → 36 units at 0.987 accuracy; the assertion leaves room for other backends.
    assert.ok(last.core.length < 0.8 * first.core.length, `95% core shrank: ${first.core.length} → ${last.core.length}`);
    assert.ok(at.evaluate(model, heldOut).accuracy > 0.95);
    assert.ok(last.fractionReached >= 0.95);
    anti.dispose();
    opt.dispose();
    model.dispose();
    at.disposeDataset(train);
    at.disposeDataset(heldOut);
  });

  test("cyclic schedules run their antitraining phase after every training phase", () => {
    const { model, train } = smallTask(5);
    const anti = new at.Antitrainer(model, ["h1"], { schedule: at.cyclic(10, 4), fraction: 0.5, data: train, batchSize: 16 });
    const counts: number[] = [];
    at.train(model, train, { steps: 30, seed: 0, onStep: (_, b) => counts.push(anti.afterStep(b).antiSteps) });
    assert.deepEqual(
      counts.map((c, i) => [i + 1, c]).filter(([, c]) => c > 0),
      [
        [10, 4],
        [20, 4],
        [30, 4],
      ],
    );
    assert.equal(anti.antiSteps, 12);
    anti.dispose();
    model.dispose();
    at.disposeDataset(train);
  });

  test("the Antitrainer measures on recent batches when no data is given, and antitrains several sites", () => {
    const { model, train } = smallTask(6, [10, 10]);
    const tensors = tf.memory().numTensors;
    const anti = new at.Antitrainer(model, ["h1", "h2"], { schedule: at.interleaved(2, { cycle: 5 }), fraction: 0.5, measureSize: 64 });
    at.train(model, train, { steps: 10, batchSize: 32, seed: 0, onStep: (_, b) => anti.afterStep(b) });
    assert.deepEqual([...anti.splits.keys()], ["h1", "h2"]);
    assert.equal(anti.antiSteps, 10 * 2 * 2);
    assert.equal(anti.history.length, 3 * 2);
    anti.dispose();
    assert.equal(tf.memory().numTensors, tensors, "no tensors left after dispose");
    model.dispose();
    at.disposeDataset(train);
  });
});

describe("compression", () => {
  test("compress equals the mean-masked model and removes exactly the spectators' parameters", () => {
    const { model, train, test: heldOut } = smallTask(7, [12, 9]);
    const stats = at.collectStats(model, "h1", train);
    const split = { core: [5, 0, 7, 2] };
    const spectators = Array.from({ length: 12 }, (_, u) => u).filter((u) => !split.core.includes(u));
    const before = snapshot(model);
    const small = at.compress(model, "h1", split, { stats });
    assertUnchanged(model, before, "compress");
    assert.equal(small.sites()[0].units, 4);
    // each removed unit had 6 incoming weights, a bias and 9 outgoing weights
    assert.equal(at.parameterCount(model) - at.parameterCount(small), spectators.length * (6 + 1 + 9));
    const mask = tf.tensor1d(Array.from({ length: 12 }, (_, u) => (split.core.includes(u) ? 1 : 0)));
    const means = tf.tensor1d(stats.mean);
    const masked = model.forward(heldOut.x, { h1: (a) => tf.add(tf.mul(a, mask), tf.mul(means, tf.sub(1, mask))) });
    const compressed = small.forward(heldOut.x);
    const diff = tf.max(tf.abs(tf.sub(masked, compressed))).dataSync()[0];
    assert.ok(diff < 1e-4, `max |difference| ${diff}`);
    tf.dispose([mask, means, masked, compressed]);
    small.dispose();
    model.dispose();
    at.disposeDataset(train);
    at.disposeDataset(heldOut);
  });

  test("without stats, compress equals zero-masking", () => {
    const { model, test: heldOut, train } = smallTask(8);
    const small = at.compress(model, "h1", { core: [1, 3] });
    const keep = tf.tensor1d(Array.from({ length: 12 }, (_, u) => (u === 1 || u === 3 ? 1 : 0)));
    const masked = model.forward(heldOut.x, { h1: (a) => tf.mul(a, keep) });
    const out = small.forward(heldOut.x);
    assert.ok(tf.max(tf.abs(tf.sub(masked, out))).dataSync()[0] < 1e-5);
    tf.dispose([keep, masked, out]);
    small.dispose();
    model.dispose();
    at.disposeDataset(train);
    at.disposeDataset(heldOut);
  });
});

describe("the tf.Sequential adapter", () => {
  test("exposes each layer's output as a site and measures like an MLP with the same weights", () => {
    const seq = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [6], units: 10, activation: "relu", name: "hidden" }),
        tf.layers.dense({ units: 3, activation: "softmax", name: "out" }),
      ],
    });
    const wrapped = at.fromLayersModel(seq);
    assert.deepEqual(wrapped.sites(), [{ name: "hidden", units: 10 }]);
    const [w1, b1, w2, b2] = seq.getWeights().map((t) => t.dataSync() as Float32Array);
    const twin = new at.Mlp([
      { w: w1, b: b1, fanIn: 6, fanOut: 10 },
      { w: w2, b: b2, fanIn: 10, fanOut: 3 },
    ]);
    const { train } = at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 64, test: 8, seed: 1 });
    const stats = at.collectStats(wrapped, "hidden", train);
    const a = at.importance(wrapped, "hidden", train, { stats, seed: 2 });
    const b = at.importance(twin, "h1", train, { stats: { ...stats, site: "h1" }, seed: 2 });
    a.scores.forEach((s, u) => assert.ok(Math.abs(s - b.scores[u]) < 1e-4, `unit ${u}: ${s} vs ${b.scores[u]}`));
    assert.equal(wrapped.downstreamVariables("hidden").length, 2);
    twin.dispose();
    wrapped.dispose();
    at.disposeDataset(train);
  });
});

describe("invariants of every public call", () => {
  test("no tensor leaks and no model change, also when the call throws", () => {
    const { model, train, test: heldOut } = smallTask(9);
    const stats = at.collectStats(model, "h1", train);
    const imp = at.importance(model, "h1", heldOut, { stats });
    const split = at.findCore(model, "h1", heldOut, { stats, importance: imp });
    const calls: Record<string, () => unknown> = {
      collectStats: () => at.collectStats(model, "h1", train),
      importance: () => at.importance(model, "h1", heldOut, { stats }),
      importanceLoop: () => at.importance(model, "h1", heldOut, { stats, path: "loop" }),
      findCore: () => at.findCore(model, "h1", heldOut, { stats, importance: imp }),
      findCoreNoImportance: () => at.findCore(model, "h1", heldOut, { stats }),
      splitDamage: () => at.splitDamage(model, "h1", heldOut, split, { stats }),
      damage: () => at.damage(model, "h1", heldOut, [[0], [1, 2]], { stats }),
      evaluate: () => at.evaluate(model, heldOut),
      forward: () => model.forward(heldOut.x).dispose(),
      compress: () => at.compress(model, "h1", split, { stats }).dispose(),
      unknownSite: () => at.importance(model, "h7", heldOut, { stats }),
      badFraction: () => at.findCore(model, "h1", heldOut, { stats, importance: imp, fraction: 1.5 }),
      badUnit: () => at.damage(model, "h1", heldOut, [[99]], { stats }),
      wrongStats: () => at.importance(model, "h1", heldOut, { stats: { ...stats, units: 3 } }),
    };
    for (const [name, call] of Object.entries(calls)) invariant(model, name, call);
    model.dispose();
    at.disposeDataset(train);
    at.disposeDataset(heldOut);
  });

  test("measurement leaves the model's variables bit-identical", () => {
    const { model, train, test: heldOut } = smallTask(10);
    const before = snapshot(model);
    const stats = at.collectStats(model, "h1", train);
    const imp = at.importance(model, "h1", heldOut, { stats, method: "gaussian" });
    at.findCore(model, "h1", heldOut, { stats, importance: imp });
    assertUnchanged(model, before, "measurement");
    model.dispose();
    at.disposeDataset(train);
    at.disposeDataset(heldOut);
  });
});
