// %% [markdown]
// # 18 · Bring your own model: a Keras-style CNN on Fashion-MNIST
//
// **Question.** Everything in notebooks 00–17 runs on the library's own MLPs and transformers. Does the method carry
// over to a network a researcher writes with `tf.layers`, as they would in Keras — a small convolutional network whose
// units are channels? This notebook walks through it cell by cell: define the network, wrap it with
// `at.fromLayersModel`, check the wrapper, train it on the default (wasm) backend, measure channel importance and
// cores, antitrain one convolution's channels, cut it to a few channels with `at.compressLayersModel` and save the
// smaller model to disk. It ends with notebook 15's compression question asked of conv channels: after the same
// update and fine-tuning budget, how few channels of `conv2` does each method keep within 1 point of the dense
// network's validation accuracy?
//
// **Setting.** Fashion-MNIST (Zalando, MIT licence) from Debian's `dataset-fashion-mnist` package, read by
// `at.fashionMnist({ flatten: false })` as 28×28×1 images, **subsampled**: a seeded, class-stratified 3,000 training
// images (2,400 for training, 600 for validation) and 1,000 test images in the full setting, pixels standardized with
// the training part's mean and std. The network: conv 3×3, 16 channels → 2×2 average pooling → conv 3×3, 32 channels
// (`conv2`, the layer studied) → 2×2 average pooling → flatten → dense 64 → dense 10, ReLU throughout, 56,714
// parameters. Average rather than max pooling for a measured reason: on the wasm backend the gradient of max pooling
// (the library's replacement kernel, which is correct where wasm's own is not) took most of a training step's time
// on this network (`tf.profile` while sizing the notebook); average pooling's gradient is wasm's own and cheap. The
// network is sized so that one full-setting seed of the study runs in about two minutes of one core; the timing cell
// below reports what it took.

// %%
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4];
const TUNE_SEEDS = QUICK ? [100] : [100, 101];
const SUBSAMPLE = QUICK ? { train: 500, test: 200 } : { train: 3000, test: 1000 };
const VALIDATION = 0.2;                   // share of the subsampled training images held out for every choice
const SITE = "conv2";                     // the convolution whose channels are measured, antitrained and cut
const BATCH = 32;
const PRETRAIN = QUICK ? 30 : 300;        // plain Adam steps every arm of a seed continues from
const UPDATES = QUICK ? 20 : 300;         // per arm after pretraining (antitraining: half train, half antitrain steps)
const CYCLE = QUICK ? 5 : 50;             // antitraining re-measures conv2's core every CYCLE training steps
const FINETUNE = QUICK ? 5 : 40;          // steps of every pruned network
const KEEP = QUICK ? [4, 16] : [4, 8, 16, 24];
const MEASURE = QUICK ? 200 : 1000;       // training examples on which antitraining measures the core and channels are ranked
const SPATIAL = "whole-map" as const;    // a randomized channel gets its whole feature map from another image
const TOLERANCE = 0.01;
const REF_K = 8;
const DEMO_K = 8;                         // channels kept in the walk-through's compressed model
const DEMO_FRACTION = 0.5;                // the walk-through's antitrained share of the damage (the study tunes it)
const TARGET_SECONDS = 120;               // per full-setting study seed, one core
/** The tuned methods' grids (the first entry is the quick setting), chosen on the tuning seeds' validation split. */
const GRIDS: Record<string, Record<string, number>[]> = {
  antitrain: [{ fraction: 0.5 }, { fraction: 0.3 }],
  "group-lasso": [{ lambda: 1e-3 }, { lambda: 1e-2 }, { lambda: 1e-1 }],
};

// %%
import * as at from "../dist/index";
import * as st from "../dist/studies/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

