import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Where a notebook's results file goes: `$ANTITRAIN_RESULTS_DIR/NAME.json` when that variable is set (the test
 * suite points it at a scratch folder so quick runs never overwrite committed full results), else
 * `results/NAME.json` at the package root.
 *
 * @example
 * at.writeJsonAtomic(at.resultsPath("01-concentration"), { seeds, aggregate });
 */
export function resultsPath(name: string): string {
  const root = path.resolve(__dirname, "..", "..");  // dist/base/io.js and lib/base/io.ts sit two folders below the root
  const dir = path.resolve(root, process.env.ANTITRAIN_RESULTS_DIR ?? "results");
  return path.join(dir, `${name}.json`);
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
