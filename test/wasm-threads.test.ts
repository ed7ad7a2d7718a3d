// The threaded wasm build (lib/base/wasm-threads.ts): it starts under Node, its results are bit-identical to the
// single-threaded build for every case whose numbers could depend on the thread count (so numericsTag() leaves the
// thread count out and seed caches stay valid), bad thread counts are refused, and a build that does not start falls
// back to one thread with one line on stderr. The backend is chosen once per process, so each thread count runs in
// its own child process (test/fixtures/threads-child.ts).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import * as at from "../lib/index";
import { childThreadsEnv, defaultThreads, threadsPerChild, wasmThreadsWanted } from "../lib/base/wasm-threads";

const ROOT = path.resolve(__dirname, "..");
const CHILD = path.join(__dirname, "fixtures", "threads-child.ts");

interface ChildResult {
  status: number | null;
  stderr: string;
  out?: { backend: string; threads: number; numerics: string; cases: Record<string, string> };
}

function runChild(env: Record<string, string>, args: string[] = []): ChildResult {
  const run = spawnSync(process.execPath, ["--import", "tsx", CHILD, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ANTITRAIN_BACKEND: "wasm", ANTITRAIN_THREADS_TIMEOUT_S: "", ...env },
  });
  const last = run.stdout.trim().split("\n").pop() ?? "";
  return { status: run.status, stderr: run.stderr, out: last.startsWith("{") ? JSON.parse(last) : undefined };
}

let one: ChildResult;
let two: ChildResult;
before(() => {
  one = runChild({ ANTITRAIN_THREADS: "1" });
  two = runChild({ ANTITRAIN_THREADS: "2" });
});

test("the threaded build starts under Node with 2 threads; ANTITRAIN_THREADS=1 runs the single-threaded build", () => {
  // (on a 1-core machine too: the pool is sized by ANTITRAIN_THREADS, not by the cores)
  assert.equal(two.status, 0, `the 2-thread child failed:\n${two.stderr}`);
  assert.equal(one.status, 0, `the 1-thread child failed:\n${one.stderr}`);
  assert.equal(two.out?.backend, "wasm");
  assert.equal(two.out?.threads, 2, "2 XNNPACK threads run");
  assert.equal(one.out?.threads, 1);
  assert.equal(two.stderr.trim(), "", "no fallback line, no warning");
});

test("1 and 2 threads give bit-identical results: importance on every path, Adam steps, conv gradients, matmul", () => {
  const a = one.out?.cases ?? {};
  const b = two.out?.cases ?? {};
  const expected = [
    ...["auto", "signFlip", "lowRank", "batched", "loop"].map((p) => `importance h1 ${p}`),
    ...["auto", "lowRank", "batched", "loop"].map((p) => `importance h2 ${p}`),
    "adam losses",
    "adam weights",
    "conv forward",
    "conv gradients",
    "matmul",
  ];
  assert.deepEqual(Object.keys(a).sort(), [...expected].sort(), "every case ran on one thread");
  assert.deepEqual(Object.keys(b).sort(), [...expected].sort(), "every case ran on two threads");
  for (const name of expected) {
    const [length, nonzero] = a[name].split(":").map(Number);
    assert.ok(length > 0 && nonzero > length / 2, `${name}: a real result (${a[name]})`);
    assert.equal(b[name], a[name], `${name}: the float32 bits differ between 1 and 2 threads`);
  }
  // so the tag that keys the seed cache does not mention threads
  assert.equal(two.out?.numerics, one.out?.numerics);
});

test("a thread count that is not an integer from 1 to 8 is refused, naming the valid values", async () => {
  const saved = process.env.ANTITRAIN_THREADS;
  try {
    for (const bad of ["two", "0", "1.5", "-2", "9", "2x"]) {
      process.env.ANTITRAIN_THREADS = bad;
      assert.throws(() => wasmThreadsWanted(), (e: Error) => e instanceof at.AntitrainError && /ANTITRAIN_THREADS=.*integer from 1 to 8/.test(e.message), bad);
    }
    process.env.ANTITRAIN_THREADS = " 3 ";
    assert.equal(wasmThreadsWanted(), 3);
    process.env.ANTITRAIN_THREADS = "";
    assert.equal(wasmThreadsWanted(), defaultThreads());
    assert.ok(defaultThreads() >= 1 && defaultThreads() <= 4);
    assert.equal(wasmThreadsWanted(1), 1, "an option wins over the environment");
  } finally {
    if (saved === undefined) delete process.env.ANTITRAIN_THREADS;
    else process.env.ANTITRAIN_THREADS = saved;
  }
  await assert.rejects(at.ready({ threads: 0 }), /ready\(\{ threads \}\)=0 is not a thread count: use an integer from 1 to 8/);
  await assert.rejects(at.ready({ thread: 2 } as at.ReadyOptions), /unknown option "thread" of ready: the options are quiet, threads/);
  const running = await at.ready({ quiet: true }).then(() => at.wasmThreads());
  const other = running === 1 ? 2 : 1;
  // the backend starts once per process: a different count later is refused, the same one is fine
  await assert.rejects(at.ready({ threads: other }), /already chose .* set ANTITRAIN_THREADS/);
  // and the environment variable is refused end to end, before any backend starts
  const child = runChild({ ANTITRAIN_THREADS: "many" }, ["matmul"]);
  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /AntitrainError: ANTITRAIN_THREADS="many" is not a thread count: use an integer from 1 to 8/);
});

test("threadsPerChild and childThreadsEnv share the cores among child processes unless the user chose", () => {
  const cores = os.availableParallelism();
  assert.equal(threadsPerChild(1), Math.min(8, cores));
  assert.equal(threadsPerChild(2), Math.max(1, Math.floor(cores / 2)));
  assert.equal(threadsPerChild(1000), 1);
  assert.equal(childThreadsEnv(1000, { PATH: "/bin" }).ANTITRAIN_THREADS, "1");
  assert.equal(childThreadsEnv(1000, { PATH: "/bin" }).PATH, "/bin");
  assert.equal(childThreadsEnv(1000, { ANTITRAIN_THREADS: "3" }).ANTITRAIN_THREADS, "3", "a user's setting is kept");
  assert.throws(() => threadsPerChild(0), at.AntitrainError);
});

test("a threaded build that does not start in time falls back to one thread with one stderr line", () => {
  const child = runChild({ ANTITRAIN_THREADS: "2", ANTITRAIN_THREADS_TIMEOUT_S: "0.001" }, ["matmul"]);
  assert.equal(child.status, 0, `the child failed:\n${child.stderr}`);
  const lines = child.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${child.stderr}`);
  assert.match(lines[0], /^antitrain: the threaded wasm build did not start \(.*within 0\.001 s.*\); computing on one thread/);
  assert.equal(child.out?.threads, 1);
  assert.equal(child.out?.cases.matmul, one.out?.cases.matmul, "the fallback computes what one thread computes");
});