await at.ready();
console.log(nb.provenance({ notebook: "18-your-own-model", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "18-your-own-model");
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

// %% [markdown]
// ## 1 · The data and the network
//
// A network written as in Keras: `tf.sequential`, `tf.layers.conv2d`, pooling, `flatten`, `dense`. Its initializers
// take a seed, so every seed of the study starts from its own reproducible weights. The last layer has no softmax:
// its outputs are the logits.

// %%
const { train, validation, test } = nb.keep("fashion", at.fashionMnist({ flatten: false, subsample: SUBSAMPLE, validation: VALIDATION, seed: 0 }));
const val = validation!;
console.log(`images ${JSON.stringify(train.x.shape.slice(1))}; split sizes ${JSON.stringify(st.convSplitSizes({ train: train, validation: val, test: test }))} (${QUICK ? "quick" : "full"} setting)`);

function buildCnn(seed: number): tf.LayersModel {
  const init = (k: number) => tf.initializers.heNormal({ seed: 1000 * seed + k });
  const net = tf.sequential();
  net.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: "relu", kernelInitializer: init(1), name: "conv1" }));
  net.add(tf.layers.averagePooling2d({ poolSize: 2, name: "pool1" }));
  net.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", kernelInitializer: init(2), name: "conv2" }));
  net.add(tf.layers.averagePooling2d({ poolSize: 2, name: "pool2" }));
  net.add(tf.layers.flatten({ name: "flatten" }));
  net.add(tf.layers.dense({ units: 64, activation: "relu", kernelInitializer: init(3), name: "dense" }));
  net.add(tf.layers.dense({ units: 10, kernelInitializer: init(4), name: "logits" }));
  return net;
}
const net = nb.keep("cnn", buildCnn(0));
net.summary();

// %% [markdown]
// ## 2 · Wrap, check, train; channel importance and cores
//
// `at.fromLayersModel` turns the network into a `HookedModel`: every layer's output is a site named by its layer, and
// a convolution's units are its channels. `at.checkModel` verifies the contract the measurements rely on (hooks,
// split and resume, downstream variables). Then the network trains with `at.train` — the same variables as `net`, so
// `net.predict` sees the training — for the pretraining and update budget of one study seed (plain training).

// %%
const model = at.fromLayersModel(net);
const probe = nb.keep("probe", at.head(val, 16));
const report = at.checkModel(model, probe.x);
console.log(`sites: ${model.sites().map((s) => `${s.name} (${s.units})`).join(", ")}`);
console.log(`checkModel: ${report.ok ? "every check passed" : "FAILED"} (${report.items.length} checks)`);
for (const item of report.items.filter((i) => !i.ok)) console.log(`  ✗ ${item.check}${item.site ? ` at ${item.site}` : ""}: ${item.detail}`);
let t0 = Date.now();
at.train(model, train, { steps: PRETRAIN, batchSize: BATCH, learningRate: 1e-3, seed: 0 });
const pretrainedWeights = nb.keep("pretrained", net.getWeights().map((w) => w.clone()));
at.train(model, train, { steps: UPDATES, batchSize: BATCH, learningRate: 1e-3, seed: 1 });
const plainEval = at.evaluate(model, val);
console.log(`trained ${PRETRAIN} + ${UPDATES} steps on the ${at.backendName()} backend in ${((Date.now() - t0) / 1000).toFixed(1)} s: validation accuracy ${plainEval.accuracy.toFixed(3)}, loss ${plainEval.loss.toFixed(3)}`);

// %% [markdown]
// **Channel importance** (validation split): each channel of `conv2`, and each unit of the dense layer, alone replaced
// by its own value on another image — for a channel, its whole 11×11 feature map taken from another example
// (`spatial: "whole-map"`, so the randomized map is a real map) — and the rise in cross-entropy recorded.

// %%
const importanceOf = (site: string) => {
  const stats = at.collectStats(model, site, val, { seed: 0 });
  return at.importance(model, site, val, { stats: stats, method: "resample", spatial: SPATIAL, metric: "loss", seed: 0 });
};
const convImportance = importanceOf(SITE);
const denseImportance = importanceOf("dense");
for (const [site, imp] of [[SITE, convImportance], ["dense", denseImportance]] as const) {
  const order = at.ranked(imp);
  tslab.display.html(nb.chart(
    [{ type: "bar", x: order.map((_, i) => i + 1), y: order.map((u) => imp.scores[u]), text: order.map((u) => `unit ${u}`), hovertemplate: "%{text}: %{y:.4f}<extra></extra>" }],
    nb.axes(`${site === SITE ? "channels" : "units"} of ${site}, most important first`, "loss damage when resampled alone (nats)", `Importance of ${site}'s ${imp.scores.length} ${site === SITE ? "channels" : "units"} (validation split)`),
  ));
  const top = order.slice(0, 3).map((u) => imp.scores[u]);
  const total = Array.from(imp.scores).reduce((a, b) => a + Math.max(b, 0), 0);
  console.log(`${site}: the top 3 carry ${pct(top.reduce((a, b) => a + Math.max(b, 0), 0) / total)} of the summed positive damage; clean loss ${imp.clean.toFixed(3)}, every unit resampled ${imp.full.toFixed(3)}`);
}

