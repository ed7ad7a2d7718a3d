// `npm run bench:threads`: exact per-unit importance (`at.importance`, auto path, resample, cross-entropy, every unit
// alone plus the whole site) of h1 and h2 of a 64→1024→1024→10 MLP on 2000 rows — the case of BENCHMARKS.md's first
// table — with the wasm backend on 1 thread (the single-threaded build) and on 2 threads (the threaded build,
// lib/base/wasm-threads.ts), each thread count in its own child process (the backend starts once per process).
// Wall seconds, median of `--repeats` after one warm-up; CPU time counts every thread of the process. Also checks
// that both thread counts give bit-identical scores. Prints a Markdown table with the command, date, machine and the
// load average (`uptime`) before and after: on a shared machine the 2-thread wall time competes with other jobs.
//   node --import tsx bench/threads.ts                           the issue's size: 2000 rows, median of 5
//   node --import tsx bench/threads.ts --rows 300 --repeats 1    a smoke run
//   node --import tsx bench/threads.ts child                     (one thread count, from ANTITRAIN_THREADS; JSON)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as os from "node:os";
import * as at from "../lib/index";
import { median } from "./timing";

interface Args {
  rows: number;
  repeats: number;
}

interface SiteTiming {
  site: string;
  wallMs: number[];
  cpuMs: number[];
  digest: string;
}

interface ChildOut {
  threads: number;
  numerics: string;
  startMs: number;
  sites: SiteTiming[];
}

const THREADS = [1, 2];

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { rows: 2000, repeats: 5 };
  const keys: Record<string, keyof Args> = { "--rows": "rows", "--repeats": "repeats" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = keys[argv[i]];
    const value = Number(argv[i + 1]);
    if (key === undefined || !(Number.isInteger(value) && value > 0)) {
      throw new Error(`usage: bench/threads.ts [--rows N] [--repeats R]; got ${argv[i]} ${argv[i + 1]}`);
    }
    args[key] = value;
  }
  return args;
}

async function child(args: Args): Promise<void> {
  const t0 = performance.now();
  await at.ready({ quiet: true });
  const startMs = performance.now() - t0;
  const rng = new at.Rng(1);
  const n = args.rows;
  const data = at.dataset(
    Float32Array.from({ length: n * 64 }, () => rng.normal()),
    Int32Array.from({ length: n }, () => rng.int(10)),
    { features: 64, classes: 10 },
  );
  const model = at.mlp({ inputs: 64, hidden: [1024, 1024], classes: 10, seed: 0 });
  const sites: SiteTiming[] = [];
  for (const site of ["h1", "h2"]) {
    const stats = at.collectStats(model, site, data);
    const opts = { stats, method: "resample" as const, metric: "loss" as const, seed: 0 };
    let result = at.importance(model, site, data, opts); // warm-up
    const wallMs: number[] = [];
    const cpuMs: number[] = [];
    for (let r = 0; r < args.repeats; r++) {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      result = at.importance(model, site, data, opts);
      wallMs.push(performance.now() - w0);
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
    }
    const bits = Float32Array.from([...result.scores, result.clean, result.full]);
    sites.push({ site, wallMs, cpuMs, digest: createHash("sha256").update(Buffer.from(bits.buffer)).digest("hex") });
  }
  model.dispose();
  at.disposeDataset(data);
  const out: ChildOut = { threads: at.wasmThreads(), numerics: at.numericsTag(), startMs, sites };
  console.log(JSON.stringify(out));
}

function parent(args: Args, argv: readonly string[]): void {
  const load0 = os.loadavg();
  const runs = new Map<number, ChildOut>();
  for (const threads of THREADS) {
    const loader = __filename.endsWith(".ts") ? ["--import", "tsx"] : []; // (a bundled copy runs as plain JS)
    const out = spawnSync(process.execPath, [...loader, __filename, "child", ...argv], {
      env: { ...process.env, ANTITRAIN_BACKEND: "wasm", ANTITRAIN_THREADS: String(threads) },
      encoding: "utf8",
    });
    if (out.status !== 0) throw new Error(`child (${threads} thread${threads === 1 ? "" : "s"}) failed: ${out.stderr}`);
    if (out.stderr.trim() !== "") process.stderr.write(out.stderr);
    const last = out.stdout.trim().split("\n").pop() ?? "";
    runs.set(threads, JSON.parse(last) as ChildOut);
  }
  const load1 = os.loadavg();
  const cpu = os.cpus();
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
  const cmd = `node --import tsx bench/threads.ts${argv.length > 0 ? ` ${argv.join(" ")}` : ""}`;
  console.log(
    `Written by \`${cmd}\` (\`npm run bench:threads\`) on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${cpu.length}× ${cpu[0]?.model ?? "cpu"}; ` +
      `load average (uptime) ${load(load0)} at the start, ${load(load1)} at the end${Math.max(...load0, ...load1) > cpu.length * 0.5 ? " — other jobs shared the machine, so the 2-thread time is inflated" : ""}.`,
  );
  console.log(
    `\`at.importance\` of every unit alone plus the whole site, 64→1024→1024→10 MLP, ${args.rows} rows, resample, cross-entropy; ` +
      `wall time, median of ${args.repeats} after a warm-up (CPU time counts every thread); each thread count in its own process. ` +
      `Backend start-up: ${s(runs.get(1)?.startMs ?? Number.NaN)} (1 thread), ${s(runs.get(2)?.startMs ?? Number.NaN)} (2 threads).\n`,
  );
  console.log("| site | threads | wall (median) | CPU (median) | walls | speed-up (wall) | scores bit-identical to 1 thread |\n| --- | --- | --- | --- | --- | --- | --- |");
  const one = runs.get(1) as ChildOut;
  for (const [i, site] of one.sites.entries()) {
    const base = median(site.wallMs);
    for (const threads of THREADS) {
      const r = runs.get(threads) as ChildOut;
      const t = r.sites[i];
      const ran = r.threads === threads ? String(threads) : `${threads} asked, ${r.threads} ran`;
      console.log(
        `| ${site.site} | ${ran} | ${s(median(t.wallMs))} | ${s(median(t.cpuMs))} | ${t.wallMs.map((m) => (m / 1000).toFixed(2)).join(", ")} | ${threads === 1 ? "1×" : `**${(base / median(t.wallMs)).toFixed(2)}×**`} | ${t.digest === site.digest ? "yes" : "**no**"} |`,
      );
    }
  }
}

if (process.argv[2] === "child") {
  child(parseArgs(process.argv.slice(3))).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  const argv = process.argv.slice(2);
  parent(parseArgs(argv), argv);
}
