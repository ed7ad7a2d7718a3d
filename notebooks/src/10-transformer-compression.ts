# %% [markdown]
// # 10 · Transformer compression: heads, MLP neurons and residual dimensions as units
//
// **Question.** The notes (idea 6) ask whether attention heads, MLP neurons and embedding dimensions can be treated
// as units: ranked by information content, antitrained, and physically removed. How many of each does a small
// transformer that has learned modular addition need, and does the randomization ranking pick them better than
// the usual baselines — weight magnitude and the gradient-based head importance of Michel et al. (2019, "Are
// Sixteen Heads Really Better than One?")?
//
// **Method.** Model: the one-layer transformer of notebook 09 (`at.transformer`: 4 heads, ReLU MLP, no LayerNorm)
// trained full batch with AdamW (weight decay 1.0) on a + b mod p until it generalizes. Sites: `blocks.0.attn`
// (one unit per head; a head is its whole d_head-wide output, randomized as one vector), `blocks.0.mlp` (neurons)
// and `blocks.0.resid` (residual dimensions after the block, i.e. what the unembedding reads). Three rankings per
// site, all computed on the *training* pairs:
//
// - **randomization** (`at.importance`, resample, loss damage): the notes' information content;
// - **magnitude** (`model.unitMagnitudes`): the L2 norm of the weights reading from and writing to the unit;
// - **gradient** (`at.gateImportance`): Michel et al.'s |∂L/∂ξ| for a gate ξ on each unit (for neurons, first-order
//   Taylor importance).
//
// For k units kept (top-k of a ranking), the others are replaced by their training mean and test accuracy is
// measured — exactly the accuracy of the physically compressed model (`at.compress` folds the means into the next
// bias; the library's tests check compressed = masked). Then the notes' loop on the MLP: antitrain (interleaved,
// core re-measured every cycle), find the 95% core, and compress physically.
//
// The character-level language model the issue also asks for is **not done here** (left for later).

# %%
// Hyperparameters. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text.
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2];
const P = QUICK ? 23 : 31;
const TRAIN_FRACTION = 0.7;
const MODEL = { dModel: 32, heads: 4, dMlp: QUICK ? 64 : 128, layers: 1, layerNorm: false };
const LEARNING_RATE = 1e-2;                  // AdamW, weight decay 1.0, betas (0.9, 0.98)
const TRAIN_STEPS = QUICK ? 150 : 1000;      // full-batch steps before measuring
const ANTI_CYCLES = QUICK ? 1 : 3;           // antitraining: cycles of CYCLE training steps, 1 antitrain step after each
const CYCLE = QUICK ? 50 : 100;
const ANTI_FRACTION = 0.95;                  // share of the damage defining the antitrained core
const SITES = ["blocks.0.attn", "blocks.0.mlp", "blocks.0.resid"];

# %%
import * as at from "../dist/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";
const dfd = require("danfojs");
await at.ready();

tslab.display.html(at.plotlyScript());

# %% [markdown]
// ## 1 · Train, rank, and measure accuracy against units kept

# %%
const task = at.modularAddition({ p: P, trainFraction: TRAIN_FRACTION, seed: 0 });
const modelOptions = { vocab: task.vocab, seqLen: task.seqLen, classes: P, ...MODEL };
const RANKINGS = ["randomization", "magnitude", "gradient"] as const;
type Curve = { site: string; ranking: string; seed: number; kept: number[]; accuracy: number[] };
const curves: Curve[] = [];
const trained: { seed: number; clean: number; train: number }[] = [];
const antiRows: Record<string, number | string>[] = [];
const keptGrid = (units: number) => units <= 8 ? Array.from({ length: units + 1 }, (_, k) => k)
  : [...new Set([0, 1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128].filter((k) => k <= units).concat([units]))];

