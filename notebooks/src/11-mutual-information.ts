// %% [markdown]
// # 11 · Mutual information between units: pairwise redundancy against the exact Shapley interaction index
//
// **Question (the notes' ideas 5 and 4).** *"Does randomizing 2 neurons together lead to the same loss increase as
// randomizing each alone? If so, then they carry mutual information somehow."* The notes expect dropout and L2 to
// *encourage* redundant copies (motivation 4), and antitraining — which forces information through a small core —
// to leave fewer of them. The study asks: **does antitraining leave less pairwise redundancy than plain training,
// dropout and L2, at the same update budget, each arm's knob chosen on validation data — and is the difference more
// than antitraining's less confident outputs?** (A control answers the last part: see the method.)
//
// **The measure and its reference.** The library's pairwise measure (`at.redundancy`) scores a pair of units by
// **interaction = joint − single_a − single_b**, each term the damage (loss increase) when those units are
// randomized (resampled from other examples). It looks at one coalition only: the two units against an otherwise
// intact layer. The **exact Shapley interaction index** (Grabisch & Roubens 1999) averages the same second
// difference over every context S of the other units,
//
// I(i,j) = Σ_{S ⊆ N∖{i,j}} |S|!(n−|S|−2)!/(n−1)! · [v(S∪{i,j}) − v(S∪{i}) − v(S∪{j}) + v(S)],
//
// with v(S) the damage when the units of S are randomized together. It needs every one of the 2ⁿ coalitions, so
// the study uses a **small layer: h1 of 10 units** (1024 coalitions, 45 pairs; 12 units, 4096 coalitions, once two
// copies are planted). The pairwise measure is the S = ∅ term of this sum. **Sign:** on this damage game, two exact
// copies of a unit interact *positively* (losing either alone costs nothing, both a lot: redundancy) and an AND-like
// pair *negatively* (losing either already costs everything) — the library's sign. Grabisch & Roubens state the index
// on the dual *worth* game (what the kept units achieve), where redundancy is negative; the index of the dual is
// exactly the negative (`st.dualGame`; the tests pin both signs on toy games and on hand-built models).
//
// **Headline metric** (lower: less redundancy): the mean exact index over the 45 pairs per unit of the mean Shapley
// value of a unit (the whole layer's damage / 10, by efficiency), on test cross-entropy.

// %%
// Settings. Quick by default (one seed, 400 updates per arm, one resampling draw, no tuning: each arm's first
// configuration) — a smoke test of the whole study; FULL=1 for the study (10 seeds, tuning seeds 100 and 101,
// 1200 updates per arm, 4 draws).
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS: number[] = QUICK ? [] : [100, 101];
// The knobs, as the study defines them for this setting: data (digits with 20% of the training rows held
// out to validate); HIDDEN (units of h1: every coalition enumerated); UPDATES (optimizer updates per arm,
// every update counted); WARMUP (antitraining's plain updates before the antitrainer starts; the rest
// alternate one training and one antitrain update); LEARNING_RATE (Adam, every arm but plain); CYCLE
// (steps between core re-measurements); KNOBS (each arm's three configurations: plain's learning rate,
// antitraining's core fraction, dropout's rate on h1, L2's coefficient); SAMPLES (random draws per damage
// measurement); PLANTED (duplicates planted into the plain model's h1); SUBSETS (random sub-groups per
// size in the group question). Override any of them here.
const SETTINGS: st.MutualInformationSettings = {
  ...st.mutualInformationStudy.settings(QUICK ? "quick" : "full"),
};
console.log(SETTINGS);

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tslab from "tslab";
await at.ready();
console.log(nb.provenance({ notebook: "11-mutual-information", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "11-mutual-information");
/** Shows rows as an HTML table; quick runs are captioned as a smoke test (one seed: means, no intervals). */
const show = (rows: Record<string, unknown>[]) => tslab.display.html(nb.htmlTable(rows, {
  caption: QUICK
    ? `quick setting (${SEEDS.length} seed, h1 of ${SETTINGS.HIDDEN} units, ` +
      `${SETTINGS.UPDATES} updates per arm, no tuning): a smoke test, not the study's numbers`
    : undefined,
}));
const { train, validation, test } = st.studyData(SETTINGS.data);
const validRows = validation === undefined ? 0 : at.size(validation);
console.log(`digits: train ${at.size(train)}, validation ${validRows}, ` +
  `test ${at.size(test)}; h1 has ${SETTINGS.HIDDEN} units`);

// %% [markdown]
// ## Method
//
// Digits (8×8, 10 classes; 1078 rows to train, 269 to validate, 450 to test), a 64→10→10 ReLU MLP, Adam, batch 64.
// Four arms, each from the same seeded initialization and batch order and each making exactly **UPDATES optimizer
// updates** (the study refuses to run an arm that would make another number):
//
// | arm | how | knob (three configurations) |
// | --- | --- | --- |
// | plain | plain training | learning rate 1e-3, 3e-3, 1e-2 |
// | antitrained | WARMUP plain updates, then one training and one antitrain update in turn (`at.Antitrainer` on h1, `interleaved(1)`, core re-measured every CYCLE steps); antitrain updates counted | core fraction 0.3, 0.5, 0.7 |
// | dropout | `at.dropoutHooks` on h1 | rate 0.05, 0.1, 0.2 |
// | L2 | `at.train`'s `l2` | 1e-4, 1e-3, 1e-2 |
// | softened plain (control) | the plain model with its logits divided by the temperature T ≥ 1 at which its validation loss equals the antitrained model's on the same seed (`st.matchTemperature`; no update added, every prediction unchanged) | none: T is set by the rule |
//
// **Why the control.** Cross-entropy is convex in the logits, so how confident a model is shapes its pair
// interactions on loss; antitraining trains the outputs towards uniform when the core is randomized and leaves a
// higher loss. The softened plain model has plain training's information and antitraining's confidence: if
// antitraining's lower redundancy were only lower confidence, the two would tie.
//
// **Tuning.** On tuning seeds 100 and 101, every configuration of every arm is trained on the training rows and
// scored on the validation rows; each arm keeps the configuration with the lowest mean **validation loss** (the
// same rule and the same number of configurations for every arm; the test split is never looked at). The study
// seeds 0–9 then train each arm at its chosen knob.
//
// **Measures (test split, unit statistics from the training rows, SAMPLES resampling draws, common random numbers
// within a call).** On each arm's h1: the damage of all 1024 coalitions → every unit's Shapley value and every pair's
// exact interaction index (`st.exactInteractions`); the library's pairwise measure (`at.redundancy`) on loss and
// accuracy; how the two agree over the 45 pairs (Spearman, share of equal sign); the group question (`at.groupDamage`).
// **Planted copies:** the plain model's PLANTED most informative units duplicated (`at.plantDuplicates`: the same
// function, each duplicated unit's information now in two units at half amplitude; 12 units) — does each score rank
// the planted pairs first, and is each copy's most redundant partner its original? The tying hints
// (`at.tyingHints`, shared minus independent draw) are scored on the same question.

// %%
const run = await st.runStudy(st.mutualInformationStudy, SETTINGS, {
  seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK,
});
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));
const tables = run.summary.details as st.MutualInformationTables;

