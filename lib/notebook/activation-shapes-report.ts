/** Tables and charts of notebook 14's activation-shape study. */
import * as tf from "@tensorflow/tfjs";
import type { Interval } from "../base/statistics";
import { type LearnableActivation, preluActivation, reluGainActivation, swishBetaActivation, tunableActivation } from "../models/tunable-mlp";
import type { ShapeChosen, ShapeRow, ShapeTrack, ShapeTuneRow } from "../studies/activation-shapes/run-seed";
import { type ActivationShapesSettings, LEARNABLE_SHAPE_MODELS, SHAPE_TASKS, type ShapeConfig, type ShapeTask, shapeConfigs } from "../studies/activation-shapes/settings";
import type { ShapePaired, ShapeStats } from "../studies/activation-shapes/summarize";
import type { PairedDifference } from "../studies/study";
import { plusMinus, signedInterval } from "../studies/summary";
import { axes, chart } from "./plot";

/** "mean ±half-width of the 95% CI" (st.plusMinus). */
const meanPm = (i: Interval | undefined, d = 3) => (i === undefined ? "" : plusMinus(i, d));

/** "lr 3e-3, start 0.5" (a fixed activation has no start). */
function configText(c: ShapeConfig | undefined): string {
  if (c === undefined) return "";
  return `lr ${c.learningRate.toExponential(0).replace("e-", "e−")}${c.initialShape === undefined ? "" : `, start ${c.initialShape}`}`;
}

/** The learned parameter's name per model. */
function parameterName(model: string): string {
  const family = LEARNABLE_SHAPE_MODELS[model as keyof typeof LEARNABLE_SHAPE_MODELS]?.activation;
  return family === undefined ? "t" : { blend: "t", prelu: "a", "swish-beta": "β", "relu-gain": "g" }[family];
}

/**
 * The results table's rows (for `nb.htmlTable`): per task and model its chosen configuration, train and test accuracy,
 * test loss, and the learned parameter (t, PReLU's a, Swish's β or the gain g: mean, with the smallest and largest
 * value over seeds and units; fixed ReLU is t = 1 and sigmoid t = 0).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.shapeTableRows(SETTINGS, table, rows, run.chosen)));
 */
export function shapeTableRows(s: ActivationShapesSettings, table: Readonly<Record<ShapeTask, Record<string, ShapeStats>>>, rows: readonly ShapeRow[], chosen?: ShapeChosen): Record<string, string>[] {
  return SHAPE_TASKS.flatMap((task) =>
    s.tasks[task].models.map((model) => {
      const mine = rows.filter((r) => r.task === task && r.model === model);
      const x = table[task][model];
      const range = `${Math.min(...mine.map((r) => r.tMin)).toFixed(2)}…${Math.max(...mine.map((r) => r.tMax)).toFixed(2)}`;
      return {
        task: `${task} · ${model}`,
        chosen: configText(chosen?.[task]?.[model]),
        trainAcc: meanPm(x.trainAccuracy),
        testAcc: meanPm(x.testAccuracy),
        testLoss: meanPm(x.testLoss),
        learned: `${parameterName(model)} = ${meanPm(x.tMean, 2)} (${range})`,
      };
    }),
  );
}

/** "+0.012 [−0.003, +0.027] · median +0.010 · 7/10 better · p 0.049" (better: for the model, not the reference). */
function pairCell(p: PairedDifference | undefined): string {
  if (p === undefined) return "";
  const median = `${p.median >= 0 ? "+" : "−"}${Math.abs(p.median).toFixed(3)}`;
  // p.wins counts seeds where the model is better than the reference.
  return `${signedInterval(p)} · median ${median} · ${p.wins}/${p.n} seeds better · Wilcoxon p ${p.wilcoxonP.toPrecision(2)}`;
}

/**
 * The paired table's rows: per task and model but the per-layer shape, its test accuracy and test loss minus the
 * per-layer shape's (same seed): mean with its 95% t interval, median, the seeds where the model is better, and the
 * Wilcoxon signed-rank p.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.shapePairedRows(run.summary.details.paired)));
 */
export function shapePairedRows(paired: Readonly<Record<ShapeTask, ShapePaired>>): Record<string, string>[] {
  return SHAPE_TASKS.flatMap((task) =>
    paired[task].accuracy.paired.map((p) => ({
      task,
      model: `${p.arm} − ${p.reference}`,
      dTestAcc: pairCell(p),
      dTestLoss: pairCell(paired[task].loss.paired.find((q) => q.arm === p.arm)),
    })),
  );
}