for (const seed of SEEDS) {
  const model = at.transformer({ ...modelOptions, seed });
  const opt = at.adamw(LEARNING_RATE, { beta1: 0.9, beta2: 0.98, weightDecay: 1.0 });
  const stream = new at.BatchStream(task.train, at.size(task.train), seed);
  at.train(model, task.train, { steps: TRAIN_STEPS, optimizer: opt, stream });
  const clean = at.evaluate(model, task.test).accuracy;
  trained.push({ seed, clean: Number(clean.toFixed(3)), train: Number(at.evaluate(model, task.train).accuracy.toFixed(3)) });
  for (const site of SITES) {
    const stats = at.collectStats(model, site, task.train, { seed });
    const scores = {
      randomization: at.importance(model, site, task.train, { stats, method: "resample", metric: "loss", seed }).scores,
      magnitude: model.unitMagnitudes(site),
      gradient: at.gateImportance(model, site, task.train),
    };
    const units = scores.magnitude.length;
    const kept = keptGrid(units);
    const engine = new at.DamageEngine(model, site, task.test, { stats, method: "mean", metric: "accuracy", seed });
    for (const ranking of RANKINGS) {
      const order = at.ranked({ scores: scores[ranking] });
      const accuracy = Array.from(engine.evaluate(kept.map((k) => order.slice(k))));   // randomize all but the top k
      curves.push({ site, ranking, seed, kept, accuracy });
    }
    engine.dispose();
  }
  // The notes' loop on the MLP neurons: antitrain, re-measure, compress physically.
  const site = "blocks.0.mlp";
  const statsBefore = at.collectStats(model, site, task.train, { seed });
  const before = at.findCore(model, site, task.train, { stats: statsBefore, fraction: ANTI_FRACTION, metric: "accuracy", seed });
  const anti = new at.Antitrainer(model, [site], { schedule: at.interleaved(1, { cycle: CYCLE }), fraction: ANTI_FRACTION, data: task.train, seed });
  at.train(model, task.train, { steps: ANTI_CYCLES * CYCLE, optimizer: opt, stream, onStep: (_, batch) => anti.afterStep(batch) });
  anti.dispose();
  const afterClean = at.evaluate(model, task.test).accuracy;
  const stats = at.collectStats(model, site, task.train, { seed });
  const after = at.findCore(model, site, task.train, { stats, fraction: ANTI_FRACTION, metric: "accuracy", seed });
  const small = at.compress(model, site, after, { stats });
  const smallBefore = at.compress(model, site, before, { stats });   // the pre-antitraining core, on the antitrained model
  antiRows.push({
    seed,
    "test acc (trained)": Number(clean.toFixed(3)),
    "core before": before.core.length,
    "test acc (antitrained)": Number(afterClean.toFixed(3)),
    "core after": after.core.length,
    "compressed test acc": Number(at.evaluate(small, task.test).accuracy.toFixed(3)),
    "params": `${at.parameterCount(model)} → ${at.parameterCount(small)}`,
  });
  small.dispose();
  smallBefore.dispose();
  opt.dispose();
  model.dispose();
  console.log(`seed ${seed}: trained test accuracy ${clean.toFixed(3)}; MLP core ${before.core.length} → ${after.core.length} after antitraining`);
}

# %% [markdown]
// ## 2 · Accuracy against units kept, per site and ranking (mean over seeds)

# %%
const colors = { randomization: "#ef553b", magnitude: "#636efa", gradient: "#00cc96" };
const meanCurve = (site: string, ranking: string) => {
  const cs = curves.filter((c) => c.site === site && c.ranking === ranking);
  return { kept: cs[0].kept, accuracy: cs[0].kept.map((_, i) => at.meanCI(cs.map((c) => c.accuracy[i])).mean) };
};
for (const site of SITES) {
  tslab.display.html(at.chart(
    RANKINGS.map((ranking) => {
      const m = meanCurve(site, ranking);
      return { x: m.kept, y: m.accuracy, name: ranking, mode: "lines+markers", line: { color: colors[ranking] } };
    }),
    at.axes("units kept (the rest replaced by their training mean)", "test accuracy", `${site}: accuracy vs units kept, p = ${P}`),
  ));
}

