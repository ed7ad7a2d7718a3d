/**
 * The two ends of a notebook's seeds on the sweep queue (lib/runs/seed-jobs.ts):
 * - `SEED_QUEUE=redis://HOST:PORT` in a full run: {@link queueSeeds} submits the seeds the cache lacks as jobs, waits
 *   (printing progress) and writes each returned value into the seed cache, so the notebook's loop then reads them
 *   as if computed here. Notebook cells are synchronous, so a child process (seed-queue-child.ts) talks to Redis
 *   while this one waits for it.
 * - `ANTITRAIN_SEED_JOB=FILE` in a worker's rerun of the notebook: {@link seedJob} is the job, and {@link jobSeed}
 *   hands back the earlier seeds it carries, computes the job's own seed, writes it and ends the process.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { numericsTag } from "../base/backend";
import { AntitrainError } from "../base/errors";
import { PACKAGE_ROOT, readJson, writeJsonAtomic } from "../base/io";
import type { CodeVersion } from "../base/commit";
import type { PriorSeed, SeedJobData, SeedQueueSummary } from "../runs/seed-jobs";
import { cachedValue, rememberSeed, seedsSeen } from "./seed-store";

/** The job a worker's rerun of a notebook computes (the file `ANTITRAIN_SEED_JOB` names). */
export interface SeedJobFile {
  readonly name: string;
  readonly settings: string;
  readonly seed: number;
  readonly numerics: string;
  readonly prior: readonly PriorSeed[];
  /** Where to write `{ value }` (or `{ refused }`). */
  readonly out: string;
}

let loaded: { file: string; job: SeedJobFile } | undefined;

/** The seed job this process computes (`ANTITRAIN_SEED_JOB`), or null in an ordinary notebook run. */
export function seedJob(): SeedJobFile | null {
  const file = process.env.ANTITRAIN_SEED_JOB;
  if (file === undefined || file === "") return null;
  if (loaded?.file === file) return loaded.job;
  const read = fs.existsSync(file) ? readJson<SeedJobFile>(file) : undefined;
  if (read === undefined || typeof read.name !== "string" || !Number.isInteger(read.seed) || !Array.isArray(read.prior) || typeof read.out !== "string") {
    throw new AntitrainError(`ANTITRAIN_SEED_JOB=${file} is not a seed job file (only antitrain worker sets ANTITRAIN_SEED_JOB)`);
  }
  loaded = { file, job: read };
  return read;
}

/**
 * In a seed job: the value of `name`'s `seed` under `settings` (JSON). An earlier seed comes from the job; the job's
 * own seed is computed, written to the job's output, and the process ends there. Any other seed is an error.
 */
export function jobSeed<T>(j: SeedJobFile, name: string, settings: string, seed: number, compute: () => T): T {
  const prior = j.prior.find((p) => p.name === name && p.settings === settings && p.seed === seed);
  if (prior !== undefined) return prior.value as T;
  if (name === j.name) {
    const refuse = (why: string): never => {
      writeJsonAtomic(j.out, { refused: why });
      throw new AntitrainError(why);
    };
    if (settings !== j.settings) {
      refuse(`"${name}" has other settings on this worker than in the job (job: ${clip(j.settings)}; here: ${clip(settings)}): the notebook or its environment differs from the coordinator's`);
    }
    if (numericsTag() !== j.numerics) refuse(`the job was computed with numerics ${j.numerics}, this worker's notebook runs ${numericsTag()}`);
    if (seed === j.seed) {
      const value = compute();
      writeJsonAtomic(j.out, { value });
      process.exit(0);
    }
  }
  throw new AntitrainError(
    `seed job ${j.name} seed ${j.seed}: the notebook asked for ${name} seed ${seed}, which the job does not carry (a cachedSeed call the coordinating kernel did not make?)`,
  );
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** The notebook (relative to the checkout) whose code computes seed-cache `name`: `ANTITRAIN_NOTEBOOK`, else the notebook whose name starts it. */
export function notebookOf(name: string): string {
  const stated = process.env.ANTITRAIN_NOTEBOOK;
  if (stated !== undefined && stated !== "") {
    const file = path.resolve(PACKAGE_ROOT, stated);
    if (!fs.existsSync(file) || !file.endsWith(".ipynb") || !file.startsWith(PACKAGE_ROOT + path.sep)) {
      throw new AntitrainError(`ANTITRAIN_NOTEBOOK=${stated} must name an .ipynb inside ${PACKAGE_ROOT}, e.g. notebooks/04-compression.ipynb`);
    }
    return path.relative(PACKAGE_ROOT, file).split(path.sep).join("/");
  }
  const dir = path.join(PACKAGE_ROOT, "notebooks");
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).map((f) => f.slice(0, -".ipynb".length)) : [];
  const best = names.filter((n) => name.startsWith(n)).sort((a, b) => b.length - a.length)[0];
  if (best === undefined) throw new AntitrainError(`SEED_QUEUE: no notebook in notebooks/ computes "${name}": set ANTITRAIN_NOTEBOOK=notebooks/NAME.ipynb`);
  return `notebooks/${best}.ipynb`;
}

