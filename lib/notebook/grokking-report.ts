/** Charts of the grokking study (notebook 09): accuracy curves, neuron roles over training, and the replication. */
import type { GrokArmRun } from "../studies/grokking-study/runs";
import type { GrokArm } from "../studies/grokking-study/settings";
import { axes, chart, type PlotlyObject } from "./plot";

/** One colour per arm, the same in every chart. */
export const GROK_COLORS: Readonly<Record<GrokArm, string>> = { baseline: "#636efa", "adamw-tuned": "#00cc96", "grokfast-tuned": "#ab63fa", antitrain: "#ef553b" };

const steps = (r: GrokArmRun) => r.curve.map((c) => c.step);

/**
 * Train (dotted) and test accuracy over training of every arm's run on `seed` (HTML for `tslab.display.html`).
 *
 * @example
 * tslab.display.html(nb.grokCurvesChart(runs, 0, 31));
 */
export function grokCurvesChart(runs: readonly GrokArmRun[], seed: number, p: number): string {
  const traces: PlotlyObject[] = runs
    .filter((r) => r.seed === seed)
    .flatMap((r) => [
      { x: steps(r), y: r.curve.map((c) => c.trainAccuracy), name: `${r.label} train`, line: { color: GROK_COLORS[r.label], dash: "dot" } },
      { x: steps(r), y: r.curve.map((c) => c.testAccuracy), name: `${r.label} test`, line: { color: GROK_COLORS[r.label] } },
    ]);
  return chart(traces, axes("optimizer update", "accuracy", `Train (dotted) and test accuracy, seed ${seed}, p = ${p}`));
}

/**
 * Two charts of the held-out roles over training on `seed`: memorizing (solid) and generalizing (dashed) MLP neurons
 * per arm, and the training-damage share the memorizing neurons carry (gaps where an arm did not measure).
 *
 * @example
 * for (const html of nb.grokRoleCharts(runs, 0)) tslab.display.html(html);
 */
export function grokRoleCharts(runs: readonly GrokArmRun[], seed: number): string[] {
  const mine = runs.filter((r) => r.seed === seed);
  const roles = mine.flatMap((r) => [
    { x: steps(r), y: r.curve.map((c) => c.roles?.memorizing ?? null), name: `${r.label}: memorizing`, line: { color: GROK_COLORS[r.label] } },
    { x: steps(r), y: r.curve.map((c) => c.roles?.generalizing ?? null), name: `${r.label}: generalizing`, line: { color: GROK_COLORS[r.label], dash: "dash" } },
  ]);
  const share = mine.map((r) => ({ x: steps(r), y: r.curve.map((c) => c.memorizingTrainShare ?? null), name: r.label, line: { color: GROK_COLORS[r.label] } }));
  return [
    chart(roles, axes("optimizer update", "MLP neurons", "Neuron roles from held-out importance (memorizing: solid, generalizing: dashed)")),
    chart(share, axes("optimizer update", "share of training damage", "Training-damage share carried by memorizing neurons")),
  ];
}

/**
 * Test accuracy over training of every run (every seed, one line each), e.g. the replication's. The legend has one
 * entry per arm, which shows or hides all of that arm's seeds, so it fits beside the chart (and in its static image)
 * however many seeds there are; hovering a line names its seed.
 *
 * @example
 * tslab.display.html(nb.grokTestChart(repRuns, 59, 0.4));
 */
export function grokTestChart(runs: readonly GrokArmRun[], p: number, trainFraction: number): string {
  const shown = new Set<GrokArm>();
  const traces = runs.map((r) => {
    const first = !shown.has(r.label);
    shown.add(r.label);
    return {
      x: steps(r),
      y: r.curve.map((c) => c.testAccuracy),
      name: r.label,
      legendgroup: r.label,
      showlegend: first,
      hovertemplate: `${r.label}, seed ${r.seed}<br>update %{x}: %{y:.3f}<extra></extra>`,
      line: { color: GROK_COLORS[r.label] },
    };
  });
  const title = `Test accuracy, p = ${p}, ${trainFraction * 100}% training pairs, every seed (one line per seed)`;
  return chart(traces, axes("optimizer update", "test accuracy", title));
}
