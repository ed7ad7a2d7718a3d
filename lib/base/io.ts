import * as fs from "node:fs";
import * as path from "node:path";

/** The package root: dist/base/io.js and lib/base/io.ts both sit two folders below it. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/** Whether this process runs a notebook's full setting (`FULL=1` in the environment). */
export function isFullRun(): boolean {
  return process.env.FULL === "1";
}

/**
 * Where a notebook's results file goes. Only a full run (`FULL=1`) writes the committed `results/NAME.json`; any
 * other run writes `results/quick/NAME.json` (ignored by git), so running a notebook in its default setting never
 * overwrites the full results RESULTS.md quotes. `$ANTITRAIN_RESULTS_DIR` overrides the folder either way.
 *
 * @example
 * at.resultsPath("01-concentration");   // "<package>/results/quick/01-concentration.json" unless FULL=1
 */
export function resultsPath(name: string): string {
  const override = process.env.ANTITRAIN_RESULTS_DIR;
  const dir = override ? path.resolve(PACKAGE_ROOT, override) : path.join(PACKAGE_ROOT, "results", isFullRun() ? "" : "quick");
  return path.join(dir, `${name}.json`);
}

/** `file` relative to the package root when it lies inside it (no machine paths in shared reports), else its base name. */
export function displayPath(file: string): string {
  const rel = path.relative(PACKAGE_ROOT, path.resolve(file));
  return rel.startsWith("..") || path.isAbsolute(rel) ? path.basename(file) : rel.split(path.sep).join("/");
}

/**
 * Writes a notebook's results atomically to {@link resultsPath} and returns one line to print: where they went
 * (relative to the package, never a machine path) and, for a quick run, that these are not the study's numbers.
 *
 * @example
 * console.log(at.writeResults("04-compression", { seeds: SEEDS, rows }));
 * // wrote results/quick/04-compression.json (quick setting: a smoke test, not the study's numbers; the full run's are in results/04-compression.json)
 */
export function writeResults(name: string, value: unknown): string {
  const file = resultsPath(name);
  writeJsonAtomic(file, value);
  const note = isFullRun() ? "" : ` (quick setting: a smoke test, not the study's numbers; the full run's are in results/${name}.json)`;
  return `wrote ${displayPath(file)}${note}`;
}

/**
 * Writes JSON atomically: to a temporary file beside the target, then renamed over it, so a reader never sees a
 * half-written file. Typed arrays are written as plain arrays; creates the folder if needed.
 *
 * @example
 * at.writeJsonAtomic("results/run.json", { accuracy: 0.97 });
 */
export function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const text = JSON.stringify(value, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v), 2);
  fs.writeFileSync(tmp, `${text}\n`);
  fs.renameSync(tmp, file);
}

/** Reads a JSON file written by {@link writeJsonAtomic} (parsed as data, never evaluated), or undefined when absent. */
export function readJson<T = unknown>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}
