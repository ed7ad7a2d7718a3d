/**
 * A local sweep worker process (forked by {@link runSweepLocal}): receives `{ job, root }` messages, runs each job
 * and replies `{ id, result }` or `{ id, error }`.
 */
import { ready } from "../base/backend";
import { type SweepJob, runJob } from "./sweep";

interface Request {
  readonly job: SweepJob;
  readonly root: string;
}

process.on("message", (message: Request) => {
  void (async () => {
    try {
      await ready({ quiet: true });
      process.send?.({ id: message.job.id, started: true });
      const result = await runJob(message.job, message.root);
      process.send?.({ id: message.job.id, result });
    } catch (e) {
      process.send?.({ id: message.job.id, error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
process.on("disconnect", () => process.exit(0));
