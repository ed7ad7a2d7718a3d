// %% [markdown]
// # 05 · Schedules: interleaved vs cyclic antitraining, and reattachment
//
// **Question.** The notes propose two ways to mix antitraining with training: *interleaved* (an antitrain step
// after every training step) and *cyclic prolonged training* (a long phase of training, then a long phase of
// antitraining, repeated). They predict that in cyclic training "spectator neurons can be converted into core
// neurons": information stored in detached spectators gets *reattached* to the output by the next training phase.
// Which schedule concentrates the layer better at the same budget, what does each cost in accuracy, and does
// reattachment happen more than the ordinary churn of a core's membership?
//
// **Method.** Digits, 64 → 128 → 10, Adam lr 1e-3, batch 64. Each run pretrains plainly, then runs the same
// number of training steps under one of three schedules:
//
// - **plain**: no antitraining (cores measured at the same cadence, so its membership churn is the control);
// - **interleaved**: one antitrain step after every training step, core re-measured every `PHASE` steps;
// - **cyclic**: `PHASE` training steps, then the core is re-measured and `PHASE` antitrain steps run (batches of 64
//   training examples), repeated.
//
// Interleaved and cyclic therefore see the same training steps *and* the same number of antitrain steps; plain sees
// the same training steps. The antitrained core is the 50% core (the fraction that worked in 01), the reported core
// the 95% core on accuracy. Cyclic runs look worse right after an antitraining phase, so both phase ends are
// reported: the *end of a training phase* (when the core is measured) and the *end of an antitraining phase*.

// %%
// Hyperparameters. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text.
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4];
const HIDDEN = 128;
const PRETRAIN = QUICK ? 150 : 600;
const PHASE = QUICK ? 100 : 200;     // training steps per cycle (and antitrain steps per cyclic phase)
const CYCLES = QUICK ? 3 : 8;        // cycles after pretraining: STEPS = PHASE * CYCLES training steps
const FRACTION = 0.5;                // the antitrained core
const REPORT_FRACTION = 0.95;        // the reported core
const STEPS = PHASE * CYCLES;

// %%
import * as at from "../dist/index";
import * as st from "../dist/studies/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";
await at.ready();
console.log(nb.provenance({ notebook: "05-schedules", quick: QUICK, seeds: SEEDS }));
const backend = at.backendName();
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "05-schedules");
// The quick setting runs 3 cycles of 100 steps, too few for the schedules' final cores to separate (the full run's
// 8 cycles of 200 do): its tables and charts say so.
const QUICK_LABEL = QUICK
  ? `quick setting (1 seed, ${CYCLES} cycles of ${PHASE} steps): too short for the schedules to separate reliably; a smoke test, not the study's numbers`
  : undefined;
const quickTitle = (title: string) => (QUICK ? `${title} (quick setting: a smoke test)` : title);

// %%
// Held with `nb.keep`, so re-running this cell frees the previous copy.
const data = nb.keep("digits", at.digits());
// Plain training is an antitrainer that never antitrains (0 antitrain steps): it measures the same 50% and 95% cores.
const schedules: Record<string, at.Schedule> = {
  plain: at.interleaved(0, { cycle: PHASE }),
  interleaved: at.interleaved(1, { cycle: PHASE }),
  cyclic: at.cyclic(PHASE, PHASE),
};
type Run = { schedule: string; seed: number; coreSize: number; spectatorDamage: number; fullDamage: number;
  testAccuracy: number; testLoss: number; trainPhaseEndAccuracy: number[]; antiPhaseEndAccuracy: number[];
  trainPhaseEndLoss: number[]; antiPhaseEndLoss: number[]; steps: number[]; antiSteps: number[];
  antitrainedCores: number[][]; reportCores: number[][]; seconds: number };
