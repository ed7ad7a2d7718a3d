// Executes a notebook headlessly with the tslab kernel and renders it to a self-contained HTML report.
//
//   node scripts/render-notebook.js notebooks/00-quickstart.ipynb [more.ipynb ...]
//   node scripts/render-notebook.js --refresh-images reports/*.ipynb   (redraw committed reports' chart images)
//   const { renderNotebook } = require("./render-notebook.js");
//
// Writes OUT/NAME.ipynb (the executed notebook) and OUT/NAME.html, each atomically: OUT is reports/ for a full
// run (FULL=1: the committed reports) and reports/quick/ (ignored by git) otherwise, so a default run never
// overwrites a committed report. The kernel runs in the notebook's own folder (nbconvert's default), so a notebook
// imports "../dist/index". After execution the notebook is finished for sharing (finishNotebook): the run's verdict
// box moves to the top, under the title; the provenance line gets the measured run time; the inline Plotly bundle is
// dropped (the HTML report loads one shared OUT/assets/plotly.min.js); every chart (at.chart) gets a static PNG
// rendered offline in headless Chromium (as the output's image/png and inside its HTML, so the chart shows without
// JavaScript, on GitHub and in an untrusted Jupyter; stored once, in the output's HTML); tables wider than a 1300 px page are split, and each gets a
// Markdown copy as text/plain; and no output names this machine's folders.
//   node scripts/render-notebook.js --refinish reports/*.ipynb   (finish executed notebooks again, rewrite their HTML)
//   node scripts/render-notebook.js --refinish --prose reports/NAME.ipynb   (and take the reading from notebooks/NAME.ipynb)
// execute-notebook.py runs the cells (nbconvert's ExecutePreprocessor) and, when one fails, reports its
// source and error readably and leaves the partly executed notebook in reports/NAME.failed.ipynb.
// The report loads nothing from the network: an nbconvert template drops require.js, MathJax and the
// widgets renderer, and any remaining remote <script src>/<link href> is removed afterwards.

const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..");
const EXECUTE = path.join(__dirname, "execute-notebook.py");
const TEMPLATE = path.join(__dirname, "offline-report.html.j2");
const MAX_OUTPUT = 1024 * 1024 * 1024; // executed notebooks inline the 1.4 MB Plotly bundle and chart images; leave room
/** Where an HTML report finds Plotly, relative to the report: one shared copy per reports folder. */
const PLOTLY_ASSET = "assets/plotly.min.js";
const { figureImages } = require("./check-report.js");
const { palettePng } = require("./palette-png.js");
// The provenance line's placeholder for the run time (RUN_TIME_MARK in lib/notebook/provenance.ts).
const RUN_TIME_MARK = "run time: stated in the rendered report";
/** The python that has Jupyter: the one scripts/setup.sh chose, else Debian's, else python3 on PATH. */
function jupyterPython() {
  const cached = path.join(ROOT, ".cache", "jupyter-python");
  if (fs.existsSync(cached)) {
    const py = fs.readFileSync(cached, "utf8").trim();
    if (py && fs.existsSync(py)) return py;
  }
  for (const py of ["/usr/bin/python3", "python3"]) {
    const probe = spawnSync(py, ["-c", "import nbconvert, nbclient"], { stdio: "ignore" });
    if (probe.status === 0) return py;
  }
  throw new Error("Jupyter (nbconvert, nbclient) not found in any python3: run `npm run setup`.");
}

/** Writes a file atomically: a temporary file beside it, then a rename. */
function writeAtomic(file, data) {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Runs `python ARGS` and returns its stdout; throws with the end of its stderr if it fails. */
function runPython(python, args, env, what) {
  const run = spawnSync(python, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: MAX_OUTPUT });
  if (run.error) throw new Error(`${what}: could not run ${python}: ${run.error.message}`);
  if (run.status !== 0) {
    const stderr = (run.stderr || "").trim();
    // execute-notebook.py ends with its own report of the failing cell; else show the end of stderr.
    const at = stderr.search(/^cell \d+ of \d+ failed:$/m);
    const detail = at >= 0 ? stderr.slice(at) : stderr.split("\n").slice(-60).join("\n");
    const err = new Error(`${what} failed (exit ${run.status ?? run.signal}):\n${detail}`);
    err.stderr = stderr;
    throw err;
  }
  return run.stdout;
}

