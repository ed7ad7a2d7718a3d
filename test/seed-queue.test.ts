import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { Queue } from "bullmq";
import { startRedis, stop } from "./redis-server";
import { type Proc, cacheRecords, requireFreshBuild, resultsLine, runNotebook, startWorker } from "./seed-queue-helpers";
import { tempDirs } from "./temp";

// A notebook's seeds through BullMQ on a real Redis with two `antitrain worker` processes (from dist/, as a user
// runs them), one of them killed mid-job with its notebook child: the results equal a local run's bit for bit.
const temp = tempDirs();
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  temp.remove();
});
before(() => requireFreshBuild());

test("seeds computed on two queue workers, one killed mid-job, equal the local run's bit for bit; nothing is lost or computed twice", async () => {
  const local = temp.make("seed-queue-local-");
  const queued = temp.make("seed-queue-queued-");
  const redis = await startRedis(temp.make("seed-queue-redis-"));
  cleanups.push(redis.stop);
  const workers: Proc[] = [];
  const env = { SEED_QUEUE_TEST_SLEEP_MS: "1000" }; // each study seed waits 1 s first: time to kill a worker mid-job
  for (let i = 0; i < 2; i++) {
    const w = startWorker(redis.url, temp.make("seed-queue-runs-"), env);
    cleanups.push(() => stop(w.child, "SIGKILL", true));
    workers.push(w);
  }
  const [a, b] = workers;
  // The local reference runs while the workers start.
  const reference = runNotebook({ ANTITRAIN_SEED_CACHE: local, SEED_QUEUE: "" });
  assert.equal(await reference.exit, 0, reference.text);
  await Promise.all(workers.map((w) => w.waitFor(/serving queue/)));

  const progress = path.join(temp.make("seed-queue-progress-"), "progress.log");
  const run = runNotebook({ ANTITRAIN_SEED_CACHE: queued, SEED_QUEUE: redis.url, ANTITRAIN_SEED_PROGRESS: progress });
  const started = await a.waitFor(/job (seed-[0-9a-f]+) started \(seed-queue seed (\d+)/);
  const [, victimJob, victimSeed] = started;
  await new Promise((r) => setTimeout(r, 400));
  await stop(a.child, "SIGKILL", true); // the worker and the notebook child it runs, as when a machine dies
  assert.equal(await run.exit, 0, `${run.text}\n--- worker b:\n${b.text}`);

  // Bit for bit: the notebook read the same values, and the cache holds the same records' values.
  assert.equal(resultsLine(run.stdout), resultsLine(reference.stdout));
  const mine = cacheRecords(local);
  const theirs = cacheRecords(queued);
  assert.deepEqual([...theirs.keys()], [...mine.keys()]);
  assert.equal(mine.size, 6, "2 tuning seeds and 4 study seeds");
  for (const [key, record] of mine) {
    const other = theirs.get(key);
    assert.equal(JSON.stringify(other?.value), JSON.stringify(record.value), `${key}: same JSON`);
    assert.equal(other?.settings, record.settings);
    assert.equal(other?.numerics, record.numerics);
    assert.match(other?.computedBy ?? "", /^.+:\d+$/, `${key} says which worker computed it`);
  }
  // The killed worker's job was taken over by the other worker and finished once.
  assert.ok(!a.text.includes(`job ${victimJob} done`), "the killed worker never finished its job");
  assert.match(b.text, new RegExp(`job ${victimJob} started \\(seed-queue seed ${victimSeed}`), `worker b took over:\n${b.text}`);
  const lines = fs.readFileSync(progress, "utf8").split("\n");
  for (const seed of [0, 1, 2, 3]) {
    assert.equal(lines.filter((l) => new RegExp(`^seed-queue: \\d/4 seeds done \\(seed ${seed} by `).test(l)).length, 1, `seed ${seed} arrived once`);
  }
  assert.ok(lines.some((l) => /^seed-queue: 4\/4 seeds done .* · .+:\d+ \d \(\d+ s\/seed\)/.test(l)), "progress names each worker's throughput");
  assert.ok(lines.some((l) => /about \d+ s left/.test(l)), "progress estimates the time left");
  assert.match(run.stdout, /^seeds via queue \(seed-queue\): 4 jobs in \d+ s by [12] workers?: .+ ×\d.* \(commit [0-9a-f]{7}/m);
  assert.match(run.stdout, /^seeds via queue \(seed-queue-tune\): 2 jobs/m);
  const counts = await jobCounts(redis.url);
  assert.equal(counts.completed, 6, "one completed job per seed");
  assert.equal(counts.failed, 0);

  // An interrupted run resumes: a lost cache record is collected from Redis again, computed by no one.
  const startsBefore = b.text.match(/ started /g)?.length;
  fs.rmSync(path.join(queued, "seed-queue", `seed-${victimSeed}.json`));
  const again = runNotebook({ ANTITRAIN_SEED_CACHE: queued, SEED_QUEUE: redis.url });
  assert.equal(await again.exit, 0, again.text);
  assert.equal(resultsLine(again.stdout), resultsLine(reference.stdout));
  assert.match(again.stdout, /^seeds via queue \(seed-queue\): 1 job in /m);
  assert.doesNotMatch(again.stdout, /seeds via queue \(seed-queue-tune\)/, "the cached tuning seeds were not queued");
  assert.equal(b.text.match(/ started /g)?.length, startsBefore, "no worker computed anything again");
  assert.deepEqual(await jobCounts(redis.url), counts);
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
