// Writes reports/index.html: one row per committed full-run report (reports/NAME.ipynb and NAME.html) with the
// question it asks, its verdict (bold), its key number and links to the HTML report and the executed notebook,
// under the notebook's title and the setting, date, commit and run time from its provenance line. Self-contained
// (no script, nothing from the network).
//
//   node scripts/report-index.js [REPORTS_DIR]        (run by `FULL=1 npm run notebooks` after rendering)
//
// Question, verdict and key number come from the notebook's row of RESULTS.md's headline table
// ("| NN · question | **verdict** | key number | [NN](reports/NAME.html) |"; the older three-column
// "| NN name | headline | verdict |" is read as key number and verdict). Without a row: the question is the first
// sentence of the notebook's "Question" paragraph (or of its first paragraph), the key number the `headline` string
// of results/NAME.json, and the verdict is left empty.

const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

const escapeHtml = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const text = (v) => (Array.isArray(v) ? v.join("") : String(v ?? ""));
/** Markdown emphasis and code marks dropped, for one line of plain text. */
const plain = (s) => s.replace(/\*\*|__|`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/\s+/g, " ").trim();

/** The first sentence of `paragraph` (up to the first ". " or the end), at most 240 characters. */
function firstSentence(paragraph) {
  const s = plain(paragraph);
  const end = s.search(/[.?!](\s|$)/);
  const sentence = end >= 0 ? s.slice(0, end + 1) : s;
  return sentence.length > 240 ? `${sentence.slice(0, 237)}...` : sentence;
}

/** RESULTS.md's headline table: notebook number → { question, verdict, keyNumber } (plain text; question may be ""). */
function resultsHeadlines(file) {
  const rows = new Map();
  if (!fs.existsSync(file)) return rows;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!/^\|.*\|\s*$/.test(line)) continue;
    const cells = line.trim().slice(1, -1).split("|").map((c) => plain(c));
    const m = cells[0].match(/^(\d\d)(?:\s+|$)(?:·\s*)?(.*)$/);
    if (!m || rows.has(m[1])) continue; // the headline table comes first; later tables never override it
    if (cells.length === 4) rows.set(m[1], { question: m[2], verdict: cells[1], keyNumber: cells[2] });
    else if (cells.length === 3) rows.set(m[1], { question: "", verdict: cells[2], keyNumber: cells[1] });
  }
  return rows;
}

/** Title, question, verdict, key number and provenance facts of one executed notebook. */
function describe(name, reportsDir, resultsDir, headlines = new Map()) {
  const nb = JSON.parse(fs.readFileSync(path.join(reportsDir, `${name}.ipynb`), "utf8"));
  const markdown = nb.cells.filter((c) => c.cell_type === "markdown").map((c) => text(c.source));
  const first = markdown[0] ?? "";
  const title = plain((first.match(/^#\s+(.+)$/m) ?? [null, name])[1]);
  const paragraphs = first.split(/\n\s*\n/).filter((p) => !/^\s*#/.test(p));
  const questionParagraph = paragraphs.find((p) => /^\s*\*\*Question/.test(p)) ?? paragraphs[0] ?? "";
  const row = headlines.get(name.slice(0, 2));
  const question = row?.question || firstSentence(questionParagraph.replace(/^\s*\*\*Question[^*]*\*\*\s*/, ""));
  let verdict = row?.verdict ?? "";
  let keyNumber = row?.keyNumber;
  const results = path.join(resultsDir, `${name}.json`);
  const r = fs.existsSync(results) ? JSON.parse(fs.readFileSync(results, "utf8")) : {};
  // A run's own generated verdict (results/NAME.json's verdict) comes before RESULTS.md's words.
  if (typeof r.verdict?.answer === "string") {
    verdict = r.verdict.answer;
    keyNumber = [r.verdict.sentence, ...(r.verdict.numbers ?? []).slice(0, 2)].filter(Boolean).join(" · ");
  }
  if (keyNumber === undefined && typeof r.headline === "string") keyNumber = r.headline;
  keyNumber ??= "";
  // The provenance line: "NAME · setting ...\nseeds ... · date · commit ... · backend ... · run time: ...".
  let facts = "";
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      const t = out.output_type === "stream" ? text(out.text) : text(out.data?.["text/plain"]);
      const m = t.match(new RegExp(`^${name} · (.+)\\n(.+ · run time: [^\\n]+)`, "m"));
      if (m && !facts) facts = `${m[1].split(":")[0]} · ${m[2]}`;
    }
  }
  // The run's own provenance (seeds computed now or read from the cache, at which commit, in how much compute) when its
  // results carry it; an older run's line states only the render's time, which counts cached seeds as 0 s.
  if (typeof r.provenance?.line === "string") facts = r.provenance.line;
  else if (facts) facts = facts.replace(/run time: (.+)$/, "render time: $1 (this run predates per-seed provenance: seeds read from a cache count 0 s)");
  return { name, title, question, verdict, keyNumber, facts };
}

/** Writes REPORTS_DIR/index.html atomically; returns its path and the notebooks it lists. */
function writeIndex(reportsDir = path.join(ROOT, "reports"), resultsDir = path.join(ROOT, "results"), resultsMd = path.join(ROOT, "RESULTS.md")) {
  const headlines = resultsHeadlines(resultsMd);
  const names = fs
    .readdirSync(reportsDir)
    .filter((f) => f.endsWith(".ipynb") && !f.endsWith(".failed.ipynb") && fs.existsSync(path.join(reportsDir, f.replace(/\.ipynb$/, ".html"))))
    .map((f) => f.replace(/\.ipynb$/, ""))
    .sort();
  const rows = names.map((n) => describe(n, reportsDir, resultsDir, headlines));
  const body = rows
    .map(
      (r) =>
        `<tr><td><a href="${escapeHtml(r.name)}.html">${escapeHtml(r.title)}</a><div class="question">${escapeHtml(r.question)}</div>` +
        `<div class="facts">${escapeHtml(r.facts || "no provenance line")}</div></td>` +
        `<td class="verdict"><b>${escapeHtml(r.verdict || "—")}</b></td><td>${escapeHtml(r.keyNumber)}</td>` +
        `<td><a href="${escapeHtml(r.name)}.html">report</a><br><a href="${escapeHtml(r.name)}.ipynb">notebook</a></td></tr>`,
    )
    .join("\n");
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>antitrain reports</title>
<style>
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, Arial, sans-serif; max-width: 1200px; margin: 24px auto; padding: 0 16px; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #e1e4e8; padding: 8px; vertical-align: top; text-align: left; }
.question { margin-top: 2px; } .facts { color: #666; font-size: 12px; margin-top: 2px; } .verdict { white-space: nowrap; }
@media (max-width: 700px) { thead { display: none; } tr, td { display: block; } td { border: 0; padding: 4px 0; } tr { border-bottom: 1px solid #e1e4e8; padding: 8px 0; } }
</style><meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<h1>antitrain reports</h1>
<p>Executed full runs (<code>FULL=1 npm run notebooks</code>) of the notebooks that answer the questions of the research notes
(<a href="../docs/notes.md">docs/notes.md</a>). Each report is self-contained and loads nothing from the network; verdicts are on one scale (supported, not
supported, mixed, inconclusive); the numbers are also in <code>results/NAME.json</code> and discussed in <a href="../RESULTS.md">RESULTS.md</a>.</p>
<table><thead><tr><th>question</th><th>verdict</th><th>key number</th><th></th></tr></thead><tbody>
${body}
</tbody></table>
</body></html>
`;
  const file = path.join(reportsDir, "index.html");
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, html);
  fs.renameSync(tmp, file);
  return { file, names };
}

module.exports = { writeIndex, describe, resultsHeadlines };

if (require.main === module) {
  const { file, names } = writeIndex(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`wrote ${path.relative(process.cwd(), file)} (${names.length} reports)`);
}