// %% [markdown]
// **Cores per layer** (validation split): the fewest units, ranked by importance, whose joint randomization costs 95%
// of the accuracy lost when the whole layer is randomized.

// %%
const coreSites = ["conv1", SITE, "dense"];
const plainCores = coreSites.map((site) => {
  const stats = at.collectStats(model, site, val, { seed: 0 });
  const split = at.findCore(model, site, val, { stats: stats, fraction: 0.95, metric: "accuracy", method: "resample", spatial: SPATIAL, seed: 0 });
  return { site: site, units: stats.mean.length, core: split.core.length, fullDamage: split.fullDamage };
});
tslab.display.html(nb.htmlTable(plainCores.map((c) => ({ layer: c.site, units: c.units, "95% core": c.core, "share of the layer": pct(c.core / c.units), "accuracy lost, whole layer randomized": +c.fullDamage.toFixed(3) }))));
tslab.display.html(nb.chart(
  [{ type: "bar", x: plainCores.map((c) => c.site), y: plainCores.map((c) => c.core / c.units), text: plainCores.map((c) => `${c.core} of ${c.units}`), textposition: "outside" }],
  { ...nb.axes("layer", "95% core as a share of the layer's units", "Cores of the plainly trained CNN (validation split)"), yaxis: { title: { text: "95% core / units" }, range: [0, 1.1] } },
));

// %% [markdown]
// ## 3 · Antitrain conv2's channels, compress, save, reload
//
// A copy of the network starts from the same pretrained weights and spends the same update budget as the plain
// training above, half on training steps and half on antitrain steps (an `at.Antitrainer` called after every training
// step: `conv2`'s core at a share of 0.5 of the damage is randomized, the targets are uniform, and only the layers
// after `conv2` learn from it; the core is re-measured on the first training images every `CYCLE` steps, as in 15).
// The chart follows the 95% core at each measurement.

// %%
const antiNet = nb.keep("antitrained", buildCnn(0));
antiNet.setWeights(pretrainedWeights);
const antiModel = at.fromLayersModel(antiNet);
const measureData = nb.keep("measure", at.head(train, MEASURE));
const coreLog: { step: number; core: number }[] = [];
const antitrainer = nb.keep("antitrainer", new at.Antitrainer(antiModel, [SITE], {
  schedule: at.interleaved(1, { cycle: CYCLE }), fraction: DEMO_FRACTION, data: measureData, spatial: SPATIAL, seed: 1,
  onMeasure: (r) => coreLog.push({ step: r.step, core: r.report.core.length }),
}));
t0 = Date.now();
at.train(antiModel, train, { steps: UPDATES / 2, batchSize: BATCH, learningRate: 1e-3, seed: 1, onStep: (_, batch) => antitrainer.afterStep(batch) });
const antiEval = at.evaluate(antiModel, val);
const antiStats = at.collectStats(antiModel, SITE, val, { seed: 0 });
const antiCore = at.findCore(antiModel, SITE, val, { stats: antiStats, fraction: 0.95, metric: "accuracy", method: "resample", spatial: SPATIAL, seed: 0 });
const plainConvCore = plainCores.find((c) => c.site === SITE)!.core;
console.log(`${UPDATES / 2} training + ${antitrainer.antiSteps} antitrain steps in ${((Date.now() - t0) / 1000).toFixed(1)} s: validation accuracy ${antiEval.accuracy.toFixed(3)} (plain ${plainEval.accuracy.toFixed(3)})`);
const plainMeasureStats = at.collectStats(model, SITE, measureData, { seed: 0 });
const plainMeasureCore = at.findCore(model, SITE, measureData, { stats: plainMeasureStats, fraction: 0.95, metric: "accuracy", method: "resample", spatial: SPATIAL, seed: 0 }).core.length;
tslab.display.html(nb.chart(
  [
    { type: "scatter", mode: "lines+markers", name: "antitrained copy", x: coreLog.map((c) => c.step), y: coreLog.map((c) => c.core) },
    { type: "scatter", mode: "lines", name: "plain training, at its end", x: [0, UPDATES / 2], y: [plainMeasureCore, plainMeasureCore], line: { dash: "dot", color: "black" } },
  ],
  { ...nb.axes("training steps of the antitrained copy", "95% core of conv2 (channels of 32)", "conv2's 95% core while antitraining (measured on the first training images)"), yaxis: { title: { text: "95% core (channels)" }, range: [0, 33] } },
));
const coreWord = antiCore.core.length < plainConvCore ? "smaller than" : antiCore.core.length > plainConvCore ? "larger than" : "the same as";
console.log(`conv2's 95% core on the validation split after antitraining: ${antiCore.core.length} of 32 channels, ${coreWord} plain training's ${plainConvCore}${NOTE}`);

