/** Tables and charts of notebook 18: the walk-through on a tf.layers CNN, and its conv compression study. */
import type { Interval } from "../base/statistics";
import { meanCI } from "../base/statistics";
import { type Importance, ranked } from "../importance/importance";
import type { ArmSummary } from "../studies/compression-study";
import type { MethodSettings } from "../studies/compression-arms";
import type { ConvStudySeed } from "../studies/conv-compression";
import { interval } from "../studies/summary";
import { axes, chart, type PlotlyObject } from "./plot";
import { htmlTable } from "./table";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ci = (i: Interval, d = 1) => interval(i, d);

/**
 * A bar chart of a site's unit importance, most important first, and one line: the top 3 units' share of the summed
 * positive damage, the clean loss and the loss with every unit resampled. `noun` names the units ("channels").
 *
 * @example
 * const { html, line } = nb.importanceView(imp, "channels");
 */
export function importanceView(imp: Importance, noun: string): { html: string; line: string } {
  const order = ranked(imp);
  const html = chart(
    [{ type: "bar", x: order.map((_, i) => i + 1), y: order.map((u) => imp.scores[u]), text: order.map((u) => `unit ${u}`), hovertemplate: "%{text}: %{y:.4f}<extra></extra>" }],
    axes(`${noun} of ${imp.site}, most important first`, "loss damage when resampled alone (nats)", `Importance of ${imp.site}'s ${imp.scores.length} ${noun} (validation split)`),
  );
  const positive = (xs: readonly number[]) => xs.reduce((a, b) => a + Math.max(b, 0), 0);
  const share = positive(order.slice(0, 3).map((u) => imp.scores[u])) / positive(Array.from(imp.scores));
  return { html, line: `${imp.site}: the top 3 carry ${pct(share)} of the summed positive damage; clean loss ${imp.clean.toFixed(3)}, every unit resampled ${imp.full.toFixed(3)}` };
}

/** A layer's 95% core in the walk-through. */
export interface LayerCore {
  readonly site: string;
  readonly units: number;
  readonly core: number;
  readonly fullDamage: number;
}

/**
 * The cores per layer as a table (HTML) and a bar chart of each core's share of its layer.
 *
 * @example
 * for (const html of nb.layerCoresView(plainCores)) tslab.display.html(html);
 */
export function layerCoresView(cores: readonly LayerCore[]): string[] {
  return [
    htmlTable(cores.map((c) => ({ layer: c.site, units: c.units, "95% core": c.core, "share of the layer": pct(c.core / c.units), "accuracy lost, whole layer randomized": +c.fullDamage.toFixed(3) }))),
    chart(
      [{ type: "bar", x: cores.map((c) => c.site), y: cores.map((c) => c.core / c.units), text: cores.map((c) => `${c.core} of ${c.units}`), textposition: "outside" }],
      { ...axes("layer", "95% core as a share of the layer's units", "Cores of the plainly trained CNN (validation split)"), yaxis: { title: { text: "95% core / units" }, range: [0, 1.1] } },
    ),
  ];
}

/**
 * conv2's 95% core at each measurement while antitraining, against plain training's at its end (a dotted line over
 * `steps` training steps).
 *
 * @example
 * tslab.display.html(nb.coreLogChart(coreLog, plainMeasureCore, UPDATES / 2, "conv2", 32));
 */
export function coreLogChart(coreLog: readonly { step: number; core: number }[], plainCore: number, steps: number, site: string, width: number): string {
  return chart(
    [
      { type: "scatter", mode: "lines+markers", name: "antitrained copy", x: coreLog.map((c) => c.step), y: coreLog.map((c) => c.core) },
      { type: "scatter", mode: "lines", name: "plain training, at its end", x: [0, steps], y: [plainCore, plainCore], line: { dash: "dot", color: "black" } },
    ],
    { ...axes("training steps of the antitrained copy", `95% core of ${site} (channels of ${width})`, `${site}'s 95% core while antitraining (measured on the first training images)`), yaxis: { title: { text: "95% core (channels)" }, range: [0, width + 1] } },
  );
}

/** The walk-through's compression record. */
export interface CompressionDemo {
  readonly k: number;
  readonly params: { readonly antitrained: number; readonly small: number };
  readonly bytes: { readonly antitrained: number; readonly small: number };
  readonly valAntitrained: number;
  readonly valSmall: number;
  readonly maskedDiff: number;
  readonly reloadDiff: number;
}

/**
 * The walk-through's compression as table rows (the antitrained network and its compressed copy) and three lines:
 * compressed vs mean-masked, reloaded vs compressed, and the size ratios.
 *
 * @example
 * const { rows, lines } = nb.compressionDemoView(compression, 32);
 */
export function compressionDemoView(c: CompressionDemo, width: number): { rows: Record<string, string | number>[]; lines: string[] } {
  return {
    rows: [
      { model: "antitrained CNN", "conv2 channels": width, parameters: c.params.antitrained, "bytes on disk": c.bytes.antitrained, "validation accuracy": +c.valAntitrained.toFixed(3) },
      { model: `compressed (${c.k} channels, no fine-tuning)`, "conv2 channels": c.k, parameters: c.params.small, "bytes on disk": c.bytes.small, "validation accuracy": +c.valSmall.toFixed(3) },
    ],
    lines: [
      `compressed vs mean-masked antitrained network: max |Δ logit| ${c.maskedDiff.toExponential(1)} (${c.maskedDiff < 1e-4 ? "equal" : "NOT equal"} within 1e-4)`,
      `reloaded vs compressed: max |Δ logit| ${c.reloadDiff.toExponential(1)} (${c.reloadDiff === 0 ? "identical" : "different"})`,
      `size: ${pct(c.params.small / c.params.antitrained)} of the parameters, ${pct(c.bytes.small / c.bytes.antitrained)} of the bytes on disk`,
    ],
  };
}

