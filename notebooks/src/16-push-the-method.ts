// %% [markdown]
// # 16 · Pushing the method: antitraining variants against the best compression baselines
//
// **Question.** Notebook 04 found antitraining behind every sparsity-inducing baseline on the digits: about 54
// units within 1 point of the dense model, against about 20 for network slimming and a small network trained from
// scratch and 25 for activation L1. The notes propose variants; this notebook tries them and keeps what works. Does
// any variant reach the dense model's accuracy with fewer units than the best baselines, at the same budget?
//
// **Variants** (`st.trainWithMethod`, every update counted; each with nine settings tuned on separate seeds, the
// antitrained share crossed with the variant's own knob, as notebook 04 tunes every method):
//
// | arm | what changes against antitrain |
// | --- | --- |
// | antitrain | notebook 04's arm and chosen setting: one antitrain step after each training step, on the core holding 50% of the damage, core re-measured every 100 steps |
// | antitrain, rising fraction | the antitrained core's share rises linearly from `fraction` to `finalFraction` over the run (the notes: "decayed to approach a threshold of 100%") |
// | antitrain, other cycle | the core re-measured every 12 to 800 training steps (nine lengths) instead of 100 |
// | antitrain + group lasso | antitraining plus a group-lasso penalty on the layer's units in the training steps |
// | antitrain + activation L1 | antitraining plus an L1 penalty on the layer's activations in the training steps |
//
// **References**, at notebook 04's validation-chosen settings (tuned there on the same split and tuning seeds):
// network slimming (λ 0.03), activation L1 (λ 0.3), iterative magnitude pruning, and a small network trained from
// scratch. Everything else is notebook 04's: digits split 1078 / 269 / 450 (train / validation / test), a
// 64→128→10 MLP pretrained for 600 steps, 1600 updates per arm, removal by each arm's unit order with the removed
// units' means folded into the next bias, 100 fine-tuning steps, the headline "fewest units within 1 point of the
// dense validation accuracy", test numbers only at that size, paired per-seed differences to antitrain.
//
// Not tried here: renormalizing the spectators (the notes expect it to be unnecessary, and the pruned units are
// removed anyway), and cyclic schedules (notebook 05: no lasting compression).

// %%
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS = QUICK ? [100] : [100, 101];
const study = st.compressionVariants;
// Notebook 04's settings with the variants' arms and grids (tables below); override any knob here, e.g.
// `updates: 800`.
const SETTINGS: st.CompressionSettings = {
  ...study.settings(QUICK ? "quick" : "full"),
};

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";

await at.ready();
console.log(nb.provenance({ notebook: "16-push-the-method", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
tslab.display.html(nb.compressionSettingsTable(SETTINGS));
tslab.display.html(nb.compressionArmsTable(SETTINGS));

// %% [markdown]
// ## The run
//
// As in notebook 04, `st.runStudy` tunes every setting of every grid on the tuning seeds (the fewest units within 1
// point of the dense validation accuracy wins; ties: validation accuracy at k ≤ 32; the test split is not touched),
// then runs every arm, iterative magnitude pruning and the small networks from scratch on each study seed.

// %%
const run = await st.runStudy(study, SETTINGS, { seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK });
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));

// %% [markdown]
// ## Results
//
// The tuning table, then per arm: the fewest units within 1 point of the dense validation accuracy, the paired
// difference to antitrain (positive: the arm needs more units), and test accuracy, loss and calibration at each
// seed's chosen size; then the best antitraining variant against the best reference.

// %%
const NOTE = nb.quickNote(QUICK, "16-push-the-method");
for (const line of run.verdict.numbers) console.log(`  ${line}`);
tslab.display.html(nb.compressionTuningTable(run));
console.log(nb.compressionDenseLine(run) + NOTE);
tslab.display.html(nb.compressionSummaryTable(run, QUICK));
const details = st.compressionDetails(run.summary);
console.log(`headline: ${details.headline}${NOTE}`);
console.log(nb.compressionVariantsLine(run) + NOTE);

// %%
for (const html of nb.compressionStudyCharts(run)) tslab.display.html(html);

// %%
const { bestVariant, bestReference } = st.bestVariantAndReference(details.summary);
console.log(nb.writeResults("16-push-the-method", {
  ...st.compressionResultsFile(run, { quick: QUICK, seeds: SEEDS, tuneSeeds: TUNE_SEEDS }),
  arms: SETTINGS.arms, bestVariant: bestVariant.arm, bestReference: bestReference.arm,
}));

// %% [markdown]
// ## Reading
//
// The full run's numbers and their reading are in RESULTS.md (section 16) and the committed report
// `reports/16-push-the-method.html`; the table above is the source. A variant "works" here only if it needs fewer
// units than the best reference with a paired interval that excludes zero; otherwise the notebook's answer is no.
// Caveats are notebook 04's: one hidden layer of one small MLP on 1,078 training images, a 269-image validation
// split (one point is under three images), nine settings per method tuned on two seeds.
