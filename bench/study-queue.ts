// `npm run bench:study-queue`: one registered study's seeds computed three ways on this one machine, side by side in
// one run: in this process, in two local seed-worker processes (SEED_WORKERS=2), and as (study, seed) jobs on a
// local Redis served by one and by two `antitrain worker` processes. Every way must return the same results bit
// for bit; the table gives wall seconds and the ratio to the in-process run. Runs from the build (dist/), as a
// notebook and a worker do. Writes the "study-queue" section of BENCHMARKS.md (QUICK=1: a smoke run, nothing written).
//
//   node --import tsx bench/study-queue.ts [STUDY] [--seeds 0,1,2,3]
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startRedis, stop } from "../test/redis-server";
import { writeSection } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const quick = process.env.QUICK === "1";
const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith("--") && !/^[\d,]+$/.test(a)) ?? "12-concepts";
const seedsArg = args.indexOf("--seeds");
const seeds = seedsArg >= 0 ? args[seedsArg + 1].split(",").map(Number) : quick ? [0, 1] : [0, 1, 2, 3];

// The build, as a user's notebook and workers load it (the code hash is the build's, as the workers' is).
const at = require(path.join(ROOT, "dist", "index.js")) as typeof import("../lib/index");
const st = require(path.join(ROOT, "dist", "studies", "index.js")) as typeof import("../lib/studies/index");

/** An `antitrain worker` on `threads` wasm threads (workers on one machine share its cores, as seed workers do). */
function startWorker(url: string, dir: string, threads: number): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, [path.join(ROOT, "dist", "runs", "cli.js"), "worker", "--redis", url, "--out", dir], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: dir, ANTITRAIN_THREADS: String(threads) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const ready = new Promise<void>((resolve) => {
    const check = (d: Buffer) => {
      if (/serving queue/.test(d.toString())) resolve();
    };
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
  });
  return { child, ready };
}

async function main(): Promise<void> {
  await at.ready({ quiet: true });
  const study = st.studyByName(name);
  const settings = study.settings("quick");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-bench-queue-"));
  const quiet = { onProgress: () => {} };
  const rows: { way: string; seconds: number; same: boolean }[] = [];
  const time = async (way: string, run: () => Promise<{ results: readonly unknown[] }>, reference?: string) => {
    const t = performance.now();
    const r = await run();
    const seconds = (performance.now() - t) / 1000;
    const json = JSON.stringify(r.results);
    rows.push({ way, seconds, same: reference === undefined || json === reference });
    console.log(`${way}: ${seconds.toFixed(1)} s`);
    return json;
  };
  const reference = await time("in this process", () => st.runStudy(study, settings, { seeds, workers: 1, ...quiet }));
  await time("2 seed-worker processes", () => st.runStudy(study, settings, { seeds, workers: 2, ...quiet }), reference);
  for (const count of [1, 2]) {
    // A fresh Redis and cache for each row: every seed is a new job, none collected from an earlier row.
    const redis = await startRedis(fs.mkdtempSync(path.join(tmp, "redis-")));
    const workers: ChildProcess[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const w = startWorker(redis.url, fs.mkdtempSync(path.join(tmp, "runs-")), Math.max(1, Math.floor(os.cpus().length / count)));
        workers.push(w.child);
        await w.ready;
      }
      process.env.ANTITRAIN_SEED_CACHE = fs.mkdtempSync(path.join(tmp, "cache-"));
      await time(`queue, ${count} worker${count === 1 ? "" : "s"}`, () => st.runStudy(study, settings, { seeds, cache: true, queue: redis.url, ...quiet }), reference);
    } finally {
      for (const w of workers) await stop(w, "SIGTERM", true);
      await redis.stop();
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  const base = rows[0].seconds;
  const table = [
    `Study ${name}, quick setting, ${seeds.length} seeds, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${new Date().toISOString().slice(0, 10)}; \`npm run bench:study-queue -- ${name}\``,
    "",
    "| how the seeds were computed | wall seconds | ratio to in-process | same results |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.way} | ${r.seconds.toFixed(1)} | ${(r.seconds / base).toFixed(2)} | ${r.same ? "yes" : "NO"} |`),
    "",
    "Each queue row starts a fresh Redis and seed cache and its workers on this machine (their start is not timed; each on cores / workers wasm threads, as seed-worker processes get); a worker computes its jobs in one seed-worker child it keeps.",
  ].join("\n");
  console.log(table);
  if (!quick) writeSection(ROOT, "study-queue", `<!-- study-queue:start -->\n## Study seeds: in-process, worker processes and the queue\n\n${table}\n<!-- study-queue:end -->`);
  if (rows.some((r) => !r.same)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