/**
 * The conv study's tuning table rows: one per grid setting, its mean channels within tolerance and validation
 * accuracy at small widths (k ≤ half the layer), and which was chosen.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.convTuningRows(st.chooseSettings(SETTINGS.grids, run.tuning).table)));
 */
export function convTuningRows(table: readonly { method: string; settings: MethodSettings; units: number; smallAcc: number; chosen: boolean }[]): Record<string, string | number>[] {
  return table.map((r) => ({ method: r.method, settings: JSON.stringify(r.settings), "channels within tolerance (val)": r.units, "val acc, k ≤ 16": +r.smallAcc.toFixed(3), chosen: r.chosen ? "✓" : "" }));
}

/**
 * One line per arm other than antitraining: its channels against antitraining's, the paired interval, and what the
 * interval resolves (nothing with one seed).
 *
 * @example
 * for (const line of nb.convArmLines(summary)) console.log(line);
 */
export function convArmLines(summary: readonly ArmSummary[]): string[] {
  const anti = summary.find((s) => s.arm === "antitrain");
  if (anti === undefined) return [];
  return summary.filter((x) => x.arm !== "antitrain").map((s) => {
    const reading = anti.perSeed.length < 2 ? "one seed, no interval" : s.diff.low > 0 ? "needs more channels than antitraining" : s.diff.high < 0 ? "needs fewer channels than antitraining" : "no difference from antitraining that the interval resolves";
    return `${s.arm}: ${s.units.mean.toFixed(1)} channels vs antitrain's ${anti.units.mean.toFixed(1)}, paired ${ci(s.diff)}: ${reading}`;
  });
}

/**
 * Three charts of the conv study: validation accuracy vs channels kept after fine-tuning (with dense − tolerance),
 * right after the cut, and the paired difference in channels to antitraining with 95% intervals.
 *
 * @example
 * for (const html of nb.convCompressionCharts(run.results, summary, { keep: SETTINGS.keep, tolerance: 0.01, width: 32 })) tslab.display.html(html);
 */
export function convCompressionCharts(results: readonly ConvStudySeed[], summary: readonly ArmSummary[], o: { readonly keep: readonly number[]; readonly tolerance: number; readonly width: number }): string[] {
  const meanAt = (arm: string, k: number, key: "valAfter" | "valBefore") =>
    meanCI(results.map((r) => r.curves.find((c) => c.arm === arm)?.points.find((p) => p.k === k)?.[key]).filter((v): v is number => v !== undefined)).mean;
  const armNames = summary.map((s) => s.arm);
  const denseVal = meanCI(results.map((r) => r.denseVal)).mean;
  const log2 = { type: "log", title: { text: `channels of conv2 kept (log scale, of ${o.width})` } };
  const curves = (key: "valAfter" | "valBefore"): PlotlyObject[] =>
    armNames.map((arm) => ({ type: "scatter", mode: "lines+markers", name: arm, x: o.keep, y: o.keep.map((k) => meanAt(arm, k, key)), line: { width: arm === "antitrain" ? 3 : 1.5 } }));
  const others = summary.filter((s) => s.arm !== "antitrain");
  return [
    chart(
      [...curves("valAfter"), { type: "scatter", mode: "lines", name: `dense − ${100 * o.tolerance} point`, x: [Math.min(...o.keep), o.width], y: [denseVal - o.tolerance, denseVal - o.tolerance], line: { color: "black", width: 1 } }],
      { ...axes("channels of conv2 kept", "validation accuracy after fine-tuning", "Accuracy vs channels kept (mean over seeds)"), xaxis: log2, height: 480 },
    ),
    chart(curves("valBefore"), { ...axes("channels of conv2 kept", "validation accuracy, no fine-tuning", "Removal alone: accuracy right after the cut (mean over seeds)"), xaxis: log2, height: 440 }),
    chart(
      [{
        type: "bar", orientation: "h", y: others.map((s) => s.arm), x: others.map((s) => s.diff.mean),
        error_x: { type: "data", symmetric: false, array: others.map((s) => s.diff.high - s.diff.mean), arrayminus: others.map((s) => s.diff.mean - s.diff.low) },
      }],
      { ...axes("channels needed minus antitraining's (paired per seed, 95% CI)", "arm", "Paired difference to antitraining: > 0 means the arm needs more channels"), margin: { l: 160, t: 50, r: 20, b: 60 }, height: 360 },
    ),
  ];
}

/**
 * One line comparing antitraining's 95% core of the unpruned site with plain training's (importance arm), with the
 * paired difference (plain minus antitrain).
 *
 * @example
 * console.log(nb.convCoreLine(summary, "conv2"));
 */
export function convCoreLine(summary: readonly ArmSummary[], site: string): string {
  const anti = summary.find((s) => s.arm === "antitrain");
  const plain = summary.find((s) => s.arm === "plain, importance");
  if (anti === undefined || plain === undefined) return "";
  const word = anti.core95.mean < plain.core95.mean ? "smaller than" : anti.core95.mean > plain.core95.mean ? "larger than" : "the same as";
  return `95% core of the unpruned ${site} (validation): antitrain ${ci(anti.core95)}, ${word} plain's ${ci(plain.core95)} (paired ${ci(plain.coreDiff)} for plain minus antitrain)`;
}

