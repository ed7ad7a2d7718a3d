import { strict as assert } from "node:assert";
import * as path from "node:path";
import { test } from "node:test";
import * as at from "../lib/index";
import * as nb from "../lib/notebook/index";

const { RUN_TIME_MARK: rendererMark } = require(path.join(__dirname, "..", "scripts", "render-notebook.js")) as { RUN_TIME_MARK: string };

test("provenance states setting, seeds, date, commit, backend and the run-time placeholder the renderer fills", async () => {
  await at.ready({ quiet: true });
  const quick = nb.provenance({ notebook: "04-compression", quick: true, seeds: [0] });
  const [first, second] = quick.split("\n");
  assert.match(first, /^04-compression · quick setting: a smoke test of the notebook; its numbers are not the study's \(those come from FULL=1: results\/04-compression\.json, reports\/04-compression\.html\)$/);
  assert.match(second, /^seed 0 · \d{4}-\d\d-\d\d · commit [0-9a-f]{7,}( \+ uncommitted code changes)? · backend \w+(, matmul [a-z-]+)? · /);
  assert.ok(second.endsWith(nb.RUN_TIME_MARK));
  assert.equal(nb.RUN_TIME_MARK, rendererMark, "scripts/render-notebook.js replaces exactly this text");
  const full = nb.provenance({ notebook: "01-x", quick: false, seeds: [0, 1, 2] });
  assert.match(full, /^01-x · full setting: the study's numbers\nseeds 0, 1, 2 · /);
  assert.equal(nb.quickNote(false, "01-x"), "");
  assert.match(nb.quickNote(true, "01-x"), /quick setting, not the study's number: see results\/01-x\.json/);
});

test("provenance refuses bad input with the fix", () => {
  assert.throws(() => nb.provenance({ notebook: "a/b", quick: true }), /notebook's file name without \.ipynb/);
  assert.throws(() => nb.provenance({ notebook: "01-x", quick: "yes" as unknown as boolean }), /quick must be true or false/);
  assert.throws(() => nb.provenance({ notebook: "01-x", quick: true, seeds: [0.5] }), /seeds must be an array of integers/);
});

test("htmlTable: every column whole, numbers right-aligned, text escaped, keys of all rows", () => {
  const html = nb.htmlTable([{ method: "<plain>", units: 128 }, { method: "anti", units: 60, extra: "x & y" }], { caption: "sizes" });
  assert.equal(
    html,
    '<table class="antitrain-table" style="white-space:nowrap;border-collapse:collapse"><caption>sizes</caption>' +
      "<thead><tr><th>method</th><th>units</th><th>extra</th></tr></thead><tbody>" +
      '<tr><td>&lt;plain&gt;</td><td style="text-align:right">128</td><td></td></tr>' +
      '<tr><td>anti</td><td style="text-align:right">60</td><td>x &amp; y</td></tr></tbody></table>',
  );
  assert.throws(() => nb.htmlTable("rows" as unknown as Record<string, unknown>[]), /rows must be an array/);
  assert.throws(() => nb.htmlTable([3 as unknown as Record<string, unknown>]), /every row must be an object/);
});

test("chart embeds its figure as JSON for the renderer's PNG and refuses trace types outside the bundle", () => {
  const html = nb.chart([{ x: [1, 2], y: [3, 4], type: "scatter" }], nb.axes("step", "loss", "Loss"));
  const m = /<script type="application\/json" class="antitrain-figure" data-chart="([^"]+)">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, "the figure JSON is embedded");
  const figure = JSON.parse(m[2]);
  assert.deepEqual(figure.data, [{ x: [1, 2], y: [3, 4], type: "scatter" }]);
  assert.equal(figure.layout.title.text, "Loss");
  assert.ok(html.includes(`<div id="${m[1]}" class="antitrain-chart"`));
  assert.throws(() => nb.chart([{ type: "scatter3d", x: [1], y: [1], z: [1] }]), /not in the notebooks' Plotly bundle; use one of scatter/);
  assert.ok(nb.plotlyScript().length < 1_600_000, "the partial (cartesian) Plotly bundle, not the 4.6 MB full one");
});

test("grokTestChart: one line per run but one legend entry per arm, so the legend fits however many seeds", () => {
  const run = (label: string, seed: number) => ({ label, seed, curve: [{ step: 0, testAccuracy: 0.1 }, { step: 50, testAccuracy: 0.9 }] });
  const runs = [0, 1, 2, 3, 4].flatMap((seed) => ["baseline", "grokfast-tuned", "antitrain"].map((label) => run(label, seed)));
  const html = nb.grokTestChart(runs as never, 59, 0.4);
  const figure = JSON.parse((/data-chart="[^"]+">([\s\S]*?)<\/script>/.exec(html) as RegExpExecArray)[1]);
  assert.equal(figure.data.length, 15, "every seed of every arm is drawn");
  const inLegend = figure.data.filter((t: { showlegend?: boolean }) => t.showlegend !== false).map((t: { name: string }) => t.name);
  assert.deepEqual(inLegend, ["baseline", "grokfast-tuned", "antitrain"]);
  assert.ok(figure.data.every((t: { legendgroup: string; name: string }) => t.legendgroup === t.name), "an arm's entry toggles all its seeds");
  assert.match(figure.data[14].hovertemplate, /antitrain, seed 4/);
});

test("report index: one row per rendered report with its question, verdict, key number and provenance facts", () => {
  const fs = require("node:fs") as typeof import("node:fs");
  const os = require("node:os") as typeof import("node:os");
  const { writeIndex } = require(path.join(__dirname, "..", "scripts", "report-index.js")) as {
    writeIndex: (reports: string, results: string, resultsMd: string) => { file: string; names: string[] };
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-index-"));
  try {
    const reports = path.join(dir, "reports");
    const results = path.join(dir, "results");
    fs.mkdirSync(reports);
    fs.mkdirSync(results);
    const notebook = (title: string, question: string, provenance: string) => ({
      cells: [
        { cell_type: "markdown", metadata: {}, source: `# ${title}\n\n**Question.** ${question} More text.\n\n**Method.** x` },
        { cell_type: "code", metadata: {}, source: "", outputs: [{ output_type: "stream", name: "stdout", text: provenance }] },
      ],
    });
    fs.writeFileSync(path.join(reports, "01-a.ipynb"), JSON.stringify(notebook("01 · A <study>", "Does `x` help?", "01-a · full setting: the study's numbers\nseeds 0, 1 · 2026-11-30 · commit abc1234 · backend wasm · run time: 4 min 05 s\n")));
    fs.writeFileSync(path.join(reports, "01-a.html"), "<html></html>");
    fs.writeFileSync(path.join(reports, "02-b.ipynb"), JSON.stringify(notebook("02 · B", "Is y true?", "")));
    fs.writeFileSync(path.join(reports, "02-b.html"), "<html></html>");
    fs.writeFileSync(path.join(results, "02-b.json"), JSON.stringify({ headline: "No: y is false on 10 of 10 seeds." }));
    fs.writeFileSync(path.join(reports, "03-unrendered.ipynb"), JSON.stringify(notebook("03", "q", "")));
    const resultsMd = [
      "| question | verdict | key number | report |",
      "| --- | --- | --- | --- |",
      "| 01 · does `x` concentrate the layer? | **supported** | core 120 → 40 units | [01](reports/01-a.html) |",
      "",
      "| 95% arm − plain | +3.2 | −0.008 | 0.1 |",
      "| 01 · a later table's row | **not supported** | never shown | x |",
    ].join("\n");
    fs.writeFileSync(path.join(dir, "RESULTS.md"), resultsMd);
    const { file, names } = writeIndex(reports, results, path.join(dir, "RESULTS.md"));
    assert.deepEqual(names, ["01-a", "02-b"], "only notebooks with both files are listed");
    const html = fs.readFileSync(file, "utf8");
    assert.ok(html.includes("<th>question</th><th>verdict</th><th>key number</th>"), "columns: question, verdict, key number, links");
    assert.ok(html.includes('<a href="01-a.html">01 · A &lt;study&gt;</a>'), "title, escaped, linking the report");
    assert.ok(html.includes("does x concentrate the layer?"), "RESULTS.md's question, code marks dropped");
    assert.ok(html.includes("<b>supported</b></td><td>core 120 → 40 units</td>"), "the verdict in bold, then the key number");
    assert.ok(!html.includes("never shown"), "the headline table's row wins over later tables");
    assert.ok(html.includes('<a href="01-a.ipynb">notebook</a>'));
    assert.ok(
      html.includes("full setting · seeds 0, 1 · 2026-11-30 · commit abc1234 · backend wasm · render time: 4 min 05 s (this run predates per-seed provenance"),
      "a run without per-seed provenance: its time is the render's, said so",
    );
    assert.ok(html.includes("Is y true?"), "without a RESULTS.md row: the notebook's question");
    assert.ok(html.includes("No: y is false on 10 of 10 seeds."), "and the results' headline as the key number");
    // The older three-column table still reads, as key number and verdict.
    fs.writeFileSync(path.join(dir, "RESULTS.md"), "| notebook | headline | verdict |\n| --- | --- | --- |\n| 01 a study | core 120 → 40 units | **works** |\n");
    const old = fs.readFileSync(writeIndex(reports, results, path.join(dir, "RESULTS.md")).file, "utf8");
    assert.ok(old.includes("<b>works</b></td><td>core 120 → 40 units</td>") && old.includes("Does x help?"));
    assert.ok(!/<script|https?:/.test(html), "no script, nothing from the network");
    // A run with its own generated verdict and per-seed provenance: those come first.
    const verdict = { answer: "mixed", sentence: "x helps on one task.", numbers: ["a 1.0 [0.5, 1.5]", "b 2.0", "c 3.0"] };
    fs.writeFileSync(path.join(results, "01-a.json"), JSON.stringify({ verdict, provenance: { line: "10 seeds: 3 computed now, 7 from the cache (commit abc1234)" } }));
    const generated = fs.readFileSync(writeIndex(reports, results, path.join(dir, "RESULTS.md")).file, "utf8");
    assert.ok(generated.includes("<b>mixed</b></td><td>x helps on one task. · a 1.0 [0.5, 1.5] · b 2.0</td>"), "the generated verdict, sentence and first numbers");
    assert.ok(generated.includes("10 seeds: 3 computed now, 7 from the cache (commit abc1234)"), "the run's own provenance line");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("keep frees what the previous run of a cell held under the same name, and nothing the new value still uses", async () => {
  await at.ready({ quiet: true });
  const tf = await import("@tensorflow/tfjs");
  const start = tf.memory().numTensors;
  const shared = tf.ones([2]);
  const first = nb.keep("keep-test", { model: at.mlp({ inputs: 3, hidden: [4], classes: 2, seed: 0 }), t: tf.zeros([5]), shared });
  const afterFirst = tf.memory().numTensors;
  assert.ok(afterFirst > start + 2);
  const second = nb.keep("keep-test", { model: at.mlp({ inputs: 3, hidden: [4], classes: 2, seed: 1 }), t: tf.zeros([5]), shared });
  assert.equal(tf.memory().numTensors, afterFirst, "the first run's model and tensor were freed: a re-run leaks nothing");
  assert.ok(first.t.isDisposed && !shared.isDisposed && !second.t.isDisposed, "what the new value uses stays alive");
  assert.equal(nb.keep("keep-test", second), second, "keeping the same value again frees nothing");
  assert.equal(tf.memory().numTensors, afterFirst);
  nb.keep("keep-test", null);
  assert.equal(tf.memory().numTensors, start, "everything freed once the name holds nothing");
  assert.throws(() => nb.keep("", 1), /name must be a non-empty string/);
});

test("the renderer's run-time line rounds before splitting minutes and seconds", () => {
  const { formatDuration } = require(path.join(__dirname, "..", "scripts", "render-notebook.js")) as { formatDuration: (s: number) => string };
  assert.equal(formatDuration(12.34), "12.3 s");
  assert.equal(formatDuration(59.96), "1 min 00 s");
  assert.equal(formatDuration(2219.6), "37 min 00 s");
  assert.equal(formatDuration(245), "4 min 05 s");
});

test("compressionCoreLine lists every arm that measured a core, antitraining first, and leaves out arms without one", () => {
  const results = require(path.join(__dirname, "..", "results", "20-fashion-mnist-full.json")) as { studySummary: unknown };
  const run = { summary: results.studySummary, settings: { site: "h1", hidden: [256] } } as unknown as Parameters<typeof nb.compressionCoreLine>[0];
  const line = nb.compressionCoreLine(run);
  assert.match(line, /^95% core before pruning \(validation\), units of 256: antitrain 218\.3 \[196\.7, 239\.9\], activation L1 33\.4 \[31\.8, 35\.0\], targeted dropout 146\.8 \[102\.1, 191\.5\]$/);
  assert.doesNotMatch(line, /\?|iterative magnitude pruning|small from scratch/);
});
