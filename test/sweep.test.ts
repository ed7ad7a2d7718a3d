import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { AntitrainError } from "../lib/base/errors";
import { type JobResult, expandSweep, storeResult } from "../lib/runs/sweep";
import { runSweepLocal } from "../lib/runs/sweep-local";
import { redisConnection, runSweepRedis } from "../lib/runs/sweep-redis";
import { startRedis as startRedisIn, stop } from "./redis-server";
import { tempDirs } from "./temp";

const ROOT = path.resolve(__dirname, "..");
const SPEC = {
  base: {
    task: { kind: "teacher-student", inputs: 8, teacherHidden: 4, classes: 4, train: 256, test: 128, seed: 0 },
    schedule: { kind: "interleaved", antiSteps: 1, cycle: 20 },
    fraction: 0.5,
    batchSize: 32,
    pretrainSteps: 20,
    steps: 100,
    checkpointEvery: 10,
  },
  grid: { seed: [0, 1], "model.hidden": [[16], [12]], method: ["resample", "gaussian"] },
};
const temp = tempDirs();
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  temp.remove(); // once no worker or redis-server can still write into the folders
});

function scratch(): string {
  return temp.make("antitrain-sweep-");
}

/** Drops the fields a worker fills in differently (none today: results are deterministic). */
function byId(results: JobResult[]): Map<string, JobResult> {
  return new Map(results.map((r) => [r.id, r]));
}

test("a grid expands to every combination with stable, distinct ids; bad sweeps name the problem", () => {
  const jobs = expandSweep(SPEC);
  assert.equal(jobs.length, 8);
  assert.equal(new Set(jobs.map((j) => j.id)).size, 8);
  assert.deepEqual(
    expandSweep(structuredClone(SPEC)).map((j) => j.id),
    jobs.map((j) => j.id),
  );
  assert.deepEqual(jobs[3].params, { seed: 0, "model.hidden": [12], method: "gaussian" });
  assert.deepEqual(jobs[3].config.model, { hidden: [12], activation: "relu" });
  assert.throws(() => expandSweep({ ...SPEC, extra: 1 }), /sweep key "extra" is unknown/);
  assert.throws(() => expandSweep({ base: {}, grid: { seed: [] } }), /sweep key "grid\.seed" must be a non-empty list/);
  assert.throws(() => expandSweep({ base: { steps: 5 }, grid: { "__proto__.x": [1] } }), /is not a config key path/);
  assert.throws(
    () => expandSweep({ base: { steps: 5 }, grid: { fraction: [0.5, 2] } }),
    (e: Error) => e instanceof AntitrainError && /^sweep job fraction=2: config key "fraction": got 2/.test(e.message),
  );
  assert.throws(() => expandSweep({ base: { steps: 5 }, grid: { seed: [1, 1] } }), /repeats another job's config/);
});

test("a result is stored once: a second store of the same job id is refused", () => {
  const root = scratch();
  const result = { id: "run-abc", params: {}, steps: 1, final: { accuracy: 1, loss: 0 }, cores: [], lateLoss: 0 };
  assert.equal(storeResult(root, result), true);
  assert.equal(storeResult(root, { ...result, steps: 2 }), false);
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, "results", "run-abc.json"), "utf8")).steps, 1);
  assert.deepEqual(fs.readdirSync(path.join(root, "results")), ["run-abc.json"]);
});

test("an unreachable or malformed Redis address is a one-line error, not a hang or a crash", async () => {
  const jobs = expandSweep(SPEC).slice(0, 1);
  await assert.rejects(
    runSweepRedis(jobs, scratch(), { redis: "redis://127.0.0.1:1", connectTimeoutMs: 1500, log: () => {} }),
    /cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\) within 1\.5 s: start redis-server there or fix --redis/,
  );
  assert.throws(() => redisConnection("localhost:6379"), /must start with redis:\/\//);
  assert.throws(() => redisConnection("not a url"), /is not a URL: use redis:\/\/host:port/);
  assert.deepEqual(redisConnection("redis://:s%40cret@10.0.0.5:7000/2"), { host: "10.0.0.5", port: 7000, db: 2, password: "s@cret", maxRetriesPerRequest: null });
});

let localResults: JobResult[] | undefined;

