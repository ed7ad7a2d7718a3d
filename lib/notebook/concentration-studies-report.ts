/** Tables and charts of the concentration studies' registered forms (notebooks 01 and 02) beyond `concentration-report.ts`. */
import { AntitrainError } from "../base/errors";
import type { Interval } from "../base/statistics";
import { requireKnownKeys } from "../base/validate";
import type { ConcentrationSummary } from "../studies/concentration-study";
import type { EquivalenceDetails } from "../studies/concentration/equivalence-class";
import type { ProbeAggregate } from "../studies/concentration/probes";
import type { ConcentrationTask } from "../studies/concentration/tasks";
import { interval } from "../studies/summary";
import { type PlotlyObject, axes, chart } from "./plot";

/** `mean [low, high]` (st.interval). */
const ci = (i: Interval, d: number) => interval(i, d);
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

/** Notebook 02's colour per arm (controls dotted in the chart). */
const ARM_COLORS: Readonly<Record<string, string>> = {
  plain: "#7f7f7f",
  "antitrain 0.5": "#d62728",
  "control: spectators, true labels": "#ff9896",
  "control: core, true labels": "#e377c2",
  "group lasso": "#1f77b4",
  "network slimming": "#2ca02c",
  "activation L1": "#9467bd",
  "targeted dropout": "#8c564b",
  "nested dropout": "#17becf",
};

/** One arm's summary in a cell of notebook 02's sweep. */
function armAt(details: EquivalenceDetails, task: string, width: number, arm: string): ConcentrationSummary {
  const found = details.summary[`${task}/${width}`]?.find((x) => x.arm === arm);
  if (found === undefined) throw new AntitrainError(`no summary of "${arm}" at ${task}/${width}: pass the study's details and its settings' widths`);
  return found;
}

/**
 * Notebook 02's per-task table rows: per arm, at each width the validation and test-split cores, test accuracy and
 * whether accuracy holds, then the core's growth between neighbouring widths (test split, paired per seed).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.widthTableRows(details, "digits", [64, 256], SETTINGS.arms)));
 */
export function widthTableRows(details: EquivalenceDetails, task: ConcentrationTask, widths: readonly number[], arms: readonly string[]): Record<string, string | number>[] {
  return arms.map((arm) => {
    const row: Record<string, string | number> = { task, arm };
    for (const w of widths) {
      const s = armAt(details, task, w, arm);
      row[`W=${w} core (val)`] = ci(s.core, 1);
      row[`W=${w} core (test)`] = ci(s.testCore, 1);
      row[`W=${w} test acc`] = ci(s.testAccuracy, 3);
      row[`W=${w} holds acc.`] = s.holds ? "yes" : "no";
    }
    for (const g of details.growth[task][arm]) row[`growth ${g.from}→${g.to} (test, paired)`] = ci(g.testCore, 1);
    return row;
  });
}

/**
 * Notebook 02's one-line reading per task: every arm's mean test-split core at the narrowest and the widest width.
 *
 * @example
 * console.log(nb.widthGrowthLine(details, "digits", [64, 256], SETTINGS.arms));
 */
export function widthGrowthLine(details: EquivalenceDetails, task: ConcentrationTask, widths: readonly number[], arms: readonly string[]): string {
  const [lo, hi] = [widths[0], widths[widths.length - 1]];
  const core = (w: number, arm: string) => armAt(details, task, w, arm).testCore.mean.toFixed(1);
  return `${task}: test-split 95% core from W = ${lo} to ${hi}: ${arms.map((a) => `${a} ${core(lo, a)} → ${core(hi, a)}`).join("; ")}`;
}

/**
 * Notebook 02's chart for one task (HTML): the validation 95% core against the width per arm, log–log, with 95% CIs,
 * the line core = width, and (when `teacherK` is given) the teacher's width.
 *
 * @example
 * tslab.display.html(nb.widthChart(details, "teacher-student", [32, 512], SETTINGS.arms, { title: "…", teacherK: 8 }));
 */
export function widthChart(
  details: EquivalenceDetails,
  task: ConcentrationTask,
  widths: readonly number[],
  arms: readonly string[],
  options: { title: string; teacherK?: number },
): string {
  requireKnownKeys(options, ["title", "teacherK"], "widthChart");
  const traces: PlotlyObject[] = arms.map((arm) => {
    const s = widths.map((w) => armAt(details, task, w, arm).core);
    return {
      x: widths, y: s.map((i) => i.mean),
      error_y: { type: "data", symmetric: false, array: s.map((i) => (i.n > 1 ? i.high - i.mean : 0)), arrayminus: s.map((i) => (i.n > 1 ? i.mean - i.low : 0)) },
      type: "scatter", mode: "lines+markers", name: arm, line: { color: ARM_COLORS[arm], dash: arm.startsWith("control") ? "dot" : "solid" },
    };
  });
  traces.push({ x: widths, y: widths, type: "scatter", mode: "lines", name: "core = whole layer", line: { color: "black", dash: "dash", width: 1 } });
  const k = options.teacherK;
  if (k !== undefined) {
    traces.push({ x: [widths[0], widths[widths.length - 1]], y: [k, k], type: "scatter", mode: "lines", name: `teacher width k = ${k}`, line: { color: "#bcbd22", dash: "dash", width: 1 } });
  }
  const y = "95% core, validation split (units)";
  return chart(traces, { ...axes("hidden width W", y, options.title), xaxis: { title: { text: "hidden width W" }, type: "log" }, yaxis: { title: { text: y }, type: "log" }, height: 480 });
}
