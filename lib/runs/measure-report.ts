/**
 * `renderMeasureReport`: a {@link MeasureReport} as one self-contained HTML page. Charts are inline SVG drawn here
 * (no script, no network, a few kB each, readable in any browser and in a screenshot); the report's JSON is embedded
 * in a `<script type="application/json" id="measure-report">` block for tools that want the numbers.
 */
import { AntitrainError } from "../base/errors";
import type { CurvePoint, MeasureReport, SiteMeasure } from "./measure-model";

/**
 * The HTML page of a {@link MeasureReport}: model summary, data, per site a table (units, core size, full-layer
 * damage) and two charts (every unit's information content, sorted; accuracy as units are randomized), the layers
 * skipped, and provenance. Self-contained: nothing is loaded from the network.
 *
 * @example
 * const report = at.measureModel(net, test, { seed: 0 });
 * const html = at.renderMeasureReport(report);
 * fs.writeFileSync("report.html", html);   // open it in any browser, offline
 */
export function renderMeasureReport(report: MeasureReport): string {
  if (report === null || typeof report !== "object" || !Array.isArray(report.sites) || report.model === undefined) {
    throw new AntitrainError("renderMeasureReport needs the report at.measureModel returned");
  }
  const { model, data, settings, provenance } = report;
  const source = data.source;
  const title = source === null ? "antitrain measure" : `antitrain measure: ${source.model}`;
  const chance = 1 / model.classes;
  const siteRows = report.sites.map(
    (s) =>
      `<tr><td><a href="#site-${esc(s.site)}">${esc(s.site)}</a></td><td>${s.units}</td><td>${s.core.length}</td><td>${pct(s.core.length / s.units)}</td><td>${points(s.fullDamage)}</td><td>${num(s.fullLossDamage)}</td><td>${seconds(s.seconds)}</td></tr>`,
  );
  const sections = report.sites.map((s) => siteSection(s, settings.fraction, chance));
  const json = JSON.stringify(report).replace(/</g, "\\u003c");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
<p class="lead">How much each unit of each layer carries, measured by randomizing it: a unit's <em>information content</em> is the damage when it alone is randomized (method <code>${esc(settings.method)}</code>); the <em>${pct(settings.fraction)} core</em> is the fewest most-informative units whose joint randomization does ${pct(settings.fraction)} of the accuracy damage of randomizing the whole layer.</p>

<h2>Summary</h2>
<table class="summary">
<thead><tr><th>site</th><th>units</th><th>core</th><th>core share</th><th>full-layer damage (accuracy points)</th><th>full-layer damage (cross-entropy)</th><th>time</th></tr></thead>
<tbody>${siteRows.join("\n")}</tbody>
</table>

<h2>Model</h2>
<p>${source === null ? "" : `<code>${esc(source.model)}</code> · `}input <code>[${model.inputShape.join(", ")}]</code> · ${model.classes} classes · ${model.parameters.toLocaleString("en-US")} parameters · ${model.layers.length} layers</p>
<table>
<thead><tr><th>layer</th><th>class</th><th>output shape</th><th>parameters</th><th>measured</th></tr></thead>
<tbody>${model.layers
    .map((l) => {
      const site = report.sites.find((s) => s.site === l.name);
      const skipped = report.skipped.find((s) => s.name === l.name);
      const measured = site !== undefined ? `yes: core ${site.core.length} of ${site.units}` : skipped !== undefined ? `no: ${esc(skipped.reason)}` : "no (input)";
      return `<tr><td>${esc(l.name)}</td><td>${esc(l.className)}</td><td>[${l.outputShape.join(", ")}]</td><td>${l.parameters.toLocaleString("en-US")}</td><td>${measured}</td></tr>`;
    })
    .join("\n")}</tbody>
</table>

<h2>Data</h2>
<p>${
    source === null
      ? ""
      : `data <code>${esc(source.data)}</code>${source.labels === null ? "" : ` · labels <code>${esc(source.labels)}</code>`} · `
  }${data.measuredRows.length.toLocaleString("en-US")} of ${data.rows.toLocaleString("en-US")} rows measured (${data.measuredRows.length === data.rows ? "all of them" : `a random subset, seed ${settings.seed}`}) · model accuracy on them <strong>${pct(data.accuracy, 1)}</strong> (chance ${pct(chance, 1)}) · cross-entropy ${num(data.loss)}</p>
${source !== null && source.notes.length > 0 ? `<ul class="notes">${source.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : ""}
${data.accuracy <= chance * 1.5 ? `<p class="warn">The model is near chance on these rows: check that the data and labels are the ones it was trained on (and scaled the same way); damage measured on a model that predicts nothing is not informative.</p>` : ""}

${sections.join("\n")}

<h2>Provenance</h2>
<table class="provenance">
<tr><th>antitrain</th><td>${esc(provenance.antitrain)}${provenance.commit === null ? "" : ` (commit ${esc(provenance.commit)})`}</td></tr>
<tr><th>backend</th><td>${esc(provenance.backend)}</td></tr>
<tr><th>command</th><td><code>${esc(source?.command ?? "(called from code: at.measureModel)")}</code></td></tr>
<tr><th>date</th><td>${esc(provenance.date)}</td></tr>
<tr><th>run time</th><td>${seconds(provenance.seconds)}</td></tr>
<tr><th>settings</th><td>method <code>${esc(settings.method)}</code>, spatial <code>${esc(settings.spatial)}</code> (conv channels: each position drawn independently), core fraction ${settings.fraction}, seed ${settings.seed}, up to ${settings.rows} rows; core on accuracy, units ranked by cross-entropy damage</td></tr>
</table>
</main>
<script type="application/json" id="measure-report">${json}</script>
</body>
</html>
`;
}

/** One site's section: its numbers and both charts. */
function siteSection(s: SiteMeasure, fraction: number, chance: number): string {
  const coreSet = new Set(s.core);
  const sorted = s.order.map((u) => ({ unit: u, value: s.lossImportance[u], core: coreSet.has(u) }));
  const spectators = s.units - s.core.length;
  const atSpectators = s.curve.find((p) => p.k === spectators);
  return `<section id="site-${esc(s.site)}">
<h2>Site <code>${esc(s.site)}</code></h2>
<p>${s.units} units · clean accuracy ${pct(s.cleanAccuracy, 1)} · whole layer randomized: accuracy −${points(s.fullDamage)} points, cross-entropy +${num(s.fullLossDamage)} · <strong>${pct(fraction)} core: ${s.core.length} units</strong> (reaches ${pct(s.fractionReached, 1)} of the damage)${
    atSpectators === undefined || spectators === 0 ? "" : ` · the ${spectators} unit${spectators === 1 ? "" : "s"} outside the core randomized together: accuracy ${pct(atSpectators.accuracy, 1)}`
  }</p>
<div class="charts">
<figure>${barChart(sorted, `Information content of each unit of ${s.site}, sorted`, "cross-entropy damage")}<figcaption>Each bar is one unit's cross-entropy damage when it alone is randomized, most informative first; core units in blue. Hover a bar for its unit index and its accuracy damage (${esc(summaryOfAccuracy(s))}).</figcaption></figure>
<figure>${lineChart(
    [
      { name: "least informative randomized first", color: "#d62728", points: s.curve },
      { name: "most informative randomized first (core search)", color: "#1f77b4", points: s.coreCurve, dashed: true },
    ],
    s.units,
    { x: s.core.length, label: `core ${s.core.length}` },
    chance,
    `Accuracy as units of ${s.site} are randomized together`,
  )}<figcaption>Accuracy when the k least informative units are randomized together (red; a flat start means those units carry little), and when the k most informative are (blue, the prefixes the core search evaluated). Grey: chance.</figcaption></figure>
</div>
</section>`;
}

/** How many units have zero or negative accuracy damage alone, in words. */
function summaryOfAccuracy(s: SiteMeasure): string {
  const none = s.accuracyImportance.filter((v) => v <= 0).length;
  return `${none} of ${s.units} units change no prediction's accuracy when randomized alone`;
}

const W = 560;
const H = 300;
const M = { left: 62, right: 16, top: 34, bottom: 46 };

/** Sorted bars, one per unit (a filled outline past 600 units), core units in blue. */
function barChart(bars: { unit: number; value: number; core: boolean }[], title: string, yLabel: string): string {
  const values = bars.map((b) => b.value);
  const lo = Math.min(0, ...values);
  const hi = Math.max(...values, lo + 1e-9);
  const y = scale(lo, hi, H - M.bottom, M.top);
  const step = (W - M.left - M.right) / Math.max(bars.length, 1);
  const x0 = (i: number) => M.left + i * step;
  let marks: string;
  if (bars.length <= 600) {
    marks = bars
      .map((b, i) => {
        const top = Math.min(y(b.value), y(0));
        const height = Math.max(Math.abs(y(b.value) - y(0)), 0.5);
        return `<rect x="${f(x0(i) + step * 0.1)}" y="${f(top)}" width="${f(Math.max(step * 0.8, 0.6))}" height="${f(height)}" fill="${b.core ? "#1f77b4" : "#aab4c0"}"><title>unit ${b.unit}: cross-entropy damage ${num(b.value)}${b.core ? " (core)" : ""}</title></rect>`;
      })
      .join("");
  } else {
    const outline = (core: boolean) => {
      const pts = bars.map((b, i) => (b.core === core ? `${f(x0(i))},${f(y(b.value))} ${f(x0(i + 1))},${f(y(b.value))}` : `${f(x0(i))},${f(y(0))} ${f(x0(i + 1))},${f(y(0))}`));
      return `<polygon points="${f(M.left)},${f(y(0))} ${pts.join(" ")} ${f(x0(bars.length))},${f(y(0))}" fill="${core ? "#1f77b4" : "#aab4c0"}"/>`;
    };
    marks = outline(false) + outline(true);
  }
  const yTicks = ticks(lo, hi, 5);
  const xTicks = ticks(0, bars.length, 6).filter((t) => Number.isInteger(t));
  return svg(
    title,
    `${grid(yTicks, y)}${marks}<line x1="${M.left}" x2="${W - M.right}" y1="${f(y(0))}" y2="${f(y(0))}" stroke="#333" stroke-width="1"/>${xTicks
      .map((t) => `<text x="${f(x0(t))}" y="${H - M.bottom + 16}" text-anchor="middle">${t}</text>`)
      .join("")}${axisLabels("units, sorted by information content (rank)", yLabel)}${legend([
      { name: "core", color: "#1f77b4" },
      { name: "outside the core", color: "#aab4c0" },
    ])}`,
  );
}

/** Accuracy against k units randomized: lines with markers, a vertical line at the core size, chance in grey. */
function lineChart(
  series: { name: string; color: string; points: CurvePoint[]; dashed?: boolean }[],
  units: number,
  marker: { x: number; label: string },
  chance: number,
  title: string,
): string {
  const x = scale(0, Math.max(units, 1), M.left, W - M.right);
  const y = scale(0, 1, H - M.bottom, M.top);
  const yTicks = [0, 0.25, 0.5, 0.75, 1];
  const xTicks = ticks(0, units, 6).filter((t) => Number.isInteger(t));
  // The core's label sits low beside its line, on the side with room (the legend holds the top right).
  const mx = x(marker.x);
  const right = mx < (M.left + W - M.right) / 2;
  const markerLabel = `<text x="${f(right ? mx + 4 : mx - 4)}" y="${H - M.bottom - 30}" text-anchor="${right ? "start" : "end"}" fill="#1f77b4">${esc(marker.label)}</text>`;
  const lines = series
    .map((s) => {
      const pts = [...s.points].sort((a, b) => a.k - b.k);
      const path = pts.map((p) => `${f(x(p.k))},${f(y(p.accuracy))}`).join(" ");
      const dots = pts
        .map((p) => `<circle cx="${f(x(p.k))}" cy="${f(y(p.accuracy))}" r="3" fill="${s.color}"><title>${esc(s.name)}: k = ${p.k}, accuracy ${pct(p.accuracy, 1)}</title></circle>`)
        .join("");
      return `<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>${dots}`;
    })
    .join("");
  return svg(
    title,
    `${grid(yTicks, y, (t) => pct(t))}<line x1="${M.left}" x2="${W - M.right}" y1="${f(y(chance))}" y2="${f(y(chance))}" stroke="#999" stroke-dasharray="2 3"/><text x="${M.left + 4}" y="${f(y(chance) - 4)}" fill="#777">chance</text><line x1="${f(x(marker.x))}" x2="${f(x(marker.x))}" y1="${M.top}" y2="${H - M.bottom}" stroke="#1f77b4" stroke-opacity="0.45"/>${markerLabel}${lines}${xTicks
      .map((t) => `<text x="${f(x(t))}" y="${H - M.bottom + 16}" text-anchor="middle">${t}</text>`)
      .join("")}${axisLabels("k units randomized together", "accuracy")}${legend(series.map((s) => ({ name: s.name, color: s.color })), 44)}`,
  );
}

/** An SVG element with a title (no xmlns: inline SVG in HTML needs none, and the page names no URL). */
function svg(title: string, body: string): string {
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}"><text x="${W / 2}" y="16" text-anchor="middle" class="title">${esc(title)}</text>${body}</svg>`;
}

