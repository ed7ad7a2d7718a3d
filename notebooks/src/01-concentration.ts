// %% [markdown]
// # 01 · Concentration: does antitraining force information through the core?
//
// **Question.** The notes ([docs/notes.md](../docs/notes.md), "Antitraining") claim that antitraining the spectators of a layer erases the
// information they pass on, so that afterwards the information flows through a small *core*. If that is true, then
// after antitraining (a) the core that holds 95% of the damage is smaller than in a plainly trained network, (b)
// randomizing the spectators does (almost) nothing, and (c) accuracy holds. Which antitrained fraction does it take,
// and do the published ways of pushing information into few units, or the same loop without its random target, do
// the same or better?
//
// **Setting.** One hidden layer of 128 ReLU units on two tasks: the UCI digits (64 → 128 → 10; the 1347 training
// images split into 1078 for training and 269 for validation, stratified and seeded; the 450 test images untouched
// until the final numbers) and a teacher-student task (16 inputs, a random teacher with k = 8 hidden units, 4
// classes; its 2000 training examples split 1600 / 400 the same way; 1000 test examples). For each seed an MLP is
// pretrained plainly (Adam, lr 1e-3, batch 64), then every arm continues a copy of that *same* network for the same
// number of optimizer updates (`SETTINGS.updates`; antitraining's own updates count: half of them are training steps, each
// followed by one antitrain step):
//
// | arm | how it trains after pretraining |
// | --- | --- |
// | plain | plain training (the same updates, no antitraining) |
// | antitrain 0.5 / 0.9 / 0.95 / 0.99 | one antitrain step after each training step on the core holding that fraction of the damage (core randomized, uniform target, downstream layer only), the core re-measured every 50, 100 or 200 training steps at an antitrain rate of 3e-4, 1e-3 or 3e-3 (tuned on antitrain 0.5) |
// | control: spectators, true labels | the same loop (antitrain 0.5's knobs) at fraction 0.5, the *spectators* randomized and the *true* labels as target ("non-core dropout") |
// | control: core, true labels | the same loop at fraction 0.5, the core randomized, the *true* labels as target: is it the random target that matters? |
// | group lasso (Wen et al. 2016) | penalty λ·Σ‖unit's in+out weights‖ |
// | network slimming (Liu et al. 2017) | per-unit scale γ with penalty λ·Σ\|γ\| (+ weight decay), folded in afterwards |
// | activation L1 | penalty λ·mean Σ\|activation\| |
// | targeted dropout (Gomez et al. 2019) | dropout (rate α) on the γ fraction of units with the smallest weights |
// | nested dropout (Rippel et al. 2014) | keep a random prefix of units, length ~ Geometric(p) |
//
// **Measurement.** The reported core is the smallest prefix of units (ranked by their cross-entropy damage when
// resampled alone) whose joint randomization (each unit resampled from its own activations, stats from the training
// split) removes 95% of the *accuracy* lost when the whole layer is randomized. It is measured on the **validation**
// split, with the damages of randomizing only the spectators and the whole layer (`at.reportCore`). The previous
// version of this notebook measured it on the test split; the test split is now used only for the final numbers:
// accuracy, cross-entropy, expected calibration error (ECE), and the same core measured on the test split beside the
// validation one ("core (test)": the validation split is small, and a core found on fewer images is noisier).
//
// **Choosing the knobs (nine settings per tuned arm).** Every tuned arm has nine settings (`SETTINGS.grids`, first
// cell), each run on separate tuning seeds; the one chosen has the smallest validation core among the settings whose
// validation accuracy is within 1 point of plain training's on the same seeds (ties: the higher validation accuracy;
// if none is within 1 point, the most accurate). The five published methods' grids are centred on what the earlier
// four-setting grids chose (commit 54ef23a), with a neighbour on both sides of every choice: group lasso λ 0.001–0.05
// and activation L1 λ 0.001–0.5 around 0.01 and 0.1, network slimming λ 0.001–0.15 and nested dropout p 0.01–0.3
// around the two tasks' different choices (0.1 / 0.01 and 0.1 / 0.03), targeted dropout's γ × α as a cross of four
// neighbours around each task's choice ((0.75, 0.5) and (0.5, 0.9)). Antitraining is tuned the same way, on antitrain
// 0.5: its loop's knobs jointly as 3 × 3, the core re-measured every 50, 100 or 200 training steps × the antitrain
// steps' Adam rate 3e-4, 1e-3 or 3e-3 (the first, every 100 at 1e-3, is the setting this notebook fixed before). Its
// fraction is not tuned: the question fixes it (0.5 is the reference; 0.9, 0.95 and 0.99 are the notes' fractions,
// the question's variants), and one antitrain step per training step stays (1 : 1 is the loop's lowest ratio, so it
// has no neighbour below). The other antitrained fractions and both controls run antitrain 0.5's chosen knobs, so
// that each of them still changes one ingredient of the same loop. Differences are paired per seed
// against antitrain 0.5, with 95% intervals (t over seeds).

