import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

// Notebook 14's activation-shape study as a Study: its settings give every model the same number of configurations,
// bad settings are refused, modular addition's one-hot pairs are right by hand, a tiny tuning seed scores every
// configuration on validation rows only, choosing follows the validation numbers, a tiny study seed runs every model
// of both tasks at its chosen configuration, the tables pair against the per-layer shape, and the verdict names ReLU
// and the strongest learnable peer.
before(async () => {
  await at.ready({ quiet: true });
});

test("full settings: the study's budget, and every model of a task gets the same number of configurations", () => {
  const full = st.activationShapesStudy.settings("full");
  assert.deepEqual([full.tasks.digits.steps, full.tasks.modular.steps, full.tasks.digits.hidden, full.tasks.modular.hidden], [1000, 3000, 64, 128]);
  assert.deepEqual(full.tasks.modular.data, { dataset: "modular-one-hot", p: 23, trainFraction: 0.8, seed: 0 });
  assert.deepEqual([full.tasks.digits.l2, full.tasks.modular.l2, full.batchSize, full.validation], [0, 1e-3, 64, 0.2]);
  assert.deepEqual(full.tasks.modular.models, ["relu", "tunable · layer", "tunable · unit", "prelu · layer", "swish-β · layer", "relu gain · layer"]);
  assert.deepEqual(full.tasks.digits.models, ["relu", "sigmoid", ...full.tasks.modular.models.slice(1)]);
  for (const task of st.SHAPE_TASKS) {
    const counts = full.tasks[task].models.map((m) => st.shapeConfigs(full, task, m).length);
    assert.deepEqual(counts, counts.map(() => 9), `${task}: nine configurations per model`);
    // The quick setting (the notebook test's) runs one configuration per model: a test run does not pay for tuning;
    // the tiny one two (a fixed activation two rates, a learnable one one rate × two starts).
    const quick = st.activationShapesSettings("quick");
    assert.deepEqual(quick.tasks[task].models.map((m) => st.shapeConfigs(quick, task, m).length), counts.map(() => 1), `${task}: quick, one each`);
    const tiny = st.activationShapesSettings("tiny");
    assert.deepEqual(tiny.tasks[task].models.map((m) => st.shapeConfigs(tiny, task, m).length), counts.map(() => 2), `${task}: tiny, two each`);
    // The fixed activations' nine rates span the learnable ones' three and go beyond them on both sides.
    const fixed = full.tasks[task].learningRates;
    const shape = full.tasks[task].shapeLearningRates;
    assert.ok(shape.every((r) => fixed.includes(r)) && fixed[0] < shape[0] && (fixed.at(-1) as number) > (shape.at(-1) as number), `${task}: ${fixed} spans ${shape}`);
    assert.ok(fixed.every((r, i) => i === 0 || (r / fixed[i - 1] > 1.6 && r / fixed[i - 1] < 1.9)), `${task}: about a quarter decade apart`);
  }
  assert.deepEqual(
    st.shapeConfigs(full, "modular", "prelu · layer"),
    [2e-3, 6e-3, 2e-2].flatMap((learningRate) => [0.25, 0, 0.5].map((initialShape) => ({ learningRate, initialShape }))),
  );
  assert.deepEqual(st.shapeConfigs(full, "digits", "relu"), [2e-4, 3.5e-4, 6e-4, 1.1e-3, 2e-3, 3.5e-3, 6e-3, 1.1e-2, 2e-2].map((learningRate) => ({ learningRate })));
  assert.deepEqual(st.shapeConfigs(full, "modular", "relu").map((c) => c.learningRate), [6e-4, 1.1e-3, 2e-3, 3.5e-3, 6e-3, 1.1e-2, 2e-2, 3.5e-2, 6e-2]);
  assert.deepEqual(full.initialShapes, { blend: [1, 0.5, 0], prelu: [0.25, 0, 0.5], "swish-beta": [1, 0.5, 2], "relu-gain": [1, 0.5, 2] });
  // One parameter per layer for the per-layer shape and both peers, as many as units for the per-unit shape.
  for (const m of ["tunable · layer", "prelu · layer", "swish-β · layer", "relu gain · layer"] as const) assert.equal(st.LEARNABLE_SHAPE_MODELS[m]?.per, "layer");
  assert.equal(st.STUDIES["14-activation-shapes"], st.activationShapesStudy);
});

