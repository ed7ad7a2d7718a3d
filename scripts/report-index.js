// Writes reports/index.html: one row per committed full-run report (reports/NAME.ipynb and NAME.html), with the
// notebook's title, its one-line headline, the setting, date, commit and run time from its provenance line, and
// links to the HTML report and the executed notebook. Self-contained (no script, nothing from the network).
//
//   node scripts/report-index.js [REPORTS_DIR]        (run by `FULL=1 npm run notebooks` after rendering)
//
// The headline is the notebook's row of RESULTS.md's headline table ("| NN name | headline | verdict |"), else the
// `headline` string of results/NAME.json, else the first sentence of the notebook's "Question" paragraph (or of
// its first paragraph).

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

/** RESULTS.md's headline table: notebook number → "headline — verdict". */
function resultsHeadlines(file) {
  const rows = new Map();
  if (!fs.existsSync(file)) return rows;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = line.match(/^\|\s*(\d\d)\b[^|]*\|([^|]+)\|([^|]+)\|\s*$/);
    if (m) rows.set(m[1], `${plain(m[2])} — ${plain(m[3])}`);
  }
  return rows;
}

/** Title, headline and provenance facts of one executed notebook. */
function describe(name, reportsDir, resultsDir, headlines = new Map()) {
  const nb = JSON.parse(fs.readFileSync(path.join(reportsDir, `${name}.ipynb`), "utf8"));
  const markdown = nb.cells.filter((c) => c.cell_type === "markdown").map((c) => text(c.source));
  const first = markdown[0] ?? "";
  const title = plain((first.match(/^#\s+(.+)$/m) ?? [null, name])[1]);
  const paragraphs = first.split(/\n\s*\n/).filter((p) => !/^\s*#/.test(p));
  const question = paragraphs.find((p) => /^\s*\*\*Question/.test(p)) ?? paragraphs[0] ?? "";
  const results = path.join(resultsDir, `${name}.json`);
  let headline = headlines.get(name.slice(0, 2));
  if (headline === undefined && fs.existsSync(results)) {
    const r = JSON.parse(fs.readFileSync(results, "utf8"));
    if (typeof r.headline === "string") headline = r.headline;
  }
  headline ??= firstSentence(question.replace(/^\s*\*\*Question[^*]*\*\*\s*/, ""));
  // The provenance line: "NAME · setting ...\nseeds ... · date · commit ... · backend ... · run time: ...".
  let facts = "";
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      const t = out.output_type === "stream" ? text(out.text) : text(out.data?.["text/plain"]);
      const m = t.match(new RegExp(`^${name} · (.+)\\n(.+ · run time: [^\\n]+)`, "m"));
      if (m && !facts) facts = `${m[1].split(":")[0]} · ${m[2]}`;
    }
  }
  return { name, title, headline, facts };
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
        `<tr><td><a href="${escapeHtml(r.name)}.html">${escapeHtml(r.title)}</a><div class="facts">${escapeHtml(r.facts || "no provenance line")}</div></td>` +
        `<td>${escapeHtml(r.headline)}</td><td><a href="${escapeHtml(r.name)}.ipynb">notebook</a></td></tr>`,
    )
    .join("\n");
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>antitrain reports</title>
<style>
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, Arial, sans-serif; max-width: 1100px; margin: 24px auto; padding: 0 16px; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #e1e4e8; padding: 8px; vertical-align: top; text-align: left; }
.facts { color: #666; font-size: 12px; margin-top: 2px; }
</style></head><body>
<h1>antitrain reports</h1>
<p>Executed full runs (<code>FULL=1 npm run notebooks</code>) of the notebooks that answer the questions of the notes. Each report is
self-contained and loads nothing from the network; the numbers are also in <code>results/NAME.json</code> and discussed in RESULTS.md.</p>
<table><thead><tr><th>notebook</th><th>headline</th><th></th></tr></thead><tbody>
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

module.exports = { writeIndex, describe };

if (require.main === module) {
  const { file, names } = writeIndex(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`wrote ${path.relative(process.cwd(), file)} (${names.length} reports)`);
}
