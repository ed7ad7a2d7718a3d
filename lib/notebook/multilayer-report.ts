/** Tables and charts of the multilayer study (notebook 06). */
import type { Interval } from "../base/statistics";
import { requireKnownKeys } from "../base/validate";
import {
  MULTILAYER_REFERENCE,
  type MultilayerDenseSummary,
  type MultilayerSeed,
  type MultilayerSummary,
  type MultilayerTuneChoice,
} from "../studies/multilayer-study";
import { interval, signedInterval } from "../studies/summary";
import { type PlotlyObject, axes, chart } from "./plot";

/** `mean [low, high]`. */
const ci = (i: Interval, d = 3) => interval(i, d);
/** A signed difference with its interval: `+0.012 [−0.003, +0.027]`. */
const signed = (i: Interval, d = 3) => signedInterval(i, d);
const SITE_COLORS: Readonly<Record<string, string>> = { h1: "#1f77b4", h2: "#2ca02c", h3: "#d62728" };
const ARM_COLORS = ["#d62728", "#1f77b4", "#aec7e8", "#2ca02c", "#9467bd", "#8c564b", "#7f7f7f", "#17becf", "#98df8a", "#c5b0d5", "#e377c2"];

/**
 * The tuning table's rows: per setting the parameters kept at its own cores, validation accuracy after fine-tuning
 * beside plain's dense model, whether it holds, and which was chosen.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.multilayerTuningRows(st.multilayerTuningTable(SETTINGS, run.tuning))));
 */
export function multilayerTuningRows(table: readonly MultilayerTuneChoice[]): Record<string, string | number>[] {
  return table.map((r) => ({
    method: r.method, settings: JSON.stringify(r.settings), "params kept (own cores)": Math.round(r.params),
    "val acc after fine-tuning": r.valAfter.toFixed(3), "plain dense val acc": r.plainValAccuracy.toFixed(3),
    "within 1 point": r.holds ? "yes" : "no", chosen: r.chosen ? "✓" : "",
  }));
}

/**
 * The dense models' rows: every method after its updates, before compression.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.multilayerDenseRows(details.dense)));
 */
export function multilayerDenseRows(dense: readonly MultilayerDenseSummary[]): Record<string, string | number>[] {
  return dense.map((d) => ({
    "dense model": d.method, settings: d.settings === "{}" ? "" : d.settings, params: d.params,
    "val acc": ci(d.valAccuracy), "test acc": ci(d.testAccuracy), "test loss": ci(d.testLoss), ECE: ci(d.ece),
  }));
}

/**
 * The compressed arms' rows: kept widths, parameters (and their share of the dense network's `denseParams`),
 * validation accuracy before and after fine-tuning, test accuracy, loss and ECE, each paired against antitraining.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.multilayerTableRows(details.summary, details.dense[0].params)));
 */
export function multilayerTableRows(summary: readonly MultilayerSummary[], denseParams: number): Record<string, string | number>[] {
  return summary.map((s) => {
    const isRef = s.arm === MULTILAYER_REFERENCE;
    return {
      arm: s.arm, "compared at": s.compare, settings: s.settings === "{}" ? "" : s.settings, updates: Math.round(s.updates),
      "kept h1/h2/h3": s.widths.map((w) => w.mean.toFixed(1)).join(" / "),
      "params kept": `${((100 * s.params.mean) / denseParams).toFixed(0)}% · ${ci(s.params, 0)}`,
      "params vs antitrain": isRef || s.compare === "equal widths" ? "" : signed(s.paramsDiff, 0),
      "val acc, compressed": ci(s.valBefore), "val acc, fine-tuned": ci(s.valAfter),
      "test acc": ci(s.testAccuracy), "test acc vs antitrain": isRef ? "" : signed(s.testAccuracyDiff),
      "above / below antitrain (seeds)": isRef ? "" : `${s.better} / ${s.worse}`,
      "test loss": ci(s.testLoss), "loss vs antitrain": isRef ? "" : signed(s.testLossDiff),
      ECE: ci(s.ece), "ECE vs antitrain": isRef ? "" : signed(s.eceDiff),
    };
  });
}

/**
 * One line: antitraining's kept widths, share of the parameters and test accuracy, and the best equal-width baseline.
 *
 * @example
 * console.log(nb.multilayerHeadline(details.summary, details.dense[0].params));
 */
export function multilayerHeadline(summary: readonly MultilayerSummary[], denseParams: number): string {
  const ref = summary.find((s) => s.arm === MULTILAYER_REFERENCE) as MultilayerSummary;
  const bestEqual = summary.filter((s) => s.compare === "equal widths" && s.arm !== ref.arm).sort((a, b) => b.testAccuracy.mean - a.testAccuracy.mean)[0];
  return (
    `antitraining keeps ${ref.widths.map((w) => w.mean.toFixed(1)).join(" / ")} units, ${((100 * ref.params.mean) / denseParams).toFixed(0)}% of the parameters, ` +
    `test accuracy ${ref.testAccuracy.mean.toFixed(3)} after fine-tuning; at the same widths the best baseline is ${bestEqual.arm} at ${bestEqual.testAccuracy.mean.toFixed(3)}, ` +
    `paired ${signed(bestEqual.testAccuracyDiff)}`
  );
}

