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
  const root = path.resolve(__dirname, "..");
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

/**
 * Runs `compute` for one seed of an experiment, or returns its cached result: results are kept as JSON under
 * `.cache/results/NAME/<settings hash>/seed-N.json` (written atomically), so an interrupted full run resumes where
 * it stopped and a change of settings never reuses stale numbers. `ANTITRAIN_NO_CACHE=1` disables the cache.
 *
 * @example
 * const r = at.cachedSeed("01-concentration", { width: 128, cycles: 16 }, seed, () => runOneSeed(seed));
 */
export function cachedSeed<T>(name: string, settings: unknown, seed: number, compute: () => T): T {
  if (process.env.ANTITRAIN_NO_CACHE === "1") return compute();
  const root = path.resolve(__dirname, "..");
  const file = path.join(root, ".cache", "results", safeName(name), settingsHash(settings), `seed-${seed}.json`);
  const hit = readJson<{ value: T }>(file);
  if (hit !== undefined) return hit.value;
  const value = compute();
  writeJsonAtomic(file, { name, seed, settings, value });
  return value;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** A short stable hash of JSON-serializable settings (FNV-1a over the JSON with sorted keys). */
function settingsHash(settings: unknown): string {
  const text = JSON.stringify(settings, (_k, v) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, "0");
}
