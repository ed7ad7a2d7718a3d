// %% [markdown]
// # 10 · Transformer compression: heads, MLP neurons and residual dimensions as units
//
// **Question.** The notes (idea 6) ask whether attention heads, MLP neurons and embedding dimensions can be treated
// as units: ranked by information content, antitrained, and physically removed. How many of each does a small
// transformer that has learned modular addition need, and does the randomization ranking pick them better than
// the usual baselines — weight magnitude and the gradient-based head importance of Michel et al. (2019, "Are
// Sixteen Heads Really Better than One?")?
//
// **Method.** Model: the one-layer transformer of notebook 09 (`at.transformer`: 4 heads, ReLU MLP, no LayerNorm)
// trained full batch with AdamW (weight decay 1.0) on a + b mod p for `TRAIN_STEPS` steps (in the full setting long
// enough to generalize: test accuracy 0.96–1.00 on every seed; the printed clean accuracy says how far a run got).
// Sites: `blocks.0.attn` (one unit per head; a head is its whole d_head-wide output, randomized as one vector),
// `blocks.0.mlp` (neurons) and `blocks.0.resid` (residual dimensions after the block, i.e. what the unembedding
// reads). Three rankings per site, all computed on the *training* pairs:
//
// - **randomization** (`at.importance`, resample, loss damage): the notes' information content;
// - **magnitude** (`model.unitMagnitudes`): the L2 norm of the weights reading from and writing to the unit;
// - **gradient** (`at.gateImportance`): Michel et al.'s |∂L/∂ξ| for a gate ξ on each unit (for neurons, first-order
//   Taylor importance).
//
// For k units kept (top-k of a ranking), the others are replaced by their training mean and test accuracy is
// measured, and the same point is measured again on the physically compressed model (`at.compress` removes the
// units and folds their means into the next bias: heads into the attention output bias, neurons into the MLP
// output bias, residual dimensions into the unembedding bias); the two must agree, and the run prints the largest
// difference. Then the notes' loop on the MLP — antitrain (interleaved, core re-measured every cycle), find the 95%
// core, compress physically — against the same continued training without antitraining.
//
// Section 4 repeats the study on a small character-level language model trained on real text (TypeScript's own
// library declarations), with test loss instead of accuracy.

// %%
// Hyperparameters. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text.
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4];
const P = QUICK ? 23 : 31;
const TRAIN_FRACTION = 0.7;
const MODEL = { dModel: 32, heads: 4, dMlp: QUICK ? 64 : 128, layers: 1, layerNorm: false };
const LEARNING_RATE = 1e-2;                  // AdamW, weight decay 1.0, betas (0.9, 0.98)
const TRAIN_STEPS = QUICK ? 150 : 1000;      // full-batch steps before measuring
const ANTI_CYCLES = QUICK ? 1 : 3;           // antitraining: cycles of CYCLE training steps, 1 antitrain step after each
const CYCLE = QUICK ? 50 : 100;
const ANTI_FRACTIONS = [0.95, 0.5];          // antitrained cores: the notes' 95%, and 50% (notebook 01: only a small one concentrates)
const SITES = ["blocks.0.attn", "blocks.0.mlp", "blocks.0.resid"];