/**
 * Per seed: antitraining's widths and every equal-width arm's test accuracy after fine-tuning.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.multilayerPerSeedRows(run.results)));
 */
export function multilayerPerSeedRows(results: readonly MultilayerSeed[]): Record<string, string | number>[] {
  return results.map((r) => ({
    seed: r.seed,
    "antitrain widths": r.widths.join(" / "),
    ...Object.fromEntries(r.rows.filter((x) => x.compare === "equal widths").map((x) => [x.arm, x.testAccuracy.toFixed(3)])),
  }));
}

/**
 * Three charts (HTML): plain's and antitraining's cores per layer during training (mean over seeds); parameters kept
 * against test accuracy per arm (circles: antitraining's widths, diamonds: own cores, star: the dense plain network);
 * and each arm's test accuracy minus antitraining's, paired per seed. `title` decorates each chart's title.
 *
 * @example
 * for (const html of nb.multilayerCharts(run.results, details, { width: 64 })) tslab.display.html(html);
 */
export function multilayerCharts(
  results: readonly MultilayerSeed[],
  details: { readonly summary: readonly MultilayerSummary[]; readonly dense: readonly MultilayerDenseSummary[] },
  options: { width: number; sites?: readonly string[]; title?: (title: string) => string },
): string[] {
  requireKnownKeys(options, ["width", "sites", "title"], "multilayerCharts");
  const title = options.title ?? ((t: string) => t);
  const sites = options.sites ?? ["h1", "h2", "h3"];
  const { summary, dense } = details;
  const traces: PlotlyObject[] = [];
  for (const method of ["plain", "antitrain"] as const) {
    for (const site of sites) {
      const points = results.flatMap((r) => (r.dense.find((d) => d.method === method)?.curve ?? []).filter((c) => c.site === site));
      const xs = [...new Set(points.map((p) => p.updates))].sort((a, b) => a - b);
      const mean = (u: number) => {
        const cs = points.filter((p) => p.updates === u).map((p) => p.core);
        return cs.reduce((a, b) => a + b, 0) / cs.length;
      };
      traces.push({ x: xs, y: xs.map(mean), type: "scatter", mode: "lines+markers", name: `${site}, ${method}`, line: { color: SITE_COLORS[site], dash: method === "plain" ? "dot" : "solid" } });
    }
  }
  const cores = chart(traces, axes("optimizer updates after pretraining", `95% core size (units of ${options.width}), training data`, title("Per-layer core size during training (mean over seeds)")));
  const ref = summary.find((s) => s.arm === MULTILAYER_REFERENCE) as MultilayerSummary;
  const bar = (i: Interval) => ({ type: "data", symmetric: false, array: [i.high - i.mean], arrayminus: [i.mean - i.low] });
  const scatter: PlotlyObject[] = summary.map((s, i) => ({
    x: [s.params.mean], y: [s.testAccuracy.mean], type: "scatter", mode: "markers", name: s.arm,
    marker: { size: s.arm === ref.arm ? 14 : 10, color: ARM_COLORS[i % ARM_COLORS.length], symbol: s.compare === "own cores" && s.arm !== ref.arm ? "diamond" : "circle" },
    error_y: bar(s.testAccuracy), error_x: bar(s.params),
  }));
  const denseAcc = dense.find((d) => d.method === "plain") as MultilayerDenseSummary;
  const none = { type: "data", symmetric: false, array: [0], arrayminus: [0] };
  scatter.push({ x: [dense[0].params], y: [denseAcc.testAccuracy.mean], type: "scatter", mode: "markers", name: "plain, dense (uncompressed)", marker: { size: 12, color: "#000000", symbol: "star" }, error_y: none, error_x: none });
  const size = chart(scatter, { ...axes("parameters kept (log scale)", "test accuracy after fine-tuning", title("Parameters kept vs test accuracy")), xaxis: { title: { text: "parameters kept (log scale)" }, type: "log" }, height: 520 });
  const others = summary.filter((s) => s.arm !== ref.arm);
  const paired = chart(
    [{
      type: "scatter", mode: "markers", x: others.map((s) => s.testAccuracyDiff.mean), y: others.map((s) => s.arm),
      error_x: { type: "data", symmetric: false, array: others.map((s) => s.testAccuracyDiff.high - s.testAccuracyDiff.mean), arrayminus: others.map((s) => s.testAccuracyDiff.mean - s.testAccuracyDiff.low) },
      marker: { size: 10, color: others.map((s) => (s.compare === "equal widths" ? "#1f77b4" : "#ff7f0e")) }, name: "arm − antitrain",
    }],
    { ...axes("test accuracy minus antitraining's (paired per seed, 95% CI)", "arm", title("Test accuracy, paired vs antitraining")), margin: { l: 230, t: 50, r: 20, b: 60 }, height: 460 },
  );
  return [cores, size, paired];
}
