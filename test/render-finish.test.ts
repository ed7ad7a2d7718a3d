// How scripts/render-notebook.js finishes an executed notebook for sharing, on hand-made outputs: wide tables split
// into parts that fit a 1300 px page, a Markdown copy of every table, the verdict box lifted under the title, the
// inline Plotly bundle dropped, and readable log axes. No kernel or browser runs here.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as nb from "../lib/notebook/index";

const { splitWideTables, markdownTables, liftVerdicts } = require("../scripts/render-notebook.js") as {
  splitWideTables: (html: string) => string;
  markdownTables: (html: string) => string[];
  liftVerdicts: (notebook: { cells: Cell[] }, missing?: string) => void;
};
interface Cell {
  cell_type: string;
  id?: string;
  source: string;
  metadata?: Record<string, unknown>;
  outputs?: { output_type: string; data?: Record<string, string> }[];
}

const wideRow = (i: number) => Object.fromEntries(Array.from({ length: 17 }, (_v, j) => [`column number ${j}`, `${i}.${j} [0.123, 0.456]`]));

test("splitWideTables: a 17-column table becomes parts that fit, each repeating the first column; a narrow table is kept", () => {
  const wide = nb.htmlTable([wideRow(1), wideRow(2)], { caption: "a wide one" });
  const parts = splitWideTables(wide);
  const tables = parts.match(/<table/g) ?? [];
  assert.ok(tables.length >= 2, `split into ${tables.length} parts`);
  for (const t of parts.split("\n")) {
    assert.match(t, /<th>column number 0<\/th>/, "every part repeats the first column");
    assert.match(t, /<caption>a wide one \(part \d of \d: columns [\d, ]+\)<\/caption>/);
  }
  const cells = [...parts.matchAll(/<td>(1\.\d+) /g)].map((m) => m[1]);
  assert.deepEqual(new Set(cells), new Set(Array.from({ length: 17 }, (_v, j) => `1.${j}`)), "every cell is still there");
  const long = nb.htmlTable([{ knob: "arms", value: "x".repeat(300) }]);
  const wrapped = splitWideTables(long);
  assert.equal((wrapped.match(/<table/g) ?? []).length, 1, "a two-column table with one long column is not split");
  assert.match(wrapped, /<td style="white-space:normal;overflow-wrap:anywhere;min-width:\d+px">x{300}<\/td>/, "its long column wraps");
  assert.equal(splitWideTables(wrapped), wrapped, "idempotent");
  const narrow = nb.htmlTable([{ a: 1, b: "x" }]);
  assert.equal(splitWideTables(narrow), narrow);
  assert.equal(splitWideTables(parts), parts, "idempotent: parts that fit are left alone");
});

test("markdownTables: each table as Markdown with its caption, HTML entities and pipes escaped", () => {
  const html = nb.htmlTable([{ arm: "a|b", "acc <1 pt": 0.5 }], { caption: "cap & more" });
  assert.deepEqual(markdownTables(html), ["cap & more\n\n| arm | acc <1 pt |\n| --- | --- |\n| a\\|b | 0.5 |"]);
});

test("liftVerdicts: verdict boxes move from their outputs into one Markdown cell under the title; a second pass keeps it", () => {
  const box = '<div class="antitrain-verdict" style="x">\n<p>answer</p>\n</div>';
  const notebook: { cells: Cell[] } = {
    cells: [
      { cell_type: "markdown", id: "t", source: "# Title\n\n**Question.** why?" },
      { cell_type: "code", source: "run", outputs: [{ output_type: "display_data", data: { "text/html": box } }, { output_type: "stream" }] },
    ],
  };
  liftVerdicts(notebook);
  assert.deepEqual(notebook.cells.map((c) => c.source), ["# Title", box, "**Question.** why?", "run"]);
  assert.deepEqual(notebook.cells[3].outputs, [{ output_type: "stream" }], "the box left its output");
  liftVerdicts(notebook, "<div>missing</div>");
  assert.equal(notebook.cells.length, 4, "not doubled");
  const bare: { cells: Cell[] } = { cells: [{ cell_type: "markdown", source: "# T\nrest" }] };
  liftVerdicts(bare, '<div class="antitrain-verdict">none</div>');
  assert.deepEqual(bare.cells.map((c) => c.source), ["# T", '<div class="antitrain-verdict">none</div>', "rest"]);
});

