// %% [markdown]
// # 06 · Multilayer antitraining: compress every hidden layer
//
// **Question.** The notes ("Multilayer antitraining") suggest antitraining each layer of a network to compress
// each layer as much as possible, so that the whole network, not one layer, becomes a small representative of its
// equivalence class. Does antitraining all three hidden layers of an MLP at once shrink every layer's core, and how
// many parameters does physically removing the spectators save, at what accuracy?
//
// **Method.** Digits, 64 → 128 → 128 → 128 → 10, Adam lr 1e-3, batch 64. Pretrain plainly, then continue for the
// same number of steps either plainly (the baseline) or with an `at.Antitrainer` on all of `h1`, `h2`, `h3`
// (interleaved: one antitrain step per site after every training step, each site with its own Adam over its
// downstream variables; the 50% core of each site is antitrained; cores re-measured every 100 steps).
//
// At the end, every layer is compressed, **one site at a time**: measure the 95% accuracy core of `h1` on the test
// set (stats from the training set), remove its spectators with `at.compress`, folding each removed unit's mean
// (from that site's stats) into the next layer's bias; then measure `h2` *on the already compressed model* and
// remove its spectators; then `h3`. Parameter count (`at.parameterCount`) and test accuracy are compared with the
// dense model, without fine-tuning and after a short fine-tune of the compressed model (the same for every
// arm). The quick setting is a smoke test on a smaller network (three layers of 64 units, 100 + 200 steps, 50
// fine-tuning steps, one seed); its tables and charts say so. The baseline for compression is **plain, pruned**: the plainly trained network (the plain arm's model)
// pruned, one site at a time, to exactly the widths the lr 3e-4 arm kept, keeping each layer's most important units
// (randomization importance on cross-entropy), with the same mean-folding and the same fine-tuning.
//
// A third arm lowers the antitraining optimizer's learning rate from the library default 1e-3 to 3e-4. Why: with
// three sites, every training step is followed by three antitrain steps, and all three update the output layer
// (it is downstream of every site), so the output sees three times the antitraining pressure of a single-site run.
// The value 3e-4 was picked from a probe on seed 0, run once each after the default had failed: antitraining
// rate 3e-4 (test accuracy 0.978, cores 26 / 14 / 14), rate 1e-4 (0.971, cores 108 / 32 / 5), and fraction 0.8 at
// rate 1e-3 (0.593). It was not tuned further, and the probe's seed 0 is one of the five seeds reported, so treat
// the third arm as a test of the hypothesis that the pressure on the output explains the failure, not as a tuned
// baseline.

// %%
// Hyperparameters. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text.
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4];
const HIDDEN = QUICK ? [64, 64, 64] : [128, 128, 128];
const PRETRAIN = QUICK ? 100 : 600;
const STEPS = QUICK ? 200 : 1600;
const CYCLE = 100;
const FRACTION = 0.5;          // the antitrained core of every site
const REPORT_FRACTION = 0.95;  // the core that is kept when compressing
const FINETUNE = QUICK ? 50 : 200;  // Adam steps on the compressed model (every arm alike)
const ANTI_LR = 1e-3;          // the antitraining optimizer's learning rate (the library default)
const ANTI_LR_LOW = 3e-4;      // the third arm: a lower antitraining rate (see the method)

// %%
import * as at from "../dist/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";
await at.ready();
console.log(at.provenance({ notebook: "06-multilayer", quick: QUICK, seeds: SEEDS }));
const backend = at.backendName();
tslab.display.html(at.plotlyScript());
const NOTE = at.quickNote(QUICK, "06-multilayer");
const QUICK_LABEL = QUICK
  ? `quick setting (1 seed, hidden ${HIDDEN.join("/")}, ${PRETRAIN} + ${STEPS} steps, ${FINETUNE} fine-tuning steps): a smoke test, not the study's numbers`
  : undefined;
const quickTitle = (title: string) => (QUICK ? `${title} (quick setting: a smoke test)` : title);