test("bad settings are refused with the fix", () => {
  const quick = st.activationShapesSettings("quick");
  assertAntitrainError(() => st.checkActivationShapesSettings({ ...quick, trackEvery: 0 }), /trackEvery/);
  assertAntitrainError(() => st.checkActivationShapesSettings({ ...quick, validation: 1 }), /validation must be a share/);
  const models = (m: st.ShapeModel[]) => ({ ...quick, tasks: { ...quick.tasks, modular: { ...quick.tasks.modular, models: m } } });
  assertAntitrainError(() => st.checkActivationShapesSettings(models(["tunable · layer", "relu"])), /start with "relu"/);
  assertAntitrainError(() => st.checkActivationShapesSettings(models(["relu", "tunable · layer", "gelu" as st.ShapeModel])), /unknown model "gelu"/);
  assertAntitrainError(() => st.checkActivationShapesSettings({ ...quick, tasks: { digits: quick.tasks.digits } } as unknown as st.ActivationShapesSettings), /digits, modular/);
  // Unequal grids: fixed activations with 3 learning rates against 1 × 1 for the learnable ones, or 8 against 3 × 3;
  // one family with a second start.
  assertAntitrainError(() => st.checkActivationShapesSettings({ ...quick, tasks: { ...quick.tasks, digits: { ...quick.tasks.digits, learningRates: [1e-3, 3e-3, 1e-2] } } }), /same number of configurations/);
  const full = st.activationShapesSettings("full");
  st.checkActivationShapesSettings(full);
  assertAntitrainError(() => st.checkActivationShapesSettings({ ...full, tasks: { ...full.tasks, modular: { ...full.tasks.modular, learningRates: full.tasks.modular.learningRates.slice(1) } } }), /has 8, shapeLearningRates × initialShapes \(the learnable ones'\) 3 × 3/);
  assertAntitrainError(() => st.checkActivationShapesSettings({ ...quick, initialShapes: { ...quick.initialShapes, prelu: [0.25, 0] } }), /same number of starting parameters/);
});

test("oneHotPairs: [a, b] becomes one-hot(a) ‖ one-hot(b), by hand; the modular description holds out a validation split of the training pairs", () => {
  const tokens = at.dataset(new Float32Array([0, 2, 1, 1, 2, 0]), new Int32Array([2, 2, 2]), { features: 2, classes: 3 });
  const pairs = st.oneHotPairs(tokens, 3);
  assert.deepEqual(pairs.x.shape, [3, 6]);
  assert.deepEqual([...pairs.x.dataSync()], [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
  assert.deepEqual([...pairs.y.dataSync()], [2, 2, 2]);
  assert.equal(pairs.classes, 3);
  at.disposeDataset(tokens);
  at.disposeDataset(pairs);
  const tensors = tf.memory().numTensors;
  const m = st.modularOneHot({ p: 5, trainFraction: 0.6, seed: 0 });
  assert.deepEqual([m.train.x.shape, m.test.x.shape], [[15, 10], [10, 10]]);
  assert.equal(tf.memory().numTensors, tensors + 4, "only the two one-hot splits are left");
  for (const d of [m.train, m.test]) at.disposeDataset(d);
  const plain = st.studyData({ dataset: "modular-one-hot", p: 7, trainFraction: 0.8, seed: 3 });
  const held = st.studyData({ dataset: "modular-one-hot", p: 7, trainFraction: 0.8, seed: 3, validation: 0.2 });
  assert.equal(plain.validation, undefined);
  assert.deepEqual([held.train.x.shape[0], held.validation?.x.shape[0], held.test.x.shape[0]], [31, 8, 10]);
  assert.deepEqual(held.test.x.dataSync(), plain.test.x.dataSync(), "the same test pairs");
  // The held-out pairs and the fitted pairs are together the training pairs.
  const rows = (d: at.Dataset) => (d.x.arraySync() as number[][]).map((r) => r.join(""));
  assert.deepEqual([...rows(held.train), ...rows(held.validation as at.Dataset)].sort(), rows(plain.train).sort());
});

test("a tiny tuning seed scores every configuration on validation rows; choosing takes the best mean validation accuracy", () => {
  const s = st.activationShapesSettings("tiny");
  const rows = st.tuneActivationShapes(s, 100);
  const expected = st.SHAPE_TASKS.flatMap((task) => s.tasks[task].models.flatMap((m) => st.shapeConfigs(s, task, m).map((c) => `${task} · ${m} · ${JSON.stringify(c)}`)));
  assert.deepEqual(rows.map((r) => `${r.task} · ${r.model} · ${JSON.stringify({ learningRate: r.learningRate, initialShape: r.initialShape })}`.replace(',"initialShape":undefined', "")), expected);
  assert.ok(rows.every((r) => r.seed === 100 && r.validationAccuracy >= 0 && r.validationAccuracy <= 1 && Number.isFinite(r.validationLoss)));
  // Scored on the validation rows (8 of modular 7's 39 training pairs), not on the 10 test pairs.
  assert.ok(rows.filter((r) => r.task === "modular").every((r) => Math.abs(r.validationAccuracy * 8 - Math.round(r.validationAccuracy * 8)) < 1e-6));
  // Choosing by hand: make one configuration of PReLU the best on modular addition, tie two others on accuracy.
  const rigged = rows.map((r) => {
    if (r.task !== "modular") return r;
    if (r.model === "prelu · layer") return { ...r, validationAccuracy: r.initialShape === 0 ? 0.9 : 0.5 };
    if (r.model === "relu") return { ...r, validationAccuracy: 0.7, validationLoss: r.learningRate === s.tasks.modular.learningRates[1] ? 0.1 : 1 };
    return r;
  });
  const chosen = st.chooseActivationShapes(s, [...rigged, ...rigged.map((r) => ({ ...r, seed: 101 }))]);
  assert.deepEqual(chosen.modular["prelu · layer"], { learningRate: s.tasks.modular.shapeLearningRates[0], initialShape: 0 }, "the second start");
  assert.deepEqual(chosen.modular.relu, { learningRate: s.tasks.modular.learningRates[1] }, "a tie on accuracy goes to the lower validation loss (the second rate)");
  assertAntitrainError(() => st.chooseActivationShapes(s, []), /tuneSeeds/);
});

test("a tiny seed runs every model of both tasks at its chosen configuration; the tables pair against the per-layer shape", () => {
  const s = st.activationShapesSettings("tiny");
  const chosen = st.chooseActivationShapes(s, st.tuneActivationShapes(s, 100));
  chosen.modular["tunable · layer"] = { learningRate: s.tasks.modular.shapeLearningRates[0], initialShape: 0.5 };
  st.activationShapesSeed(s, chosen, 0); // builds both data sets once for the process
  const tensors = tf.memory().numTensors;
  const r = st.activationShapesSeed(s, chosen, 1);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  const learnable = ["tunable · layer", "tunable · unit", "prelu · layer", "swish-β · layer", "relu gain · layer"];
  assert.deepEqual(r.rows.map((x) => `${x.task} · ${x.model}`), [...["relu", "sigmoid", ...learnable].map((m) => `digits · ${m}`), ...["relu", ...learnable].map((m) => `modular · ${m}`)]);
  for (const x of r.rows) {
    assert.deepEqual({ learningRate: x.learningRate, initialShape: x.initialShape }, { initialShape: undefined, ...chosen[x.task][x.model] }, `${x.task} · ${x.model} ran its chosen configuration`);
    assert.ok([x.trainAccuracy, x.testAccuracy].every((v) => v >= 0 && v <= 1) && Number.isFinite(x.testLoss) && x.tMin <= x.tMean && x.tMean <= x.tMax);
    if (x.model === "relu") assert.equal(x.tMean, 1);
    if (x.model === "sigmoid") assert.equal(x.tMean, 0);
  }
  assert.deepEqual(r.tracks.map((k) => [k.task, k.step, k.t[0]]), [["digits", [0, 10, 20], chosen.digits["tunable · layer"].initialShape], ["modular", [0, 10, 20], 0.5]]);
  assert.ok(r.tracks.every((k) => k.t[1] !== k.t[0]), "t moves");
  assert.deepEqual([r.unitShapes.digits.length, r.unitShapes.modular.length], [8, 8]);
  const r2 = { ...r, seed: 2, rows: r.rows.map((x) => ({ ...x, seed: 2, testAccuracy: x.testAccuracy * 0.5, testLoss: x.testLoss + (x.model === "relu" ? 1 : 0) })), tracks: r.tracks.map((k) => ({ ...k, seed: 2 })) };
  const tables = st.shapeTables([r, r2]);
  assert.deepEqual(tables.rows.map((x) => `${x.task} ${x.seed}`).slice(0, 8), [...Array(7).fill("digits 1"), "digits 2"]);
  assert.deepEqual(tables.tracks.map((k) => `${k.task} ${k.seed}`), ["digits 1", "digits 2", "modular 1", "modular 2"]);
  const paired = st.shapePaired(s, [r, r2]);
  const acc = (rr: typeof r, m: string) => rr.rows.find((x) => x.task === "modular" && x.model === m)?.testAccuracy as number;
  const relu = paired.modular.accuracy.paired.find((p) => p.arm === "relu");
  assert.ok(relu !== undefined && relu.reference === "tunable · layer");
  assert.ok(Math.abs(relu.mean - ((acc(r, "relu") - acc(r, "tunable · layer")) + (acc(r2, "relu") - acc(r2, "tunable · layer"))) / 2) < 1e-12);
  assert.equal(paired.digits.loss.better, "lower");
  const summary = st.summarizeActivationShapes(s, [r, r2]);
  assert.deepEqual(summary.arms.map((a) => a.arm), ["tunable · layer", "relu", ...learnable.slice(1)]);
});

/** A summary whose modular and digits paired tables have the given per-seed test accuracies (loss: 1 − accuracy). */
function fakeSummary(modular: Record<string, number[]>, digits: Record<string, number[]>): st.StudySummary {
  const pairedOf = (scores: Record<string, number[]>, what: string) => {
    const arms = Object.keys(scores);
    const seeds = scores[arms[0]].map((_, i) => Object.fromEntries(arms.map((a) => [a, scores[a][i]])));
    return {
      accuracy: st.summarizeScores(seeds, { metric: `test accuracy on ${what}`, better: "higher", reference: "tunable · layer", arms }),
      loss: st.summarizeScores(seeds.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, 1 - v]))), { metric: `test loss on ${what}`, better: "lower", reference: "tunable · layer", arms }),
    };
  };
  const paired = { modular: pairedOf(modular, "modular"), digits: pairedOf(digits, "digits") };
  return { ...paired.modular.accuracy, details: { paired } };
}

