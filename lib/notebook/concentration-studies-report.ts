/** Tables and charts of the concentration studies' registered forms (notebooks 01 and 02) beyond `concentration-report.ts`. */
import type { Interval } from "../base/statistics";
import type { ProbeAggregate } from "../studies/concentration/probes";
import { axes, chart } from "./plot";

/** `mean [low, high]`, or the mean alone for one seed. */
const ci = (i: Interval, d: number) => (i.n > 1 ? `${i.mean.toFixed(d)} [${i.low.toFixed(d)}, ${i.high.toFixed(d)}]` : i.mean.toFixed(d));
const TASK_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"];

/**
 * The probe table's rows (for `nb.htmlTable`): per task and probe fraction f, the plain arm's f-core spectators and
 * their share of the whole-layer damage, mean [95% CI].
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.probeRows(details.probes)));
 */
export function probeRows(probes: Readonly<Record<string, Readonly<Record<string, ProbeAggregate>>>>): Record<string, string | number>[] {
  return Object.entries(probes).flatMap(([task, byFraction]) =>
    Object.entries(byFraction).map(([f, agg]) => ({
      task,
      f: Number(f),
      spectators: ci(agg.spectators, 1),
      "spectators' damage / whole layer's": ci(agg.spectatorShare, 3),
    })),
  );
}

/**
 * One chart (HTML for `tslab.display.html`): per task, the plain arm's f-core spectators' share of the whole-layer
 * damage against f.
 *
 * @example
 * tslab.display.html(nb.probeChart(details.probes));
 */
export function probeChart(probes: Readonly<Record<string, Readonly<Record<string, ProbeAggregate>>>>): string {
  const traces = Object.entries(probes).map(([task, byFraction], i) => {
    const fs = Object.keys(byFraction);
    return {
      x: fs.map(Number),
      y: fs.map((f) => byFraction[f].spectatorShare.mean),
      type: "scatter",
      mode: "lines+markers",
      name: task,
      line: { color: TASK_COLORS[i % TASK_COLORS.length] },
    };
  });
  return chart(traces, axes("core fraction f", "spectators' damage / whole-layer damage", "Plain training: what the spectators of the f-core carry (validation split)"));
}

