// %% [markdown]
// # 08 · Generalizing vs memorizing units (the notes' idea 1)
//
// **Question.** The notes suggest measuring a unit's information content on *held-out* data as well as on training
// data: a unit whose randomization hurts the training loss but not the held-out loss has probably memorized
// examples; one that hurts held-out loss generalizes. (1) On small digits with 20% wrong labels, does antitraining
// with the core measured on held-out data reach a higher test accuracy than plain training and than antitraining
// with the core measured on the training data, and than example-tied dropout (Maini et al. 2023, "Can Neural
// Network Memorization Be Localized?", the published method for localizing memorization)? (2) Are the units this
// classification calls "memorizing" the ones that hold the memorized wrong labels, compared with gradient-based
// per-unit scores and random units?
//
// **Setting.** Small-data digits: 300 training examples of which 20% carry a wrong label (drawn uniformly from the
// other classes: fitting them *is* memorization), 150 clean held-out examples (the held-out-core arm measures its
// core on them; the control arm trains on them), 200 clean validation examples that choose every arm's knob, and
// the 450-example test set, used only for the final tables. A 64→128→10 ReLU MLP, Adam, batch 64, 800 optimizer
// updates per arm (antitrain updates counted: 200 plain updates, then 300 training updates each followed by one
// antitrain update).
//
// **Arms** (three configurations each, chosen by mean validation accuracy on tuning seeds 100 and 101, never on
// the test split): *plain* (learning rate 3e-4, 1e-3, 3e-3); *antitrain, training core* and *antitrain, held-out
// core* (the antitrained core's share of the accuracy damage 0.5, 0.9, 0.95; the core re-measured every 50
// training steps, on the noisy training rows or on the clean held-out rows); *example-tied dropout* (a share
// p_gen = 0.2, 0.4, 0.6 of h1's units are generalization units, always active; each training example is tied to
// p_mem = 10% of the other, memorization units, and only its own are active when it is trained on; at test every
// memorization unit is dropped); and *plain on train + held-out* (learning rate as plain's; a control that trains on
// the 150 labels the held-out core only measures on, so the verdict leaves it out). Each study seed (0–9) draws its
// own wrong labels, initialization and batch order, shared by every arm.
//
// **The classification** (`at.heldOutImportance`) is measured on plain training at learning rate 1e-3 for 800
// updates, a model that reproduces the wrong labels (plain's chosen learning rate may differ): each unit's
// resample-randomization cross-entropy damage on the training data and on the held-out data, turned into its
// *share* of the site's summed single-unit damage on that data set. A unit is *generalizing* when its held-out share is at least twice its
// training share, *memorizing* when its training share is at least twice its held-out share, *inert* when both
// shares are below 0.1/128, and *mixed* otherwise. **Rankings compared** (most memorizing first): randomization
// (log of training share over held-out share), gradient train vs held-out and gradient noisy vs clean (each unit's
// mean per-example squared gradient norm of the loss over its incoming weights, bias and outgoing weights, as shares;
// the noisy-vs-clean ranking knows which labels are wrong, which no other ranking does), and random units. The
// causal check sets each ranking's top 8, 16 and 32 units to their training means and measures how many of the
// memorized wrong labels are forgotten, and at what cost on the clean training labels and on test data.

