/**
 * A study's seeds as BullMQ jobs on the sweep queue: `runStudy` with `queue: "redis://HOST:PORT"` (or SEED_QUEUE in
 * a full run) submits one job per seed its cache lacks ({@link queueSeedJobs}) and waits; `antitrain worker --redis
 * URL` on any machine with a checkout of the same commit takes them (lib/runs/seed-jobs.ts) and computes each with
 * the registered study in a seed-worker process: no notebook code runs there. A job's id is a hash of its seed key
 * (study, kind, seed, settings, chosen knobs, code hash, numerics) and the commit, so a re-run adds nothing twice and
 * collects what is done.
 */
import { createHash } from "node:crypto";
import type { Queue } from "bullmq";
import { type CodeVersion, describeVersion } from "../base/commit";
import { AntitrainError } from "../base/errors";
import { SWEEP_QUEUE, reachable, redisConnection } from "../base/redis";
import { canonicalJson } from "./code-hash";
import { type SeedJob, processVersion } from "./compute-seed";
import type { SeedRecord } from "./seed-records";

function bullmq(): typeof import("bullmq") {
  return require("bullmq") as typeof import("bullmq");
}

/** BullMQ's job name for a study seed (sweep runs are "run"). */
export const SEED_JOB = "study-seed";

/** The data of a "study-seed" job: the seed job and the coordinator's code version (a worker on another refuses it). */
export interface SeedJobData {
  readonly job: SeedJob;
  readonly version: CodeVersion;
}

/** What a worker returns for a seed job. */
export interface SeedJobResult {
  readonly id: string;
  readonly record: SeedRecord;
}

/** The stable id of a seed job. */
export function seedJobId(data: SeedJobData): string {
  const key = canonicalJson([data.job, data.version.commit, data.version.changes]);
  return `seed-${createHash("sha256").update(key).digest("hex").slice(0, 20)}`;
}

/** Options for {@link queueSeedJobs}. */
export interface SeedQueueOptions {
  /** redis://host:port[/db] */
  readonly redis: string;
  /** BullMQ queue name. Default "antitrain-sweep" (the queue `antitrain worker` serves). */
  readonly queue?: string;
  /** Tries per job (a worker that dies mid-job does not use one up). Default 2. */
  readonly attempts?: number;
  /** How long to wait for Redis to answer before giving up. Default SEED_QUEUE_TIMEOUT_S, else 10 s. */
  readonly connectTimeoutMs?: number;
  /** How often to look for finished jobs. Default 1000 ms. */
  readonly pollMs?: number;
  /** How often to print progress while no job finishes. Default 60000 ms. */
  readonly progressMs?: number;
  readonly log?: (line: string) => void;
}

/** Seconds to wait for Redis to answer: SEED_QUEUE_TIMEOUT_S, default 10. */
function connectTimeoutMs(): number {
  const v = process.env.SEED_QUEUE_TIMEOUT_S;
  if (v === undefined || v === "") return 10_000;
  const n = Number(v);
  if (!(n > 0 && Number.isFinite(n))) throw new AntitrainError(`SEED_QUEUE_TIMEOUT_S=${v} must be a positive number of seconds, e.g. 30`);
  return 1000 * n;
}

/**
 * Submits one job per seed (a job already in Redis is not added again; a failed one is retried), waits until every
 * one has finished on some worker and returns their records in the order they finished, printing progress: seeds
 * done, each worker's throughput and an estimate of the time left. Throws a one-line AntitrainError when Redis
 * cannot be reached or a job fails (a worker on another commit refuses its job, which fails it at once).
 *
 * @example
 * const records = await queueSeedJobs(jobs, { redis: "redis://10.0.0.5:6379" });
 */