// %%
// Settings. Quick by default (the test suite runs this); FULL=1 for the study's numbers. The study lives in
// lib/studies/concentration/ (`st.concentrationStudy`); its quick and full settings are the ones documented
// above.
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS = QUICK ? [100] : [100, 101];   // every tuned arm's knobs are chosen on their validation
// hidden (units), pretrain (plain Adam steps shared by every arm), updates (further optimizer updates per
// arm: antitraining half train, half anti), cycle (core re-measured every cycle training steps unless the
// antitrain grid sets it), fraction (the reported core's share of the accuracy damage), tolerance ("accuracy
// holds"), validation (held-out share), teacherK, grids (each tuned arm's nine settings; quick: the first of
// each). Tweak inline, e.g. { ...base, updates: 800 }.
const SETTINGS: st.ConcentrationSettings = { ...st.concentrationStudy.settings(QUICK ? "quick" : "full") };

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";

await at.ready();
console.log(nb.provenance({ notebook: "01-concentration", quick: QUICK, seeds: SEEDS }));
const backend = at.backendName();
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "01-concentration");
const QUICK_CAPTION = QUICK
  ? `; quick setting (${SEEDS.length} seed, ${SETTINGS.pretrain} + ${SETTINGS.updates} updates, ` +
    `one setting per method): a smoke test, not the study's numbers`
  : "";
tslab.display.html(nb.htmlTable(
  Object.entries(SETTINGS).map(([knob, value]) => ({ knob: knob, value: JSON.stringify(value) })),
  { caption: "Settings" },
));

// %% [markdown]
// ## The tasks and their splits
//
// The study describes its data (`st.taskData`) and every process builds it once (`st.studyData`). The digits loader
// holds out its validation split before standardizing (the statistics come from the remaining training rows); the
// teacher-student inputs are standard Gaussian, so its training set is just split (`at.validationSplit`, seed 0).

// %%
const splits = Object.fromEntries(st.CONCENTRATION_TASKS.map((t) => [t, st.taskSplitSizes(t, SETTINGS)]));
tslab.display.html(nb.htmlTable(st.CONCENTRATION_TASKS.map((t) => ({ task: t, ...splits[t] })), {
  caption: "Examples per split",
}));

// %% [markdown]
// ## The study: tuning seeds, then the study's seeds
//
// `st.runStudy` runs the tuning seeds (every setting of every grid continues the tuning seed's pretrained network for
// `updates` updates, beside the plain arm of the same seed; the test split is not touched), chooses each tuned arm's
// knobs, then runs the study's seeds: each pretrains the seed's network and runs every arm on a copy, on both tasks.
// Full runs cache each seed (keyed by the settings, the chosen knobs and the library's code), so an interrupted run
// resumes and `SEED_WORKERS=2` shares the seeds between two processes.

// %%
const run = await st.runStudy(st.concentrationStudy, SETTINGS, {
  seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK,
});
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));
const details = run.summary.details as st.ConcentrationDetails;
console.log(`tensors alive: ${tf.memory().numTensors}`);

// %% [markdown]
// ## Verdict
//
// The one-sentence answer on the study's headline: the validation 95% core, averaged over the two tasks, of antitrain
// 0.5 against plain training, the two controls and the five baselines (the other antitrained fractions are variants of
// the question, shown in the tables), paired per seed.

// %%
console.log(run.verdict.sentence + NOTE);
for (const line of run.verdict.numbers) console.log(`  ${line}`);

// %% [markdown]
// ## Tuning on separate seeds (validation split): antitraining's loop and the five baselines, nine settings each

// %%
const tuningTables = st.concentrationTuningTables(SETTINGS, run.tuning);
for (const t of st.CONCENTRATION_TASKS) {
  tslab.display.html(nb.htmlTable(nb.concentrationTuningRows(tuningTables[t].table), {
    caption:
      `${t}: tuning on seeds ${TUNE_SEEDS.join(", ")}, validation split, means over the tuning seeds` +
      (QUICK ? " (quick setting: one setting per method, nothing is tuned)" : ""),
  }));
}

// %% [markdown]
// ## Results
//
// Per task and arm, mean over seeds [95% CI]: the validation 95% core (units of 128) and, paired per seed, its
// difference to antitrain 0.5 (negative: a smaller core than antitraining's; "smaller / larger" counts the seeds);
// the accuracy lost on validation when only the spectators are randomized, and that as a share of the whole-layer
// damage; validation accuracy and whether it is within 1 point of plain's ("holds acc."); then test accuracy
// (also paired against antitrain 0.5), cross-entropy and ECE.