// Section 4, the character-level language model (next character from the 16 before it).
const LM_SEEDS = QUICK ? [0] : [0, 1, 2];             // three seeds: the FULL run's time budget (see the reading)
const LM_FILES = ["lib.es5.d.ts", "lib.es2015.core.d.ts", "lib.es2015.collection.d.ts", "lib.es2015.promise.d.ts", "lib.es2015.iterable.d.ts"];
const LM_MAX_CHARS = QUICK ? 40_000 : 300_000;        // characters of TypeScript's own .d.ts files (node_modules, offline)
const LM_WINDOW = 16;                                  // characters per example: the transformer's seqLen
const LM_VOCAB = 64;                                   // most frequent 63 characters + one "other" id
const LM_EXAMPLES = QUICK ? 3000 : 40_000;            // windows kept (90% train, 10% test), seeded subsample
const LM_MODEL = { dModel: QUICK ? 32 : 64, heads: 4, dMlp: QUICK ? 64 : 128, layers: 2, layerNorm: false };
const LM_LR = 3e-3;                                    // AdamW, betas (0.9, 0.98), weight decay 0.01, batch 64
const LM_STEPS = QUICK ? 60 : 1500;
const LM_RANK_EXAMPLES = QUICK ? 256 : 512;           // training windows the stats and the three rankings use
const LM_EVAL_EXAMPLES = QUICK ? 300 : 1500;          // test windows the units-kept curves use
const LM_ANTI_SITE = "blocks.1.mlp";
const LM_ANTI_STEPS = QUICK ? 40 : 400;               // continued training, interleaved 1 antitrain step per step
const LM_CYCLE = QUICK ? 20 : 100;                     // core re-measured every LM_CYCLE steps
const LM_ANTI_FRACTION = 0.5;                          // the antitrained core (notebook 01: 0.95 changes nothing)

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";
await at.ready();
console.log(nb.provenance({ notebook: "10-transformer-compression", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "10-transformer-compression");
/** Shows rows as an HTML table; in the quick setting captioned as a smoke test. */
const show = (rows: Record<string, unknown>[], what: string) => tslab.display.html(nb.htmlTable(rows, {
  caption: QUICK ? `quick setting (${what}): a smoke test, not the study's numbers` : undefined,
}));

// %% [markdown]
// ## 1 · Train, rank, and measure accuracy against units kept

// %%
const task = nb.keep("modular addition", at.modularAddition({ p: P, trainFraction: TRAIN_FRACTION, seed: 0 }));
const modelOptions = { vocab: task.vocab, seqLen: task.seqLen, classes: P, ...MODEL };
const RANKINGS = ["randomization", "magnitude", "gradient"] as const;
type Curve = { site: string; ranking: string; seed: number; kept: number[]; accuracy: number[]; params: (number | null)[] };
const curves: Curve[] = [];
const trained: { seed: number; clean: number; train: number }[] = [];
const antiRows: Record<string, number | string>[] = [];   // one per seed and arm
const keptGrid = (units: number) => units <= 8 ? Array.from({ length: units + 1 }, (_, k) => k)
  : [...new Set([0, 1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128].filter((k) => k <= units).concat([units]))];

/** One seed of the modular-addition study: train, rank, accuracy vs units kept, antitrain and compress the MLP. */
function modularSeed(seed: number): {
  curves: Curve[]; trained: { seed: number; clean: number; train: number }; anti: Record<string, number | string>[]; maskedVsCompressed: number;
} {
  const seedCurves: Curve[] = [];
  let maskedVsCompressed = 0;   // largest |masked − compressed| test accuracy over every compressed point
  const model = at.transformer({ ...modelOptions, seed });
  const opt = at.adamw(LEARNING_RATE, { beta1: 0.9, beta2: 0.98, weightDecay: 1.0 });
  const stream = new at.BatchStream(task.train, at.size(task.train), seed);
  at.train(model, task.train, { steps: TRAIN_STEPS, optimizer: opt, stream });
  const clean = at.evaluate(model, task.test).accuracy;
  const trainedRow = { seed: seed, clean: Number(clean.toFixed(3)), train: Number(at.evaluate(model, task.train).accuracy.toFixed(3)) };
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
      // The same points on the physically compressed model (every site here can be removed: the one block is
      // the last, so its residual dims are what the unembedding reads). k = 0 stays the masked value.
      const params = kept.map((k, i) => {
        if (k === 0) return null;
        const small = at.compress(model, site, { core: order.slice(0, k) }, { stats: stats });
        const acc = at.evaluate(small, task.test).accuracy;
        maskedVsCompressed = Math.max(maskedVsCompressed, Math.abs(acc - accuracy[i]));
        const n = at.parameterCount(small);
        small.dispose();
        return n;
      });
      seedCurves.push({ site: site, ranking: ranking, seed: seed, kept: kept, accuracy: accuracy, params: params });
    }
    engine.dispose();
  }
  // The notes' loop on the MLP neurons, against plain continued training: clones of the trained model, each
  // trained ANTI_CYCLES · CYCLE more full-batch steps with a fresh AdamW and the same batches, one plain and one
  // antitraining per fraction of ANTI_FRACTIONS; then each one's 95% core (accuracy damage on training pairs),
  // each compressed physically to it, and each cut to the smallest antitrained core's size by its own ranking.
  const site = "blocks.0.mlp";
  const coreOf = (net: at.HookedModel) => {
    const stats = at.collectStats(net, site, task.train, { seed: seed });
    return { stats: stats, split: at.findCore(net, site, task.train, { stats: stats, fraction: 0.95, metric: "accuracy", seed: seed }) };
  };
  const before = coreOf(model).split.core.length;
  const arms = [null, ...ANTI_FRACTIONS].map((fraction) => {
    const net = model.clone();
    const armOpt = at.adamw(LEARNING_RATE, { beta1: 0.9, beta2: 0.98, weightDecay: 1.0 });
    const armStream = new at.BatchStream(task.train, at.size(task.train), seed + 100);
    const antitrainer = fraction === null ? undefined
      : new at.Antitrainer(net, [site], { schedule: at.interleaved(1, { cycle: CYCLE }), fraction: fraction, data: task.train, seed: seed });
    at.train(net, task.train, { steps: ANTI_CYCLES * CYCLE, optimizer: armOpt, stream: armStream, onStep: (_, batch) => antitrainer?.afterStep(batch) });
    antitrainer?.dispose();
    armOpt.dispose();
    return { name: fraction === null ? "plain (control)" : `antitrained (${fraction * 100}% core)`, net: net, ...coreOf(net) };
  });
  const k = Math.min(...arms.slice(1).map((arm) => arm.split.core.length));
  const anti = arms.map((arm) => {
    const small = at.compress(arm.net, site, arm.split, { stats: arm.stats });
    const order = at.ranked(at.importance(arm.net, site, task.train, { stats: arm.stats, metric: "loss", seed: seed }));
    const cut = at.compress(arm.net, site, { core: order.slice(0, k) }, { stats: arm.stats });
    const row = {
      seed: seed,
      arm: arm.name,
      "core before": before,
      "core after": arm.split.core.length,
      "test acc": Number(at.evaluate(arm.net, task.test).accuracy.toFixed(3)),
      "own core: test acc": Number(at.evaluate(small, task.test).accuracy.toFixed(3)),
      params: `${at.parameterCount(arm.net)} → ${at.parameterCount(small)}`,
      k: k,
      "top k: test acc": Number(at.evaluate(cut, task.test).accuracy.toFixed(3)),
    };
    for (const m of [small, cut, arm.net]) m.dispose();
    return row;
  });
  opt.dispose();
  model.dispose();
  console.log(`seed ${seed}: trained test accuracy ${clean.toFixed(3)}; MLP core ${before} → ${anti.map((r) => `${r["core after"]} (${r.arm})`).join(", ")}${NOTE}`);
  return { curves: seedCurves, trained: trainedRow, anti: anti, maskedVsCompressed: maskedVsCompressed };
}

