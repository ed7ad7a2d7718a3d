/**
 * A notebook's seeds as BullMQ jobs on the sweep queue. A full notebook run with `SEED_QUEUE=redis://HOST:PORT`
 * submits one job per seed its cache lacks ({@link submitSeedJobs}, called for `at.prefetchSeeds` by
 * lib/notebook/seed-queue-child.ts) and waits; `antitrain worker --redis URL` on any machine with a checkout of the
 * same commit takes them ({@link runSeedJob}): it runs the notebook's code ({@link runNotebookCode}) in a child
 * process with `ANTITRAIN_SEED_JOB` set, so the notebook computes only that seed, writes it and stops. A job's id
 * is a hash of everything it computes from (notebook, seed-cache name, settings, seed, commit and uncommitted
 * changes, numerics, the earlier seeds it reads), so a re-run adds nothing twice and collects what is done.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Job, Queue } from "bullmq";
import { numericsTag, ready } from "../base/backend";
import { AntitrainError } from "../base/errors";
import { PACKAGE_ROOT, readJson, writeJsonAtomic } from "../base/io";
import { type CodeVersion, codeVersion, describeVersion } from "../base/commit";
import { SWEEP_QUEUE, reachable, redisConnection } from "../base/redis";

function bullmq(): typeof import("bullmq") {
  return require("bullmq") as typeof import("bullmq");
}

/** BullMQ's job name for a notebook seed (sweep runs are "run"). */
export const SEED_JOB = "notebook-seed";

/** A value the notebook read from its seed cache before the job's seed: the worker hands it back instead of computing it. */
export interface PriorSeed {
  readonly name: string;
  /** The settings as JSON (the seed cache's key). */
  readonly settings: string;
  readonly seed: number;
  readonly value: unknown;
}

/** One seed of one notebook: the data of a "notebook-seed" job. */
export interface SeedJobData {
  /** The notebook, relative to the checkout, e.g. "notebooks/04-compression.ipynb". */
  readonly notebook: string;
  /** The seed cache's name (the first argument of `at.prefetchSeeds`), e.g. "04-compression-tuning". */
  readonly name: string;
  /** The settings as JSON (the seed cache's key). */
  readonly settings: string;
  readonly seed: number;
  /** The coordinator's checkout; a worker on another refuses the job. */
  readonly version: CodeVersion;
  /** The coordinator's `numericsTag()` (backend, matmul kernels); a worker with other numerics refuses the job. */
  readonly numerics: string;
  /** Whether the notebook runs its full setting (FULL=1). */
  readonly full: boolean;
  readonly prior: readonly PriorSeed[];
}

/** What a worker returns for a seed job. */
export interface SeedJobResult {
  readonly id: string;
  readonly name: string;
  readonly seed: number;
  readonly value: unknown;
  /** "host:pid" of the worker that computed it. */
  readonly worker: string;
  readonly host: string;
  /** Wall time of the job on the worker, seconds. */
  readonly seconds: number;
}

/** The stable id of a seed job. */
export function seedJobId(data: SeedJobData): string {
  const prior = data.prior.map((p) => [p.name, p.settings, p.seed, p.value]);
  const key = [data.notebook, data.name, data.settings, data.seed, data.version.commit, data.version.changes, data.numerics, data.full, prior];
  return `seed-${createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 20)}`;
}

/** Options for {@link submitSeedJobs}. */
export interface SeedQueueOptions {
  /** redis://host:port[/db] */
  readonly redis: string;
  /** BullMQ queue name. Default "antitrain-sweep" (the queue `antitrain worker` serves). */
  readonly queue?: string;
  /** Tries per job (a worker that dies mid-job does not use one up). Default 2. */
  readonly attempts?: number;
  /** How long to wait for Redis to answer before giving up. Default 10000 ms. */
  readonly connectTimeoutMs?: number;
  /** How often to look for finished jobs. Default 1000 ms. */
  readonly pollMs?: number;
  /** How often to print progress while no job finishes. Default 60000 ms. */
  readonly progressMs?: number;
  /** Called once per finished seed, in the order they finish. */
  readonly onResult: (result: SeedJobResult) => void;
  readonly log?: (line: string) => void;
}

