/** `antitrain sweep` and `antitrain worker` (see cli.ts). */
import * as path from "node:path";
import { UsageError, parseArgs, readConfigFile } from "./cli-args";
import { expandSweep } from "./sweep";
import { runSweepLocal } from "./sweep-local";
import { reachable, runSweepRedis, serveSweepJobs } from "./sweep-redis";

/** `antitrain sweep SWEEP.json [--out DIR] [--workers N] [--redis URL] [--queue NAME]` */
export async function sweepCommand(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, { out: "value", workers: "value", redis: "value", queue: "value" });
  if (positional.length !== 1) throw new UsageError("sweep takes one SWEEP.json: antitrain sweep SWEEP.json [--out DIR] [--workers N] [--redis URL]");
  const file = positional[0];
  const jobs = expandSweep(readConfigFile(file), { dir: path.dirname(path.resolve(file)) });
  const out = typeof flags.out === "string" ? flags.out : path.join("sweeps", path.basename(file).replace(/\.json$/i, ""));
  const redis = typeof flags.redis === "string" ? flags.redis : process.env.ANTITRAIN_REDIS;
  if (redis !== undefined && redis !== "") {
    await runSweepRedis(jobs, out, { redis, queue: flags.queue as string | undefined });
  } else {
    await runSweepLocal(jobs, out, { workers: positiveInt(flags.workers, "--workers", 2) });
  }
  return 0;
}

/** `antitrain worker --redis URL [--out DIR] [--queue NAME] [--lock-ms N] [--stalled-ms N]`: serves until SIGINT/SIGTERM. */
export async function workerCommand(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, { redis: "value", out: "value", queue: "value", "lock-ms": "value", "stalled-ms": "value" });
  if (positional.length > 0) throw new UsageError(`worker takes no file, got ${positional.join(" ")}`);
  const redis = typeof flags.redis === "string" ? flags.redis : process.env.ANTITRAIN_REDIS;
  if (redis === undefined || redis === "") throw new UsageError("worker needs --redis redis://host:port (or ANTITRAIN_REDIS)");
  const worker = serveSweepJobs({
    redis,
    queue: flags.queue as string | undefined,
    root: typeof flags.out === "string" ? flags.out : "sweep-runs",
    lockMs: positiveInt(flags["lock-ms"], "--lock-ms", 30_000),
    stalledMs: positiveInt(flags["stalled-ms"], "--stalled-ms", 30_000),
  });
  try {
    await reachable(worker, redis);
  } catch (e) {
    await worker.close(true);
    throw e;
  }
  console.log(`antitrain worker ${process.pid}: serving queue "${worker.name}" on ${redis}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`antitrain worker ${process.pid}: ${signal}: finishing the current job, then stopping`);
      void worker.close().then(resolve);
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  return 0;
}

function positiveInt(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) throw new UsageError(`${name} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}
