/**
 * Sweeps on BullMQ over Redis: the coordinator ({@link runSweepRedis}) adds one job per run, with the run's stable
 * id as BullMQ's job id (adding it again is a no-op), and stores each completed job's return value once. Workers
 * ({@link serveSweepJobs}, `antitrain worker --redis URL`) run on any number of machines; a worker that dies
 * mid-job stops renewing its lock, BullMQ's stalled-job check (run by the surviving workers) puts the job back in
 * the queue, and another worker runs it. A job completes at most once: a worker that lost its lock cannot complete.
 */
import type { Job, Worker } from "bullmq";

/** BullMQ, loaded on first use, so importing antitrain (or its runs) does not load BullMQ's 200 modules. */
function bullmq(): typeof import("bullmq") {
  return require("bullmq") as typeof import("bullmq");
}
import { parseRunConfig } from "./config";
import { AntitrainError } from "../base/errors";
import { SWEEP_QUEUE, reachable, redisConnection } from "../base/redis";
import { SEED_JOB, runSeedJob, workerName } from "./seed-jobs";
import { type JobResult, type SweepJob, jobId, readResults, runJob, storeResult, writeSweepSummary } from "./sweep";

export { SWEEP_QUEUE, reachable, redisConnection };

/** Options for {@link runSweepRedis}. */
export interface RedisSweepOptions {
  /** redis://host:port[/db] */
  redis: string;
  /** BullMQ queue name. Default "antitrain-sweep". */
  queue?: string;
  /** Tries per job (a stalled job counts as a try when it is failed, not when it is retried). Default 3. */
  attempts?: number;
  /** How long to wait for Redis to answer before giving up. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** How often to look for completed jobs. Default 500 ms. */
  pollMs?: number;
  log?: (line: string) => void;
}

/**
 * Submits the jobs not yet stored under `root` to Redis, waits until every one has completed on some worker,
 * stores each result once and writes `root/sweep.json`. Start workers with `antitrain worker --redis URL`.
 *
 * @example
 * const results = await at.runSweepRedis(at.expandSweep(spec), "sweeps/widths", { redis: "redis://127.0.0.1:6379" });
 */
export async function runSweepRedis(jobs: readonly SweepJob[], root: string, options: RedisSweepOptions): Promise<JobResult[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const queue = new (bullmq().Queue)(options.queue ?? SWEEP_QUEUE, { connection: redisConnection(options.redis) });
  queue.on("error", () => {}); // connection errors surface through reachable() and failed commands
  try {
    await reachable(queue, options.redis, options.connectTimeoutMs);
    let pending = readResults(root, jobs).missing;
    const byId = new Map(jobs.map((j) => [j.id, j]));
    log(`antitrain sweep: ${jobs.length} jobs, ${jobs.length - pending.length} already done; queue "${queue.name}" on ${options.redis}`);
    await queue.addBulk(
      pending.map((id) => {
        const j = byId.get(id) as SweepJob;
        return { name: "run", data: { id: j.id, params: j.params, config: j.config }, opts: { jobId: j.id, attempts: options.attempts ?? 3, removeOnComplete: false, removeOnFail: false } };
      }),
    );
    while (pending.length > 0) {
      const still: string[] = [];
      for (const id of pending) {
        const job = await bullmq().Job.fromId(queue, id);
        if (job === undefined) throw new AntitrainError(`sweep job ${id} vanished from Redis (was the queue obliterated?): run the sweep again`);
        const state = await job.getState();
        if (state === "completed") {
          if (storeResult(root, job.returnvalue as JobResult)) log(`antitrain sweep: ${id} done`);
        } else if (state === "failed") {
          throw new AntitrainError(`sweep job ${id} failed after ${job.attemptsMade} tries: ${job.failedReason}`);
        } else {
          still.push(id);
        }
      }
      pending = still;
      if (pending.length > 0) await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    }
  } finally {
    await queue.close();
  }
  const results = writeSweepSummary(root, jobs);
  log(`antitrain sweep: all ${jobs.length} results in ${root}/sweep.json`);
  return results;
}

/** Options for {@link serveSweepJobs}. */
export interface SweepWorkerOptions {
  redis: string;
  queue?: string;
  /** Where this worker keeps its runs' folders (checkpoints). */
  root: string;
  /** How long a job's lock lasts without renewal (a dead worker's job is retried after about this). Default 30000 ms. */
  lockMs?: number;
  /** How often workers look for stalled jobs. Default 30000 ms. */
  stalledMs?: number;
  /** Times a job may stall (its worker died) before it is failed. Default 2. */
  maxStalled?: number;
  log?: (line: string) => void;
}

/**
 * Serves sweep jobs from Redis, one at a time, until `close()` is called on the returned worker: sweep runs (each
 * job's config is validated again and must hash to its id) and study seeds (`runStudy` with a queue;
 * see {@link runSeedJob}: a seed made on another commit is refused).
 *
 * @example
 * const worker = at.serveSweepJobs({ redis: "redis://127.0.0.1:6379", root: "sweep-runs" });
 * process.on("SIGTERM", () => worker.close());
 */
export function serveSweepJobs(options: SweepWorkerOptions): Worker {
  const log = options.log ?? ((line: string) => console.log(line));
  const worker = new (bullmq().Worker)(
    options.queue ?? SWEEP_QUEUE,
    async (job: Job) => {
      if (job.name === SEED_JOB) {
        const what = `${String(job.data?.job?.study)} ${job.data?.job?.kind === "tune" ? "tuning " : ""}seed ${String(job.data?.job?.seed)}`;
        log(`antitrain worker ${process.pid}: job ${job.id} started (${what}, try ${job.attemptsMade + 1})`);
        const result = await runSeedJob(job);
        log(`antitrain worker ${process.pid}: job ${job.id} done (${what}, ${result.record.provenance.wallSeconds.toFixed(1)} s)`);
        return result;
      }
      const data = job.data as { id?: unknown; params?: unknown; config?: unknown };
      const config = parseRunConfig(data.config);
      if (data.id !== job.id || jobId(config) !== job.id) throw new AntitrainError(`job ${job.id}: its config (with its model file, for a saved model) does not hash to its id; refusing it`);
      const params = data.params !== null && typeof data.params === "object" ? (data.params as Record<string, unknown>) : {};
      log(`antitrain worker ${process.pid}: job ${job.id} started (try ${job.attemptsMade + 1})`);
      const result = await runJob({ id: job.id, params, config }, options.root);
      log(`antitrain worker ${process.pid}: job ${job.id} done`);
      return result;
    },
    {
      connection: redisConnection(options.redis),
      concurrency: 1,
      lockDuration: options.lockMs ?? 30_000,
      stalledInterval: options.stalledMs ?? 30_000,
      maxStalledCount: options.maxStalled ?? 2,
      name: workerName(),
    },
  );
  worker.on("failed", (job, err) => log(`antitrain worker ${process.pid}: job ${job?.id} failed: ${err.message}`));
  worker.on("error", (err) => log(`antitrain worker ${process.pid}: ${err.message}`));
  return worker;
}
