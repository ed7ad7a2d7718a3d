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
// Hyperparameters. Quick by default (the test suite runs this); FULL=1 for the numbers quoted in the text.
const QUICK = process.env.FULL !== "1";
const SEEDS = QUICK ? [0] : [0, 1, 2, 3, 4];
const P = 23;                                    // modulus of the modular-addition task
const TRAIN_FRACTION = 0.8;                      // share of the P² pairs in the training split
// Fixed sigmoid is a reference on digits only: on modular addition it does not even fit the training set.
// Quick modular runs 1500 steps: at 200 no model had left 0 test accuracy, so the comparison read as a tie.
const TASKS = {
  digits: { hidden: 64, steps: QUICK ? 200 : 1000, learningRate: 1e-3, l2: 0, models: ["relu", "sigmoid", "tunable · layer", "tunable · unit"] },
  modular: { hidden: 128, steps: QUICK ? 1500 : 3000, learningRate: 3e-3, l2: 1e-3, models: ["relu", "tunable · layer", "tunable · unit"] },
};
const TRACK_EVERY = QUICK ? 50 : 100;            // record t every this many steps

// %%
import * as at from "../dist/index";
import * as nb from "../dist/notebook/index";
import * as tf from "@tensorflow/tfjs";
import * as tslab from "tslab";
await at.ready();
console.log(nb.provenance({ notebook: "14-activation-shapes", quick: QUICK, seeds: SEEDS }));
tslab.display.html(nb.plotlyScript());
const NOTE = nb.quickNote(QUICK, "14-activation-shapes");

// %%
// Modular addition as an MLP input: the token ids [a, b] of at.modularAddition become one-hot(a) ‖ one-hot(b).
function oneHotPairs(d: at.Dataset): at.Dataset<tf.Tensor2D> {
  return tf.tidy(() => {
    const ids = tf.cast(d.x, "int32");
    const a = tf.oneHot(tf.reshape(tf.slice(ids, [0, 0], [-1, 1]), [-1]) as tf.Tensor1D, P);
    const b = tf.oneHot(tf.reshape(tf.slice(ids, [0, 1], [-1, 1]), [-1]) as tf.Tensor1D, P);
    return { x: tf.cast(tf.concat([a, b], 1), "float32") as tf.Tensor2D, y: tf.clone(d.y) as tf.Tensor1D, classes: d.classes };
  });
}
const modular = nb.keep("modular addition", at.modularAddition({ p: P, trainFraction: TRAIN_FRACTION, seed: 0, equals: false }));
const data: Record<string, at.Split<tf.Tensor2D>> = nb.keep("task data", {
  digits: at.digits(),
  modular: { train: oneHotPairs(modular.train), test: oneHotPairs(modular.test) },
});
console.log(`modular: ${modular.train.x.shape[0]} train pairs, ${modular.test.x.shape[0]} test pairs, inputs ${data.modular.train.x.shape[1]}`);

// %% [markdown]
// ## The runs

// %%
type Row = { task: string; model: string; seed: number; trainAccuracy: number; testAccuracy: number; testLoss: number;
             tMean: number; tMin: number; tMax: number };