/** Seconds to wait for Redis to answer: SEED_QUEUE_TIMEOUT_S, default 10. */
function connectTimeout(): number {
  const v = process.env.SEED_QUEUE_TIMEOUT_S;
  if (v === undefined || v === "") return 10;
  const n = Number(v);
  if (!(n > 0 && Number.isFinite(n))) throw new AntitrainError(`SEED_QUEUE_TIMEOUT_S=${v} must be a positive number of seconds, e.g. 30`);
  return n;
}

/** Where the seed-queue's progress lines go besides stderr (set by `npm run notebooks`, which prints them). */
const PROGRESS_ENV = "ANTITRAIN_SEED_PROGRESS";

/**
 * Computes `name`'s missing seeds on the sweep queue at `url` and writes them into the seed cache; returns the line
 * the notebook prints (and the report's provenance line sums up), or null when every seed was cached already.
 */
export function queueSeeds(name: string, settings: string, seeds: readonly number[], url: string): string | null {
  if (!/^redis:\/\/[^/\s]/.test(url)) throw new AntitrainError(`SEED_QUEUE=${url} must be a Redis URL, e.g. SEED_QUEUE=redis://10.0.0.5:6379`);
  const numerics = numericsTag();
  const missing = seeds.filter((s) => cachedValue(name, s, settings, numerics) === undefined);
  if (missing.length === 0) {
    for (const s of seeds) rememberSeed(name, settings, s);
    return null;
  }
  const commit = require("../base/commit") as typeof import("../base/commit"); // loaded when needed, as BullMQ is
  const version: CodeVersion = commit.codeVersion();
  if (version.commit === "unknown") {
    throw new AntitrainError("SEED_QUEUE needs a git checkout (workers check that they run the same commit): run from a clone, or set ANTITRAIN_COMMIT=HASH");
  }
  const notebook = notebookOf(name);
  const prior: PriorSeed[] = [];
  for (const k of seedsSeen()) {
    if (k.name === name && k.settings === settings) continue;
    const hit = cachedValue(k.name, k.seed, k.settings, numerics);
    if (hit !== undefined) prior.push({ ...k, value: hit.value });
  }
  const full = process.env.FULL === "1";
  const jobs: SeedJobData[] = missing.map((seed) => ({ notebook, name, settings, seed, version, numerics, full, prior }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-seed-queue-"));
  try {
    const spec = path.join(dir, "spec.json");
    writeJsonAtomic(spec, { redis: url, jobs, progress: process.env[PROGRESS_ENV] ?? null, connectTimeoutMs: 1000 * connectTimeout() });
    const child = path.join(__dirname, `seed-queue-child${path.extname(__filename)}`);
    const run = spawnSync(process.execPath, [...process.execArgv, child, spec], {
      cwd: PACKAGE_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const last = (run.stdout ?? "").trim().split("\n").pop() ?? "";
    let reply: { summary?: SeedQueueSummary; error?: string } = {};
    try {
      reply = JSON.parse(last);
    } catch {
      // handled below
    }
    if (reply.error !== undefined) throw new AntitrainError(reply.error);
    if (reply.summary === undefined) {
      throw new AntitrainError(`the seed queue's coordinator stopped (${run.error?.message ?? `exit ${run.status ?? run.signal}`}) before all of ${name}'s seeds were back: run the notebook again to collect them`);
    }
    for (const s of seeds) rememberSeed(name, settings, s);
    return queueLine(name, reply.summary, commit.describeVersion(version));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * "seeds via queue (NAME): 10 jobs in 12.5 min by 2 workers: hostA:311 ×6, hostB:97 ×4 (commit d84a359)":
 * scripts/render-notebook.js sums these lines into the provenance line.
 */
function queueLine(name: string, s: SeedQueueSummary, commit: string): string {
  const workers = Object.entries(s.workers).map(([w, n]) => `${w} ×${n}`);
  const time = s.seconds < 90 ? `${s.seconds.toFixed(0)} s` : `${(s.seconds / 60).toFixed(1)} min`;
  return `seeds via queue (${name}): ${s.jobs} job${s.jobs === 1 ? "" : "s"} in ${time} by ${workers.length} worker${workers.length === 1 ? "" : "s"}: ${workers.join(", ")} (commit ${commit})`;
}
