import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

/**
 * Every notebook in notebooks/ executes headlessly from a fresh kernel in its quick (default) setting and writes its
 * results file; two kernels run at a time (one per core). A default run writes only to results/quick/ and
 * reports/quick/ (ignored by git): the committed full-run results and reports stay as they are, which the last
 * test checks with git.
 */
const root = path.resolve(__dirname, "..");
const notebooks = fs
  .readdirSync(path.join(root, "notebooks"))
  .filter((f) => f.endsWith(".ipynb"))
  .map((f) => f.replace(/\.ipynb$/, ""))
  .sort();
const quickResults = path.join(root, "results", "quick");
const quickReports = path.join(root, "reports", "quick");

/** git status of the folders a notebook run could write to, or undefined outside a git checkout. */
function committedState(): string | undefined {
  const run = spawnSync("git", ["status", "--porcelain", "--", "results", "reports", "notebooks", "data"], { cwd: root, encoding: "utf8" });
  return run.status === 0 ? run.stdout : undefined;
}
const before = committedState();

const { checkReport } = require(path.join(root, "scripts", "check-report.js")) as {
  checkReport: (html: string, o?: { screenshot?: string }) => Promise<{ plots: number; charts: { title: string }[]; errors: string[] }>;
};

/** Renders a notebook in a child process; resolves with its exit code and output. */
function render(name: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "scripts", "render-notebook.js"), path.join(root, "notebooks", `${name}.ipynb`)], {
      cwd: root,
      // Two notebooks render at once: one wasm thread each (as scripts/run-notebooks.js gives its kernels), not the
      // default of every core per kernel, which oversubscribed the 2 cores and made this suite about twice as slow.
      env: { ...process.env, FULL: "", ANTITRAIN_RESULTS_DIR: "", ANTITRAIN_THREADS: process.env.ANTITRAIN_THREADS ?? "1" },
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
      const results = path.join(quickResults, `${name}.json`);
      const before = fs.existsSync(results) ? fs.statSync(results).mtimeMs : 0;
      const { code, output } = await render(name);
      assert.equal(code, 0, `${name} failed:\n${output.split("\n").slice(-40).join("\n")}`);
      assert.ok(fs.existsSync(path.join(quickReports, `${name}.html`)), "the report was written to reports/quick/");
      assert.ok(fs.existsSync(results) && fs.statSync(results).mtimeMs > before, `${results} was rewritten by the run`);
      const written = JSON.parse(fs.readFileSync(results, "utf8"));
      // test/quick-checks/NAME.ts asserts the quick run's key numbers lie where any correct run puts them.
      const checks = path.join(__dirname, "quick-checks", `${name}.ts`);
      if (fs.existsSync(checks)) (require(checks) as { check: (r: unknown) => void }).check(written);
    });
  }
});

test("the quickstart report shows its Plotly charts in headless Chromium, offline, under 2 MB", { timeout: 120_000 }, async () => {
  const html = path.join(quickReports, "00-quickstart.html");
  assert.ok(fs.existsSync(html), "the quickstart notebook test ran first and wrote the report");
  const screenshot = path.join(quickReports, "00-quickstart.png");
  const { plots, charts, errors } = await checkReport(html, { screenshot });
  assert.deepEqual(errors, []);
  assert.equal(plots, 8, `rendered charts: ${charts.map((c) => c.title).join(", ")}`);
  assert.ok(charts.some((c) => c.title === "Core size per cycle"));
  assert.ok(fs.statSync(screenshot).size > 10_000, "a non-empty screenshot");
  assert.ok(fs.statSync(html).size < 2_000_000, `the report is ${fs.statSync(html).size} bytes`);
  assert.ok(!fs.readFileSync(html, "utf8").includes(root), "no machine path in the report");
});

test("every chart of the executed quickstart carries its static PNG inside its HTML, the verdict box opens it; no bundle, no timestamps", () => {
  const nb = JSON.parse(fs.readFileSync(path.join(quickReports, "00-quickstart.ipynb"), "utf8"));
  const outputs = nb.cells.flatMap((c: { outputs?: { data?: Record<string, string> }[] }) => c.outputs ?? []);
  const chartOutputs = outputs.filter((o: { data?: Record<string, string> }) => o.data?.["text/html"]?.includes('class="antitrain-chart"'));
  assert.equal(chartOutputs.length, 8);
  for (const o of chartOutputs) {
    const m = o.data["text/html"].match(/<img class="antitrain-fallback"[^>]*src="data:image\/png;base64,([^"]+)"/);
    assert.ok(m, "the image inside the chart's HTML, for viewers without JavaScript");
    const png = Buffer.from(m[1], "base64");
    assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
    assert.ok(png.length > 5_000, "a real chart image");
    assert.equal(o.data["image/png"], undefined, "stored once");
  }
  assert.ok(!JSON.stringify(nb).includes("(function(define, module, exports){"), "the Plotly bundle is not in the executed notebook");
  assert.match([nb.cells[1].source].flat().join(""), /^<div class="antitrain-verdict"/, "the verdict box under the title");
  for (const c of nb.cells) assert.equal(c.metadata?.execution, undefined, "no execution timestamps");
  assert.ok(!JSON.stringify(nb).includes(root), "no machine path in the executed notebook");
});

test("running every notebook in its default setting left the committed results, reports and notebooks as they were", () => {
  if (before === undefined) return; // not a git checkout
  assert.equal(committedState(), before);
});
