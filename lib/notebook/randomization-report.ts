/** Tables and charts of the randomization study (notebook 07). */
import type { Interval } from "../base/statistics";
import type { RandomizationSeed } from "../studies/randomization/run-seed";
import { type BranchSummary, meanAgreement } from "../studies/randomization/tables";
import { interval } from "../studies/summary";
import { axes, chart, type PlotlyObject } from "./plot";

/** `mean (low–high)`. */
const g = (i: Interval, d = 3) => interval(i, d);

/** Asymmetric error bars of intervals. */
const err = (xs: readonly Interval[]) => ({ type: "data", symmetric: false, array: xs.map((i) => i.high - i.mean), arrayminus: xs.map((i) => i.mean - i.low) });

/**
 * Part 2's table rows (for `nb.htmlTable`): per branch test accuracy and loss, the 95% core by its own method and by
 * the resample yardstick, and the spectators' share of the damage, each as mean (95% CI).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.randomizationBranchRows(tables.branches)));
 */
export function randomizationBranchRows(branches: readonly BranchSummary[]): Record<string, string>[] {
  return branches.map((s) => ({
    training: s.v === "plain" ? "plain (no antitraining)" : `antitrain with ${s.v}`,
    "test acc": g(s.acc),
    "test loss": g(s.loss),
    "95% core, own method": g(s.own, 1),
    "95% core, resample yardstick": g(s.res, 1),
    "spectator share (resample)": g(s.spec),
  }));
}

/**
 * The heat map of the methods' mean Spearman agreement (diagonal: a random method against its own other draws, 1 for
 * a deterministic one).
 *
 * @example
 * tslab.display.html(nb.randomizationAgreementChart(run.results, run.settings.methods, "Spearman agreement"));
 */
export function randomizationAgreementChart(results: readonly RandomizationSeed[], methods: readonly string[], title: string): string {
  const z = methods.map((a) => methods.map((b) => meanAgreement(results, a, b)));
  const trace: PlotlyObject = { type: "heatmap", x: methods, y: methods, z, zmin: 0, zmax: 1, colorscale: "Viridis", text: z.map((row) => row.map((v) => v.toFixed(2))), texttemplate: "%{text}" };
  return chart([trace], { ...axes("randomization method", "randomization method", title), height: 420 });
}

/**
 * Part 2's two charts: the 95% core by own method and by the resample yardstick per branch, and the test accuracy per
 * branch, each with 95% intervals over seeds. `suffix` is appended to both titles (e.g. a quick-setting note).
 *
 * @example
 * for (const c of nb.randomizationBranchCharts(tables.branches, 128, "")) tslab.display.html(c);
 */
export function randomizationBranchCharts(branches: readonly BranchSummary[], hidden: number, suffix: string): string[] {
  const variants = branches.map((s) => s.v);
  const x = "training (antitrainer's randomization method)";
  const cores = chart(
    [
      { type: "bar", name: "95% core, own method", x: variants, y: branches.map((s) => s.own.mean), error_y: err(branches.map((s) => s.own)) },
      { type: "bar", name: "95% core, resample yardstick", x: variants, y: branches.map((s) => s.res.mean), error_y: err(branches.map((s) => s.res)) },
    ],
    { ...axes(x, `95% core size (units of ${hidden})`, `Core size after antitraining with each method${suffix}`), barmode: "group" },
  );
  const accuracy = chart(
    [{ type: "bar", name: "test accuracy", x: variants, y: branches.map((s) => s.acc.mean), error_y: err(branches.map((s) => s.acc)) }],
    { ...axes(x, "test accuracy", `Test accuracy after antitraining with each method${suffix}`), yaxis: { title: { text: "test accuracy" }, range: [0.9, 1] } },
  );
  return [cores, accuracy];
}
