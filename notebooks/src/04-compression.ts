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
// updates (`UPDATES`; antitraining's own updates count: half of them are training steps, half antitrain steps):
//
// | arm | how it trains | unit order it prunes by |
// | --- | --- | --- |
// | antitrain | one antitrain step after each training step on the core holding `fraction` of the damage (core randomized, uniform target, downstream layers only) | randomization importance |
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
// next bias (`at.compress`), then the same fine-tuning budget (`FINETUNE` Adam steps). Each method's knob (λ,
// fraction, γ/α, p) is chosen on **separate tuning seeds** by the same criterion as the headline, on the
// **validation** split; the two controls use antitraining's chosen fraction. **Headline, per seed:** the fewest
// units whose fine-tuned *validation* accuracy is within 1 point of the dense model (the plain arm, unpruned), then
// on the **test** split at that size: accuracy, cross-entropy and expected calibration error. Differences are paired
// per seed against antitraining, with 95% intervals (t over seeds).

// %%
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS = QUICK ? [100] : [100, 101];   // hyperparameters are chosen on these seeds' validation data
const HIDDEN = 128;
const PRETRAIN = QUICK ? 300 : 600;              // plain Adam steps shared by every arm
const UPDATES = QUICK ? 300 : 1600;              // further optimizer updates per arm (antitraining: half train, half anti)
const CYCLE = 100;                               // antitraining re-measures its core every CYCLE training steps
const FINETUNE = QUICK ? 40 : 100;               // fine-tuning steps after pruning, the same for every arm
const KEEP = QUICK ? [4, 8, 16, 32, 64] : [2, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64];
const SCRATCH_KEEP = QUICK ? [8, 32] : [4, 8, 12, 16, 24, 32, 48];
const TOLERANCE = 0.01;                          // "within 1 point of the dense model"
const REF_K = 16;                                // the width of the fixed-size comparison
/** Each tunable method's grid (the first entry is the quick setting). */
const GRIDS: Record<string, Record<string, number>[]> = {
  antitrain: [{ fraction: 0.5 }, { fraction: 0.3 }, { fraction: 0.7 }],
  "group-lasso": [{ lambda: 1e-3 }, { lambda: 1e-4 }, { lambda: 3e-4 }, { lambda: 3e-3 }, { lambda: 1e-2 }, { lambda: 3e-2 }, { lambda: 1e-1 }],
  slimming: [{ lambda: 1e-3 }, { lambda: 1e-4 }, { lambda: 1e-2 }, { lambda: 3e-2 }, { lambda: 1e-1 }, { lambda: 3e-1 }],
  "activation-l1": [{ lambda: 1e-3 }, { lambda: 1e-4 }, { lambda: 1e-2 }, { lambda: 3e-2 }, { lambda: 1e-1 }],
  "targeted-dropout": [{ targetFraction: 0.5, rate: 0.5 }, { targetFraction: 0.75, rate: 0.5 }, { targetFraction: 0.5, rate: 0.9 }, { targetFraction: 0.75, rate: 0.9 }, { targetFraction: 0.9, rate: 0.5 }, { targetFraction: 0.9, rate: 0.9 }],
  "nested-dropout": [{ p: 0.03 }, { p: 0.01 }, { p: 0.05 }, { p: 0.1 }],
};

// %%
import * as at from "../dist/index";
import * as st from "../dist/studies/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";