// %%
// Held with `at.keep`, so re-running this cell frees the previous copy.
const data = at.keep("digits", at.digits());
const SITES = HIDDEN.map((_, i) => `h${i + 1}`);
type Row = { arm: string; seed: number; denseAccuracy: number; denseParams: number; cores: number[];
  compressedWidths: number[]; compressedParams: number; compressedAccuracy: number; finetunedAccuracy: number;
  spectatorDamage: number[]; seconds: number };
type Curve = { arm: string; seed: number; site: string; step: number[]; core: number[] };
const ARMS = ["plain", "antitrain all", "antitrain, 3e-4"];
const TABLE_ARMS = [...ARMS, "plain, pruned"];
/** One arm of one seed: train, measure every layer, compress one site at a time, fine-tune. */
function runArm(seed: number, arm: string): { rows: Row[]; curves: Curve[] } {
  const rows: Row[] = [];
  const curves: Curve[] = [];
  const run = at.runExperiment({ data, hidden: HIDDEN, seed, pretrain: PRETRAIN, steps: STEPS, track: CYCLE,
    antitrain: arm === "plain" ? undefined
      : { schedule: at.interleaved(1, { cycle: CYCLE }), fraction: FRACTION, reportFraction: REPORT_FRACTION,
          learningRate: arm === "antitrain all" ? ANTI_LR : ANTI_LR_LOW } });
  for (const site of SITES) {
    const cs = run.cycles.filter((c) => c.site === site);
    curves.push({ arm, seed, site, step: cs.map((c) => c.step), core: cs.map((c) => c.reportCore.length) });
  }
  // Cores of every layer of the dense model (each measured with the others intact).
  const reports = SITES.map((site) => at.reportCore(run.model, site, data.test, data.train, { fraction: REPORT_FRACTION, seed: 1 }));
  // Compress one site at a time, each measured on the model compressed so far.
  let model: at.HookedModel = run.model;
  const widths: number[] = [];
  for (const site of SITES) {
    const rep = at.reportCore(model, site, data.test, data.train, { fraction: REPORT_FRACTION, seed: 1 });
    const smaller = at.compress(model, site, rep.split, { stats: rep.stats });
    if (model !== run.model) model.dispose();
    model = smaller;
    widths.push(rep.core.length);
  }
  const compressedAccuracy = at.evaluate(model, data.test).accuracy;
  const compressedParams = at.parameterCount(model);
  at.train(model, data.train, { steps: FINETUNE, seed: seed + 100, learningRate: 1e-3 });
  rows.push({ arm, seed, denseAccuracy: run.final.accuracy, denseParams: at.parameterCount(run.model),
    cores: reports.map((r) => r.core.length), compressedWidths: widths, compressedParams, compressedAccuracy,
    finetunedAccuracy: at.evaluate(model, data.test).accuracy, spectatorDamage: reports.map((r) => r.spectatorDamage),
    seconds: run.seconds });
  model.dispose();
  run.model.dispose();
  return { rows, curves };
}
const BASELINE = "plain, pruned";
/**
 * The fair baseline: the plain network (the same run as the plain arm) pruned to the widths the lr 3e-4 arm kept,
 * keeping each layer's top units by randomization importance, with the same mean-folding and fine-tuning.
 */
