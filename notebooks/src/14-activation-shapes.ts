// %% [markdown]
// # 14 · Activation shapes: which nonlinearity does a network choose?
//
// **Question.** The notes' meta-learning idea asks whether a network could pick its own nonlinearity. We give every
// hidden layer (or every hidden unit) a learnable shape parameter t and ask: which shapes are learned on the digits
// and on modular arithmetic, and does the tunable activation beat a fixed ReLU at the same training budget?
//
// **The activation** (`at.tunableActivation`, model `at.tunableMlp`): f_t(z) = t·relu(z) + (1 − t)·sigmoid(z).
// It is exactly the logistic **sigmoid at t = 0** and exactly **ReLU at t = 1** (the library's tests check both bit
// for bit); between them it blends the two, and **beyond ReLU (t > 1)** it becomes t·relu(z) − (t − 1)·sigmoid(z):
// a ReLU with slope t and a negative dip of depth (t − 1)/2 at z = 0, the non-monotone shape of Swish and GELU. The
// models start at t = 1, i.e. exactly as the ReLU MLP with the same seed, so any difference comes from learning t.
//
// **Method.** Two tasks: the UCI digits (64 → 64 → 10) and modular addition a + b mod 23 with a and b one-hot and
// concatenated (46 → 128 → 23; a seeded 80/20 split of the 529 pairs, from `at.modularAddition`). Four models per
// task and seed, all trained with the same Adam learning rate, batch 64 and number of steps: fixed ReLU, tunable
// per layer, tunable per unit, and on digits a fixed sigmoid for reference. Modular addition gets weight decay (an L2
// penalty of 1e-3 on the weight matrices) and 3000 steps: in a one-seed pilot the ReLU MLP memorized the training
// pairs and scored 0 on the test pairs after 1500 steps, and generalized (0.88) after 4000; 3000 sits between, so
// the budget tests which model gets to the generalizing solution sooner. We record test accuracy and loss, and the learned t.

// %%
// Settings. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text. Quick
// runs digits for 200 steps and modular addition for 1500 (at 200 no model had left 0 test accuracy, so the
// comparison read as a tie). Fixed sigmoid is a reference on digits only: on modular addition it does not
// even fit the training set. The study lives in lib/studies/activation-shapes (st.activationShapesStudy); its
// knobs are printed below: override any of them here, e.g. set tasks.modular.steps.
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4];
const TUNE_SEEDS: number[] = [];           // nothing is tuned
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
// For each seed (`st.activationShapesSeed`), on each task, every model trains from the same initialization and
// batches for the task's budget; the per-layer t is recorded along the way. Modular addition's a and b enter the MLP
// one-hot and concatenated (the `modular-one-hot` data description). The verdict's headline is the test accuracy on
// modular addition, paired per seed against the per-layer tunable model.

// %%
const run = await st.runStudy(study, SETTINGS, { seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK });
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));

// %% [markdown]
// ## Results at the same budget
//
// Mean over seeds ± the half-width of the 95% confidence interval (Student t). t: the learned shape parameter
// (mean over units for the per-unit model; 1 = ReLU, 0 = sigmoid, > 1 = ReLU with a negative dip), with the smallest
// and largest value over all seeds (and units) in brackets. The second table pairs each model with fixed ReLU (same
// seed, initialization and batches).

// %%
const caption = QUICK
  ? `quick setting (${SEEDS.length} seed; digits ${SETTINGS.tasks.digits.steps} steps, ` +
      `modular ${SETTINGS.tasks.modular.steps} steps): a smoke test, not the study's numbers`
  : undefined;
const { rows, tracks, unitShapes } = st.shapeTables(run.results);
const summary = st.shapeTable(SETTINGS, run.results);
tslab.display.html(nb.htmlTable(nb.shapeTableRows(SETTINGS, summary, rows), { caption: caption }));
const paired = nb.shapePairedRows(SETTINGS, summary);
tslab.display.html(nb.htmlTable(paired, { caption: caption }));
console.log(
  `modular addition, test accuracy minus ReLU's: ` +
    `${paired.filter((p) => p.task === "modular").map((p) => `${p.model} ${p.dTestAcc}`).join("; ")}${NOTE}`,
);

// %% [markdown]
// The per-layer t along training, the per-unit t at the end, and what the learned activations look like: f_t on
// z ∈ [−4, 4] at the mean learned per-layer t of each task, with ReLU and sigmoid.

// %%
for (const html of nb.shapeCharts(tracks, unitShapes, summary)) tslab.display.html(html);

