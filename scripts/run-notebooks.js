// `npm run notebooks`: executes every notebook in notebooks/ headlessly into reports/NAME.html, two at a
// time (one kernel per core; JOBS=N changes it). `FULL=1 npm run notebooks` runs the full settings whose
// numbers RESULTS.md quotes and writes results/NAME.json. `--resume` skips notebooks whose report is newer
// than the notebook and the built library (an interrupted run picks up where it stopped); names given as
// arguments (e.g. `npm run notebooks -- 01-concentration 05`) select notebooks by prefix.
const fs = require("node:fs");
const path = require("node:path");
const { spawn } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const REPORTS = path.join(ROOT, "reports");

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

/** Renders one notebook in a child process (so two kernels run side by side); resolves to its exit code. */
function render(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(__dirname, "render-notebook.js"), path.join(NOTEBOOKS, `${name}.ipynb`)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stdout.on("data", () => {});
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("close", (code) => {
      const s = ((Date.now() - started) / 1000).toFixed(0);
      if (code === 0) console.log(`ok      ${name} (${s} s) -> reports/${name}.html`);
      else console.error(`FAILED  ${name} (${s} s)\n${err.trim().split("\n").slice(-30).join("\n")}\n`);
      resolve(code ?? 1);
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
  const jobs = Math.max(1, Number(process.env.JOBS ?? 2));
  const mode = process.env.FULL === "1" ? "full" : "quick";
  console.log(`executing ${todo.length} notebook(s), ${mode} setting, ${jobs} at a time${resume ? ` (${names.length - todo.length} up to date)` : ""}`);
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
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
