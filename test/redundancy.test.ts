import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

before(async () => {
  await at.ready({ quiet: true });
});

const A = 4; // output gain: a power of two, so the logits below are exact in float32

/**
 * One binary input x copied into hidden units 0 and 1 (backup copies: the output reads h0 + h1), unit 2 is a third
 * copy nothing reads (zero outgoing weights) and unit 3 is always 0 (zero incoming weights). Label = x.
 * Logit of class 1: A·(h0 + h1 − 1), so a single copy at its mean (0.5) still decides, both at the mean tie.
 */
function backupModel(): at.Mlp {
  return new at.Mlp([
    { w: new Float32Array([1, 1, 1, 0]), b: new Float32Array(4), fanIn: 1, fanOut: 4 },
    { w: new Float32Array([0, A, 0, A, 0, 0, 0, 0]), b: new Float32Array([0, -A]), fanIn: 4, fanOut: 2 },
  ]);
}

/** Two binary inputs copied into units 0 and 1; the output is their AND: logit A·(h0 + h1 − 1.5). */
function andModel(): at.Mlp {
  return new at.Mlp([
    { w: new Float32Array([1, 0, 0, 1]), b: new Float32Array(2), fanIn: 2, fanOut: 2 },
    { w: new Float32Array([0, A, 0, A]), b: new Float32Array([0, -1.5 * A]), fanIn: 2, fanOut: 2 },
  ]);
}

function bits(n: number): at.Dataset {
  const x = Array.from({ length: n }, (_, i) => i % 2);
  return at.dataset(x, x, { features: 1, classes: 2 });
}

function andData(n: number): at.Dataset {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = i % 2;
    const b = (i >> 1) % 2;
    x.push(a, b);
    y.push(a & b);
  }
  return at.dataset(x, y, { features: 2, classes: 2 });
}

/** Stats whose mean is exactly 0.5 for the binary units (the "mean" method then gives known answers). */
function halfStats(model: at.HookedModel, data: at.Dataset): at.UnitStats {
  const s = at.collectStats(model, "h1", data);
  return { ...s, mean: s.mean.map((m) => (m > 0 ? 0.5 : 0)) };
}

test("backup copies interact positively; dead units interact exactly 0", () => {
  const model = backupModel();
  const data = bits(400);
  const stats = halfStats(model, data);
  const before = tf.memory().numTensors;
  // Mean replacement, accuracy: one copy at 0.5 still decides (single damage 0); both at 0.5 tie → chance.
  const r = at.redundancy(model, "h1", data, { stats, method: "mean", metric: "accuracy" });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(r.units, [0, 1, 2, 3]);
  assert.equal(r.exact, true);
  assert.equal(r.pairs.length, 6);
  assert.deepEqual(Array.from(r.singles), [0, 0, 0, 0]);
  assert.equal(r.matrix[0 * 4 + 1], 0.5);
  assert.equal(r.matrix[1 * 4 + 0], 0.5);
  for (const p of r.pairs) if (p.a >= 2 || p.b >= 2) assert.equal(p.interaction, 0, `dead pair ${p.a},${p.b}`);

  // Resampled values, cross-entropy: single ≈ ½(ln2 − sp(−A)), interaction ≈ ¼(sp(A) + sp(−A) − 2 ln2) ≈ 0.66.
  const sp = (z: number) => Math.log1p(Math.exp(z));
  const r2 = at.redundancy(model, "h1", data, { metric: "loss", samples: 8, seed: 3 });
  const expected = 0.25 * (sp(A) + sp(-A) - 2 * Math.log(2));
  assert.ok(Math.abs(r2.matrix[1] - expected) < 0.1, `interaction ${r2.matrix[1]} vs ${expected}`);
  assert.ok(Math.abs(r2.singles[0] - 0.5 * (Math.log(2) - sp(-A))) < 0.06, `single ${r2.singles[0]}`);
  assert.ok(r2.matrix[1] > 0.4);
  for (const p of r2.pairs) if (p.a >= 2 || p.b >= 2) assert.equal(p.interaction, 0, `dead pair ${p.a},${p.b} under resampling`);
  assert.equal(r2.singles[2], 0);
  assert.equal(r2.singles[3], 0);
  const s = at.summarizeInteractions(r2);
  assert.equal(s.pairs, 6);
  assert.ok(s.groupExcess > 0.3, `the copies are superadditive as a group: ${s.groupExcess}`);
  model.dispose();
  at.disposeDataset(data);
});

