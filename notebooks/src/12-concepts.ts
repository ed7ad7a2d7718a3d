// %% [markdown]
// # 12 · Concepts: can one concept be made to flow through a few chosen units?
//
// **Question.** The notes' first motivating question: *can we force information to flow through a specific
// neuron, or a subset of neurons, and not around it?* — "a simple building block for interpretability if we force
// a specific concept to be hosted in a specific spot". Here the concept is the **parity** of a handwritten digit
// (even vs odd), a function of the class label, and the spot is 4 chosen units of a 32-unit hidden layer.
//
// **Method (concept-level antitraining, `at.conceptAntitrainStep`).** The model reads the concept from its own
// output: p(even) = the summed softmax probability of the classes 0, 2, 4, 6, 8. An antitrain step replaces the
// chosen units by their mean, forwards a normal batch, and trains only the layer after the site so that this
// concept distribution is *uniform* (cross-entropy against (½, ½)). Parity that still reaches the output through the
// other 28 units makes the output lean even or odd, which costs loss, so the step detaches it — while normal
// training on clean batches continues, so the model keeps everything that is *not* parity (which pair {0,1},
// {2,3}, … a digit is in) wherever it likes. One antitrain step (its own Adam) follows every training step.
//
// Why the mean and not a random draw: with random values in the chosen units the output also makes confident
// random parity calls, which the step punishes too, so it detaches the chosen units as well and parity is erased
// everywhere (on the library's 4-class test task that took main accuracy from 0.98 to below 0.5).
//
// **Verification (`at.conceptFlow`).** After training, a fresh linear probe (softmax regression) is fitted on the
// model's clean output logits (training set) to predict parity; on the test set we measure its accuracy clean,
// with the chosen units randomized (resampled from their own activations), and with every *other* unit
// randomized — through the same damage engine as every other measurement. The concept flows only through the
// chosen units when the first drops to chance and the second does not. A control model gets the same training
// steps without concept antitraining. We also fit a probe on the hidden layer itself: antitraining changes only
// the layer after the site, so the site's activations should still hold parity in the other units.

// %%
// Settings. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text. The study
// lives in lib/studies/concepts (st.conceptsStudy); its knobs are printed below: override any of them here,
// e.g. { ...study.settings("quick"), steps: 1000, conceptUnits: [0, 1] }.
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4];
const TUNE_SEEDS: number[] = [];           // nothing is tuned
const study = st.conceptsStudy;
const SETTINGS: st.ConceptsSettings = { ...study.settings(QUICK ? "quick" : "full") };
console.log(SETTINGS);

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";
await at.ready();
console.log(nb.provenance({ notebook: "12-concepts", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "12-concepts");

// %% [markdown]
// ## The runs
//
// For each seed (`st.conceptSeed`): a fresh 64 → 32 → 10 MLP, pretrained plainly, then trained for `steps` more steps
// with (antitrained) or without (control) a concept antitrain step after each. Then the measurements: main-task test
// accuracy, the output-probe and hidden-probe concept flows, and the main-task accuracy damage of randomizing the
// chosen units and the others (`at.splitDamage`). The verdict's headline is the output probe's parity accuracy with
// the chosen units randomized, paired per seed against the control.

// %%
const run = await st.runStudy(study, SETTINGS, { seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK });
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));

// %% [markdown]
// ## Results
//
// Mean over seeds with a 95% confidence interval (Student t). "probe" columns are the output probe's parity
// accuracy on the test set (chance ≈ 0.50: the test set's share of its commoner parity); "hidden probe" reads the
// hidden layer itself; "main damage" is main-task accuracy lost when that group of units is randomized.

// %%
const rows = st.conceptRows(run.results);
const summary = st.conceptTable(rows);
const chance = rows[0].chance;
tslab.display.html(nb.htmlTable(nb.conceptTableRows(summary), {
  caption: QUICK
    ? `quick setting (${SEEDS.length} seed, ${SETTINGS.pretrain} + ${SETTINGS.steps} steps): ` +
      `a smoke test, not the study's numbers`
    : undefined,
}));
console.log(`chance (test set): ${chance.toFixed(3)}`);
const probe3 = (i: at.Interval) => i.mean.toFixed(3);
console.log(
  `antitrained: output probe ${probe3(summary.antitrained.probeChosen)} with the chosen units randomized, ` +
    `${probe3(summary.antitrained.probeOthers)} with the others randomized ` +
    `(control: ${probe3(summary.control.probeChosen)}, ${probe3(summary.control.probeOthers)})${NOTE}`,
);

