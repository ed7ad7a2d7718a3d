import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import * as at from "../lib/index";
import * as nbh from "../lib/notebook/index";
import { SEED_QUEUE_MARK } from "../lib/notebook/provenance";
import { notebookOf } from "../lib/notebook/seed-queue";
import { compileNotebook } from "../lib/runs/notebook-code";
import { startRedis, stop } from "./redis-server";
import { ROOT, cacheRecords, requireFreshBuild, runNotebook, startWorker } from "./seed-queue-helpers";
import { tempDirs } from "./temp";

const temp = tempDirs();
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  temp.remove();
});

const renderer = require(path.join(ROOT, "scripts", "render-notebook.js")) as {
  SEED_QUEUE_MARK: string;
  seedQueueFact(nb: unknown): string;
};

/** Sets environment variables for the duration of `fn`, then restores them. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  set(vars);
  try {
    return fn();
  } finally {
    set(old);
  }
}

test("a worker on another commit, or with other numerics, refuses the seed jobs naming both, and the notebook stops with that one line", async () => {
  requireFreshBuild(); // the worker and the fixture notebook run dist/
  const redis = await startRedis(temp.make("seed-checks-redis-"));
  cleanups.push(redis.stop);
  const stale = startWorker(redis.url, temp.make("seed-checks-runs-"), { ANTITRAIN_COMMIT: "0123456789abcdef0123456789abcdef01234567" });
  cleanups.push(() => stop(stale.child, "SIGKILL", true));
  await stale.waitFor(/serving queue/);
  const cache = temp.make("seed-checks-cache-");
  const run = runNotebook({ ANTITRAIN_SEED_CACHE: cache, SEED_QUEUE: redis.url });
  assert.equal(await run.exit, 1, run.text);
  const errors = run.stderr.split("\n").filter((l) => l.startsWith("antitrain:"));
  assert.equal(errors.length, 1, run.stderr);
  assert.match(errors[0], /^antitrain: seed-queue-tune seed 10[01] failed \(job seed-[0-9a-f]+\): refused by worker .+:\d+: the job was made for commit [0-9a-f]{7}.*, this checkout .* is at 0123456: check out the job's commit there/);
  assert.match(stale.text, /failed: refused by worker .*the job was made for commit/);
  assert.doesNotMatch(stale.text, / done \(/, "the stale worker computed nothing");
  assert.equal(cacheRecords(cache).size, 0, "nothing was written to the cache");
  await stop(stale.child, "SIGKILL", true);

  // Other numerics (here tfjs's own wasm matmul kernels instead of antitrain's) are refused the same way.
  await at.ready({ quiet: true });
  if (at.numericsTag() !== "wasm/explicit-transpose") return; // only wasm has a second set of kernels to switch to
  const other = startWorker(`${redis.url}/1`, temp.make("seed-checks-runs-"), { ANTITRAIN_WASM_MATMUL: "tfjs" });
  cleanups.push(() => stop(other.child, "SIGKILL", true));
  await other.waitFor(/serving queue/);
  const again = runNotebook({ ANTITRAIN_SEED_CACHE: cache, SEED_QUEUE: `${redis.url}/1` });
  assert.equal(await again.exit, 1, again.text);
  assert.match(again.stderr, /^antitrain: seed-queue-tune seed 10[01] failed \(job seed-[0-9a-f]+\): refused by worker .+: the job was computed with numerics wasm\/explicit-transpose, this worker's are wasm\/tfjs: set ANTITRAIN_BACKEND \/ ANTITRAIN_WASM_MATMUL as on the notebook's machine$/m);
  assert.equal(cacheRecords(cache).size, 0);
});

test("a missing Redis is one clear AntitrainError line, not a stack of ECONNREFUSED", async () => {
  requireFreshBuild();
  const run = runNotebook({ ANTITRAIN_SEED_CACHE: temp.make("seed-checks-none-"), SEED_QUEUE: "redis://127.0.0.1:1", SEED_QUEUE_TIMEOUT_S: "1.5" });
  assert.equal(await run.exit, 1, run.text);
  const lines = run.stderr.trim().split("\n");
  assert.deepEqual(lines, ["antitrain: cannot reach Redis at redis://127.0.0.1:1 (ECONNREFUSED) within 1.5 s: start redis-server there or fix SEED_QUEUE"]);
});

test("SEED_QUEUE that is no Redis URL, a bad seed-cache name or seed, and a seed cache no notebook computes, are refused with the fix", async () => {
  await at.ready({ quiet: true });
  const dir = temp.make("seed-checks-url-");
  withEnv({ SEED_QUEUE: "localhost:6379", ANTITRAIN_SEED_CACHE: dir }, () => {
    assert.throws(() => nbh.prefetchSeeds("x", {}, [0], true, (s) => s), /SEED_QUEUE=localhost:6379 must be a Redis URL, e.g\. SEED_QUEUE=redis:\/\//);
  });
  withEnv({ SEED_QUEUE: "redis://127.0.0.1:1", ANTITRAIN_SEED_CACHE: dir }, () => {
    let computed = 0;
    nbh.prefetchSeeds("x", {}, [0], false, () => computed++);
    assert.equal(computed, 0, "a quick run (disabled) never uses the queue");
  });
  assert.throws(() => nbh.prefetchSeeds("../x", {}, [0], true, (s) => s), /prefetchSeeds: name must be a plain file name such as "04-compression"/);
  assert.throws(() => nbh.cachedSeed("x", {}, 0.5, true, () => 0), /cachedSeed: seeds must be integers/);
  withEnv({ ANTITRAIN_NOTEBOOK: undefined }, () => {
    assert.equal(notebookOf("04-compression-tuning"), "notebooks/04-compression.ipynb");
    assert.equal(notebookOf("02-equivalence-class"), "notebooks/02-equivalence-class.ipynb");
    assert.throws(() => notebookOf("no-such-study"), /no notebook in notebooks\/ computes "no-such-study": set ANTITRAIN_NOTEBOOK=notebooks\/NAME\.ipynb/);
  });
  withEnv({ ANTITRAIN_NOTEBOOK: "../elsewhere.ipynb" }, () => {
    assert.throws(() => notebookOf("x"), /ANTITRAIN_NOTEBOOK=\.\.\/elsewhere\.ipynb must name an \.ipynb inside/);
  });
});

test("inside a seed job: earlier seeds come from the job, a seed it lacks or other settings are refused (and the refusal is written for the worker)", async () => {
  await at.ready({ quiet: true });
  const dir = temp.make("seed-checks-job-");
  const out = path.join(dir, "out.json");
  const job = {
    name: "nb",
    settings: JSON.stringify({ a: 1 }),
    seed: 3,
    numerics: at.numericsTag(),
    prior: [{ name: "nb-tune", settings: JSON.stringify({ t: 2 }), seed: 100, value: { rate: 0.5 } }],
    out,
  };
  fs.writeFileSync(path.join(dir, "job.json"), JSON.stringify(job));
  withEnv({ ANTITRAIN_SEED_JOB: path.join(dir, "job.json"), ANTITRAIN_SEED_CACHE: path.join(dir, "cache") }, () => {
    const never = () => {
      throw new Error("computed");
    };
    assert.deepEqual(nbh.cachedSeed("nb-tune", { t: 2 }, 100, true, never), { rate: 0.5 });
    nbh.prefetchSeeds("nb-tune", { t: 2 }, [100], true, never); // another stage: nothing computed, nothing thrown
    assert.throws(() => nbh.cachedSeed("nb-tune", { t: 2 }, 101, true, never), /seed job nb seed 3: the notebook asked for nb-tune seed 101, which the job does not carry/);
    assert.equal(nbh.cachedSeed("nb", { a: 1 }, 3, false, () => 7), 7, "disabled (quick) computes as ever");
    assert.equal(fs.existsSync(out), false);
    assert.throws(() => nbh.prefetchSeeds("nb", { a: 2 }, [3], true, never), /"nb" has other settings on this worker than in the job \(job: \{"a":1\}; here: \{"a":2\}\)/);
    assert.match(JSON.parse(fs.readFileSync(out, "utf8")).refused, /other settings on this worker/);
    assert.equal(fs.existsSync(path.join(dir, "cache")), false, "a seed job never touches the seed cache");
  });
  withEnv({ ANTITRAIN_SEED_JOB: path.join(dir, "missing.json") }, () => {
    assert.throws(() => nbh.cachedSeed("nb", {}, 0, true, () => 0), /ANTITRAIN_SEED_JOB=.*missing\.json is not a seed job file/);
  });
});

test("provenance states how a full run's seeds are shared; the renderer sums the queue lines into it", async () => {
  await at.ready({ quiet: true });
  assert.equal(SEED_QUEUE_MARK, renderer.SEED_QUEUE_MARK, "scripts/render-notebook.js replaces exactly this text");
  const line = (env: Record<string, string | undefined>, quick: boolean) =>
    withEnv(env, () => nbh.provenance({ notebook: "04-compression", quick, seeds: [0, 1] }).split("\n")[1]);
  assert.match(line({ SEED_QUEUE: "redis://h:1", ANTITRAIN_SEED_SHARD: undefined }, false), / · seeds via queue: stated in the rendered report · run time: /);
  assert.doesNotMatch(line({ SEED_QUEUE: "redis://h:1", ANTITRAIN_SEED_SHARD: undefined }, true), /seeds via queue/, "quick runs never queue");
  assert.match(line({ SEED_QUEUE: undefined, ANTITRAIN_SEED_SHARD: "1/2" }, false), / · seeds shared by 2 local kernels · run time: /);
  assert.doesNotMatch(line({ SEED_QUEUE: undefined, ANTITRAIN_SEED_SHARD: undefined }, false), /seeds (via|shared)/);

  const stream = (text: string) => ({ output_type: "stream", name: "stdout", text });
  const nb = {
    cells: [
      { cell_type: "code", outputs: [stream("seeds via queue (04-compression-tuning): 2 jobs in 40 s by 2 workers: a:11 ×1, b:7 ×1 (commit 1234567)\n")] },
      { cell_type: "code", outputs: [stream("x\nseeds via queue (04-compression): 10 jobs in 12.5 min by 3 workers: a:11 ×5, b:7 ×3, b:9 ×2 (commit 1234567)\n")] },
    ],
  };
  assert.equal(renderer.seedQueueFact(nb), "seeds via queue: 12 jobs by 3 workers on 2 machines (a 6, b 6)");
  assert.equal(renderer.seedQueueFact({ cells: [] }), "seeds via queue: none computed in this run (every seed was in the seed cache)");
});

test("every notebook compiles as one script for a seed worker (no declaration repeated across cells)", () => {
  const dir = path.join(ROOT, "notebooks");
  const names = fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb"));
  assert.ok(names.length >= 10);
  for (const f of names) assert.doesNotThrow(() => compileNotebook(path.join(dir, f)), f);
});
