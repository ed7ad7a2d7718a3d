// %% [markdown]
// # 14 · Activation shapes: which nonlinearity does a network choose?
//
// **Question.** The notes' meta-learning idea asks whether a network could pick its own nonlinearity. We give every
// hidden layer (or every hidden unit) a learnable shape parameter t and ask: which shapes are learned on the digits
// and on modular arithmetic, and does the learnable shape beat a fixed ReLU, and the published learnable activations,
// at the same training budget?
//
// **The activation** (`at.tunableActivation`, model `at.tunableMlp`): f_t(z) = t·relu(z) + (1 − t)·sigmoid(z).
// It is exactly the logistic **sigmoid at t = 0** and exactly **ReLU at t = 1** (the library's tests check both bit
// for bit); between them it blends the two, and **beyond ReLU (t > 1)** it becomes t·relu(z) − (t − 1)·sigmoid(z):
// a ReLU with slope t and a negative dip of depth (t − 1)/2 at z = 0, the non-monotone shape of Swish and GELU.
//
// **The peers and the control** (the same `at.tunableMlp`, `activation` option; one parameter per hidden layer, as
// many as the per-layer shape t):
//
// | model | activation | learnable parameter | starts tried |
// | --- | --- | --- | --- |
// | ReLU | max(z, 0) | — | — |
// | sigmoid (digits only) | 1 / (1 + e^−z) | — | — |
// | **tunable · layer** (the study's shape, the reference) | t·relu(z) + (1 − t)·sigmoid(z) | t, 1 per layer | 1 (ReLU), 0.5 |
// | tunable · unit | the same | t, 1 per unit (64 or 128) | 1, 0.5 |
// | PReLU · layer (He et al. 2015, their channel-shared form) | max(z, 0) + a·min(z, 0) | a, 1 per layer | 0.25 (He et al.'s), 0 (ReLU) |
// | Swish-β · layer (Ramachandran et al. 2017) | z·sigmoid(β·z) | β, 1 per layer | 1 (theirs: SiLU), 0.5 |
// | ReLU gain · layer (control) | g·relu(z) | g, 1 per layer | 1 (ReLU), 0.5 |
//
// The control isolates one part of the shape: beyond t = 1 the shape is also a *gain* (slope t), a scale the L2
// penalty on the weight matrices does not reach (no activation parameter is penalized). A ReLU with only a learnable
// gain asks how much of any win that scale explains.
//
// **Method.** Two tasks: the UCI digits (64 → 64 → 10, 1000 Adam steps, no weight decay) and modular addition
// a + b mod 23 with a and b one-hot and concatenated (46 → 128 → 23; a seeded 80/20 split of the 529 pairs, from
// `at.modularAddition`; 3000 steps, an L2 penalty of 1e-3 on the weight matrices: without tuning the ReLU MLP
// memorizes the training pairs first and generalizes later, so the budget asks which model gets to the
// generalizing solution sooner). Batch 64; every model of a task sees the same initialization of its dense layers
// and the same batches, for the same number of Adam updates.
//
// **Tuning, the same for every model.** Each model gets four configurations: a learnable one its Adam rate (digits
// {1e-3, 3e-3}, modular {3e-3, 1e-2}) × its two starts above; a fixed one four Adam rates spanning that range and
// beyond (digits {5e-4, 1e-3, 3e-3, 6e-3}, modular {1.5e-3, 3e-3, 1e-2, 2e-2}). On **tuning seeds 100 and 101**
// every configuration trains on the training rows minus a class-stratified 20% validation split and is scored there;
// each model keeps its configuration with the best mean validation accuracy (ties: lower validation loss). The study
// seeds then train each model at its chosen configuration on all the training rows and are scored once on the test
// split. Headline: test accuracy on modular addition, paired per seed against the per-layer shape (t interval,
// median, Wilcoxon p); the verdict weighs the shape against ReLU and the strongest learnable peer on both tasks.

