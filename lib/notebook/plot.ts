import * as fs from "node:fs";
import { AntitrainError } from "../base/errors";

/** A Plotly trace or layout: plain JSON objects, as in Plotly's docs. */
export type PlotlyObject = Record<string, unknown>;

let chartCounter = 0;

/**
 * Plotly's partial "cartesian" bundle (scatter, bar, box, heatmap, histogram, contour: every chart type the
 * notebooks draw; about a quarter of the full bundle's size) from `node_modules/plotly.js-cartesian-dist-min` as
 * one inline `<script>` (no network), to display once per notebook before any {@link chart}. The bundle is wrapped
 * so it sets `window.Plotly` even where require.js defines an AMD loader (Jupyter's classic notebook).
 *
 * @example
 * import * as tslab from "tslab";
 * tslab.display.html(at.plotlyScript());
 */
export function plotlyScript(): string {
  const bundle = fs.readFileSync(require.resolve("plotly.js-cartesian-dist-min"), "utf8");
  return `<script>(function(define, module, exports){${bundle}\n}).call(window);</script>`;
}

/** The trace types {@link plotlyScript}'s bundle draws; {@link chart} refuses others. */
export const CHART_TYPES = ["scatter", "scattergl", "bar", "box", "heatmap", "histogram", "histogram2d", "histogram2dcontour", "contour", "image", "pie"] as const;

/**
 * One chart as an HTML snippet for `tslab.display.html`: a div, the figure as JSON (`<script type="application/json"
 * class="antitrain-figure">`) and the script that draws it. The report renderer (scripts/render-notebook.js) reads
 * that JSON to add a static PNG of the chart: inside the div (shown where scripts do not run, e.g. GitHub or an
 * untrusted notebook; the drawing script removes it) and as the output's `image/png`. Axis titles come from
 * `layout`; the chart is static-sized to fit a rendered notebook.
 *
 * @example
 * tslab.display.html(at.chart([{ x: [1, 2, 3], y: [3, 1, 2], type: "scatter" }],
 *   { title: { text: "loss" }, xaxis: { title: { text: "step" } }, yaxis: { title: { text: "loss" } } }));
 */
export function chart(traces: readonly PlotlyObject[], layout: PlotlyObject = {}): string {
  if (!Array.isArray(traces)) throw new AntitrainError(`chart: traces must be an array of Plotly traces, got ${typeof traces}`);
  for (const t of traces) {
    const type = t?.type ?? "scatter";
    if (!(CHART_TYPES as readonly unknown[]).includes(type)) {
      throw new AntitrainError(`chart: trace type ${JSON.stringify(type)} is not in the notebooks' Plotly bundle; use one of ${CHART_TYPES.join(", ")}`);
    }
  }
  const id = `antitrain-chart-${++chartCounter}-${hash(JSON.stringify(traces))}`;
  const fullLayout = readableLogAxes(traces, { height: 380, margin: { t: 50, r: 20, b: 60, l: 70 }, ...layout });
  return chartSnippet(id, { data: traces, layout: fullLayout });
}

/**
 * The HTML of one chart with a given element id: the div, the figure as JSON and the script that draws it once
 * Plotly is on the page. The script waits up to 5 s for Plotly (a report loads it from `assets/plotly.min.js`, a
 * live notebook from {@link plotlyScript}) and otherwise leaves the div as it is, so a static image placed inside it
 * (the report renderer adds one) stays visible. The toolbar is off: it covered the chart's title.
 */
export function chartSnippet(id: string, figure: { data: readonly PlotlyObject[]; layout: PlotlyObject }): string {
  if (!/^[\w-]+$/.test(id)) throw new AntitrainError(`chartSnippet: the id must be letters, digits, - or _, got ${JSON.stringify(id)}`);
  const height = Number(figure.layout.height) || 380;
  return (
    `<div id="${id}" class="antitrain-chart" style="width:100%;max-width:900px;height:${height}px"></div>` +
    `<script type="application/json" class="antitrain-figure" data-chart="${id}">${safeJson(figure)}</script>` +
    `<script>(function(){var n=0,draw=function(){if(!window.Plotly){if(++n<100)setTimeout(draw,50);return;}` +
    `var el=document.getElementById("${id}");el.innerHTML="";` +
    `var f=JSON.parse(document.querySelector('script[data-chart="${id}"]').textContent);` +
    `window.Plotly.newPlot(el,f.data,f.layout,{responsive:true,displaylogo:false,displayModeBar:false});};draw();})();</script>`
  );
}

/**
 * A layout whose log axes are labelled at 1, 2, 5, 10, 20, 50, … within the data's range (one tick per decade over
 * three decades), each tick as a plain number,
 * instead of Plotly's default for short log ranges ("10 2 3 … 100"). Axes that set `tickvals` or `dtick` themselves,
 * and axes that are not log, are left as they are. Returns a new layout; `layout` is not changed.
 *
 * @example
 * readableLogAxes([{ x: [4, 8, 16, 128], y: [1, 2, 3, 4] }], { xaxis: { type: "log" } }).xaxis;
 * // { type: "log", tickvals: [5, 10, 20, 50, 100], ticktext: ["5", "10", "20", "50", "100"] }
 */
export function readableLogAxes(traces: readonly PlotlyObject[], layout: PlotlyObject): PlotlyObject {
  const out: PlotlyObject = { ...layout };
  for (const [key, value] of Object.entries(layout)) {
    const m = /^([xy])axis(\d*)$/.exec(key);
    if (m === null || value === null || typeof value !== "object") continue;
    const axis = value as PlotlyObject;
    if (axis.type !== "log" || axis.tickvals !== undefined || axis.dtick !== undefined) continue;
    const ref = `${m[1]}${m[2] === "1" ? "" : m[2]}`;
    const values: number[] = [];
    for (const t of traces) {
      const on = (t[`${m[1]}axis`] as string | undefined) ?? m[1];
      const data = t[m[1]];
      if (on !== ref || data === null || typeof data !== "object" || !("length" in (data as object))) continue;
      for (const v of Array.from(data as ArrayLike<unknown>)) if (typeof v === "number" && Number.isFinite(v) && v > 0) values.push(v);
    }
    if (values.length === 0) continue;
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const ticks: number[] = [];
    const digits = Math.log10(hi / lo) > 3 ? [1] : [1, 2, 5]; // over three decades, one tick per decade
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const d of digits) {
        const v = Number((d * 10 ** e).toPrecision(3));
        if (v >= lo / 1.15 && v <= hi * 1.15) ticks.push(v);
      }
    }
    if (ticks.length < 2) continue;
    out[key] = { ...axis, tickvals: ticks, ticktext: ticks.map(tickText) };
  }
  return out;
}

function tickText(v: number): string {
  return v >= 1e-3 && v < 1e6 ? String(v) : v.toExponential(0).replace("e+", "e");
}

/** Axis-title shorthand: `axes("step", "loss")` → `{ xaxis: { title: { text: "step" } }, yaxis: { title: { text: "loss" } } }`. */
export function axes(x: string, y: string, title?: string): PlotlyObject {
  const layout: PlotlyObject = { xaxis: { title: { text: x } }, yaxis: { title: { text: y } } };
  if (title !== undefined) layout.title = { text: title };
  return layout;
}

function safeJson(value: unknown): string {
  // Typed arrays become plain arrays; "</" cannot close the script tag early.
  return JSON.stringify(value, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)).replace(
    /<\//g,
    "<\\/",
  );
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
