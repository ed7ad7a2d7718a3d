// %% [markdown]
// # 17 · Fashion-MNIST, a deeper network: the compression study on a 784→512→256→10 MLP
//
// **Question.** Notebook 15 ran notebook 04's compression study on Fashion-MNIST with one 256-unit hidden layer:
// antitraining needed far more units than activation L1 or iterative magnitude pruning to stay within 1 point of the
// dense model. Does that verdict hold in a deeper network, pruning its wider first hidden layer, where information
// can also be carried by the layer after it?
//
// **Setting.** As in 15: Fashion-MNIST from Debian's `dataset-fashion-mnist` (`at.fashionMnist`), **subsampled** to a
// seeded, class-stratified 5,000 training images (4,000 for training, 1,000 for validation) and 2,000 test images,
// pixels standardized with the training part's statistics; the same budget (400 pretraining steps, then 600
// optimizer updates per arm, antitrain steps counted), the same arms, tuning grids and tuning seeds (100, 101,
// validation accuracy only), pruning and fine-tuning (`st.runCompressionSeed`). What differs: the network is
// 784→512→256→10 and the pruned site is **h1, the 512-unit layer** (its units' incoming weights are 784 × 512 of the
// 535,818 parameters); the width grid is doubled accordingly. A step costs about twice 15's (BENCHMARKS.md,
// `bench/train-step.ts`), so this is the longest full run of the studies: on the shared 2-core machine with two
// seed kernels its full run took 63 minutes (14 of tuning seeds, 49 of study seeds) — beyond the 30-minute budget
// of a full run. Spread it over machines with the sweep queue (`SEED_QUEUE`,
// docs/runs.md), or let the seed cache resume it; shrinking it (fewer widths, a shorter budget) would change what
// it measures.

// %%
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS = QUICK ? [100] : [100, 101];
const SUBSAMPLE = QUICK ? { train: 750, test: 300 } : { train: 5000, test: 2000 };
const HIDDEN = [512, 256];
const SITE = "h1";                        // the pruned layer: the 512-unit first hidden layer
const WIDTH = 512;
const PRETRAIN = QUICK ? 60 : 400;
const UPDATES = QUICK ? 60 : 600;         // per arm after pretraining (antitraining: half train, half antitrain steps)
const CYCLE = 50;
const FINETUNE = QUICK ? 10 : 60;
const KEEP = QUICK ? [32, 128] : [16, 32, 64, 128, 256];
const SCRATCH_KEEP = QUICK ? [32] : [32, 64, 128];
const TOLERANCE = 0.01;
const REF_K = 64;
/** Notebook 15's grids (the first entry is the quick setting). */
const GRIDS: Record<string, Record<string, number>[]> = {
  antitrain: [{ fraction: 0.5 }, { fraction: 0.3 }],
  "group-lasso": [{ lambda: 1e-3 }, { lambda: 1e-2 }, { lambda: 1e-1 }],
  slimming: [{ lambda: 1e-2 }, { lambda: 1e-3 }, { lambda: 1e-1 }],
  "activation-l1": [{ lambda: 1e-3 }, { lambda: 1e-2 }, { lambda: 1e-1 }],
  "targeted-dropout": [{ targetFraction: 0.75, rate: 0.9 }, { targetFraction: 0.5, rate: 0.5 }],
  "nested-dropout": [{ p: 0.03 }, { p: 0.01 }],
};

// %%
import * as at from "../dist/index";
import * as st from "../dist/studies/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";

