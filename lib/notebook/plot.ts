import * as fs from "node:fs";

/** A Plotly trace or layout: plain JSON objects, as in Plotly's docs. */
export type PlotlyObject = Record<string, unknown>;

let chartCounter = 0;

/**
 * The Plotly bundle from `node_modules/plotly.js-dist-min` as one inline `<script>` (no network), to display once
 * per notebook before any {@link chart}. The bundle is wrapped so it sets `window.Plotly` even where require.js
 * defines an AMD loader (Jupyter's classic notebook).
 *
 * @example
 * import * as tslab from "tslab";
 * tslab.display.html(at.plotlyScript());
 */
export function plotlyScript(): string {
  const bundle = fs.readFileSync(require.resolve("plotly.js-dist-min"), "utf8");
  return `<script>(function(define, module, exports){${bundle}\n}).call(window);</script>`;
}

/**
 * One chart as an HTML snippet (a div and the script that draws it), for `tslab.display.html`. Axis titles come
 * from `layout`; the chart is static-sized to fit a rendered notebook.
 *
 * @example
 * tslab.display.html(at.chart([{ x: [1, 2, 3], y: [3, 1, 2], type: "scatter" }],
 *   { title: { text: "loss" }, xaxis: { title: { text: "step" } }, yaxis: { title: { text: "loss" } } }));
 */
export function chart(traces: readonly PlotlyObject[], layout: PlotlyObject = {}): string {
  const id = `antitrain-chart-${++chartCounter}-${hash(JSON.stringify(traces))}`;
  const fullLayout = { height: 380, margin: { t: 50, r: 20, b: 60, l: 70 }, ...layout };
  const data = safeJson(traces);
  const lay = safeJson(fullLayout);
  return (
    `<div id="${id}" class="antitrain-chart" style="width:100%;max-width:900px;height:${fullLayout.height}px"></div>` +
    `<script>(function(){var draw=function(){if(!window.Plotly){return setTimeout(draw,50);}` +
    `window.Plotly.newPlot("${id}",${data},${lay},{responsive:true,displaylogo:false});};draw();})();</script>`
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