// %%
for (const t of st.CONCENTRATION_TASKS) {
  tslab.display.html(nb.htmlTable(nb.concentrationTableRows(details.summary[t]), {
    caption:
      `${t}: ${SEEDS.length} seed${SEEDS.length > 1 ? "s" : ""}; mean [95% CI]; ` +
      `core and damages on the validation split (${splits[t].validation} examples), ` +
      `test numbers on the test split (${splits[t].test})${QUICK_CAPTION}`,
  }));
}
for (const t of st.CONCENTRATION_TASKS) console.log(`${t}: ${details.headlines[t]}${NOTE}`);

// %%
const chartOptions = { fraction: SETTINGS.fraction, tolerance: SETTINGS.tolerance };
const charts = nb.concentrationCharts(details.summary, SETTINGS.hidden, chartOptions);
for (const html of charts) tslab.display.html(html);

// %% [markdown]
// ## Why antitraining a large core can do little
//
// In the plainly trained network, take the core at fraction f (validation split, the same ranking and draws as the
// reported core) and randomize only its spectators. An antitrain step can only erase information that reaches the
// output through the spectators while the core is randomized; if the spectators of the f-core carry no measurable
// damage, there is little for it to erase.

// %%
tslab.display.html(nb.htmlTable(nb.probeRows(details.probes), {
  caption:
    `plain training, validation split; mean [95% CI] over ${SEEDS.length} ` +
    `seed${SEEDS.length > 1 ? "s" : ""}${QUICK_CAPTION}`,
}));
tslab.display.html(nb.probeChart(details.probes));

// %%
console.log(nb.writeResults("01-concentration", {
  quick: QUICK, backend: backend, seeds: SEEDS, tuneSeeds: TUNE_SEEDS, ...SETTINGS, split: splits,
  chosen: run.chosen,
  tuning: run.tuning, arms: st.CONCENTRATION_ARM_NAMES, headlines: details.headlines,
  summary: details.summary,
  probes: details.probes, results: run.results, seconds: run.provenance.elapsedSeconds,
  verdict: run.verdict, studySummary: run.summary, provenance: run.provenance,
}));