export async function queueSeedJobs(jobs: readonly SeedJob[], options: SeedQueueOptions): Promise<SeedRecord[]> {
  if (!/^redis:\/\/[^/\s]/.test(options.redis)) throw new AntitrainError(`SEED_QUEUE=${options.redis} must be a Redis URL, e.g. SEED_QUEUE=redis://10.0.0.5:6379`);
  if (jobs.length === 0) return [];
  const version = processVersion();
  if (version.commit === "unknown") {
    throw new AntitrainError("the seed queue needs a git checkout (workers check that they run the same commit): run from a clone, or set ANTITRAIN_COMMIT=HASH");
  }
  const log = options.log ?? ((line: string) => console.error(line));
  const started = Date.now();
  const queue = new (bullmq().Queue)(options.queue ?? SWEEP_QUEUE, { connection: redisConnection(options.redis) });
  queue.on("error", () => {}); // connection errors surface through reachable() and failed commands
  const out: SeedRecord[] = [];
  try {
    await reachable(queue, options.redis, options.connectTimeoutMs ?? connectTimeoutMs(), "SEED_QUEUE");
    const byId = new Map(jobs.map((job) => {
      const data: SeedJobData = { job, version };
      return [seedJobId(data), data];
    }));
    for (const [id, data] of byId) {
      const old = await bullmq().Job.fromId(queue, id);
      if (old === undefined) {
        await queue.add(SEED_JOB, data, { jobId: id, attempts: options.attempts ?? 2, removeOnComplete: false, removeOnFail: false });
      } else if ((await old.getState()) === "failed") {
        await old.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      }
    }
    const name = jobs[0].study;
    const progress = new Progress(name, jobs.length, started, log, `antitrain worker --redis ${options.redis}`);
    log(`${name}: ${jobs.length} seed job${jobs.length === 1 ? "" : "s"} on queue "${queue.name}" at ${options.redis} (commit ${describeVersion(version)})`);
    log(progress.waiting(await workersOf(queue)));
    let pending = [...byId.keys()];
    let lastLine = Date.now();
    while (pending.length > 0) {
      const still: string[] = [];
      for (const id of pending) {
        const job = await bullmq().Job.fromId(queue, id);
        if (job === undefined) throw new AntitrainError(`seed job ${id} vanished from Redis (was the queue obliterated?): run the study again`);
        const state = await job.getState();
        const data = byId.get(id) as SeedJobData;
        if (state === "completed") {
          const result = job.returnvalue as SeedJobResult;
          if (result?.id !== id || result.record?.seed !== data.job.seed || result.record.kind !== data.job.kind) {
            throw new AntitrainError(`seed job ${id} returned a result for another job: clear the queue and run again`);
          }
          out.push(result.record);
          progress.done(result);
          lastLine = Date.now();
        } else if (state === "failed") {
          // The job was read before its state: read it again, so its failure reason is the one stored with "failed".
          const failed = (await bullmq().Job.fromId(queue, id)) ?? job;
          const tries = failed.attemptsMade > 1 ? `, ${failed.attemptsMade} tries` : "";
          throw new AntitrainError(`${data.job.study} ${data.job.kind === "tune" ? "tuning " : ""}seed ${data.job.seed} failed (job ${id}${tries}): ${failed.failedReason}`);
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
    return out;
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
    const p = r.record.provenance;
    this.finished++;
    const w = this.byWorker.get(p.computedBy) ?? { count: 0, seconds: 0 };
    w.count++;
    w.seconds += p.wallSeconds;
    this.byWorker.set(p.computedBy, w);
    const left = this.total - this.finished;
    const rates = [...this.byWorker.entries()].map(([id, v]) => `${id} ${v.count} (${minutes(v.seconds / v.count)}/seed)`);
    const perSeed = [...this.byWorker.values()].reduce((a, v) => a + v.seconds, 0) / this.finished;
    const eta = left === 0 ? "" : ` · about ${minutes((left * perSeed) / Math.max(1, this.byWorker.size))} left`;
    this.log(`${this.name}: ${this.finished}/${this.total} seeds done (${r.record.kind === "tune" ? "tuning " : ""}seed ${r.record.seed} by ${p.computedBy}) · ${rates.join(", ")}${eta}`);
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

}

function minutes(seconds: number): string {
  return seconds < 90 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`;
}

