// Executes a notebook headlessly with the tslab kernel and renders it to a self-contained HTML report.
//
//   node scripts/render-notebook.js notebooks/00-quickstart.ipynb [more.ipynb ...]
//   node scripts/render-notebook.js --refresh-images reports/*.ipynb   (redraw committed reports' chart images)
//   const { renderNotebook } = require("./render-notebook.js");
//
// Writes OUT/NAME.ipynb (the executed notebook) and OUT/NAME.html, each atomically: OUT is reports/ for a full
// run (FULL=1: the committed reports) and reports/quick/ (ignored by git) otherwise, so a default run never
// overwrites a committed report. The kernel runs in the notebook's own folder (nbconvert's default), so a notebook
// imports "../dist/index". After execution the notebook is finished for sharing: the provenance line gets the
// measured run time, every chart (at.chart) gets a static PNG rendered offline in headless Chromium (as the
// output's image/png and inside its HTML, so GitHub and an untrusted Jupyter show it), and no output names this
// machine's folders.
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
const MAX_OUTPUT = 1024 * 1024 * 1024; // notebooks inline the 1.4 MB Plotly bundle and chart images; leave room
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

/**
 * Finishes an executed notebook (parsed JSON) for sharing, in place: states the run time in the provenance line (how
 * each seed was computed, at which commit and in how long, is the study's own provenance line, printed by the notebook),
 * adds a static PNG (64-colour palette) to every chart, replaces this checkout's absolute path by "." in every output, and drops
 * execution timestamps. Resolves to the number of chart images added.
 */
async function finishNotebook(nb, { seconds, root = ROOT }) {
  const charts = [];
  for (const cell of nb.cells) {
    if (cell.metadata) delete cell.metadata.execution;
    for (const output of cell.outputs ?? []) {
      for (const [holder, key] of textFields(output)) {
        let text = asText(holder[key]).split(`${root}${path.sep}`).join("").split(root).join(".");
        if (seconds !== undefined) text = text.replace(RUN_TIME_MARK, `run time: ${formatDuration(seconds)}`);
        holder[key] = text;
      }
      let html = output.data?.["text/html"];
      if (html !== undefined) {
        // Idempotent: images from an earlier finish are replaced, not doubled.
        html = asText(html).replace(FALLBACK_IMG, "");
        output.data["text/html"] = html;
        for (const m of html.matchAll(FIGURE)) {
          charts.push({ output, id: m[1], figure: JSON.parse(m[2]) });
          delete output.data["image/png"];
        }
      }
    }
  }
  // 64-colour palettes: a quarter of the bytes, and the executed notebook stays under 2 MB.
  const images = (await figureImages(charts.map((c) => c.figure), { width: IMAGE_WIDTH })).map(palettePng);
  charts.forEach(({ output, id }, i) => {
    const img = `<img class="antitrain-fallback" alt="chart (static image; the interactive chart needs JavaScript)" src="data:image/png;base64,${images[i]}">`;
    const open = new RegExp(`(<div id="${id}" class="antitrain-chart"[^>]*>)`);
    output.data["text/html"] = output.data["text/html"].replace(open, `$1${img}`);
    // One image/png per output: where an output holds several charts, their images stay inside its HTML.
    if (charts.filter((c) => c.output === output).length === 1) output.data["image/png"] = images[i];
  });
  return charts.length;
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

  const html = path.join(out, `${name}.html`);
  const page = runPython(
    python,
    ["-m", "nbconvert", "--to=html", `--template-file=${TEMPLATE}`, "--embed-images", "--stdout", executed],
    fullEnv,
    `converting ${executed} to HTML`,
  );
  // The report draws its charts interactively: the static fallbacks would only double its size.
  const lean = page.replace(FALLBACK_IMG, "");
  writeAtomic(html, stripRemoteResources(lean));
  return { html, executed, seconds, charts };
}

/**
 * Redraws the static chart images of already executed notebooks (e.g. the committed reports/*.ipynb) in place, with
 * this script's current image settings; nothing is re-executed and the HTML reports (which carry no static images)
 * are unchanged. Resolves to the number of images drawn.
 */
async function refreshImages(files) {
  let total = 0;
  for (const file of files) {
    const nb = JSON.parse(fs.readFileSync(file, "utf8"));
    const before = fs.statSync(file).size;
    const charts = await finishNotebook(nb, { seconds: undefined });
    writeAtomic(file, `${JSON.stringify(nb, null, 1)}\n`);
    console.log(`${file}: ${charts} chart image(s) redrawn, ${(before / 1e6).toFixed(2)} MB -> ${(fs.statSync(file).size / 1e6).toFixed(2)} MB`);
    total += charts;
  }
  return total;
}

async function main(argv) {
  const notebooks = argv.filter((a) => !a.startsWith("-"));
  if (argv.includes("--refresh-images")) {
    await refreshImages(notebooks);
    return 0;
  }
  if (notebooks.length === 0 || argv.includes("--help")) {
    console.error("usage: node scripts/render-notebook.js NOTEBOOK.ipynb [...]   (writes reports/quick/NAME.html; with FULL=1 reports/NAME.html)\n       node scripts/render-notebook.js --refresh-images reports/NAME.ipynb [...]   (redraws executed notebooks' chart images in place)");
    return 2;
  }
  let failed = 0;
  for (const nb of notebooks) {
    try {
      const { html, seconds } = await renderNotebook(nb);
      console.log(`rendered ${nb} -> ${path.relative(process.cwd(), html)} (${seconds.toFixed(1)} s)`);
    } catch (err) {
      failed += 1;
      console.error(`${err.message}\n`);
    }
  }
  if (failed > 0) console.error(`${failed} of ${notebooks.length} notebooks failed`);
  return failed > 0 ? 1 : 0;
}

module.exports = { renderNotebook, finishNotebook, refreshImages, formatDuration, defaultReportsDir, jupyterPython, remoteResources, stripRemoteResources, RUN_TIME_MARK };

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