// %% [markdown]
// ## Reading (FULL run)
//
// `FULL=1 SEED_WORKERS=2 ANTITRAIN_THREADS=1 node scripts/render-notebook.js notebooks/01-concentration.ipynb`
// computed these numbers from a clean checkout at commit 799bf00 with an empty seed cache: 10 seeds and 2 tuning
// seeds, every tuned arm at nine settings (antitraining's loop included), 18.5 min of CPU (8.4 of it tuning), 11 min
// 44 s for the whole notebook on 2 seed workers while another engineer's test run shared the two cores. The tables
// above are the source; RESULTS.md (section 01) has them in one place. The arms that kept their earlier setting
// (plain, nested dropout, activation L1 on teacher-student) reproduce the four-setting run at 54ef23a to the digit.
//
// **Same verdict, mixed, with a wider gap to the penalties.** Averaged over the two tasks, antitraining the 50% core
// leaves a validation 95% core of 101.2 [94.2, 108.2] units of 128 (median 98.3; was 73.5 with its loop fixed):
// reliably smaller than plain training's (118.8; plain − antitrain +17.6 [12.0, 23.1], median +19.3, p = 0.002), the
// two true-label controls', the other fractions' and targeted and nested dropout's, reliably larger than group
// lasso's (−83.8 [−90.1, −77.5], median −81.5, 10 of 10 seeds, Wilcoxon p = 0.0059), activation L1's
// (−82.3 [−89.0, −75.7]) and network slimming's (−80.5 [−87.4, −73.5]).
//
// **Which choices moved.** Antitraining chose a core re-measured every 50 steps at rate 1e-3 on digits (the cycle
// grid's edge) and every 100 steps at rate 3e-4 on teacher-student (the rate grid's edge): there every setting at
// 1e-3 or 3e-3 lost more than 1 point of validation accuracy on the tuning seeds (the fixed setting: core 29.5 at
// 0.845 against plain's 0.869), so the rule took the smallest core among the three at 3e-4 (108.0 at 0.860). Group
// lasso moved from λ 0.01 to 0.015 on both tasks, slimming from 0.1 to 0.15 (digits, the new grid's edge) and 0.01 to
// 0.02, activation L1 from 0.1 to 0.2 on digits, targeted dropout to (γ 0.75, α 0.25) on digits and (γ 0.25, α 0.9,
// the γ edge) on teacher-student; nested dropout kept p 0.1 / 0.03. The stronger penalties sit at the edge of the
// 1-point rule: on the study's seeds group lasso (teacher-student 0.858), slimming and activation L1 (digits 0.963
// and 0.964) fall just outside it on validation accuracy.
//
// **Where antitraining shrinks the core, and at what cost.** On digits (every 50 steps at 1e-3) it brings the
// test-split core from plain training's 122.7 units to 90.0 (was 99.8; plain +32.7 [21.2, 44.2], paired) at the
// same accuracy (test 0.983 against 0.985, plain +0.002 [−0.003, 0.008]), with a larger calibration error (ECE 0.036
// against 0.013). On teacher-student, at the gentler rate it needed to come near plain's accuracy, it barely
// concentrates: test-split core 101.9 against plain's 111.7 (plain +9.8 [4.9, 14.7]; with the fixed setting it was
// 33.7), its validation accuracy still 1.5 points below plain's (0.863 against 0.878), test accuracy 0.845 against
// 0.854 (plain +0.010 [0.004, 0.015]), ECE 0.035 against 0.047.
//
// **The published penalties do it better on both tasks.** On digits group lasso (λ 0.015) reaches 13.6 units on the
// test split (−76.4 [−88.5, −64.3] against antitraining) at test accuracy 0.974 (−0.009 [−0.013, −0.004]); slimming
// 16.8 and activation L1 20.0 at −0.013 and −0.010. On teacher-student network slimming (λ 0.02, the smallest core
// among the arms that hold validation accuracy) reaches 24.6 (−77.3 [−84.6, −70.0]) and group lasso 20.4 (−81.5
// [−88.9, −74.1]), both with more test accuracy than antitraining (0.865, +0.021 each); activation L1 16.1 at 0.862.
// Their cost is calibration: on digits ECE 0.073 (group lasso), 0.081 (slimming) and 0.145 (activation L1) against
// 0.013 for plain training and 0.036 for antitraining; on teacher-student 0.081–0.136 against 0.047 and 0.035.
//
// **The notes' fractions, the random target, dropout.** Antitraining the 90, 95 or 99% core, at antitrain 0.5's
// knobs, leaves the core where plain training puts it (test-split 124.1–124.4 on digits, 111.3–113.4 on
// teacher-student). The last table says why (plain training, unchanged): the spectators of the plain layer's 0.5-core
// (37.3 units on digits, 90.0 on teacher-student) carry 0.036 [0.019, 0.052] and 0.398 [0.363, 0.434] of the whole
// layer's damage, but from f = 0.8 on digits and f = 0.9 on teacher-student their share is indistinguishable from zero
// or below it. The true-label controls end with plain-sized cores (124.1 and 123.9 on digits, 109.0 and 116.6 on
// teacher-student), so the same loop without its random target does not concentrate; targeted and nested dropout do
// not either (123.6 and 120.6 on digits, 101.6 and 116.4 on teacher-student; targeted dropout ties antitraining there,
// −0.3 [−7.4, 6.8]).
//
// What each comparison isolates:
//
// - **antitrain 0.5 vs plain** answers (a)–(c) directly: the same pretrained network and the same number of updates,
//   with or without antitraining; the "smaller / larger" column says on how many seeds the core moved which way.
// - **antitrain 0.5 / 0.9 / 0.95 / 0.99** asks which antitrained fraction it takes, at the same loop knobs. The last
//   table shows what there is to detach: the plainly trained layer's f-core spectators and the share of the damage
//   they carry.
// - **antitrain vs the two controls** changes one ingredient of the same loop (antitrain 0.5's chosen knobs): which
//   units are randomized, and whether the target is random or the true label. If a control's core is as small, the
//   random target (the notes' "anti") is not what concentrates the information.
// - **antitrain vs group lasso, network slimming, activation L1, targeted and nested dropout** compares with the
//   published ways of pushing a layer's information into few units. Every one of them and antitraining's loop is
//   tuned the same way (nine settings, the smallest validation core that keeps plain's validation accuracy within
//   1 point on the tuning seeds); read the "holds acc." column before comparing cores.
//
// Caveats: one hidden layer of one small MLP per task; the validation splits are small (269 and 400 examples), so one
// point of accuracy is under three digits images and the core's ranking, measured on the same split, is noisier than
// on the larger test split; spectator damages of a few examples are within that noise; nine settings per tuned arm
// on two tuning seeds, and four choices lie at a grid edge (antitraining's cycle on digits and rate on
// teacher-student, slimming's λ on digits, targeted dropout's γ on teacher-student); a choice made at the edge of the
// 1-point rule on two seeds can fall just outside it on the study's ten; a core at 95% of an *accuracy* damage depends
// on how redundant the layer is, so it says where accuracy can be destroyed, not how many units a smaller network
// needs (notebook 04 asks that).