function prunedPlain(seed: number, widths: number[]): { rows: Row[]; curves: Curve[] } {
  const run = at.runExperiment({ data, hidden: HIDDEN, seed, pretrain: PRETRAIN, steps: STEPS, evaluateCycles: false });
  let model: at.HookedModel = run.model;
  SITES.forEach((site, i) => {
    const stats = at.collectStats(model, site, data.train, { seed: 1 });
    const imp = at.importance(model, site, data.test, { stats, metric: "loss", seed: 1 });
    const smaller = at.compress(model, site, { core: at.ranked(imp).slice(0, widths[i]) }, { stats });
    if (model !== run.model) model.dispose();
    model = smaller;
  });
  const compressedAccuracy = at.evaluate(model, data.test).accuracy;
  const compressedParams = at.parameterCount(model);
  at.train(model, data.train, { steps: FINETUNE, seed: seed + 100, learningRate: 1e-3 });
  const row: Row = { arm: BASELINE, seed, denseAccuracy: run.final.accuracy, denseParams: at.parameterCount(run.model),
    cores: widths, compressedWidths: widths, compressedParams, compressedAccuracy,
    finetunedAccuracy: at.evaluate(model, data.test).accuracy, spectatorDamage: [], seconds: run.seconds };
  model.dispose();
  run.model.dispose();
  return { rows: [row], curves: [] };
}
function merge(parts: { rows: Row[]; curves: Curve[] }[]): { rows: Row[]; curves: Curve[] } {
  return { rows: parts.flatMap((p) => p.rows), curves: parts.flatMap((p) => p.curves) };
}
const settings = { HIDDEN: HIDDEN, PRETRAIN: PRETRAIN, STEPS: STEPS, CYCLE: CYCLE, FRACTION: FRACTION, REPORT_FRACTION: REPORT_FRACTION, FINETUNE: FINETUNE };
const rows: Row[] = [];
const curves: Curve[] = [];
const t0 = Date.now();
// With SEED_WORKERS=n (FULL=1 npm run notebooks), n kernels share the seeds; alone, this just fills the cache.
at.prefetchSeeds("06-multilayer", settings, SEEDS, !QUICK, (seed) => merge([runArm(seed, "plain"), runArm(seed, "antitrain all")]));
at.prefetchSeeds("06-multilayer-low-lr", { ...settings, ANTI_LR_LOW: ANTI_LR_LOW }, SEEDS, !QUICK, (seed) => runArm(seed, "antitrain, 3e-4"));
at.prefetchSeeds("06-multilayer-pruned-plain", { ...settings, ANTI_LR_LOW: ANTI_LR_LOW }, SEEDS, !QUICK, (seed) =>
  prunedPlain(seed, at.cachedSeed("06-multilayer-low-lr", { ...settings, ANTI_LR_LOW: ANTI_LR_LOW }, seed, true, () => runArm(seed, "antitrain, 3e-4")).rows[0].compressedWidths));
for (const seed of SEEDS) {
  // Full runs cache each seed (.cache/seeds/), so an interrupted run resumes at the first missing seed.
  const first = at.cachedSeed("06-multilayer", settings, seed, !QUICK,
    () => merge([runArm(seed, "plain"), runArm(seed, "antitrain all")]));
  const low = at.cachedSeed("06-multilayer-low-lr", { ...settings, ANTI_LR_LOW: ANTI_LR_LOW }, seed, !QUICK,
    () => runArm(seed, "antitrain, 3e-4"));
  const pruned = at.cachedSeed("06-multilayer-pruned-plain", { ...settings, ANTI_LR_LOW: ANTI_LR_LOW }, seed, !QUICK,
    () => prunedPlain(seed, low.rows[0].compressedWidths));
  for (const out of [first, low, pruned]) { rows.push(...out.rows); curves.push(...out.curves); }
}
console.log(`${rows.length} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s; tensors alive: ${tf.memory().numTensors}`);

// %% [markdown]
// ## Per-layer cores and the compressed network
//
// "Dense core" is each layer's 95% core in the dense model; "kept" is the width each layer keeps in the sequential
// compression. Mean over seeds ± the 95% CI half-width.