// %% [markdown]
// **Compression.** The antitrained `conv2` is cut to its `DEMO_K` most important channels (importance on the
// measuring images). `at.compressLayersModel` removes the other filters and their rows of the dense layer after the
// flatten, and folds each removed channel's mean (from `at.collectStats` on the training split) into that layer's
// bias; the result is a new, smaller `tf.LayersModel`. It must predict exactly what the antitrained network predicts
// with the removed channels held at their means (checked below on the validation images); it is then saved with
// `at.saveModel`, reloaded with `at.loadModel`, and the reloaded model's predictions compared again.

// %%
const keepChannels = st.convChannelOrder(antiModel, SITE, measureData, "importance", { seed: 0, spatial: SPATIAL }).slice(0, DEMO_K);
const trainStats = at.collectStats(antiModel, SITE, train, { seed: 0 });
const small = nb.keep("small", at.compressLayersModel(antiModel, SITE, { core: keepChannels }, { stats: trainStats }));
const folder = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-18-"));
await at.saveModel(antiNet, path.join(folder, "antitrained"));
await at.saveModel(small, path.join(folder, "small"));
const reloaded = nb.keep("reloaded", await at.loadModel(path.join(folder, "small")));
const bytesOf = (dir: string) => fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const compression = tf.tidy(() => {
  const smallLogits = small.predict(val.x) as tf.Tensor;
  return {
    k: DEMO_K, channels: keepChannels,
    maskedDiff: maxAbs(smallLogits, st.meanMaskedLogits(antiModel, SITE, keepChannels, trainStats, val.x)),
    reloadDiff: maxAbs(smallLogits, reloaded.predict(val.x) as tf.Tensor),
    params: { antitrained: antiNet.countParams(), small: small.countParams() },
    bytes: { antitrained: bytesOf(path.join(folder, "antitrained")), small: bytesOf(path.join(folder, "small")) },
    valAntitrained: antiEval.accuracy,
    valSmall: at.evaluate(at.fromLayersModel(small), val).accuracy,
  };
});
fs.rmSync(folder, { recursive: true, force: true });
tslab.display.html(nb.htmlTable([
  { model: "antitrained CNN", "conv2 channels": 32, parameters: compression.params.antitrained, "bytes on disk": compression.bytes.antitrained, "validation accuracy": +compression.valAntitrained.toFixed(3) },
  { model: `compressed (${DEMO_K} channels, no fine-tuning)`, "conv2 channels": DEMO_K, parameters: compression.params.small, "bytes on disk": compression.bytes.small, "validation accuracy": +compression.valSmall.toFixed(3) },
]));
console.log(`compressed vs mean-masked antitrained network: max |Δ logit| ${compression.maskedDiff.toExponential(1)} (${compression.maskedDiff < 1e-4 ? "equal" : "NOT equal"} within 1e-4)`);
console.log(`reloaded vs compressed: max |Δ logit| ${compression.reloadDiff.toExponential(1)} (${compression.reloadDiff === 0 ? "identical" : "different"})`);
console.log(`size: ${pct(compression.params.small / compression.params.antitrained)} of the parameters, ${pct(compression.bytes.small / compression.bytes.antitrained)} of the bytes on disk${NOTE}`);