// FULL runs cache each seed in .cache/seeds/ (keyed by these settings), so a rerun or an interrupted run resumes.
const modularSettings = { P: P, TRAIN_FRACTION: TRAIN_FRACTION, MODEL: MODEL, LEARNING_RATE: LEARNING_RATE, TRAIN_STEPS: TRAIN_STEPS, ANTI_CYCLES: ANTI_CYCLES, CYCLE: CYCLE, ANTI_FRACTIONS: ANTI_FRACTIONS, SITES: SITES, PHYSICAL: "every site", CONTROL: true };
nb.prefetchSeeds("10-transformer-compression", modularSettings, SEEDS, !QUICK, (seed) => modularSeed(seed));   // SEED_WORKERS=n shares the seeds
for (const seed of SEEDS) {
  const r = nb.cachedSeed("10-transformer-compression", modularSettings, seed, !QUICK, () => modularSeed(seed));
  curves.push(...r.curves);
  trained.push(r.trained);
  antiRows.push(...r.anti);
  console.log(`seed ${seed}: largest |masked − physically compressed| test accuracy ${r.maskedVsCompressed}`);
}

// %% [markdown]
// ## 2 · Accuracy against units kept, per site and ranking (mean over seeds)

// %%
const colors = { randomization: "#ef553b", magnitude: "#636efa", gradient: "#00cc96" };
const meanCurve = (site: string, ranking: string) => {
  const cs = curves.filter((c) => c.site === site && c.ranking === ranking);
  return { kept: cs[0].kept, accuracy: cs[0].kept.map((_, i) => at.meanCI(cs.map((c) => c.accuracy[i])).mean) };
};
for (const site of SITES) {
  tslab.display.html(nb.chart(
    RANKINGS.map((ranking) => {
      const m = meanCurve(site, ranking);
      return { x: m.kept, y: m.accuracy, name: ranking, mode: "lines+markers", line: { color: colors[ranking] } };
    }),
    nb.axes("units kept (the rest replaced by their training mean = physically removed)", "test accuracy", `${site}: accuracy vs units kept, p = ${P}`),
  ));
}

// %%
// Units needed to keep 95% of the clean test accuracy (smallest k on the grid), mean over seeds.
const needed = SITES.flatMap((site) => RANKINGS.map((ranking) => {
  const ks = curves.filter((c) => c.site === site && c.ranking === ranking).map((c) => {
    const clean = trained.find((t) => t.seed === c.seed)!.clean;
    const i = c.accuracy.findIndex((a) => a >= 0.95 * clean);
    return c.kept[i];
  });
  const ci = at.meanCI(ks);
  return {
    site, ranking, "units for 95% of clean acc": Number(ci.mean.toFixed(1)),
    "95% CI": ci.n < 2 ? "one seed: no CI" : `[${ci.low.toFixed(1)}, ${ci.high.toFixed(1)}]`, of: curves.find((c) => c.site === site)!.kept.at(-1),
  };
}));
const modularWhat = `p = ${P}, ${SEEDS.length} seed, ${TRAIN_STEPS} training steps`;
show(trained, modularWhat);
show(needed, modularWhat);

// %% [markdown]
// Which kind of unit buys the most parameters? The same curves against the parameter count of the physically
// compressed model (randomization ranking, mean over seeds): a head carries 4·d_model·d_head weights, a neuron
// 2·d_model + 1, a residual dimension (after the last block) only its unembedding row and last-MLP output column.

// %%
const siteColors: Record<string, string> = { "blocks.0.attn": "#ab63fa", "blocks.0.mlp": "#ef553b", "blocks.0.resid": "#00cc96" };
tslab.display.html(nb.chart(
  SITES.map((site) => {
    const cs = curves.filter((c) => c.site === site && c.ranking === "randomization");
    const idx = cs[0].kept.map((_, i) => i).filter((i) => cs[0].params[i] !== null);
    return {
      x: idx.map((i) => cs[0].params[i]), y: idx.map((i) => at.meanCI(cs.map((c) => c.accuracy[i])).mean),
      text: idx.map((i) => `${cs[0].kept[i]} units`), name: site, mode: "lines+markers", line: { color: siteColors[site] },
    };
  }),
  nb.axes("parameters of the compressed model", "test accuracy", `Accuracy vs parameters, one site compressed at a time, p = ${P}`),
));

// %% [markdown]
// ## 3 · Antitraining and physical compression of the MLP
//
// From the trained model of each seed, three clones train `ANTI_CYCLES · CYCLE` more full-batch steps with a fresh
// AdamW: plain (the control), and with interleaved antitraining (one antitrain step per step, core re-measured
// every `CYCLE` steps) of the 95% core — the notes' setting — or of a 50% core, which notebook 01 found to be the
// one that concentrates information. Then each clone's 95% core (accuracy damage on training pairs), the clone
// compressed physically to its own core, and every clone cut to the same size k (the smallest antitrained core)
// by its own randomization ranking: the same-size comparison that decides whether antitraining helped compression.

