// %% [markdown]
// # 01 · Concentration: does antitraining force information through the core?
//
// **Question.** The notes (SEED.md, "Antitraining") claim that antitraining the spectators of a layer erases the
// information they pass on, so that afterwards all the information flows through a small *core*. If that is
// true, then after antitraining (a) the core that holds 95% of the damage is smaller than in a plainly trained
// network, (b) randomizing the spectators does (almost) nothing, and (c) test accuracy holds.
//
// **Method.** One hidden layer of 128 ReLU units, on two tasks: the UCI digits (64 → 128 → 10) and a
// teacher-student task (16 inputs, a random teacher with k = 8 hidden units, 4 classes). Every run first trains
// plainly (Adam, lr 1e-3, batch 64), then continues for the same number of steps either plainly (the baseline)
// or with an interleaved antitraining schedule: one antitrain step after each training step, the core re-measured
// every 100 steps on 1024 training examples.
//
// Two knobs are kept apart, as the issue asks:
//
// - the **antitrained fraction** picks the core whose spectators are antitrained: swept over 0.5 / 0.9 / 0.95 / 0.99;
// - the **report fraction** is always 0.95: the reported core is the smallest prefix of units (ranked by their
//   cross-entropy damage) whose joint randomization (resampling each unit from its own activations) removes 95% of
//   the *accuracy* lost when the whole layer is randomized. It is measured on the **test** set, with stats from the
//   training set.
//
// Core damage and spectator damage are `at.splitDamage` on the test set: the accuracy lost when only the core, or
// only the spectators, are randomized. The per-cycle curves come from the antitrainer's own measurements (on
// training data); plain runs are measured at the same cadence with no antitrain steps.

// %%
// Hyperparameters. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text.
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4];
const FRACTIONS = QUICK ? [0.5, 0.95] : [0.5, 0.9, 0.95, 0.99]; // antitrained-core fractions
const REPORT_FRACTION = 0.95;                                   // the reported core
const HIDDEN = 128;
// Quick: long enough that the 0.95 arm stays near plain, as in the full run (at 150 + 300 steps one seed's 0.95
// core still sat 10-15 units below plain's, a transient the full run does not show).
const PRETRAIN = QUICK ? 300 : 600;  // plain steps before the schedule
const STEPS = QUICK ? 600 : 1600;    // steps under the schedule (plain baseline: the same steps, no antitraining)
const CYCLE = 100;                   // re-measure the core every CYCLE training steps
const TEACHER_K = 8;

// %%
import * as at from "../dist/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";
await at.ready();
console.log(at.provenance({ notebook: "01-concentration", quick: QUICK, seeds: SEEDS }));
const backend = at.backendName();
tslab.display.html(at.plotlyScript());
const NOTE = at.quickNote(QUICK, "01-concentration");
// The tables' caption in the quick setting (1 seed, 2 fractions, fewer steps): not the study's numbers.
const QUICK_CAPTION = QUICK ? `quick setting (${SEEDS.length} seed, ${PRETRAIN} + ${STEPS} steps): a smoke test, not the study's numbers` : undefined;

// %% [markdown]
// ## The runs
//
// `at.runExperiment` trains a fresh MLP (pretraining, then the schedule) and records every re-measurement;
// `at.reportCore` measures the final 95% core on the test set. Full runs cache each seed
// (`at.cachedSeed`), so an interrupted run resumes; re-running this cell recomputes everything from fresh models
// (the datasets are held with `at.keep`, so a re-run frees the previous ones). For the plain baseline we also ask
// *why* the 95% core cannot shrink: for each candidate fraction f, how much damage do the spectators of the f-core
// carry in the plainly trained network? That is the signal an antitrain step has to work with.

// %%
const tasks = at.keep("tasks", {
  digits: at.digits(),
  "teacher-student": at.teacherStudent({ teacherHidden: TEACHER_K, seed: 0 }),
});
type Row = { task: string; config: string; seed: number; coreSize: number; coreDamage: number; spectatorDamage: number;
             fullDamage: number; testAccuracy: number; testLoss: number; seconds: number };