await at.ready();
console.log(nb.provenance({ notebook: "04-compression", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "04-compression");
const grid = (method: string) => (QUICK ? GRIDS[method].slice(0, 1) : GRIDS[method]);

// %% [markdown]
// ## The arms
//
// An arm is a training method (`st.trainWithMethod`, every update counted) and a unit order (`st.unitOrder`);
// `st.STUDY_ARMS` lists them, and `st.runCompressionSeed` runs every arm of one seed: the dense model, each arm cut
// to every width in `KEEP` and fine-tuned, iterative magnitude pruning and the small networks from scratch. Full
// runs cache each seed (`nb.cachedSeed`), so an interrupted run resumes and `SEED_WORKERS=2` shares the seeds.

// %%
const { train, validation, test } = nb.keep("digits", at.digits({ validation: 0.2 }));
const setup: st.CompressionSetup = {
  train: train, validation: validation!, test: test, inputs: 64, hidden: [HIDDEN], classes: 10, site: "h1",
  pretrain: PRETRAIN, updates: UPDATES, cycle: CYCLE, finetune: FINETUNE, keep: KEEP, scratchKeep: SCRATCH_KEEP, tolerance: TOLERANCE,
};
const ALL_ARMS = st.STUDY_ARM_NAMES;
tslab.display.html(nb.htmlTable(st.STUDY_ARMS.map((a) => ({ arm: a.name, "training method": a.method, "unit order": a.order, "tuned as": a.tuneAs ?? "" }))));

// %% [markdown]
// ## Tuning on separate seeds (validation split)
//
// Each tunable method runs every setting of its grid on the tuning seeds; the setting with the fewest units within
// 1 point of the dense validation accuracy (mean over tuning seeds; ties broken by validation accuracy at k ≤ 32)
// is used for the study's seeds. The test split is not touched here.

// %%
const grids: Record<string, st.MethodSettings[]> = Object.fromEntries(Object.keys(GRIDS).map((m) => [m, grid(m)]));
const TUNE_SETTINGS = { hidden: HIDDEN, pretrain: PRETRAIN, updates: UPDATES, cycle: CYCLE, finetune: FINETUNE, keep: KEEP, grids: QUICK ? "quick" : GRIDS, split: "digits validation 0.2" };
let t0 = Date.now();
nb.prefetchSeeds("04-compression-tuning", TUNE_SETTINGS, TUNE_SEEDS, !QUICK, (seed) => st.tuneCompressionSeed(setup, grids, seed));
const tuning = TUNE_SEEDS.flatMap((seed) => nb.cachedSeed("04-compression-tuning", TUNE_SETTINGS, seed, !QUICK, () => st.tuneCompressionSeed(setup, grids, seed)));
const { chosen, table: tuningTable } = st.chooseSettings(grids, tuning);
console.log(`tuning: ${tuning.length} runs on seeds ${TUNE_SEEDS.join(", ")} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
tslab.display.html(nb.htmlTable(nb.tuningTableRows(tuningTable), { caption: `Tuning grid on seeds ${TUNE_SEEDS.join(", ")}, validation split${QUICK ? " (quick setting: one setting per method, nothing is tuned)" : ""}` }));

// %% [markdown]
// ## The study's seeds

// %%
const SETTINGS = { ...TUNE_SETTINGS, chosen: chosen, scratch: SCRATCH_KEEP, arms: ALL_ARMS };   // (tslab needs "chosen: chosen", not the shorthand)
t0 = Date.now();
nb.prefetchSeeds("04-compression", SETTINGS, SEEDS, !QUICK, (seed) => st.runCompressionSeed(setup, chosen, seed));
const results: st.StudySeed[] = SEEDS.map((seed) => {
  const r = nb.cachedSeed("04-compression", SETTINGS, seed, !QUICK, () => st.runCompressionSeed(setup, chosen, seed));
  console.log(`seed ${seed}: dense validation ${r.denseVal.toFixed(3)}, test ${r.denseTest.toFixed(3)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  return r;
});

// %% [markdown]
// ## Results
//
// Per arm: the fewest units within 1 point of the dense validation accuracy (mean over seeds with 95% CI), the
// paired difference to antitraining (positive: the arm needs more units), and on the test split at each seed's
// chosen size: accuracy, cross-entropy and expected calibration error (ECE), with the dense model's beside them.
// Then the fixed-size comparison at k = `REF_K`, before and after fine-tuning.

// %%
const ci = (i: at.Interval, d = 1) => `${i.mean.toFixed(d)} [${i.low.toFixed(d)}, ${i.high.toFixed(d)}]`;
const { summary, headline } = st.summarizeCompression(setup, results, REF_K);
const denseTest = at.meanCI(results.map((r) => r.denseTest));
console.log(`dense (plain, unpruned, 128 units): test accuracy ${ci(denseTest, 3)}, loss ${ci(at.meanCI(results.map((r) => r.denseTestLoss)), 3)}, ECE ${ci(at.meanCI(results.map((r) => r.denseEce)), 3)}${NOTE}`);
tslab.display.html(nb.htmlTable(nb.compressionTableRows(summary, REF_K), { caption: `${SEEDS.length} seed${SEEDS.length > 1 ? "s" : ""}; mean [95% CI]; tolerance 1 point; an arm with no width within it counts as 128 units (the dense layer); iterative magnitude pruning's "no fine-tuning" is after its own rounds${QUICK ? "; quick setting: a smoke test, not the study's numbers" : ""}` }));
console.log(`headline: ${headline}${NOTE}`);

// %%
for (const html of nb.compressionCharts(setup, results, summary)) tslab.display.html(html);

// %%
console.log(nb.writeResults("04-compression", {
  quick: QUICK, seeds: SEEDS, tuneSeeds: TUNE_SEEDS, hidden: HIDDEN, pretrain: PRETRAIN, updates: UPDATES, cycle: CYCLE, finetune: FINETUNE,
  keep: KEEP, scratchKeep: SCRATCH_KEEP, tolerance: TOLERANCE, refK: REF_K, grids: GRIDS, chosen: chosen, tuning: tuning,
  split: st.splitSizes(setup),
  headline: headline, summary: summary, results: results, seconds: (Date.now() - t0) / 1000,
}));

// %% [markdown]
// ## Reading
//
// The full run's numbers and their reading are in RESULTS.md (section 04) and in the committed report
// `reports/04-compression.html`; the table above is the source. What each comparison isolates:
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
// so one point of accuracy is under three images and the "units within 1 point" criterion is coarse; the tuning
// grids are small (3–4 settings) and tuned on two seeds.