// %%
show(antiRows, `p = ${P}, ${SEEDS.length} seed, ${ANTI_CYCLES} cycle of ${CYCLE} steps`);

// %% [markdown]
// ## 4 · A character-level language model
//
// Modular addition is a toy with one right answer per input. The issue also asks for a model of real text, so
// here is a small character-level language model trained on text every installation has offline: TypeScript's
// own library declarations (`node_modules/typescript/lib/lib.es5.d.ts` and a few `lib.es2015.*.d.ts`, read by
// `at.textFromFiles`). `at.charWindows` turns the text into a classification task: `x` = 16 character ids, `y` = the
// id of the next character (the transformer predicts from the last position only). The vocabulary keeps the 63
// most frequent characters and maps the rest to one "other" id. The text is cut into 20 contiguous blocks and two
// whole blocks are held out for test — random windows would leak, since neighbouring windows share all but one
// character. Model: 2 blocks, 4 heads, ReLU MLPs, no LayerNorm, trained with AdamW on minibatches.
//
// Then, exactly as for modular addition but on all six sites (`blocks.{0,1}.attn`, `.mlp`, `.resid`): stats and
// the three rankings on training windows; for k units kept, the others replaced by their training mean, and test
// loss and accuracy measured. At attention and MLP sites the curve is measured on the **physically compressed**
// model (`at.compress`, the means folded into the output bias), and so it is at `blocks.1.resid`, the stream the
// unembedding reads (its dimensions' unembedding rows and last-MLP output columns go, the means folded into the
// unembedding bias). Residual dimensions after block 0 cannot be removed — block 1 writes into them and its MLP
// reads them back, which no narrower stream reproduces — so `at.compress` refuses them and there the mean
// replacement runs through the damage engine.
// Finally the notes' loop on the
// last MLP (`blocks.1.mlp`): continued training with interleaved antitraining of a 50% core, against the same
// continued training without antitraining (a clone, same fresh optimizer and batch order); then the 95% core
// (accuracy damage on test windows) and both models compressed to it.

// %%
const lmText = at.textFromFiles(LM_FILES.map((f) => require.resolve(`typescript/lib/${f}`)), { maxChars: LM_MAX_CHARS });
const lm = nb.keep("char-LM data", at.charWindows(lmText, { window: LM_WINDOW, vocab: LM_VOCAB, maxExamples: LM_EXAMPLES, testFraction: 0.1, seed: 0 }));
const V = lm.vocab.length;
const LM_SITES = Array.from({ length: LM_MODEL.layers }, (_, i) => [`blocks.${i}.attn`, `blocks.${i}.mlp`, `blocks.${i}.resid`]).flat();
// The unigram baseline: the training label frequencies as the prediction for every test window.
const trainLabels = Array.from(lm.train.y.dataSync());
const testLabels = Array.from(lm.test.y.dataSync());
const freq = new Float64Array(V).fill(1);   // add-one smoothing
for (const c of trainLabels) freq[c]++;
const freqTotal = freq.reduce((a, b) => a + b, 0);
const unigramLoss = -testLabels.reduce((sum, c) => sum + Math.log(freq[c] / freqTotal), 0) / testLabels.length;
const unigramAcc = testLabels.filter((c) => c === freq.indexOf(Math.max(...freq))).length / testLabels.length;
console.log(`${lm.chars} characters, vocabulary ${V}: ${JSON.stringify(lm.vocab.join(""))}`);
console.log(`${at.size(lm.train)} training windows (of ${lm.available.train}) and ${at.size(lm.test)} test windows (of ${lm.available.test})`);
console.log(`unigram baseline on test: loss ${unigramLoss.toFixed(3)} nats, accuracy ${unigramAcc.toFixed(3)}`);

// %%
type LmCurve = { site: string; ranking: string; kept: number[]; loss: number[]; accuracy: number[]; params: (number | null)[]; physical: boolean };
type LmSeed = {
  seed: number; trainSeconds: number; clean: { loss: number; accuracy: number }; trainCurve: { step: number; loss: number; accuracy: number }[];
  curves: LmCurve[]; maskedVsCompressed: number; anti: Record<string, number | string>[];
};
const sampleRows = (d: at.Dataset, n: number, seed: number) => at.take(d, new at.Rng(seed).permutation(at.size(d)).subarray(0, Math.min(n, at.size(d))));
const lmOptimizer = () => at.adamw(LM_LR, { beta1: 0.9, beta2: 0.98, weightDecay: 0.01 });

