// %% [markdown]
// # 13 · Information-adaptive learning rates
//
// **Question.** The notes' future idea 2: instead of (or on top of) Adam's per-parameter scaling from past
// gradients, scale each *unit's* learning rate by its measured information content — "though I am not sure which
// is more appropriate, up or down". Does either direction beat a **tuned** optimizer — Adam, AdamW or LAMB — at the
// same update budget?
//
// **Method.** `at.InfoAdaptiveOptimizer` wraps Adam. Every `refresh` steps it measures every hidden unit's
// information content (`at.importance`: the cross-entropy damage of resampling that unit alone, on the first 512
// training examples) and turns the scores into per-unit scales with mean 1 (`at.informationScales`: relative
// information r = score / mean score, scale ∝ ((r + 0.1) / 1.1)^(±1)). A unit's scale multiplies the learning rate of
// the column of weights into it, its bias and the row of weights out of it (a weight between two hidden units gets
// the product). *Up* speeds up high-information units and slows the others; *down* does the opposite. Scaling the
// **gradient** before Adam sees it is largely normalized away (Adam divides by the running RMS of the same scaled
// gradient, so a constant scale cancels; the library's test checks this to 1e-5) and acts only through its jumps at
// refreshes; scaling Adam's **update** changes the effective per-unit learning rate. Four variants: update · up (the
// notes' idea taken literally, and the study's reference arm), update · down, gradient · up, gradient · down.
//
// **Peers.** Plain **Adam**; **AdamW** (Loshchilov & Hutter 2019: decoupled weight decay, PyTorch's form
// w ← w(1 − lr·wd) before the Adam step, `at.adamw`; every variable decayed, biases included); and **LAMB** (You et
// al. 2020, the layer-wise adaptive optimizer: the bias-corrected Adam direction plus weight decay, r = m̂/(√v̂ + ε) +
// λw, scaled per variable by the trust ratio ‖w‖/‖r‖, `at.lamb`; each weight matrix and bias is a "layer"). Both are
// checked against plain-loop references on random inputs to 1e-5 (test/lamb.test.ts).
//
// **Protocol.** The digits' training split is cut once into training rows (80%, 1078) and validation rows (20%,
// 269); the test split (450) is read only by the study seeds' final measurement. Every arm gets **four
// configurations**: Adam and the four information-adaptive variants the learning rates 3e-4, 1e-3, 3e-3, 1e-2; AdamW
// learning rate {1e-3, 3e-3} × weight decay {0.1, 1}; LAMB learning rate {5e-4, 1e-3} × weight decay {0.01, 0.1}
// (its step is lr·‖w‖ per layer, so its rates sit lower: in a one-seed pilot on tuning seed 100's validation rows,
// 1e-3 was best, 1e-2 far worse and 3e-2 diverged). Each arm's configuration is the one with the lowest mean
// validation loss over **tuning seeds 100 and 101** (their own initializations and batch orders); the **10 study
// seeds** 0–9 then train every arm at its choice from the same initialization and batch order per seed. Every run is
// the same 64 → 64 → 64 → 10 MLP, batch 64, **1000 optimizer updates** (refresh every 50 for the adaptive ones; their
// measurements are forward passes, not updates, and show in the seconds column). The headline is test cross-entropy,
// paired per seed against update · up (95% t interval, median, Wilcoxon signed-rank p), with test accuracy beside it;
// the verdict answers against the strongest tuned peer. Compute: the model and data are notebook 13's own; the full
// run (2 × 28 tuning runs and 10 × 7 study runs) fits in about 10 minutes on 2 seed workers, so nothing was shrunk.

// %%
// Settings. Quick by default (the test suite runs this): a smoke test of the whole protocol,
// 300 updates, two configurations per arm, one tuning seed and one study seed. FULL=1 for the
// study (10 seeds, tuning seeds 100 and 101, 1000 updates, four configurations per arm).
// The study lives in lib/studies/adaptive-lr (st.adaptiveLrStudy).
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS: number[] = QUICK ? [100] : [100, 101];
const study = st.adaptiveLrStudy;
const SETTINGS: st.AdaptiveLrSettings = { ...study.settings(QUICK ? "quick" : "full") };

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tslab from "tslab";
await at.ready();
console.log(nb.provenance({ notebook: "13-adaptive-learning-rate", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const knobs = Object.entries(SETTINGS).map(([knob, value]) => ({ knob, value: JSON.stringify(value) }));
tslab.display.html(nb.htmlTable(knobs, { caption: "Settings of the study" }));
const NOTE = nb.quickNote(QUICK, "13-adaptive-learning-rate");
/** Shows rows as an HTML table; in the quick setting captioned as a smoke test. */
const show = (rows: Record<string, unknown>[], caption: string) => tslab.display.html(nb.htmlTable(rows, {
  caption: QUICK
    ? `${caption} — quick setting (${SEEDS.length} seed, ${SETTINGS.steps} updates): ` +
      "a smoke test, not the study's numbers"
    : caption,
}));

// %% [markdown]
// ## The run
//
// `st.runStudy`: every configuration of every arm on the tuning seeds (validation rows only), the choice (lowest mean
// validation loss, the same rule for every arm), then every arm at its choice on each study seed. The verdict pairs
// each arm's final test loss with update · up's and answers against the three tuned peers, naming the strongest.

// %%
const run = await st.runStudy(study, SETTINGS, { seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK });
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));
console.log(run.provenance.line);

// %% [markdown]
// ## Tuning (validation rows only)
//
// Mean validation cross-entropy and accuracy after the budget over the tuning seeds, per arm and configuration; ✓
// marks the choice every study seed uses.

// %%
show(nb.adaptiveLrTuningRows(run.tuning, run.chosen), "Tuning: mean over the tuning seeds, validation split");

// %% [markdown]
// ## Results at the same budget (test split)
//
// Each arm at its chosen configuration: mean over seeds ± the half-width of the 95% confidence interval (Student t),
// and the median. Seconds include the measurements and validation checkpoints (a shared machine: noisy). Scales: the
// smallest and largest per-unit scale at the end of training, over all seeds. The second table pairs every arm with
// update · up on the same seed (arm − update · up: negative test loss or positive accuracy favours the arm); the
// third pairs every information-adaptive variant with the strongest tuned peer.

// %%
show(nb.adaptiveLrTableRows(run.summary), "Each arm at its chosen configuration");
show(nb.adaptiveLrPairedRows(run.summary), "Paired per seed against update · up");
show(nb.adaptiveLrVersusRows(run.summary),
  "Every information-adaptive variant against the strongest tuned peer");
console.log(run.summary.headline + NOTE);

// %%
const rows = st.adaptiveLrRows(run.results);
const curves = st.adaptiveLrCurves(run.results);
tslab.display.html(nb.adaptiveLrCurvesChart(curves));

// %%
console.log(nb.writeResults("13-adaptive-learning-rate", {
  quick: QUICK, seeds: SEEDS, tuneSeeds: TUNE_SEEDS, settings: SETTINGS, steps: SETTINGS.steps,
  chosen: run.chosen, tuning: run.tuning, rows: rows, curves: curves,
  verdict: run.verdict, studySummary: run.summary, provenance: run.provenance,
}));

// %% [markdown]
// ## Reading
//
// (Filled in from the full run.)
