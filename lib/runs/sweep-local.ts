/**
 * Runs a sweep on a pool of local worker processes (no Redis needed). Each process runs one job at a time; a job
 * whose process dies is given to another process (and a fresh process takes the dead one's place), up to
 * `attempts` tries per job. Results are stored once ({@link storeResult}); jobs already stored are skipped.
 */
import { type ChildProcess, fork } from "node:child_process";
import * as path from "node:path";
import { AntitrainError } from "../base/errors";
import { childThreadsEnv } from "../base/wasm-threads";
import { type JobResult, type SweepJob, readResults, storeResult, writeSweepSummary } from "./sweep";

/** Options for {@link runSweepLocal}. */
export interface LocalSweepOptions {
  /** Worker processes. Default 2. */
  workers?: number;
  /** Tries per job before the sweep fails. Default 3. */
  attempts?: number;
  log?: (line: string) => void;
  /** Called when a worker process starts a job (tests use it to kill one mid-job). */
  onStart?: (id: string, worker: ChildProcess) => void;
}

/**
 * Runs every job not yet stored under `root`, `workers` at a time, and writes `root/sweep.json`.
 *
 * @example
 * const results = await at.runSweepLocal(at.expandSweep(spec), "sweeps/widths", { workers: 2 });
 */
export async function runSweepLocal(jobs: readonly SweepJob[], root: string, options: LocalSweepOptions = {}): Promise<JobResult[]> {
  const workers = options.workers ?? 2;
  const attempts = options.attempts ?? 3;
  const log = options.log ?? ((line: string) => console.log(line));
  if (!(Number.isInteger(workers) && workers >= 1)) throw new AntitrainError(`workers must be a positive whole number, got ${workers}`);
  const queue = [...readResults(root, jobs).missing].map((id) => jobs.find((j) => j.id === id) as SweepJob);
  const tries = new Map<string, number>();
  log(`antitrain sweep: ${jobs.length} jobs, ${jobs.length - queue.length} already done, ${Math.min(workers, queue.length)} local worker processes`);
  if (queue.length > 0) {
    // the workers share the cores: each computes on cores / workers wasm threads, unless ANTITRAIN_THREADS says
    const env = childThreadsEnv(Math.min(workers, queue.length));
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed: Error | null = null;
      const children = new Set<ChildProcess>();
      const finish = () => {
        if (running > 0 || (queue.length > 0 && failed === null)) return;
        for (const c of children) c.disconnect();
        if (failed) reject(failed);
        else resolve();
      };
      const spawnWorker = () => {
        const child = fork(path.join(__dirname, `sweep-child${path.extname(__filename)}`), [], { execArgv: process.execArgv, env, stdio: ["ignore", "inherit", "inherit", "ipc"] });
        children.add(child);
        let current: SweepJob | undefined;
        const next = () => {
          current = failed === null ? queue.shift() : undefined;
          if (current === undefined) {
            children.delete(child);
            child.disconnect();
            finish();
            return;
          }
          running++;
          tries.set(current.id, (tries.get(current.id) ?? 0) + 1);
          child.send({ job: current, root });
        };
        child.on("message", (m: { id: string; started?: boolean; result?: JobResult; error?: string }) => {
          if (current === undefined || m.id !== current.id) return;
          if (m.started) {
            options.onStart?.(m.id, child);
            return;
          }
          running--;
          if (m.result) {
            if (storeResult(root, m.result)) log(`antitrain sweep: ${m.id} done (test accuracy ${m.result.final.accuracy.toFixed(4)})`);
          } else {
            failed = new AntitrainError(`sweep job ${m.id} failed: ${m.error}`);
          }
          next();
        });
        child.on("exit", (code, signal) => {
          if (!children.has(child)) return;
          children.delete(child);
          if (current !== undefined) {
            running--;
            const job = current;
            current = undefined;
            if ((tries.get(job.id) ?? 0) >= attempts) {
              failed = new AntitrainError(`sweep job ${job.id} was lost ${attempts} times (its worker died: ${signal ?? `exit ${code}`})`);
            } else {
              log(`antitrain sweep: a worker died (${signal ?? `exit ${code}`}) during ${job.id}; retrying it on another worker`);
              queue.unshift(job);
              spawnWorker();
            }
          }
          finish();
        });
        next();
      };
      for (let i = 0; i < Math.min(workers, queue.length); i++) spawnWorker();
    });
  }
  const results = writeSweepSummary(root, jobs);
  log(`antitrain sweep: all ${jobs.length} results in ${path.join(root, "sweep.json")}`);
  return results;
}
