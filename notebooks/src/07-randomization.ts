// %% [markdown]
// # 07 · Which randomization? gaussian vs resample vs mean vs zero, against a ground truth
//
// **Question.** The notes randomize a unit by drawing from N(mean, std) of its own activations (*gaussian*). Other
// choices: *resample* the unit's value on another example (causal scrubbing's resample ablation, Chan et al. 2022:
// the unit stays on its real distribution, a ReLU unit stays ≥ 0), replace it by its *mean*, or *zero* it (the
// classic ablation). Which one's single-unit damage ranks a layer's units right? Compared only with each other, the
// methods cannot say; this notebook gives them a ground truth.
//
// **Part 1, the ground truth (the verdict).** A small 64→9→10 ReLU MLP is trained on digits (1347 train, 450 test;
// Adam, lr 1e-2, 1500 steps), then three units of known content are planted in its hidden layer without changing
// what it computes: a *copy* of the trained unit with the largest std × outgoing weight (the outgoing weight split
// half and half: the same content), a *constant* unit (no input weights, a positive bias, nonzero outgoing weights
// compensated in the output bias: no content, correct importance 0) and a *silent* unit (input-driven, zero outgoing
// weights: no content). With 12 units, all 4096 coalitions of randomized units are enumerated on the test set, so
// each unit's **exact Shapley value** of the cross-entropy damage is known: under a fixed reference, interventional
// Shapley (the randomized units take their values jointly from another training example, 16 draws: resample
// ablation's value function, and SHAP's interventional baseline), and under each method's own value function. Each
// method's single-unit damage (the library's importance, 3 draws, as every study measures it) is scored by its
// Spearman with the reference Shapley values (the headline; also on accuracy), its top-3 overlap with them, its
// planted recovery (the share of content-carrying trained units ranked strictly above each no-content planted unit)
// and, beside the verdict, its Spearman with its own Shapley values. The fixed reference is resample's own value
// function over coalitions, so it leans toward resample; the planted units are the method-neutral check.
//
// **Part 2, antitraining with each method (beside the verdict).** A 64→128→10 MLP pretrained 600 steps (Adam,
// lr 1e-3) is continued 1600 steps plainly and with an antitrainer using each method (core fraction 0.5 of the
// accuracy damage, one antitrain step per training step, core re-measured every 100 steps): the same updates for
// every branch. Each branch's 95% core is measured with the resample yardstick, beside its test accuracy and loss.
//
// **Protocol.** 10 study seeds; every knob is fixed in advance (none is tuned, so no tuning seeds are needed); each
// method paired per seed against gaussian (method − gaussian: mean [95% t interval], median, Wilcoxon p). The quick
// setting (1 seed, 5 + 3 units, 100 + 60 steps, 1 draw) is a smoke test.

// %%
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS: number[] = [];   // the study tunes nothing: every knob below is fixed in advance
// The knobs, as the study defines them for this setting (quick: 5 + 3 units, 100 + 60 steps, 1 draw; full: 9 + 3
// units, 600 + 1600 steps, 3 draws): part 1: smallTrained (trained units of the small layer; 3 are planted),
// smallSteps, smallLearningRate, shapleySamples (draws of each random method's own coalition game),
// referenceSamples (draws of the reference game), topK; part 2: data, hidden (units of h1), pretrain, more
// (further steps per branch), cycle (steps between core re-measurements), fraction (antitrained core's share of the
// accuracy damage), samples (random draws averaged per measurement), methods, learningRate. Override any here.
const SETTINGS: st.RandomizationSettings = {
  ...st.randomizationStudy.settings(QUICK ? "quick" : "full"),
};
console.log(SETTINGS);

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tslab from "tslab";
await at.ready();
console.log(nb.provenance({ notebook: "07-randomization", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "07-randomization");
const QUICK_LABEL = QUICK
  ? `quick setting (1 seed, ${SETTINGS.smallTrained} + 3 units, ${SETTINGS.pretrain} + ${SETTINGS.more} steps, ` +
      `${SETTINGS.samples} draw per measurement): a smoke test, not the study's numbers`
  : undefined;
// Part 2 in the quick setting antitrains for fewer steps than one re-measurement cycle: too short to compare
// methods.
const PART2_LABEL = QUICK
  ? `quick setting (1 seed, ${SETTINGS.more} further steps, ` +
      `fewer than one ${SETTINGS.cycle}-step cycle): antitraining has barely started, ` +
      `too short to compare the methods; a smoke test, not the study's numbers`
  : undefined;

// %%
const run = await st.runStudy(st.randomizationStudy, SETTINGS, {
  seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK,
});
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));
const tables = st.randomizationTables(run.results, SETTINGS.methods);

// %% [markdown]
// ## Part 1: which method's single-unit ranking recovers the ground truth?

// %%
// Every ground-truth statistic per method over seeds, and each method − gaussian paired per seed (the first
// statistic is the headline; the own-function Spearman is reported beside the verdict).
tslab.display.html(nb.htmlTable(nb.randomizationStatisticRows(run.summary, ["ground truth", "beside"]), { caption: QUICK_LABEL }));
// Seed 0's small layer unit by unit: its exact reference Shapley value and each method's single-unit damage.
tslab.display.html(nb.htmlTable(nb.randomizationUnitRows(run.results[0].groundTruth), { caption: QUICK_LABEL }));

// %% [markdown]
// ## Part 2: do the methods agree on a wide layer, and does antitraining work with each?

// %%
// On part 2's pretrained 128-unit model: the methods' rank agreement and the 95% cores they measure.
tslab.display.html(nb.htmlTable(tables.agreement, { caption: QUICK_LABEL }));
tslab.display.html(nb.htmlTable(tables.cores, { caption: QUICK_LABEL }));
// Mean Spearman matrix over seeds (diagonal: 1 for deterministic methods, the other-draws agreement for
// random ones).
const part1Title =
  `Spearman agreement of unit importances (mean over ` +
  `seeds)${QUICK ? " (quick setting: a smoke test)" : ""}`;
tslab.display.html(nb.randomizationAgreementChart(run.results, SETTINGS.methods, part1Title));

// %%
tslab.display.html(nb.htmlTable(nb.randomizationBranchRows(tables.branches), { caption: PART2_LABEL }));
// The antitraining outcomes paired per seed against antitraining with gaussian.
tslab.display.html(nb.htmlTable(nb.randomizationStatisticRows(run.summary, ["antitraining"]), { caption: PART2_LABEL }));
console.log(
  `95% core after training (resample yardstick): ` +
    `${tables.branches.map((s) => `${s.v} ${s.res.mean.toFixed(1)}`).join(", ")}${NOTE}`,
);
const chartSuffix = QUICK ? " (quick setting: too short to compare)" : "";
const branchCharts = nb.randomizationBranchCharts(tables.branches, SETTINGS.hidden, chartSuffix);
for (const c of branchCharts) tslab.display.html(c);

// %%
console.log(nb.writeResults("07-randomization", {
  quick: QUICK, settings: SETTINGS, seeds: SEEDS, results: run.results, agreement: tables.agreement,
  cores: tables.cores,
  branches: tables.branches, seconds: run.provenance.elapsedSeconds, verdict: run.verdict,
  studySummary: run.summary, provenance: run.provenance,
}));

// %% [markdown]
// ## Result (full run: `FULL=1 SEED_WORKERS=2 node scripts/render-notebook.js notebooks/07-randomization.ipynb`)
//
// (written after the full run)
//
// ## Reading
//
// (written after the full run)
