/**
 * A seed worker process: started by `runStudy` (with `workers` > 1, through `fork`) or by a queue worker for one
 * job. It receives seed jobs as IPC messages `{ job }`, computes each with the registered study
 * (lib/studies/registry.ts) and answers `{ record }` or `{ error }`; it never runs notebook code.
 */
import { ready } from "../base/backend";
import { AntitrainError } from "../base/errors";
import { type SeedJob, computeSeed } from "./compute-seed";
import { studyByName } from "./registry";

/** The messages a seed worker answers. */
export type WorkerReply = { readonly record: unknown } | { readonly error: string };

async function serve(): Promise<void> {
  await ready({ quiet: true });
  const send = (m: WorkerReply) => process.send?.(m);
  process.on("message", (m: { job?: SeedJob; stop?: boolean }) => {
    if (m.stop === true) process.exit(0);
    const job = m.job as SeedJob;
    try {
      send({ record: computeSeed(studyByName(job.study), job) });
    } catch (e) {
      send({ error: e instanceof AntitrainError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  process.send?.({ ready: true });
}

if (require.main === module) {
  if (process.send === undefined) {
    console.error("seed-worker.js is started by runStudy (workers > 1) or antitrain worker, not by hand");
    process.exit(2);
  }
  // Ctrl-C in the terminal reaches the whole group: the parent decides when a worker stops.
  process.on("SIGINT", () => {});
  process.on("disconnect", () => process.exit(0));
  serve().catch((e: unknown) => {
    process.send?.({ error: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  });
}
