// %% [markdown]
// # 04 · Compression: antitrain + compress against the strongest structured-pruning baselines
//
// **Question (the notes' motivation 5).** If antitraining pushes a layer's information into a small core, removing
// the spectators should cost little. Does antitraining then give a smaller layer at the dense model's accuracy than
// the published methods built for exactly that job, when every method gets the same optimizer-step budget and its
// hyperparameters are chosen on validation data?
//
// **Setting.** Digits (8×8 images, 10 classes): the 1347 training images are split into 1078 for training and 269
// for validation (stratified, seeded); the 450 test images are used only for the final table. A 64→128→10 ReLU MLP
// is pretrained plainly, then each arm continues the *same* pretrained network for the same number of optimizer
// updates (`SETTINGS.updates`; antitraining's own updates count: they are split 1 : `antiSteps` between training and
// antitrain steps, a knob it tunes):
//
// | arm | how it trains | unit order it prunes by |
// | --- | --- | --- |
// | antitrain | `antiSteps` antitrain steps after each training step on the core holding `fraction` of the damage (core randomized, uniform target, downstream layers only), the core re-measured every `cycle` training steps | randomization importance |
// | control: spectators, true labels | the same loop, the *spectators* randomized and the *true* labels as target ("non-core dropout") | randomization importance |
// | control: core, true labels | the same loop, the core randomized, the *true* labels as target: is it the random target that matters? | randomization importance |
// | plain, importance | plain training | randomization importance |
// | plain, magnitude | plain training | weight magnitude |
// | group lasso (Wen et al. 2016) | penalty λ·Σ‖unit's in+out weights‖ | weight magnitude |
// | network slimming (Liu et al. 2017) | per-unit scale γ with penalty λ·Σ\|γ\| (+ weight decay), folded in afterwards | \|γ\| |
// | activation L1 | penalty λ·mean Σ\|activation\| | randomization importance |
// | targeted dropout (Gomez et al. 2019) | dropout (rate α) on the γ fraction of units with the smallest weights | weight magnitude |
// | nested dropout (Rippel et al. 2014) | keep a random prefix of units, length ~ Geometric(p) | unit index (prefix) |
// | iterative magnitude pruning | the same update budget spread over rounds: prune to the next width by magnitude, fine-tune | (rounds) |
// | small from scratch | a 64→k→10 MLP trained for pretraining + budget + fine-tuning steps | — |
//
// Every pruned model is made the same way: keep the top k units, fold the removed units' mean activations into the
// next bias (`at.compress`), then the same fine-tuning budget (`SETTINGS.finetune` Adam steps). **Equal tuning
// effort:** every tuned method gets nine settings on the same two **separate tuning seeds**, chosen by the same
// criterion as the headline on the **validation** split — each baseline's knob (λ, γ/α, p) over a log-spaced range,
// antitraining's four knobs jointly (the antitrained share, the cycle, antitrain steps per training step and the
// antitrain steps' Adam rate, an L9 orthogonal array: every pair of levels of two knobs once); the two controls use
// antitraining's chosen settings. **Headline, per seed:** the fewest
// units whose fine-tuned *validation* accuracy is within 1 point of the dense model (the plain arm, unpruned), then
// on the **test** split at that size: accuracy, cross-entropy and expected calibration error. Differences are paired
// per seed against antitraining, with 95% intervals (t over seeds).

// %%
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS = QUICK ? [100] : [100, 101];   // hyperparameters are chosen on these seeds' validation data
const study = st.digitsCompression;
// The study's settings (the table below lists every knob); override any of them here, e.g. `updates: 800`.
const SETTINGS: st.CompressionSettings = {
  ...study.settings(QUICK ? "quick" : "full"),
};

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";

