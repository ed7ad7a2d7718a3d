/** Tables and charts of the generalizing-vs-memorizing study (notebook 08). */
import { meanCI } from "../base/statistics";
import type { MemorizationSeed } from "../studies/memorization/run-seed";
import { MEMORIZATION_ARMS, MEMORIZATION_RANKINGS } from "../studies/memorization/settings";
import { ciText, outcomeOf } from "../studies/memorization/tables";
import { axes, chart, type PlotlyObject } from "./plot";

const ROLE_COLORS: Readonly<Record<string, string>> = { generalizing: "#2ca02c", memorizing: "#d62728", mixed: "#7f7f7f", inert: "#c7c7c7" };

/**
 * Units per role over seeds, and the Spearman agreements (for `nb.htmlTable`).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.memorizationRoleRows(run.results)));
 */
export function memorizationRoleRows(results: readonly MemorizationSeed[]): Record<string, string>[] {
  return Object.keys(ROLE_COLORS).map((r) => ({ role: r, "units (mean, 95% CI)": ciText(results.map((s) => s.roles[r]), 1) }));
}

/**
 * The causal check over seeds: for each ranking and k, the accuracies on the wrong and the clean training labels and
 * on test data with its top k units set to their means, and what was forgotten and lost (first row: no units).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.memorizationAblationRows(run.results)));
 */
export function memorizationAblationRows(results: readonly MemorizationSeed[]): Record<string, string>[] {
  const none = {
    "units set to their mean": "none",
    "wrong labels reproduced": ciText(results.map((s) => s.none.noisyFit)),
    "forgotten": "—",
    "clean training acc": ciText(results.map((s) => s.none.cleanFit)),
    "test acc": ciText(results.map((s) => s.none.testAcc)),
    "test cost": "—",
  };
  return [
    none,
    ...results[0].ablations.map((a, i) => ({
      "units set to their mean": `${a.k}, ${a.ranking}`,
      "wrong labels reproduced": ciText(results.map((s) => s.ablations[i].noisyFit)),
      "forgotten": ciText(results.map((s) => s.ablations[i].forgotten)),
      "clean training acc": ciText(results.map((s) => s.ablations[i].cleanFit)),
      "test acc": ciText(results.map((s) => s.ablations[i].testAcc)),
      "test cost": ciText(results.map((s) => s.ablations[i].testCost)),
    })),
  ];
}

/**
 * One seed's units of h1: share of the training-data damage against share of the held-out damage, coloured by role,
 * with the equal-share diagonal.
 *
 * @example
 * tslab.display.html(nb.memorizationUnitsChart(run.results[0]));
 */
export function memorizationUnitsChart(r: MemorizationSeed): string {
  const traces: PlotlyObject[] = Object.keys(ROLE_COLORS).map((role) => {
    const us = r.roleList.map((x, u) => (x === role ? u : -1)).filter((u) => u >= 0);
    return { type: "scatter", mode: "markers", name: role, x: us.map((u) => r.trainShare[u]), y: us.map((u) => r.heldOutShare[u]), marker: { color: ROLE_COLORS[role] }, text: us.map((u) => `unit ${u}`) };
  });
  const top = Math.max(...r.trainShare, ...r.heldOutShare);
  traces.push({ type: "scatter", mode: "lines", name: "equal share", x: [0, top], y: [0, top], line: { color: "black", dash: "dash" } });
  return chart(traces, axes("share of training-data damage", "share of held-out damage", `Units of h1 (seed ${r.seed}, plain training)`));
}

/**
 * Forgotten wrong labels against test cost for each ranking and k (mean over seeds, 95% CI on both axes): the
 * rankings that find memorization sit high and to the left.
 *
 * @example
 * tslab.display.html(nb.memorizationRankingChart(run.results));
 */
export function memorizationRankingChart(results: readonly MemorizationSeed[]): string {
  const traces: PlotlyObject[] = MEMORIZATION_RANKINGS.map((ranking) => {
    const ks = [...new Set(results[0].ablations.filter((a) => a.ranking === ranking).map((a) => a.k))];
    const at = (k: number, key: "forgotten" | "testCost") => meanCI(results.map((s) => s.ablations.find((a) => a.ranking === ranking && a.k === k)?.[key] ?? Number.NaN));
    const f = ks.map((k) => at(k, "forgotten"));
    const c = ks.map((k) => at(k, "testCost"));
    return {
      type: "scatter", mode: "lines+markers+text", name: ranking, x: c.map((m) => m.mean), y: f.map((m) => m.mean), text: ks.map((k) => `${k}`), textposition: "top center",
      error_x: { type: "data", symmetric: false, array: c.map((m) => m.high - m.mean), arrayminus: c.map((m) => m.mean - m.low) },
      error_y: { type: "data", symmetric: false, array: f.map((m) => m.high - m.mean), arrayminus: f.map((m) => m.mean - m.low) },
    };
  });
  return chart(traces, axes("test accuracy lost", "share of memorized wrong labels forgotten", "Top-k units of each ranking set to their means (plain model; labels: k)"));
}

/**
 * Test accuracy and wrong training labels reproduced per arm (mean over seeds, 95% CI).
 *
 * @example
 * tslab.display.html(nb.memorizationOutcomeChart(run.results));
 */
export function memorizationOutcomeChart(results: readonly MemorizationSeed[]): string {
  const arms = [...MEMORIZATION_ARMS];
  const bars = (key: "testAcc" | "noisyFit", name: string): PlotlyObject => {
    const means = arms.map((a) => meanCI(results.map((r) => outcomeOf(r, a)[key])));
    return { type: "bar", name, x: arms, y: means.map((m) => m.mean), error_y: { type: "data", symmetric: false, array: means.map((m) => m.high - m.mean), arrayminus: means.map((m) => m.mean - m.low) } };
  };
  return chart([bars("testAcc", "test accuracy"), bars("noisyFit", "wrong training labels reproduced")], {
    ...axes("arm", "share (mean over seeds, 95% CI)", "Small noisy digits: test accuracy and memorization by arm"),
    barmode: "group",
  });
}