// %%
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
// Each arm's configuration is chosen on these seeds' validation split.
const TUNE_SEEDS = QUICK ? [100] : [100, 101];
// The knobs, as the study defines them for this setting (quick: 500 updates, warm-up 100, cycle 25,
// 1 draw, top 16 units ablated; full: 800, 200, 50, 3 draws, top 8, 16, 32): train_examples,
// held_out, validation, noise, hidden, steps (updates per arm), warmup, cycle, samples,
// learningRate (antitraining's and example-tied dropout's), batchSize, ablate, grid (every arm's
// configurations). Override any of them here.
const SETTINGS: st.MemorizationSettings = {
  ...st.memorizationStudy.settings(QUICK ? "quick" : "full"),
};
console.log(SETTINGS);

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tslab from "tslab";
await at.ready();
console.log(nb.provenance({ notebook: "08-generalizing-vs-memorizing", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "08-generalizing-vs-memorizing");
/** Quick runs label their tables: one seed and short training, so no interval and not the study's numbers. */
const CAPTION = QUICK
  ? `quick setting (${SEEDS.length} seed, ${SETTINGS.steps} updates): a smoke test, not the study's numbers`
  : undefined;
/** Shows rows as an HTML table. */
const show = (rows: Record<string, unknown>[]) =>
  tslab.display.html(nb.htmlTable(rows, { caption: CAPTION }));

// %%
const run = await st.runStudy(st.memorizationStudy, SETTINGS, {
  seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK,
});
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));
const details = run.summary.details as st.MemorizationDetails;

// %% [markdown]
// ## Choosing each arm's configuration (validation split, tuning seeds)

// %%
show(st.memorizationTuningRows(SETTINGS, run.tuning, run.chosen));

// %% [markdown]
// ## Part 2: test accuracy of each arm at its chosen configuration

// %%
show(details.outcomes);
tslab.display.html(nb.memorizationOutcomeChart(run.results));
console.log(`Paired differences to ${run.summary.reference} (per seed: other arm − reference)${NOTE}`);
console.log("test accuracy (higher is better):");
show(st.memorizationPairedRows(run.summary));
console.log("wrong training labels reproduced (lower: less memorization):");
show(st.memorizationPairedRows(details.noisyFit));
console.log("test loss (lower is better):");
show(st.memorizationPairedRows(details.testLoss));

// %% [markdown]
// ## Part 1: which units hold the memorized wrong labels?

// %%
show(nb.memorizationRoleRows(run.results));
const rhoHeld = st.ciText(run.results.map((s) => s.rhoTrainHeld));
const rhoGradient = st.ciText(run.results.map((s) => s.rhoRandomizationGradient));
console.log(
  `Spearman agreement of training and held-out importance: ${rhoHeld}; ` +
    `of the randomization and the noisy-vs-clean gradient leans: ${rhoGradient}${NOTE}`,
);
show(nb.memorizationAblationRows(run.results));
tslab.display.html(nb.memorizationRankingChart(run.results));
for (const r of details.rankings) {
  console.log(`top ${r.k} units: share of the memorized wrong labels forgotten, paired against ` +
    "the randomization ranking (higher: the ranking found more):");
  show(st.memorizationPairedRows(r.forgotten));
  console.log(`top ${r.k} units: test accuracy lost, paired against the randomization ranking ` +
    "(lower is better):");
  show(st.memorizationPairedRows(r.testCost));
}
const etd = details.exampleTied;
console.log(
  `example-tied dropout: wrong labels fit with each example's own memorization units ${etd.noisyOwnUnits}, ` +
    `with every memorization unit dropped ${etd.noisyDropped} (forgotten ${etd.forgotten}); ` +
    `clean labels ${etd.cleanOwnUnits} → ${etd.cleanDropped}${NOTE}`,
);

// %%
tslab.display.html(nb.memorizationUnitsChart(run.results[0]));
console.log(nb.writeResults("08-generalizing-vs-memorizing", {
  quick: QUICK, settings: SETTINGS, seeds: SEEDS, tuneSeeds: TUNE_SEEDS,
  tuning: run.tuning, chosen: run.chosen,
  results: run.results, seconds: run.provenance.elapsedSeconds,
  verdict: run.verdict, studySummary: run.summary, provenance: run.provenance,
}));

// %% [markdown]
// ## Result (full run: `FULL=1 SEED_WORKERS=2 node scripts/render-notebook.js notebooks/08-generalizing-vs-memorizing.ipynb`)
//
// To be written from the full run's numbers.