# %%
// Units needed to keep 95% of the clean test accuracy (smallest k on the grid), mean over seeds.
const needed = SITES.flatMap((site) => RANKINGS.map((ranking) => {
  const ks = curves.filter((c) => c.site === site && c.ranking === ranking).map((c) => {
    const clean = trained.find((t) => t.seed === c.seed)!.clean;
    const i = c.accuracy.findIndex((a) => a >= 0.95 * clean);
    return c.kept[i];
  });
  const ci = at.meanCI(ks);
  return { site, ranking, "units for 95% of clean acc": Number(ci.mean.toFixed(1)), "95% CI": `[${ci.low.toFixed(1)}, ${ci.high.toFixed(1)}]`, of: curves.find((c) => c.site === site)!.kept.at(-1) };
}));
new dfd.DataFrame(trained).print();
new dfd.DataFrame(needed).print();

# %% [markdown]
// ## 3 · Antitraining and physical compression of the MLP

# %%
new dfd.DataFrame(antiRows).print();
at.writeJsonAtomic(at.resultsPath("10-transformer-compression"), {
  quick: QUICK, backend: at.backendName(), p: P, trainFraction: TRAIN_FRACTION, model: MODEL, trainSteps: TRAIN_STEPS,
  antiCycles: ANTI_CYCLES, cycle: CYCLE, antiFraction: ANTI_FRACTION, seeds: SEEDS, trained: trained, needed: needed, antitraining: antiRows, curves: curves,
});
at.disposeDataset(task.train);
at.disposeDataset(task.test);

# %% [markdown]
// ## Reading (FULL run: `FULL=1`, 360 s on the shared 2-core machine)
//
// Setting: p = 31, 673 training and 288 test pairs, d_model 32, 4 heads of width 8, 128 MLP neurons, 1000
// full-batch AdamW steps (lr 1e-2, weight decay 1.0), **3 seeds** (5 did not fit beside notebook 09's full run;
// the intervals below are over 3 seeds and wide). Clean test accuracy 0.972, 1.000, 1.000.
//
// - **Heads: none can go.** On every seed and for every ranking all 4 heads are needed to keep 95% of the clean
//   test accuracy; keeping each ranking's top 3 heads leaves 0.42–0.54 test accuracy (all seeds and rankings).
//   The rankings barely matter because no head is dispensable.
// - **MLP neurons: about a quarter to a third suffice, and the randomization ranking is not the best.** Units kept
//   for 95% of clean accuracy (grid 24, 32, 48, 64, ...): gradient (Michel et al. / Taylor) 32, 32, 32;
//   magnitude 32, 48, 32; randomization (the notes' information content) 64, 48, 24. The notes' ranking is the
//   least consistent of the three here; the gradient ranking is the steadiest.
// - **Residual dimensions: 24 of 32** for every ranking and seed (the grid steps from 16 to 24, so the true
//   number lies in 17–24).
// - **Antitraining did not shrink the MLP core consistently.** The 95% core (accuracy damage on training pairs)
//   went 46 → 25, 36 → 48 and 23 → 41 neurons after 3 interleaved cycles of 100 steps — once smaller, twice
//   larger. Test accuracy was unchanged or better (seed 0: 0.972 → 1.000, but that run also trained 300 steps
//   longer, so the gain is not attributable to antitraining). Physically compressing to the post-antitraining
//   core kept test accuracy 0.938, 1.000, 1.000 with 14,623 → 7,928, 9,423 and 8,968 parameters.
//
// **Honest summary.** Heads, neurons and residual dimensions work as units end to end (ranking, randomization
// of a whole head, antitraining, physical removal), but on this small modular-addition transformer the notes'
// randomization ranking did not beat magnitude or Michel et al.'s gradient importance, and antitraining did not
// reliably compress the MLP. The character-level language model of the issue is not done.