/** One seed of the char-LM study: train, rank every site three ways, loss vs units kept, antitrain blocks.1.mlp. */
function lmSeed(seed: number): LmSeed {
  const rankData = sampleRows(lm.train, LM_RANK_EXAMPLES, seed);
  const evalData = sampleRows(lm.test, LM_EVAL_EXAMPLES, seed + 1);
  const model = at.transformer({ vocab: V, seqLen: LM_WINDOW, classes: V, ...LM_MODEL, seed: seed });
  const opt = lmOptimizer();
  const stream = new at.BatchStream(lm.train, 64, seed);
  const trainCurve: { step: number; loss: number; accuracy: number }[] = [];
  const t0 = Date.now();
  const every = Math.max(1, Math.round(LM_STEPS / 10));
  for (let step = 0; step < LM_STEPS; step += every) {
    at.train(model, lm.train, { steps: Math.min(every, LM_STEPS - step), optimizer: opt, stream: stream });
    const ev = at.evaluate(model, evalData);
    trainCurve.push({ step: Math.min(step + every, LM_STEPS), loss: ev.loss, accuracy: ev.accuracy });
  }
  opt.dispose();
  const trainSeconds = (Date.now() - t0) / 1000;
  const clean = at.evaluate(model, lm.test);
  const curves: LmCurve[] = [];
  let maskedVsCompressed = 0;   // largest |masked − compressed| test loss over every compressed point
  for (const site of LM_SITES) {
    const stats = at.collectStats(model, site, rankData, { seed: seed });
    const scores = {
      randomization: at.importance(model, site, rankData, { stats: stats, method: "resample", metric: "loss", seed: seed }).scores,
      magnitude: model.unitMagnitudes(site),
      gradient: at.gateImportance(model, site, rankData),
    };
    const kept = keptGrid(scores.magnitude.length);
    const physical = !site.endsWith(".resid") || site === `blocks.${LM_MODEL.layers - 1}.resid`;   // see above
    const lossEngine = new at.DamageEngine(model, site, evalData, { stats: stats, method: "mean", metric: "loss", seed: seed });
    const accEngine = new at.DamageEngine(model, site, evalData, { stats: stats, method: "mean", metric: "accuracy", seed: seed });
    for (const ranking of RANKINGS) {
      const order = at.ranked({ scores: scores[ranking] });
      const masks = kept.map((k) => order.slice(k));   // randomize (mean-replace) all but the top k
      const loss = Array.from(lossEngine.evaluate(masks));
      const accuracy = Array.from(accEngine.evaluate(masks));
      const params: (number | null)[] = kept.map(() => null);
      if (physical) {
        kept.forEach((k, i) => {
          if (k === 0) return;   // at.compress keeps at least one unit; k = 0 stays the masked value
          const small = at.compress(model, site, { core: order.slice(0, k) }, { stats: stats });
          const ev = at.evaluate(small, evalData);
          maskedVsCompressed = Math.max(maskedVsCompressed, Math.abs(ev.loss - loss[i]));
          loss[i] = ev.loss;
          accuracy[i] = ev.accuracy;
          params[i] = at.parameterCount(small);
          small.dispose();
        });
      }
      curves.push({ site: site, ranking: ranking, kept: kept, loss: loss, accuracy: accuracy, params: params, physical: physical });
    }
    lossEngine.dispose();
    accEngine.dispose();
  }

  // The notes' loop on the last MLP, against the same continued training without antitraining.
  const site = LM_ANTI_SITE;
  const control = model.clone();
  const before = at.reportCore(model, site, evalData, rankData, { fraction: 0.95, seed: seed });
  const arms = [
    { name: "antitrained (50% core)", net: model, antitrain: true },
    { name: "plain (control)", net: control, antitrain: false },
  ];
  const anti: Record<string, number | string>[] = [];
  let antiCore = 0;
  for (const arm of arms) {
    const armOpt = lmOptimizer();
    const armStream = new at.BatchStream(lm.train, 64, seed + 100);
    const antitrainer = arm.antitrain
      ? new at.Antitrainer(arm.net, [site], { schedule: at.interleaved(1, { cycle: LM_CYCLE }), fraction: LM_ANTI_FRACTION, data: rankData, seed: seed })
      : undefined;
    at.train(arm.net, lm.train, { steps: LM_ANTI_STEPS, optimizer: armOpt, stream: armStream, onStep: (_, batch) => antitrainer?.afterStep(batch) });
    antitrainer?.dispose();
    armOpt.dispose();
    const after = at.reportCore(arm.net, site, evalData, rankData, { fraction: 0.95, seed: seed });
    if (arm.antitrain) antiCore = after.core.length;
    const ev = at.evaluate(arm.net, lm.test);
    const small = at.compress(arm.net, site, after.split, { stats: after.stats });
    const evSmall = at.evaluate(small, lm.test);
    // The same model cut to the antitrained model's core size k (its own top-k units by the same ranking
    // reportCore used), for a same-size comparison.
    const order = at.ranked(at.importance(arm.net, site, evalData, { stats: after.stats, metric: "loss", seed: seed }));
    const sameSize = at.compress(arm.net, site, { core: order.slice(0, Math.max(1, antiCore)) }, { stats: after.stats });
    const evSame = at.evaluate(sameSize, lm.test);
    anti.push({
      arm: arm.name,
      "core before": before.core.length,
      "core after": after.core.length,
      "test loss": Number(ev.loss.toFixed(3)),
      "test acc": Number(ev.accuracy.toFixed(3)),
      "own core: loss": Number(evSmall.loss.toFixed(3)),
      "own core: acc": Number(evSmall.accuracy.toFixed(3)),
      "params": `${at.parameterCount(arm.net)} → ${at.parameterCount(small)}`,
      k: Math.max(1, antiCore),
      "top k: loss": Number(evSame.loss.toFixed(3)),
      "top k: acc": Number(evSame.accuracy.toFixed(3)),
    });
    small.dispose();
    sameSize.dispose();
  }
  control.dispose();
  model.dispose();
  at.disposeDataset(rankData);
  at.disposeDataset(evalData);
  return { seed: seed, trainSeconds: trainSeconds, clean: clean, trainCurve: trainCurve, curves: curves, maskedVsCompressed: maskedVsCompressed, anti: anti };
}

