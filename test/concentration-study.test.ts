import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import * as nb from "../lib/notebook/index";
import { assertAntitrainError, invariant, snapshot } from "./helpers";

let setup: st.ConcentrationSetup;
let otherTest: at.Dataset;
let otherValidation: at.Dataset;
let base: at.Mlp;
const CHOSEN: Record<string, st.MethodSettings> = {
  "group-lasso": { lambda: 1e-2 },
  slimming: { lambda: 1e-2 },
  "activation-l1": { lambda: 1e-2 },
  "targeted-dropout": { targetFraction: 0.5, rate: 0.5 },
  "nested-dropout": { p: 0.2 },
};

before(async () => {
  await at.ready({ quiet: true });
  const task = at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 256, test: 128, seed: 0 });
  const { train, validation } = at.validationSplit(task.train, { fraction: 0.25, seed: 0 });
  at.disposeDataset(task.train);
  setup = {
    train, validation, test: task.test, inputs: 6, hidden: [12], classes: 3, site: "h1",
    pretrain: 150, updates: 20, cycle: 5, fraction: 0.95, tolerance: 0.05, probeFractions: [0.5, 0.95],
  };
  // Data of the same shape from another teacher: swapped in for the test or the validation split.
  const other = at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 64, test: 96, seed: 7 });
  otherTest = other.test;
  otherValidation = other.train;
  base = at.mlp({ inputs: 6, hidden: [12], classes: 3, seed: 0 });
  at.train(base, train, { steps: 30, seed: 0 });
});

/** The numbers of a run that come from the validation split (the core and its damages, validation accuracy). */
const validationPart = (r: st.ConcentrationRun) => [r.core, r.spectators, r.coreDamage, r.spectatorDamage, r.fullDamage, r.valAccuracy, r.valLoss];
const testPart = (r: st.ConcentrationRun) => [r.testAccuracy, r.testLoss, r.ece, r.testCore];

test("one seed runs every arm at the same update budget, as plain JSON, reproducibly, and leaks nothing", () => {
  const tensors = tf.memory().numTensors;
  const r = st.runConcentrationSeed(setup, CHOSEN, 0);
  assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
  assert.deepEqual(r.runs.map((x) => x.arm), st.CONCENTRATION_ARM_NAMES);
  assert.equal(r.fraction, 0.95);
  for (const x of r.runs) {
    assert.equal(x.updates, 20, `${x.arm}: the same 20 optimizer updates (antitraining: 10 training + 10 antitrain steps)`);
    assert.equal(x.core + x.spectators, 12, x.arm);
    assert.ok(x.core >= 1, `${x.arm}: the pretrained layer has a non-empty core (${x.core})`);
    assert.ok(Number.isInteger(x.valAccuracy * 64) && Number.isInteger(x.testAccuracy * 128), `${x.arm}: accuracies over the 64 validation and 128 test examples`);
    // Pretrained for 150 steps, every arm predicts well above chance (43 of 128 test labels are the commonest class)
    // and is calibrated to within 0.15 (ECE on 15 bins).
    assert.ok(x.valAccuracy > 0.7 && x.testAccuracy > 0.6, `${x.arm}: accuracy ${x.valAccuracy} (val), ${x.testAccuracy} (test)`);
    assert.ok(x.ece > 0 && x.ece < 0.15, `${x.arm}: ECE ${x.ece}`);
    assert.ok(x.testLoss < Math.log(3) && x.valLoss < Math.log(3), `${x.arm}: losses below chance's ln 3`);
    assert.ok(Number.isInteger(x.testCore) && x.testCore >= 0 && x.testCore <= 12, `${x.arm}: test core ${x.testCore}`);
    assert.ok(x.fullDamage > 0 ? Math.abs(x.spectatorShare - x.spectatorDamage / x.fullDamage) < 1e-12 : x.spectatorShare === 0);
    const arm = st.CONCENTRATION_ARMS.find((a) => a.name === x.arm) as st.ConcentrationArm;
    assert.equal(x.method, arm.method);
    // CHOSEN has no "antitrain" grid: antitraining's arms and the controls run their fraction at the loop's defaults.
    assert.deepEqual(x.settings, arm.settings ?? (arm.tuneAs !== undefined ? CHOSEN[arm.tuneAs] : {}));
  }
  assert.deepEqual(r.runs.filter((x) => x.method === "antitrain").map((x) => x.settings.fraction), [0.5, 0.9, 0.95, 0.99]);
  const antitrained = r.runs.filter((x) => x.method === "antitrain");
  assert.ok(new Set(antitrained.map((x) => x.testLoss)).size > 1, `the antitrained fraction changes the model: ${antitrained.map((x) => x.testLoss)}`);
  assert.deepEqual(r.probes.map((p) => p.fraction), [0.5, 0.95]);
  assert.ok(r.probes[0].spectators >= r.probes[1].spectators, "the 50% core leaves at least as many spectators as the 95% core");
  const plain = r.runs[0];
  assert.equal(r.probes[1].spectators, plain.spectators, "the 0.95 probe is the plain arm's reported core");
  assert.equal(r.probes[1].spectatorDamage, plain.spectatorDamage);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, "plain JSON: a cached seed reads back the same");
  assert.deepEqual(st.runConcentrationSeed(setup, CHOSEN, 0), r, "the same seed gives the same numbers");
  const other = st.runConcentrationSeed(setup, CHOSEN, 1);
  assert.notDeepEqual(other.runs.map(testPart), r.runs.map(testPart), "another seed, other models");
});