/** One seed, every schedule; cached per seed in full runs (.cache/seeds/), so an interrupted run resumes. */
function runSeed(seed: number): Run[] {
  return Object.entries(schedules).map(([name, schedule]) => {
    const run = st.runExperiment({ data, hidden: [HIDDEN], seed, pretrain: PRETRAIN, steps: STEPS,
      antitrain: { schedule, fraction: FRACTION, reportFraction: REPORT_FRACTION } });
    const rep = at.reportCore(run.model, "h1", data.test, data.train, { fraction: REPORT_FRACTION, seed: 1 });
    run.model.dispose();
    return { schedule: name, seed, coreSize: rep.core.length, spectatorDamage: rep.spectatorDamage, fullDamage: rep.fullDamage,
      testAccuracy: run.final.accuracy, testLoss: run.final.loss,
      trainPhaseEndAccuracy: run.cycles.map((c) => c.testAccuracy), trainPhaseEndLoss: run.cycles.map((c) => c.testLoss),
      antiPhaseEndAccuracy: run.antiPhaseEnds.map((p) => p.testAccuracy), antiPhaseEndLoss: run.antiPhaseEnds.map((p) => p.testLoss),
      steps: run.cycles.map((c) => c.step), antiSteps: run.antiPhaseEnds.map((p) => p.step),
      antitrainedCores: run.cycles.map((c) => c.antitrainedCore), reportCores: run.cycles.map((c) => c.reportCore),
      seconds: run.seconds };
  });
}
const settings = { HIDDEN: HIDDEN, PRETRAIN: PRETRAIN, PHASE: PHASE, CYCLES: CYCLES, FRACTION: FRACTION, REPORT_FRACTION: REPORT_FRACTION };
const runs: Run[] = [];
const t0 = Date.now();
// With SEED_WORKERS=n (FULL=1 npm run notebooks), n kernels share the seeds; alone, this just fills the cache.
nb.prefetchSeeds("05-schedules", settings, SEEDS, !QUICK, (seed) => runSeed(seed));
for (const seed of SEEDS) runs.push(...nb.cachedSeed("05-schedules", settings, seed, !QUICK, () => runSeed(seed)));
console.log(`${runs.length} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s; tensors alive: ${tf.memory().numTensors}`);

// %% [markdown]
// ## Final state at the same budget
//
// For cyclic, the run ends right after its last antitraining phase, so "final" is the antitraining-phase end; the
// table also gives the last training-phase end (measured just before that phase) for every schedule.

// %%
const fmt = (v: at.Interval, d = 3) => v.n > 1 ? `${v.mean.toFixed(d)} ± ${(v.high - v.mean).toFixed(d)}` : v.mean.toFixed(d);
const last = (a: number[]) => a[a.length - 1];
const aggregate: Record<string, Record<string, at.Interval>> = {};
const table: Record<string, string>[] = [];
for (const name of Object.keys(schedules)) {
  const rs = runs.filter((r) => r.schedule === name);
  const agg = {
    coreSize: at.meanCI(rs.map((r) => r.coreSize)),
    spectatorDamage: at.meanCI(rs.map((r) => r.spectatorDamage)),
    testAccuracy: at.meanCI(rs.map((r) => r.testAccuracy)),
    testLoss: at.meanCI(rs.map((r) => r.testLoss)),
    lastTrainPhaseEndAccuracy: at.meanCI(rs.map((r) => last(r.trainPhaseEndAccuracy))),
  };
  aggregate[name] = agg;
  table.push({ schedule: name, "95% core": fmt(agg.coreSize, 1), "spectator dmg": fmt(agg.spectatorDamage),
    "acc (final)": fmt(agg.testAccuracy), "final loss": fmt(agg.testLoss), "acc train-end": fmt(agg.lastTrainPhaseEndAccuracy) });
}
tslab.display.html(nb.htmlTable(table, { caption: QUICK_LABEL }));
console.log(`final 95% core (units of ${HIDDEN}): ${table.map((t) => `${t.schedule} ${t["95% core"]}`).join(", ")}${NOTE}`);

// %%
const palette: Record<string, string> = { plain: "#444", interleaved: "#1f77b4", cyclic: "#d62728" };
const mean = (xs: number[][]) => xs[0].map((_, i) => xs.reduce((s, x) => s + x[i], 0) / xs.length);
const sched = (name: string) => runs.filter((r) => r.schedule === name);
const coreTraces = Object.keys(schedules).map((name) => ({ x: sched(name)[0].steps,
  y: mean(sched(name).map((r) => r.reportCores.map((c) => c.length))), type: "scatter", mode: "lines+markers",
  name, line: { color: palette[name] } }));
