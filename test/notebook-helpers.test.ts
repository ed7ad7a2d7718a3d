import { strict as assert } from "node:assert";
import * as path from "node:path";
import { test } from "node:test";
import * as at from "../lib/index";

const { RUN_TIME_MARK: rendererMark } = require(path.join(__dirname, "..", "scripts", "render-notebook.js")) as { RUN_TIME_MARK: string };

test("provenance states setting, seeds, date, commit, backend and the run-time placeholder the renderer fills", async () => {
  await at.ready({ quiet: true });
  const quick = at.provenance({ notebook: "04-compression", quick: true, seeds: [0] });
  const [first, second] = quick.split("\n");
  assert.match(first, /^04-compression · quick setting: a smoke test of the notebook; its numbers are not the study's \(those come from FULL=1: results\/04-compression\.json, reports\/04-compression\.html\)$/);
  assert.match(second, /^seed 0 · \d{4}-\d\d-\d\d · commit [0-9a-f]{7,}( \+ uncommitted changes)? · backend \w+ · /);
  assert.ok(second.endsWith(at.RUN_TIME_MARK));
  assert.equal(at.RUN_TIME_MARK, rendererMark, "scripts/render-notebook.js replaces exactly this text");
  const full = at.provenance({ notebook: "01-x", quick: false, seeds: [0, 1, 2] });
  assert.match(full, /^01-x · full setting: the study's numbers\nseeds 0, 1, 2 · /);
  assert.equal(at.quickNote(false, "01-x"), "");
  assert.match(at.quickNote(true, "01-x"), /quick setting, not the study's number: see results\/01-x\.json/);
});

test("provenance refuses bad input with the fix", () => {
  assert.throws(() => at.provenance({ notebook: "a/b", quick: true }), /notebook's file name without \.ipynb/);
  assert.throws(() => at.provenance({ notebook: "01-x", quick: "yes" as unknown as boolean }), /quick must be true or false/);
  assert.throws(() => at.provenance({ notebook: "01-x", quick: true, seeds: [0.5] }), /seeds must be an array of integers/);
});

test("htmlTable: every column whole, numbers right-aligned, text escaped, keys of all rows", () => {
  const html = at.htmlTable([{ method: "<plain>", units: 128 }, { method: "anti", units: 60, extra: "x & y" }], { caption: "sizes" });
  assert.equal(
    html,
    '<table class="antitrain-table" style="white-space:nowrap;border-collapse:collapse"><caption>sizes</caption>' +
      "<thead><tr><th>method</th><th>units</th><th>extra</th></tr></thead><tbody>" +
      '<tr><td>&lt;plain&gt;</td><td style="text-align:right">128</td><td></td></tr>' +
      '<tr><td>anti</td><td style="text-align:right">60</td><td>x &amp; y</td></tr></tbody></table>',
  );
  assert.throws(() => at.htmlTable("rows" as unknown as Record<string, unknown>[]), /rows must be an array/);
  assert.throws(() => at.htmlTable([3 as unknown as Record<string, unknown>]), /every row must be an object/);
});

test("chart embeds its figure as JSON for the renderer's PNG and refuses trace types outside the bundle", () => {
  const html = at.chart([{ x: [1, 2], y: [3, 4], type: "scatter" }], at.axes("step", "loss", "Loss"));
  const m = /<script type="application\/json" class="antitrain-figure" data-chart="([^"]+)">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, "the figure JSON is embedded");
  const figure = JSON.parse(m[2]);
  assert.deepEqual(figure.data, [{ x: [1, 2], y: [3, 4], type: "scatter" }]);
  assert.equal(figure.layout.title.text, "Loss");
  assert.ok(html.includes(`<div id="${m[1]}" class="antitrain-chart"`));
  assert.throws(() => at.chart([{ type: "scatter3d", x: [1], y: [1], z: [1] }]), /not in the notebooks' Plotly bundle; use one of scatter/);
  assert.ok(at.plotlyScript().length < 1_600_000, "the partial (cartesian) Plotly bundle, not the 4.6 MB full one");
});