type Curve = { task: string; config: string; seed: number; step: number[]; core: number[]; accuracy: number[] };
type Why = { task: string; seed: number; fraction: number; spectators: number; spectatorDamage: number; fullDamage: number };
const configs = ["plain", ...FRACTIONS.map((f) => `antitrain ${f}`)];
/** One seed: every task and configuration; cached per seed in full runs (.cache/seeds/), so a run resumes. */
function runSeed(seed: number): { rows: Row[]; curves: Curve[]; why: Why[] } {
  const out = { rows: [] as Row[], curves: [] as Curve[], why: [] as Why[] };
  for (const [taskName, data] of Object.entries(tasks)) {
    for (const config of configs) {
      const fraction = config === "plain" ? undefined : Number(config.split(" ")[1]);
      const run = at.runExperiment({
        data, hidden: [HIDDEN], seed, pretrain: PRETRAIN, steps: STEPS,
        antitrain: fraction === undefined ? undefined
          : { schedule: at.interleaved(1, { cycle: CYCLE }), fraction, reportFraction: REPORT_FRACTION },
        track: CYCLE,
      });
      const rep = at.reportCore(run.model, "h1", data.test, data.train, { fraction: REPORT_FRACTION, seed: 1 });
      out.rows.push({ task: taskName, config, seed, coreSize: rep.core.length, coreDamage: rep.coreDamage,
        spectatorDamage: rep.spectatorDamage, fullDamage: rep.fullDamage, testAccuracy: run.final.accuracy,
        testLoss: run.final.loss, seconds: run.seconds });
      out.curves.push({ task: taskName, config, seed, step: run.cycles.map((c) => c.step),
        core: run.cycles.map((c) => c.reportCore.length), accuracy: run.cycles.map((c) => c.testAccuracy) });
      if (config === "plain") {
        // Why the 95% core does not move: the spectators of each f-core, and the damage they carry.
        for (const f of [0.5, 0.8, 0.9, 0.95, 0.99]) {
          const split = at.findCore(run.model, "h1", data.test, { stats: rep.stats, fraction: f, metric: "accuracy", seed: 1 });
          const d = at.splitDamage(run.model, "h1", data.test, split, { stats: rep.stats, metric: "accuracy", seed: 1 });
          out.why.push({ task: taskName, seed, fraction: f, spectators: split.spectators.length, spectatorDamage: d.spectators, fullDamage: d.full });
        }
      }
      run.model.dispose();
    }
  }
  return out;
}
const settings = { FRACTIONS: FRACTIONS, REPORT_FRACTION: REPORT_FRACTION, HIDDEN: HIDDEN, PRETRAIN: PRETRAIN, STEPS: STEPS,
                   CYCLE: CYCLE, TEACHER_K: TEACHER_K };
const rows: Row[] = [];
const curves: Curve[] = [];
const why: Why[] = [];
const t0 = Date.now();
// With SEED_WORKERS=n (FULL=1 npm run notebooks), n kernels share the seeds; alone, this just fills the cache.
at.prefetchSeeds("01-concentration", settings, SEEDS, !QUICK, (seed) => runSeed(seed));
for (const seed of SEEDS) {
  const out = at.cachedSeed("01-concentration", settings, seed, !QUICK, () => runSeed(seed));
  rows.push(...out.rows); curves.push(...out.curves); why.push(...out.why);
}
console.log(`${rows.length} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s; tensors alive: ${tf.memory().numTensors}`);

// %% [markdown]
// ## Before vs after, per antitrained fraction
//
// Mean over seeds with a 95% confidence interval (Student t over seeds). Damages are accuracy points lost on the
// test set; the full damage is what randomizing the whole layer costs.

