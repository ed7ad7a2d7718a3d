import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

// The quickstart's ten-seed study (notebook 00, section 5) as a Study: its settings are the walk-through's schedule,
// bad settings are refused, a tiny seed runs every arm on the same budget, and the summary pairs the validation core
// against antitraining 0.5.
before(async () => {
  await at.ready({ quiet: true });
});

test("quick and full settings are notebook 00's study constants", () => {
  const common = {
    data: { dataset: "digits", validation: 0.2 }, width: 128, cycle: 100, fraction: 0.95, tolerance: 0.01,
    arms: ["plain", "antitrain 0.5", "control: spectators, true labels", "control: core, true labels", "group lasso", "network slimming", "activation L1", "targeted dropout", "nested dropout"],
    chosen: { "group-lasso": { lambda: 0.01 }, slimming: { lambda: 0.1 }, "activation-l1": { lambda: 0.1 }, "targeted-dropout": { targetFraction: 0.75, rate: 0.5 }, "nested-dropout": { p: 0.1 } },
  };
  assert.deepEqual(st.quickstartStudy.settings("quick"), { ...common, pretrain: 300, updates: 400 });
  assert.deepEqual(st.quickstartStudy.settings("full"), { ...common, pretrain: 1500, updates: 3200 });
  assert.equal(st.STUDIES["00-quickstart"], st.quickstartStudy);
  const s = st.quickstartStudy.settings("quick");
  assert.deepEqual(st.quickstartStudy.choose(s, []), s.chosen, "01's knobs are used, not re-tuned");
});

test("bad settings are refused with the fix", () => {
  const quick = st.quickstartSettings("quick");
  assertAntitrainError(() => st.checkQuickstartSettings({ ...quick, updates: 401 }), /even/);
  assertAntitrainError(() => st.checkQuickstartSettings({ ...quick, arms: ["plain"] }), /antitrain 0\.5/);
  assertAntitrainError(() => st.checkQuickstartSettings({ ...quick, arms: ["plain", "antitrain 0.5", "dropout"] }), /unknown arm "dropout"/);
  assertAntitrainError(() => st.checkQuickstartSettings({ ...quick, data: { dataset: "digits", validation: 0 } }), /validation split/);
  assertAntitrainError(() => st.checkQuickstartSettings({ ...quick, chosen: { lasso: { lambda: 1 } } }), /lasso/);
});

test("a tiny seed runs every arm for the same updates; the summary pairs the validation core against antitrain 0.5", () => {
  const s = st.quickstartSettings("tiny");
  const setup = st.quickstartSetup(s);
  assert.deepEqual([at.size(setup.train), at.size(setup.validation), at.size(setup.test)], [200, 269, 450]);
  const r = st.quickstartStudy.run(s, st.quickstartStudy.choose(s, []), 0);
  assert.deepEqual(r.runs.map((x) => x.arm), s.arms);
  assert.ok(r.runs.every((x) => x.updates === s.updates && x.core + x.spectators === s.width));
  const summary = st.summarizeQuickstart(s, [r, { ...r, seed: 1 }]);
  assert.equal(summary.reference, "antitrain 0.5");
  const plain = summary.paired.find((p) => p.arm === "plain");
  const core = (arm: string) => r.runs.find((x) => x.arm === arm)?.core as number;
  assert.equal(plain?.mean, core("plain") - core("antitrain 0.5"));
  assert.match(String((summary.details as { headline: string }).headline), /validation 95% core \(of 16 units\)/);
});
