import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { pearson } from "../lib/base/statistics";
import * as nb from "../lib/notebook/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

const study = st.mutualInformationStudy;

test("11-mutual-information: registered, and its quick and full settings are the notebook's documented ones", () => {
  assert.equal(st.STUDIES["11-mutual-information"], study);
  const anti = (fraction: number, antiLearningRate: number) => ({ fraction, antiLearningRate });
  const FULL = {
    plain: [3e-4, 6e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 2e-2, 3e-2],
    antitrained: [anti(0.3, 1e-3), anti(0.3, 3e-3), anti(0.3, 1e-2), anti(0.5, 1e-3), anti(0.5, 3e-3), anti(0.5, 1e-2), anti(0.7, 1e-3), anti(0.7, 3e-3), anti(0.7, 1e-2)],
    dropout: [0.02, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5],
    L2: [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1],
  };
  // The quick setting tunes nothing: each arm's one configuration is the earlier grids' first, as quick runs always used.
  const QUICK = { plain: [1e-3], antitrained: [anti(0.3, 3e-3)], dropout: [0.05], L2: [1e-4] };
  const data = { dataset: "digits", validation: 0.2 };
  assert.deepEqual(study.settings("full"), { data, HIDDEN: 10, UPDATES: 1200, WARMUP: 400, LEARNING_RATE: 3e-3, CYCLE: 50, KNOBS: FULL, SAMPLES: 4, PLANTED: 2, SUBSETS: 8 });
  assert.deepEqual(study.settings("quick"), { data, HIDDEN: 10, UPDATES: 400, WARMUP: 200, LEARNING_RATE: 3e-3, CYCLE: 50, KNOBS: QUICK, SAMPLES: 1, PLANTED: 2, SUBSETS: 4 });
  const perArm = { full: 9, quick: 1, tiny: 2 };
  for (const size of st.STUDY_SIZES) {
    const s = study.settings(size);
    study.check(s);
    assert.ok(s.HIDDEN + s.PLANTED <= st.MAX_STUDY_UNITS, "every coalition of the planted layer enumerates");
    for (const [arm, k] of Object.entries(s.KNOBS)) assert.equal(k.length, perArm[size], `${size}: ${arm}'s configurations`);
  }
  // The full grids span the earlier three configurations and go beyond them on both sides.
  const full = study.settings("full").KNOBS;
  const spans = (grid: readonly number[], old: readonly number[]) => old.every((x) => grid.includes(x)) && Math.min(...grid) < Math.min(...old) && Math.max(...grid) > Math.max(...old);
  assert.ok(spans(full.plain, [1e-3, 3e-3, 1e-2]) && spans(full.dropout, [0.05, 0.1, 0.2]) && spans(full.L2, [1e-4, 1e-3, 1e-2]));
  for (const f of [0.3, 0.5, 0.7]) assert.ok(full.antitrained.some((k) => k.fraction === f && k.antiLearningRate === 3e-3), `the earlier fraction ${f} at the antitrain rate 3e-3`);
  assert.equal(new Set(full.antitrained.map((k) => k.fraction)).size * new Set(full.antitrained.map((k) => k.antiLearningRate)).size, 9, "a full 3 × 3 grid");
  assert.equal(st.mutualInformationKnobLabel(anti(0.7, 3e-3)), "fraction 0.7 · antitrain lr 0.003");
  assert.equal(st.mutualInformationKnobLabel(0.1), "0.1");
});

