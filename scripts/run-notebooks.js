// `npm run notebooks`: executes every notebook in notebooks/ headlessly into reports/quick/NAME.html (ignored by
// git), two at a time (one kernel per core; JOBS=N changes it). `FULL=1 npm run notebooks` runs the full settings
// whose numbers RESULTS.md quotes and writes the committed reports/NAME.{ipynb,html} and results/NAME.json. `--resume` skips notebooks whose report is newer
// than the notebook and the built library (an interrupted run picks up where it stopped); names given as
// arguments (e.g. `npm run notebooks -- 01-concentration 05`) select notebooks by prefix.
// Every notebook runs its study with `runStudy` (lib/studies), which computes the seeds itself: with `SEED_WORKERS=n`
// in n seed-worker processes, with `SEED_QUEUE=redis://HOST:PORT` (and FULL=1) as jobs on the sweep queue, where
// `antitrain worker --redis redis://HOST:PORT` processes on any machines with a checkout of the same commit compute
// them (docs/runs.md, "Running a study over several machines"); one kernel per notebook either way. `CELL_TIMEOUT_S` (default 1800; 86400 with
// SEED_QUEUE, whose seed cells wait for the workers) bounds each cell. The kernels share the cores: each computes on
// max(1, floor(cores / kernels running at once)) wasm threads (ANTITRAIN_THREADS, unless set here already).
const fs = require("node:fs");
const path = require("node:path");
const { spawn } = require("node:child_process");

const os = require("node:os");

const ROOT = path.resolve(__dirname, "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const { defaultReportsDir } = require("./render-notebook.js");
// reports/ for a full run (the committed reports), reports/quick/ otherwise.
const REPORTS = defaultReportsDir();

function selected(argv) {
  const prefixes = argv.filter((a) => !a.startsWith("-"));
  return fs
    .readdirSync(NOTEBOOKS)
    .filter((f) => f.endsWith(".ipynb"))
    .map((f) => f.replace(/\.ipynb$/, ""))
    .filter((name) => prefixes.length === 0 || prefixes.some((p) => name.startsWith(p)))
    .sort();
}

function upToDate(name) {
  const html = path.join(REPORTS, `${name}.html`);
  if (!fs.existsSync(html)) return false;
  const built = path.join(ROOT, "dist", "index.js");
  const inputs = [path.join(NOTEBOOKS, `${name}.ipynb`), built].filter((f) => fs.existsSync(f));
  const newest = Math.max(...inputs.map((f) => fs.statSync(f).mtimeMs));
  return fs.statSync(html).mtimeMs > newest;
}

/** Seconds one cell may run: CELL_TIMEOUT_S, default 1800 (a full run's seed loop on a loaded machine can need more). */
function cellTimeout() {
  const v = process.env.CELL_TIMEOUT_S;
  if (v === undefined || v === "") return seedQueue() ? 86400 : 1800;
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`CELL_TIMEOUT_S="${v}" must be a whole number of seconds, e.g. 5400`);
  return n;
}

/** The sweep queue a full run sends its seeds to (SEED_QUEUE), or null. */
function seedQueue() {
  const url = process.env.SEED_QUEUE;
  return process.env.FULL === "1" && url !== undefined && url !== "" ? url : null;
}

/** Kernels running at once (notebooks at a time × seed workers each); set by main. */
let kernelsAtOnce = 1;

/** Wasm threads of each kernel: ANTITRAIN_THREADS if the user set it, else the cores shared among the kernels. */
function kernelThreads() {
  const set = process.env.ANTITRAIN_THREADS;
  if (set !== undefined && set.trim() !== "") return set;
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return String(Math.max(1, Math.min(8, Math.floor(cores / kernelsAtOnce))));
}

/** Renders one notebook in a child process (one kernel); resolves to its exit code. */
function render(name) {
  const started = Date.now();
  return new Promise((resolve) => {
    const env = { ...process.env, ANTITRAIN_THREADS: kernelThreads() };
    if (seedQueue() === null) delete env.SEED_QUEUE; // quick runs never use the queue
    const code = `require(${JSON.stringify(path.join(__dirname, "render-notebook.js"))}).renderNotebook(${JSON.stringify(
      path.join(NOTEBOOKS, `${name}.ipynb`),
    )}, { outDir: ${JSON.stringify(REPORTS)}, timeoutS: ${cellTimeout()} }).catch((err) => { console.error(err.message); process.exit(1); })`;
    const child = spawn(process.execPath, ["-e", code], { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("close", (exit) => {
      const s = ((Date.now() - started) / 1000).toFixed(0);
      if (exit === 0) console.log(`ok      ${name} (${s} s) -> ${path.relative(ROOT, path.join(REPORTS, `${name}.html`))}`);
      else console.error(`FAILED  ${name} (${s} s)\n${err.trim().split("\n").slice(-30).join("\n")}\n`);
      resolve(exit ?? 1);
    });
  });
}

async function main(argv) {
  const names = selected(argv);
  if (names.length === 0) {
    console.error("no notebook matches");
    return 2;
  }
  const resume = argv.includes("--resume");
  const todo = resume ? names.filter((n) => !upToDate(n)) : names;
  const seedUrl = seedQueue();
  const workers = seedUrl === null ? Math.max(1, Number(process.env.SEED_WORKERS ?? 1)) : 1;
  if (seedUrl !== null) console.log(`studies send their seeds to the sweep queue at ${seedUrl}: start \`antitrain worker --redis ${seedUrl}\` on machines with this commit${process.env.SEED_WORKERS ? " (SEED_WORKERS is ignored)" : ""}`);
  else if (process.env.SEED_QUEUE) console.log("SEED_QUEUE is for full runs (FULL=1): this quick run computes every seed here");
  const jobs = Math.max(1, Number(process.env.JOBS ?? (workers > 1 ? 1 : 2)));
  const mode = process.env.FULL === "1" ? "full" : "quick";
  kernelsAtOnce = Math.max(1, Math.min(jobs, todo.length)) * workers;
  const threads = kernelThreads();
  console.log(
    `executing ${todo.length} notebook(s), ${mode} setting, ${jobs} at a time${workers > 1 ? `, ${workers} seed workers each` : ""}, ${threads} wasm thread${threads === "1" ? "" : "s"} per kernel${resume ? ` (${names.length - todo.length} up to date)` : ""}`,
  );
  const queue = [...todo];
  let failed = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      while (queue.length > 0) {
        const name = queue.shift();
        if ((await render(name)) !== 0) failed++;
      }
    }),
  );
  if (failed > 0) console.error(`${failed} of ${todo.length} notebooks failed`);
  if (process.env.FULL === "1") {
    const { file, names: listed } = require("./report-index.js").writeIndex(REPORTS);
    console.log(`wrote ${path.relative(ROOT, file)} (${listed.length} reports)`);
  }
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
