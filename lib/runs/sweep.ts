/**
 * Sweeps: a grid of runs (e.g. seeds × widths × methods) expanded from a base config, each run a job with a stable
 * id (a hash of its complete config), so submitting a sweep twice or retrying a job never duplicates work. A job's
 * result is stored once: written to a temporary file, then hard-linked into place, which fails when a result is
 * already there. Jobs run on a local pool of worker processes ({@link runSweepLocal}) or on BullMQ workers over
 * Redis on any number of machines ({@link runSweepRedis}).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type ParseRunConfigOptions, type RunConfig, parseRunConfig } from "./config";
import { AntitrainError } from "../base/errors";
import { runFromConfig } from "./run";
import { modelFileHash } from "./run-model";

/** A sweep file: a base config and, per config key path, the values to try (every combination runs). */
export interface SweepSpec {
  readonly base: Record<string, unknown>;
  /** Key path (e.g. "seed", "model.hidden", "method") → values. */
  readonly grid: Readonly<Record<string, readonly unknown[]>>;
}

/** One run of a sweep. */
export interface SweepJob {
  /** Stable id: the same complete config always gets the same id. */
  readonly id: string;
  /** The grid values of this job, by key path. */
  readonly params: Record<string, unknown>;
  readonly config: RunConfig;
}

/** What a job returns and the sweep stores. */
export interface JobResult {
  readonly id: string;
  readonly params: Record<string, unknown>;
  readonly steps: number;
  readonly final: { accuracy: number; loss: number };
  /** The last measured core of each site. */
  readonly cores: { site: string; core: number; fractionReached: number }[];
  /** Mean training loss over the last 10% of steps. */
  readonly lateLoss: number;
}

/**
 * Validates a sweep (unknown keys, empty value lists and every job's config are checked) and expands the grid.
 * `options.dir` is the sweep file's folder, against which a saved model's relative `model.path` is resolved.
 *
 * @example
 * const jobs = at.expandSweep({ base: { steps: 200 }, grid: { seed: [0, 1], "model.hidden": [[16], [32]] } });
 * jobs.length;   // 4
 * at.expandSweep({ base: { model: { kind: "layers", path: "models/cnn" }, sites: ["conv"], steps: 200 }, grid: { seed: [0, 1] } }, { dir: "sweeps" });
 */
export function expandSweep(raw: unknown, options: ParseRunConfigOptions = {}): SweepJob[] {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new AntitrainError('a sweep must be an object { "base": {...}, "grid": {...} }');
  for (const key of Object.keys(raw)) {
    if (key !== "base" && key !== "grid") throw new AntitrainError(`sweep key "${key}" is unknown: allowed keys are base, grid`);
  }
  const { base = {}, grid } = raw as { base?: unknown; grid?: unknown };
  if (base === null || typeof base !== "object" || Array.isArray(base)) throw new AntitrainError('sweep key "base" must be a run config object');
  if (grid === null || typeof grid !== "object" || Array.isArray(grid)) {
    throw new AntitrainError('sweep key "grid" must map config key paths to lists of values, e.g. { "seed": [0, 1] }');
  }
  const axes = Object.entries(grid as Record<string, unknown>);
  for (const [key, values] of axes) {
    if (!Array.isArray(values) || values.length === 0) throw new AntitrainError(`sweep key "grid.${key}" must be a non-empty list of values`);
    if (!/^[A-Za-z]+(\.[A-Za-z]+)*$/.test(key) || key.split(".").some((k) => k === "__proto__" || k === "constructor" || k === "prototype")) {
      throw new AntitrainError(`sweep key "grid.${key}" is not a config key path like "seed" or "model.hidden"`);
    }
  }
  let combos: Record<string, unknown>[] = [{}];
  for (const [key, values] of axes) combos = combos.flatMap((c) => (values as unknown[]).map((v) => ({ ...c, [key]: v })));
  const seen = new Set<string>();
  return combos.map((params) => {
    const merged = structuredClone(base) as Record<string, unknown>;
    for (const [key, value] of Object.entries(params)) setPath(merged, key.split("."), structuredClone(value));
    let config: RunConfig;
    try {
      config = parseRunConfig(merged, options);
    } catch (e) {
      throw new AntitrainError(`sweep job ${describe(params)}: ${(e as Error).message}`);
    }
    const id = jobId(config);
    if (seen.has(id)) throw new AntitrainError(`sweep job ${describe(params)} repeats another job's config: list each value once`);
    seen.add(id);
    return { id, params, config };
  });
}

