import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

/**
 * Every notebook in notebooks/ executes headlessly from a fresh kernel in its quick setting and writes its
 * results file; two kernels run at a time (one per core). Quick runs write results to a scratch folder so the
 * committed full-run results stay as they are.
 */
const root = path.resolve(__dirname, "..");
const notebooks = fs
  .readdirSync(path.join(root, "notebooks"))
  .filter((f) => f.endsWith(".ipynb"))
  .map((f) => f.replace(/\.ipynb$/, ""))
  .sort();
const scratch = path.join(root, "reports", "results-quick");

const { checkReport } = require(path.join(root, "scripts", "check-report.js")) as {
  checkReport: (html: string, o?: { screenshot?: string }) => Promise<{ plots: number; charts: { title: string }[]; errors: string[] }>;
};

/** Renders a notebook in a child process; resolves with its exit code and output. */
function render(name: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "scripts", "render-notebook.js"), path.join(root, "notebooks", `${name}.ipynb`)], {
      cwd: root,
      env: { ...process.env, FULL: "", ANTITRAIN_RESULTS_DIR: scratch },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

describe("notebooks", { concurrency: 2 }, () => {
  for (const name of notebooks) {
    test(`${name} executes headlessly and writes its results file`, { timeout: 900_000 }, async () => {
      const results = path.join(scratch, `${name}.json`);
      const before = fs.existsSync(results) ? fs.statSync(results).mtimeMs : 0;
      const { code, output } = await render(name);
      assert.equal(code, 0, `${name} failed:\n${output.split("\n").slice(-40).join("\n")}`);
      assert.ok(fs.existsSync(path.join(root, "reports", `${name}.html`)), "the report was written");
      assert.ok(fs.existsSync(results) && fs.statSync(results).mtimeMs > before, `${results} was rewritten by the run`);
      JSON.parse(fs.readFileSync(results, "utf8"));
    });
  }
});

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