const lmSettings = { LM_FILES: LM_FILES, LM_MAX_CHARS: LM_MAX_CHARS, LM_WINDOW: LM_WINDOW, LM_VOCAB: LM_VOCAB, LM_EXAMPLES: LM_EXAMPLES, LM_MODEL: LM_MODEL,
  LM_LR: LM_LR, LM_STEPS: LM_STEPS, LM_RANK_EXAMPLES: LM_RANK_EXAMPLES, LM_EVAL_EXAMPLES: LM_EVAL_EXAMPLES, LM_ANTI_SITE: LM_ANTI_SITE,
  LM_ANTI_STEPS: LM_ANTI_STEPS, LM_CYCLE: LM_CYCLE, LM_ANTI_FRACTION: LM_ANTI_FRACTION, PHYSICAL: "attn, mlp, last resid" };
const tensorsBefore = tf.memory().numTensors;
nb.prefetchSeeds("10-transformer-compression-charlm", lmSettings, LM_SEEDS, !QUICK, (seed) => lmSeed(seed));
const lmRuns = LM_SEEDS.map((seed) => nb.cachedSeed("10-transformer-compression-charlm", lmSettings, seed, !QUICK, () => lmSeed(seed)));
console.log(`tensors before/after the char-LM study: ${tensorsBefore} / ${tf.memory().numTensors}`);
for (const r of lmRuns) {
  console.log(`seed ${r.seed}: ${r.trainSeconds.toFixed(0)} s of training; test loss ${r.clean.loss.toFixed(3)} nats, accuracy ${r.clean.accuracy.toFixed(3)}; ` +
    `largest |masked − compressed| test loss ${r.maskedVsCompressed.toExponential(1)}${NOTE}`);
}
if (QUICK) {
  console.log(`quick setting: the language model trains only ${LM_STEPS} steps on ${LM_EXAMPLES} windows (the full run: 1500 steps on 40,000, ` +
    "test loss about 1.6 nats, see the reading); it has barely begun to use its units, attention heads least of all, so the charts and " +
    "tables of this section show that the code runs, not how many units a trained language model needs");
}

// %% [markdown]
// ### Training curve, and test loss against units kept per site and ranking

// %%
const trainTraces: nb.PlotlyObject[] = lmRuns.map((r) => ({ x: r.trainCurve.map((c) => c.step), y: r.trainCurve.map((c) => c.loss), name: `seed ${r.seed}`, mode: "lines+markers" }));
trainTraces.push({ x: [0, LM_STEPS], y: [unigramLoss, unigramLoss], name: "unigram baseline", mode: "lines", line: { dash: "dot", color: "#999" } });
tslab.display.html(nb.chart(
  trainTraces,
  nb.axes("training step (batch 64)", `test loss (nats, ${LM_EVAL_EXAMPLES} test windows)`, "char-LM: test loss during training"),
));
const lmMean = (site: string, ranking: string, key: "loss" | "accuracy") => {
  const cs = lmRuns.flatMap((r) => r.curves.filter((c) => c.site === site && c.ranking === ranking));
  return { kept: cs[0].kept, y: cs[0].kept.map((_, i) => at.meanCI(cs.map((c) => c[key][i])).mean) };
};
for (const site of LM_SITES) {
  const clean = at.meanCI(lmRuns.map((r) => r.curves.find((c) => c.site === site)!.loss.at(-1)!)).mean;
  const physical = lmRuns[0].curves.find((c) => c.site === site)!.physical;
  const how = physical ? "physically compressed, the rest's means folded into a bias" : "the rest replaced by their training mean";
  const traces: nb.PlotlyObject[] = RANKINGS.map((ranking) => {
    const m = lmMean(site, ranking, "loss");
    return { x: m.kept, y: m.y, name: ranking, mode: "lines+markers", line: { color: colors[ranking] } };
  });
  traces.push({ x: [0, lmMean(site, "magnitude", "loss").kept.at(-1)], y: [clean, clean], name: "all units", mode: "lines", line: { dash: "dot", color: "#999" } });
  tslab.display.html(nb.chart(
    traces,
    nb.axes(`units kept (${how})`, "test loss (nats)", `char-LM ${site}: test loss vs units kept`),
  ));
}

// %%
// Test loss against the parameter count of the physically compressed model, per compressible site
// (randomization ranking, mean over seeds).
tslab.display.html(nb.chart(
  LM_SITES.filter((site) => lmRuns[0].curves.find((c) => c.site === site)!.physical).map((site) => {
    const cs = lmRuns.flatMap((r) => r.curves.filter((c) => c.site === site && c.ranking === "randomization"));
    const idx = cs[0].kept.map((_, i) => i).filter((i) => cs[0].params[i] !== null);
    return {
      x: idx.map((i) => cs[0].params[i]), y: idx.map((i) => at.meanCI(cs.map((c) => c.loss[i])).mean),
      text: idx.map((i) => `${cs[0].kept[i]} units`), name: site, mode: "lines+markers",
    };
  }),
  nb.axes("parameters of the compressed model", "test loss (nats)", "char-LM: test loss vs parameters, one site compressed at a time"),
));

