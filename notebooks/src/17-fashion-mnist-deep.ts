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
// 535,818 parameters); the width grid is doubled accordingly; and antitraining (with its two controls) measures its
// 512-unit core on a fixed, seeded 1,000 of the 4,000 training rows (`measureRows`). A step costs about twice 15's
// (BENCHMARKS.md, `bench/train-step.ts`), and re-measuring the core on all 4,000 rows every 50 steps was most of the
// antitraining arms' time: the earlier full run (commit b1bed54, every row) took 25 minutes from a clean checkout on
// the quiet 2-core machine with two seed workers. RESULTS.md (section 17) sets the two runs side by side. Spread it
// over machines with the sweep queue (`SEED_QUEUE`, docs/runs.md), or let the seed cache resume it.

// %%
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS = QUICK ? [100] : [100, 101];
const study = st.fashionDeepCompression;
// The study's settings (the table below lists every knob: data subsample, widths, budget, grids); override
// any here.
const SETTINGS: st.CompressionSettings = {
  ...study.settings(QUICK ? "quick" : "full"),
};

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";

await at.ready();
console.log(nb.provenance({ notebook: "17-fashion-mnist-deep", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
tslab.display.html(nb.compressionSettingsTable(SETTINGS));
tslab.display.html(nb.compressionArmsTable(SETTINGS));

// %% [markdown]
// ## The run
//
// `st.runStudy` runs notebook 04's protocol on these settings: every grid setting on the tuning seeds (validation
// split only), the choice, then every arm on each study seed.

// %%
const run = await st.runStudy(study, SETTINGS, { seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK });
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));

// %% [markdown]
// ## Results
//
// As in notebook 04: the tuning table, then per arm the fewest units within 1 point of the dense validation
// accuracy, the paired difference to antitraining, and the test numbers at that size; then each arm's 95% core
// before pruning (validation split) and its paired difference to antitraining's.

// %%
const NOTE = nb.quickNote(QUICK, "17-fashion-mnist-deep");
for (const line of run.verdict.numbers) console.log(`  ${line}`);
console.log(
  `Fashion-MNIST subsample: ${JSON.stringify(st.compressionSplit(SETTINGS))} ` +
    `(${QUICK ? "quick" : "full"} setting)`,
);
tslab.display.html(nb.compressionTuningTable(run));
console.log(nb.compressionDenseLine(run) + NOTE);
tslab.display.html(nb.compressionSummaryTable(run, QUICK));
const details = st.compressionDetails(run.summary);
console.log(`headline: ${details.headline}${NOTE}`);
for (const html of nb.compressionStudyCharts(run)) tslab.display.html(html);
console.log(nb.compressionCoreLine(run) + NOTE);

// %%
console.log(nb.writeResults("17-fashion-mnist-deep", {
  ...st.compressionResultsFile(run, { quick: QUICK, seeds: SEEDS, tuneSeeds: TUNE_SEEDS }),
  subsample: SETTINGS.data.dataset === "fashion-mnist" ? SETTINGS.data.subsample : undefined,
  site: SETTINGS.site, width: st.compressionWidth(SETTINGS),
}));

// %% [markdown]
// ## Reading
//
// The full run's numbers and their reading go to RESULTS.md (section 17), beside the earlier run that measured the
// core on all 4,000 rows: the same verdict (iterative magnitude pruning 56.0 units against antitraining's 147.2,
// paired −91.2 [−127.0, −55.4]), the other arms' curves identical, antitraining's unpruned 95% core 463 units
// instead of 431, 43.4 min of compute instead of 49.3. **Run time:** 21.9 min of wall time on two seed workers,
// above the project's 20-minute goal for a study: each of the 12 seeds trains every arm of a 535,818-parameter
// network (a step about twice 15's) and each tuning seed 15 configurations; measuring the cores on 1,000 rows cut
// it from 25 min, and nine settings per arm, as 15 now tunes, would take about an hour of compute, so 17 keeps its
// earlier grids. Caveats beyond notebook 15's: one deeper architecture, one pruned layer (h1; h2 keeps its 256
// units), the baselines' penalties act on h1 only, and the grids are 15's earlier ones (2–3 settings per arm,
// `FASHION_DEEP_COMPRESSION_GRIDS`), not re-centred for this network.