// %%
const fmt = (v: at.Interval, d = 3) => v.n > 1 ? `${v.mean.toFixed(d)} ± ${(v.high - v.mean).toFixed(d)}` : v.mean.toFixed(d);
const aggregate: Record<string, Record<string, at.Interval | at.Interval[]>> = {};
const table: Record<string, string>[] = [];
for (const arm of TABLE_ARMS) {
  const rs = rows.filter((r) => r.arm === arm);
  const ci = (f: (r: Row) => number) => at.meanCI(rs.map(f));
  const agg = {
    cores: SITES.map((_, i) => ci((r) => r.cores[i])),
    kept: SITES.map((_, i) => ci((r) => r.compressedWidths[i])),
    denseParams: ci((r) => r.denseParams), compressedParams: ci((r) => r.compressedParams),
    paramShare: ci((r) => r.compressedParams / r.denseParams),
    denseAccuracy: ci((r) => r.denseAccuracy), compressedAccuracy: ci((r) => r.compressedAccuracy),
    finetunedAccuracy: ci((r) => r.finetunedAccuracy),
  };
  aggregate[arm] = agg;
  table.push({ arm, "kept h1/h2/h3": agg.kept.map((c) => c.mean.toFixed(0)).join(" / "),
    "params kept": fmt(agg.paramShare), "dense acc": fmt(agg.denseAccuracy),
    "compressed acc": fmt(agg.compressedAccuracy), "fine-tuned acc": fmt(agg.finetunedAccuracy) });
}
tslab.display.html(at.htmlTable(table, { caption: QUICK_LABEL }));
for (const arm of TABLE_ARMS) {
  const a = aggregate[arm] as { paramShare: at.Interval; compressedAccuracy: at.Interval; finetunedAccuracy: at.Interval };
  console.log(`${arm}: ${(100 * a.paramShare.mean).toFixed(0)}% of the parameters kept, test accuracy ${a.compressedAccuracy.mean.toFixed(3)} ` +
    `compressed, ${a.finetunedAccuracy.mean.toFixed(3)} after fine-tuning${NOTE}`);
}
const perSite: Record<string, string>[] = [];
for (const arm of ARMS) SITES.forEach((site, i) => {
  const a = aggregate[arm] as { cores: at.Interval[]; kept: at.Interval[] };
  perSite.push({ arm, site, "dense 95% core": fmt(a.cores[i], 1), "kept": fmt(a.kept[i], 1) });
});
tslab.display.html(at.htmlTable(perSite, { caption: QUICK_LABEL }));

// %%
const colors: Record<string, string> = { h1: "#1f77b4", h2: "#2ca02c", h3: "#d62728" };
const dashes: Record<string, string> = { plain: "dot", "antitrain all": "solid", "antitrain, 3e-4": "dash" };
const traces = [];
for (const arm of ARMS) for (const site of SITES) {
  const cs = curves.filter((c) => c.arm === arm && c.site === site);
  traces.push({ x: cs[0].step, y: cs[0].step.map((_, i) => cs.reduce((s, c) => s + c.core[i], 0) / cs.length),
    type: "scatter", mode: "lines+markers", name: `${site}, ${arm}`,
    line: { color: colors[site], dash: dashes[arm] } });
}
tslab.display.html(at.chart(traces, at.axes("training step", `95% core size (units of ${HIDDEN[0]}), training data`,
  quickTitle("Per-layer core size during training"))));
const bars = TABLE_ARMS.map((arm) => {
  const rs = rows.filter((r) => r.arm === arm);
  return { type: "bar", name: arm, x: ["dense", "compressed", "compressed + fine-tune"],
    y: [at.meanCI(rs.map((r) => r.denseAccuracy)).mean, at.meanCI(rs.map((r) => r.compressedAccuracy)).mean,
        at.meanCI(rs.map((r) => r.finetunedAccuracy)).mean],
    text: [rs[0].denseParams, Math.round(at.meanCI(rs.map((r) => r.compressedParams)).mean),
           Math.round(at.meanCI(rs.map((r) => r.compressedParams)).mean)].map((p) => `${p} params`), textposition: "outside" };
});
tslab.display.html(at.chart(bars, { ...at.axes("model", "test accuracy", quickTitle("Accuracy and parameter count, dense vs compressed")),
  yaxis: { title: { text: "test accuracy" }, range: [0, 1.1] }, barmode: "group" }));

// %%
console.log(at.writeResults("06-multilayer", {
  quick: QUICK, backend: backend, seeds: SEEDS, hidden: HIDDEN, pretrain: PRETRAIN, steps: STEPS, cycle: CYCLE,
  fraction: FRACTION, reportFraction: REPORT_FRACTION, finetune: FINETUNE, antiLearningRates: [ANTI_LR, ANTI_LR_LOW], runs: rows, curves: curves, aggregate: aggregate,
}));

