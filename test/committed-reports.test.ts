// The committed full-run reports and results (issue "reports"): each report at most 2 MB, every chart with a
// static PNG beside its interactive HTML, every report backed by its committed results, and no quick-run
// results committed.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const root = path.join(__dirname, "..");
const reports = path.join(root, "reports");
const results = path.join(root, "results");
const MAX_BYTES = 2_000_000;
const committed = (dir: string, ext: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(ext) && f !== "index.html").sort() : [];

test("every committed report (.ipynb and .html) is at most 2 MB", () => {
  const files = [...committed(reports, ".ipynb"), ...committed(reports, ".html")];
  for (const f of files) {
    const bytes = fs.statSync(path.join(reports, f)).size;
    assert.ok(bytes <= MAX_BYTES, `reports/${f} is ${(bytes / 1e6).toFixed(2)} MB (budget 2 MB)`);
  }
});

test("every committed report has its HTML, its full-run results and a PNG beside each chart", () => {
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
        if (charts === 1) assert.ok(output.data?.["image/png"], `reports/${f}: a chart output without image/png`);
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