// %%
// Units needed (smallest k on the grid) to keep the test loss within 0.1 nats of the full model's, and to keep
// 95% of its test accuracy; per seed.
const lmNeeded = LM_SITES.flatMap((site) => RANKINGS.map((ranking) => {
  const cs = lmRuns.map((r) => r.curves.find((c) => c.site === site && c.ranking === ranking)!);
  const k = (c: LmCurve, ok: (i: number) => boolean) => c.kept[c.kept.findIndex((_, i) => ok(i))];
  return {
    site: site,
    ranking: ranking,
    "units for loss ≤ full + 0.1": cs.map((c) => k(c, (i) => c.loss[i] <= c.loss.at(-1)! + 0.1)).join(", "),
    "units for 95% of acc": cs.map((c) => k(c, (i) => c.accuracy[i] >= 0.95 * c.accuracy.at(-1)!)).join(", "),
    of: cs[0].kept.at(-1)!,
    "loss, top half kept": cs.map((c) => c.loss[c.kept.findIndex((kk) => kk >= c.kept.at(-1)! / 2)].toFixed(3)).join(", "),
    "loss, none kept": cs.map((c) => c.loss[0].toFixed(3)).join(", "),
  };
}));
const lmWhat = `${LM_SEEDS.length} seed, ${LM_STEPS} training steps, ${LM_EXAMPLES} windows`;
show(lmNeeded, lmWhat);

// %% [markdown]
// ### Antitraining the last MLP, against plain continued training

// %%
const lmAnti = lmRuns.flatMap((r) => r.anti.map((row) => ({ seed: r.seed, ...row })));
show(lmAnti, `${lmWhat}, ${LM_ANTI_STEPS} continued steps`);
console.log(nb.writeResults("10-transformer-compression", {
  quick: QUICK, backend: at.backendName(), p: P, trainFraction: TRAIN_FRACTION, model: MODEL, trainSteps: TRAIN_STEPS,
  antiCycles: ANTI_CYCLES, cycle: CYCLE, antiFractions: ANTI_FRACTIONS, seeds: SEEDS, trained: trained, needed: needed, antitraining: antiRows, curves: curves,
  charLm: {
    settings: lmSettings, seeds: LM_SEEDS, chars: lm.chars, vocab: lm.vocab, trainWindows: at.size(lm.train), testWindows: at.size(lm.test),
    unigram: { loss: unigramLoss, accuracy: unigramAcc }, needed: lmNeeded, antitraining: lmAnti, runs: lmRuns,
  },
}));

