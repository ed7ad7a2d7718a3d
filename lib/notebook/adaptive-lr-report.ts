/** Tables and charts of notebook 13's information-adaptive learning-rate study. */
import type { Interval } from "../base/statistics";
import type { AdaptiveLrCurve, AdaptiveLrRow } from "../studies/adaptive-lr/run-seed";
import { ADAPTIVE_LR_ARMS } from "../studies/adaptive-lr/settings";
import type { AdaptiveLrStats } from "../studies/adaptive-lr/summarize";
import { plusMinus } from "../studies/summary";
import { axes, chart } from "./plot";

/** "mean ±half-width of the 95% CI" with a unit after each number (st.plusMinus). */
const meanPm = (i: Interval | undefined, d = 4, unit = "") => (i === undefined ? "" : plusMinus(i, d, unit));

/**
 * The results table's rows (for `nb.htmlTable`): per configuration test accuracy, test and training loss and seconds.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.adaptiveLrTableRows(run.summary.details.table)));
 */
export function adaptiveLrTableRows(table: Readonly<Record<string, AdaptiveLrStats>>): Record<string, string>[] {
  return ADAPTIVE_LR_ARMS.map((config) => {
    const s = table[config];
    return { config, testAcc: meanPm(s.testAccuracy), testLoss: meanPm(s.testLoss), trainLoss: meanPm(s.trainLoss), seconds: meanPm(s.seconds, 1, " s") };
  });
}

/**
 * The paired table's rows: per configuration but plain Adam its test loss and accuracy minus plain Adam's (same seed),
 * and the range of its per-unit scales at the end of training over all seeds.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.adaptiveLrPairedRows(table, rows)));
 */
export function adaptiveLrPairedRows(table: Readonly<Record<string, AdaptiveLrStats>>, rows: readonly AdaptiveLrRow[]): Record<string, string>[] {
  return ADAPTIVE_LR_ARMS.filter((c) => table[c].dLoss !== undefined).map((config) => {
    const mine = rows.filter((r) => r.config === config);
    const scales = `${Math.min(...mine.map((r) => r.minScale)).toFixed(2)}…${Math.max(...mine.map((r) => r.maxScale)).toFixed(1)}`;
    return { config, dTestLoss: meanPm(table[config].dLoss), dTestAcc: meanPm(table[config].dAccuracy), scales };
  });
}

/**
 * The learning curves (HTML): per configuration the test loss at each checkpoint, averaged over seeds, on a log axis.
 *
 * @example
 * tslab.display.html(nb.adaptiveLrCurvesChart(curves));
 */
export function adaptiveLrCurvesChart(curves: readonly AdaptiveLrCurve[]): string {
  const y = "test cross-entropy (mean over seeds)";
  const traces = ADAPTIVE_LR_ARMS.map((config) => {
    const cs = curves.filter((k) => k.config === config);
    return { type: "scatter", mode: "lines+markers", name: config, x: cs[0]?.step ?? [], y: (cs[0]?.step ?? []).map((_, i) => cs.reduce((a, k) => a + k.loss[i], 0) / cs.length) };
  });
  return chart(traces, { ...axes("training step", y, "Learning curves at the same budget"), yaxis: { title: { text: y }, type: "log" } });
}