tslab.display.html(nb.chart(coreTraces, nb.axes("training step", `95% core size (of ${HIDDEN} units), training data`,
  quickTitle("The reported core at each re-measurement (end of a training phase)"))));
const accTraces = [
  ...Object.keys(schedules).map((name) => ({ x: sched(name)[0].steps, y: mean(sched(name).map((r) => r.trainPhaseEndAccuracy)),
    type: "scatter", mode: "lines+markers", name: `${name}: end of training phase`, line: { color: palette[name] } })),
  { x: sched("cyclic")[0].antiSteps, y: mean(sched("cyclic").map((r) => r.antiPhaseEndAccuracy)), type: "scatter",
    mode: "lines+markers", name: "cyclic: end of antitraining phase", line: { color: palette.cyclic, dash: "dot" } },
];
tslab.display.html(nb.chart(accTraces, nb.axes("training step", "test accuracy", quickTitle("Test accuracy at both phase ends"))));

// %% [markdown]
// ## Reattachment: spectators that become core later
//
// At each re-measurement the antitrained (50%) core and its spectators are recorded. A unit is **reattached** at
// cycle c + 1 when it was a spectator of the antitrained core at cycle c (so it was antitrained, detached from the
// output) and is in the antitrained core at cycle c + 1. The plain run, measured the same way but never
// antitrained, gives the control: how often a unit crosses the 50% line anyway, because ranks churn. The rate is
// reattached units divided by spectators at cycle c; since the schedules leave very different numbers of
// spectators, the count per cycle is the number to compare, the rate says how likely a given spectator is to come back.

// %%
function reattachment(r: Run): { counts: number[]; rates: number[] } {
  const counts: number[] = [];
  const rates: number[] = [];
  for (let c = 0; c + 1 < r.antitrainedCores.length; c++) {
    const now = new Set(r.antitrainedCores[c]);
    const next = new Set(r.antitrainedCores[c + 1]);
    let n = 0;
    for (let u = 0; u < HIDDEN; u++) if (!now.has(u) && next.has(u)) n++;
    counts.push(n);
    rates.push(n / (HIDDEN - now.size));
  }
  return { counts, rates };
}
const reattach: Record<string, { perRun: number[]; rate: at.Interval; count: at.Interval }> = {};
const rtable: Record<string, string>[] = [];
for (const name of Object.keys(schedules)) {
  // Mean over cycles per run (skipping the first transition, which includes the pretrained network's ranking), then over seeds.
  const perRun = sched(name).map((r) => { const x = reattachment(r).rates.slice(1); return x.reduce((a, b) => a + b, 0) / Math.max(1, x.length); });
  const perRunCount = sched(name).map((r) => { const x = reattachment(r).counts.slice(1); return x.reduce((a, b) => a + b, 0) / Math.max(1, x.length); });
  reattach[name] = { perRun, rate: at.meanCI(perRun), count: at.meanCI(perRunCount) };
  rtable.push({ schedule: name, "reattached/cycle": fmt(reattach[name].count, 2), "rate": fmt(reattach[name].rate) });
}
tslab.display.html(nb.htmlTable(rtable, { caption: QUICK_LABEL }));
console.log(`reattached units per cycle: ${rtable.map((t) => `${t.schedule} ${t["reattached/cycle"]}`).join(", ")}${NOTE}`);