/** Horizontal grid lines with labels at `ts`. */
function grid(ts: number[], y: (v: number) => number, label: (t: number) => string = (t) => num(t)): string {
  return ts
    .map((t) => `<line x1="${M.left}" x2="${W - M.right}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#e5e5e5"/><text x="${M.left - 6}" y="${f(y(t) + 4)}" text-anchor="end">${label(t)}</text>`)
    .join("");
}

/** Axis titles. */
function axisLabels(xLabel: string, yLabel: string): string {
  return `<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle" class="axis">${esc(xLabel)}</text><text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis">${esc(yLabel)}</text>`;
}

/** A legend at the top right, one swatch per entry. */
function legend(entries: { name: string; color: string }[], dy = 30): string {
  return entries
    .map((e, i) => {
      const ty = M.top + dy - 20 + i * 15;
      return `<rect x="${W - M.right - 10}" y="${ty - 8}" width="10" height="10" fill="${e.color}"/><text x="${W - M.right - 14}" y="${ty + 1}" text-anchor="end">${esc(e.name)}</text>`;
    })
    .join("");
}

/** A linear map from [d0, d1] to [r0, r1]. */
function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** About `count` round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

const f = (v: number): string => (Math.round(v * 10) / 10).toString();
const pct = (v: number, digits = 0): string => `${(100 * v).toFixed(digits)}%`;
const points = (v: number): string => (100 * v).toFixed(1);
const seconds = (v: number): string => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} s`;
function num(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 10 ** -digits) return v.toExponential(1);
  return Number(v.toFixed(digits)).toString();
}

/** Text escaped for HTML (also inside attribute values). */
function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const STYLE = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; background: #fafafa; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 8px; word-break: break-all; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.lead { color: #444; max-width: 900px; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 14px; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { background: #f3f5f7; }
.summary td:nth-child(n+2), .summary th:nth-child(n+2) { text-align: right; }
.provenance th { width: 110px; color: #555; font-weight: 600; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f3f3f3; padding: 1px 4px; border-radius: 3px; word-break: break-all; }
.notes { color: #555; margin-top: 0; }
.warn { background: #fff4e0; border-left: 4px solid #e69500; padding: 6px 10px; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; }
figure { margin: 0; flex: 1 1 540px; max-width: 580px; }
figure svg { width: 100%; height: auto; font-size: 11px; fill: #333; background: #fff; }
figure svg .title { font-size: 13px; font-weight: 600; }
figure svg .axis { font-size: 12px; fill: #444; }
figcaption { font-size: 13px; color: #555; margin-top: 2px; }
a { color: #1f5fa0; }
`;