// A URL that loads from the network or from this machine's file system: http:, https:, //host, file:.
const REMOTE = /^\s*(?:https?:|file:|\/\/)/i;
// Elements that load a resource. A <script> is matched with its body, so that markup inside inline
// scripts (the Plotly bundle holds strings such as '<a href="https://plotly.com/">') is never read.
const RESOURCE = /(<script\b[^>]*>)[\s\S]*?<\/script\s*>|<(?:link|img|iframe|source|audio|video|embed)\b[^>]*>/gi;

/** The URL an element loads: the src of its opening tag, or the href of a <link>. */
function resourceUrl(element, openTag = element) {
  const name = /^<link\b/i.test(openTag) ? "href" : "src";
  const m = openTag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i"));
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** Every remote URL the page would load through an element (inline script bodies are not read). */
function remoteResources(html) {
  const urls = [];
  for (const m of html.matchAll(RESOURCE)) {
    const url = resourceUrl(m[0], m[1]);
    if (url !== undefined && REMOTE.test(url)) urls.push(url);
  }
  return urls;
}

/**
 * Removes every <script src> and <link href> that would load from the network or from this machine's
 * file system, leaving inline scripts untouched: those hold the notebook's outputs and the Plotly
 * bundle. Other elements (a remote <img> a notebook's author chose) stay, for remoteResources to report.
 */
function stripRemoteResources(html) {
  return html.replace(RESOURCE, (element, openTag) => {
    const tag = openTag ?? element;
    if (!/^<(?:script|link)\b/i.test(tag)) return element;
    const url = resourceUrl(element, tag);
    return url !== undefined && REMOTE.test(url) ? "" : element;
  });
}

/** Where reports go by default: reports/ for a full run (FULL=1), else reports/quick/ (ignored by git). */
function defaultReportsDir(env = process.env) {
  return path.join(ROOT, "reports", env.FULL === "1" ? "" : "quick");
}

/** An output's text fields (stream text, text/plain, text/html) as [holder, key] pairs. */
function textFields(output) {
  const fields = [];
  if (output.output_type === "stream") fields.push([output, "text"]);
  for (const mime of ["text/plain", "text/html", "text/markdown"]) if (output.data?.[mime] !== undefined) fields.push([output.data, mime]);
  return fields;
}

const asText = (v) => (Array.isArray(v) ? v.join("") : String(v));
const FIGURE = /<script type="application\/json" class="antitrain-figure" data-chart="([^"]+)">([\s\S]*?)<\/script>/g;
const FALLBACK_IMG = /<img class="antitrain-fallback"[^>]*>/g;
/** Width in pixels of a chart's static image (its height is the figure's own). */
const IMAGE_WIDTH = 800;

/** "12.3 s" or "4 min 05 s". */
function formatDuration(seconds) {
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds); // round first: 2219.6 s is "37 min 00 s", not "36 min 60 s"
  const m = Math.floor(whole / 60);
  return `${m} min ${String(whole - 60 * m).padStart(2, "0")} s`;
}

/** True for the output of nb.plotlyScript(): the whole Plotly bundle, inline. */
function isPlotlyBundle(html) {
  return html.length > 100_000 && html.startsWith("<script>(function(define, module, exports){");
}

const CHART_SNIPPET =
  /<div id="([\w-]+)" class="antitrain-chart"[^>]*>[\s\S]*?<\/div><script type="application\/json" class="antitrain-figure" data-chart="\1">([\s\S]*?)<\/script><script>[\s\S]*?<\/script>/g;

/** A notebook-helper module of the build, dist/notebook/NAME.js (plot: today's charts; verdict-box: the box's layout). */
function built(name) {
  const file = path.join(ROOT, "dist", "notebook", `${name}.js`);
  if (!fs.existsSync(file)) throw new Error(`dist/notebook/${name}.js is missing: run \`npm run build\` first`);
  return require(file);
}