await at.ready();
console.log(nb.provenance({ notebook: "04-compression", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
tslab.display.html(nb.compressionSettingsTable(SETTINGS));
tslab.display.html(nb.compressionArmsTable(SETTINGS));

// %% [markdown]
// ## The run
//
// An arm is a training method (`st.trainWithMethod`, every update counted) and a unit order (`st.unitOrder`);
// `SETTINGS.arms` lists them (the second table above). `st.runStudy` runs the protocol of `st.digitsCompression`:
// on each tuning seed every setting of every grid (`st.tuneCompressionSeed`, validation split only), the choice
// (the fewest units within 1 point of the dense validation accuracy, mean over tuning seeds; ties broken by
// validation accuracy at k ≤ 32), then on each study seed every arm (`st.runCompressionSeed`): the dense model, each
// arm cut to every width in `keep` and fine-tuned, iterative magnitude pruning and the small networks from scratch.
// Full runs cache each seed under a key that includes the library's code, so an interrupted run resumes and
// `SEED_WORKERS=2` shares the seeds.

// %%
const run = await st.runStudy(study, SETTINGS, { seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK });
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));

// %% [markdown]
// ## Results
//
// First the tuning table (the test split is not touched there), then per arm: the fewest units within 1 point of
// the dense validation accuracy (mean over seeds with 95% CI), the paired difference to antitraining (positive: the
// arm needs more units), and on the test split at each seed's chosen size: accuracy, cross-entropy and expected
// calibration error (ECE), with the dense model's beside them. Then the fixed-size comparison at k = `refK`,
// before and after fine-tuning.

// %%
const NOTE = nb.quickNote(QUICK, "04-compression");
for (const line of run.verdict.numbers) console.log(`  ${line}`);
tslab.display.html(nb.compressionTuningTable(run));
console.log(nb.compressionDenseLine(run) + NOTE);
tslab.display.html(nb.compressionSummaryTable(run, QUICK));
const details = st.compressionDetails(run.summary);
console.log(`headline: ${details.headline}${NOTE}`);

// %%
for (const html of nb.compressionStudyCharts(run)) tslab.display.html(html);

// %%
console.log(nb.writeResults("04-compression", st.compressionResultsFile(run, {
  quick: QUICK, seeds: SEEDS, tuneSeeds: TUNE_SEEDS,
})));

// %% [markdown]
// ## Reading (FULL run: `FULL=1 SEED_WORKERS=2 ANTITRAIN_THREADS=1 node scripts/render-notebook.js notebooks/04-compression.ipynb`)
//
// Computed from a clean checkout at commit 7f30102 with an empty seed cache: 10 seeds and 2 tuning seeds, 19.5 min of
// compute on 2 seed workers, 9.8 min wall. **Equal tuning effort** (new in this run): every tuned method had nine
// settings on the same tuning seeds, antitraining's four knobs jointly. The tables above are the source; RESULTS.md
// (section 04) has them in one place.
//
// **Antitraining's own knobs were not holding it back.** Of its nine settings the one it always had — share 0.5,
// re-measured every 100 steps, one antitrain step per training step at Adam 1e-3 — needed the fewest units on both
// tuning seeds (24 and 32); two or three antitrain steps per training step, a rate of 3e-3 or a share of 0.3 at a
// 100-step cycle found no width within 1 point (128). Its study-seed numbers are therefore the earlier run's,
// reproduced to the last digit, as are every arm's whose choice did not change.
//
// **Antitraining is not the way to a small layer here.** Network slimming (19.6 units within 1 point of the dense
// validation accuracy, paired −34.0 [−64.9, −3.1], Wilcoxon p = 0.009) and the 64→k→10 network from scratch (19.2,
// −34.4 [−63.5, −5.3], p = 0.008) need fewer units than antitraining's 53.6 [24.1, 83.1] on 9 of 10 seeds; group lasso
// (25.8), activation L1 (25.2) and nested dropout (31.4) need fewer on 8–9 of 10 seeds with intervals that just
// include zero. The wider grids moved two baselines' choices on the tuning seeds (activation L1 λ 0.1 → 0.3, nested
// dropout p 0.05 → 0.07), and on the study seeds both needed more units than before (20.0 → 25.2 and 20.0 → 31.4):
// two tuning seeds pick within the noise. Antitraining is no better than the plain network pruned by weight magnitude
// (−0.4 [−29.7, 28.9]) or iterative magnitude pruning, and on two seeds it found no width within 1 point (128).
//
// **The verdict holds under every fair statistic** (`node --import tsx scripts/robust-statistics.ts
// results/04-compression.json`, from the stored curves): within 2 points, the small network from scratch needs
// 10.4 [7.0, 13.8] fewer units than antitraining's 21.2; against the dense accuracy averaged over seeds, group lasso
// needs 28.6 [4.0, 53.2] fewer; the normalized area under test accuracy against units (4–48) is 0.878 for
// antitraining against 0.956 from scratch (+0.078 [0.069, 0.087]); at every fixed width from 8 to 32 units group
// lasso and network slimming reach a reliably higher test accuracy (at 16 units 0.976 for group lasso against 0.944).
// Against the weak arms (the controls, the plain network's rankings) antitraining is reliably better under most of
// these statistics: it concentrates, just less than the penalties.
//
// **The chosen widths cost about a point on the test split for every arm:** at its validation-chosen width
// antitraining's test accuracy is 0.015 [0.006, 0.023] below the dense model's (within 1 point on test on 2 of its 8
// seeds with a width), network slimming's 0.010 [0.004, 0.015] (4 of 10); only the plain network cut by importance,
// which keeps 57 units, stays within it (0.005).
//
// **Compute the update budget does not count:** antitraining and its controls re-measured the core 9 times per seed
// (each the randomization of every one of the 128 units on the 1,078 training rows, then the core search); the other
// arms measure nothing, so at equal compute rather than equal updates antitraining would have fewer updates.
//
// **What antitraining changes is removal without fine-tuning:** at 16 units its pruned network scores 0.909 on
// validation before any fine-tuning, against 0.586 for the plain network with the same ranking — the
// sparsity-inducing methods do that better still (0.95–0.96). The true-label controls need 47.6 and 73.6 units
// (paired −6.0 [−45.0, 33.0] and +20.0 [−25.0, 65.0]): the random target's own effect is not isolated at this
// resolution. Costs: antitraining's pruned models are less calibrated than the plain ones (ECE 0.043 vs 0.018).
//
// What each comparison isolates:
//
// - **antitrain vs the two controls** changes one ingredient of the same loop: which units are randomized, and
//   whether the target is random or the true label. If a control needs as few units as antitraining, the random
//   target (the notes' "anti") is not what concentrates the information.
// - **antitrain vs plain, importance** is the same ranking on a network trained without antitraining for the same
//   number of updates.
// - **antitrain vs group lasso, slimming, activation L1, targeted and nested dropout, iterative magnitude pruning**
//   compares with the published ways of pushing a layer's information into few units, each tuned on the same
//   validation criterion with its own grid.
// - **small from scratch** asks whether pruning helps at all at this scale.
//
// Caveats: one hidden layer of one small MLP on 1,078 training images; the validation split (269 images) is small,
// so one point of accuracy is under three images and the "units within 1 point" criterion is coarse; nine settings per
// method, chosen on two tuning seeds, which the moved baseline choices show to be noisy.
