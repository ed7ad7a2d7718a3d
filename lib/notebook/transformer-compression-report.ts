/** The chart of notebook 10's head-compression studies: every seed's cut score per arm. */
import type { HeadSeed } from "../studies/transformer-compression/heads";
import { HEAD_ARMS, type HeadArm } from "../studies/transformer-compression/settings";
import { type HeadMetric, metricOf } from "../studies/transformer-compression/study";
import { axes, chart, type PlotlyObject } from "./plot";

/** One colour per arm, the same in every chart. */
export const HEAD_ARM_COLORS: Readonly<Record<HeadArm, string>> = { antitrain: "#ef553b", randomization: "#636efa", michel: "#00cc96", voita: "#ab63fa" };

/**
 * Every seed's `metric` per arm (HTML for `tslab.display.html`): one marker per seed and arm, the seeds' markers
 * joined by grey lines so the pairing shows, and each arm's mean as a bar.
 *
 * @example
 * tslab.display.html(nb.headSeedsChart(run.results, "cut accuracy", "Test accuracy with 2 of 4 heads"));
 */
export function headSeedsChart(results: readonly HeadSeed[], metric: HeadMetric, title: string): string {
  const value = (r: HeadSeed, arm: HeadArm) => {
    const o = r.outcomes.find((x) => x.arm === arm);
    return o === undefined ? null : metricOf(o, metric);
  };
  const lines: PlotlyObject[] = results.map((r) => ({ x: [...HEAD_ARMS], y: HEAD_ARMS.map((a) => value(r, a)), mode: "lines", line: { color: "#cccccc", width: 1 }, showlegend: false, hoverinfo: "skip" }));
  const bars: PlotlyObject = {
    type: "bar",
    x: [...HEAD_ARMS],
    y: HEAD_ARMS.map((a) => {
      const xs = results.map((r) => value(r, a)).filter((v): v is number => v !== null);
      return xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length);
    }),
    marker: { color: HEAD_ARMS.map((a) => HEAD_ARM_COLORS[a]), opacity: 0.25 },
    name: "mean",
  };
  const points: PlotlyObject[] = HEAD_ARMS.map((a) => ({
    x: results.map(() => a),
    y: results.map((r) => value(r, a)),
    text: results.map((r) => `seed ${r.seed}`),
    mode: "markers",
    marker: { color: HEAD_ARM_COLORS[a], size: 8 },
    name: a,
  }));
  return chart([bars, ...lines, ...points], axes("arm", metric.replace("cut", "test").replace("full", "uncut test"), title));
}