/** What {@link submitSeedJobs} did. */
export interface SeedQueueSummary {
  readonly jobs: number;
  readonly seconds: number;
  /** Worker ("host:pid") → seeds it computed (a job finished before this submission counts for the worker that ran it). */
  readonly workers: Record<string, number>;
}

/**
 * Submits one job per seed (a job already in Redis is not added again; a failed one is retried), waits until every
 * one has finished on some worker, calls `onResult` for each, and prints progress: seeds done, each worker's
 * throughput and an estimate of the time left. Throws a one-line AntitrainError when Redis cannot be reached or a
 * job fails (a worker on another commit refuses its job, which fails it at once).
 *
 * @example
 * const summary = await submitSeedJobs(jobs, { redis: "redis://10.0.0.5:6379", onResult: (r) => store(r) });
 */
export async function submitSeedJobs(jobs: readonly SeedJobData[], options: SeedQueueOptions): Promise<SeedQueueSummary> {
  if (!Array.isArray(jobs) || jobs.length === 0) throw new AntitrainError("submitSeedJobs needs at least one seed job");
  if (options === null || typeof options !== "object" || typeof options.redis !== "string" || typeof options.onResult !== "function") {
    throw new AntitrainError('submitSeedJobs needs options { redis: "redis://host:port", onResult: (result) => ... }');
  }
  const log = options.log ?? ((line: string) => console.error(line));
  const started = Date.now();
  const queue = new (bullmq().Queue)(options.queue ?? SWEEP_QUEUE, { connection: redisConnection(options.redis) });
  queue.on("error", () => {}); // connection errors surface through reachable() and failed commands
  try {
    await reachable(queue, options.redis, options.connectTimeoutMs, "SEED_QUEUE");
    const byId = new Map(jobs.map((j) => [seedJobId(j), j]));
    for (const [id, data] of byId) {
      const old = await bullmq().Job.fromId(queue, id);
      if (old === undefined) {
        await queue.add(SEED_JOB, data, { jobId: id, attempts: options.attempts ?? 2, removeOnComplete: false, removeOnFail: false });
      } else if ((await old.getState()) === "failed") {
        await old.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      }
    }
    const name = jobs[0].name;
    const progress = new Progress(name, jobs.length, started, log, `antitrain worker --redis ${options.redis}`);
    log(`${name}: ${jobs.length} seed job${jobs.length === 1 ? "" : "s"} on queue "${queue.name}" at ${options.redis} (commit ${describeVersion(jobs[0].version)})`);
    log(progress.waiting(await workersOf(queue)));
    let pending = [...byId.keys()];
    let lastLine = Date.now();
    while (pending.length > 0) {
      const still: string[] = [];
      for (const id of pending) {
        const job = await bullmq().Job.fromId(queue, id);
        if (job === undefined) throw new AntitrainError(`seed job ${id} vanished from Redis (was the queue obliterated?): run the notebook again`);
        const state = await job.getState();
        const data = byId.get(id) as SeedJobData;
        if (state === "completed") {
          const result = job.returnvalue as SeedJobResult;
          if (result?.id !== id || result.seed !== data.seed) throw new AntitrainError(`seed job ${id} returned a result for another job: clear the queue and run again`);
          options.onResult(result);
          progress.done(result);
          lastLine = Date.now();
        } else if (state === "failed") {
          // The job was read before its state: read it again, so its failure reason is the one stored with "failed".
          const failed = (await bullmq().Job.fromId(queue, id)) ?? job;
          const tries = failed.attemptsMade > 1 ? `, ${failed.attemptsMade} tries` : "";
          throw new AntitrainError(`${data.name} seed ${data.seed} failed (job ${id}${tries}): ${failed.failedReason}`);
        } else {
          still.push(id);
        }
      }
      pending = still;
      if (pending.length === 0) break;
      if (Date.now() - lastLine >= (options.progressMs ?? 60_000)) {
        log(progress.waiting(await workersOf(queue)));
        lastLine = Date.now();
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
    }
    return progress.summary();
  } finally {
    await queue.close();
  }
}

/** The workers connected to the queue ("host:pid" names), or null when Redis cannot list clients. */
async function workersOf(queue: Queue): Promise<string[] | null> {
  try {
    return (await queue.getWorkers()).map((w) => w.rawname ?? w.name ?? "?").map((n) => n.replace(/^.*:w:/, ""));
  } catch {
    return null;
  }
}

/** Progress of one submission: seeds done, per-worker throughput, time left. */
class Progress {
  private readonly byWorker = new Map<string, { count: number; seconds: number }>();
  private finished = 0;

  constructor(
    private readonly name: string,
    private readonly total: number,
    private readonly started: number,
    private readonly log: (line: string) => void,
    private readonly command: string,
  ) {}

  done(r: SeedJobResult): void {
    this.finished++;
    const w = this.byWorker.get(r.worker) ?? { count: 0, seconds: 0 };
    w.count++;
    w.seconds += r.seconds;
    this.byWorker.set(r.worker, w);
    const left = this.total - this.finished;
    const rates = [...this.byWorker.entries()].map(([id, v]) => `${id} ${v.count} (${minutes(v.seconds / v.count)}/seed)`);
    const perSeed = [...this.byWorker.values()].reduce((a, v) => a + v.seconds, 0) / this.finished;
    const eta = left === 0 ? "" : ` · about ${minutes((left * perSeed) / Math.max(1, this.byWorker.size))} left`;
    this.log(`${this.name}: ${this.finished}/${this.total} seeds done (seed ${r.seed} by ${r.worker}) · ${rates.join(", ")}${eta}`);
  }

  waiting(workers: string[] | null): string {
    const elapsed = minutes((Date.now() - this.started) / 1000);
    const who =
      workers === null
        ? ""
        : workers.length === 0
          ? ` · no worker is serving the queue: start \`${this.command}\` on a machine with this commit`
          : ` · ${workers.length} worker${workers.length === 1 ? "" : "s"} connected (${workers.join(", ")})`;
    return `${this.name}: ${this.finished}/${this.total} seeds done after ${elapsed}${who}`;
  }

  summary(): SeedQueueSummary {
    const workers = Object.fromEntries([...this.byWorker.entries()].map(([id, v]) => [id, v.count]));
    return { jobs: this.total, seconds: (Date.now() - this.started) / 1000, workers };
  }
}

function minutes(seconds: number): string {
  return seconds < 90 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`;
}

/** Validates a seed job's data as a worker receives it. */
function parseSeedJob(raw: unknown): SeedJobData {
  const d = (raw ?? {}) as Record<string, unknown>;
  const v = (d.version ?? {}) as Record<string, unknown>;
  const ok =
    typeof d.notebook === "string" &&
    typeof d.name === "string" &&
    typeof d.settings === "string" &&
    Number.isInteger(d.seed) &&
    typeof v.commit === "string" &&
    (v.changes === null || typeof v.changes === "string") &&
    typeof d.numerics === "string" &&
    typeof d.full === "boolean" &&
    Array.isArray(d.prior);
  if (!ok) throw new AntitrainError("malformed notebook-seed job: it was not made by at.prefetchSeeds of this version");
  return d as unknown as SeedJobData;
}

/**
 * Computes one notebook seed job on this machine: refuses it (an UnrecoverableError, so no other try is made with
 * the same mismatch) when this checkout's commit, uncommitted changes or numerics differ from the job's or dist/ is
 * older than lib/, else runs the notebook's code up to the job's seed in a child process and returns the value.
 *
 * @example
 * const result = await runSeedJob(job);   // inside a BullMQ worker's processor
 */
export async function runSeedJob(job: Job): Promise<SeedJobResult> {
  const refuse = (why: string) => new (bullmq().UnrecoverableError)(`refused by worker ${workerName()}: ${why}`);
  const data = parseSeedJob(job.data);
  if (seedJobId(data) !== job.id) throw refuse(`job ${job.id}'s data does not hash to its id`);
  const mine = codeVersion();
  if (mine.commit !== data.version.commit || mine.changes !== data.version.changes) {
    throw refuse(
      `the job was made for commit ${describeVersion(data.version)}, this checkout (${PACKAGE_ROOT}) is at ${describeVersion(mine)}: check out the job's commit there and run npm run build, or stop this worker`,
    );
  }
  await ready({ quiet: true });
  if (numericsTag() !== data.numerics) {
    throw refuse(`the job was computed with numerics ${data.numerics}, this worker's are ${numericsTag()}: set ANTITRAIN_BACKEND / ANTITRAIN_WASM_MATMUL as on the notebook's machine`);
  }
  const notebook = path.resolve(PACKAGE_ROOT, data.notebook);
  if (!notebook.startsWith(PACKAGE_ROOT + path.sep) || !notebook.endsWith(".ipynb") || !fs.existsSync(notebook)) {
    throw refuse(`notebook ${data.notebook} is not in this checkout`);
  }
  const stale = staleBuild();
  if (stale !== null) throw refuse(`${stale}: run npm run build`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-seed-job-"));
  const started = Date.now();
  try {
    const jobFile = path.join(dir, "job.json");
    const out = path.join(dir, "out.json");
    writeJsonAtomic(jobFile, { name: data.name, settings: data.settings, seed: data.seed, numerics: data.numerics, prior: data.prior, out });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ANTITRAIN_SEED_JOB: jobFile,
      ANTITRAIN_SEED_CACHE: path.join(dir, "cache"),
      ANTITRAIN_RESULTS_DIR: path.join(dir, "results"),
    };
    for (const k of ["FULL", "SEED_QUEUE", "ANTITRAIN_SEED_SHARD", "ANTITRAIN_NOTEBOOK", "ANTITRAIN_SEED_PROGRESS"]) delete env[k];
    if (data.full) env.FULL = "1";
    const { code, tail } = await runChild(notebook, env);
    const written = fs.existsSync(out) ? readJson<{ value?: unknown; refused?: string }>(out) : undefined;
    if (written?.refused !== undefined) throw refuse(written.refused);
    if (code !== 0 || written === undefined || !("value" in written)) {
      const why = code !== 0 ? `exited with ${code}` : `ended without computing ${data.name} seed ${data.seed} (does it call at.prefetchSeeds("${data.name}", ...)?)`;
      throw new AntitrainError(`${data.notebook} ${why}${tail ? `: ${tail}` : ""}`);
    }
    return { id: job.id as string, name: data.name, seed: data.seed, value: written.value, worker: workerName(), host: os.hostname(), seconds: (Date.now() - started) / 1000 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** This worker process as "host:pid". */
export function workerName(): string {
  return `${os.hostname()}:${process.pid}`;
}

/** Why dist/ (which the notebooks import) does not match lib/ here, or null when the build is current. */
function staleBuild(): string | null {
  const built = path.join(PACKAGE_ROOT, "dist", "index.js");
  if (!fs.existsSync(built)) return "this checkout has no dist/";
  const time = fs.statSync(built).mtimeMs;
  const walk = (dir: string): string | null => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const newer = e.name.endsWith(".ts") && fs.statSync(p).mtimeMs > time;
      const hit = e.isDirectory() ? walk(p) : newer ? `dist/ is older than ${path.relative(PACKAGE_ROOT, p)}` : null;
      if (hit !== null) return hit;
    }
    return null;
  };
  const lib = path.join(PACKAGE_ROOT, "lib");
  return fs.existsSync(lib) ? walk(lib) : null;
}

/** Runs the notebook's code in a child process; resolves to its exit code and the last lines it printed. */
function runChild(notebook: string, env: NodeJS.ProcessEnv): Promise<{ code: number; tail: string }> {
  const runner = path.join(__dirname, `notebook-code${path.extname(__filename)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, runner, notebook], { cwd: PACKAGE_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    const keep = (d: Buffer) => {
      text = (text + d.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const tail = text.trim().split("\n").slice(-8).join(" / ");
      resolve({ code: code ?? (signal ? 128 : 1), tail });
    });
  });
}
