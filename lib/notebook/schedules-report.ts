/** Tables and charts of the schedules study (notebook 05). */
import type { Interval } from "../base/statistics";
import type { ScheduleRun } from "../studies/schedules/run-schedules";
import { type ScheduleName, knobsLabel } from "../studies/schedules/settings";
import type { SchedulesTables, SchedulesTuneChoice } from "../studies/schedules/summarize";
import { signedNumber } from "../studies/summary";
import type { PairedDifference, StudySummary } from "../studies/study";
import { plusMinus, signedInterval } from "../studies/summary";
import { axes, chart, type PlotlyObject } from "./plot";

const fmt = (v: Interval, d = 3) => plusMinus(v, d);
const PALETTE: Record<string, string> = { plain: "#444", interleaved: "#1f77b4", cyclic: "#d62728", "group lasso": "#2ca02c" };

/**
 * The tuning table's rows: every configuration of every tuned arm with its mean validation 95% core and accuracy
 * over the tuning seeds, whether it holds accuracy (within tolerance of plain's) and which one was chosen.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.schedulesTuningRows(st.chooseSchedules(SETTINGS, run.tuning).table)));
 */
export function schedulesTuningRows(table: readonly SchedulesTuneChoice[]): Record<string, string>[] {
  return table.map((t) => ({
    arm: t.arm, configuration: knobsLabel(t.arm as ScheduleName, t.knobs), "95% core, val": t.valCore.toFixed(1), "val acc": t.valAccuracy.toFixed(3),
    "holds acc.?": t.holds ? "yes" : "no", chosen: t.chosen ? "✓" : "",
  }));
}

const paired = (s: StudySummary, arm: string): PairedDifference | undefined => s.paired.find((p) => p.arm === arm);
const pairedCell = (p: PairedDifference | undefined, d: number) => (p === undefined ? "—" : `${signedInterval(p, d)} (median ${signedNumber(p.median, d)}, p = ${p.wilcoxonP.toPrecision(2)})`);

/**
 * The final table's rows (for `nb.htmlTable`): per arm its chosen knobs and training steps at the common update
 * budget, the 95% core on validation and on test (mean ± 95% half-width), the paired test-core difference to
 * interleaved (t interval, median, Wilcoxon p), test accuracy and loss with their paired differences.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.schedulesTableRows(run.summary)));
 */
export function schedulesTableRows(summary: StudySummary): Record<string, string>[] {
  const tables = summary.details as SchedulesTables;
  return Object.entries(tables.aggregate).map(([arm, agg]) => ({
    arm, knobs: knobsLabel(arm as ScheduleName, agg.knobs), "training steps": `${agg.trainingSteps} of ${agg.updates}`,
    "95% core, val": fmt(agg.valCore, 1), "95% core, test": fmt(agg.testCore, 1), "test core − interleaved": pairedCell(paired(summary, arm), 1),
    "test acc": fmt(agg.testAccuracy), "acc − interleaved": pairedCell(paired(tables.accuracy, arm), 3),
    "test loss": fmt(agg.testLoss), "loss − interleaved": pairedCell(paired(tables.loss, arm), 3),
  }));
}

/**
 * The reattachment table's rows: per arm the training steps between re-measurements, the units per re-measurement
 * that were spectators of the antitrained core and are in it at the next, and that count's share of the spectators.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.reattachmentRows(run.summary.details)));
 */
export function reattachmentRows(tables: SchedulesTables): Record<string, string>[] {
  return Object.entries(tables.reattachment).map(([arm, r]) => ({ arm, "re-measured every": `${r.cadence} training steps`, "reattached / re-measurement": fmt(r.count, 2), rate: fmt(r.rate) }));
}

/**
 * Two charts (HTML for `tslab.display.html`): the reported core (on training rows) at each re-measurement, and
 * validation accuracy at each re-measurement and, for cyclic, after each antitraining phase, per arm against the
 * optimizer updates spent after pretraining, averaged over seeds. `suffix` is appended to each title.
 *
 * @example
 * for (const html of nb.schedulesCharts(run.results.flat(), 128)) tslab.display.html(html);
 */
export function schedulesCharts(runs: readonly ScheduleRun[], hidden: number, suffix = ""): string[] {
  const names = [...new Set(runs.map((r) => r.arm))];
  const mean = (xs: readonly (readonly number[])[]) => xs[0].map((_, i) => xs.reduce((s, x) => s + x[i], 0) / xs.length);
  const of = (name: string) => runs.filter((r) => r.arm === name);
  const coreTraces: PlotlyObject[] = names.map((name) => ({ x: of(name)[0].measureUpdates,
    y: mean(of(name).map((r) => r.reportCores.map((c) => c.length))), type: "scatter", mode: "lines+markers",
    name, line: { color: PALETTE[name] } }));
  const accTraces: PlotlyObject[] = [
    ...names.map((name) => ({ x: of(name)[0].measureUpdates, y: mean(of(name).map((r) => r.measureValAccuracy)),
      type: "scatter", mode: "lines+markers", name: `${name}: at re-measurement`, line: { color: PALETTE[name] } })),
    ...names.filter((name) => of(name)[0].antiPhaseUpdates.length > 0).map((name) => ({ x: of(name)[0].antiPhaseUpdates, y: mean(of(name).map((r) => r.antiPhaseValAccuracy)), type: "scatter",
      mode: "lines+markers", name: `${name}: end of antitraining phase`, line: { color: PALETTE[name], dash: "dot" } })),
  ];
  return [
    chart(coreTraces, axes("optimizer updates after pretraining", `95% core size (of ${hidden} units), training rows`, `The reported core at each re-measurement${suffix}`)),
    chart(accTraces, axes("optimizer updates after pretraining", "validation accuracy", `Validation accuracy during training${suffix}`)),
  ];
}

/**
 * A heatmap of one run's unit membership over its re-measurements: 2 = in the antitrained core, 1 = in the
 * reported (95%) core only, 0 = spectator; units sorted by their membership history, most core first.
 *
 * @example
 * tslab.display.html(nb.membershipHeatmap(run.results[0][2], 128, "cyclic: unit membership (seed 0)"));
 */
export function membershipHeatmap(run: ScheduleRun, hidden: number, title: string): string {
  const membership: number[][] = Array.from({ length: hidden }, (_, u) => run.antitrainedCores.map((core, c) =>
    core.includes(u) ? 2 : run.reportCores[c].includes(u) ? 1 : 0));
  const weight = (u: number) => membership[u].reduce((s, v, i) => s + v * 2 ** (membership[u].length - i), 0);
  const order = Array.from({ length: hidden }, (_, u) => u).sort((a, b) => weight(b) - weight(a));
  return chart([{ type: "heatmap", z: order.map((u) => membership[u]), x: run.measureUpdates.map(String),
    y: order.map((u) => `u${u}`), colorscale: [[0, "#f0f0f0"], [0.5, "#9ecae1"], [1, "#08519c"]], zmin: 0, zmax: 2,
    colorbar: { tickvals: [0, 1, 2], ticktext: ["spectator", "95% core", "50% core"] } }],
    { ...axes("re-measurement at optimizer update (after pretraining)", "unit (sorted by history)", title),
      height: 520, yaxis: { title: { text: "unit (sorted by history)" }, showticklabels: false } });
}
