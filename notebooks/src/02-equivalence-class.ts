// %% [markdown]
// # 02 · Equivalence class: does the core size depend on the problem, not the architecture?
//
// **Question.** The notes claim that the compressed core "should be a property of the information trying to be
// predicted from the samples, not something to do with the architecture itself": widening the layer should only add
// spectators. A teacher-student task makes the information known: labels come from a random teacher MLP with k
// hidden ReLU units, so a student needs on the order of k units. If the claim holds, the antitrained student's
// 95% core stays near the same size (of order k) as its width grows from 16 to 512, while a plainly trained
// student's core grows with its width. And if the cores are representatives of one equivalence class, two students
// trained from different seeds should carry similar core representations.
//
// **Method.** Teachers: 16 Gaussian inputs → k ∈ {4, 8, 16} ReLU units → 3 classes (balanced; 3 rather than 4
// classes because `at.teacherStudent` cannot balance 4 classes for most k = 4 teachers), 2000 training and 500 test
// examples. Seed s draws the teacher, the student's initialization and the batch order. Students: 16 → W → 3 for
// W ∈ {16, 32, 64, 128, 256, 512}, Adam lr 1e-3, batch 64; plain pretraining, then the same number of steps either
// plainly or with interleaved antitraining of the 50% core (re-measured every 75 steps on 512 training examples).
// Reported: the 95% accuracy core on the test set (stats from training data), as in 01. The same on digits
// (64 → W → 10). Similarity: linear CKA (`at.linearCKA`) between the core activations (test set) of two students of
// width 64 trained from different seeds on the same k = 8 teacher, and between their whole layers.

// %%
// Hyperparameters. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text.
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4];
const KS = QUICK ? [4, 16] : [4, 8, 16];                          // teacher widths
const WIDTHS = QUICK ? [16, 64] : [16, 32, 64, 128, 256, 512];    // student widths
const DIGIT_WIDTHS = QUICK ? [32, 64] : [32, 64, 128, 256];  // quick: two widths, so its chart has a line
const CLASSES = 3;
const PRETRAIN = QUICK ? 100 : 300;
const STEPS = QUICK ? 225 : 900;
const CYCLE = 75;
const FRACTION = 0.5;           // the antitrained core
const REPORT_FRACTION = 0.95;   // the reported core
const MEASURE = 512;            // training examples the antitrainer measures on
const CKA_K = QUICK ? 4 : 8;    // quick: k = 4 (the quick sweep has no k = 8 teacher)
const CKA_WIDTH = 64;

// %%
import * as at from "../dist/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";
await at.ready();
console.log(at.provenance({ notebook: "02-equivalence-class", quick: QUICK, seeds: SEEDS }));
const backend = at.backendName();
tslab.display.html(at.plotlyScript());
const NOTE = at.quickNote(QUICK, "02-equivalence-class");
// What the quick setting's tables and charts say about themselves: a coarse grid, too short to show where cores settle.
const QUICK_LABEL = QUICK
  ? `quick setting (1 seed, 2 widths per task, ${PRETRAIN} + ${STEPS} steps): too short and too coarse to show where the cores settle; a smoke test, not the study's numbers`
  : undefined;
const quickTitle = (title: string) => (QUICK ? `${title} (quick setting: a smoke test)` : title);

// %% [markdown]
// ## Core size vs student width
//
// Each cell of the sweep trains one student plainly and one with antitraining at the same step budget, and
// measures its final 95% core. In the CKA configuration (k = 8, W = 64) a second student from another seed is
// trained on the same teacher, and the linear CKA of the two students' activations is computed on the test set.
// Full runs cache each seed's results (`at.cachedSeed`), so an interrupted run resumes.

// %%
type Row = { task: string; k: number; width: number; arm: string; seed: number; coreSize: number;
  spectatorDamage: number; testAccuracy: number; testLoss: number; seconds: number };
