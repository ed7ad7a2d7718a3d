/** Tables and charts of notebook 14's activation-shape study. */
import * as tf from "@tensorflow/tfjs";
import type { Interval } from "../base/statistics";
import { tunableActivation } from "../models/tunable-mlp";
import type { ShapeRow, ShapeTrack } from "../studies/activation-shapes/run-seed";
import { type ActivationShapesSettings, SHAPE_TASKS, type ShapeTask } from "../studies/activation-shapes/settings";
import type { ShapeStats } from "../studies/activation-shapes/summarize";
import { plusMinus } from "../studies/summary";
import { axes, chart } from "./plot";

/** "mean ±half-width of the 95% CI" (st.plusMinus). */
const meanPm = (i: Interval | undefined, d = 3) => (i === undefined ? "" : plusMinus(i, d));

/**
 * The results table's rows (for `nb.htmlTable`): per task and model train and test accuracy, test loss, and the learned
 * t (mean, with the smallest and largest value over seeds and units).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.shapeTableRows(SETTINGS, table, rows)));
 */
export function shapeTableRows(s: ActivationShapesSettings, table: Readonly<Record<ShapeTask, Record<string, ShapeStats>>>, rows: readonly ShapeRow[]): Record<string, string>[] {
  return SHAPE_TASKS.flatMap((task) =>
    s.tasks[task].models.map((model) => {
      const mine = rows.filter((r) => r.task === task && r.model === model);
      const x = table[task][model];
      const range = `${Math.min(...mine.map((r) => r.tMin)).toFixed(1)}…${Math.max(...mine.map((r) => r.tMax)).toFixed(1)}`;
      return { task: `${task} · ${model}`, trainAcc: meanPm(x.trainAccuracy), testAcc: meanPm(x.testAccuracy), testLoss: meanPm(x.testLoss), t: `${meanPm(x.tMean, 2)} (${range})` };
    }),
  );
}

/**
 * The paired table's rows: per task and model but ReLU its test accuracy and loss minus ReLU's (same seed).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.shapePairedRows(SETTINGS, table)));
 */
export function shapePairedRows(s: ActivationShapesSettings, table: Readonly<Record<ShapeTask, Record<string, ShapeStats>>>): Record<string, string>[] {
  return SHAPE_TASKS.flatMap((task) =>
    s.tasks[task].models.slice(1).map((model) => ({ task, model, dTestAcc: meanPm(table[task][model].dTestAccuracy), dTestLoss: meanPm(table[task][model].dTestLoss) })),
  );
}

/**
 * Three charts (HTML): the per-layer t along training per task and seed, the histogram of the per-unit t at the end,
 * and the learned activation f_t on z ∈ [−4, 4] at each task's mean per-layer t, beside ReLU and sigmoid.
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
  const curve = (t: number) => tf.tidy(() => [...tunableActivation(tf.tensor1d(zGrid), tf.tensor1d([t])).dataSync()]);
  const shown: [string, number][] = [
    ["ReLU (t = 1)", 1],
    ["sigmoid (t = 0)", 0],
    ...SHAPE_TASKS.map((task): [string, number] => {
      const t = table[task]["tunable · layer"].tMean.mean;
      return [`${task}: learned t = ${t.toFixed(2)}`, t];
    }),
  ];
  const shapes = chart(
    shown.map(([name, t]) => ({ type: "scatter", mode: "lines", name, x: zGrid, y: curve(t) })),
    axes("pre-activation z", "f_t(z)", "The learned activations"),
  );
  return [trackChart, histogram, shapes];
}
