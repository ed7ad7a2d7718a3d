/** Redis for sweeps and seed jobs: the queue name, connection options from a URL, and a one-line error when Redis is not there. */
import type { Queue, Worker } from "bullmq";
import { AntitrainError } from "./errors";

/** The default BullMQ queue name of sweeps. */
export const SWEEP_QUEUE = "antitrain-sweep";

/** Connection options for a `redis://[:password@]host:port[/db]` URL. */
export function redisConnection(url: string): { host: string; port: number; db: number; password?: string; maxRetriesPerRequest: null } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AntitrainError(`--redis ${JSON.stringify(url)} is not a URL: use redis://host:port, e.g. redis://127.0.0.1:6379`);
  }
  if (u.protocol !== "redis:") throw new AntitrainError(`--redis ${JSON.stringify(url)} must start with redis://`);
  const port = u.port === "" ? 6379 : Number(u.port);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new AntitrainError(`--redis ${JSON.stringify(url)}: the database must be a number, e.g. redis://host:6379/0`);
  return { host: u.hostname || "127.0.0.1", port, db, ...(u.password ? { password: decodeURIComponent(u.password) } : {}), maxRetriesPerRequest: null };
}

/**
 * Waits until a queue or worker is connected, or throws a one-line AntitrainError saying Redis cannot be reached
 * (BullMQ would otherwise retry forever, and an unhandled "error" event would crash with a stack trace).
 */
export async function reachable(client: Queue | Worker, url: string, timeoutMs = 10_000, setting = "--redis"): Promise<void> {
  let last = "no answer";
  const onError = (e: Error) => {
    last = (e as NodeJS.ErrnoException).code ?? e.message;
  };
  // Queue and Worker both emit "error"; their typed listener maps differ, so address them as plain emitters.
  const events = client as unknown as { on(event: "error", listener: (e: Error) => void): void; off(event: "error", listener: (e: Error) => void): void };
  events.on("error", onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AntitrainError(`cannot reach Redis at ${url} (${last}) within ${timeoutMs / 1000} s: start redis-server there or fix ${setting}`)),
        timeoutMs,
      );
    });
    await Promise.race([client.waitUntilReady(), timeout]);
  } finally {
    clearTimeout(timer);
    events.off("error", onError);
  }
}