/**
 * The stable id of a run config: a hash of the complete config and, for a saved model, of the model's files
 * (model.json and weights), so a changed model file makes a new job.
 */
export function jobId(config: RunConfig): string {
  const hash = createHash("sha256").update(JSON.stringify(config));
  if (config.model.kind === "layers") hash.update(`\0model-files:${modelFileHash(config.model)}`);
  return `run-${hash.digest("hex").slice(0, 16)}`;
}

/**
 * Runs one job into `root/runs/<id>` (resuming a checkpoint a killed worker left there) and summarizes it.
 *
 * @example
 * const result = await at.runJob(jobs[0], "sweeps/widths");
 */
export async function runJob(job: Pick<SweepJob, "id" | "params" | "config">, root: string, log: (line: string) => void = () => {}): Promise<JobResult> {
  if (job.config.model.kind === "layers" && jobId(job.config) !== job.id) {
    throw new AntitrainError(`job ${job.id}: the model file ${job.config.model.path} changed since the sweep was made (its config and model no longer hash to the job's id); expand the sweep again`);
  }
  const out = path.join(root, "runs", job.id);
  const result = await runFromConfig(job.config, { out, resume: true, handleSignals: false, log });
  if (result.status !== "done" || result.final === undefined) throw new AntitrainError(`job ${job.id} stopped before its last step`);
  const h = result.history;
  const cores = job.config.sites.map((site) => {
    const last = h.measures.filter((m) => m.site === site).pop();
    return { site, core: last?.core.length ?? -1, fractionReached: last?.fractionReached ?? Number.NaN };
  });
  const tail = h.losses.slice(Math.floor(h.losses.length * 0.9));
  return { id: job.id, params: job.params, steps: result.step, final: result.final, cores, lateLoss: tail.reduce((a, b) => a + b, 0) / tail.length };
}

/**
 * Stores a job's result in `root/results/<id>.json` unless one is there already; returns whether it stored it.
 * Atomic and at most once, even with several processes racing: the file is linked into place, never overwritten.
 */
export function storeResult(root: string, result: JobResult): boolean {
  const dir = path.join(root, "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.id}.json`);
  const tmp = `${file}.tmp-${process.pid}-${Math.floor(performance.now() * 1000)}`;
  fs.writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The stored results of `jobs` (in grid order), and the ids still missing. */
export function readResults(root: string, jobs: readonly SweepJob[]): { results: JobResult[]; missing: string[] } {
  const results: JobResult[] = [];
  const missing: string[] = [];
  for (const job of jobs) {
    const file = path.join(root, "results", `${job.id}.json`);
    if (fs.existsSync(file)) results.push(JSON.parse(fs.readFileSync(file, "utf8")) as JobResult);
    else missing.push(job.id);
  }
  return { results, missing };
}

/** Writes `root/sweep.json`: every job's result in grid order (atomically). */
export function writeSweepSummary(root: string, jobs: readonly SweepJob[]): JobResult[] {
  const { results, missing } = readResults(root, jobs);
  if (missing.length > 0) throw new AntitrainError(`sweep in ${root} is missing ${missing.length} result(s): ${missing.slice(0, 5).join(", ")}`);
  const file = path.join(root, "sweep.json");
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify({ jobs: jobs.length, results }, null, 2)}\n`);
  fs.renameSync(tmp, file);
  return results;
}

function setPath(obj: Record<string, unknown>, keys: string[], value: unknown): void {
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    const next = o[k];
    if (next === undefined) o[k] = {};
    else if (next === null || typeof next !== "object" || Array.isArray(next)) throw new AntitrainError(`sweep key "grid.${keys.join(".")}": "${k}" is not an object in the base config`);
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

function describe(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",");
}