// %%
tslab.display.html(nb.conceptFlowChart(summary, chance, SETTINGS.conceptUnits.length));
tslab.display.html(nb.conceptLossChart(run.results));

// %%
console.log(nb.writeResults("12-concepts", {
  quick: QUICK, seeds: SEEDS, hidden: SETTINGS.hidden, chosen: SETTINGS.conceptUnits,
  pretrain: SETTINGS.pretrain, steps: SETTINGS.steps,
  antiLearningRate: SETTINGS.antiLearningRate, chance: chance, summary: summary, rows: rows,
  verdict: run.verdict, studySummary: run.summary, provenance: run.provenance,
}));

// %% [markdown]
// ## Reading
//
// Full run (`FULL=1`, 5 seeds, 300 + 2000 steps; mean [95% CI]; chance 0.502), recomputed from a clean checkout at
// commit dc7ec79 (the verdict box above gives the run's own provenance):
//
// | | control | concept-antitrained |
// | --- | --- | --- |
// | main-task test accuracy | 0.976 [0.971, 0.981] | 0.942 [0.935, 0.950] |
// | output probe, clean | 0.953 [0.946, 0.960] | 0.902 [0.830, 0.974] |
// | output probe, chosen 4 units randomized | 0.887 [0.843, 0.931] | **0.580 [0.473, 0.686]** |
// | output probe, other 28 units randomized | 0.587 [0.534, 0.640] | **0.791 [0.663, 0.919]** |
// | hidden-layer probe, chosen randomized | 0.887 [0.831, 0.943] | 0.722 [0.630, 0.815] |
// | main accuracy lost, chosen randomized | 0.049 [0.026, 0.073] | 0.648 [0.594, 0.703] |
// | main accuracy lost, others randomized | 0.808 [0.776, 0.841] | 0.508 [0.414, 0.602] |
//
// **The concept moved, mostly but not completely.** In the plainly trained control, parity reaches the output
// around any 4 units: randomizing them leaves the probe at 0.89, while randomizing the other 28 takes it to 0.59.
// After concept antitraining the picture flips: randomizing the 4 chosen units takes the probe to 0.58, and
// randomizing all 28 others leaves 0.79. In two of five seeds the chosen-randomized probe sits at chance (0.50,
// 0.51); in the worst seed it is still 0.70, so the verification criterion ("drops to chance") is met per seed
// only sometimes, and the mean's interval [0.47, 0.69] still reaches well above chance. Training longer does not
// obviously close the gap: in one-seed pilots the chosen-randomized probe read 0.61, 0.57 and 0.59 after 600, 1500
// and 3000 steps. The step's own objective, meanwhile, is met: its loss sits at 0.695–0.698 over the last 200 steps
// of every seed, against ln 2 = 0.693. The verification is stricter than the objective in two ways — the probe reads
// every direction of the logits, not only the summed parity mass, and it sees the chosen units resampled rather than
// held at their mean — and the remaining parity signal lives in that difference.
//
// **The cost.** Main-task accuracy drops by about 3.4 points (0.976 → 0.942), and the chosen units became
// load-bearing for far more than parity: randomizing them now costs 65 points of main accuracy, more than the ~50
// a pure parity bit would (knowing the pair but guessing the parity halves accuracy). The model did not factor the
// digit cleanly into "parity here, pair elsewhere"; it routed a good part of the digit identity through the 4 units.
//
// **What it does not do.** Only the layer after the site is antitrained, so the hidden activations themselves still
// hold parity elsewhere: a probe on the hidden layer with the chosen units randomized still reads 0.72 (control 0.89).
// The claim is about what flows downstream, which is what the notes' "detaching the output of the spectator neurons
// from the later layers" asks for — not about erasing the concept from the representation.
//
// **A design note that decided the outcome.** Replacing the chosen units by random draws during antitraining (as the
// core antitraining does) failed on the test task: the random parity signal from the chosen units is punished too,
// so the step detaches them as well and the concept is erased everywhere. Replacing them by their mean removes that
// pressure; that is the library default.