// %%
const fmt = (v: at.Interval, d = 3) => v.n > 1 ? `${v.mean.toFixed(d)} ± ${(v.high - v.mean).toFixed(d)}` : v.mean.toFixed(d);
const aggregate: Record<string, Record<string, Record<string, at.Interval>>> = {};
const table: Record<string, string | number>[] = [];
for (const task of Object.keys(tasks)) {
  aggregate[task] = {};
  for (const config of configs) {
    const rs = rows.filter((r) => r.task === task && r.config === config);
    const ci = (k: keyof Row) => at.meanCI(rs.map((r) => r[k] as number));
    const agg = { coreSize: ci("coreSize"), coreDamage: ci("coreDamage"), spectatorDamage: ci("spectatorDamage"),
                  fullDamage: ci("fullDamage"), testAccuracy: ci("testAccuracy"), testLoss: ci("testLoss") };
    aggregate[task][config] = agg;
    table.push({ task, config, "95% core": fmt(agg.coreSize, 1), "core damage": fmt(agg.coreDamage),
      "spect. damage": fmt(agg.spectatorDamage), "test accuracy": fmt(agg.testAccuracy), "test loss": fmt(agg.testLoss) });
  }
}
// One table per task (the whole-layer damage is in the results file and the last chart).
for (const task of Object.keys(tasks)) {
  tslab.display.html(at.htmlTable(table.filter((r) => r.task === task).map(({ task: _, ...rest }) => rest),
    { caption: QUICK_CAPTION === undefined ? task : `${task} · ${QUICK_CAPTION}` }));
}
// The headline: the reported 95% core of each arm (mean over seeds).
for (const task of Object.keys(tasks)) {
  const cores = configs.map((c) => `${c} ${aggregate[task][c].coreSize.mean.toFixed(1)}`).join(", ");
  console.log(`${task}: final 95% core (units of ${HIDDEN}, test set): ${cores}${NOTE}`);
}

// %%
const palette = ["#444", "#1f77b4", "#2ca02c", "#ff7f0e", "#d62728"];
const meanCurve = (task: string, config: string, key: "core" | "accuracy") => {
  const cs = curves.filter((c) => c.task === task && c.config === config);
  return { x: cs[0].step, y: cs[0].step.map((_, i) => cs.reduce((s, c) => s + c[key][i], 0) / cs.length) };
};
for (const task of Object.keys(tasks)) {
  const traces = configs.map((config, i) => ({ ...meanCurve(task, config, "core"), type: "scatter", mode: "lines+markers",
    name: config, line: { color: palette[i % palette.length] } }));
  tslab.display.html(at.chart(traces, at.axes("training step", `95% core size (units of ${HIDDEN}), training data`,
    `${task}: the reported core per cycle (mean of ${SEEDS.length} seed${SEEDS.length > 1 ? "s" : ""})`)));
}

// %%
for (const task of Object.keys(tasks)) {
  const traces = configs.map((config, i) => ({ ...meanCurve(task, config, "accuracy"), type: "scatter", mode: "lines+markers",
    name: config, line: { color: palette[i % palette.length] } }));
  tslab.display.html(at.chart(traces, at.axes("training step", "test accuracy", `${task}: test accuracy per cycle`)));
}

// %% [markdown]
// ## Why antitraining the 95% core does nothing
//
// In the plainly trained network, take the core at fraction f and randomize only its spectators. The antitrain
// step can only erase information that reaches the output through the spectators while the core is randomized; if
// the spectators of the f-core carry no measurable damage, there is nothing to erase.

// %%
const whyTable: Record<string, string | number>[] = [];
const whyAgg: Record<string, Record<string, { spectators: at.Interval; spectatorShare: at.Interval }>> = {};
for (const task of Object.keys(tasks)) {
  whyAgg[task] = {};
  for (const f of [0.5, 0.8, 0.9, 0.95, 0.99]) {
    const ws = why.filter((w) => w.task === task && w.fraction === f);
    const agg = { spectators: at.meanCI(ws.map((w) => w.spectators)),
                  spectatorShare: at.meanCI(ws.map((w) => w.spectatorDamage / w.fullDamage)) };
    whyAgg[task][String(f)] = agg;
    whyTable.push({ task, f, spectators: fmt(agg.spectators, 1), "spectator share": fmt(agg.spectatorShare) });
  }
}
tslab.display.html(at.htmlTable(whyTable, { caption: QUICK_CAPTION }));
const whyTraces = Object.keys(tasks).map((task, i) => ({ x: [0.5, 0.8, 0.9, 0.95, 0.99],
  y: [0.5, 0.8, 0.9, 0.95, 0.99].map((f) => whyAgg[task][String(f)].spectatorShare.mean),
  type: "scatter", mode: "lines+markers", name: task, line: { color: palette[i + 1] } }));
