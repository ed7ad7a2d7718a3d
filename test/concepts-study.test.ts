import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

// Notebook 12's concept study as a Study: its settings are the notebook's documented constants, bad settings are
// refused, the table is the mean and t interval per condition, and a tiny seed runs both conditions cleanly.
before(async () => {
  await at.ready({ quiet: true });
});

test("quick and full settings are notebook 12's constants", () => {
  const common = { data: { dataset: "digits" }, hidden: 32, conceptUnits: [0, 1, 2, 3], concept: { name: "parity", values: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1] }, antiLearningRate: 0.02, pretrain: 300, statsEvery: 100 };
  assert.deepEqual(st.conceptsStudy.settings("quick"), { ...common, steps: 300 });
  assert.deepEqual(st.conceptsStudy.settings("full"), { ...common, steps: 2000 });
  assert.equal(st.STUDIES["12-concepts"], st.conceptsStudy);
});

test("bad settings are refused with the fix", () => {
  const quick = st.conceptsSettings("quick");
  assertAntitrainError(() => st.checkConceptsSettings({ ...quick, conceptUnits: [40] }), /below hidden/);
  assertAntitrainError(() => st.checkConceptsSettings({ ...quick, conceptUnits: Array.from({ length: 32 }, (_, i) => i) }), /leave some other units/);
  assertAntitrainError(() => st.checkConceptsSettings({ ...quick, steps: 0 }), /steps/);
  assertAntitrainError(() => st.checkConceptsSettings({ ...quick, concept: { name: "parity", values: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] } }), /value/);
  assertAntitrainError(() => st.checkConceptsSettings({ ...quick, stepz: 3 } as st.ConceptsSettings), /stepz/);
});

test("conceptTable: per condition and measurement the mean with its 95% t interval, by hand", () => {
  const row = (condition: st.ConceptCondition, seed: number, v: number): st.ConceptRow => ({
    condition, seed, mainAccuracy: v, probeClean: v, probeChosen: v, probeOthers: v, hidProbeChosen: v, hidProbeOthers: v, chance: 0.5, mainDamageChosen: v, mainDamageOthers: v,
  });
  const table = st.conceptTable([row("control", 0, 0.8), row("antitrained", 0, 0.5), row("control", 1, 0.9), row("antitrained", 1, 0.7)]);
  assert.deepEqual(Object.keys(table), ["control", "antitrained"]);
  assert.deepEqual(Object.keys(table.control), [...st.CONCEPT_MEASUREMENTS]);
  assert.ok(Math.abs(table.control.probeChosen.mean - 0.85) < 1e-12);
  assert.ok(Math.abs(table.antitrained.probeChosen.mean - 0.6) < 1e-12);
  // Two values 0.5 and 0.7: sd = 0.1414…, half-width t(0.975, 1) · sd / √2 = 12.706 · 0.1 = 1.2706.
  assert.ok(Math.abs(table.antitrained.probeChosen.high - 0.6 - 1.2706) < 1e-3, `${table.antitrained.probeChosen.high}`);
});

test("a tiny seed runs both conditions, frees its tensors, and summarizes with the antitrained arm as reference", () => {
  const s = st.conceptsSettings("tiny");
  st.conceptSeed(s, 0); // builds the digits once for the process
  const tensors = tf.memory().numTensors;
  const r = st.conceptSeed(s, 1);
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
  assert.equal(r.seed, 1);
  assert.deepEqual(r.rows.map((x) => x.condition), ["control", "antitrained"]);
  assert.equal(r.antiLoss.length, s.steps, "one concept antitrain step per training step");
  for (const row of r.rows) {
    for (const k of st.CONCEPT_MEASUREMENTS.filter((m) => !m.startsWith("mainDamage"))) assert.ok(row[k] >= 0 && row[k] <= 1, `${row.condition} ${k} ${row[k]}`);
    assert.ok(row.chance > 0.4 && row.chance < 0.6);
  }
  assert.deepEqual(st.conceptSeed(s, 1), r, "the same seed gives the same numbers");
  const summary = st.summarizeConcepts([r]);
  assert.equal(summary.reference, "antitrained");
  assert.equal(summary.better, "lower");
  assert.equal(summary.arms.find((a) => a.arm === "control")?.mean, r.rows[0].probeChosen);
});

test("conceptsVerdict: beating the control is 'supported' only when the probe's mean is within 2 points of chance; otherwise 'mixed'", () => {
  const summary = (anti: number[]) => {
    const perSeed = anti.map((a) => ({ antitrained: a, control: 0.89 }));
    const ci = st.summarizeScores(perSeed.map((p) => ({ x: p.antitrained })), { metric: "m", better: "lower", reference: "x" }).arms[0];
    const probeChosen = { mean: ci.mean, low: ci.low, high: ci.high, n: anti.length };
    return st.summarizeScores(perSeed, {
      metric: "probe",
      better: "lower",
      reference: "antitrained",
      arms: ["antitrained", "control"],
      details: { chance: 0.5, table: { antitrained: { probeChosen } } },
    });
  };
  const far = st.conceptsVerdict(summary([0.6, 0.62, 0.58, 0.61, 0.6]));
  assert.equal(far.answer, "mixed");
  assert.match(far.sentence, /not to chance: the antitrained probe with the chosen units randomized reads 0\.602 \[/);
  const wide = st.conceptsVerdict(summary([0.5, 0.7, 0.45, 0.75, 0.5]));
  assert.equal(wide.answer, "mixed", "an interval that reaches chance is not enough: the mean 0.58 is 8 points above it");
  const near = st.conceptsVerdict(summary([0.5, 0.51, 0.49, 0.52, 0.5]));
  assert.equal(near.answer, "supported");
  assert.match(near.numbers.at(-1) ?? "", /against chance 0\.500/);
});
