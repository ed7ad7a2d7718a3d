/** Tables and charts of the randomization study (notebook 07). */
import type { Interval } from "../base/statistics";
import type { RandomizationSeed } from "../studies/randomization/run-seed";
import { type BranchSummary, meanAgreement } from "../studies/randomization/tables";
import type { GroundTruthSeed } from "../studies/randomization/ground-truth";
import type { RandomizationDetails, RandomizationStatistic } from "../studies/randomization/summarize";
import type { StudySummary } from "../studies/study";
import { interval, signedInterval, signedNumber } from "../studies/summary";
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

/**
 * The statistics' table rows (for `nb.htmlTable`): per statistic of `part` ("ground truth" and "beside": part 1;
 * "antitraining": part 2) and method, the mean [95% t interval] and median over seeds, and the paired difference
 * method − gaussian per seed (mean [95% t interval], median, seeds where the method is better, Wilcoxon p).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.randomizationStatisticRows(run.summary, ["ground truth", "beside"])));
 */
export function randomizationStatisticRows(summary: StudySummary, parts: readonly RandomizationStatistic["part"][]): Record<string, string>[] {
  const d = summary.details as RandomizationDetails;
  return d.statistics
    .filter((x) => parts.includes(x.part))
    .flatMap((x) => {
      const digits = x.key === "core95" ? 1 : 3;
      return x.summary.arms.map((a) => {
        const p = x.summary.paired.find((q) => q.arm === a.arm);
        return {
          statistic: x.label,
          method: a.arm,
          "mean [95% CI]": interval(a, digits),
          median: a.median.toFixed(digits),
          [`− ${x.summary.reference} (paired)`]: p === undefined ? "reference" : signedInterval(p, digits),
          "median difference": p === undefined ? "—" : signedNumber(p.median, digits),
          "seeds better": p === undefined ? "—" : `${p.wins}/${p.n}`,
          "Wilcoxon p": p === undefined ? "—" : p.wilcoxonP.toPrecision(2),
        };
      });
    });
}

/**
 * One seed's small layer, unit by unit (for `nb.htmlTable`): what the unit is, its exact reference Shapley value, and
 * each method's single-unit damage (the ranking the statistics score).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.randomizationUnitRows(run.results[0].groundTruth)));
 */
export function randomizationUnitRows(gt: GroundTruthSeed): Record<string, string>[] {
  return gt.kinds.map((kind, u) => ({
    unit: String(u),
    kind: kind === "copy" ? `copy of unit ${gt.original}` : kind,
    "reference Shapley (loss)": gt.reference[u].toFixed(3),
    ...Object.fromEntries(gt.methods.map((m) => [`${m.method}: single damage`, m.single[u].toFixed(3)])),
  }));
}
