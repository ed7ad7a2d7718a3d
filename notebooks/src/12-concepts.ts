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
// Hyperparameters. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text.
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4];
const HIDDEN = 32;                       // width of the hidden layer (site "h1")
const CHOSEN = [0, 1, 2, 3];             // the units the concept should flow through
const PRETRAIN = 300;                    // plain training steps first (Adam 1e-3, batch 64)
const STEPS = QUICK ? 300 : 2000;        // then this many steps, each followed by one concept antitrain step (control: none)
const ANTI_LR = 0.02;                    // Adam learning rate of the concept antitraining optimizer
const STATS_EVERY = 100;                 // refresh the chosen units' means every this many steps
const PARITY = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]; // concept value of each digit class: 0 = even, 1 = odd

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
// For each seed: a fresh 64 → 32 → 10 MLP, pretrained plainly, then trained for `STEPS` more steps with (antitrained)
// or without (control) a concept antitrain step after each. Then the measurements: main-task test accuracy, the
// output-probe and hidden-probe concept flows, and the main-task accuracy damage of randomizing the chosen units
// and the others (`at.splitDamage`).

// %%
const { train, test } = nb.keep("digits", at.digits());
const parity = at.concept("parity", PARITY);
const others = Array.from({ length: HIDDEN }, (_, u) => u).filter((u) => !CHOSEN.includes(u));
type Row = { condition: string; seed: number; mainAccuracy: number; probeClean: number; probeChosen: number;
             probeOthers: number; hidProbeChosen: number; hidProbeOthers: number; chance: number;
             mainDamageChosen: number; mainDamageOthers: number };
const rows: Row[] = [];
const antiLoss: number[][] = [];
const t0 = Date.now();
for (const seed of SEEDS) {
  for (const condition of ["control", "antitrained"]) {
    const model = at.mlp({ inputs: 64, hidden: [HIDDEN], classes: 10, seed });
    const opt = tf.train.adam(1e-3);
    const antiOpt = tf.train.adam(ANTI_LR);
    at.train(model, train, { steps: PRETRAIN, optimizer: opt, seed });
    let stats = at.collectStats(model, "h1", train, { seed });
    const losses: number[] = [];
    at.train(model, train, { steps: STEPS, optimizer: opt, seed: seed + 100, onStep: (step, batch) => {
      if (condition === "control") return;
      if (step % STATS_EVERY === 0) stats = at.collectStats(model, "h1", train, { seed: step });
      losses.push(at.conceptAntitrainStep(model, "h1", batch, { units: CHOSEN, stats, concept: parity, optimizer: antiOpt, seed: seed * 100000 + step }));
    }});
    if (condition === "antitrained") antiLoss.push(losses);
    stats = at.collectStats(model, "h1", train, { seed });
    const flow = at.conceptFlow(model, "h1", test, at.fitProbe(model, train, parity), CHOSEN, { stats, seed: 1 });
    const hidden = at.conceptFlow(model, "h1", test, at.fitProbe(model, train, parity, { readout: "h1" }), CHOSEN, { stats, seed: 1 });
    const main = at.splitDamage(model, "h1", test, { core: CHOSEN, spectators: others }, { stats, metric: "accuracy", seed: 1 });
    rows.push({ condition, seed, mainAccuracy: at.evaluate(model, test).accuracy, probeClean: flow.clean,
      probeChosen: flow.chosen, probeOthers: flow.others, hidProbeChosen: hidden.chosen, hidProbeOthers: hidden.others,
      chance: flow.chance, mainDamageChosen: main.core, mainDamageOthers: main.spectators });
    opt.dispose(); antiOpt.dispose(); model.dispose();
  }
}
console.log(`${rows.length} runs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// %% [markdown]
// ## Results
//
// Mean over seeds with a 95% confidence interval (Student t). "probe" columns are the output probe's parity
// accuracy on the test set (chance ≈ 0.50: the test set's share of its commoner parity); "hidden probe" reads the
// hidden layer itself; "main damage" is main-task accuracy lost when that group of units is randomized.

// %%
const fmt = (v: number[]) => { const ci = at.meanCI(v); return ci.n < 2 ? `${ci.mean.toFixed(3)} (one seed: no CI)` : `${ci.mean.toFixed(3)} ±${(ci.high - ci.mean).toFixed(3)}`; };
const columns: (keyof Row)[] = ["mainAccuracy", "probeClean", "probeChosen", "probeOthers", "hidProbeChosen",
  "hidProbeOthers", "mainDamageChosen", "mainDamageOthers"];
const summary: Record<string, Record<string, ReturnType<typeof at.meanCI>>> = {};
const conditions = ["control", "antitrained"];
for (const condition of conditions) {
  const rs = rows.filter((r) => r.condition === condition);
  summary[condition] = Object.fromEntries(columns.map((c) => [c, at.meanCI(rs.map((r) => r[c] as number))]));
}
// One row per measurement, one column per condition: "mean ±half-width of the 95% CI".
const table = columns.map((c) => ({ measurement: c,
  ...Object.fromEntries(conditions.map((k) => [k, fmt(rows.filter((r) => r.condition === k).map((r) => r[c] as number))])) }));
tslab.display.html(nb.htmlTable(table, {
  caption: QUICK ? `quick setting (${SEEDS.length} seed, ${PRETRAIN} + ${STEPS} steps): a smoke test, not the study's numbers` : undefined,
}));
console.log(`chance (test set): ${rows[0].chance.toFixed(3)}`);
const anti = summary.antitrained;
console.log(`antitrained: output probe ${anti.probeChosen.mean.toFixed(3)} with the chosen units randomized, ` +
  `${anti.probeOthers.mean.toFixed(3)} with the others randomized (control: ${summary.control.probeChosen.mean.toFixed(3)}, ` +
  `${summary.control.probeOthers.mean.toFixed(3)})${NOTE}`);