// %%
console.log(nb.writeResults("14-activation-shapes", {
  quick: QUICK, seeds: SEEDS, p: SETTINGS.tasks.modular.data.p,
  trainFraction: SETTINGS.tasks.modular.data.trainFraction, tasks: SETTINGS.tasks, summary: summary,
  rows: rows,
  tracks: tracks, unitShapes: unitShapes, verdict: run.verdict, studySummary: run.summary,
  provenance: run.provenance,
}));

// %% [markdown]
// ## Reading
//
// Full run (`FULL=1`, 5 seeds; digits 1000 steps, modular addition 3000 steps; mean [95% CI]; Δ is paired against
// fixed ReLU on the same seed, initialization and batches):
//
// | task · model | test accuracy | test loss | Δ test accuracy vs ReLU | learned t |
// | --- | --- | --- | --- | --- |
// | digits · ReLU | 0.975 [0.970, 0.980] | 0.088 [0.075, 0.102] | — | 1 |
// | digits · sigmoid | 0.977 [0.974, 0.980] | 0.153 [0.146, 0.160] | +0.002 [−0.005, 0.009] | 0 |
// | digits · tunable per layer | 0.974 [0.968, 0.981] | 0.090 [0.072, 0.108] | −0.001 [−0.002, 0.001] | 1.42 [1.41, 1.43] |
// | digits · tunable per unit | 0.976 [0.971, 0.980] | 0.087 [0.072, 0.103] | +0.000 [−0.001, 0.002] | 1.20 (units 0.92…1.44) |
// | mod 23 · ReLU | 0.783 [0.732, 0.834] | 1.765 [1.695, 1.835] | — | 1 |
// | mod 23 · tunable per layer | **0.996 [0.990, 1.003]** | 0.537 [0.482, 0.593] | **+0.213 [0.162, 0.265]** | 5.80 [5.78, 5.81] |
// | mod 23 · tunable per unit | 0.906 [0.830, 0.981] | 0.742 [0.565, 0.919] | +0.123 [0.060, 0.186] | 3.31 (units 1.26…5.99) |
//
// **Which shapes are learned.** Both tasks push t *beyond* ReLU, never towards the sigmoid: every per-layer t ended
// above 1 (digits 1.42, modular 5.8), and of the per-unit parameters only 6% of digits' units (none on modular) went
// below 1. A t above 1 is a ReLU with slope t plus a negative dip of depth (t − 1)/2 around z = 0 — on modular
// addition a dip of about 2.4, a strongly non-monotone shape. The learning is not finished: t was still rising in a
// straight line at the end of both tasks (per-layer t of seed 0 on modular: 1.8 at step 200, 3.4 at 1000, 5.8 at
// 3000), a consistent push rather than a settled optimum.
//
// **Does it beat fixed ReLU?** On digits, no: every model, sigmoid included, lands within a fraction of a point
// (paired differences within ±0.01), and the sigmoid's test loss is worse. On modular addition, yes, and by a lot:
// at the same budget the per-layer tunable model generalizes to the held-out pairs (0.996 vs 0.783, in every seed)
// and the per-unit one is in between (0.906).
//
// **What the win is made of: mostly gain, some shape.** The shape parameter is also a *gain*: t·relu(z) can produce
// with small weights what ReLU needs large weights for, and t is not under the L2 penalty on the weight matrices.
// Three-seed pilots outside this notebook (seeds 0–2, same data, initialization, batches and budget) separate the
// parts: the gain control ran in a plain tfjs loop that reproduced this notebook's ReLU and per-layer tunable numbers
// exactly; the frozen t used an `at.InfoAdaptiveOptimizer` whose only wired parameter is t, at scale 0 (at t = 1 it
// reproduced the ReLU numbers exactly).
//
// | modular addition, seeds 0 / 1 / 2 | test accuracy | learned parameter |
// | --- | --- | --- |
// | ReLU | 0.821 / 0.821 / 0.764 | — |
// | ReLU with a learnable gain g·relu(z), no dip | 0.953 / 0.962 / 0.943 | g = 5.74 / 5.74 / 5.73 |
// | tunable t frozen at 5.8 from the start | 0.868 / 0.840 / 0.849 | — |
// | tunable t learned (this notebook) | 1.000 / 1.000 / 1.000 | t = 5.79 / 5.81 / 5.79 |
//
// A learnable gain alone closes most of the gap (it grows to the same ≈ 5.7 as t), and the dip adds the rest; the
// fixed final shape from the start does much worse than learning it, so what helps is the gain growing during
// training (plausibly because it is a scale the weight decay does not reach) more than the shape itself.
// The honest headline is therefore "a learnable activation gain speeds up generalization on modular addition", with
// the sigmoid-to-ReLU-and-beyond family adding a smaller, consistent extra.