test("11-mutual-information: check refuses settings the study cannot run, naming the fix", () => {
  const quick = study.settings("quick");
  assertAntitrainError(() => study.check({ ...quick, HIDDEN: 32 }), /at most 12 units/);
  assertAntitrainError(() => study.check({ ...quick, HIDDEN: 11, PLANTED: 2 }), /HIDDEN \+ settings.PLANTED is 13/);
  assertAntitrainError(() => study.check({ ...quick, PLANTED: 3, HIDDEN: 2 }), /PLANTED \(3\) cannot exceed settings.HIDDEN \(2\)/);
  assertAntitrainError(() => study.check({ ...quick, HIDDEN: 1, PLANTED: 1 }), /at least 2/);
  assertAntitrainError(() => study.check({ ...quick, WARMUP: 201 }), /even number of updates/);
  assertAntitrainError(() => study.check({ ...quick, WARMUP: 400 }), /must be below settings.UPDATES/);
  const tiny = study.settings("tiny");
  assertAntitrainError(() => study.check({ ...tiny, KNOBS: { ...tiny.KNOBS, antitrained: [{ fraction: 0.5, antiLearningRate: 3e-3 }] } }), /same number of configurations/);
  assertAntitrainError(() => study.check({ ...tiny, KNOBS: { ...tiny.KNOBS, dropout: [0.1, 1] } }), /KNOBS.dropout: each configuration must be a dropout rate/);
  assertAntitrainError(() => study.check({ ...tiny, KNOBS: { ...tiny.KNOBS, antitrained: [{ fraction: 0.3, antiLearningRate: 3e-3 }, { fraction: 1.5, antiLearningRate: 3e-3 }] } }), /core fraction/);
  assertAntitrainError(() => study.check({ ...tiny, KNOBS: { ...tiny.KNOBS, antitrained: [{ fraction: 0.3, antiLearningRate: 3e-3 }, { fraction: 0.5, antiLearningRate: 0 }] } }), /KNOBS.antitrained: .*learning rate > 0/);
  assertAntitrainError(() => study.check({ ...tiny, KNOBS: { ...tiny.KNOBS, antitrained: [0.3, 0.5] } } as never), /KNOBS.antitrained: each configuration must be \{ fraction, antiLearningRate \}/);
  assertAntitrainError(() => study.check({ ...tiny, KNOBS: { ...tiny.KNOBS, L2: [1e-4, 1e-4] } }), /KNOBS.L2 lists a configuration twice/);
  assertAntitrainError(() => study.check({ ...quick, KNOBS: { ...quick.KNOBS, L2: [] } }), /at least one configuration/);
  assertAntitrainError(() => study.check({ ...quick, LEARNING_RATE: -1 }), /LEARNING_RATE/);
  assertAntitrainError(() => study.check({ ...quick, data: { dataset: "digits" } }), /validation split/);
  assertAntitrainError(() => study.check({ ...quick, hidden: 32 } as never), /unknown option "hidden"/);
});

/** The interaction index straight from its definition: subsets listed as arrays, factorials recomputed. */
function bruteForceIndex(n: number, v: (set: number[]) => number, i: number, j: number): number {
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const others = Array.from({ length: n }, (_, u) => u).filter((u) => u !== i && u !== j);
  let sum = 0;
  for (let m = 0; m < 1 << others.length; m++) {
    const S = others.filter((_, k) => (m >> k) & 1);
    const w = (fact(S.length) * fact(n - S.length - 2)) / fact(n - 1);
    sum += w * (v([...S, i, j]) - v([...S, i]) - v([...S, j]) + v(S));
  }
  return sum;
}

/** A game as coalition values by bit mask, from a function of the member list. */
function table(n: number, v: (set: number[]) => number): number[] {
  return Array.from({ length: 1 << n }, (_, m) => v(Array.from({ length: n }, (_, u) => u).filter((u) => (m >> u) & 1)));
}

