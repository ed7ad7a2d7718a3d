// The committed full-run reports and results: each report at most 400 KB and reports/ at most 10 MB (one shared
// Plotly bundle in reports/assets/), every report opening with its verdict box above the fold at 1300 px, no table
// wider than the page, every chart with a static PNG shown without JavaScript, every report backed by its committed
// results, and no quick-run results committed.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const root = path.join(__dirname, "..");
const reports = path.join(root, "reports");
const results = path.join(root, "results");
const MAX_BYTES = 400_000;
const MAX_TOTAL_BYTES = 10_000_000;
// Chromium's layout check (scripts/check-report.js); skipped where no Chromium is installed.
interface Layout {
  file: string;
  verdictTop: number | null;
  wideTables: string[];
  pageWidth: number;
  chartDivs: number;
  imagesShown: number;
  errors: string[];
}
const { findChromium, reportLayouts } = require("../scripts/check-report.js") as {
  findChromium: () => string;
  reportLayouts: (files: string[], options: { width: number; javascript: boolean }) => Promise<Layout[]>;
};
let chromium = true;
try {
  findChromium();
} catch {
  chromium = false;
}
const committed = (dir: string, ext: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(ext) && f !== "index.html").sort() : [];

test("every committed report (.ipynb and .html) is at most 400 KB, and reports/ at most 10 MB in all", () => {
  const files = [...committed(reports, ".ipynb"), ...committed(reports, ".html")];
  assert.ok(files.length > 0);
  for (const f of files) {
    const bytes = fs.statSync(path.join(reports, f)).size;
    assert.ok(bytes <= MAX_BYTES, `reports/${f} is ${(bytes / 1e3).toFixed(0)} KB (budget 400 KB)`);
  }
  const tracked = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
      if (e.name === "quick") return sum; // quick runs' reports are ignored by git
      const p = path.join(dir, e.name);
      return sum + (e.isDirectory() ? tracked(p) : fs.statSync(p).size);
    }, 0);
  const total = tracked(reports);
  assert.ok(total <= MAX_TOTAL_BYTES, `reports/ holds ${(total / 1e6).toFixed(1)} MB (budget 10 MB)`);
  assert.ok(fs.existsSync(path.join(reports, "assets", "plotly.min.js")), "the HTML reports' shared Plotly bundle");
});

/**
 * Committed runs that predate the study contract and have not been recomputed since: their verdict box is RESULTS.md's,
 * labelled as written by hand. None now: every committed study was recomputed from a clean checkout.
 */
const NOT_RECOMPUTED: string[] = [];

test("every committed report opens with its verdict box: the cell under the title", () => {
  for (const f of committed(reports, ".ipynb")) {
    const nb = JSON.parse(fs.readFileSync(path.join(reports, f), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
    const text = (i: number) => [nb.cells[i]?.source ?? ""].flat().join("");
    assert.match(text(0), /^# /, `reports/${f}: the first cell is the title`);
    assert.match(text(1), /^<div class="antitrain-verdict"/, `reports/${f}: the verdict box follows the title`);
    // Generated from the run's summary, with the run's own provenance: never RESULTS.md's hand-written line, except
    // for the runs named in NOT_RECOMPUTED (their boxes say so).
    if (NOT_RECOMPUTED.includes(f.replace(/\.ipynb$/, ""))) {
      assert.match(text(1), /written by hand/, `reports/${f} is listed as not recomputed but shows a generated verdict: drop it from NOT_RECOMPUTED`);
      continue;
    }
    assert.doesNotMatch(text(1), /written by hand/, `reports/${f}: the verdict is hand-written; re-run it (FULL=1 node scripts/render-notebook.js notebooks/${f})`);
    assert.match(text(1), /computed now .*computed at commit [0-9a-f]{7}/, `reports/${f}: the box states how many seeds were computed and at which commit`);
  }
});

test("in Chromium at 1300 px without JavaScript, every report shows its verdict above the fold, no table wider than the page and every chart's image", { skip: !chromium, timeout: 300_000 }, async () => {
  const files = committed(reports, ".html").map((f) => path.join(reports, f));
  const layouts = await reportLayouts(files, { width: 1300, javascript: false });
  for (const l of layouts) {
    const name = path.basename(l.file);
    assert.deepEqual(l.errors, [], `${name}: page errors`);
    assert.ok(l.verdictTop !== null && l.verdictTop < 600, `${name}: the verdict box starts at ${l.verdictTop} px (the fold is at 900 px)`);
    assert.deepEqual(l.wideTables, [], `${name}: tables wider than the page`);
    assert.ok(l.pageWidth <= 1300, `${name}: the page is ${l.pageWidth} px wide`);
    assert.equal(l.imagesShown, l.chartDivs, `${name}: ${l.chartDivs} charts but ${l.imagesShown} static images shown`);
  }
});

test("every committed report has its HTML, its full-run results and one static PNG inside each chart", () => {
  for (const f of committed(reports, ".ipynb")) {
    const name = path.basename(f, ".ipynb");
    assert.ok(fs.existsSync(path.join(reports, `${name}.html`)), `reports/${name}.html is missing`);
    assert.ok(fs.existsSync(path.join(results, `${name}.json`)), `results/${name}.json is missing`);
    const nb = JSON.parse(fs.readFileSync(path.join(reports, f), "utf8")) as { cells: { outputs?: { data?: Record<string, string | string[]> }[] }[] };
    for (const cell of nb.cells) {
      for (const output of cell.outputs ?? []) {
        const html = output.data?.["text/html"];
        if (html === undefined) continue;
        const text = Array.isArray(html) ? html.join("") : html;
        const charts = (text.match(/class="antitrain-chart"/g) ?? []).length;
        const images = (text.match(/<img class="antitrain-fallback"/g) ?? []).length;
        assert.equal(images, charts, `reports/${f}: a chart without its static image`);
        if (charts > 0) assert.equal(output.data?.["image/png"], undefined, `reports/${f}: a chart's PNG is stored twice`);
      }
    }
  }
});

test("no committed results come from a quick run", () => {
  for (const f of committed(results, ".json")) {
    const json = JSON.parse(fs.readFileSync(path.join(results, f), "utf8")) as { quick?: unknown };
    assert.notEqual(json.quick, true, `results/${f} is a quick run's (quick: true); quick runs write results/quick/`);
  }
});

test("reports/index.html reads at 1300 px and at phone width (400 px) without running past the page", { skip: !chromium, timeout: 120_000 }, async () => {
  const index = path.join(reports, "index.html");
  for (const width of [1300, 400]) {
    const [l] = await reportLayouts([index], { width, javascript: false });
    assert.deepEqual(l.errors, []);
    assert.ok(l.pageWidth <= width, `at ${width} px the index is ${l.pageWidth} px wide`);
    assert.deepEqual(l.wideTables, [], `at ${width} px`);
  }
});