/** Rewrites every chart snippet of `html` with the build's chartSnippet (its drawing script, readable log axes). */
function redrawCharts(html) {
  const { chartSnippet, readableLogAxes } = built("plot");
  return html.replace(CHART_SNIPPET, (_all, id, json) => {
    const figure = JSON.parse(json.replace(/<\\\//g, "</"));
    return chartSnippet(id, { data: figure.data, layout: readableLogAxes(figure.data, figure.layout ?? {}) });
  });
}

const entities = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const unescapeHtml = (s) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => entities[e]);
const TABLE = /<table class="antitrain-table"[^>]*>([\s\S]*?)<\/table>/g;

/** An antitrain table (nb.htmlTable) as { caption, head: cells, rows: cells[] }; a cell is { tag, attrs, html }. */
function parseTable(inner) {
  const caption = inner.match(/<caption>([\s\S]*?)<\/caption>/)?.[1];
  const rows = [...inner.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1].matchAll(/<(t[hd])([^>]*)>([\s\S]*?)<\/t[hd]>/g)].map((c) => ({ tag: c[1], attrs: c[2], html: c[3] })),
  );
  return { caption, head: rows[0] ?? [], rows: rows.slice(1) };
}

/** A table's width in pixels at the report's 13.5 px font: headers wrap at spaces, cells do not. */
function columnWidth(table, j) {
  const longestWord = Math.max(0, ...unescapeHtml(table.head[j]?.html ?? "").split(/\s+/).map((w) => w.length));
  const longestCell = Math.max(0, ...table.rows.map((r) => unescapeHtml(r[j]?.html ?? "").length));
  return 7.4 * Math.max(longestWord, longestCell) + 20;
}

/** Room for a table in a report at 1300 px: the 1100 px column less the prompt and padding. */
const TABLE_BUDGET = 960;

function tableHtml(table, columns, caption) {
  const row = (cells, tag) => `<tr>${columns.map((j) => { const c = cells[j] ?? { tag, attrs: "", html: "" }; return `<${c.tag}${c.attrs}>${c.html}</${c.tag}>`; }).join("")}</tr>`;
  const cap = caption === undefined ? "" : `<caption>${caption}</caption>`;
  return `<table class="antitrain-table" style="border-collapse:collapse">${cap}<thead>${row(table.head, "th")}</thead><tbody>${table.rows.map((r) => row(r, "td")).join("")}</tbody></table>`;
}

/**
 * Splits every antitrain table of `html` wider than a 1300 px page into parts that fit, each repeating the first
 * column, captioned "part i of k". A table that fits is left as it is.
 */
function splitWideTables(html) {
  return html.replace(TABLE, (whole, inner) => {
    const table = parseTable(inner);
    const n = table.head.length;
    const widths = table.head.map((_c, j) => columnWidth(table, j));
    if (widths.reduce((a, b) => a + b, 0) <= TABLE_BUDGET) return whole;
    // A column too wide for the page beside the first (long JSON, long text) wraps instead of being split off.
    const room = TABLE_BUDGET - widths[0];
    const wrap = new Set(widths.map((w, j) => (j > 0 && w > room ? j : -1)).filter((j) => j > 0));
    if (wrap.size > 0) {
      const wrapped = (c) => ({ ...c, attrs: `${c.attrs.replace(/\sstyle="[^"]*"/, "")} style="white-space:normal;overflow-wrap:anywhere;min-width:${Math.floor(room / 2)}px"` });
      for (const row of table.rows) for (const j of wrap) if (row[j]) row[j] = wrapped(row[j]);
      for (const j of wrap) widths[j] = Math.floor(room / 2);
      if (n < 3 || widths.reduce((a, b) => a + b, 0) <= TABLE_BUDGET) return tableHtml(table, widths.map((_w, j) => j), table.caption);
    }
    if (n < 3) return whole;
    const parts = [];
    let part = [0];
    let used = widths[0];
    for (let j = 1; j < n; j++) {
      if (part.length > 1 && used + widths[j] > TABLE_BUDGET) {
        parts.push(part);
        part = [0];
        used = widths[0];
      }
      part.push(j);
      used += widths[j];
    }
    parts.push(part);
    if (parts.length === 1) return whole;
    return parts
      .map((cols, i) => tableHtml(table, cols, `${table.caption === undefined ? "" : `${table.caption} `}(part ${i + 1} of ${parts.length}: columns ${cols.slice(1).map((j) => j + 1).join(", ")})`))
      .join("\n");
  });
}