test("11-mutual-information: the exact Shapley interaction index equals the brute-force formula, is symmetric, and pins the known cases", () => {
  for (const n of [3, 4]) {
    // A random game (v(∅) = 0, like a damage game), by a fixed-seed generator.
    const rng = at.rngFor(7, n);
    const values = Array.from({ length: 1 << n }, (_, m) => (m === 0 ? 0 : rng.uniform() * 2 - 1));
    const v = (set: number[]) => values[set.reduce((a, u) => a | (1 << u), 0)];
    const I = st.shapleyInteractionIndex(n, values);
    for (let i = 0; i < n; i++) {
      assert.equal(I[i * n + i], 0);
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        assert.equal(I[i * n + j], I[j * n + i], "symmetric");
        assert.ok(Math.abs(I[i * n + j] - bruteForceIndex(n, v, Math.min(i, j), Math.max(i, j))) < 1e-12, `n ${n} pair ${i},${j}`);
      }
    }
    // Shapley values: efficiency (they sum to v(N)), and unchanged by the dual, whose pair indices are the negatives.
    const phi = st.shapleyValues(n, values);
    assert.ok(Math.abs(phi.reduce((a, b) => a + b, 0) - values[(1 << n) - 1]) < 1e-12);
    const dual = st.dualGame(n, values);
    const Id = st.shapleyInteractionIndex(n, dual);
    const phid = st.shapleyValues(n, dual);
    for (let k = 0; k < n * n; k++) assert.ok(Math.abs(Id[k] + I[k]) < 1e-12, "the dual game flips every pair index");
    for (let k = 0; k < n; k++) assert.ok(Math.abs(phid[k] - phi[k]) < 1e-12, "Shapley values are self-dual");
  }
  // Known cases on four units, units 2 and 3 bystanders. Damage game of two exact copies of one unit: losing either
  // alone costs nothing, both cost 1 → +1 (redundant, the library's positive sign); on the worth game (what the
  // kept units achieve) the same pair is −1, Grabisch & Roubens's negative index for redundancy.
  const n = 4;
  const copies = table(n, (S) => (S.includes(0) && S.includes(1) ? 1 : 0));
  assert.ok(Math.abs(st.shapleyInteractionIndex(n, copies)[0 * n + 1] - 1) < 1e-12);
  assert.ok(Math.abs(st.shapleyInteractionIndex(n, st.dualGame(n, copies))[1] + 1) < 1e-12);
  // An AND of units 0 and 1: losing either already destroys it → −1 on damage, +1 (synergy) on worth.
  const and = table(n, (S) => (S.includes(0) || S.includes(1) ? 1 : 0));
  assert.ok(Math.abs(st.shapleyInteractionIndex(n, and)[1] + 1) < 1e-12);
  assert.ok(Math.abs(st.shapleyInteractionIndex(n, st.dualGame(n, and))[1] - 1) < 1e-12);
  for (const game of [copies, and]) {
    const I = st.shapleyInteractionIndex(n, game);
    for (const [a, b] of [[0, 2], [0, 3], [1, 2], [2, 3]]) assert.ok(Math.abs(I[a * n + b]) < 1e-12, `bystander pair ${a},${b}`);
    assert.deepEqual(Array.from(st.shapleyValues(n, game)).map((x) => Math.round(x * 1e12) / 1e12), [0.5, 0.5, 0, 0]);
  }
  // An additive game has no interactions at all.
  const additive = table(n, (S) => S.reduce((a, u) => a + (u + 1), 0));
  assert.ok(st.shapleyInteractionIndex(n, additive).every((x) => Math.abs(x) < 1e-12));
  // Bad games are refused.
  assertAntitrainError(() => st.shapleyInteractionIndex(3, [0, 1, 2]), /has 8 coalition values/);
  assertAntitrainError(() => st.shapleyInteractionIndex(17, new Float64Array(1 << 17)), /2 to 16 units/);
  assertAntitrainError(() => st.shapleyValues(2, [0, 1, Number.NaN, 1]), /must be finite/);
});

const A = 4;
function digitsLikeData(n: number, features: number): at.Dataset {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const bits = Array.from({ length: features }, (_, k) => (i >> k) % 2);
    x.push(...bits);
    y.push(bits[0] & bits[1]);
  }
  return at.dataset(x, y, { features, classes: 2 });
}

test("11-mutual-information: exactInteractions on hand-built models: copies positive, an AND negative, bystanders 0, no leaks", () => {
  // Input bit 0 copied into units 0 and 1 (the output reads h0 + h1), unit 2 reads bit 1 but nothing reads it.
  const copies = new at.Mlp([
    { w: new Float32Array([1, 1, 0, 0, 0, 1]), b: new Float32Array(3), fanIn: 2, fanOut: 3 },
    { w: new Float32Array([0, A, 0, A, 0, 0]), b: new Float32Array([0, -A]), fanIn: 3, fanOut: 2 },
  ]);
  const bitsData = (() => {
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      x.push(i % 2, (i >> 1) % 2);
      y.push(i % 2);
    }
    return at.dataset(x, y, { features: 2, classes: 2 });
  })();
  const halfStats = (model: at.HookedModel, data: at.Dataset): at.UnitStats => {
    const s = at.collectStats(model, "h1", data);
    return { ...s, mean: s.mean.map((m) => (m > 0 ? 0.5 : 0)) };
  };
  const before = tf.memory().numTensors;
  // Mean replacement on accuracy: v = 0.5 exactly when both copies are gone, so I(0,1) = 0.5 and φ = 0.25 each.
  const e = st.exactInteractions(copies, "h1", bitsData, { stats: halfStats(copies, bitsData), method: "mean", metric: "accuracy" });
  assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  assert.equal(e.units, 3);
  assert.equal(e.values.length, 8);
  assert.equal(e.values[0], 0);
  assert.equal(e.layer, 0.5);
  assert.ok(Math.abs(e.matrix[0 * 3 + 1] - 0.5) < 1e-12, `copies: ${e.matrix[1]}`);
  assert.equal(e.matrix[0 * 3 + 2], 0);
  assert.equal(e.matrix[1 * 3 + 2], 0);
  assert.deepEqual(Array.from(e.shapley), [0.25, 0.25, 0]);
  // Resampling on loss (the study's setting): still positive for the copies and exactly 0 for the bystander.
  const r = st.exactInteractions(copies, "h1", bitsData, { metric: "loss", samples: 4, seed: 1 });
  assert.ok(r.matrix[1] > 0.3, `copies under resampling: ${r.matrix[1]}`);
  assert.equal(r.matrix[2], 0);
  // An AND of units 0 and 1 (two units: the index is joint − singles, the library's pairwise measure).
  const and = new at.Mlp([
    { w: new Float32Array([1, 0, 0, 1]), b: new Float32Array(2), fanIn: 2, fanOut: 2 },
    { w: new Float32Array([0, A, 0, A]), b: new Float32Array([0, -1.5 * A]), fanIn: 2, fanOut: 2 },
  ]);
  const andData = digitsLikeData(400, 2);
  const stats = halfStats(and, andData);
  const ea = st.exactInteractions(and, "h1", andData, { stats, method: "mean", metric: "accuracy" });
  assert.equal(ea.matrix[1], -0.25);
  const lib = at.redundancy(and, "h1", andData, { stats, method: "mean", metric: "accuracy" });
  assert.equal(ea.matrix[1], lib.matrix[1], "on two units the exact index is the pairwise measure");
  assertAntitrainError(() => st.exactInteractions(at.mlp({ inputs: 2, hidden: [17], classes: 2, seed: 0 }), "h1", andData), /at most 16 units/);
  for (const m of [copies, and]) m.dispose();
  at.disposeDataset(bitsData);
  at.disposeDataset(andData);
});