tslab.display.html(at.chart(whyTraces, at.axes("core fraction f", "spectators' damage / whole-layer damage",
  "plain training: what the spectators of the f-core carry")));

// %%
console.log(at.writeResults("01-concentration", {
  quick: QUICK, backend: backend, seeds: SEEDS, fractions: FRACTIONS, reportFraction: REPORT_FRACTION,
  hidden: HIDDEN, pretrain: PRETRAIN, steps: STEPS, cycle: CYCLE, teacherK: TEACHER_K,
  runs: rows, curves: curves, why: why, aggregate: aggregate, whyAggregate: whyAgg,
}));

// %% [markdown]
// ## Reading
//
// Numbers from the full run (`FULL=1 node scripts/render-notebook.js notebooks/01-concentration.ipynb`, 5 seeds,
// mean ± 95% CI half-width, 128 hidden units, 600 + 1600 steps):
//
// | task | arm | 95% core (units) | spectator damage | test accuracy | test loss |
// | --- | --- | --- | --- | --- | --- |
// | digits | plain | 122.8 ± 2.0 | 0.000 ± 0.007 | 0.985 ± 0.003 | 0.069 ± 0.021 |
// | digits | antitrain 0.5 | **37.8 ± 4.8** | 0.115 ± 0.020 | 0.980 ± 0.002 | 0.165 ± 0.017 |
// | digits | antitrain 0.9 / 0.95 / 0.99 | 123.0 / 123.4 / 124.2 | 0.000 | 0.988 | 0.116 |
// | teacher-student | plain | 110.2 ± 7.0 | 0.000 ± 0.007 | 0.866 ± 0.011 | 0.313 ± 0.023 |
// | teacher-student | antitrain 0.5 | **17.4 ± 1.9** | 0.102 ± 0.014 | 0.822 ± 0.011 | 0.587 ± 0.020 |
// | teacher-student | antitrain 0.9 / 0.95 / 0.99 | 100.4 / 115.0 / 116.8 | ≈ 0 | 0.847 / 0.847 / 0.845 | 0.46 |
//
// **Concentration works, but only when the antitrained core is small.** Antitraining the 50% core shrinks the
// reported 95% core from 123 to 38 units on digits (at half a point of accuracy, 0.985 → 0.980) and from 110 to
// 17 units on the teacher-student task (k = 8), and the per-cycle curves show it falling cycle after cycle for most
// of the budget, only starting to level off in the last few cycles. This is better than the pre-project trial (~52 units at
// ~1 point on digits) and the teacher-student cost is 4.4 points rather than 10+, but it is not free: on
// teacher-student the antitrained model's accuracy stops improving the moment antitraining starts (≈ 0.82 from
// the first cycle to the last), while the plain model keeps learning to 0.87.
//
// **Antitraining the 90%, 95% or 99% core does nothing to the core** (the hypothesis as the notes state it, with
// a 95% threshold, fails). The last table says why: in a plainly trained layer, the spectators of the 95% core are
// about 5 units (digits) that carry no measurable damage at all, and even the 10 spectators of the 90% core carry
// none. The information in these layers is highly redundant: randomizing the top 84 units causes only half of the
// whole-layer damage, because the remaining ~44 units still support a good classifier; the 95% core is therefore almost the
// whole layer, and its few spectators have nothing left to erase. With the core randomized the network is confidently
// wrong, so the antitrain loss is large, but its gradient mostly makes the output less confident: clean test loss
// rises (0.069 → 0.116 on digits) while accuracy and the core stay where they were. Only a core small enough that
// its spectators carry real information (the 50% core's spectators, 44 units on digits and 91 on teacher-student,
// carry 6% and 37% of the damage) gives antitraining something to detach, and the cost in accuracy follows that share: tiny on
// digits, 4 points on teacher-student, where half the layer's information is cut away at every step. Even after
// antitraining, randomizing the final spectators alone still costs 10–12 points of accuracy (13% and 18% of the
// whole-layer damage; they are spectators of the 95% core, most of which were never antitrained); "all information flows through the core" holds only approximately.