// %%
const groups = [["probeClean", "clean"], ["probeChosen", "chosen units randomized"], ["probeOthers", "other units randomized"]] as const;
const bars: nb.PlotlyObject[] = ["control", "antitrained"].map((condition) => ({
  type: "bar", name: condition,
  x: groups.map((g) => g[1]),
  y: groups.map((g) => summary[condition][g[0]].mean),
  error_y: { type: "data", symmetric: false,
    array: groups.map((g) => summary[condition][g[0]].high - summary[condition][g[0]].mean),
    arrayminus: groups.map((g) => summary[condition][g[0]].mean - summary[condition][g[0]].low) },
}));
bars.push({ type: "scatter", mode: "lines", name: "chance", x: groups.map((g) => g[1]),
  y: groups.map(() => rows[0].chance), line: { dash: "dash", color: "gray" } });
tslab.display.html(nb.chart(bars,
  { barmode: "group", ...nb.axes("what is randomized at h1", "output probe's parity accuracy (test)",
    "Does parity reach the output only through the 4 chosen units?"), yaxis: { title: { text: "output probe's parity accuracy (test)" }, range: [0.4, 1] } }));

// %%
const smooth = (v: number[], k = 25) => v.map((_, i) => { const s = v.slice(Math.max(0, i - k + 1), i + 1); return s.reduce((a, b) => a + b, 0) / s.length; });
tslab.display.html(nb.chart([
  ...antiLoss.map((l, i) => ({ type: "scatter", mode: "lines", name: `seed ${SEEDS[i]}`, y: smooth(l) })),
  { type: "scatter", mode: "lines", name: "ln 2 (parity gone)", x: [0, STEPS - 1], y: [Math.log(2), Math.log(2)], line: { dash: "dash", color: "gray" } },
], nb.axes("concept antitrain step", "loss vs uniform parity (25-step mean)", "Concept antitraining loss")));

// %%
console.log(nb.writeResults("12-concepts", {
  quick: QUICK, seeds: SEEDS, hidden: HIDDEN, chosen: CHOSEN, pretrain: PRETRAIN, steps: STEPS, antiLearningRate: ANTI_LR,
  chance: rows[0].chance, summary: summary, rows: rows,
}));

// %% [markdown]
// ## Reading
//
// Full run (`FULL=1`, 5 seeds, 300 + 2000 steps; mean [95% CI]; chance 0.502):
//
// | | control | concept-antitrained |
// | --- | --- | --- |
// | main-task test accuracy | 0.976 [0.971, 0.981] | 0.939 [0.923, 0.955] |
// | output probe, clean | 0.953 [0.946, 0.960] | 0.909 [0.852, 0.966] |
// | output probe, chosen 4 units randomized | 0.887 [0.843, 0.931] | **0.581 [0.463, 0.700]** |
// | output probe, other 28 units randomized | 0.587 [0.534, 0.640] | **0.787 [0.651, 0.924]** |
// | hidden-layer probe, chosen randomized | 0.887 [0.831, 0.943] | 0.733 [0.644, 0.823] |
// | main accuracy lost, chosen randomized | 0.049 [0.026, 0.073] | 0.646 [0.602, 0.691] |
// | main accuracy lost, others randomized | 0.808 [0.776, 0.841] | 0.492 [0.412, 0.572] |
//
// **The concept moved, mostly but not completely.** In the plainly trained control, parity reaches the output
// around any 4 units: randomizing them leaves the probe at 0.89, while randomizing the other 28 takes it to 0.59.
// After concept antitraining the picture flips: randomizing the 4 chosen units takes the probe to 0.58, and
// randomizing all 28 others leaves 0.79. In two of five seeds the chosen-randomized probe sits at chance (0.49,
// 0.50); in the worst seed it is still 0.73, so the verification criterion ("drops to chance") is met per seed
// only sometimes, and the mean's interval [0.46, 0.70] still reaches well above chance. Training longer does not
// obviously close the gap: in one-seed pilots the chosen-randomized probe read 0.61, 0.57 and 0.59 after 600, 1500
// and 3000 steps. The step's own objective, meanwhile, is met: its loss sits at 0.695–0.698 over the last 200 steps
// of every seed, against ln 2 = 0.693. The verification is stricter than the objective in two ways — the probe reads
// every direction of the logits, not only the summed parity mass, and it sees the chosen units resampled rather than
// held at their mean — and the remaining parity signal lives in that difference.
//
// **The cost.** Main-task accuracy drops by about 3.7 points (0.976 → 0.939), and the chosen units became
// load-bearing for far more than parity: randomizing them now costs 65 points of main accuracy, more than the ~50
// a pure parity bit would (knowing the pair but guessing the parity halves accuracy). The model did not factor the
// digit cleanly into "parity here, pair elsewhere"; it routed a good part of the digit identity through the 4 units.
//
// **What it does not do.** Only the layer after the site is antitrained, so the hidden activations themselves still
// hold parity elsewhere: a probe on the hidden layer with the chosen units randomized still reads 0.73 (control 0.89).
// The claim is about what flows downstream, which is what the notes' "detaching the output of the spectator neurons
// from the later layers" asks for — not about erasing the concept from the representation.
//
// **A design note that decided the outcome.** Replacing the chosen units by random draws during antitraining (as the
// core antitraining does) failed on the test task: the random parity signal from the chosen units is punished too,
// so the step detaches them as well and the concept is erased everywhere. Replacing them by their mean removes that
// pressure; that is the library default.