test("a subset of arms runs in table order with the same numbers as in the whole study, needs settings only for its own tuned arms, and summarizes alone", () => {
  const all = st.runConcentrationSeed(setup, CHOSEN, 5);
  const arms = ["group lasso", "plain", "control: core, true labels", "antitrain 0.5"];
  const tensors = tf.memory().numTensors;
  const some = st.runConcentrationSeed(setup, { "group-lasso": CHOSEN["group-lasso"] }, 5, { arms });
  assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
  assert.deepEqual(some.runs.map((x) => x.arm), ["plain", "antitrain 0.5", "control: core, true labels", "group lasso"], "table order, not the order given");
  assert.deepEqual(some.runs, all.runs.filter((x) => arms.includes(x.arm)), "each arm continues the same pretrained network: the same numbers as in the whole study");
  assert.deepEqual(some.probes, all.probes, "the plain arm's probes as before");
  const other = st.runConcentrationSeed(setup, CHOSEN, 6, { arms });
  const { summary, headline } = st.summarizeConcentration([some, other], 0.05);
  assert.deepEqual(summary.map((s) => s.arm), ["plain", "antitrain 0.5", "control: core, true labels", "group lasso"]);
  const gl = summary[3];
  assert.deepEqual(gl.perSeed, [some.runs[3].core, other.runs[3].core]);
  assert.equal(gl.coreDiff.mean, (some.runs[3].core - some.runs[1].core + other.runs[3].core - other.runs[1].core) / 2);
  assert.match(headline, /^validation 95% core \(of 12 units\): plain /);
  assert.equal(nb.concentrationTableRows(summary).length, 4);
  assertAntitrainError(() => st.summarizeConcentration([some, all], 0.05), /seed 5 ran other arms than seed 5 \(plain, antitrain 0\.5, control: core, true labels, group lasso\): run every seed with the same arms/);
  const refused: [unknown, RegExp][] = [
    [["plain", "group lasso"], /arms must include "antitrain 0\.5": the summary compares every arm/],
    [["antitrain 0.5"], /arms must include "plain"/],
    [["plain", "antitrain 0.5", "antitrain 0.8"], /every arm must be one of "plain", .*got "antitrain 0\.8"/],
    [["plain", "antitrain 0.5", "plain"], /arms lists an arm twice/],
    [[], /arms must be a list of arm names/],
  ];
  for (const [list, pattern] of refused) {
    const e = invariant(base, String(list), () => st.runConcentrationSeed(setup, CHOSEN, 0, { arms: list as string[] }));
    assert.ok(e instanceof at.AntitrainError && pattern.test(e.message), `${String(list)}: ${String(e)}`);
  }
  assertAntitrainError(() => st.runConcentrationSeed(setup, {}, 0, { arms: ["plain", "antitrain 0.5", "network slimming"] }), /chosen has no settings for "slimming" \(arm "network slimming"\)/);
  assertAntitrainError(() => st.runConcentrationSeed(setup, CHOSEN, 0, { arm: ["plain"] } as { arms?: string[] }), /unknown option "arm" of runConcentrationSeed/);
});

