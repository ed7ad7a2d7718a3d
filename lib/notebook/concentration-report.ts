/** Tables and charts of the concentration study (notebook 01). */
import type { Interval } from "../base/statistics";
import { requireKnownKeys } from "../base/validate";
import { CONCENTRATION_REFERENCE, type ConcentrationSummary, type ConcentrationTuneChoice } from "../studies/concentration-study";
import { interval } from "../studies/summary";
import { axes, chart, type PlotlyObject } from "./plot";

/** `mean [low, high]` (st.interval). */
const ci = (i: Interval, d = 1) => interval(i, d);
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"];

/**
 * The summary table's rows (for `at.htmlTable`): per arm its settings and updates, the validation core with the paired
 * difference to antitraining 0.5, the same core on the test split (also paired), the spectators' damage and share, validation accuracy and whether it holds, and the
 * test accuracy (also paired), loss and ECE.
 *
 * @example
 * const { summary } = at.summarizeConcentration(results, 0.01);
 * tslab.display.html(at.htmlTable(at.concentrationTableRows(summary)));
 */
export function concentrationTableRows(summary: readonly ConcentrationSummary[]): Record<string, string | number>[] {
  return summary.map((s) => {
    const ref = s.arm === CONCENTRATION_REFERENCE;
    return {
      arm: s.arm,
      settings: s.settings === "{}" ? "" : s.settings,
      updates: Math.round(s.updates),
      "core (val)": ci(s.core),
      "per seed": s.perSeed.join(" "),
      [`core vs ${CONCENTRATION_REFERENCE} (paired)`]: ref ? "" : ci(s.coreDiff),
      "smaller / larger": ref ? "" : `${s.smaller} / ${s.larger}`,
      "core (test)": ci(s.testCore),
      [`core (test) vs ${CONCENTRATION_REFERENCE}`]: ref ? "" : ci(s.testCoreDiff),
      "spect. damage (val)": ci(s.spectatorDamage, 3),
      "spect. share": ci(s.spectatorShare, 2),
      "val acc": ci(s.valAccuracy, 3),
      "holds acc.": s.holds ? "yes" : "no",
      "test acc": ci(s.testAccuracy, 3),
      [`test acc vs ${CONCENTRATION_REFERENCE} (paired)`]: ref ? "" : ci(s.testAccuracyDiff, 3),
      "test loss": ci(s.testLoss, 3),
      ECE: ci(s.ece, 3),
    };
  });
}

/**
 * The tuning table's rows: one per setting, its mean validation core and accuracy beside plain's, whether it holds
 * accuracy, and which was chosen.
 *
 * @example
 * tslab.display.html(at.htmlTable(at.concentrationTuningRows(at.chooseConcentrationSettings(grids, rows, 0.01).table)));
 */
export function concentrationTuningRows(table: readonly ConcentrationTuneChoice[]): Record<string, string | number>[] {
  return table.map((r) => ({
    method: r.method,
    settings: JSON.stringify(r.settings),
    "core (val)": +r.core.toFixed(1),
    "val acc": +r.valAccuracy.toFixed(3),
    "plain val acc": +r.plainValAccuracy.toFixed(3),
    "holds acc.": r.holds ? "yes" : "no",
    chosen: r.chosen ? "✓" : "",
  }));
}

/**
 * Two charts (HTML for `tslab.display.html`) of the summaries of one or more tasks, one colour per task, arms on the
 * vertical axis: the validation core per arm (mean with its 95% interval), and each arm's validation accuracy minus
 * plain training's (mean with the arm's 95% interval, shifted), with a dashed line at −`tolerance`.
 *
 * @example
 * const charts = at.concentrationCharts({ digits: summary }, 128, { fraction: 0.95, tolerance: 0.01 });
 * for (const html of charts) tslab.display.html(html);
 */
export function concentrationCharts(
  byTask: Readonly<Record<string, readonly ConcentrationSummary[]>>,
  width: number,
  options: { fraction?: number; tolerance?: number } = {},
): string[] {
  requireKnownKeys(options, ["fraction", "tolerance"], "concentrationCharts");
  const tasks = Object.keys(byTask);
  const tolerance = options.tolerance ?? 0.01;
  const pct = `${+(100 * (options.fraction ?? 0.95)).toFixed(2)}%`;
  const interval = (xs: readonly Interval[]) => ({ type: "data", symmetric: false, array: xs.map((x) => x.high - x.mean), arrayminus: xs.map((x) => x.mean - x.low) });
  const bars: PlotlyObject[] = tasks.map((task, i) => {
    const s = byTask[task];
    return { type: "bar", orientation: "h", name: task, y: s.map((x) => x.arm), x: s.map((x) => x.core.mean), error_x: interval(s.map((x) => x.core)), marker: { color: COLORS[i % COLORS.length] } };
  });
  const accuracy: PlotlyObject[] = tasks.map((task, i) => {
    const s = byTask[task];
    const plain = s.find((x) => x.arm === "plain")?.valAccuracy.mean ?? Number.NaN;
    return {
      type: "scatter", mode: "markers", name: task, y: s.map((x) => x.arm), x: s.map((x) => x.valAccuracy.mean - plain), error_x: interval(s.map((x) => x.valAccuracy)),
      marker: { color: COLORS[i % COLORS.length], size: 9 },
    };
  });
  const arms = tasks.length > 0 ? byTask[tasks[0]].map((x) => x.arm) : [];
  accuracy.push({
    type: "scatter", mode: "lines", name: `−${+(100 * tolerance).toFixed(2)} point`, x: [-tolerance, -tolerance], y: [arms[0], arms[arms.length - 1]],
    line: { color: "black", width: 1, dash: "dash" },
  });
  const armAxis = { autorange: "reversed", title: { text: "arm" } };
  return [
    chart(bars, {
      ...axes(`${pct} core, validation split (units of ${width})`, "arm", `The ${pct} core per arm (mean, 95% CI over seeds)`),
      barmode: "group", yaxis: armAxis, xaxis: { range: [0, width], title: { text: `${pct} core, validation split (units of ${width})` } },
      margin: { l: 230, t: 50, r: 20, b: 60 }, height: 560,
    }),
    chart(accuracy, {
      ...axes("validation accuracy minus plain training's", "arm", "Does accuracy hold? Validation accuracy minus plain's (mean, 95% CI over seeds)"),
      yaxis: armAxis, margin: { l: 230, t: 50, r: 20, b: 60 }, height: 560,
    }),
  ];
}