test("local pool: a worker process killed mid-job loses no result and counts none twice", async () => {
  const jobs = expandSweep(SPEC).slice(0, 4);
  const root = scratch();
  let killed: string | undefined;
  const lines: string[] = [];
  const results = await runSweepLocal(jobs, root, {
    workers: 2,
    log: (l) => lines.push(l),
    onStart: (id, worker) => {
      if (killed === undefined) {
        killed = id;
        setTimeout(() => worker.kill("SIGKILL"), 400);
      }
    },
  });
  assert.ok(killed);
  assert.ok(lines.some((l) => l.includes(`a worker died (SIGKILL) during ${killed}; retrying it`)), lines.join("\n"));
  assert.deepEqual(
    results.map((r) => r.id),
    jobs.map((j) => j.id),
  );
  assert.deepEqual(fs.readdirSync(path.join(root, "results")).sort(), jobs.map((j) => `${j.id}.json`).sort());
  for (const r of results) assert.ok(r.final.accuracy > 0.25 && r.steps === 120, JSON.stringify(r));
  localResults = results;
  // Running the sweep again finds everything done and runs nothing.
  const again: string[] = [];
  await runSweepLocal(jobs, root, { workers: 2, log: (l) => again.push(l) });
  assert.match(again[0], /4 jobs, 4 already done/);
});

/** A redis-server on a free loopback port in a temporary folder, stopped when the tests end. */
async function startRedis(): Promise<string> {
  const redis = await startRedisIn(scratch());
  cleanups.push(redis.stop);
  return redis.url;
}

interface Worker {
  readonly child: ChildProcess;
  text: string;
  waitFor(re: RegExp): Promise<RegExpExecArray>;
}

function startWorker(redis: string, root: string): Worker {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "lib", "runs", "cli.ts"), "worker", "--redis", redis, "--out", root, "--lock-ms", "2000", "--stalled-ms", "1000"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  cleanups.push(() => stop(child, "SIGKILL"));
  const w: Worker = {
    child,
    text: "",
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(w.text);
          if (m) {
            child.stdout?.off("data", check);
            resolve(m);
          }
        };
        child.stdout?.on("data", check);
        child.on("exit", () => reject(new Error(`worker exited before ${re}:\n${w.text}`)));
        check();
      }),
  };
  const add = (d: Buffer) => {
    w.text += d.toString();
  };
  child.stdout?.prependListener("data", add);
  child.stderr?.on("data", add);
  return w;
}

test("BullMQ on a real Redis: two workers, one SIGKILLed mid-job, every result present exactly once", async () => {
  const redis = await startRedis();
  const jobs = expandSweep(SPEC).slice(0, 4);
  const root = scratch(); // the coordinator's results
  const runs = scratch(); // the workers' run folders (shared, as on one machine)
  const a = startWorker(redis, runs);
  const b = startWorker(redis, runs);
  await Promise.all([a.waitFor(/serving queue/), b.waitFor(/serving queue/)]);
  const lines: string[] = [];
  const sweep = runSweepRedis(jobs, root, { redis, pollMs: 200, log: (l) => lines.push(l) });
  const started = await a.waitFor(/job (run-[0-9a-f]+) started/);
  const victim = started[1];
  await new Promise((r) => setTimeout(r, 300));
  a.child.kill("SIGKILL");
  const results = await sweep;
  assert.deepEqual(
    results.map((r) => r.id),
    jobs.map((j) => j.id),
  );
  assert.deepEqual(fs.readdirSync(path.join(root, "results")).sort(), jobs.map((j) => `${j.id}.json`).sort());
  assert.equal(lines.filter((l) => l.includes(`${victim} done`)).length, 1);
  assert.ok(!a.text.includes(`job ${victim} done`), "the killed worker never finished its job");
  assert.match(b.text, new RegExp(`job ${victim} started`), `the surviving worker took over ${victim}:\n${b.text}`);
  // Deterministic runs: the same numbers as the local pool (same backend and seeds), even for the retried job.
  if (localResults !== undefined) {
    const local = byId(localResults);
    for (const r of results) assert.deepEqual(r, local.get(r.id));
  }
  // Submitting the same sweep again adds nothing and stores nothing twice.
  const again: string[] = [];
  await runSweepRedis(jobs, root, { redis, log: (l) => again.push(l) });
  assert.match(again[0], /4 jobs, 4 already done/);
  b.child.kill("SIGTERM");
});
