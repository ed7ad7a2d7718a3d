import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

/**
 * Every notebook executes headlessly from a fresh kernel in its quick setting and writes its results file.
 * Add a notebook here when you add it to notebooks/.
 */
const NOTEBOOKS: string[] = ["00-quickstart", "11-mutual-information"];

const root = path.resolve(__dirname, "..");
const { renderNotebook } = require(path.join(root, "scripts", "render-notebook.js")) as {
  renderNotebook: (p: string, o?: { outDir?: string; env?: Record<string, string> }) => { html: string };
};
const { checkReport } = require(path.join(root, "scripts", "check-report.js")) as {
  checkReport: (html: string, o?: { screenshot?: string }) => Promise<{ plots: number; charts: { title: string }[]; errors: string[] }>;
};

for (const name of NOTEBOOKS) {
  test(`notebook ${name} executes headlessly and writes its results file`, { timeout: 600_000 }, () => {
    // Quick runs write to a scratch folder so the committed full-run results stay as they are.
    const scratch = path.join(root, "reports", "results-quick");
    const results = path.join(scratch, `${name}.json`);
    const before = fs.existsSync(results) ? fs.statSync(results).mtimeMs : 0;
    const { html } = renderNotebook(path.join(root, "notebooks", `${name}.ipynb`), {
      outDir: path.join(root, "reports"),
      env: { ANTITRAIN_RESULTS_DIR: scratch },
    });
    assert.ok(fs.existsSync(html), `${html} was written`);
    assert.ok(fs.statSync(results).mtimeMs > before, `${results} was rewritten by the run`);
    JSON.parse(fs.readFileSync(results, "utf8"));
  });
}

test("the quickstart report shows its Plotly charts in headless Chromium, offline", { timeout: 120_000 }, async () => {
  const html = path.join(root, "reports", "00-quickstart.html");
  assert.ok(fs.existsSync(html), "the quickstart notebook test ran first and wrote the report");
  const screenshot = path.join(root, "reports", "00-quickstart.png");
  const { plots, charts, errors } = await checkReport(html, { screenshot });
  assert.deepEqual(errors, []);
  assert.equal(plots, 8, `rendered charts: ${charts.map((c) => c.title).join(", ")}`);
  assert.ok(charts.some((c) => c.title === "Core size per cycle"));
  assert.ok(fs.statSync(screenshot).size > 10_000, "a non-empty screenshot");
});
