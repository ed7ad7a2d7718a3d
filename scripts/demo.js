// `npm run demo`: executes the quickstart notebook headlessly (its quick setting), writes
// reports/quick/00-quickstart.html (self-contained, charts render offline) and results/quick/00-quickstart.json
// (both ignored by git: the committed full-run report and results stay as they are), then prints the notebook's
// summary table here. FULL=1 runs the full setting into reports/ and results/.
const fs = require("node:fs");
const path = require("node:path");
const { renderNotebook } = require("./render-notebook.js");

const ROOT = path.resolve(__dirname, "..");

function table(rows) {
  const cols = Object.keys(rows[0]);
  const cell = (v) => (typeof v === "number" && !Number.isInteger(v) ? v.toFixed(4) : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals) => `| ${vals.map((v, i) => v.padEnd(width[i])).join(" | ")} |`;
  return [line(cols), `|${width.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join("\n");
}

async function main() {
  const started = Date.now();
  console.log("antitrain demo: executing notebooks/00-quickstart.ipynb (quick setting; FULL=1 for the longer one)...");
  const { html } = await renderNotebook(path.join(ROOT, "notebooks", "00-quickstart.ipynb"));
  const full = process.env.FULL === "1";
  const resultsDir = process.env.ANTITRAIN_RESULTS_DIR ?? path.join(ROOT, "results", full ? "" : "quick");
  const resultsFile = path.join(resultsDir, "00-quickstart.json");
  const r = JSON.parse(fs.readFileSync(resultsFile, "utf8"));
  console.log(`\nbackend ${r.backend}, seed ${r.seed}, hidden width ${r.width}, ${r.settings.cycles} antitraining cycles\n`);
  console.log(table(r.summary));
  console.log(
    `\n95% core (accuracy): ${r.coreSize.before} units before antitraining -> ${r.coreSize.after} after; ` +
      `test accuracy ${r.testAccuracy.before.toFixed(4)} -> ${r.testAccuracy.after.toFixed(4)}`,
  );
  console.log(`\nreport:  ${path.relative(process.cwd(), html)}`);
  console.log(`results: ${path.relative(process.cwd(), resultsFile)}`);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  console.error(`antitrain demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