/**
 * The tuning table's rows: per task and model every configuration tried, with its validation accuracy and loss
 * averaged over the tuning seeds, the chosen one marked.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.shapeTuningRows(SETTINGS, run.tuning, run.chosen)));
 */
export function shapeTuningRows(s: ActivationShapesSettings, tuning: readonly ShapeTuneRow[], chosen: ShapeChosen): Record<string, string>[] {
  return SHAPE_TASKS.flatMap((task) =>
    s.tasks[task].models.map((model) => {
      const pick = chosen[task]?.[model];
      const tried = shapeConfigs(s, task, model).map((c) => {
        const rows = tuning.filter((r) => r.task === task && r.model === model && r.learningRate === c.learningRate && r.initialShape === c.initialShape);
        const mean = (k: "validationAccuracy" | "validationLoss") => rows.reduce((a, r) => a + r[k], 0) / rows.length;
        const mark = pick !== undefined && pick.learningRate === c.learningRate && pick.initialShape === c.initialShape ? " ◀" : "";
        return `${configText(c)}: ${rows.length === 0 ? "—" : `${mean("validationAccuracy").toFixed(3)} / ${mean("validationLoss").toFixed(3)}`}${mark}`;
      });
      return { task, model, "validation accuracy / loss per configuration (◀ chosen)": tried.join("; ") };
    }),
  );
}

const CURVE: Readonly<Record<LearnableActivation, (z: tf.Tensor, p: tf.Tensor) => tf.Tensor>> = {
  blend: tunableActivation,
  prelu: preluActivation,
  "swish-beta": swishBetaActivation,
  "relu-gain": reluGainActivation,
};

/**
 * Three charts (HTML): the per-layer t along training per task and seed, the histogram of the per-unit t at the end,
 * and per task the learned per-layer activations (shape t, PReLU, Swish-β, gain) on z ∈ [−4, 4] at their mean learned
 * parameter, beside ReLU and sigmoid.
 *
 * @example
 * for (const html of nb.shapeCharts(tables.tracks, tables.unitShapes, table)) tslab.display.html(html);
 */
export function shapeCharts(tracks: readonly ShapeTrack[], unitShapes: Readonly<Record<ShapeTask, readonly number[]>>, table: Readonly<Record<ShapeTask, Record<string, ShapeStats>>>): string[] {
  const trackChart = chart(
    tracks.map((k) => ({ type: "scatter", mode: "lines", name: `${k.task} · seed ${k.seed}`, x: k.step, y: k.t, line: { color: k.task === "digits" ? "#1f77b4" : "#d62728" } })),
    axes("training step", "shape parameter t (per layer)", "Learned shape per layer (1 = ReLU, 0 = sigmoid, > 1: dip below 0)"),
  );
  const histogram = chart(
    Object.entries(unitShapes).map(([task, t]) => ({ type: "histogram", name: task, x: t, opacity: 0.6, nbinsx: 40 })),
    { barmode: "overlay", ...axes("learned shape parameter t of a unit", "units (all seeds)", "Per-unit shapes at the end of training") },
  );
  const zGrid = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
  const curve = (family: LearnableActivation, p: number) => tf.tidy(() => [...CURVE[family](tf.tensor1d(zGrid), tf.tensor1d([p])).dataSync()]);
  const shown: [string, LearnableActivation, number, string?][] = [
    ["ReLU", "blend", 1, "dash"],
    ["sigmoid", "blend", 0, "dash"],
    ...SHAPE_TASKS.flatMap((task) =>
      Object.entries(table[task])
        .filter(([model]) => LEARNABLE_SHAPE_MODELS[model as keyof typeof LEARNABLE_SHAPE_MODELS]?.per === "layer")
        .map(([model, x]): [string, LearnableActivation, number] => {
          const family = LEARNABLE_SHAPE_MODELS[model as keyof typeof LEARNABLE_SHAPE_MODELS]?.activation as LearnableActivation;
          return [`${task} · ${model}: ${parameterName(model)} = ${x.tMean.mean.toFixed(2)}`, family, x.tMean.mean];
        }),
    ),
  ];
  const shapes = chart(
    shown.map(([name, family, p, dash]) => ({ type: "scatter", mode: "lines", name, x: zGrid, y: curve(family, p), ...(dash === undefined ? {} : { line: { dash } }) })),
    axes("pre-activation z", "f(z)", "The learned per-layer activations (mean learned parameter over seeds)"),
  );
  return [trackChart, histogram, shapes];
}
