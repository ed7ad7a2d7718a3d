// The report pipeline end to end: a tslab notebook executes headlessly, renders to HTML that loads
// nothing from the network, and its Plotly chart really draws in headless Chromium.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";

interface RenderOptions {
  outDir?: string;
  env?: Record<string, string>;
  timeoutS?: number;
}
interface Chart {
  title: string;
  xTitle: string;
  yTitle: string;
}
const { renderNotebook, refreshImages, jupyterPython, remoteResources } = require("../scripts/render-notebook.js") as {
  renderNotebook: (ipynb: string, options?: RenderOptions) => Promise<{ html: string; executed: string; charts: number }>;
  refreshImages: (files: string[]) => Promise<number>;
  jupyterPython: () => string;
  remoteResources: (html: string) => string[];
};
const { checkReport, reportLayouts } = require("../scripts/check-report.js") as {
  reportLayouts: (files: string[], options: { javascript: boolean }) => Promise<{ chartDivs: number; imagesShown: number; errors: string[] }[]>;
  checkReport: (
    html: string,
    options?: { screenshot?: string; timeoutMs?: number },
  ) => Promise<{ plots: number; charts: Chart[]; errors: string[] }>;
};

const FIXTURE = path.join(__dirname, "fixtures", "plotly-smoke.ipynb");

// Outside CI a machine without Jupyter skips these tests; in CI (where setup.sh installs it) they must run.
function jupyterMissing(): string | undefined {
  try {
    jupyterPython();
    return undefined;
  } catch (err) {
    if (process.env.CI) throw err;
    return `skipped: ${(err as Error).message}`;
  }
}
const skip = jupyterMissing();

let outDir = "";
before(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-report-test-"));
});
after(() => {
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

test("a tslab notebook renders to an offline HTML report whose Plotly chart draws in Chromium", { skip, timeout: 300_000 }, async () => {
  const { html, executed, charts } = await renderNotebook(FIXTURE, { outDir });
  assert.equal(charts, 1, "the chart got its static image");
  assert.equal(html, path.join(outDir, "plotly-smoke.html"));

  const notebook = JSON.parse(fs.readFileSync(executed, "utf8")) as {
    cells: { cell_type: string; execution_count?: number | null; outputs?: { output_type: string }[] }[];
  };
  const code = notebook.cells.filter((c) => c.cell_type === "code");
  assert.deepEqual(
    code.map((c) => c.execution_count),
    [1, 2],
    "code cells are numbered",
  );
  assert.ok(
    code.every((c) => (c.outputs ?? []).every((o) => o.output_type !== "error")),
    "no cell errored",
  );

  const page = fs.readFileSync(html, "utf8");
  assert.deepEqual(remoteResources(page), [], "the report loads no script, style or image from elsewhere");
  assert.deepEqual(
    [...page.matchAll(/<script[^>]*\ssrc="([^"]*)"/gi)].map((m) => m[1]),
    ["assets/plotly.min.js"],
    "the one script the report loads is the reports folder's shared Plotly bundle",
  );
  assert.ok(fs.statSync(path.join(outDir, "assets", "plotly.min.js")).size > 1_000_000, "the bundle is written beside the report");
  assert.ok(page.length < 400_000, `the report is ${page.length} bytes: no inline bundle`);
  assert.match(page, /Plotly\.newPlot\(/);
  assert.equal((page.match(/<img class="antitrain-fallback"/g) ?? []).length, 1, "the chart's static image, for readers without JavaScript");

  const screenshot = path.join(outDir, "plotly-smoke.png");
  const report = await checkReport(html, { screenshot });
  assert.deepEqual(report.errors, [], "no page error and no request beyond the file itself");
  assert.ok(report.plots >= 1, `expected a rendered Plotly chart, found ${report.plots}`);
  assert.deepEqual(report.charts[0], { title: "Smoke test", xTitle: "training step", yTitle: "loss (nats)" });

  const [plain] = await reportLayouts([html], { javascript: false });
  assert.deepEqual([plain.chartDivs, plain.imagesShown, plain.errors], [1, 1, []], "without JavaScript the chart's static image shows");

  const png = fs.readFileSync(screenshot);
  assert.ok(png.length > 10_000, `screenshot is only ${png.length} bytes`);
  assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");

  // The executed notebook's chart carries its palette PNG once, inside its HTML; redrawing the images of a finished
  // notebook (--refresh-images) replaces it instead of adding another.
  const images = (text: string) => (text.match(/<img class="antitrain-fallback"/g) ?? []).length;
  const chartOutput = (nb: { cells: { outputs?: { data?: Record<string, string> }[] }[] }) =>
    nb.cells.flatMap((c) => c.outputs ?? []).find((o) => o.data?.["text/html"]?.includes("antitrain-chart"))?.data as Record<string, string>;
  const before = chartOutput(JSON.parse(fs.readFileSync(executed, "utf8")));
  assert.equal(images(before["text/html"]), 1);
  assert.equal(before["image/png"], undefined, "no second copy");
  const image = Buffer.from(before["text/html"].match(/base64,([^"]+)"/)?.[1] ?? "", "base64");
  assert.equal(image[25], 3, "a palette PNG");
  assert.equal(await refreshImages([executed]), 1);
  const after = chartOutput(JSON.parse(fs.readFileSync(executed, "utf8")));
  assert.equal(images(after["text/html"]), 1, "still one image in the HTML");
});

test("a failing cell fails the render with its source and error text", { skip, timeout: 300_000 }, async () => {
  const notebook = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as { cells: unknown[] };
  notebook.cells = [
    { cell_type: "code", id: "ok", metadata: {}, execution_count: null, outputs: [], source: "const fine = 1;" },
    {
      cell_type: "code",
      id: "boom",
      metadata: {},
      execution_count: null,
      outputs: [],
      source: 'throw new Error("boom: pass a smaller learning rate");',
    },
  ];
  const input = path.join(outDir, "failing.ipynb");
  fs.writeFileSync(input, JSON.stringify(notebook));
  await assert.rejects(
    () => renderNotebook(input, { outDir }),
    (err: Error) =>
      /cell 2 of 2 failed/.test(err.message) &&
      err.message.includes('throw new Error("boom: pass a smaller learning rate")') &&
      err.message.includes("Error: boom: pass a smaller learning rate"),
  );
  assert.ok(!fs.existsSync(path.join(outDir, "failing.html")), "no report for a failed notebook");
  assert.ok(fs.existsSync(path.join(outDir, "failing.failed.ipynb")), "the partly executed notebook is kept");
});