await at.ready();
console.log(nb.provenance({ notebook: "17-fashion-mnist-deep", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "17-fashion-mnist-deep");

// %% [markdown]
// ## Data and arms

// %%
const { train, validation, test } = nb.keep("fashion", at.fashionMnist({ subsample: SUBSAMPLE, validation: 0.2, seed: 0 }));
const setup: st.CompressionSetup = {
  train: train, validation: validation!, test: test, inputs: 784, hidden: HIDDEN, classes: 10, site: SITE,
  pretrain: PRETRAIN, updates: UPDATES, cycle: CYCLE, finetune: FINETUNE, keep: KEEP, scratchKeep: SCRATCH_KEEP, tolerance: TOLERANCE,
};
const grids: Record<string, st.MethodSettings[]> = Object.fromEntries(Object.keys(GRIDS).map((m) => [m, QUICK ? GRIDS[m].slice(0, 1) : GRIDS[m]]));
console.log(`Fashion-MNIST subsample: ${JSON.stringify(st.splitSizes(setup))} (${QUICK ? "quick" : "full"} setting)`);

// %% [markdown]
// ## Tuning on separate seeds (validation split)

// %%
const TUNE_SETTINGS = { hidden: HIDDEN, site: SITE, subsample: SUBSAMPLE, pretrain: PRETRAIN, updates: UPDATES, cycle: CYCLE, finetune: FINETUNE, keep: KEEP, grids: grids };
let t0 = Date.now();
nb.prefetchSeeds("17-fashion-mnist-deep-tuning", TUNE_SETTINGS, TUNE_SEEDS, !QUICK, (seed) => st.tuneCompressionSeed(setup, grids, seed));
const tuning = TUNE_SEEDS.flatMap((seed) => nb.cachedSeed("17-fashion-mnist-deep-tuning", TUNE_SETTINGS, seed, !QUICK, () => st.tuneCompressionSeed(setup, grids, seed)));
const { chosen, table: tuningTable } = st.chooseSettings(grids, tuning);
console.log(`tuning: ${tuning.length} runs on seeds ${TUNE_SEEDS.join(", ")} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
tslab.display.html(nb.htmlTable(nb.tuningTableRows(tuningTable), { caption: `Tuning grid on seeds ${TUNE_SEEDS.join(", ")}, validation split${QUICK ? " (quick setting: one setting per method, nothing is tuned)" : ""}` }));

// %% [markdown]
// ## The study's seeds

// %%
const SETTINGS = { ...TUNE_SETTINGS, chosen: chosen, scratch: SCRATCH_KEEP, arms: st.STUDY_ARM_NAMES };
t0 = Date.now();
nb.prefetchSeeds("17-fashion-mnist-deep", SETTINGS, SEEDS, !QUICK, (seed) => st.runCompressionSeed(setup, chosen, seed));
const results: st.StudySeed[] = SEEDS.map((seed) => {
  const r = nb.cachedSeed("17-fashion-mnist-deep", SETTINGS, seed, !QUICK, () => st.runCompressionSeed(setup, chosen, seed));
  console.log(`seed ${seed}: dense validation ${r.denseVal.toFixed(3)}, test ${r.denseTest.toFixed(3)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  return r;
});

// %% [markdown]
// ## Results
//
// As in notebook 04: per arm, the fewest units within 1 point of the dense validation accuracy, the paired
// difference to antitraining, and the test numbers at that size; then each arm's 95% core before pruning
// (validation split) and its paired difference to antitraining's.

// %%
const ci = (i: at.Interval, d = 1) => `${i.mean.toFixed(d)} [${i.low.toFixed(d)}, ${i.high.toFixed(d)}]`;
const { summary, headline } = st.summarizeCompression(setup, results, REF_K);
console.log(`dense (plain, unpruned, ${HIDDEN.join("→")} hidden units): test accuracy ${ci(at.meanCI(results.map((r) => r.denseTest)), 3)}${NOTE}`);
tslab.display.html(nb.htmlTable(nb.compressionTableRows(summary, REF_K), { caption: `${SEEDS.length} seed${SEEDS.length > 1 ? "s" : ""}; mean [95% CI]; tolerance 1 point; an arm with no width within it counts as ${WIDTH} units${QUICK ? "; quick setting: a smoke test, not the study's numbers" : ""}` }));
console.log(`headline: ${headline}${NOTE}`);
for (const html of nb.compressionCharts(setup, results, summary)) tslab.display.html(html);
const cores = summary.filter((x) => !Number.isNaN(x.core95.mean));
tslab.display.html(nb.chart(
  [{ type: "bar", x: cores.map((x) => x.arm), y: cores.map((x) => x.core95.mean),
     error_y: { type: "data", symmetric: false, array: cores.map((x) => x.core95.high - x.core95.mean), arrayminus: cores.map((x) => x.core95.mean - x.core95.low) } }],
  { ...nb.axes("arm", `95% core of the unpruned h1 (units of ${WIDTH}, validation)`, `Concentration before pruning (mean of ${SEEDS.length} seed${SEEDS.length > 1 ? "s" : ""}, 95% CI)`), margin: { l: 70, t: 50, r: 20, b: 170 }, height: 480 },
));
const antiCore = summary.find((x) => x.arm === "antitrain");
const plainCore = summary.find((x) => x.arm === "plain, importance");
console.log(`95% core before pruning (validation): antitrain ${antiCore ? ci(antiCore.core95) : "?"}, plain ${plainCore ? ci(plainCore.core95) : "?"} units of ${WIDTH}${NOTE}`);

// %%
console.log(nb.writeResults("17-fashion-mnist-deep", {
  quick: QUICK, seeds: SEEDS, tuneSeeds: TUNE_SEEDS, subsample: SUBSAMPLE, hidden: HIDDEN, site: SITE, width: WIDTH, pretrain: PRETRAIN, updates: UPDATES, cycle: CYCLE,
  finetune: FINETUNE, keep: KEEP, scratchKeep: SCRATCH_KEEP, tolerance: TOLERANCE, refK: REF_K, grids: grids, chosen: chosen, tuning: tuning,
  split: st.splitSizes(setup), headline: headline, summary: summary, results: results, seconds: (Date.now() - t0) / 1000,
}));

// %% [markdown]
// ## Reading
//
// The full run's numbers and their reading go to RESULTS.md (section 17). Caveats beyond notebook 15's: one deeper
// architecture, one pruned layer (h1; h2 keeps its 256 units), the baselines' penalties act on h1 only, and the
// grids are 15's, not re-centred for this network.