test("11-mutual-information: plantedFinding ranks planted pairs and finds each copy's partner", () => {
  // Width 4: originals 0 and 1, copies 2 and 3. Scores: (0,2) 5, (1,3) 1, (0,1) 3, everything else 0.
  const scores: Record<string, number> = { "0,2": 5, "1,3": 1, "0,1": 3 };
  const f = st.plantedFinding(4, [0, 1], 2, (a, b) => scores[`${a},${b}`] ?? 0);
  assert.deepEqual(f.ranks, [1, 3]);
  assert.equal(f.precision, 0.5);
  assert.equal(f.partnerAccuracy, 1, "copy 3's best partner is unit 1 (score 1 against 0)");
  assert.equal(f.planted, 3);
  assert.equal(f.other, 3 / 4);
});

test("11-mutual-information: activation correlation is the library's Pearson correlation over the stats bank", () => {
  const u0 = [1, 2, 3, 6];
  const bank = Float32Array.from(u0.flatMap((v) => [v, 2 * v + 1, -v, 5]));
  const stats = { site: "h1", units: 4, count: 4, mean: new Float32Array(4), std: new Float32Array(4), bank, bankRows: 4 } as at.UnitStats;
  assert.deepEqual(Array.from(st.bankColumn(stats, 1)), [3, 5, 7, 13]);
  assert.ok(Math.abs(st.activationCorrelation(stats, 0, 1) - 1) < 1e-12);
  assert.ok(Math.abs(st.activationCorrelation(stats, 0, 2) + 1) < 1e-12);
  assert.equal(st.activationCorrelation(stats, 0, 3), 0, "a constant unit correlates with nothing");
  assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 7]) - 5 / Math.sqrt(76 / 3)) < 1e-15);
});

test("11-mutual-information: every arm makes exactly UPDATES updates", () => {
  const s = study.settings("tiny");
  const { train } = st.studyData(s.data);
  for (const arm of st.MUTUAL_INFORMATION_TRAINED) {
    const t = st.trainMutualInformationArm(s, train, arm, s.KNOBS[arm][0], 0);
    assert.equal(t.updates, s.UPDATES, arm);
    assert.equal(Number.isNaN(t.coreSize), arm !== "antitrained", arm);
    t.model.dispose();
  }
  // The antitrain learning rate is a knob of its own: the same fraction at another rate trains another model.
  const at1 = st.trainMutualInformationArm(s, train, "antitrained", { fraction: 0.5, antiLearningRate: 3e-3 }, 0);
  const at2 = st.trainMutualInformationArm(s, train, "antitrained", { fraction: 0.5, antiLearningRate: 3e-2 }, 0);
  assert.notDeepEqual(at1.model.weights()[0].w, at2.model.weights()[0].w, "the antitrain rate reaches the antitrain updates");
  at1.model.dispose();
  at2.model.dispose();
  assertAntitrainError(() => st.trainMutualInformationArm(s, train, "antitrained", 0.5, 0), /antitrained takes \{ fraction, antiLearningRate \}/);
  assertAntitrainError(() => st.trainMutualInformationArm(s, train, "dropout", { fraction: 0.5, antiLearningRate: 3e-3 }, 0), /dropout takes one number/);
});