/** Every antitrain table of `html` as Markdown (caption, then the table), for viewers that show no HTML. */
function markdownTables(html) {
  const text = (c) => unescapeHtml(c.html.replace(/<[^>]+>/g, "")).replace(/\|/g, "\\|").trim();
  return [...html.matchAll(TABLE)].map((m) => {
    const t = parseTable(m[1]);
    const lines = [`| ${t.head.map(text).join(" | ")} |`, `| ${t.head.map(() => "---").join(" | ")} |`, ...t.rows.map((r) => `| ${r.map(text).join(" | ")} |`)];
    return `${t.caption === undefined ? "" : `${unescapeHtml(t.caption)}\n\n`}${lines.join("\n")}`;
  });
}

const VERDICT = /^<div class="antitrain-verdict"/;

/**
 * Moves every verdict box (nb.verdictBox) of the notebook into one Markdown cell right under the title, so the
 * report opens with its answer. A notebook without one gets `missing` there instead (when given).
 */
function liftVerdicts(nb, missing) {
  const boxes = [];
  for (const cell of nb.cells) {
    if (!cell.outputs) continue;
    cell.outputs = cell.outputs.filter((o) => {
      const html = o.data?.["text/html"];
      if (html === undefined || !VERDICT.test(asText(html).trim())) return true;
      boxes.push(asText(html).trim());
      return false;
    });
  }
  // A report finished before keeps its lifted cell (a generated verdict is never replaced by `missing`); a cell
  // made from `missing` is made again, so it follows RESULTS.md.
  const at = nb.cells.findIndex((c) => c.metadata?.antitrain === "verdict");
  if (at >= 0) {
    const generated = nb.cells[at].metadata.generated !== false && !asText(nb.cells[at].source).includes("this verdict is RESULTS.md's");
    if (boxes.length === 0 && (generated || missing === undefined)) return;
    if (boxes.length === 0) {
      nb.cells[at].source = missing.replace(/\n\s*\n/g, "\n");
      return;
    }
    nb.cells.splice(at, 1);
  }
  if (boxes.length === 0 && missing === undefined) return;
  const source = (boxes.length > 0 ? boxes : [missing]).map((b) => b.replace(/\n\s*\n/g, "\n")).join("\n\n");
  const cell = { cell_type: "markdown", id: "antitrain-verdict", metadata: { antitrain: "verdict", generated: boxes.length > 0 }, source };
  // Under the title: split a first Markdown cell that opens with "# Title" into the title and the rest.
  const first = nb.cells[0];
  const firstText = first ? asText(first.source) : "";
  if (first?.cell_type === "markdown" && /^# [^\n]*\n/.test(firstText)) {
    const nl = firstText.indexOf("\n");
    first.source = firstText.slice(0, nl);
    const rest = firstText.slice(nl + 1).replace(/^\s*\n/, "");
    const restCell = { cell_type: "markdown", id: `${first.id ?? "title"}-rest`, metadata: {}, source: rest };
    nb.cells.splice(1, 0, cell, ...(rest.trim() ? [restCell] : []));
  } else {
    nb.cells.splice(first?.cell_type === "markdown" ? 1 : 0, 0, cell);
  }
}

/**
 * Finishes an executed notebook (parsed JSON) for sharing, in place: moves its verdict boxes under the title (or puts
 * `noVerdict` there, when given and the notebook shows none), states the run time in the provenance line (how each
 * seed was computed, at which commit and in how long, is the verdict box's provenance line), drops the inline Plotly
 * bundle, redraws every chart's snippet with the build's chartSnippet and adds its static PNG (64-colour palette)
 * inside the chart's div (once: no image/png copy beside it),
 * splits tables wider than the page and adds their Markdown copy as text/plain, replaces this checkout's absolute
 * path by "." in every output, and drops execution timestamps. Resolves to the number of chart images added.
 */
