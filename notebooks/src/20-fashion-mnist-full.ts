// %% [markdown]
// # 20 · Fashion-MNIST at full size: the compression study on every image
//
// **Question.** Notebook 15 ran notebook 04's compression study on a 5,000-image subsample of Fashion-MNIST, where
// the dense 784→256→10 MLP reaches 0.850 test accuracy, 2.7 points below the published MLP (about 0.877 on the full
// 60,000; Xiao et al. 2017). Does its verdict — antitraining needs more units within 1 point of the dense model than
// the strongest baselines — hold on the full data set, with a dense model at the published accuracy?
//
// **Setting.** All 60,000 training images (55,000 for training, 5,000 class-stratified for validation, where every
// choice is made) and the 10,000 test images (used only in the final table), pixels standardized with the training
// part's mean and std; a 784→256→10 MLP, 2,000 plain steps then 3,000 updates for every arm (antitraining: half
// training, half antitrain steps), so the dense model trains 5,000 steps. The arms: antitraining and notebook 15's
// three strongest baselines by its headline — activation L1, targeted dropout and iterative magnitude pruning — with
// the small networks from scratch the study always adds. **Knobs are not tuned again:** each arm runs at the setting
// notebook 15 chose from nine per method on its tuning seeds (validation split of the subsample): antitraining share
// 0.7 with three antitrain steps per training step at Adam 3e-4, activation L1 λ 0.01, targeted dropout 0.9 / 0.9
// (the strongest by 15's headline, with iterative magnitude pruning). Antitraining re-measures its core every 250 steps
// (12 cycles, as in notebook 15) on a fixed 4,000 training rows (`measureRows`; notebook 15 measured on its whole
// 4,000-image training part), so a measurement costs what it cost there. Widths 8–128 as in notebook 15; the
// fine-tuning after pruning is notebook 15's 60 steps. **Cost:** about 19 minutes of CPU per seed
// on the project's 2-core machine (1,101–1,152 s on the first three seeds), so about 3.2 hours of CPU for 10 seeds
// and about 1.6 hours of wall time with two seed workers on an otherwise idle machine: the full run spreads its seeds
// over seed-worker processes (`SEED_WORKERS`) or the seed queue (`SEED_QUEUE`, several machines; docs/runs.md), and
// the seed cache keeps every finished seed, so an interrupted run resumes. That is beyond the 30-minute budget of the
// other studies; its verdict box gives the compute and the wall time.

// %%
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS: number[] = []; // nothing tuned here: notebook 15's choices (one-entry grids)
const study = st.fashionFullSizeCompression;
// The study's settings (the table below lists every knob: data, widths, budget, grids); override any
// here. The quick setting runs on notebook 15's quick subsample (600 train, 150 validation, 300 test).
const SETTINGS: st.CompressionSettings = {
  ...study.settings(QUICK ? "quick" : "full"),
};

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";

await at.ready();
console.log(nb.provenance({ notebook: "20-fashion-mnist-full", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
tslab.display.html(nb.compressionSettingsTable(SETTINGS));
tslab.display.html(nb.compressionArmsTable(SETTINGS));

// %% [markdown]
// ## The run
//
// `st.runStudy` runs notebook 04's protocol on these settings; every grid has one entry (notebook 15's choice), so
// no tuning seed runs, and every arm runs on each study seed.

// %%
const run = await st.runStudy(study, SETTINGS, { seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK });
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));

// %% [markdown]
// ## Results
//
// As in notebook 15: per arm the fewest units within 1 point of the dense validation accuracy, the paired difference
// to antitraining, and the test numbers at that size; then each arm's 95% core before pruning (validation split)
// and its paired difference to antitraining's.

// %%
const NOTE = nb.quickNote(QUICK, "20-fashion-mnist-full");
for (const line of run.verdict.numbers) console.log(`  ${line}`);
console.log(
  `Fashion-MNIST split: ${JSON.stringify(st.compressionSplit(SETTINGS))} ` +
    `(${QUICK ? "quick" : "full"} setting)`,
);
console.log(nb.compressionDenseLine(run) + NOTE);
tslab.display.html(nb.compressionSummaryTable(run, QUICK));
const details = st.compressionDetails(run.summary);
console.log(`headline: ${details.headline}${NOTE}`);
for (const html of nb.compressionStudyCharts(run)) tslab.display.html(html);
console.log(nb.compressionCoreLine(run) + NOTE);
// What each arm's width, chosen on validation, costs on the test split: test accuracy there minus the
// dense model's.
for (const g of st.chosenWidthGaps(run.results, { tolerance: SETTINGS.tolerance })) {
  const ci = st.signedInterval(g.gap);
  const gap = g.reached > 0
    ? `${ci} at ${g.width.toFixed(1)} units; within 1 point on test on ${g.withinOnTest} of ${g.reached}`
    : "no width within 1 point";
  console.log(`  test − dense at the chosen width, ${g.arm}: ${gap} (${g.reached}/${g.seeds} seeds)${NOTE}`);
}

// %%
console.log(nb.writeResults("20-fashion-mnist-full", {
  ...st.compressionResultsFile(run, { quick: QUICK, seeds: SEEDS, tuneSeeds: TUNE_SEEDS }),
  subsample: SETTINGS.data.dataset === "fashion-mnist" ? SETTINGS.data.subsample : undefined,
}));

// %% [markdown]
// ## Reading
//
// Written after the full run.
