// %% [markdown]
// # 10 · Transformer compression: attention heads, antitraining against the published head-pruning methods
//
// **Question.** The notes (idea 6) ask whether a transformer's attention heads can be treated as units: ranked by
// information content, antitrained, and physically removed. Two published methods do the same job. Michel et al.
// (2019, "Are Sixteen Heads Really Better than One?") rank heads by the expected |∂L/∂ξ_h| of a gate ξ_h = 1 on each
// head's output and prune the least important. Voita et al. (2019, "Analyzing Multi-Head Self-Attention: Specialized
// Heads Do the Heavy Lifting, the Rest Can Be Pruned") put a stochastic hard-concrete gate (Louizos et al. 2018) on
// every head and fine-tune with an L0 penalty λ, so the loss itself closes the gates of the heads it can spare. Cut
// to half the heads after the same fine-tuning budget, which method leaves the better model?
//
// **Method.** Two tasks: the one-block transformer of notebook 09 trained on a + b mod p (4 heads, ReLU MLP, no
// LayerNorm; full-batch AdamW, weight decay 1.0), and a two-block character-level language model trained on
// TypeScript's own library declarations (4 heads per block). After training, four arms each fine-tune a clone of
// the trained model for the same number of optimizer updates (`budget`, every update counted) on the same batches,
// then every block keeps `keep` of its heads (the rest removed physically by `at.compress`, their training means
// folded into the attention output bias), and the cut model is scored on test data:
//
// - **antitrain** (the reference): interleaved antitraining of every block's heads (after each training step one
//   antitrain step per block, the core re-measured every `antiCycle` steps); the antitrain steps count, so it gets
//   only a third (two blocks) or half (one block) of the training steps; then the randomization ranking;
// - **randomization**: plain fine-tuning, then the notes' randomization ranking (`at.importance`, resample, loss
//   damage): the control without antitraining;
// - **michel**: the same plainly fine-tuned model, then Michel et al.'s head importance (`at.gateScores`: the mean
//   over training examples of |∂L/∂ξ_h|, one backward pass);
// - **voita**: fine-tuning with a hard-concrete gate on each head (`l0Gates` in `lib/training/hard-concrete.ts`, β = 2/3, γ = −0.1, ζ = 1.1, log α
//   starting at 3, i.e. open) and the penalty λ·Σ_h P(gate h ≠ 0) added to the loss (`trainWithGates`: each step
//   one update of the weights and of the log α's, the latter by their own Adam so no weight decay pulls them); then
//   the test-time gates folded into the output projection and the heads kept by log α (closed gates go first).
//
// Michel's and Voita's methods are per head, so heads are the units here; the MLP neurons and residual dimensions of
// the earlier version of this notebook are not studied (the gate code works per neuron too, but the full run's
// time budget went to ten seeds of heads). Knobs, nine configurations per tuned arm: antitraining's core fraction
// (0.5, 0.75, 0.95) crossed with its antitrain learning rate (3e-4, 1e-3, 3e-3), a 3 × 3 grid, and Voita's λ on
// nine half-decade steps from 3e-4 to 3 (the earlier grid's 0.001, 0.01, 0.1 and 1 among them, and past them on
// both sides). They are chosen on two tuning seeds (100, 101), each trained on the training data minus a validation
// split and scored on that split (modular: 20% of the training pairs; language model: 2 of the 18 training blocks
// of text), never on test. The plain arms (the randomization ranking and Michel et al.'s importance of the plainly
// fine-tuned model) have no knob of their own; `antiCycle` and Voita's gate learning rate stay fixed. Ten study
// seeds; each arm minus antitraining paired per seed, with a 95% t interval, the median and the Wilcoxon
// signed-rank p.

