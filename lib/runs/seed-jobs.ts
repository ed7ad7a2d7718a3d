/**
 * The worker side of a study's seeds on the sweep queue (the submitting side is lib/studies/seed-queue.ts):
 * `antitrain worker --redis URL` takes a "study-seed" job and computes it with the registered study in its
 * seed-worker child process (lib/studies/seed-worker.ts; one per worker, kept across jobs), which a killed worker
 * takes down with it. No notebook code
 * runs; a job made on another commit, with other uncommitted changes or other numerics is refused.
 */
import { type ChildProcess, fork } from "node:child_process";
import * as os from "node:os";
import type { Job } from "bullmq";
import { numericsTag, ready } from "../base/backend";
import { codeVersion, describeVersion } from "../base/commit";
import { AntitrainError } from "../base/errors";
import { PACKAGE_ROOT } from "../base/io";
import { codeHash } from "../studies/code-hash";
import type { SeedJob } from "../studies/compute-seed";
import { seedWorkerFile } from "../studies/run-study";
import { SEED_JOB, type SeedJobData, type SeedJobResult, seedJobId } from "../studies/seed-queue";
import type { SeedRecord } from "../studies/seed-records";

export { SEED_JOB };

function bullmq(): typeof import("bullmq") {
  return require("bullmq") as typeof import("bullmq");
}

/** Validates a seed job's data as a worker receives it. */
function parseSeedJob(raw: unknown): SeedJobData {
  const d = (raw ?? {}) as Record<string, unknown>;
  const v = (d.version ?? {}) as Record<string, unknown>;
  const j = (d.job ?? {}) as Record<string, unknown>;
  const ok =
    typeof j.study === "string" &&
    (j.kind === "tune" || j.kind === "run") &&
    Number.isInteger(j.seed) &&
    typeof j.settingsHash === "string" &&
    typeof j.codeHash === "string" &&
    typeof j.numerics === "string" &&
    j.settings !== null &&
    typeof j.settings === "object" &&
    typeof v.commit === "string" &&
    (v.changes === null || typeof v.changes === "string");
  if (!ok) throw new AntitrainError("malformed study-seed job: it was not made by runStudy of this version");
  return d as unknown as SeedJobData;
}

/**
 * Computes one study seed job on this machine: refuses it (an UnrecoverableError, so no other try is made with the
 * same mismatch) when this checkout's commit, uncommitted changes, code hash or numerics differ from the job's,
 * else computes it in the worker's seed-worker child process and returns its record.
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
  if (codeHash() !== data.job.codeHash) throw refuse(`the job's code hash ${data.job.codeHash} is not this checkout's (${codeHash()}): run npm run build here`);
  await ready({ quiet: true });
  if (numericsTag() !== data.job.numerics) {
    throw refuse(`the job was computed with numerics ${data.job.numerics}, this worker's are ${numericsTag()}: set ANTITRAIN_BACKEND / ANTITRAIN_WASM_MATMUL as on the coordinating machine`);
  }
  return { id: job.id as string, record: await computeInChild(data.job) };
}

/** The seed-worker child this worker computes its jobs in (started at the first job, kept for the next). */
let seedWorker: { child: ChildProcess; ready: Promise<void> } | undefined;

/** This worker's seed-worker child, started when there is none (or the last one stopped). */
function seedWorkerChild(): { child: ChildProcess; ready: Promise<void> } {
  if (seedWorker !== undefined && seedWorker.child.exitCode === null && seedWorker.child.signalCode === null && seedWorker.child.connected) return seedWorker;
  const child = fork(seedWorkerFile(), [], { cwd: PACKAGE_ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = new Promise<void>((resolve, reject) => {
    child.once("message", (m: { ready?: boolean; error?: string }) => (m.ready === true ? resolve() : reject(new AntitrainError(m.error ?? "the seed worker did not start"))));
    child.once("exit", (code, signal) => reject(new AntitrainError(`the seed worker stopped (${signal ?? `exit ${code}`}) before it was ready`)));
  });
  ready.catch(() => {});
  // The worker's own connection keeps it alive; the idle child must not keep a closing worker from exiting.
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  child.on("exit", () => {
    if (seedWorker?.child === child) seedWorker = undefined;
  });
  seedWorker = { child, ready };
  return seedWorker;
}

/**
 * Computes one seed job in this worker's seed-worker child process, which stays for the next job (so its start-up
 * and the study's data are paid once per worker, not per job) and which a killed worker takes down with it.
 */
async function computeInChild(job: SeedJob): Promise<SeedRecord> {
  const { child, ready } = seedWorkerChild();
  await ready;
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new AntitrainError(`the seed worker for ${job.study} seed ${job.seed} stopped (${signal ?? `exit ${code}`}) before answering`));
    child.once("exit", onExit);
    child.once("message", (m: { record?: SeedRecord; error?: string }) => {
      child.off("exit", onExit);
      if (m.error !== undefined) reject(new AntitrainError(m.error));
      else resolve(m.record as SeedRecord);
    });
    child.send({ job });
  });
}

/** This worker process as "host:pid". */
export function workerName(): string {
  return `${os.hostname()}:${process.pid}`;
}