test("activationShapesVerdict: answers against ReLU and the strongest learnable peer, on both tasks", () => {
  const base = [0.99, 1, 0.98, 1, 0.99, 0.97, 1, 0.99, 0.98, 1];
  const shift = (d: number, jitter = 0.001) => base.map((x, i) => x + d + (i % 2 === 0 ? jitter : -jitter));
  // Beats ReLU and both peers on modular addition; on the digits it ties every one of them.
  const tieDigits = { "tunable · layer": base, relu: shift(0), "prelu · layer": shift(0), "swish-β · layer": shift(0.0001) };
  const mixed = st.activationShapesVerdict(fakeSummary({ "tunable · layer": base, relu: shift(-0.2), "prelu · layer": shift(-0.1), "swish-β · layer": shift(-0.05), "relu gain · layer": shift(-0.02) }, tieDigits));
  assert.equal(mixed.answer, "mixed");
  assert.match(mixed.sentence, /^Mixed: on modular addition supported against ReLU and swish-β · layer; on the digits not against ReLU or swish-β · layer \(no reliable difference\)\. In detail, on modular addition it beats fixed ReLU: ReLU − shape test accuracy −0\.200 \[−0\.201, −0\.199\], median −0\.200, Wilcoxon p = /);
  assert.match(mixed.sentence, /Control, ReLU with a learnable gain/);
  // Supported against ReLU but not against PReLU, which is better on modular addition.
  const peerWins = st.activationShapesVerdict(fakeSummary({ "tunable · layer": base, relu: shift(-0.2), "prelu · layer": shift(0.01), "swish-β · layer": shift(-0.3) }, { "tunable · layer": base, relu: shift(-0.02), "prelu · layer": shift(-0.02), "swish-β · layer": shift(-0.03) }));
  assert.equal(peerWins.answer, "mixed");
  assert.match(peerWins.sentence, /on modular addition supported against ReLU but prelu · layer beats it; on the digits supported against ReLU and prelu · layer\./);
  // Beats both everywhere: supported; loses to the peer everywhere and ties ReLU: not supported; ties everything: inconclusive.
  const all = { "tunable · layer": base, relu: shift(-0.1), "prelu · layer": shift(-0.05), "swish-β · layer": shift(-0.06) };
  assert.equal(st.activationShapesVerdict(fakeSummary(all, all)).answer, "supported");
  const lose = { "tunable · layer": base, relu: shift(0), "prelu · layer": shift(0.05), "swish-β · layer": shift(0.04) };
  assert.equal(st.activationShapesVerdict(fakeSummary(lose, lose)).answer, "not supported");
  assert.equal(st.activationShapesVerdict(fakeSummary(tieDigits, tieDigits)).answer, "inconclusive");
  assert.ok(mixed.numbers.some((n) => /modular addition: relu − tunable · layer test accuracy −0\.200 .*Wilcoxon p = .*test loss/.test(n)), mixed.numbers.join("\n"));
});
