/** Tables and charts of notebook 12's concept study. */
import type { Interval } from "../base/statistics";
import { CONCEPT_CONDITIONS, type ConceptSeed } from "../studies/concepts/run-seed";
import { CONCEPT_MEASUREMENTS, type ConceptTable } from "../studies/concepts/summarize";
import { plusMinus } from "../studies/summary";
import { axes, chart, type PlotlyObject } from "./plot";

/** "mean ±half-width of the 95% CI" (st.plusMinus). */
const meanPm = (i: Interval, d = 3) => plusMinus(i, d);

/**
 * The table's rows (for `nb.htmlTable`): one per measurement, one column per condition, "mean ±half-width of the 95% CI".
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.conceptTableRows(run.summary.details.table)));
 */
export function conceptTableRows(table: ConceptTable): Record<string, string>[] {
  return CONCEPT_MEASUREMENTS.map((m) => ({ measurement: m, ...Object.fromEntries(CONCEPT_CONDITIONS.map((c) => [c, meanPm(table[c][m])])) }));
}

/**
 * A grouped bar chart (HTML): the output probe's concept accuracy clean, with the concept units randomized and with
 * the other units randomized, per condition (mean with its 95% interval), and a dashed line at chance.
 *
 * @example
 * tslab.display.html(nb.conceptFlowChart(table, chance, 4));
 */
export function conceptFlowChart(table: ConceptTable, chance: number, units: number): string {
  const groups = [["probeClean", "clean"], ["probeChosen", "chosen units randomized"], ["probeOthers", "other units randomized"]] as const;
  const bars: PlotlyObject[] = CONCEPT_CONDITIONS.map((condition) => ({
    type: "bar",
    name: condition,
    x: groups.map((g) => g[1]),
    y: groups.map((g) => table[condition][g[0]].mean),
    error_y: {
      type: "data",
      symmetric: false,
      array: groups.map((g) => table[condition][g[0]].high - table[condition][g[0]].mean),
      arrayminus: groups.map((g) => table[condition][g[0]].mean - table[condition][g[0]].low),
    },
  }));
  bars.push({ type: "scatter", mode: "lines", name: "chance", x: groups.map((g) => g[1]), y: groups.map(() => chance), line: { dash: "dash", color: "gray" } });
  const y = "output probe's parity accuracy (test)";
  return chart(bars, {
    barmode: "group",
    ...axes("what is randomized at h1", y, `Does parity reach the output only through the ${units} chosen units?`),
    yaxis: { title: { text: y }, range: [0.4, 1] },
  });
}

/** A running mean over the last `k` values. */
function smooth(v: readonly number[], k = 25): number[] {
  return v.map((_, i) => {
    const s = v.slice(Math.max(0, i - k + 1), i + 1);
    return s.reduce((a, b) => a + b, 0) / s.length;
  });
}

/**
 * The concept antitraining loss of every seed (25-step running mean, HTML), with ln 2: the loss when the output says
 * nothing about a two-valued concept.
 *
 * @example
 * tslab.display.html(nb.conceptLossChart(run.results));
 */
export function conceptLossChart(results: readonly ConceptSeed[]): string {
  const steps = Math.max(0, ...results.map((r) => r.antiLoss.length));
  return chart(
    [
      ...results.map((r) => ({ type: "scatter", mode: "lines", name: `seed ${r.seed}`, y: smooth(r.antiLoss) })),
      { type: "scatter", mode: "lines", name: "ln 2 (parity gone)", x: [0, steps - 1], y: [Math.log(2), Math.log(2)], line: { dash: "dash", color: "gray" } },
    ],
    axes("concept antitrain step", "loss vs uniform parity (25-step mean)", "Concept antitraining loss"),
  );
}