test("11-mutual-information: a tiny study (tuning seed, choice, one seed) measures every arm against the exact index and leaks nothing", () => {
  const s = study.settings("tiny");
  st.studyData(s.data); // built once per process: not a leak
  const tensors = tf.memory().numTensors;
  const rows = study.tune?.(s, 100) ?? [];
  assert.equal(rows.length, 4 * 2, "four arms × two configurations");
  assert.deepEqual(rows.filter((r) => r.arm === "antitrained").map((r) => r.knob), s.KNOBS.antitrained, "antitraining's configurations are its (fraction, antitrain rate) pairs");
  for (const row of rows) assert.ok(row.valLoss > 0 && Number.isFinite(row.valLoss) && row.valAcc >= 0 && row.valAcc <= 1);
  const chosen = study.choose(s, rows);
  for (const arm of st.MUTUAL_INFORMATION_TRAINED) {
    const best = Math.min(...rows.filter((r) => r.arm === arm).map((r) => r.valLoss));
    assert.equal(rows.find((r) => r.arm === arm && JSON.stringify(r.knob) === JSON.stringify(chosen[arm]))?.valLoss, best, `${arm}: the lowest validation loss`);
  }
  // Rows read back from the seed cache are copies: the choice matches configurations by value.
  assert.deepEqual(study.choose(s, JSON.parse(JSON.stringify(rows))), chosen, "the same choice from rows that went through JSON");
  assert.deepEqual(st.chooseMutualInformation(s, []), { plain: 3e-3, antitrained: { fraction: 0.5, antiLearningRate: 3e-3 }, dropout: 0.1, L2: 1e-4 }, "no tuning rows: the first configurations");
  const tuningTable = nb.mutualInformationTuningRows(rows, chosen);
  assert.equal(tuningTable.length, 8);
  assert.equal(tuningTable.filter((row) => row.chosen === "✓").length, 4, "one choice per arm");
  for (const row of tuningTable) assert.equal(row.chosen === "✓", row.rank === "1", `${row.arm} ${row.knob}: the chosen configuration ranks first`);
  assert.ok(tuningTable.some((row) => row.knob === "fraction 0.7 · antitrain lr 0.01"));
  const r = study.run(s, chosen, 0);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.deepEqual(Object.keys(r.measured), [...st.MUTUAL_INFORMATION_MODELS]);
  assert.ok(Number.isInteger(r.coreSize) && r.coreSize >= 1 && r.coreSize <= s.HIDDEN, `core ${r.coreSize}`);
  assert.ok(r.softenT >= 1 && r.softenT <= 64, `temperature ${r.softenT}`);
  if (r.softenT > 1 && r.softenT < 64) assert.ok(Math.abs(r.softenValLoss - r.antiValLoss) < 1e-3, `softened plain matches antitraining's validation loss: ${r.softenValLoss} vs ${r.antiValLoss}`);
  const pairs = (s.HIDDEN * (s.HIDDEN - 1)) / 2;
  for (const [name, m] of Object.entries(r.measured)) {
    assert.equal(m.lossMatrix.length, s.HIDDEN * s.HIDDEN, name);
    assert.equal(m.exactMatrix.length, s.HIDDEN * s.HIDDEN, name);
    assert.equal(m.exactShapley.length, s.HIDDEN, name);
    for (const share of [m.lossPositive, m.accPositive, m.accNegative, m.exactPositive, m.agreeSign]) assert.ok(share >= 0 && share <= 1, `${name}: share ${share}`);
    assert.ok(m.agreeSpearman >= -1 && m.agreeSpearman <= 1, `${name}: Spearman ${m.agreeSpearman}`);
    assert.ok(Math.abs(m.lossRatio - m.lossMean / m.lossMeanSingle) < 1e-12);
    const meanShapley = m.exactShapley.reduce((a, b) => a + b, 0) / s.HIDDEN;
    assert.ok(Math.abs(m.exactRatio - m.exactMean / meanShapley) < 1e-12);
    let sum = 0;
    for (let i = 0; i < s.HIDDEN; i++) for (let j = i + 1; j < s.HIDDEN; j++) sum += m.exactMatrix[i * s.HIDDEN + j];
    assert.ok(Math.abs(m.exactMean - sum / pairs) < 1e-12);
    assert.ok(m.accuracy > 0.1 && m.testLoss > 0 && Number.isFinite(m.testLoss), `${name}: above chance, finite loss`);
  }
  const plantedPairs = ((s.HIDDEN + s.PLANTED) * (s.HIDDEN + s.PLANTED - 1)) / 2;
  for (const f of [r.planted.exact, r.planted.library]) {
    assert.equal(f.ranks.length, s.PLANTED);
    for (const rank of f.ranks) assert.ok(rank >= 1 && rank <= plantedPairs);
    assert.ok(f.precision >= 0 && f.precision <= 1 && f.partnerAccuracy >= 0 && f.partnerAccuracy <= 1);
  }
  assert.equal(r.tying.plantedRanks.length, s.PLANTED);
  // The tables and the summary: intervals over seeds, per-seed rows without the matrices, paired on antitrained.
  const t = st.mutualInformationTables([r, r]);
  assert.equal(t.summary.plain.exactIndexPerShapley.mean, r.measured.plain.exactRatio);
  assert.ok(!("exactMatrix" in t.perSeed[0].measured.plain) && !("lossMatrix" in t.perSeed[0].measured.plain) && !("hints" in t.perSeed[0].tying));
  assert.equal(t.paired.testLoss.reference, "antitrained");
  assert.deepEqual(t.planted.exact.ranks, [r.planted.exact.ranks, r.planted.exact.ranks]);
  const summary = study.summarize(s, [r, r]);
  assert.equal(summary.reference, "antitrained");
  assert.equal(summary.arms.find((a) => a.arm === "plain")?.mean, r.measured.plain.exactRatio);
  assert.ok(["supported", "not supported", "mixed", "inconclusive"].includes(study.verdict(summary).answer));
});