// %% [markdown]
// ## 4 · The study: accuracy vs channels kept
//
// Per seed, a fresh network (initializers seeded by the seed) is pretrained plainly for `PRETRAIN` steps; every arm
// then continues it for the same `UPDATES` optimizer updates (antitrain steps counted), `conv2` is cut to each width
// of `KEEP` by the arm's channel order (removed channels' means folded in), and every cut network is fine-tuned for
// the same `FINETUNE` steps. The arms (`st.CONV_ARMS`):
//
// - **antitrain**: antitraining conv2's channels as above, cut by their importance (training split);
// - **plain, importance**: plain training, cut by the same importance ranking;
// - **plain, filter L1**: plain training, cut by each filter's L1 norm (Li et al. 2017, "Pruning Filters for Efficient
//   ConvNets");
// - **group lasso**: plain training with λ Σ_c ‖W_c‖₂ added to the loss, W_c being channel c's filter, its bias and its
//   outgoing weights (`st.convGroupLasso`; Wen et al. 2016), cut by that same group norm.
//
// The dense reference is the plain arm's network, unpruned. λ and the antitrained share are chosen on held-out tuning
// seeds' validation split by the headline criterion; the test split is read only for the final numbers.

// %%
const setup: st.ConvStudySetup = {
  build: buildCnn, train: train, validation: val, test: test, site: SITE, pretrain: PRETRAIN, updates: UPDATES, cycle: CYCLE,
  finetune: FINETUNE, keep: KEEP, tolerance: TOLERANCE, batchSize: BATCH, measureSize: MEASURE, spatial: SPATIAL,
};
const grids: Record<string, st.MethodSettings[]> = Object.fromEntries(Object.keys(GRIDS).map((m) => [m, QUICK ? GRIDS[m].slice(0, 1) : GRIDS[m]]));
const TUNE_SETTINGS = { subsample: SUBSAMPLE, validation: VALIDATION, site: SITE, batch: BATCH, pretrain: PRETRAIN, updates: UPDATES, cycle: CYCLE, finetune: FINETUNE, keep: KEEP, measure: MEASURE, spatial: SPATIAL, grids: grids };
t0 = Date.now();
nb.prefetchSeeds("18-your-own-model-tuning", TUNE_SETTINGS, TUNE_SEEDS, !QUICK, (seed) => st.tuneConvCompressionSeed(setup, grids, seed));
const tuning = TUNE_SEEDS.flatMap((seed) => nb.cachedSeed("18-your-own-model-tuning", TUNE_SETTINGS, seed, !QUICK, () => st.tuneConvCompressionSeed(setup, grids, seed)));
const { chosen, table: tuningTable } = st.chooseSettings(grids, tuning);
console.log(`tuning: ${tuning.length} runs on seeds ${TUNE_SEEDS.join(", ")} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
const tuningRows = tuningTable.map((r) => ({ method: r.method, settings: JSON.stringify(r.settings), "channels within tolerance (val)": r.units, "val acc, k ≤ 16": +r.smallAcc.toFixed(3), chosen: r.chosen ? "✓" : "" }));
tslab.display.html(nb.htmlTable(tuningRows, { caption: `Tuning grid on seeds ${TUNE_SEEDS.join(", ")}, validation split (ties in channels broken by mean validation accuracy at k ≤ 16)${QUICK ? " (quick setting: one setting per method, nothing is tuned)" : ""}` }));

// %%
const SETTINGS = { ...TUNE_SETTINGS, chosen: chosen, arms: st.CONV_ARMS.map((a) => a.name) };
t0 = Date.now();
const runSeed = (seed: number) => {
  const started = Date.now();
  const r = st.runConvCompressionSeed(setup, chosen, seed);
  return { ...r, seconds: (Date.now() - started) / 1000 };
};
nb.prefetchSeeds("18-your-own-model", SETTINGS, SEEDS, !QUICK, runSeed);
const results = SEEDS.map((seed) => {
  const r = nb.cachedSeed("18-your-own-model", SETTINGS, seed, !QUICK, () => runSeed(seed));
  console.log(`seed ${seed}: dense validation ${r.denseVal.toFixed(3)}, test ${r.denseTest.toFixed(3)}; computed in ${r.seconds.toFixed(0)} s`);
  return r;
});

// %% [markdown]
// **Timing.** What one study seed cost when it was computed (pretraining, the three trained arms, and every cut
// network's fine-tuning and measurement), against the two-minute target of one core.

// %%
const seconds = results.map((r) => r.seconds);
const meanSeconds = seconds.reduce((a, b) => a + b, 0) / seconds.length;
console.log(`one study seed: ${meanSeconds.toFixed(0)} s on average (${Math.min(...seconds).toFixed(0)}–${Math.max(...seconds).toFixed(0)} s over ${seconds.length} seed${seconds.length > 1 ? "s" : ""}), ${QUICK ? "in the quick setting (the target applies to the full one)" : Math.max(...seconds) <= TARGET_SECONDS ? `within the ${TARGET_SECONDS} s target` : `over the ${TARGET_SECONDS} s target`}; backend ${at.backendName()}`);

// %% [markdown]
// ## Results
//
// Per arm: the fewest channels of conv2 within 1 point of the dense validation accuracy (per seed, mean with 95%
// interval), the paired per-seed difference to antitraining, and the test accuracy, loss and calibration error at each
// seed's chosen width; then the same at a fixed width, and each arm's 95% core of the unpruned conv2.

// %%
const ci = (i: at.Interval, d = 1) => `${i.mean.toFixed(d)} [${i.low.toFixed(d)}, ${i.high.toFixed(d)}]`;
const { summary, headline } = st.summarizeConvCompression(results, { tolerance: TOLERANCE, refK: REF_K });
console.log(`dense (plain, unpruned, 32 channels): test accuracy ${ci(at.meanCI(results.map((r) => r.denseTest)), 3)}${NOTE}`);
tslab.display.html(nb.htmlTable(nb.compressionTableRows(summary, REF_K), { caption: `${SEEDS.length} seed${SEEDS.length > 1 ? "s" : ""}; units = channels of conv2; mean [95% CI]; tolerance 1 point; an arm with no width within it counts as 32${QUICK ? "; quick setting: a smoke test, not the study's numbers" : ""}` }));
console.log(`headline: ${headline}${NOTE}`);
const antiSummary = summary.find((s) => s.arm === "antitrain")!;
for (const s of summary.filter((x) => x.arm !== "antitrain")) {
  const verdict = SEEDS.length < 2 ? "one seed, no interval" : s.diff.low > 0 ? "needs more channels than antitraining" : s.diff.high < 0 ? "needs fewer channels than antitraining" : "no difference from antitraining that the interval resolves";
  console.log(`${s.arm}: ${s.units.mean.toFixed(1)} channels vs antitrain's ${antiSummary.units.mean.toFixed(1)}, paired ${ci(s.diff)}: ${verdict}${NOTE}`);
}

