/** Tables and charts of the regularization study (notebook 03). */
import type { Interval } from "../base/statistics";
import type { RegularizationTables } from "../studies/regularization/summarize";
import { interval, intervalBounds } from "../studies/summary";
import { axes, chart, type PlotlyObject } from "./plot";

const fmt = (x: number) => Number(x.toFixed(4));
const ci = (i: Interval, d = 3) => interval(i, d);

/**
 * The selection table's rows (for `nb.htmlTable`): per method its validation-chosen configuration, test accuracy with
 * its interval, training accuracy, and the spreads across its own hyperparameter and across learning rates.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.regularizationTableRows(run.summary.details)));
 */
export function regularizationTableRows(tables: RegularizationTables): Record<string, string | number>[] {
  return tables.summary.map((s) => ({
    method: s.method, chosen: s.chosen, lr: s.lr, "test acc": fmt(s.testAcc), "95% CI": intervalBounds({ mean: s.testAcc, low: s.ciLow, high: s.ciHigh, n: s.seeds }, 4),
    "train acc": fmt(s.trainAcc), "spread (own hyper)": fmt(s.spreadHyper), "spread (lr)": fmt(s.spreadLr), "worst config": fmt(s.worstConfig),
  }));
}

/**
 * The paired table's rows: per method its chosen configuration's test loss and ECE, and its differences to
 * antitraining's choice in accuracy, loss and ECE (mean [95% CI] over seeds).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.regularizationPairedRows(run.summary.details)));
 */
export function regularizationPairedRows(tables: RegularizationTables): Record<string, string>[] {
  return tables.paired.map((p) => ({
    method: p.method, chosen: p.chosen, "test loss": ci(p.testLoss), ECE: ci(p.ece), "test acc − antitraining (paired)": ci(p.accVsAnti),
    "test loss − antitraining (paired)": ci(p.lossVsAnti), "ECE − antitraining (paired)": ci(p.eceVsAnti),
  }));
}

/**
 * Three charts (HTML for `tslab.display.html`): every configuration's test accuracy at every learning rate, each
 * method's chosen hyperparameter across learning rates, and the 95% core after training per configuration.
 * `suffix` is appended to every title (e.g. " (quick setting: a smoke test)").
 *
 * @example
 * for (const html of nb.regularizationCharts(run.summary.details, SETTINGS)) tslab.display.html(html);
 */
export function regularizationCharts(tables: RegularizationTables, settings: { readonly learningRates: readonly number[]; readonly hidden: number }, suffix = ""): string[] {
  const { grid, summary } = tables;
  const { learningRates, hidden } = settings;
  const lrTraces: PlotlyObject[] = learningRates.map((lr) => {
    const g = grid.filter((x) => x.lr === lr);
    return {
      type: "bar", name: `lr ${lr}`, x: g.map((x) => x.label), y: g.map((x) => x.test.mean),
      error_y: { type: "data", symmetric: false, array: g.map((x) => x.test.high - x.test.mean), arrayminus: g.map((x) => x.test.mean - x.test.low) },
    };
  });
  const lrLines: PlotlyObject[] = summary.map((s) => {
    const g = grid.filter((x) => x.label === s.chosen);
    return { type: "scatter", mode: "lines+markers", name: s.chosen, x: g.map((x) => x.lr), y: g.map((x) => x.test.mean) };
  });
  const coreBars: PlotlyObject[] = learningRates.map((lr) => {
    const g = grid.filter((x) => x.lr === lr);
    return { type: "bar", name: `lr ${lr}`, x: g.map((x) => x.label), y: g.map((x) => x.core95) };
  });
  return [
    chart(lrTraces, { ...axes("configuration", "test accuracy (mean over seeds, 95% CI)", `Small-data digits: every configuration at ${learningRates.length} learning rates${suffix}`), barmode: "group", yaxis: { title: { text: "test accuracy" }, range: [0.8, 1] }, height: 460 }),
    chart(lrLines, { ...axes("learning rate", "test accuracy (mean over seeds)", `Each method at its chosen hyperparameter, across learning rates${suffix}`), xaxis: { type: "log", title: { text: "learning rate (log)" } } }),
    chart(coreBars, { ...axes("configuration", `95% core size (units of ${hidden})`, `Core size after training${suffix}`), barmode: "group" }),
  ];
}