// %% [markdown]
// ## Tuning (validation split, tuning seeds)

// %%
if (run.tuning.length > 0) show(nb.mutualInformationTuningRows(run.tuning, run.chosen));
else console.log(`no tuning seeds in the quick setting: each arm's first configuration ` +
  `${JSON.stringify(run.chosen)}`);

// %% [markdown]
// ## The headline: exact pair interaction per unit of Shapley value, and the costs
//
// Per arm, mean [95% t interval] over seeds; then every arm against antitrained on the same seed (other arm −
// antitrained: a positive Δ on the redundancy columns means the other arm is more redundant; on accuracy, more
// accurate), median beside the mean, Wilcoxon signed-rank p.

// %%
const coreSize = st.interval(tables.coreSize, 1);
console.log(
  `mean [95% CI] over ${run.results.length} seed(s); antitrained core size: ` +
    `${coreSize} of ${SETTINGS.HIDDEN}; softened plain's temperature ` +
    `${st.interval(tables.softenT, 2)}${NOTE}`,
);
show(nb.exactRows(run.results));
show(nb.mutualInformationPairedRows(run.summary));

// %% [markdown]
// ## Exact index against the pairwise measure, pair by pair
//
// Seed 0, every pair of h1 on cross-entropy, units ordered by their single damage (most informative top-left).
// Red: the pair backs each other up (redundant); blue: each is necessary (an AND); white: independent. Top: the exact
// Shapley interaction index; bottom: the pairwise measure (joint − singles) of the same models.

// %%
tslab.display.html(nb.interactionHeatmaps(
  run.results, ["plain", "antitrained", "softened plain", "dropout", "L2"],
  "Exact Shapley interaction index on loss", "exact",
));
tslab.display.html(nb.interactionHeatmaps(
  run.results, ["plain", "antitrained", "softened plain", "dropout", "L2"],
  "Pairwise measure (joint − singles) on loss", "pairwise",
));

// %% [markdown]
// ## Planted copies: a known answer for each score
//
// The plain model with its PLANTED most informative units duplicated. Rank 1 is the most redundant of the 66 pairs
// of the 12-unit layer.

// %%
show(nb.plantedRows(tables, SETTINGS.PLANTED));
console.log(`Spearman of the pairwise measure against the exact index on the planted layer: ` +
  `${st.interval(tables.planted.spearman)}${NOTE}`);

// %% [markdown]
// ## The pairwise measure's other views (as before the exact reference)
//
// The library's measure on loss and on accuracy, and the layer excess = (damage of randomizing the whole layer − Σ
// single damages) / whole-layer damage on accuracy (1: only the whole layer matters, pure backups; 0 additive;
// negative entangled). Then the group question: random sub-groups of h1 of each size (SUBSETS per size), damage on
// accuracy as a share of the whole layer's; the dotted diagonal is the additive reference.

// %%
show(nb.interactionRows(run.results));
const group = nb.groupQuestion(run.results);
tslab.display.html(group.chart);
show(group.rows);

// %% [markdown]
// ## Tying hints on the plain model
//
// Are the plain model's top hints pairs with correlated activations?

// %%
const hintsView = nb.tyingHintsView(run.results[0]);
console.log(`plain model, seed ${run.results[0].seed}, top hints:`);
show(hintsView.rows);
tslab.display.html(hintsView.chart);
show(nb.tyingRows(run.results, SETTINGS.PLANTED));

// %%
console.log(nb.writeResults("11-mutual-information", {
  quick: QUICK, settings: SETTINGS, seeds: SEEDS, tuneSeeds: TUNE_SEEDS,
  seconds: run.provenance.elapsedSeconds,
  chosen: run.chosen, tuning: run.tuning, coreSize: tables.coreSize, softenT: tables.softenT,
  summary: tables.summary,
  paired: {
    exact: run.summary.paired, library: tables.paired.library.paired,
    accuracy: tables.paired.accuracy.paired, testLoss: tables.paired.testLoss.paired,
  },
  planted: tables.planted, tying: tables.tying, perSeed: tables.perSeed,
  verdict: run.verdict, studySummary: run.summary, provenance: run.provenance,
}));

// %% [markdown]
// ## Reading
//
// (Rewritten from the full run's numbers.)