// %%
const meanAt = (arm: string, k: number, key: "valAfter" | "valBefore") =>
  at.meanCI(results.map((r) => r.curves.find((c) => c.arm === arm)?.points.find((p) => p.k === k)?.[key]).filter((v): v is number => v !== undefined)).mean;
const armNames = summary.map((s) => s.arm);
const denseVal = at.meanCI(results.map((r) => r.denseVal)).mean;
const log2 = { type: "log", title: { text: "channels of conv2 kept (log scale, of 32)" } };
tslab.display.html(nb.chart(
  [
    ...armNames.map((arm) => ({ type: "scatter", mode: "lines+markers", name: arm, x: KEEP, y: KEEP.map((k) => meanAt(arm, k, "valAfter")), line: { width: arm === "antitrain" ? 3 : 1.5 } })),
    { type: "scatter", mode: "lines", name: "dense − 1 point", x: [Math.min(...KEEP), 32], y: [denseVal - TOLERANCE, denseVal - TOLERANCE], line: { color: "black", width: 1 } },
  ],
  { ...nb.axes("channels of conv2 kept", "validation accuracy after fine-tuning", "Accuracy vs channels kept (mean over seeds)"), xaxis: log2, height: 480 },
));
tslab.display.html(nb.chart(
  armNames.map((arm) => ({ type: "scatter", mode: "lines+markers", name: arm, x: KEEP, y: KEEP.map((k) => meanAt(arm, k, "valBefore")), line: { width: arm === "antitrain" ? 3 : 1.5 } })),
  { ...nb.axes("channels of conv2 kept", "validation accuracy, no fine-tuning", "Removal alone: accuracy right after the cut (mean over seeds)"), xaxis: log2, height: 440 },
));
const others = summary.filter((s) => s.arm !== "antitrain");
tslab.display.html(nb.chart(
  [{
    type: "bar", orientation: "h", y: others.map((s) => s.arm), x: others.map((s) => s.diff.mean),
    error_x: { type: "data", symmetric: false, array: others.map((s) => s.diff.high - s.diff.mean), arrayminus: others.map((s) => s.diff.mean - s.diff.low) },
  }],
  { ...nb.axes("channels needed minus antitraining's (paired per seed, 95% CI)", "arm", "Paired difference to antitraining: > 0 means the arm needs more channels"), margin: { l: 160, t: 50, r: 20, b: 60 }, height: 360 },
));
const plainSummary = summary.find((s) => s.arm === "plain, importance")!;
const concentration = antiSummary.core95.mean < plainSummary.core95.mean ? "smaller than" : antiSummary.core95.mean > plainSummary.core95.mean ? "larger than" : "the same as";
console.log(`95% core of the unpruned conv2 (validation): antitrain ${ci(antiSummary.core95)}, ${concentration} plain's ${ci(plainSummary.core95)} (paired ${ci(plainSummary.coreDiff)} for plain minus antitrain)${NOTE}`);