async function finishNotebook(nb, { seconds, root = ROOT, noVerdict = undefined }) {
  const charts = [];
  for (const cell of nb.cells) {
    if (cell.metadata) delete cell.metadata.execution;
    if (cell.outputs) cell.outputs = cell.outputs.filter((o) => !(o.data?.["text/html"] !== undefined && isPlotlyBundle(asText(o.data["text/html"]))));
    for (const output of cell.outputs ?? []) {
      for (const [holder, key] of textFields(output)) {
        let text = asText(holder[key]).split(`${root}${path.sep}`).join("").split(root).join(".");
        if (seconds !== undefined) text = text.replace(RUN_TIME_MARK, `notebook run time: ${formatDuration(seconds)}`);
        holder[key] = text;
      }
      let html = output.data?.["text/html"];
      if (html !== undefined) {
        // Idempotent: images from an earlier finish are replaced, not doubled.
        html = splitWideTables(redrawCharts(asText(html).replace(FALLBACK_IMG, "")));
        output.data["text/html"] = html;
        const tables = markdownTables(html);
        if (tables.length > 0) output.data["text/plain"] = tables.join("\n\n");
        for (const m of html.matchAll(FIGURE)) {
          charts.push({ output, id: m[1], figure: JSON.parse(m[2]) });
          delete output.data["image/png"];
        }
      }
    }
  }
  liftVerdicts(nb, noVerdict);
  // 64-colour palettes: a quarter of the bytes.
  const images = (await figureImages(charts.map((c) => c.figure), { width: IMAGE_WIDTH })).map(palettePng);
  charts.forEach(({ output, id }, i) => {
    const img = `<img class="antitrain-fallback" alt="chart (static image; the interactive chart needs JavaScript)" src="data:image/png;base64,${images[i]}">`;
    const open = new RegExp(`(<div id="${id}" class="antitrain-chart"[^>]*>)`);
    output.data["text/html"] = output.data["text/html"].replace(open, `$1${img}`);
  });
  return charts.length;
}

/** Writes OUT/assets/plotly.min.js (the notebooks' bundle, wrapped as nb.plotlyScript wraps it) unless it is there. */
function writePlotlyAsset(outDir) {
  const bundle = fs.readFileSync(require.resolve("plotly.js-cartesian-dist-min"), "utf8");
  const data = `(function(define, module, exports){${bundle}\n}).call(window);\n`;
  const file = path.join(outDir, PLOTLY_ASSET);
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === data) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeAtomic(file, data);
}

/**
 * Code cells' syntax highlighting with colour only where it reads: keywords, strings and comments keep their spans;
 * names, punctuation, numbers and whitespace (two thirds of a report's markup) become plain text.
 */
function leanHighlight(html) {
  return html.replace(/<span class="(?:n|nx|p|o|w|nb|na|nf|nc|mi|mf|m|err|nt|nn|kt|bp)">([^<]*)<\/span>/g, "$1");
}

/**
 * Converts an executed, finished notebook to OUT/NAME.html with the offline template: charts load the shared
 * OUT/assets/plotly.min.js and keep their static images (shown where scripts do not run).
 */
function writeHtml(executed, outDir, env = process.env) {
  const name = path.basename(executed, ".ipynb");
  const html = path.join(outDir, `${name}.html`);
  const page = runPython(
    jupyterPython(),
    ["-m", "nbconvert", "--to=html", `--template-file=${TEMPLATE}`, "--embed-images", "--stdout", executed],
    env,
    `converting ${executed} to HTML`,
  );
  let out = leanHighlight(stripRemoteResources(page));
  if (out.includes('class="antitrain-chart"')) {
    writePlotlyAsset(outDir);
    out = out.replace("</head>", `<script src="${PLOTLY_ASSET}"></script>\n</head>`);
  }
  writeAtomic(html, out);
  return html;
}

/**
 * Executes `ipynbPath` with the tslab kernel, finishes it (see finishNotebook) and writes OUTDIR/NAME.ipynb and
 * OUTDIR/NAME.html. `outDir` defaults to reports/ for a full run and reports/quick/ otherwise; `env` is added to
 * this process's environment for the kernel (e.g. { FULL: "1" }); `timeoutS` bounds each cell. Throws with the
 * failing cell and its error if any cell fails. Resolves to both paths, the run time and the number of charts.
 */