// %%
// Unit membership over cycles for seed 0: 2 = in the antitrained (50%) core, 1 = in the 95% core only, 0 = spectator.
for (const name of ["cyclic", "interleaved", "plain"]) {
  const r = runs.find((x) => x.schedule === name && x.seed === SEEDS[0])!;
  const membership: number[][] = Array.from({ length: HIDDEN }, (_, u) => r.antitrainedCores.map((core, c) =>
    core.includes(u) ? 2 : r.reportCores[c].includes(u) ? 1 : 0));
  // Order units by their membership history (most core first), so bands are readable.
  const order = Array.from({ length: HIDDEN }, (_, u) => u).sort((a, b) =>
    membership[b].reduce((s, v, i) => s + v * 2 ** (membership[b].length - i), 0) -
    membership[a].reduce((s, v, i) => s + v * 2 ** (membership[a].length - i), 0));
  tslab.display.html(nb.chart([{ type: "heatmap", z: order.map((u) => membership[u]), x: r.steps.map(String),
    y: order.map((u) => `u${u}`), colorscale: [[0, "#f0f0f0"], [0.5, "#9ecae1"], [1, "#08519c"]], zmin: 0, zmax: 2,
    colorbar: { tickvals: [0, 1, 2], ticktext: ["spectator", "95% core", "50% core"] } }],
    { ...nb.axes("re-measurement at training step", "unit (sorted by history)", quickTitle(`${name}: unit membership over cycles (seed ${SEEDS[0]})`)),
      height: 520, yaxis: { title: { text: "unit (sorted by history)" }, showticklabels: false } }));
}

// %%
console.log(nb.writeResults("05-schedules", {
  quick: QUICK, backend: backend, seeds: SEEDS, hidden: HIDDEN, pretrain: PRETRAIN, phase: PHASE, cycles: CYCLES,
  fraction: FRACTION, reportFraction: REPORT_FRACTION, runs: runs, aggregate: aggregate, reattachment: reattach,
}));

// %% [markdown]
// ## Reading
//
// Numbers from the full run (`FULL=1 node scripts/render-notebook.js notebooks/05-schedules.ipynb`, 5 seeds,
// digits, 128 units, 600 pretraining steps then 8 cycles of 200 training steps; interleaved and cyclic both run
// 1600 antitrain steps on the 50% core; mean ± 95% CI half-width):
//
// | schedule | final 95% core | test acc, end of training phase | test acc, end of antitraining phase | test loss (final) | reattached / cycle |
// | --- | --- | --- | --- | --- | --- |
// | plain | 122.8 ± 2.0 | 0.985 ± 0.003 | — | 0.069 ± 0.021 | 13.2 ± 2.0 (churn) |
// | interleaved | **45.4 ± 12.1** | 0.984 ± 0.007 | — | 0.150 ± 0.012 | 1.0 ± 0.7 |
// | cyclic | 79.0 ± 3.8 (after its last antitraining phase) | 0.986 (last) | 0.954 ± 0.017 (last) | 1.556 ± 0.087 | 13.8 ± 1.1 |
//
// **Interleaved wins clearly.** At the same training and antitraining budget, interleaved antitraining shrinks the
// 95% core from 123 to 45 units at unchanged accuracy (0.984 vs 0.985). Cyclic antitraining does not compress at
// all where it matters: measured at the end of each training phase its 95% core stays at 109–116 units, the
// same as plain training, for all eight cycles. Each antitraining phase does detach spectators (the core measured
// right after the last phase is 79 units), but the next 200 training steps reattach them. Worse, the antitraining
// phase costs accuracy and wrecks calibration: right after it, test accuracy is 0.954 (falling from 0.978 after
// the first phase to 0.954 after the eighth) and the clean test loss is 1.56 (after the first phase 0.23, then climbing with every phase), closer to
// the 2.30 of a uniform prediction than to plain training's 0.07; 200 training steps later accuracy is back at 0.986 and the loss at 0.069. So, as the issue warned,
// the phase end you report decides the story; neither end shows a smaller core that lasts.
//
// **Reattachment is not distinguishable from ordinary churn.** Between consecutive cycles, 13.8 units per cycle
// move from being spectators of the antitrained (50%) core to being in it under the cyclic schedule, but 13.2 per
// cycle do so in plain training, where nothing is ever detached: the 50% boundary of a redundant layer simply
// moves as units re-rank. The notes' prediction that stored spectators are "converted into core neurons" may well
// happen, but these measurements cannot separate it from churn; interleaved antitraining, by contrast, almost
// freezes membership (1.0 per cycle): once detached, a unit stays out. The heatmaps show the same: bands for
// interleaved, speckle for cyclic and plain. Also noted: the interleaved result here (45 units, re-measured every
// 200 steps) is weaker than in 01 (38 units, re-measured every 100 steps) at the same number of antitrain steps,
// so re-measuring more often may help (the intervals overlap).
