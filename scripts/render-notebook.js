// Executes a notebook headlessly with the tslab kernel and renders it to a self-contained HTML report.
//
//   node scripts/render-notebook.js notebooks/00-quickstart.ipynb [more.ipynb ...]
//   const { renderNotebook } = require("./render-notebook.js");
//
// Writes reports/NAME.ipynb (the executed notebook) and reports/NAME.html, each atomically. The kernel
// runs in the notebook's own folder (nbconvert's default), so a notebook imports "../dist/index".
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
const MAX_OUTPUT = 1024 * 1024 * 1024; // notebooks inline the 4.6 MB Plotly bundle; leave room

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

/**
 * Executes `ipynbPath` with the tslab kernel and writes OUTDIR/NAME.ipynb and OUTDIR/NAME.html.
 * `env` is added to this process's environment for the kernel (e.g. { FULL: "1" }); `timeoutS` bounds
 * each cell. Throws with the failing cell and its error if any cell fails. Returns both paths.
 */
function renderNotebook(ipynbPath, { outDir = "reports", env = {}, timeoutS = 1800 } = {}) {
  const input = path.resolve(ipynbPath);
  if (!fs.existsSync(input)) throw new Error(`no notebook at ${ipynbPath}`);
  const name = path.basename(input, ".ipynb");
  const out = path.resolve(ROOT, outDir);
  fs.mkdirSync(out, { recursive: true });
  const python = jupyterPython();
  // setup.sh registers the kernel by its absolute path; node_modules/.bin on PATH (as npm scripts
  // have it) also serves a kernel registered elsewhere as plain "tslab".
  const fullEnv = { ...process.env, ...env };
  fullEnv.PATH = [path.join(ROOT, "node_modules", ".bin"), fullEnv.PATH].join(path.delimiter);

  const executed = path.join(out, `${name}.ipynb`);
  const failedCopy = path.join(out, `${name}.failed.ipynb`);
  fs.rmSync(failedCopy, { force: true });
  const notebook = runPython(python, [EXECUTE, input, String(timeoutS), failedCopy], fullEnv, `executing ${ipynbPath}`);
  writeAtomic(executed, notebook);

  const html = path.join(out, `${name}.html`);
  const page = runPython(
    python,
    ["-m", "nbconvert", "--to=html", `--template-file=${TEMPLATE}`, "--embed-images", "--stdout", executed],
    fullEnv,
    `converting ${executed} to HTML`,
  );
  writeAtomic(html, stripRemoteResources(page));
  return { html, executed };
}

function main(argv) {
  const notebooks = argv.filter((a) => !a.startsWith("-"));
  if (notebooks.length === 0 || argv.includes("--help")) {
    console.error("usage: node scripts/render-notebook.js NOTEBOOK.ipynb [...]   (writes reports/NAME.html)");
    return 2;
  }
  let failed = 0;
  for (const nb of notebooks) {
    const start = Date.now();
    try {
      const { html } = renderNotebook(nb);
      const seconds = ((Date.now() - start) / 1000).toFixed(1);
      console.log(`rendered ${nb} -> ${path.relative(process.cwd(), html)} (${seconds} s)`);
    } catch (err) {
      failed += 1;
      console.error(`${err.message}\n`);
    }
  }
  if (failed > 0) console.error(`${failed} of ${notebooks.length} notebooks failed`);
  return failed > 0 ? 1 : 0;
}

module.exports = { renderNotebook, jupyterPython, remoteResources, stripRemoteResources };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