async function renderNotebook(ipynbPath, { outDir = undefined, env = {}, timeoutS = 1800 } = {}) {
  const input = path.resolve(ipynbPath);
  if (!fs.existsSync(input)) throw new Error(`no notebook at ${ipynbPath}`);
  const name = path.basename(input, ".ipynb");
  // setup.sh registers the kernel by its absolute path; node_modules/.bin on PATH (as npm scripts
  // have it) also serves a kernel registered elsewhere as plain "tslab".
  const fullEnv = { ...process.env, ...env };
  fullEnv.PATH = [path.join(ROOT, "node_modules", ".bin"), fullEnv.PATH].join(path.delimiter);
  const out = path.resolve(ROOT, outDir ?? defaultReportsDir(fullEnv));
  fs.mkdirSync(out, { recursive: true });
  const python = jupyterPython();

  const executed = path.join(out, `${name}.ipynb`);
  const failedCopy = path.join(out, `${name}.failed.ipynb`);
  fs.rmSync(failedCopy, { force: true });
  const started = Date.now();
  const raw = runPython(python, [EXECUTE, input, String(timeoutS), failedCopy], fullEnv, `executing ${ipynbPath}`);
  const seconds = (Date.now() - started) / 1000;
  const nb = JSON.parse(raw);
  const charts = await finishNotebook(nb, { seconds });
  writeAtomic(executed, `${JSON.stringify(nb, null, 1)}\n`);
  const html = writeHtml(executed, out, fullEnv);
  return { html, executed, seconds, charts };
}


/**
 * The verdict box for a committed report whose run predates the study contract (results/NAME.json has no generated
 * verdict): RESULTS.md's headline row for it, labelled as written by hand, with the results file's commit and what
 * the run does not record. Undefined when RESULTS.md has no row for the notebook.
 */
function legacyVerdictBox(name, root = ROOT) {
  const { resultsHeadlines } = require("./report-index.js");
  const row = resultsHeadlines(path.join(root, "RESULTS.md")).get(name.slice(0, 2));
  if (row === undefined) return undefined;
  const file = `results/${name}.json`;
  const log = spawnSync("git", ["log", "-1", "--format=%h on %cs", "--", file], { cwd: root, encoding: "utf8" });
  const when = log.status === 0 && log.stdout.trim() ? `, committed at ${log.stdout.trim()}` : "";
  return built("verdict-box").verdictBoxHtml({
    question: row.question,
    answer: row.verdict.toLowerCase(),
    sentence: row.keyNumber,
    provenanceHtml:
      `this verdict is RESULTS.md's, written by hand from this run (${file}${when}). The run predates the study contract: its verdict is not generated from its summary, and its seeds record no computing commit or compute time; the run time printed below is this report's rendering and counts seeds read from a cache as 0 s. To regenerate: <code>FULL=1 node scripts/render-notebook.js notebooks/${name}.ipynb</code>.`,
    scale: "Scale: supported, not supported, mixed or inconclusive, on the question as asked (RESULTS.md's headline table explains it).",
  });
}

/**
 * Finishes already executed notebooks (e.g. the committed reports/*.ipynb) again, in place, with this script's current
 * finishing (see finishNotebook), and rewrites each one's HTML beside it; nothing is re-executed. `noVerdict(name)`
 * gives the box for a notebook that shows no verdict (default: legacyVerdictBox); `prose` first copies the Markdown
 * cells of the notebook's current source (proseFromSource). Resolves to the number of chart images drawn.
 */
async function refinish(files, { noVerdict = (name) => legacyVerdictBox(name), html = true, prose = false } = {}) {
  let total = 0;
  for (const file of files) {
    const nb = JSON.parse(fs.readFileSync(file, "utf8"));
    const before = fs.statSync(file).size;
    if (prose) {
      const copied = proseFromSource(nb, path.join(ROOT, "notebooks", path.basename(file)));
      console.log(`${file}: ${copied} Markdown cell(s) copied from notebooks/${path.basename(file)}`);
    }
    const charts = await finishNotebook(nb, { seconds: undefined, noVerdict: noVerdict(path.basename(file, ".ipynb")) });
    writeAtomic(file, `${JSON.stringify(nb, null, 1)}\n`);
    const page = html ? writeHtml(file, path.dirname(file)) : undefined;
    const size = (f) => `${(fs.statSync(f).size / 1e6).toFixed(2)} MB`;
    console.log(`${file}: ${charts} chart image(s) drawn, ${(before / 1e6).toFixed(2)} MB -> ${size(file)}${page ? `; ${path.basename(page)} ${size(page)}` : ""}`);
    total += charts;
  }
  return total;
}

/**
 * Copies the prose (Markdown cells) of the notebook's current source, `notebooks/NAME.ipynb`, into an executed
 * notebook, cell for cell, so a report whose reading was rewritten after its run states the new reading. Refused
 * (throws) unless both have the same cells in the same order (same ids and kinds), so prose never lands beside a cell
 * it was not written for; code cells whose text differs (e.g. re-wrapped since the run) are named in a warning and
 * kept as they ran. The introduction under the title (the "<id>-rest" cell) takes the source's first cell less its
 * title line; the title cell and the verdict cell stay as finishNotebook made them.
 */