const rows: Row[] = [];
const tracks: { task: string; seed: number; step: number[]; t: number[] }[] = [];
const unitShapes: Record<string, number[]> = { digits: [], modular: [] };
const t0 = Date.now();
for (const [task, cfg] of Object.entries(TASKS)) {
  const { train, test } = data[task];
  const spec = { inputs: train.x.shape[1], hidden: [cfg.hidden], classes: train.classes };
  for (const seed of SEEDS) {
    for (const kind of cfg.models) {
      const model = kind === "relu" || kind === "sigmoid" ? at.mlp({ ...spec, seed, activation: kind as at.Activation })
        : at.tunableMlp({ ...spec, seed, shapePer: kind === "tunable · layer" ? "layer" : "unit" });
      const opt = tf.train.adam(cfg.learningRate);
      const stream = new at.BatchStream(train, 64, seed);
      const track = { task, seed, step: [0], t: [1] };
      for (let done = 0; done < cfg.steps; done += TRACK_EVERY) {
        at.train(model, train, { steps: Math.min(TRACK_EVERY, cfg.steps - done), optimizer: opt, stream, l2: cfg.l2 });
        if (kind === "tunable · layer") {
          track.step.push(Math.min(done + TRACK_EVERY, cfg.steps));
          track.t.push((model as at.TunableMlp).shapes()[0][0]);
        }
      }
      if (kind === "tunable · layer") tracks.push(track);
      const t = model instanceof at.TunableMlp ? [...model.shapes()[0]] : [kind === "relu" ? at.SHAPE_RELU : at.SHAPE_SIGMOID];
      if (kind === "tunable · unit") unitShapes[task].push(...t);
      const ev = at.evaluate(model, test);
      rows.push({ task, model: kind, seed, trainAccuracy: at.evaluate(model, train).accuracy, testAccuracy: ev.accuracy,
        testLoss: ev.loss, tMean: t.reduce((a, b) => a + b, 0) / t.length, tMin: Math.min(...t), tMax: Math.max(...t) });
      opt.dispose();
      model.dispose();
    }
  }
}
console.log(`${rows.length} runs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// %% [markdown]
// ## Results at the same budget
//
// Mean over seeds ± the half-width of the 95% confidence interval (Student t). t: the learned shape parameter
// (mean over units for the per-unit model; 1 = ReLU, 0 = sigmoid, > 1 = ReLU with a negative dip), with the smallest
// and largest value over all seeds (and units) in brackets.

// %%
const fmt = (v: number[], d = 3) => { const ci = at.meanCI(v); return ci.n < 2 ? `${ci.mean.toFixed(d)} (one seed: no CI)` : `${ci.mean.toFixed(d)} ±${(ci.high - ci.mean).toFixed(d)}`; };
const caption = QUICK
  ? `quick setting (${SEEDS.length} seed; digits ${TASKS.digits.steps} steps, modular ${TASKS.modular.steps} steps): a smoke test, not the study's numbers`
  : undefined;
const summary: Record<string, Record<string, Record<string, at.Interval>>> = {};
const table: Record<string, string>[] = [];
for (const task of Object.keys(TASKS)) {
  summary[task] = {};
  for (const kind of TASKS[task as keyof typeof TASKS].models) {
    const rs = rows.filter((r) => r.task === task && r.model === kind);
    const pick = (k: keyof Row) => rs.map((r) => r[k] as number);
    summary[task][kind] = { trainAccuracy: at.meanCI(pick("trainAccuracy")), testAccuracy: at.meanCI(pick("testAccuracy")),
      testLoss: at.meanCI(pick("testLoss")), tMean: at.meanCI(pick("tMean")) };
    table.push({ task: `${task} · ${kind}`, trainAcc: fmt(pick("trainAccuracy")), testAcc: fmt(pick("testAccuracy")),
      testLoss: fmt(pick("testLoss")), t: `${fmt(pick("tMean"), 2)} (${Math.min(...pick("tMin")).toFixed(1)}…${Math.max(...pick("tMax")).toFixed(1)})` });
  }
}
tslab.display.html(nb.htmlTable(table, { caption: caption }));
// Paired differences against fixed ReLU (same seed, same initialization and batches).
const paired: Record<string, string>[] = [];
for (const task of Object.keys(TASKS)) {
  for (const kind of TASKS[task as keyof typeof TASKS].models.slice(1)) {
    const diff = (k: keyof Row) => SEEDS.map((s) => (rows.find((r) => r.task === task && r.model === kind && r.seed === s)![k] as number)
      - (rows.find((r) => r.task === task && r.model === "relu" && r.seed === s)![k] as number));
    summary[task][kind].dTestAccuracy = at.meanCI(diff("testAccuracy"));
    summary[task][kind].dTestLoss = at.meanCI(diff("testLoss"));
    paired.push({ task, model: kind, dTestAcc: fmt(diff("testAccuracy")), dTestLoss: fmt(diff("testLoss")) });
  }
}
tslab.display.html(nb.htmlTable(paired, { caption: caption }));
console.log(`modular addition, test accuracy minus ReLU's: ${paired.filter((p) => p.task === "modular").map((p) => `${p.model} ${p.dTestAcc}`).join("; ")}${NOTE}`);

// %%
tslab.display.html(nb.chart(tracks.map((k) => ({ type: "scatter", mode: "lines", name: `${k.task} · seed ${k.seed}`, x: k.step, y: k.t,
  line: { color: k.task === "digits" ? "#1f77b4" : "#d62728" } })),
  nb.axes("training step", "shape parameter t (per layer)", "Learned shape per layer (1 = ReLU, 0 = sigmoid, > 1: dip below 0)")));

// %%
tslab.display.html(nb.chart(Object.entries(unitShapes).map(([task, t]) => ({ type: "histogram", name: task, x: t, opacity: 0.6, nbinsx: 40 })),
  { barmode: "overlay", ...nb.axes("learned shape parameter t of a unit", "units (all seeds)", "Per-unit shapes at the end of training") }));

// %%
// What the learned shapes look like: f_t on z ∈ [−4, 4] at the mean learned per-layer t of each task, with ReLU and sigmoid.
const zGrid = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
const curve = (t: number) => tf.tidy(() => [...at.tunableActivation(tf.tensor1d(zGrid), tf.tensor1d([t])).dataSync()]);
const shown = [["ReLU (t = 1)", 1], ["sigmoid (t = 0)", 0],
  ...Object.keys(TASKS).map((task) => [`${task}: learned t = ${summary[task]["tunable · layer"].tMean.mean.toFixed(2)}`, summary[task]["tunable · layer"].tMean.mean])] as [string, number][];
tslab.display.html(nb.chart(shown.map(([name, t]) => ({ type: "scatter", mode: "lines", name, x: zGrid, y: curve(t) })),
  nb.axes("pre-activation z", "f_t(z)", "The learned activations")));

// %%
console.log(nb.writeResults("14-activation-shapes", {
  quick: QUICK, seeds: SEEDS, p: P, trainFraction: TRAIN_FRACTION, tasks: TASKS, summary: summary, rows: rows, tracks: tracks, unitShapes: unitShapes,
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
// | mod 23 · ReLU | 0.789 [0.747, 0.831] | 1.767 [1.698, 1.835] | — | 1 |
// | mod 23 · tunable per layer | **0.998 [0.993, 1.003]** | 0.534 [0.485, 0.583] | **+0.209 [0.171, 0.248]** | 5.80 [5.78, 5.81] |
// | mod 23 · tunable per unit | 0.902 [0.829, 0.974] | 0.741 [0.564, 0.918] | +0.113 [0.045, 0.181] | 3.31 (units 1.26…5.99) |
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
// at the same budget the per-layer tunable model generalizes to the held-out pairs (0.998 vs 0.789, in every seed)
// and the per-unit one is in between (0.902).
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