// %%
// Settings. Quick by default (the test suite runs this: one seed, one tuning seed, digits 200 and modular
// addition 1500 steps); FULL=1 for the numbers quoted in the text (10 seeds, tuning seeds 100 and 101). The
// study lives in lib/studies/activation-shapes (st.activationShapesStudy); its knobs are printed below:
// override any of them here.
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
// Every model's rate and start are chosen on these seeds' validation split.
const TUNE_SEEDS = QUICK ? [100] : [100, 101];
const study = st.activationShapesStudy;
const SETTINGS: st.ActivationShapesSettings = { ...study.settings(QUICK ? "quick" : "full") };
console.log(JSON.stringify(SETTINGS, null, 1));

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";
await at.ready();
console.log(nb.provenance({ notebook: "14-activation-shapes", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "14-activation-shapes");

// %% [markdown]
// ## The runs
//
// Tuning seeds first (`st.tuneActivationShapes`: every configuration of every model on the validation split), then
// the choice (`st.chooseActivationShapes`), then each study seed (`st.activationShapesSeed`): on each task every model
// at its chosen configuration, from the same initialization and batches for the task's budget; the per-layer t is
// recorded along the way.

// %%
const run = await st.runStudy(study, SETTINGS, { seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK });
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));

// %% [markdown]
// ## Tuning (validation split of the tuning seeds; the test split is not touched)
//
// Per task and model, each configuration's validation accuracy / validation loss, the mean over the tuning seeds;
// ◀ marks the one the study seeds use.

// %%
const tuningCaption = QUICK ? "quick setting: one tuning seed" : undefined;
const tuningRows = nb.shapeTuningRows(SETTINGS, run.tuning, run.chosen);
tslab.display.html(nb.htmlTable(tuningRows, { caption: tuningCaption }));

// %% [markdown]
// ## Results at the same budget
//
// Mean over seeds ± the half-width of the 95% confidence interval (Student t), at each model's chosen configuration.
// Learned: the activation's parameter at the end (t for the shape, a for PReLU, β for Swish, g for the gain; the mean
// over units for the per-unit model; fixed ReLU is t = 1 and sigmoid t = 0), with the smallest and largest value over
// all seeds (and units) in brackets. The second table pairs each model with the per-layer shape (model − shape on the
// same seed, initialization and batches): the mean difference with its 95% t interval, the median, the seeds where
// the model is better, and the Wilcoxon signed-rank p; test accuracy (higher is better) and test loss (lower is better).

// %%
const caption = QUICK
  ? `quick setting (${SEEDS.length} seed; digits ${SETTINGS.tasks.digits.steps} steps, ` +
      `modular ${SETTINGS.tasks.modular.steps} steps): a smoke test, not the study's numbers`
  : undefined;
const { rows, tracks, unitShapes } = st.shapeTables(run.results);
const summary = st.shapeTable(SETTINGS, run.results);
const pairedTables = st.shapePaired(SETTINGS, run.results);
tslab.display.html(nb.htmlTable(nb.shapeTableRows(SETTINGS, summary, rows, run.chosen), { caption }));
const paired = nb.shapePairedRows(pairedTables);
tslab.display.html(nb.htmlTable(paired, { caption: caption }));
console.log(
  `modular addition, test accuracy minus the per-layer shape's: ` +
    pairedTables.modular.accuracy.paired.map((p) => `${p.arm} ${st.signedInterval(p)}`).join("; ") + NOTE,
);

// %% [markdown]
// The per-layer t along training, the per-unit t at the end, and what the learned per-layer activations look like:
// each family on z ∈ [−4, 4] at its mean learned parameter on each task, with ReLU and sigmoid.

// %%
for (const html of nb.shapeCharts(tracks, unitShapes, summary)) tslab.display.html(html);

// %%
console.log(nb.writeResults("14-activation-shapes", {
  quick: QUICK, seeds: SEEDS, tuneSeeds: TUNE_SEEDS, p: SETTINGS.tasks.modular.data.p,
  trainFraction: SETTINGS.tasks.modular.data.trainFraction, tasks: SETTINGS.tasks,
  initialShapes: SETTINGS.initialShapes, validation: SETTINGS.validation, chosen: run.chosen,
  tuning: run.tuning, summary: summary, paired: pairedTables,
  rows: rows,
  tracks: tracks, unitShapes: unitShapes, verdict: run.verdict, studySummary: run.summary,
  provenance: run.provenance,
}));

// %% [markdown]
// ## Reading
//
// (Written after the full run.)