function proseFromSource(nb, sourceFile) {
  const source = JSON.parse(fs.readFileSync(sourceFile, "utf8"));
  const cells = nb.cells.filter((c) => c.metadata?.antitrain !== "verdict" && !String(c.id ?? "").endsWith("-rest"));
  const same = cells.length === source.cells.length && cells.every((c, i) => c.cell_type === source.cells[i].cell_type && c.id === source.cells[i].id);
  if (!same) throw new Error(`${sourceFile}: its cells differ from the executed notebook's; re-run it instead of copying its prose`);
  const edited = cells.filter((c, i) => c.cell_type === "code" && asText(c.source) !== asText(source.cells[i].source)).map((c) => c.id);
  if (edited.length > 0) console.warn(`${sourceFile}: code cell(s) ${edited.join(", ")} changed since the run; the report keeps them as they ran`);
  let copied = 0;
  cells.forEach((c, i) => {
    if (c.cell_type !== "markdown" || i === 0 || asText(c.source) === asText(source.cells[i].source)) return;
    c.source = source.cells[i].source;
    copied += 1;
  });
  // The introduction under the title: finishNotebook split the first cell into the title and "<id>-rest".
  const firstText = asText(source.cells[0]?.source ?? "");
  const rest = nb.cells.find((c) => c.id === `${cells[0]?.id ?? "title"}-rest`);
  if (rest !== undefined && /^# [^\n]*\n/.test(firstText)) {
    const intro = firstText.slice(firstText.indexOf("\n") + 1).replace(/^\s*\n/, "");
    if (asText(rest.source) !== intro) {
      rest.source = intro;
      copied += 1;
    }
  }
  return copied;
}

/** Redraws executed notebooks' chart images in place (refinish without rewriting their HTML). */
const refreshImages = (files) => refinish(files, { html: false, noVerdict: () => undefined });

async function main(argv) {
  const timeoutArg = argv.find((a) => a.startsWith("--timeout="));
  const notebooks = argv.filter((a) => !a.startsWith("-"));
  const timeoutS = timeoutArg === undefined ? 1800 : Number(timeoutArg.slice("--timeout=".length));
  if (!(Number.isInteger(timeoutS) && timeoutS > 0)) {
    console.error(`--timeout=SECONDS takes a positive whole number of seconds per cell, e.g. --timeout=3600, got ${timeoutArg}`);
    return 2;
  }
  if (argv.includes("--refresh-images")) {
    await refreshImages(notebooks);
    return 0;
  }
  if (argv.includes("--refinish")) {
    await refinish(notebooks, { prose: argv.includes("--prose") });
    return 0;
  }
  if (notebooks.length === 0 || argv.includes("--help")) {
    console.error("usage: node scripts/render-notebook.js NOTEBOOK.ipynb [...]   (writes reports/quick/NAME.html; with FULL=1 reports/NAME.html; --timeout=SECONDS per cell, default 1800)\n       node scripts/render-notebook.js --refresh-images reports/NAME.ipynb [...]   (redraws executed notebooks' chart images in place)\n       node scripts/render-notebook.js --refinish reports/NAME.ipynb [...]   (finishes executed notebooks again and rewrites their HTML; --prose also copies the Markdown of notebooks/NAME.ipynb)");
    return 2;
  }
  let failed = 0;
  for (const nb of notebooks) {
    try {
      const { html, seconds } = await renderNotebook(nb, { timeoutS });
      console.log(`rendered ${nb} -> ${path.relative(process.cwd(), html)} (${seconds.toFixed(1)} s)`);
    } catch (err) {
      failed += 1;
      console.error(`${err.message}\n`);
    }
  }
  if (failed > 0) console.error(`${failed} of ${notebooks.length} notebooks failed`);
  return failed > 0 ? 1 : 0;
}

module.exports = { renderNotebook, finishNotebook, refinish, proseFromSource, legacyVerdictBox, refreshImages, writeHtml, splitWideTables, markdownTables, liftVerdicts, formatDuration, defaultReportsDir, jupyterPython, remoteResources, stripRemoteResources, RUN_TIME_MARK };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  );
}