test("11-mutual-information: the verdict says where Wilcoxon would flip the interval's call", () => {
  const anti = [1, 1, 1, 1, 1, 1];
  const plain = anti.map((a, i) => a + 0.5 + 0.01 * i);
  const dropout = anti.map((a, i) => a + [0.3, -0.2, 0.1, -0.3, 0.2, -0.1][i]);
  const L2 = anti.map((a, i) => a + [0.5, 0.4, 0.6, 0.5, 0.45, -0.1][i]);
  const summary = st.summarizeScores(anti.map((a, i) => ({ plain: plain[i], antitrained: a, dropout: dropout[i], L2: L2[i], "softened plain": plain[i] })), {
    metric: "m", better: "lower", reference: "antitrained", arms: [...st.MUTUAL_INFORMATION_MODELS],
  });
  const v = st.mutualInformationVerdict(summary);
  assert.equal(v.answer, "inconclusive", "dropout's interval includes 0");
  assert.match(v.sentence, /By Wilcoxon p < 0.05 the call changes for L2 \(interval: reliably more redundant than antitrained; Wilcoxon: no reliable difference\)\./);
  assert.doesNotMatch(v.sentence, /plain \(interval/);
});

test("11-mutual-information: the softened control divides the logits by T and matches a target loss", () => {
  const s = study.settings("tiny");
  const { train, validation } = st.studyData(s.data);
  const v = validation as at.Dataset;
  const { model } = st.trainMutualInformationArm(s, train, "plain", 1e-2, 0);
  const before = tf.memory().numTensors;
  const same = st.softenedMlp(model, 1);
  assert.equal(at.evaluate(same, v).loss, at.evaluate(model, v).loss, "T = 1 is the model itself");
  const half = st.softenedMlp(model, 2);
  const w = model.weights().at(-1) as { w: Float32Array };
  assert.equal((half.weights().at(-1) as { w: Float32Array }).w[3], w.w[3] / 2);
  const base = at.evaluate(model, v).loss;
  const target = base + 0.3;
  const t = st.matchTemperature(model, v, target);
  assert.ok(t > 1, `a higher loss needs T > 1: ${t}`);
  const matched = st.softenedMlp(model, t);
  assert.ok(Math.abs(at.evaluate(matched, v).loss - target) < 1e-3, "the matched model's loss is the target");
  assert.equal(at.evaluate(matched, v).accuracy, at.evaluate(model, v).accuracy, "dividing logits keeps every prediction");
  assert.equal(st.matchTemperature(model, v, base - 0.01), 1, "a target already reached needs no softening");
  for (const m of [same, half, matched]) m.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  model.dispose();
});
