/** Tables and charts of the generalizing-vs-memorizing study (notebook 08). */
import { meanCI } from "../base/statistics";
import { MEMORIZATION_VARIANTS, type MemorizationSeed } from "../studies/memorization/run-seed";
import { ciText } from "../studies/memorization/tables";
import { axes, chart, type PlotlyObject } from "./plot";

const ROLE_COLORS: Readonly<Record<string, string>> = { generalizing: "#2ca02c", memorizing: "#d62728", mixed: "#7f7f7f", inert: "#c7c7c7" };

/**
 * Units per role over seeds (for `nb.htmlTable`).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.memorizationRoleRows(run.results)));
 */
export function memorizationRoleRows(results: readonly MemorizationSeed[]): Record<string, string>[] {
  return Object.keys(ROLE_COLORS).map((r) => ({ role: r, "units (mean, 95% CI)": ciText(results.map((s) => s.roles[r]), 1) }));
}

/**
 * The causal check over seeds: accuracies on the wrong and the clean training labels and on test data with no units,
 * or `ablate` of each kind, set to their means.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.memorizationAblationRows(run.results, SETTINGS.ablate)));
 */
export function memorizationAblationRows(results: readonly MemorizationSeed[], ablate: number): Record<string, string>[] {
  return results[0].ablations.map((a, i) => ({
    "units set to their mean": a.kind === "none" ? "none" : `${ablate} ${a.kind}`,
    "acc on noisy training labels": ciText(results.map((s) => s.ablations[i].trainNoisyAcc)),
    "acc on clean training labels": ciText(results.map((s) => s.ablations[i].trainCleanAcc)),
    "test acc": ciText(results.map((s) => s.ablations[i].testAcc)),
  }));
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
 * Test accuracy, train − test gap and wrong training labels reproduced per variant (mean over seeds, 95% CI).
 *
 * @example
 * tslab.display.html(nb.memorizationOutcomeChart(run.results));
 */
export function memorizationOutcomeChart(results: readonly MemorizationSeed[]): string {
  const variants = [...MEMORIZATION_VARIANTS];
  const bars = (key: "testAcc" | "gap" | "noisyFit", name: string): PlotlyObject => {
    const means = variants.map((v) => meanCI(results.map((r) => r.outcomes.find((o) => o.variant === v)?.[key] ?? Number.NaN)));
    return { type: "bar", name, x: variants, y: means.map((m) => m.mean), error_y: { type: "data", symmetric: false, array: means.map((m) => m.high - m.mean), arrayminus: means.map((m) => m.mean - m.low) } };
  };
  return chart([bars("testAcc", "test accuracy"), bars("gap", "train − test gap"), bars("noisyFit", "wrong training labels reproduced")], {
    ...axes("variant", "share (mean over seeds, 95% CI)", "Small noisy digits: generalization by variant"),
    barmode: "group",
  });
}