test("antitraining's loop knobs: tuned on antitrain 0.5 at its fixed fraction, shared by the other fractions and the controls; its defaults reproduce a chosen without them", () => {
  const loopArms = st.CONCENTRATION_ARMS.filter((a) => a.tuneAs === st.ANTITRAIN_GRID || a.knobsOf === st.ANTITRAIN_GRID);
  assert.deepEqual(loopArms.map((a) => a.name), ["antitrain 0.5", "antitrain 0.9", "antitrain 0.95", "antitrain 0.99", "control: spectators, true labels", "control: core, true labels"]);
  assert.deepEqual(st.CONCENTRATION_GRIDS, ["antitrain", ...st.CONCENTRATION_BASELINE_GRIDS]);
  const arms = ["plain", "antitrain 0.5", "antitrain 0.9", "control: core, true labels"];
  const without = st.runConcentrationSeed(setup, CHOSEN, 4, { arms });
  const defaults = st.runConcentrationSeed(setup, { ...CHOSEN, antitrain: { cycle: 5, antiLearningRate: 1e-3 } }, 4, { arms });
  assert.deepEqual(defaults.runs.map(validationPart), without.runs.map(validationPart), "the setup's cycle at the training rate: the same runs");
  assert.deepEqual(defaults.runs.map(testPart), without.runs.map(testPart));
  assert.deepEqual(defaults.runs[1].settings, { fraction: 0.5, cycle: 5, antiLearningRate: 1e-3 }, "the fraction stays, the knobs are added");
  const knobs = { cycle: 2, antiLearningRate: 3e-2 };
  const tuned = st.runConcentrationSeed(setup, { ...CHOSEN, antitrain: knobs }, 4, { arms });
  assert.deepEqual(tuned.runs.map((x) => x.settings), [{}, { fraction: 0.5, ...knobs }, { fraction: 0.9, ...knobs }, { fraction: 0.5, ...knobs }], "every arm of the loop runs the chosen knobs");
  assert.deepEqual(tuned.runs[0], without.runs[0], "plain is untouched");
  assert.notDeepEqual(tuned.runs.slice(1).map(testPart), without.runs.slice(1).map(testPart), "other knobs, other antitrained models");
  assert.deepEqual(st.concentrationArm(base, setup, "control: core, true labels", { seed: 4, settings: knobs }).settings, { fraction: 0.5, ...knobs });
  // Tuning: the grid's rows carry its entries (without the fraction), and the choice is a grid entry.
  const grids: Record<string, st.MethodSettings[]> = { antitrain: [{ cycle: 5, antiLearningRate: 1e-3 }, knobs] };
  const rows = st.tuneConcentrationSeed(setup, grids, 100);
  assert.deepEqual(rows.map((r) => [r.method, r.settings]), [["antitrain", grids.antitrain[0]], ["antitrain", knobs]]);
  const { chosen } = st.chooseConcentrationSettings(grids, rows, 0.05);
  assert.ok(grids.antitrain.includes(chosen.antitrain));
  assertAntitrainError(() => st.tuneConcentrationSeed(setup, { antitrain: [{ fraction: 0.3, cycle: 5 }] }, 100), /arm "antitrain 0\.5" has fixed settings \{"fraction":0\.5\} \(the question's\): grid "antitrain" may set only its loop's knobs \(cycle, antiSteps, antiLearningRate\)/);
  assertAntitrainError(() => st.runConcentrationSeed(setup, { ...CHOSEN, antitrain: { lambda: 1 } }, 4, { arms }), /chosen\["antitrain"\] may set only its loop's knobs/);
});

test("the core is measured on the validation split; the test split gives only the final numbers (accuracy, loss, ECE, the test-split core)", () => {
  const r = st.runConcentrationSeed(setup, CHOSEN, 3);
  const swappedTest = st.runConcentrationSeed({ ...setup, test: otherTest }, CHOSEN, 3);
  assert.deepEqual(swappedTest.runs.map(validationPart), r.runs.map(validationPart), "other test data: the same cores and damages");
  assert.deepEqual(swappedTest.probes, r.probes);
  assert.notDeepEqual(swappedTest.runs.map(testPart), r.runs.map(testPart), "other test data: other test numbers");
  const swappedVal = st.runConcentrationSeed({ ...setup, validation: otherValidation }, CHOSEN, 3);
  assert.deepEqual(swappedVal.runs.map(testPart), r.runs.map(testPart), "other validation data: the same test numbers");
  assert.notDeepEqual(swappedVal.runs.map(validationPart), r.runs.map(validationPart), "other validation data: other cores and damages");
  // The same measurement as at.reportCore on the validation split (stats from the training split): the arm trains
  // with seed + 1 and measures with seed.
  const m = base.clone();
  st.trainWithMethod(m, "h1", setup.train, "plain", { updates: 20, seed: 4 });
  const rep = at.reportCore(m, "h1", setup.validation, setup.train, { fraction: 0.95, seed: 3 });
  const arm = st.concentrationArm(base, setup, "plain", { seed: 3 });
  assert.deepEqual([arm.core, arm.spectatorDamage, arm.fullDamage], [rep.core.length, rep.spectatorDamage, rep.fullDamage]);
  assert.equal(arm.testAccuracy, at.evaluate(m, setup.test).accuracy);
  m.dispose();
});

test("concentrationArm leaves the model it continues unchanged and frees what it made, also when it throws", () => {
  for (const [arm, settings] of [["antitrain 0.5", undefined], ["group lasso", { lambda: 1e-2 }], ["network slimming", { lambda: 1e-2 }], ["plain", undefined]] as const) {
    const r = invariant(base, arm, () => st.concentrationArm(base, setup, arm, { seed: 0, settings })) as st.ConcentrationRun;
    assert.equal(r.arm, arm);
    assert.equal(r.updates, 20);
  }
  const e = invariant(base, "a bad setting", () => st.concentrationArm(base, setup, "group lasso", { seed: 0, settings: { lambda: Number.NaN } }));
  assert.ok(e instanceof at.AntitrainError, String(e));
  const w = snapshot(base);
  assert.equal(st.concentrationArm(base, setup, "antitrain 0.9", { seed: 2 }).core, st.concentrationArm(base, setup, "antitrain 0.9", { seed: 2 }).core);
  assert.deepEqual(snapshot(base), w);
});

test("tuning runs every grid setting beside plain on validation data only, and the choice follows the criterion", () => {
  const grids = { "group-lasso": [{ lambda: 1e-3 }, { lambda: 3e-2 }], "nested-dropout": [{ p: 0.2 }] };
  const tensors = tf.memory().numTensors;
  const rows = st.tuneConcentrationSeed(setup, grids, 100);
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(rows.map((r) => `${r.method} ${JSON.stringify(r.settings)}`), ['group-lasso {"lambda":0.001}', 'group-lasso {"lambda":0.03}', 'nested-dropout {"p":0.2}']);
  for (const r of rows) {
    assert.equal(r.seed, 100);
    // Well above chance (22 of the 64 validation labels are the commonest class), with a non-empty core.
    assert.ok(r.core >= 1 && r.valAccuracy > 0.55 && r.plainValAccuracy > 0.55, `${r.method}: core ${r.core}, accuracy ${r.valAccuracy}, plain ${r.plainValAccuracy}`);
  }
  assert.equal(new Set(rows.map((r) => r.plainValAccuracy)).size, 1, "one plain reference per seed");
  assert.deepEqual(st.tuneConcentrationSeed({ ...setup, test: otherTest }, grids, 100), rows, "tuning never uses the test split");
  // A spy on the test split: its tensors are read only by the checks at the door, however many settings are tuned.
  const spied = () => {
    let reads = 0;
    const d = setup.test;
    const test = { get x() { reads++; return d.x; }, get y() { reads++; return d.y; }, classes: d.classes } as at.Dataset;
    return { test, reads: () => reads };
  };
  const one = spied();
  st.tuneConcentrationSeed({ ...setup, test: one.test }, { "nested-dropout": [{ p: 0.2 }] }, 100);
  const three = spied();
  st.tuneConcentrationSeed({ ...setup, test: three.test }, { "nested-dropout": [{ p: 0.2 }, { p: 0.1 }, { p: 0.3 }] }, 100);
  assert.equal(three.reads(), one.reads(), "no test read per tuned setting");
  const study = spied();
  st.concentrationArm(base, { ...setup, test: study.test }, "plain", { seed: 0 });
  assert.ok(study.reads() > one.reads(), "the study's arms do read the test split (for accuracy, loss and ECE)");
  const { chosen, table } = st.chooseConcentrationSettings(grids, rows, 0.05);
  assert.deepEqual(Object.keys(chosen), ["group-lasso", "nested-dropout"]);
  assert.equal(table.length, 3);
  assert.equal(table.filter((t) => t.chosen).length, 2);
});

test("chooseConcentrationSettings: the smallest core among settings within tolerance of plain, ties to accuracy, else the most accurate", () => {
  const row = (lambda: number, seed: number, core: number, valAccuracy: number): st.ConcentrationTuneRow => ({
    method: "group-lasso", settings: { lambda }, seed, core, valAccuracy, plainCore: 100, plainValAccuracy: 0.92,
  });
  const grids = { "group-lasso": [{ lambda: 1 }, { lambda: 2 }, { lambda: 3 }, { lambda: 4 }] };
  const rows = [
    row(1, 100, 5, 0.9), row(1, 101, 5, 0.9), // smallest core, but 2 points below plain: does not hold
    row(2, 100, 8, 0.91), row(2, 101, 8, 0.91), // holds (exactly 1 point below)
    row(3, 100, 6, 0.92), row(3, 101, 10, 0.92), // holds, mean core 8, more accurate: wins the tie
    row(4, 100, 20, 0.93), row(4, 101, 20, 0.93),
  ];
  const { chosen, table } = st.chooseConcentrationSettings(grids, rows, 0.01);
  assert.deepEqual(chosen, { "group-lasso": { lambda: 3 } });
  assert.deepEqual(table.map((t) => [t.settings.lambda, t.core, t.holds, t.chosen]), [[1, 5, false, false], [2, 8, true, false], [3, 8, true, true], [4, 20, true, false]]);
  const none = st.chooseConcentrationSettings({ "group-lasso": [{ lambda: 1 }, { lambda: 2 }] }, rows, 0);
  assert.deepEqual(none.chosen, { "group-lasso": { lambda: 2 } }, "none within 0 points: the most accurate");
  assert.ok(none.table.every((t) => !t.holds));
  assertAntitrainError(() => st.chooseConcentrationSettings({ "group-lasso": [{ lambda: 9 }] }, rows, 0.01), /no tuning run for group-lasso \{"lambda":9\}/);
  assertAntitrainError(() => st.chooseConcentrationSettings(grids, rows, 1), /tolerance must be in \[0, 1\)/);
});

test("summarizeConcentration: paired differences to antitrain 0.5 per seed, accuracy that holds, and a headline from the table", () => {
  const seedOf = (seed: number, cores: Record<string, number>, acc: Record<string, number>): st.ConcentrationSeed => ({
    seed, fraction: 0.95, probes: [],
    runs: st.CONCENTRATION_ARMS.map((a) => {
      const core = cores[a.name] ?? 100;
      const valAccuracy = acc[a.name] ?? 0.95;
      return { arm: a.name, method: a.method, settings: a.settings ?? {}, updates: 20, core, spectators: 128 - core, coreDamage: 0.8, spectatorDamage: 0.01, fullDamage: 0.8,
               spectatorShare: 0.0125, valAccuracy, valLoss: 0.2, testAccuracy: valAccuracy, testLoss: 0.2, ece: 0.02, testCore: core + 1 };
    }),
  });
  const results = [
    seedOf(0, { plain: 120, "antitrain 0.5": 40, "group lasso": 30, "nested dropout": 10 }, { plain: 0.96, "antitrain 0.5": 0.95, "nested dropout": 0.9 }),
    seedOf(1, { plain: 124, "antitrain 0.5": 50, "group lasso": 60, "nested dropout": 12 }, { plain: 0.96, "antitrain 0.5": 0.95, "nested dropout": 0.9 }),
    seedOf(2, { plain: 122, "antitrain 0.5": 30, "group lasso": 36, "nested dropout": 8 }, { plain: 0.96, "antitrain 0.5": 0.95, "nested dropout": 0.9 }),
  ];
  const { summary, headline } = st.summarizeConcentration(results, 0.01);
  assert.deepEqual(summary.map((s) => s.arm), st.CONCENTRATION_ARM_NAMES);
  const one = (arm: string) => summary.find((s) => s.arm === arm) as st.ConcentrationSummary;
  assert.deepEqual(one("group lasso").perSeed, [30, 60, 36]);
  assert.ok(Math.abs(one("group lasso").coreDiff.mean - 2) < 1e-12, "paired: (−10 + 10 + 6) / 3");
  assert.deepEqual([one("group lasso").smaller, one("group lasso").larger], [1, 2]);
  assert.ok(one("group lasso").coreDiff.low < 0 && one("group lasso").coreDiff.high > 4, "a 95% t interval over 3 seeds");
  assert.equal(one("antitrain 0.5").coreDiff.mean, 0);
  assert.ok(Math.abs(one("plain").testAccuracyDiff.mean - 0.01) < 1e-12);
  assert.equal(one("antitrain 0.5").holds, true, "0.95 is within 1 point of 0.96");
  assert.equal(one("nested dropout").holds, false, "0.90 is not");
  assert.match(headline, /^validation 95% core \(of 128 units\): plain 122\.0, antitrain 0\.5 40\.0; /);
  assert.match(headline, /among arms within 1 point of plain's validation accuracy, antitrain 0\.5 has the smallest core$/, "nested dropout is smaller but loses accuracy; group lasso is larger");
  results[1].runs[7] = { ...results[1].runs[7], core: 20 };
  assert.match(st.summarizeConcentration(results, 0.01).headline, /the smallest core is group lasso's: 28\.7 \(paired vs antitrain 0\.5: -11\.3 \[/);
  assertAntitrainError(() => st.summarizeConcentration([], 0.01), /at least one seed/);
  assertAntitrainError(() => st.summarizeConcentration([{ ...results[0], runs: results[0].runs.slice(1) }], 0.01), /seed 0 has no run for "plain"/);
  const rows = nb.concentrationTableRows(summary);
  assert.equal(rows.length, 12);
  assert.equal(rows[7]["core (val)"], "42.0 [2.6, 81.4]");
  assert.equal(rows[1]["core vs antitrain 0.5 (paired)"], "");
  assert.equal(rows[7]["core (test)"], "43.0 [3.6, 82.4]", "the test-split core, reported beside the validation one");
  assert.equal(one("group lasso").testCoreDiff.mean, one("group lasso").coreDiff.mean);
  const charts = nb.concentrationCharts({ digits: summary }, 128);
  assert.equal(charts.length, 2);
  for (const c of charts) assert.ok(c.includes('class="antitrain-chart"'));
  assertAntitrainError(() => nb.concentrationCharts({ digits: summary }, 128, { tolerence: 0.01 } as { tolerance?: number }), /unknown option "tolerence" of concentrationCharts/);
});

test("bad input is refused with the fix, leaving the model unchanged and no tensor behind", () => {
  const wide = at.mlp({ inputs: 7, hidden: [12], classes: 3, seed: 0 });
  const cases: [string, () => unknown, RegExp][] = [
    ["unknown setup key", () => st.runConcentrationSeed({ ...setup, sit: "h1" } as st.ConcentrationSetup, CHOSEN, 0), /unknown option "sit" of the concentration study's setup/],
    ["odd updates", () => st.runConcentrationSeed({ ...setup, updates: 21 }, CHOSEN, 0), /updates must be even, got 21: antitraining spends half/],
    ["validation is test", () => st.runConcentrationSeed({ ...setup, validation: setup.test }, CHOSEN, 0), /validation and test are the same data: hold out a validation split/],
    ["validation is train", () => st.tuneConcentrationSeed({ ...setup, validation: setup.train }, {}, 0), /validation and train are the same data/],
    ["a site that is not hidden", () => st.runConcentrationSeed({ ...setup, site: "h2" }, CHOSEN, 0), /site "h2" is not a hidden layer .* use "h1"\.\."h1"/],
    ["fraction", () => st.runConcentrationSeed({ ...setup, fraction: 1.5 }, CHOSEN, 0), /fraction must be in \(0, 1\]/],
    ["tolerance", () => st.runConcentrationSeed({ ...setup, tolerance: 1 }, CHOSEN, 0), /tolerance must be in \[0, 1\)/],
    ["probe fraction", () => st.runConcentrationSeed({ ...setup, probeFractions: [0] }, CHOSEN, 0), /every probe fraction must be in \(0, 1\]/],
    ["data of another width", () => st.runConcentrationSeed({ ...setup, inputs: 5 }, CHOSEN, 0), /data\.x has shape \[\d+, 6\] but the model takes \[batch, 5\]/],
    ["chosen lacks a grid", () => st.runConcentrationSeed(setup, { ...CHOSEN, slimming: undefined } as unknown as Record<string, st.MethodSettings>, 0), /chosen has no settings for "slimming" \(arm "network slimming"\)/],
    ["chosen with a misspelt grid", () => st.runConcentrationSeed(setup, { ...CHOSEN, "group_lasso": {} }, 0), /unknown option "group_lasso" of chosen/],
    ["seed", () => st.runConcentrationSeed(setup, CHOSEN, Number.NaN), /seed must be an integer/],
    ["unknown grid", () => st.tuneConcentrationSeed(setup, { lasso: [{ lambda: 1 }] }, 100), /no arm is tuned as "lasso": grids are keyed by antitrain, group-lasso, slimming, activation-l1, targeted-dropout, nested-dropout/],
    ["empty grid", () => st.tuneConcentrationSeed(setup, { slimming: [] }, 100), /grid "slimming" needs at least one setting/],
    ["unknown arm", () => st.concentrationArm(base, setup, "antitrain 0.8", { seed: 0 }), /arm must be one of "plain", "antitrain 0\.5", .*"nested dropout", got "antitrain 0\.8"/],
    ["settings for a fixed arm", () => st.concentrationArm(base, setup, "antitrain 0.5", { seed: 0, settings: { fraction: 0.3 } }), /arm "antitrain 0\.5" has fixed settings \{"fraction":0\.5\} \(the question's\): settings may set only its loop's knobs \(cycle, antiSteps, antiLearningRate\), got \{"fraction":0\.3\}/],
    ["a tuned arm without settings", () => st.concentrationArm(base, setup, "targeted dropout", { seed: 0 }), /arm "targeted dropout" needs settings from its "targeted-dropout" grid/],
    ["a misspelt option", () => st.concentrationArm(base, setup, "plain", { seed: 0, setings: {} } as { seed: number }), /unknown option "setings" of concentrationArm/],
    ["a model of another shape", () => st.concentrationArm(wide, setup, "plain", { seed: 0 }), /the model takes \[batch, 7\]/],
  ];
  for (const [what, fn, pattern] of cases) {
    const e = invariant(base, what, fn);
    assert.ok(e instanceof at.AntitrainError, `${what}: expected an AntitrainError, got ${String(e)}`);
    assert.match((e as Error).message, pattern, what);
  }
  wide.dispose();
});
