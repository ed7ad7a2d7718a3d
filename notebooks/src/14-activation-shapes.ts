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
// | **tunable · layer** (the study's shape, the reference) | t·relu(z) + (1 − t)·sigmoid(z) | t, 1 per layer | 1 (ReLU), 0.5, 0 (sigmoid) |
// | tunable · unit | the same | t, 1 per unit (64 or 128) | 1, 0.5, 0 |
// | PReLU · layer (He et al. 2015, their channel-shared form) | max(z, 0) + a·min(z, 0) | a, 1 per layer | 0.25 (He et al.'s), 0 (ReLU), 0.5 |
// | Swish-β · layer (Ramachandran et al. 2017) | z·sigmoid(β·z) | β, 1 per layer | 1 (theirs: SiLU), 0.5, 2 |
// | ReLU gain · layer (control) | g·relu(z) | g, 1 per layer | 1 (ReLU), 0.5, 2 |
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
// **Tuning, the same for every model.** Each model gets nine configurations: a learnable one its Adam rate (digits
// {6e-4, 2e-3, 6e-3}, modular {2e-3, 6e-3, 2e-2}) × its three starts above, 3 × 3; a fixed one (no second knob)
// nine Adam rates about a quarter decade apart, the learnable rates, the points between them and one beyond each
// end (digits {2e-4, 3.5e-4, 6e-4, 1.1e-3, 2e-3, 3.5e-3, 6e-3, 1.1e-2, 2e-2}, modular {6e-4, 1.1e-3, 2e-3, 3.5e-3,
// 6e-3, 1.1e-2, 2e-2, 3.5e-2, 6e-2}). Both grids reach beyond the earlier four configurations per model on both
// sides (rates digits {1e-3, 3e-3} and modular {3e-3, 1e-2} × two starts; fixed digits {5e-4 … 6e-3}, modular
// {1.5e-3 … 2e-2}). On **tuning seeds 100 and 101**
// every configuration trains on the training rows minus a class-stratified 20% validation split and is scored there;
// each model keeps its configuration with the best mean validation accuracy (ties: lower validation loss). The study
// seeds then train each model at its chosen configuration on all the training rows and are scored once on the test
// split. Headline: test accuracy on modular addition, paired per seed against the per-layer shape (t interval,
// median, Wilcoxon p); the verdict weighs the shape against ReLU and the strongest learnable peer on both tasks.

