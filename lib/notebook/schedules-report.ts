/** Tables and charts of the schedules study (notebook 05). */
import type { Interval } from "../base/statistics";
import type { ScheduleRun } from "../studies/schedules/run-schedules";
import type { SchedulesTables } from "../studies/schedules/summarize";
import { plusMinus } from "../studies/summary";
import { axes, chart, type PlotlyObject } from "./plot";

const fmt = (v: Interval, d = 3) => plusMinus(v, d);
const PALETTE: Record<string, string> = { plain: "#444", interleaved: "#1f77b4", cyclic: "#d62728" };

/**
 * The final-state table's rows (for `nb.htmlTable`): per schedule the final 95% core, spectator damage, final test
 * accuracy and loss, and the accuracy at the end of the last training phase (mean ± 95% half-width over seeds).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.schedulesTableRows(run.summary.details)));
 */
export function schedulesTableRows(tables: SchedulesTables): Record<string, string>[] {
  return Object.entries(tables.aggregate).map(([schedule, agg]) => ({
    schedule, "95% core": fmt(agg.coreSize, 1), "spectator dmg": fmt(agg.spectatorDamage),
    "acc (final)": fmt(agg.testAccuracy), "final loss": fmt(agg.testLoss), "acc train-end": fmt(agg.lastTrainPhaseEndAccuracy),
  }));
}

/**
 * The reattachment table's rows: per schedule the reattached units per cycle and the rate (share of the spectators).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.reattachmentRows(run.summary.details)));
 */
export function reattachmentRows(tables: SchedulesTables): Record<string, string>[] {
  return Object.entries(tables.reattachment).map(([schedule, r]) => ({ schedule, "reattached/cycle": fmt(r.count, 2), rate: fmt(r.rate) }));
}

/**
 * Two charts (HTML for `tslab.display.html`): the reported core at each re-measurement, and test accuracy at both
 * phase ends, per schedule, averaged over seeds. `suffix` is appended to each title.
 *
 * @example
 * for (const html of nb.schedulesCharts(run.results.flat(), 128)) tslab.display.html(html);
 */
export function schedulesCharts(runs: readonly ScheduleRun[], hidden: number, suffix = ""): string[] {
  const names = [...new Set(runs.map((r) => r.schedule))];
  const mean = (xs: readonly (readonly number[])[]) => xs[0].map((_, i) => xs.reduce((s, x) => s + x[i], 0) / xs.length);
  const sched = (name: string) => runs.filter((r) => r.schedule === name);
  const coreTraces: PlotlyObject[] = names.map((name) => ({ x: sched(name)[0].steps,
    y: mean(sched(name).map((r) => r.reportCores.map((c) => c.length))), type: "scatter", mode: "lines+markers",
    name, line: { color: PALETTE[name] } }));
  const accTraces: PlotlyObject[] = [
    ...names.map((name) => ({ x: sched(name)[0].steps, y: mean(sched(name).map((r) => r.trainPhaseEndAccuracy)),
      type: "scatter", mode: "lines+markers", name: `${name}: end of training phase`, line: { color: PALETTE[name] } })),
    ...names.filter((name) => sched(name)[0].antiSteps.length > 0).map((name) => ({ x: sched(name)[0].antiSteps, y: mean(sched(name).map((r) => r.antiPhaseEndAccuracy)), type: "scatter",
      mode: "lines+markers", name: `${name}: end of antitraining phase`, line: { color: PALETTE[name], dash: "dot" } })),
  ];
  return [
    chart(coreTraces, axes("training step", `95% core size (of ${hidden} units), training data`, `The reported core at each re-measurement (end of a training phase)${suffix}`)),
    chart(accTraces, axes("training step", "test accuracy", `Test accuracy at both phase ends${suffix}`)),
  ];
}

/**
 * A heatmap of one run's unit membership over its re-measurements: 2 = in the antitrained core, 1 = in the
 * reported (95%) core only, 0 = spectator; units sorted by their membership history, most core first.
 *
 * @example
 * tslab.display.html(nb.membershipHeatmap(run.results[0][2], 128, "cyclic: unit membership over cycles (seed 0)"));
 */
export function membershipHeatmap(run: ScheduleRun, hidden: number, title: string): string {
  const membership: number[][] = Array.from({ length: hidden }, (_, u) => run.antitrainedCores.map((core, c) =>
    core.includes(u) ? 2 : run.reportCores[c].includes(u) ? 1 : 0));
  const weight = (u: number) => membership[u].reduce((s, v, i) => s + v * 2 ** (membership[u].length - i), 0);
  const order = Array.from({ length: hidden }, (_, u) => u).sort((a, b) => weight(b) - weight(a));
  return chart([{ type: "heatmap", z: order.map((u) => membership[u]), x: run.steps.map(String),
    y: order.map((u) => `u${u}`), colorscale: [[0, "#f0f0f0"], [0.5, "#9ecae1"], [1, "#08519c"]], zmin: 0, zmax: 2,
    colorbar: { tickvals: [0, 1, 2], ticktext: ["spectator", "95% core", "50% core"] } }],
    { ...axes("re-measurement at training step", "unit (sorted by history)", title),
      height: 520, yaxis: { title: { text: "unit (sorted by history)" }, showticklabels: false } });
}