// %% [markdown]
// ## Reading (FULL run: `FULL=1`)
//
// Command: `SEED_WORKERS=2 FULL=1 npm run notebooks -- 10-transformer` on the 2-core machine, two kernels sharing
// the seeds: 1299 s for everything (beside notebook 09's full run), of which the modular part alone recomputes in
// 217 s; rendering again from `.cache/seeds/` takes seconds.
//
// ### Modular addition (5 seeds)
//
// Setting: p = 31, 673 training and 288 test pairs, d_model 32, 4 heads of width 8, 128 MLP neurons, 1000
// full-batch AdamW steps (lr 1e-2, weight decay 1.0), 5 seeds. Clean test accuracy 0.972, 1.000, 1.000, 0.958,
// 0.979 (training accuracy 1.000 on all). Every point of the curves was measured twice, by mean replacement and on
// the physically compressed model: the test accuracies agree exactly (largest difference 0 over all points and
// seeds).
//
// - **Heads: none can go.** On every seed and for every ranking all 4 heads are needed to keep 95% of the clean
//   test accuracy; keeping a ranking's top 3 heads leaves 0.36–0.61 test accuracy (all seeds and rankings).
// - **MLP neurons: about a quarter suffice on four seeds; on seed 3 none can go; the randomization ranking is not
//   the best.** Neurons kept for 95% of clean accuracy (grid ..., 24, 32, 48, 64, 96, 128), seeds 0–4: gradient
//   (Michel et al. / Taylor) 32, 32, 32, 128, 32; magnitude 32, 48, 32, 128, 32; randomization (the notes'
//   information content) 64, 48, 24, 128, 32. Means 51 / 54 / 59 with 95% intervals of about ±52: the seeds do not
//   separate the rankings, but the notes' ranking is the least consistent and the gradient ranking the steadiest.
//   Seed 3 (test accuracy 0.958, the least generalized) needs all 128 neurons under every ranking: with 96 kept
//   it falls to 0.60–0.76.
// - **Residual dimensions: 24 of 32**, for every seed under the randomization and gradient rankings and on four of
//   five under magnitude (32 on the fifth). The grid steps from 16 to 24, so the true number lies in 17–24. Removed
//   physically (their unembedding rows and last-MLP output columns, the means folded into the unembedding bias),
//   24 dimensions leave 13,343 of 14,623 parameters: a residual dimension after the last block is cheap (160
//   weights), so this saves little.
// - **Antitraining did nothing that plain continued training does not.** From each trained model, 300 more steps
//   (3 interleaved cycles of 100) with a fresh AdamW. The 95% MLP core (accuracy damage on training pairs) went
//   from 46, 36, 23, 87, 30 neurons to 21, 31, 28, 98, 29 with plain training (weight decay keeps concentrating
//   the model), to 28, 27, 32, 97, 39 when antitraining the 95% core (the notes' setting) and to 22, 29, 31, 80, 41
//   when antitraining a 50% core. Paired against the control: core +3.2 [−3.9, +10.3] neurons (95% core) and
//   −0.8 [−14.4, +12.8] (50% core); test accuracy −0.008 [−0.025, +0.008] and −0.042 [−0.148, +0.064] (the 50%
//   arm fell to 0.771 on seed 3, the least generalized); cut to the same size k (the smaller antitrained core:
//   22, 27, 31, 80, 39 neurons) by each model's own ranking, test accuracy +0.023 [−0.056, +0.102] and −0.004
//   [−0.115, +0.108]. No effect is established at either fraction. (An earlier version without a control saw
//   the core shrink on two seeds of five; the control shows continued training with weight decay does as much.)
//
// ### Character-level language model (3 seeds)
//
// Setting: 267,918 characters of `lib.es5.d.ts` and four `lib.es2015.*.d.ts`; vocabulary the 63 most frequent
// characters plus "other"; 36,000 training windows of 16 characters (subsampled from the 240,839 in 18 training
// blocks) and 4,000 test windows (from the 26,759 in the 2 held-out blocks). Model: 2 blocks, d_model 64, 4 heads
// of width 16, 128 ReLU MLP neurons per block, no LayerNorm, 75,328 parameters; 1500 AdamW steps of batch 64
// (lr 3e-3, weight decay 0.01), 175–273 s per seed. **Test loss 1.575, 1.625, 1.600 nats (mean 1.600), accuracy
// 0.617, 0.604, 0.609**, against 3.281 nats and 0.189 for the unigram baseline. Curves on 1,500 test windows.
// Three seeds: the intervals below (t-based, paired by seed) are wide.
//
// - **Little can go.** To stay within 0.1 nats of the full model, every ranking needs 3 of 4 heads in each block
//   on every seed, 96 of 128 MLP neurons (64 on one seed for randomization in block 0; 128 on one for magnitude),
//   all 64 residual dimensions after block 0 and 48–64 after block 1. Unlike the modular-addition MLP, this model
//   uses its width: it is small for its task (loss still falling at step 1500).
// - **The randomization ranking is best or tied at every site, clearly so only against magnitude.** Test loss with
//   the top half kept, mean over seeds (randomization / gradient / magnitude), and the paired difference
//   randomization − other with its 95% interval:
//   - `blocks.0.attn` 1.720 / 1.767 / 1.845 (vs gradient −0.047 [−0.149, +0.055], vs magnitude −0.125 [−0.294, +0.043]);
//   - `blocks.0.mlp` 1.747 / 1.796 / 1.887 (−0.050 [−0.177, +0.078]; −0.140 [−0.183, −0.098]);
//   - `blocks.0.resid` 2.254 / 2.362 / 2.506 (−0.108 [−0.544, +0.329]; −0.252 [−0.453, −0.051]);
//   - `blocks.1.attn` 1.791 / 1.787 / 1.871 (+0.004 [−0.014, +0.023]; −0.080 [−0.441, +0.282]);
//   - `blocks.1.mlp` 1.747 / 1.769 / 1.792 (−0.022 [−0.071, +0.028]; −0.045 [−0.087, −0.003]);
//   - `blocks.1.resid` 1.938 / 1.911 / 1.961 (+0.027 [−0.056, +0.110]; −0.023 [−0.078, +0.033]).
//
//   It beats weight magnitude significantly at three sites and never loses to it; against Michel et al.'s gradient
//   importance no difference is established anywhere. It also has a home advantage: it ranks by the damage of
//   replacing one unit, close to what the curve measures (though on training windows and by resampling, where the
//   curve uses test windows and the mean).
// - **Compression is exact, residual stream included.** At attention and MLP sites and at `blocks.1.resid` (the
//   stream the unembedding reads) the curves are the physically compressed models; they differ from mean
//   replacement by at most 2.9e-6 nats. Residual dimensions after block 0 cannot be removed (block 1 writes into
//   them and reads them back), so that curve is mean replacement. A last-stream dimension is a poor
//   unit to remove: it holds 193 weights (its unembedding row and last-MLP output column), so dropping half of
//   them saves 6,176 of 75,328 parameters and costs 0.32–0.38 nats.
// - **Antitraining shrank the measured core, and made the model worse on every seed.** 400 more steps on
//   `blocks.1.mlp` with interleaved antitraining of a 50% core, against the same 400 steps of plain training: 95%
//   core (accuracy damage on test windows) 98, 92, 81 neurons vs 124, 116, 122 (difference −30 [−53, −7]); but
//   test loss 1.818, 1.806, 1.866 vs 1.537, 1.548, 1.577 nats (+0.276 [+0.236, +0.316]). Cut to the antitrained
//   model's core size k with the randomization ranking, the plain model keeps 1.534, 1.579, 1.632 nats against the
//   antitrained model's 1.816, 1.845, 1.883 (+0.266 [+0.228, +0.305]) at the same parameter count. Plain training
//   plus the ranking compresses as far, a quarter of a nat better.
//
// **Honest summary.** Heads, neurons and residual dimensions work as units end to end (ranking, randomization of
// a whole head, antitraining, physical removal, including the last residual stream) on both transformers. On
// modular addition the notes' randomization ranking did not beat magnitude or Michel et al.'s gradient
// importance; on the character-level language model it beat magnitude and tied with the gradient ranking, but that
// model needs most of its units whatever the ranking. Against plain continued training, antitraining (95% or 50%
// core) changed neither the modular-addition MLP's core nor its accuracy at a fixed size, and on the language
// model it bought a smaller measured core at a cost in loss that plain training plus cutting does not pay.