// %%
// Settings. Quick by default (the test suite runs this: one seed, one tuning seed, one configuration per model,
// digits 200 and modular addition 1500 steps); FULL=1 for the numbers quoted in the text (10 seeds, tuning seeds 100 and 101). The
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
// Full run (`FULL=1`, 10 seeds, tuning seeds 100 and 101; digits 1000 steps, modular addition 3000 steps; each model
// at its validation-chosen configuration; mean [95% t interval]; Δ is the model minus the per-layer shape on the
// same seed, initialization and batches, with the median and the Wilcoxon p):
//
// | task · model (chosen) | test accuracy | test loss | Δ test accuracy vs shape | Δ test loss vs shape | learned |
// | --- | --- | --- | --- | --- | --- |
// | mod 23 · **shape t per layer** (lr 1e-2, t₀ 0.5) | 0.916 [0.788, 1.044], median 1.000 | 0.955 [0.065, 1.844] | — | — | t 9.76 |
// | mod 23 · ReLU (lr 2e-2) | 0.876 [0.856, 0.897] | 1.715 [1.687, 1.743] | −0.040 [−0.164, +0.085], median −0.104, p 0.41 | +0.760 [−0.116, +1.636], p 0.11 | — |
// | mod 23 · PReLU per layer (lr 3e-3, a₀ 0.25) | **1.000 [1.000, 1.000]** | 0.446 [0.423, 0.469] | +0.084 [−0.044, +0.212], median 0.000, p 0.25 | −0.509 [−1.408, +0.391], p 0.63 | a −4.96 |
// | mod 23 · Swish-β per layer (lr 1e-2, β₀ 0.5) | 0.773 [0.746, 0.799] | 1.857 [1.831, 1.883] | −0.143 [−0.275, −0.012], median −0.217, p 0.082 | +0.903 [+0.008, +1.797], p 0.11 | β 10.79 |
// | mod 23 · ReLU gain per layer (control; lr 1e-2, g₀ 1) | 0.987 [0.979, 0.995] | 0.710 [0.676, 0.745] | +0.071 [−0.058, +0.199], median −0.005, p 0.89 | −0.244 [−1.140, +0.651], p 0.43 | g 10.79 |
// | mod 23 · shape t per unit (lr 1e-2, t₀ 1) | 0.902 [0.874, 0.930] | 0.573 [0.509, 0.638] | −0.014 [−0.156, +0.128], p 0.41 | −0.381 [−1.306, +0.543], p 0.43 | t 4.94 (units 1.09…12.71) |
// | digits · shape t per layer (lr 3e-3, t₀ 0.5) | 0.977 [0.975, 0.980] | 0.094 [0.074, 0.114] | — | — | t 1.13 |
// | digits · ReLU (lr 3e-3) | 0.978 [0.976, 0.981] | 0.087 [0.070, 0.105] | +0.001 [−0.002, +0.004], p 0.55 | −0.007 [−0.011, −0.003], p 0.0098 | — |
// | digits · PReLU per layer (lr 3e-3, a₀ 0) | 0.979 [0.976, 0.982] | 0.088 [0.071, 0.105] | +0.002 [−0.001, +0.004], p 0.17 | −0.006 [−0.012, +0.001], p 0.064 | a 0.14 |
// | digits · Swish-β per layer (lr 3e-3, β₀ 1) | 0.979 [0.976, 0.982] | 0.089 [0.070, 0.107] | +0.002 [−0.001, +0.004], p 0.16 | −0.005 [−0.010, +0.000], p 0.049 | β 1.38 |
//
// (The digits' sigmoid, per-unit shape and gain: 0.977–0.979 test accuracy, every paired interval on accuracy
// includes 0; the tables above have them.)
//
// **Against ReLU, tuned.** With its own four learning rates tuned on validation, fixed ReLU is no longer the
// 0.78 of the untuned study: it reaches 0.876 on modular addition (at Adam 2e-2), and the per-layer shape's paired
// gain over it, −0.040 [−0.164, +0.085] (ReLU − shape; median −0.104, ReLU better on 2 of 10 seeds), includes 0. The
// shape is at 1.000 on 7 seeds but 0.500 and 0.670 on two (both at its chosen Adam 1e-2, with the training pairs
// fitted), so its mean is 0.916 with a wide interval. On the digits every model is within a fraction of a point; the
// shape's test loss is slightly higher than ReLU's (+0.007, interval excluding 0, Wilcoxon p 0.0098).
//
// **Against the learnable peers.** The strongest learnable peer on modular addition is PReLU: 1.000 on every seed,
// test loss 0.446, learning a ≈ −5, i.e. a slope of −5 for negative inputs (a V-shaped activation with a gain of 5 on
// one side). Its paired difference from the shape, +0.084 [−0.044, +0.212] (median 0.000, better on 3 seeds, tied on
// 7), includes 0, so the seeds do not separate them, with PReLU the more reliable. Swish-β is the weakest learnable
// model there (0.773; its β grows to 10.8, close to a ReLU): its t interval against the shape excludes 0
// (−0.143 [−0.275, −0.012]) but the Wilcoxon p is 0.082, so that comparison holds under one statistic and not the
// other. On the digits Swish-β ties the shape on accuracy (+0.002 [−0.001, +0.004]).
//
// **The verdict** (generated): inconclusive. The learnable sigmoid-to-ReLU shape is not shown to beat a tuned ReLU
// or PReLU on either task.
//
// **What helps on modular addition: a learnable scale outside the weight decay.** Every learnable activation that
// can grow a gain learns one: the shape t ends near 9.8 (a ReLU of slope 9.8 with a dip), the plain gain g near
// 10.8, PReLU's negative slope near −5, and those three generalize (0.92, 0.99, 1.00), while Swish-β, whose slope
// for large z stays 1 whatever β, stays at 0.77, below tuned ReLU. The gain control alone scores 0.987 and ties the
// shape (+0.071 [−0.058, +0.199]). The L2 penalty of 1e-3 acts on the weight matrices only, so a learnable scale
// lets the network keep small weights and large activations; that, not the shape between sigmoid and ReLU, is what
// the seeds show. The per-layer t was still rising at the end of the budget (0.5 → 9.8 in 3000 steps).
//
// Limits: one width per task, one budget, Adam only; the sigmoid end of the shape was never chosen (every learned t
// went above 1 on modular addition); the validation split of the modular pairs trains the tuning seeds on 64% of the
// pairs instead of 80%, which may favour the larger learning rates; the shape's two failed seeds suggest Adam 1e-2 is
// at the edge of stability for it.
