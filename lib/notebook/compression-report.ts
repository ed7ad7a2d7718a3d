/** Tables and charts of the compression study (notebooks 04 and 15), shared so both notebooks show the same views. */
import type { Interval } from "../base/statistics";
import { meanCI } from "../base/statistics";
import { type ArmSummary, type CompressionSetup, IMP_ARM, SCRATCH_ARM, type StudySeed } from "../studies/compression-study";
import { siteWidth } from "../studies/study-setup";
import { interval } from "../studies/summary";
import type { MethodSettings } from "../studies/compression-arms";
import { axes, chart, type PlotlyObject } from "./plot";

const ci = (i: Interval, d = 1) => interval(i, d);
const COLORS = ["#d62728", "#ff9896", "#e377c2", "#1f77b4", "#aec7e8", "#2ca02c", "#98df8a", "#9467bd", "#8c564b", "#bcbd22", "#17becf", "#7f7f7f"];

/**
 * The summary table's rows (for `at.htmlTable`): per arm its settings, updates, units within tolerance of dense with
 * the paired difference to antitraining, test accuracy, loss and ECE at the chosen size, and the fixed-width `refK`
 * comparison before and after fine-tuning.
 *
 * @example
 * tslab.display.html(at.htmlTable(at.compressionTableRows(summary, 16)));
 */
export function compressionTableRows(summary: readonly ArmSummary[], refK: number): Record<string, string | number>[] {
  const f3 = (x: number) => (Number.isNaN(x) ? "" : +x.toFixed(3));
  return summary.map((s) => ({
    arm: s.arm,
    settings: s.settings === "{}" ? "" : s.settings,
    updates: Math.round(s.updates),
    "units within tolerance (val)": ci(s.units),
    "per seed": s.perSeed.join(" "),
    "vs antitrain (paired)": s.arm === "antitrain" ? "" : ci(s.diff),
    "fewer / more units than antitrain": s.arm === "antitrain" ? "" : `${s.fewer} / ${s.more}`,
    "test acc at that size": ci(s.testAcc, 3),
    "test loss": ci(s.testLoss, 3),
    ECE: ci(s.ece, 3),
    [`val acc at k=${refK}, no fine-tuning`]: f3(s.refBefore.mean),
    [`test acc at k=${refK}, fine-tuned`]: f3(s.refAfter.mean),
    ...(Number.isNaN(s.core95.mean) && summary.every((x) => Number.isNaN(x.core95.mean))
      ? {}
      : { "95% core, unpruned (val)": Number.isNaN(s.core95.mean) ? "" : ci(s.core95), "core vs antitrain (paired)": s.arm === "antitrain" || Number.isNaN(s.coreDiff.mean) ? "" : ci(s.coreDiff) }),
  }));
}

/** The tuning table's rows: one per setting, its mean units and small-width accuracy, and which was chosen. */
export function tuningTableRows(table: readonly { method: string; settings: MethodSettings; units: number; smallAcc: number; chosen: boolean }[]): Record<string, string | number>[] {
  return table.map((r) => ({ method: r.method, settings: JSON.stringify(r.settings), "units within tolerance (val)": r.units, "val acc, k ≤ 32": +r.smallAcc.toFixed(3), chosen: r.chosen ? "✓" : "" }));
}

/**
 * Three charts (HTML for `tslab.display.html`): validation accuracy vs units kept for every arm after fine-tuning,
 * the same right after pruning, and the paired difference in units to antitraining with 95% intervals.
 */
export function compressionCharts(setup: CompressionSetup, results: readonly StudySeed[], summary: readonly ArmSummary[]): string[] {
  const curveOf = (r: StudySeed, arm: string) => r.curves.find((c) => c.arm === arm);
  const meanAt = (arm: string, k: number, key: "valAfter" | "valBefore") =>
    meanCI(results.map((r) => curveOf(r, arm)?.points.find((p) => p.k === k)?.[key]).filter((v): v is number => v !== undefined)).mean;
  const width = siteWidth(setup);
  const xTitle = `units kept in ${setup.site} (log scale, of ${width})`;
  const denseVal = meanCI(results.map((r) => r.denseVal)).mean;
  const color = (i: number) => COLORS[i % COLORS.length];
  const armNames = results[0].curves.map((c) => c.arm);
  const after: PlotlyObject[] = armNames.map((arm, i) => {
    const ks = curveOf(results[0], arm)?.points.map((p) => p.k) ?? [];
    return { type: "scatter", mode: "lines+markers", name: arm, x: ks, y: ks.map((k) => meanAt(arm, k, "valAfter")), line: { color: color(i), width: arm === "antitrain" ? 3 : 1.5 } };
  });
  after.push({ type: "scatter", mode: "lines", name: `dense − ${100 * setup.tolerance} point`, x: [Math.min(...setup.keep, ...setup.scratchKeep), width], y: [denseVal - setup.tolerance, denseVal - setup.tolerance], line: { color: "black", width: 1 } });
  // Removal alone: the arms pruned from a full-width model (not iterative pruning or networks trained small).
  const pruned = armNames.filter((arm) => arm !== IMP_ARM && arm !== SCRATCH_ARM);
  const before: PlotlyObject[] = pruned.map((arm) => ({
    type: "scatter", mode: "lines+markers", name: arm, x: [...setup.keep], y: setup.keep.map((k) => meanAt(arm, k, "valBefore")), line: { color: color(armNames.indexOf(arm)), width: arm === "antitrain" ? 3 : 1.5 },
  }));
  const others = summary.filter((s) => s.arm !== "antitrain");
  const log = { type: "log", title: { text: xTitle } };
  return [
    chart(after, { ...axes(xTitle, "validation accuracy after fine-tuning", "Accuracy vs units kept, every arm (mean over seeds)"), xaxis: log, yaxis: { title: { text: "validation accuracy after fine-tuning" }, range: [0.5, 1] }, height: 520 }),
    chart(before, { ...axes(xTitle, "validation accuracy, no fine-tuning", "Removal alone: accuracy right after pruning (mean over seeds)"), xaxis: log, height: 480 }),
    chart(
      [{
        type: "bar", orientation: "h", y: others.map((s) => s.arm), x: others.map((s) => s.diff.mean),
        error_x: { type: "data", symmetric: false, array: others.map((s) => s.diff.high - s.diff.mean), arrayminus: others.map((s) => s.diff.mean - s.diff.low) },
        marker: { color: others.map((s) => (s.diff.low > 0 ? "#2ca02c" : s.diff.high < 0 ? "#d62728" : "#7f7f7f")) },
      }],
      { ...axes("units needed minus antitraining's (paired per seed, 95% CI)", "arm", "Paired difference to antitraining: > 0 means the arm needs more units"), margin: { l: 230, t: 50, r: 20, b: 60 }, height: 460 },
    ),
  ];
}