type CkaSeed = { arm: string; seed: number; core: number; layer: number; coreSizes: number[] };
const arms = ["plain", "antitrain"];
/** Activations of a site's units on x, [n, units.length] (all units when `units` is null). */
function unitActs(model: at.HookedModel, site: string, x: tf.Tensor2D, units: number[] | null): tf.Tensor2D {
  return tf.tidy(() => {
    const cut = model.split(site, x);
    const act = units === null ? cut.act.clone() : tf.gather(cut.act, units, 1);
    cut.dispose();
    return act as tf.Tensor2D;
  });
}
function trainOne(data: at.Split, width: number, arm: string, seed: number) {
  const run = at.runExperiment({ data, hidden: [width], seed, pretrain: PRETRAIN, steps: STEPS, measureSize: MEASURE,
    evaluateCycles: false,
    antitrain: arm === "plain" ? undefined
      : { schedule: at.interleaved(1, { cycle: CYCLE }), fraction: FRACTION, reportFraction: REPORT_FRACTION } });
  const rep = at.reportCore(run.model, "h1", data.test, data.train, { fraction: REPORT_FRACTION, seed: 1 });
  return { run, rep };
}
/** One seed's whole sweep (teacher-student, digits, and the CKA pair); cached per seed in full runs. */
function runSeed(seed: number): { rows: Row[]; cka: CkaSeed[] } {
  const rows: Row[] = [];
  const cka: CkaSeed[] = [];
  const record = (task: string, k: number, width: number, arm: string, r: ReturnType<typeof trainOne>) =>
    rows.push({ task, k, width, arm, seed, coreSize: r.rep.core.length, spectatorDamage: r.rep.spectatorDamage,
      testAccuracy: r.run.final.accuracy, testLoss: r.run.final.loss, seconds: r.run.seconds });
  for (const k of KS) {
    const data = at.teacherStudent({ teacherHidden: k, classes: CLASSES, seed, train: 2000, test: 500 });
    for (const width of WIDTHS) for (const arm of arms) {
      const first = trainOne(data, width, arm, seed);
      record("teacher-student", k, width, arm, first);
      if (k === CKA_K && width === CKA_WIDTH) {
        // A second student of the same width on the same teacher, from another seed.
        const second = trainOne(data, width, arm, seed + 1000);
        const acts = [first, second].map((r) => ({ core: unitActs(r.run.model, "h1", data.test.x, r.rep.core),
                                                    layer: unitActs(r.run.model, "h1", data.test.x, null) }));
        cka.push({ arm, seed, core: at.linearCKA(acts[0].core, acts[1].core), layer: at.linearCKA(acts[0].layer, acts[1].layer),
                   coreSizes: [first.rep.core.length, second.rep.core.length] });
        for (const a of acts) tf.dispose([a.core, a.layer]);
        second.run.model.dispose();
      }
      first.run.model.dispose();
    }
    at.disposeDataset(data.train); at.disposeDataset(data.test);
  }
  const digits = at.digits();
  for (const width of DIGIT_WIDTHS) for (const arm of arms) {
    const r = trainOne(digits, width, arm, seed);
    record("digits", 10, width, arm, r);
    r.run.model.dispose();
  }
  at.disposeDataset(digits.train); at.disposeDataset(digits.test);
  return { rows, cka };
}
const settings = { KS: KS, WIDTHS: WIDTHS, DIGIT_WIDTHS: DIGIT_WIDTHS, CLASSES: CLASSES, PRETRAIN: PRETRAIN, STEPS: STEPS, CYCLE: CYCLE, FRACTION: FRACTION, REPORT_FRACTION: REPORT_FRACTION, MEASURE: MEASURE, CKA_K: CKA_K, CKA_WIDTH: CKA_WIDTH };
const rows: Row[] = [];
const ckaSeeds: CkaSeed[] = [];
const t0 = Date.now();
// With SEED_WORKERS=n (FULL=1 npm run notebooks), n kernels share the seeds; alone, this just fills the cache.
at.prefetchSeeds("02-equivalence-class", settings, SEEDS, !QUICK, (seed) => runSeed(seed));
for (const seed of SEEDS) {
  // Full runs cache each seed (.cache/seeds/), so an interrupted run resumes at the first missing seed.
  const out = at.cachedSeed("02-equivalence-class", settings, seed, !QUICK, () => runSeed(seed));
  rows.push(...out.rows);
  ckaSeeds.push(...out.cka);
  console.log(`seed ${seed} done at ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
console.log(`${rows.length} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

// %%
const fmt = (v: at.Interval, d = 3) => v.n > 1 ? `${v.mean.toFixed(d)} ± ${(v.high - v.mean).toFixed(d)}` : v.mean.toFixed(d);
const cell = (task: string, k: number, width: number, arm: string) =>
  rows.filter((r) => r.task === task && r.k === k && r.width === width && r.arm === arm);
const aggregate: Record<string, { coreSize: at.Interval; testAccuracy: at.Interval; spectatorDamage: at.Interval }> = {};
const table: Record<string, string | number>[] = [];
const groups: [string, number, number[]][] = [...KS.map((k) => ["teacher-student", k, WIDTHS] as [string, number, number[]]),
  ["digits", 10, DIGIT_WIDTHS]];
for (const [task, k, widths] of groups) for (const width of widths) {
  const row: Record<string, string | number> = { task: task === "digits" ? "digits" : `k=${k}`, W: width };
  for (const arm of arms) {
    const rs = cell(task, k, width, arm);
    const agg = { coreSize: at.meanCI(rs.map((r) => r.coreSize)), testAccuracy: at.meanCI(rs.map((r) => r.testAccuracy)),
                  spectatorDamage: at.meanCI(rs.map((r) => r.spectatorDamage)) };
    aggregate[`${task}/${k}/${width}/${arm}`] = agg;
    row[`${arm} core`] = fmt(agg.coreSize, 1);
    row[`${arm} acc`] = fmt(agg.testAccuracy);
  }
  table.push(row);
}
// One table per task.
for (const [task, k] of groups) {
  const name = task === "digits" ? "digits" : `k=${k}`;
  tslab.display.html(at.htmlTable(table.filter((r) => r.task === name), { caption: QUICK_LABEL }));
}
// The headline: how each arm's core changes from the narrowest to the widest student (mean over seeds).
for (const [task, k, widths] of groups) {
  const core = (w: number, arm: string) => aggregate[`${task}/${k}/${w}/${arm}`].coreSize.mean.toFixed(1);
  const [lo, hi] = [widths[0], widths[widths.length - 1]];
  console.log(`${task === "digits" ? "digits" : `teacher k=${k}`}: 95% core from W = ${lo} to ${hi}: plain ${core(lo, "plain")} → ${core(hi, "plain")}, ` +
    `antitrained ${core(lo, "antitrain")} → ${core(hi, "antitrain")} units${NOTE}`);
}

// %%
const kColors: Record<number, string> = { 4: "#1f77b4", 8: "#2ca02c", 16: "#d62728", 10: "#9467bd" };
const traces: Record<string, unknown>[] = [];
for (const [task, k, widths] of groups) {
  if (task === "digits") continue;
  for (const arm of arms) traces.push({ x: widths, y: widths.map((w) => aggregate[`${task}/${k}/${w}/${arm}`].coreSize.mean),
    error_y: { type: "data", array: widths.map((w) => { const a = aggregate[`${task}/${k}/${w}/${arm}`].coreSize; return a.high - a.mean; }) },
    type: "scatter", mode: "lines+markers", name: `k=${k}, ${arm}`, line: { color: kColors[k], dash: arm === "plain" ? "dot" : "solid" } });
  traces.push({ x: [widths[0], widths[widths.length - 1]], y: [k, k], type: "scatter", mode: "lines", name: `y = ${k}`,
    line: { color: kColors[k], dash: "dash", width: 1 } });
}
tslab.display.html(at.chart(traces, { ...at.axes("student width W", "95% core size (units)",
  quickTitle("Teacher-student: final core size vs student width")), xaxis: { title: { text: "student width W" }, type: "log" },
  yaxis: { title: { text: "95% core size (units)" }, type: "log" }, height: 480 }));
const accTraces: Record<string, unknown>[] = [];
for (const [task, k, widths] of groups) for (const arm of arms) accTraces.push({ x: widths,
  y: widths.map((w) => aggregate[`${task}/${k}/${w}/${arm}`].testAccuracy.mean), type: "scatter", mode: "lines+markers",
  name: `${task === "digits" ? "digits" : `k=${k}`}, ${arm}`, line: { color: kColors[k], dash: arm === "plain" ? "dot" : "solid" } });
tslab.display.html(at.chart(accTraces, { ...at.axes("student width W", "test accuracy", quickTitle("Test accuracy vs width")),
  xaxis: { title: { text: "student width W" }, type: "log" } }));
const dTraces = arms.map((arm) => ({ x: DIGIT_WIDTHS, y: DIGIT_WIDTHS.map((w) => aggregate[`digits/10/${w}/${arm}`].coreSize.mean),
  type: "scatter", mode: "lines+markers", name: `digits, ${arm}`, line: { color: kColors[10], dash: arm === "plain" ? "dot" : "solid" } }));
tslab.display.html(at.chart(dTraces, { ...at.axes("hidden width W", "95% core size (units)", quickTitle("Digits: final core size vs width")),
  xaxis: { title: { text: "hidden width W" }, type: "log" } }));

// %% [markdown]
// ## Do two seeds find the same core?
//
// Students of width `CKA_WIDTH` = 64 on the teacher with k = `CKA_K` hidden units (8 in the full setting, 4 in the
// quick one). Linear CKA between the two students' core activations (each student's own 95% core; the cores may differ in
// size), and between their whole layers. CKA is invariant to rotations and isotropic scaling of either
// representation, so it compares what the units encode, not which units encode it.

// %%
const cka: Record<string, { core: at.Interval; layer: at.Interval; coreSize: at.Interval }> = {};
const ckaTable: Record<string, string>[] = [];
for (const arm of arms) {
  const cs = ckaSeeds.filter((c) => c.arm === arm);
  cka[arm] = { core: at.meanCI(cs.map((c) => c.core)), layer: at.meanCI(cs.map((c) => c.layer)),
               coreSize: at.meanCI(cs.flatMap((c) => c.coreSizes)) };
  ckaTable.push({ arm, "core size": fmt(cka[arm].coreSize, 1), "CKA cores": fmt(cka[arm].core), "CKA layers": fmt(cka[arm].layer) });
}
tslab.display.html(at.htmlTable(ckaTable, { caption: `k = ${CKA_K}, W = ${CKA_WIDTH}, seeds s and s + 1000${QUICK_LABEL === undefined ? "" : ` · ${QUICK_LABEL}`}` }));
console.log(`linear CKA of two seeds' cores: plain ${cka.plain.core.mean.toFixed(3)}, antitrained ${cka.antitrain.core.mean.toFixed(3)}${NOTE}`);
console.log(`tensors alive: ${tf.memory().numTensors}`);

// %%
console.log(at.writeResults("02-equivalence-class", {
  quick: QUICK, backend: backend, seeds: SEEDS, teacherWidths: KS, studentWidths: WIDTHS, digitWidths: DIGIT_WIDTHS,
  classes: CLASSES, pretrain: PRETRAIN, steps: STEPS, cycle: CYCLE, fraction: FRACTION, reportFraction: REPORT_FRACTION,
  measure: MEASURE, ckaK: CKA_K, ckaWidth: CKA_WIDTH, runs: rows, aggregate: aggregate, ckaSeeds: ckaSeeds, cka: cka,
}));

// %% [markdown]
// ## Reading
//
// Numbers from the full run (`FULL=1 node scripts/render-notebook.js notebooks/02-equivalence-class.ipynb`, 5
// seeds, 300 + 900 steps; mean ± 95% CI half-width; 95% accuracy core on the test set):
//
// | teacher k | student width | 16 | 32 | 64 | 128 | 256 | 512 |
// | --- | --- | --- | --- | --- | --- | --- | --- |
// | 4 | plain core | 12.2 | 22.2 | 51.0 | 106.2 | 228.8 | 490.6 |
// | 4 | antitrained core | 8.4 | 10.6 | 14.0 | 14.8 | 12.0 | **13.2 ± 4.7** |
// | 8 | plain core | 13.4 | 26.4 | 56.2 | 111.8 | 233.0 | 499.4 |
// | 8 | antitrained core | 9.2 | 13.2 | 15.0 | 20.6 | 19.8 | **15.2 ± 2.8** |
// | 16 | plain core | 12.8 | 27.4 | 57.6 | 109.0 | 228.6 | 488.0 |
// | 16 | antitrained core | 9.6 | 14.6 | 20.0 | 23.0 | 29.6 | **22.0 ± 5.6** |
// | digits | plain core (W = 32 / 64 / 128 / 256) | 27.2 | 59.4 | 121.8 | 245.6 | | |
// | digits | antitrained core | 23.8 | 36.6 | 51.6 | 69.4 | | |
//
// Linear CKA between two students (k = 8, W = 64, seeds s and s + 1000): cores 0.783 ± 0.028 plain vs
// 0.850 ± 0.042 antitrained; whole layers 0.803 ± 0.025 plain vs 0.872 ± 0.017 antitrained.
//
// **On the teacher-student task the hypothesis holds for core size.** A plainly trained student's 95% core is
// almost its whole width at every width (12 → 491 units from W = 16 to 512): its information is spread over every
// unit it has. After antitraining, the core stops depending on the width: from W = 64 to 512 it stays within
// 12–15 units for k = 4, 15–21 for k = 8 and 20–30 for k = 16, even though the 512-wide student has 8× more units to
// spread over. It does depend on the problem, though more weakly than the notes' picture suggests: the cores are
// about 3k units for k = 4, 2k for k = 8 and 1.4k for k = 16, so the line y = k gives the right order of magnitude
// but not a law: 4× more teacher units give a core only about 1.7× larger. (The students reach 77–89% test
// accuracy, not the teacher's 100%, so the core measures what the student has learned, not all the teacher knows.) Antitraining costs 3–5 points of accuracy at
// every width, and the spectators of a wide antitrained layer still carry some damage (0.11 of accuracy at
// W = 512), so the remaining width is not pure spectator.
//
// **On digits it fails in part.** The antitrained core still grows with the width (24 → 37 → 52 → 69 units for
// W = 32 → 256), much more slowly than plain training's (27 → 246), at under 1 point of accuracy. Whether it would
// level off with a longer budget (01 shows the core still shrinking at the end of a longer run) is not settled
// here.
//
// **Two seeds' antitrained cores are more alike than two seeds' plain cores** (CKA 0.85 vs 0.78, whole layers 0.87
// vs 0.80), with the antitrained cores a third the size (17 vs 55 units). The difference is about two interval
// half-widths, so it is suggestive, not decisive; and a CKA of 0.85 says the two cores encode similar information,
// not that they are the same representative.