test("an AND of two units interacts negatively", () => {
  const model = andModel();
  const data = andData(400);
  const stats = halfStats(model, data);
  // Mean replacement: each single at 0.5 turns (1,1) into a tie (wrong, 1/4 of examples); both at 0.5 predict 0
  // everywhere, also 1/4 wrong: interaction 0.25 − 0.25 − 0.25 = −0.25.
  const r = at.redundancy(model, "h1", data, { stats, method: "mean", metric: "accuracy" });
  assert.deepEqual(Array.from(r.singles), [0.25, 0.25]);
  assert.equal(r.pairs[0].joint, 0.25);
  assert.equal(r.matrix[1], -0.25);
  // Resampled bits: single 1/4 wrong, joint 3/8 wrong: interaction ≈ −1/8.
  const r2 = at.redundancy(model, "h1", data, { metric: "accuracy", samples: 16, seed: 1 });
  assert.ok(Math.abs(r2.matrix[1] + 0.125) < 0.04, `interaction ${r2.matrix[1]}`);
  assert.ok(r2.matrix[1] < 0);
  // The loop reference path agrees with the batched one exactly (same draws).
  const loop = at.redundancy(model, "h1", data, { metric: "accuracy", samples: 2, seed: 1, path: "loop" });
  const batched = at.redundancy(model, "h1", data, { metric: "accuracy", samples: 2, seed: 1 });
  assert.deepEqual(Array.from(loop.matrix), Array.from(batched.matrix));
  model.dispose();
  at.disposeDataset(data);
});

test("sampled pairs estimate: only the sampled entries are filled, and they equal the exact ones", () => {
  const model = at.mlp({ inputs: 6, hidden: [12], classes: 3, seed: 2 });
  const rng = new at.Rng(5);
  const x = Array.from({ length: 6 * 200 }, () => rng.normal());
  const y = Array.from({ length: 200 }, () => rng.int(3));
  const data = at.dataset(x, y, { features: 6, classes: 3 });
  const exact = at.redundancy(model, "h1", data, { seed: 4 });
  const est = at.redundancy(model, "h1", data, { seed: 4, sample: 20 });
  assert.equal(est.exact, false);
  assert.equal(est.pairs.length, 20);
  assert.equal(new Set(est.pairs.map((p) => `${p.a},${p.b}`)).size, 20);
  const k = 12;
  let filled = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = est.matrix[i * k + j];
      if (Number.isNaN(v)) continue;
      if (i !== j) filled++;
      assert.ok(Math.abs(v - exact.matrix[i * k + j]) < 1e-9, `pair ${i},${j}`);
    }
  }
  assert.equal(filled, 40);
  model.dispose();
  at.disposeDataset(data);
});

test("group curve: backups need the whole group, an AND breaks with any part", () => {
  const backup = backupModel();
  const bitsData = bits(400);
  const g = at.groupDamage(backup, "h1", bitsData, [0, 1], { stats: halfStats(backup, bitsData), method: "mean", metric: "accuracy" });
  assert.deepEqual(g.sizes, [1]);
  assert.deepEqual(g.counts, [2]); // both single units, enumerated
  assert.equal(g.full, 0.5);
  assert.equal(g.share[0], 0); // one copy destroys nothing of what the pair carries
  const and = andModel();
  const andD = andData(400);
  const before = tf.memory().numTensors;
  const h = at.groupDamage(and, "h1", andD, [0, 1], { stats: halfStats(and, andD), method: "mean", metric: "accuracy" });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(h.share[0], 1); // either half destroys as much as the whole
  // Sizes and sampling on a wider group: counts capped by `subsets`, every size measured.
  const wide = at.mlp({ inputs: 1, hidden: [10], classes: 2, seed: 1 });
  const w = at.groupDamage(wide, "h1", bitsData, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { subsets: 5, seed: 2 });
  assert.deepEqual(w.sizes, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(w.counts, [5, 5, 5, 5, 5, 5, 5, 5, 5]);
  for (let i = 0; i < w.sizes.length; i++) assert.ok(w.min[i] <= w.mean[i] && w.mean[i] <= w.max[i]);
  for (const m of [backup, and, wide]) m.dispose();
  at.disposeDataset(bitsData);
  at.disposeDataset(andD);
});

test("bad input throws AntitrainError with the fix and leaks nothing", () => {
  const model = backupModel();
  const data = bits(20);
  const before = tf.memory().numTensors;
  assert.throws(() => at.redundancy(model, "h9", data), /sites "h1"/);
  assert.throws(() => at.redundancy(model, "h1", data, { units: [0] }), /at least 2 units/);
  assert.throws(() => at.redundancy(model, "h1", data, { units: [0, 7] }), /unit 7 is not in site/);
  assert.throws(() => at.redundancy(model, "h1", data, { units: [1, 1] }), /listed twice/);
  assert.throws(() => at.redundancy(model, "h1", data, { sample: 0 }), at.AntitrainError);
  assert.throws(() => at.groupDamage(model, "h1", data, [0, 1], { sizes: [3] }), /sizes must be whole numbers in \[1, 2\]/);
  assert.throws(() => at.groupDamage(model, "h1", data, []), at.AntitrainError);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  at.disposeDataset(data);
});