test("readableLogAxes: log axes get 1-2-5 ticks over the data, one per decade beyond three decades; others untouched", () => {
  const layout = nb.readableLogAxes([{ x: [4, 8, 16, 128], y: [0.001, 0.5] }], { xaxis: { type: "log" }, yaxis: { type: "log" }, title: { text: "t" } });
  assert.deepEqual(layout.xaxis, { type: "log", tickvals: [5, 10, 20, 50, 100], ticktext: ["5", "10", "20", "50", "100"] });
  assert.deepEqual((layout.yaxis as { tickvals: number[] }).tickvals, [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]);
  const wide = nb.readableLogAxes([{ x: [1e-6, 1], y: [1, 2] }], { xaxis: { type: "log" } });
  assert.deepEqual((wide.xaxis as { ticktext: string[] }).ticktext, ["1e-6", "1e-5", "1e-4", "0.001", "0.01", "0.1", "1"]);
  const own = { xaxis: { type: "log", dtick: 1 } };
  assert.deepEqual(nb.readableLogAxes([{ x: [1, 1000] }], own), own, "an axis with its own ticks is kept");
  assert.deepEqual(nb.readableLogAxes([{ x: [1, 1000], xaxis: "x2" }], { xaxis: { type: "log" } }).xaxis, { type: "log" }, "traces on another axis do not count");
});

test("chartSnippet: waits a bounded time for Plotly, draws without the toolbar, refuses an id that is not a plain name", () => {
  const html = nb.chartSnippet("c-1", { data: [{ x: [1], y: [2] }], layout: { height: 300 } });
  assert.match(html, /^<div id="c-1" class="antitrain-chart" style="[^"]*height:300px"><\/div>/);
  assert.match(html, /if\(\+\+n<100\)setTimeout\(draw,50\)/);
  assert.match(html, /displayModeBar:false/);
  assert.throws(() => nb.chartSnippet('x" onload="', { data: [], layout: {} }), /letters, digits/);
});

test("proseFromSource: copies the source notebook's Markdown into an executed one with the same cells, keeps its code as it ran, refuses other cells", () => {
  const { proseFromSource } = require("../scripts/render-notebook.js") as { proseFromSource: (nb: { cells: Cell[] }, file: string) => number };
  const fs = require("node:fs") as typeof import("node:fs");
  const os = require("node:os") as typeof import("node:os");
  const path = require("node:path") as typeof import("node:path");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-prose-"));
  try {
    const file = path.join(dir, "n.ipynb");
    const source = { cells: [
      { cell_type: "markdown", id: "n-0", source: "# T\n\nnew intro" },
      { cell_type: "code", id: "n-1", source: "run()" },
      { cell_type: "markdown", id: "n-2", source: "new reading: 0.242" },
    ] };
    fs.writeFileSync(file, JSON.stringify(source));
    const executed = (code: string): { cells: Cell[] } => ({ cells: [
      { cell_type: "markdown", id: "n-0", source: "# T" },
      { cell_type: "markdown", id: "antitrain-verdict", metadata: { antitrain: "verdict" }, source: "<div>box</div>" },
      { cell_type: "markdown", id: "n-0-rest", source: "old intro" },
      { cell_type: "code", id: "n-1", source: code, outputs: [] },
      { cell_type: "markdown", id: "n-2", source: "old reading: 0.227" },
    ] });
    const nb = executed("run()");
    assert.equal(proseFromSource(nb, file), 2);
    assert.equal(nb.cells[4].source, "new reading: 0.242");
    assert.equal(nb.cells[2].source, "new intro", "the introduction under the title is the source's, less its title");
    assert.equal(proseFromSource(nb, file), 0, "nothing left to copy");
    assert.equal(nb.cells[0].source, "# T", "the title cell stays split");
    const edited = executed("run(\n)");
    assert.equal(proseFromSource(edited, file), 2, "a re-wrapped code cell does not stop the prose");
    assert.equal(edited.cells[3].source, "run(\n)", "the code stays as it ran");
    const fewer = executed("run()");
    fewer.cells.pop();
    assert.throws(() => proseFromSource(fewer, file), /cells differ/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