// %% [markdown]
// ## Reading
//
// Numbers from the full run (`FULL=1 node scripts/render-notebook.js notebooks/06-multilayer.ipynb`, 5 seeds,
// 64 → 128 → 128 → 128 → 10 on digits, 600 + 1600 steps, 200 fine-tuning steps; mean ± 95% CI half-width; the
// dense model has 42,634 parameters):
//
// | arm | dense 95% cores h1 / h2 / h3 | spectator damage h1 / h2 / h3 | dense acc | params kept | compressed acc | after fine-tune |
// | --- | --- | --- | --- | --- | --- | --- |
// | plain | 122.6 / 122.8 / 124.2 | 0.00 / 0.00 / 0.00 | 0.980 ± 0.005 | 93% (39,700) | 0.985 ± 0.008 | 0.982 ± 0.008 |
// | antitrain all (lr 1e-3) | 92.2 / 57.8 / 9.2 | 0.03 / 0.26 / 0.30 | **0.712 ± 0.070** | 26% (11,145) | 0.434 ± 0.070 | 0.956 ± 0.016 |
// | antitrain all (lr 3e-4) | 52.2 / 35.4 / 10.4 | 0.13 / 0.34 / 0.65 | 0.973 ± 0.006 | **15% (6,253)** | 0.440 ± 0.221 | 0.940 ± 0.031 |
// | plain, pruned to the lr 3e-4 arm's widths | (same widths) | — | 0.980 ± 0.005 | 15% (6,253) | 0.192 ± 0.116 | 0.918 ± 0.080 |
//
// **Antitraining every layer at once, with the single-layer settings, breaks the network.** With the default
// antitraining rate, the dense model falls from 0.980 to 0.712 test accuracy: each training step is followed by
// three antitrain steps that all update the output layer (downstream of every site), so the push towards uniform
// predictions is three times that of a single-site run. Lowering the antitraining rate to 3e-4 (a setting found
// on seed 0 after the default failed, not a tuned search) keeps the dense model at 0.973 and gives the smallest
// per-layer cores: 52 / 35 / 10 units out of 128, against 123 / 123 / 124 for plain training. The layers shrink
// more the closer they are to the output.
//
// **But small cores are not a compressed network.** The 95% core is the set whose randomization destroys the
// output; it is not the set that suffices for it. In the antitrained networks the spectators of the deeper layers
// still matter: randomizing only `h3`'s spectators costs 0.65 of accuracy in the lr 3e-4 arm (0.30 at 1e-3), and
// `h2`'s 0.34. Removing them (spectators replaced by their means, folded into the next bias) leaves a network with
// 15% of the parameters at 0.44 accuracy; 200 fine-tuning steps bring it back to 0.940 ± 0.031 (0.956 at 26% of
// the parameters for the 1e-3 arm). Plain training compresses honestly, but only by 7% of the parameters (its
// spectators carry nothing, and compression even gains half a point). So, for multilayer antitraining the notes'
// claim that "all information flows only through the core neurons" fails: the antitrain step makes the output
// uninformative when the core is randomized, which is not the same as making it independent of the spectators.
// What does work is antitraining followed by removal and a short fine-tune: 85% fewer parameters for about 4
// points of accuracy, or 74% fewer for about 2.5 points. Against the fair baseline (the plain network pruned to
// exactly the same widths by importance, same fine-tuning) antitraining helps, but less than the cores suggest:
// before fine-tuning the pruned plain network is at 0.19 (antitrained: 0.44), after fine-tuning at 0.918 ± 0.080
// (antitrained: 0.940 ± 0.031). Seed by seed the antitrained network is ahead by 8 and 6 points on the two
// narrowest cases (seeds 0 and 2, 2,767 and 4,979 parameters), level on seeds 1 and 4, and 3 points behind on
// seed 3, so with five seeds the advantage after fine-tuning is not established.