// %%
console.log(nb.writeResults("18-your-own-model", {
  quick: QUICK, seeds: SEEDS, tuneSeeds: TUNE_SEEDS, subsample: SUBSAMPLE, validation: VALIDATION, split: st.convSplitSizes(setup), site: SITE, width: 32,
  network: "conv3x3(16)-avgpool2-conv3x3(32)-avgpool2-flatten-dense(64)-dense(10), relu", params: net.countParams(),
  batch: BATCH, pretrain: PRETRAIN, updates: UPDATES, cycle: CYCLE, finetune: FINETUNE, keep: KEEP, measure: MEASURE, spatial: SPATIAL,
  tolerance: TOLERANCE, refK: REF_K, targetSeconds: TARGET_SECONDS,
  walkthrough: {
    checkModel: report.ok, plainVal: plainEval.accuracy, antitrainedVal: antiEval.accuracy, fraction: DEMO_FRACTION,
    importance: { [SITE]: convImportance.scores, dense: denseImportance.scores }, plainCores: plainCores, antitrainedCore: antiCore.core.length, plainMeasureCore: plainMeasureCore, coreLog: coreLog,
    compression: compression,
  },
  grids: grids, chosen: chosen, tuning: tuning, headline: headline, summary: summary, results: results, seedSeconds: seconds,
}));

// %% [markdown]
// ## Reading
//
// The full run's numbers and their reading go to RESULTS.md (section 18) once it has been made; until then only the
// quick setting has run, and its numbers are a smoke test. What the walk-through shows holds in either setting and is
// checked by the notebook test: a `tf.layers` network is wrapped, passes `checkModel`, trains on wasm, is measured and
// antitrained, and its compressed version equals the mean-masked original and survives a save and reload. Caveats of
// the study: one small architecture, one pruned convolution (conv1 and the dense layer keep their widths), a
// subsample of 2,400 training images and a short budget (300 pretraining steps, 300 updates per arm and 40
// fine-tuning steps per cut network in the full setting, so the dense network is still improving), a coarse width
// grid (4, 8, 16, 24 of 32 channels), 5 seeds, and small grids on two tuning seeds.
