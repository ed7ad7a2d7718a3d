/**
 * The seed queue's coordinator process (started by `queueSeeds` in seed-queue.ts, whose notebook cell waits for it):
 * submits the jobs of a spec file, writes each returned seed into the seed cache as it arrives (so an interrupted run
 * keeps what finished), prints progress on stderr (and appends it to the spec's progress file), and ends with one
 * JSON line on stdout: `{ "summary": ... }` or `{ "error": "one line" }`.
 */
import * as fs from "node:fs";
import { readJson } from "../base/io";
import { type SeedJobData, submitSeedJobs } from "../runs/seed-jobs";
import { writeSeedRecord } from "./seed-store";

interface Spec {
  readonly redis: string;
  readonly jobs: SeedJobData[];
  readonly progress: string | null;
  readonly connectTimeoutMs: number;
}

async function main(file: string): Promise<void> {
  const spec = readJson<Spec>(file) as Spec;
  const byKey = new Map(spec.jobs.map((j) => [`${j.name}/${j.seed}`, j]));
  const log = (line: string) => {
    process.stderr.write(`${line}\n`);
    if (spec.progress !== null) fs.appendFileSync(spec.progress, `${line}\n`);
  };
  const summary = await submitSeedJobs(spec.jobs, {
    redis: spec.redis,
    connectTimeoutMs: spec.connectTimeoutMs,
    log,
    onResult: (r) => {
      const j = byKey.get(`${r.name}/${r.seed}`) as SeedJobData;
      writeSeedRecord(j.name, j.seed, j.settings, j.numerics, r.value, r.worker);
    },
  });
  process.stdout.write(`${JSON.stringify({ summary })}\n`);
}

main(process.argv[2]).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stdout.write(`${JSON.stringify({ error: e instanceof Error ? e.message.replace(/\s*\n\s*/g, " ") : String(e) })}\n`);
    process.exit(1);
  },
);
