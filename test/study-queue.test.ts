import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { Queue } from "bullmq";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { type TinySettings, tinyStudy } from "./fixtures/tiny-study";
import { startRedis, stop } from "./redis-server";
import { type Proc, startWorker } from "./study-queue-helpers";
import { tempDirs } from "./temp";

// A study's seeds as (study, seed) jobs on BullMQ with a real Redis and two `antitrain worker` processes, one killed
// mid-job with its seed-worker child: the results equal a local run's bit for bit, every record says which worker
// computed it, nothing is lost or computed twice, and no notebook code runs anywhere.
const temp = tempDirs();
const cleanups: (() => Promise<void>)[] = [];
const savedCache = process.env.ANTITRAIN_SEED_CACHE;
before(async () => {
  await at.ready({ quiet: true });
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
  if (savedCache === undefined) delete process.env.ANTITRAIN_SEED_CACHE;
  else process.env.ANTITRAIN_SEED_CACHE = savedCache;
  temp.remove();
});

test("seeds on two queue workers, one killed mid-job, equal the local run's bit for bit; nothing lost or computed twice", { timeout: 240_000 }, async () => {
  const redis = await startRedis(temp.make("study-queue-redis-"));
  cleanups.push(redis.stop);
  const workers: Proc[] = [];
  for (let i = 0; i < 2; i++) {
    const w = startWorker(redis.url, temp.make("study-queue-runs-"));
    cleanups.push(() => stop(w.child, "SIGKILL", true));
    workers.push(w);
  }
  const [a, b] = workers;
  // Each study seed waits 1.5 s first: time to kill a worker mid-job.
  const settings: TinySettings = { ...tinyStudy.settings("tiny"), sleepMs: 1500 };
  const options = { seeds: [0, 1, 2, 3], tuneSeeds: [100, 101], onProgress: () => {} };
  const local = await st.runStudy(tinyStudy, settings, options);
  await Promise.all(workers.map((w) => w.waitFor(/serving queue/)));

  process.env.ANTITRAIN_SEED_CACHE = temp.make("study-queue-cache-");
  const lines: string[] = [];
  const queued = st.runStudy(tinyStudy, settings, { ...options, cache: true, queue: redis.url, onProgress: (l) => lines.push(l) });
  const started = await a.waitFor(/job (seed-[0-9a-f]+) started \(tiny-test seed (\d+)/);
  const [, victimJob, victimSeed] = started;
  await new Promise((r) => setTimeout(r, 400));
  await stop(a.child, "SIGKILL", true);
  const run = await queued;

  assert.equal(JSON.stringify(run.results), JSON.stringify(local.results), "bit for bit");
  assert.equal(JSON.stringify(run.tuning), JSON.stringify(local.tuning));
  assert.equal(run.provenance.computed, 6, "2 tuning + 4 study seeds");
  assert.match(run.provenance.how, /^queue redis:\/\//);
  for (const s of run.provenance.seeds) assert.match(s.computedBy, /^.+:\d+$/, "each record names the process that computed it");
  assert.ok(run.provenance.seeds.every((s) => !s.computedBy.endsWith(`:${process.pid}`)), "nothing computed here");
  assert.ok(!a.text.includes(`job ${victimJob} done`), "the killed worker never finished its job");
  assert.match(b.text, new RegExp(`job ${victimJob} started \\(tiny-test seed ${victimSeed}`), `worker b took over:\n${b.text}`);
  assert.ok(lines.some((l) => /^tiny-test: 4\/4 seeds done .* · .+:\d+ \d \(\d+ s\/seed\)/.test(l)), `progress names each worker's throughput:\n${lines.join("\n")}`);
  const counts = await jobCounts(redis.url);
  assert.equal(counts.completed, 6, "one completed job per seed");
  assert.equal(counts.failed, 0);

  // A lost cache record is collected from Redis again, computed by no one.
  const startsBefore = b.text.match(/ started /g)?.length;
  fs.rmSync(path.join(process.env.ANTITRAIN_SEED_CACHE, "tiny-test", `run-${victimSeed}.json`));
  const again = await st.runStudy(tinyStudy, settings, { ...options, cache: true, queue: redis.url });
  assert.equal(JSON.stringify(again.results), JSON.stringify(local.results));
  assert.equal(again.provenance.computed, 1);
  assert.equal(again.provenance.cached, 5);
  assert.equal(b.text.match(/ started /g)?.length, startsBefore, "no worker computed anything again");
  assert.deepEqual(await jobCounts(redis.url), counts);
});

test("a job from another checkout is refused with the fix; a queue that is no Redis URL is refused at once", async () => {
  await assert.rejects(st.runStudy(tinyStudy, tinyStudy.settings("tiny"), { seeds: [0], queue: "localhost:6379" }), /SEED_QUEUE=localhost:6379 must be a Redis URL/);
  const { runSeedJob } = await import("../lib/runs/seed-jobs");
  const { seedJobId } = await import("../lib/studies/seed-queue");
  const settings = tinyStudy.settings("tiny");
  const job = { study: "tiny-test", kind: "run" as const, seed: 0, settings, chosen: { steps: 20 }, settingsHash: st.jsonHash(settings), chosenHash: "x", codeHash: st.codeHash(), numerics: at.numericsTag() };
  const data = { job, version: { commit: "0".repeat(40), changes: null } };
  await assert.rejects(runSeedJob({ id: seedJobId(data), data } as never), /the job was made for commit 0000000, this checkout .* is at /);
  await assert.rejects(runSeedJob({ id: "seed-wrong", data } as never), /does not hash to its id/);
});

async function jobCounts(url: string): Promise<Record<string, number>> {
  const u = new URL(url);
  const queue = new Queue("antitrain-sweep", { connection: { host: u.hostname, port: Number(u.port) } });
  try {
    return await queue.getJobCounts("completed", "failed", "waiting", "active");
  } finally {
    await queue.close();
  }
}
