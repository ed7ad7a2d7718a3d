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
  const fullLayout = { height: 380, margin: { t: 50, r: 20, b: 60, l: 70 }, ...layout };
  const figure = safeJson({ data: traces, layout: fullLayout });
  return (
    `<div id="${id}" class="antitrain-chart" style="width:100%;max-width:900px;height:${fullLayout.height}px"></div>` +
    `<script type="application/json" class="antitrain-figure" data-chart="${id}">${figure}</script>` +
    `<script>(function(){var draw=function(){if(!window.Plotly){return setTimeout(draw,50);}` +
    `var el=document.getElementById("${id}");el.innerHTML="";` +
    `var f=JSON.parse(document.querySelector('script[data-chart="${id}"]').textContent);` +
    `window.Plotly.newPlot(el,f.data,f.layout,{responsive:true,displaylogo:false});};draw();})();</script>`
  );
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