// %%
// Hyperparameters. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text.
import * as st from "../dist/studies/index";
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const TUNE_SEEDS = QUICK ? [100] : [100, 101];
// Modular addition (printed below; tweak any knob here, e.g. { ...size, budget: 600 }), quick | full:
// p 23 | 31, trainFraction 0.7 (validationFraction 0.2 of it on tuning seeds), model { dModel 32,
// heads 4, dMlp 64 | 128, 1 layer }, learningRate 1e-2 (AdamW, betas 0.9, 0.98, weight decay 1.0,
// full batch), trainSteps 150 | 700, budget 40 | 300 updates per arm, keep 2 heads, antiCycle 10 | 25,
// gateLearningRate 0.1, grids (one configuration per tuned arm in quick, nothing chosen): l0Lambda
// [0.1] | [3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3], antitrain fraction × learningRate
// { 0.5, 1e-3 } | [0.5, 0.75, 0.95] × [3e-4, 1e-3, 3e-3].
const size = QUICK ? "quick" : "full";
const SETTINGS: st.ModularCompressionSettings = { ...st.transformerCompressionStudy.settings(size) };
// The character-level language model (next character from the 16 before it): maxChars 40,000 |
// 150,000, window 16, vocab 64, examples 3000 | 20,000 windows (90% train, 10% test), model { dModel
// 32, heads 4, dMlp 64, 2 layers }, learningRate 3e-3 (AdamW, weight decay 0.01, batch 64), trainSteps
// 60 | 800, budget 30 | 300, keep 2 heads per block, rankExamples 128 | 512 training windows,
// validationBlocks 2, the same grids.
const LM_SETTINGS: st.CharLmSettings = { ...st.charLmCompressionStudy.settings(size) };

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tslab from "tslab";
await at.ready();
console.log(nb.provenance({ notebook: "10-transformer-compression", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const knobs = (s: object) => Object.entries(s).map(([knob, value]) => ({
  knob: knob, value: JSON.stringify(value),
}));
tslab.display.html(nb.htmlTable(knobs(SETTINGS), { caption: "modular-addition settings" }));
tslab.display.html(nb.htmlTable(knobs(LM_SETTINGS), { caption: "char-LM settings" }));
const run = await st.runStudy(st.transformerCompressionStudy, SETTINGS, {
  seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK,
});
const lmRun = await st.runStudy(st.charLmCompressionStudy, LM_SETTINGS, {
  seeds: SEEDS, tuneSeeds: TUNE_SEEDS, cache: !QUICK,
});
tslab.display.html(nb.verdictBox(run, { quick: QUICK }));
tslab.display.html(nb.verdictBox(lmRun, { quick: QUICK }));

// %%
/** Shows rows as an HTML table; in the quick setting captioned as a smoke test. */
const show = (rows: readonly object[], what: string) =>
  tslab.display.html(nb.htmlTable(rows.map((r) => ({ ...r })), {
  caption: QUICK ? `quick setting (${what}): a smoke test, not the study's numbers` : what,
}));
type Details = {
  arms: st.HeadArmRow[]; paired: st.HeadPairedRow[]; perSeed: object[]; trained: object[];
};
const details = run.summary.details as Details;
const lmDetails = lmRun.summary.details as Details;

// %% [markdown]
// ## 1 · Modular addition
//
// The tuning seeds' validation scores of every configuration (mean over the tuning seeds; `chosen` marks the one
// every study seed uses), then the trained models' test scores, then each arm's scores on the test pairs (mean
// [95% CI] over seeds): after cutting to `keep` heads, and uncut (what the fine-tuning cost the whole model). The
// last column is the number of gates Voita's fine-tuning closed, and the size of antitraining's last measured core.


// %%
const what = `p = ${SETTINGS.p}, ${SEEDS.length} seed(s), ${SETTINGS.budget} updates per arm`;
show(st.tuningRows(run.tuning, run.chosen), `validation, tuning seeds ${TUNE_SEEDS.join(", ")}`);
show(details.trained, `${what}: the trained model before the arms`);
show(details.arms, what);

// %% [markdown]
// Paired per seed: every arm minus antitraining on the four numbers, then Michel et al.'s ranking and Voita's gates
// minus the randomization ranking (positive: the arm's number is larger; for accuracy larger is better, for loss
// smaller).


// %%
show(details.paired, what);
tslab.display.html(nb.headSeedsChart(run.results, "cut accuracy",
  `Test accuracy with ${SETTINGS.keep} of ${SETTINGS.model.heads} heads kept, per seed (p = ${SETTINGS.p})`));
show(details.perSeed, what);

// %% [markdown]
// ## 2 · A character-level language model
//
// The text: TypeScript's own library declarations (`lib.es5.d.ts` and four `lib.es2015.*.d.ts`, read offline by
// `at.textFromFiles`), cut into windows of 16 characters predicting the next (`at.charWindows`: the 63 most frequent
// characters plus "other"; 20 contiguous blocks of text, 2 held out whole for test, so no test character is in a
// training window). Two blocks, 4 heads each, both cut to 2 heads.


// %%
const lm = st.charLmTask(LM_SETTINGS);
const unigram = st.unigramBaseline(lm.train.y.dataSync(), lm.test.y.dataSync(), lm.vocab.length);
console.log(`${lm.chars} characters, vocabulary ${lm.vocab.length}: ${JSON.stringify(lm.vocab.join(""))}`);
console.log(
  `${at.size(lm.train)} training windows (of ${lm.available.train}) and ${at.size(lm.test)} test windows ` +
    `(of ${lm.available.test}); unigram baseline on test: loss ${unigram.loss.toFixed(3)} nats, ` +
    `accuracy ${unigram.accuracy.toFixed(3)}`,
);
const lmWhat =
  `${SEEDS.length} seed(s), ${LM_SETTINGS.trainSteps} training steps, ${LM_SETTINGS.budget} updates per arm`;
show(st.tuningRows(lmRun.tuning, lmRun.chosen), `validation, tuning seeds ${TUNE_SEEDS.join(", ")}`);
show(lmDetails.trained, `${lmWhat}: the trained model before the arms`);
show(lmDetails.arms, lmWhat);
show(lmDetails.paired, lmWhat);
tslab.display.html(nb.headSeedsChart(lmRun.results, "cut loss",
  `Test loss with ${LM_SETTINGS.keep} of ${LM_SETTINGS.model.heads} heads kept per block, per seed`));
show(lmDetails.perSeed, lmWhat);
console.log(nb.writeResults("10-transformer-compression", {
  quick: QUICK, backend: at.backendName(), settings: SETTINGS, seeds: SEEDS, tuneSeeds: TUNE_SEEDS,
  tuning: run.tuning, chosen: run.chosen, results: run.results,
  verdict: run.verdict, studySummary: run.summary, provenance: run.provenance,
  charLm: {
    settings: LM_SETTINGS, chars: lm.chars, vocab: lm.vocab, trainWindows: at.size(lm.train),
    testWindows: at.size(lm.test), unigram: unigram,
    tuning: lmRun.tuning, chosen: lmRun.chosen, results: lmRun.results,
    verdict: lmRun.verdict, studySummary: lmRun.summary, provenance: lmRun.provenance,
  },
}));

// %% [markdown]
// ## Reading (FULL run: `FULL=1`)
//
// Command: `FULL=1 SEED_WORKERS=2 ANTITRAIN_THREADS=1 node scripts/render-notebook.js --timeout=4000
// notebooks/10-transformer-compression.ipynb`, from a clean checkout at commit 8093916 with an empty seed cache: 10
// seeds and 2 tuning seeds of each task, all computed, 6.3 min (modular) + 15.7 min (language model) of compute on 2
// seed workers, 11 min 24 s for the whole notebook (other jobs shared the cores). Nine configurations per tuned arm
// (the earlier run, at c39077b, tried four: 17.8 min of compute, 9 min 16 s). The trained models, the plain arms,
// Voita's λ 1 on the language model and every configuration both grids share reproduce that run's numbers to the
// last digit. To fit the session's time
// budget the language model is small (d_model 32, 64 MLP neurons, 150,000 characters, 20,000 windows, 800 training
// steps): it reaches a test loss of 2.18–2.27 nats (accuracy 0.44–0.46; unigram baseline 3.236 nats, 0.208), a weak
// model of the text.
//
// ### Modular addition (p = 31, 10 seeds)
//
// Trained 700 full-batch steps, the models reach 0.906–1.000 test accuracy. Chosen on the tuning seeds'
// validation pairs, and both choices moved: Voita's λ 0.001 → **3**, a value past the earlier grid and the only one
// that closed gates on both tuning seeds (2 of 4 on each, so the fine-tuned model already worked with 2 heads:
// validation accuracy after the cut 0.956, against 0.31–0.50 for every λ up to 1); antitraining the 95% core at
// 1e-3 → the **75% core at 3e-3** (0.467 against 0.411). Both choices sit on the top edge of their grids.
//
// - **Voita et al.'s gates now keep the model working with 2 of its 4 heads; antitraining does not.** Test accuracy
//   after the cut: Voita 0.747 [0.502, 0.991], median 0.913, against antitraining 0.311 [0.152, 0.470] (median
//   0.222), randomization 0.240 and Michel 0.238 (chance 0.032). Voita − antitrain +0.436 [+0.187, +0.685], median
//   +0.528, 9 of 10 seeds, Wilcoxon p = 0.0098: the generated verdict is *not supported* (the earlier run, with λ at
//   most 1, was inconclusive). Randomization −0.071 [−0.205, +0.064] and Michel −0.073 [−0.226, +0.081] against
//   antitraining exclude nothing. Voita's arm is not safe everywhere: on 7 seeds it closed 2–3 gates and kept
//   0.83–0.99, on seeds 2 and 4 it closed one (0.32, 0.55), and on seed 8 it closed all four (0.017, uncut too).
// - **Cut loss**: Voita −2.021 [−3.083, −0.960] nats against antitraining (p = 0.0059); the plain rankings leave
//   about 3 nats more than antitraining (randomization +2.842 [+1.772, +3.912], 9 of 10 seeds, p = 0.0039; Michel
//   +2.960 [+1.643, +4.276], p = 0.002).
// - **Costs**: uncut, antitraining's model is at 0.943 test accuracy against plain fine-tuning's 0.975 (plain −
//   antitrain +0.032 [−0.012, +0.077]; two seeds lost 0.13–0.16); Voita's at 0.856 (−0.087 [−0.263, +0.089]
//   against antitraining, median −0.003: its model is its cut model, and seed 8 collapsed).
// - **The rankings themselves**: Michel et al.'s gate gradient and the randomization ranking keep the same heads
//   on 4 of 10 seeds and do equally well (Michel − randomization −0.002 [−0.070, +0.067]).
//
// ### Character-level language model (10 seeds)
//
// Chosen on the validation blocks: λ 1 as before (now inside the grid: λ 3 closed every gate, 2.486 nats; λ 0.3
// closed 2–3 of block 0's heads, 2.054; λ 1, 1.988), and antitraining's rate moved 1e-3 → **3e-4** (50% core
// kept; 2.193 against 2.364 nats), the bottom edge of its grid; at 3e-3 every core fraction fell to 3.27–3.50.
//
// - **Voita et al.'s gates are still the best arm, but antitraining is no longer the worst.** Test loss with 2 of
//   4 heads per block kept: antitrain 2.411 [2.364, 2.457] (was 2.583 at rate 1e-3), randomization 2.428, Michel
//   2.476, Voita 2.282. Paired against antitraining: Voita −0.129 [−0.189, −0.068] nats, median −0.107, 10 of 10
//   seeds, p = 0.002 (the generated verdict: *not supported*); randomization +0.018 [−0.071, +0.106] (p = 0.70) and
//   Michel +0.065 [−0.042, +0.172] (p = 0.23) are level with it. On accuracy the same: Voita +0.043 [+0.027,
//   +0.060], the plain rankings within ±0.03 of antitraining.
// - **Costs**: at the lower antitrain rate antitraining's uncut model is slightly better than plain fine-tuning's
//   (2.156 vs 2.194 nats; plain − antitrain +0.039 [+0.014, +0.064], 10 of 10 seeds), though it trains 100 steps
//   of the 300 updates. Voita's gates at λ 1 closed 3.8 of block 0's 4 heads and 2.9 of block 1's on average: its
//   model works with almost no attention, costs +0.126 [+0.087, +0.165] nats uncut against antitraining, and loses
//   nothing when cut.
// - **The rankings themselves**: Michel − randomization +0.048 [−0.055, +0.150] nats (the same heads on 5 of 10
//   seeds): no difference.
//
// **Honest summary.** With nine configurations per tuned arm chosen on validation data and the same fine-tuning
// budget, antitraining the heads then cutting by the randomization ranking does not compress a transformer's
// attention as well as Voita et al.'s L0 gates, on either task: on modular addition the gates at λ 3 keep a
// working model with half the heads on most seeds (0.75 mean, 0.91 median accuracy) where every other arm keeps
// 0.24–0.31; on the language model they are 0.13 nats better on every seed. The wider grid helped antitraining on
// the language model (level with the plain rankings now, no longer behind them) but not against the gates. Three
// of the four choices lie on a grid edge (λ 3 and rate 3e-3 on modular addition, rate 3e-4 on the language model),
// so a still wider grid could move them again. The notes' randomization ranking and Michel et al.'s gradient
// importance are indistinguishable on both tasks.
