// npm run bench:floor: how far exact per-unit importance is from its floor, side by side with two hand-written
// PyTorch peers (issues "speed" and "Speed II"). 64→W→W→10 ReLU MLP (He init, seed 0), R random rows, every unit of h1 and h2
// replaced alone (method resample, one draw, metric cross-entropy), the engine's default path (`auto`) and its exact
// sign-flip path (h1), each at 1 and 2 backend threads (one child process per thread count: a backend is chosen once
// per process; the count is set with ANTITRAIN_THREADS and what ran is reported); PyTorch's rank-1 computation
// (bench/torch_lowrank.py: the project's peer and the stronger one of issue "Speed II", `out=` buffers and a oneDNN
// read-out) at 1 and 2 threads on the same weights, data and draws (values checked against the engine's and against
// each other); a side-by-side summary (engine ÷ strongest peer); and each backend's bare matmul rate on a square
// [R×W]·[W×W] product at the same thread count. The floor of a case is its exact minimum arithmetic (below) at that
// bare rate: the time a perfect implementation on that backend would need, so "× floor" says how much is left to gain
// by doing the same work faster.
//   npm run bench:floor                                    W = 1024, R = 2000, medians of 5; writes BENCHMARKS.md's section
//   node --import tsx bench/floor.ts --width 128 --rows 200 --repeats 1 --no-write      a smoke run
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { maxDiff, timed, torchPython, writeSection } from "./timing";

const ROOT = path.resolve(__dirname, "..");
const TMP = path.join(ROOT, ".cache", "bench-floor");
const CLASSES = 10;
const INPUTS = 64;

interface Args {
  width: number;
  rows: number;
  repeats: number;
  threads: number[];
  write: boolean;
  child: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  // QUICK=1 (as `QUICK=1 npm run bench` sets it): a smoke run that writes nothing
  const quick = process.env.QUICK === "1";
  const args: Args = quick
    ? { width: 128, rows: 200, repeats: 1, threads: [1, 2], write: false, child: false }
    : { width: 1024, rows: 2000, repeats: 5, threads: [1, 2], write: true, child: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--no-write") args.write = false;
    else if (a === "--child") args.child = true;
    else if (a === "--threads") args.threads = String(argv[++i]).split(",").map(Number);
    else if (a === "--width" || a === "--rows" || a === "--repeats") {
      const v = Number(argv[++i]);
      if (!(Number.isInteger(v) && v > 0)) throw new Error(`${a} takes a positive integer, got ${argv[i]}`);
      args[a.slice(2) as "width" | "rows" | "repeats"] = v;
    } else throw new Error(`usage: bench/floor.ts [--width W] [--rows R] [--repeats K] [--threads 1,2] [--no-write]; unknown ${a}`);
  }
  if (!args.threads.every((t) => Number.isInteger(t) && t > 0)) throw new Error("--threads takes positive integers, e.g. 1,2");
  return args;
}



/** Exact minimum arithmetic of single-unit importance at a site of the 64→W→W→10 MLP, in FLOPs (see the table's note). */
function minimumFlops(site: "h1" | "h2", width: number, rows: number): number {
  // h1: per unit, the read-out of the moved layer 2 (2·R·W·C, a matmul: batched over units it is one
  // [R×W]·[W×W·C] product over the clean ReLU mask, the sign-flip identity) plus the rank-1 shift, mask and add
  // (3·R·W, elementwise); h2: per unit the rank-1 shift of the logits and its read (3·R·C).
  return site === "h1" ? width * (2 * rows * width * CLASSES + 3 * rows * width) : width * 3 * rows * CLASSES;
}

interface ChildCase {
  site: "h1" | "h2";
  path: "auto" | "signFlip";
  wall: number;
  cpu: number;
  values: number[];
}

interface ChildResult {
  threads: string;
  numerics: string;
  matmul: { wall: number; cpu: number };
  cases: ChildCase[];
}

/** In a child process: the engine's timings at the thread count its environment sets. */
async function child(args: Args): Promise<void> {
  // Imported here so the parent, which only spawns, never starts a backend.
  const at = await import("../lib/index");
  const tf = await import("@tensorflow/tfjs");
  await at.ready({ quiet: true });
  const W = args.width;
  const R = args.rows;
  const model = at.mlp({ inputs: INPUTS, hidden: [W, W], classes: CLASSES, seed: 0 });
  const rng = new at.Rng(1);
  const data = at.dataset(
    Float32Array.from({ length: R * INPUTS }, () => rng.normal()),
    Int32Array.from({ length: R }, () => rng.int(CLASSES)),
    { features: INPUTS, classes: CLASSES },
  );
  const cases: ChildCase[] = [];
  for (const site of ["h1", "h2"] as const) {
    const stats = at.collectStats(model, site, data);
    for (const p of site === "h1" ? (["auto", "signFlip"] as const) : (["auto"] as const)) {
      const r = timed(() => at.importance(model, site, data, { stats, method: "resample", metric: "loss", seed: 0, path: p }), args.repeats);
      cases.push({ site, path: p, wall: r.wall, cpu: r.cpu, values: Array.from(r.result.scores, (s) => s + r.result.clean) });
    }
    if (process.env.FLOOR_DUMP === "1") {
      mkdirSync(TMP, { recursive: true });
      const draws = at.drawReplacements(stats, "resample", R, at.rngFor(0, 0));
      writeFileSync(path.join(TMP, `draws_${site}.bin`), Buffer.from(draws.buffer, draws.byteOffset, draws.byteLength));
    }
  }
  if (process.env.FLOOR_DUMP === "1") {
    model.weights().forEach((l, i) => {
      writeFileSync(path.join(TMP, `w${i}.bin`), Buffer.from(l.w.buffer, l.w.byteOffset, l.w.byteLength));
      writeFileSync(path.join(TMP, `b${i}.bin`), Buffer.from(l.b.buffer, l.b.byteOffset, l.b.byteLength));
    });
    const x = data.x.dataSync() as Float32Array;
    const y = Int32Array.from(data.y.dataSync());
    writeFileSync(path.join(TMP, "x.bin"), Buffer.from(x.buffer, x.byteOffset, x.byteLength));
    writeFileSync(path.join(TMP, "y.bin"), Buffer.from(y.buffer, y.byteOffset, y.byteLength));
  }
  const a = tf.randomNormal([R, W]);
  const b = tf.randomNormal([W, W]);
  const mm = timed(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }, Math.max(args.repeats, 5));
  tf.dispose([a, b]);
  model.dispose();
  at.disposeDataset(data);
  const flops = 2 * R * W * W;
  const result: ChildResult = {
    threads: String(at.wasmThreads()),
    numerics: at.numericsTag(),
    matmul: { wall: flops / mm.wall / 1e9, cpu: flops / mm.cpu / 1e9 },
    cases,
  };
  console.log(JSON.stringify(result));
}


/** What bench/torch_lowrank.py prints: per thread count, each peer's case per site and the bare matmul rate. */
interface TorchCase {
  wall: number;
  cpu: number;
  values: number[];
  chunk: number;
  /** the stronger peer's read-out of h1 ("addmm" or "onednn"; null at h2, which has none) */
  readout?: string | null;
  /** the stronger peer's rows per block (h1; all rows at h2) */
  rowsPerBlock?: number;
  /** the stronger peer's largest absolute and relative difference from the project peer */
  vsPeer?: { abs: number; rel: number };
}
interface TorchResult {
  torch: string;
  threads: Record<
    string,
    { blasThreads: number | null; h1: TorchCase; h2: TorchCase; h1Strong: TorchCase; h2Strong: TorchCase; matmul: { gflopsWall: number; gflopsCpu: number } }
  >;
}

/** Largest relative difference of a from b (per value, |a − b| / |b|). */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-30));
  return m;
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");


async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return child(args);
  const started = new Date();
  const load0 = os.loadavg();
  const t0 = performance.now();
  const passOn = ["--width", String(args.width), "--rows", String(args.rows), "--repeats", String(args.repeats), "--child"];
  const engine: ChildResult[] = args.threads.map((t, i) => {
    console.error(`[engine] ANTITRAIN_THREADS=${t} …`);
    const out = execFileSync(process.execPath, ["--import", "tsx", __filename, ...passOn], {
      env: { ...process.env, ANTITRAIN_THREADS: String(t), FLOOR_DUMP: i === 0 ? "1" : "0" },
      encoding: "utf8",
      maxBuffer: 1 << 28,
      stdio: ["ignore", "pipe", "inherit"],
    });
    return JSON.parse(out.trim().split("\n").pop() as string) as ChildResult;
  });
  const py = torchPython(ROOT);
  let torch: TorchResult | null = null;
  if (py !== null) {
    writeFileSync(path.join(TMP, "meta.json"), JSON.stringify({ inputs: INPUTS, width: args.width, rows: args.rows, classes: CLASSES, chunks: [1, 2, 4, 8, 16, 64], repeats: args.repeats, threads: args.threads }));
    console.error(`[torch] ${py} bench/torch_lowrank.py …`);
    torch = JSON.parse(execFileSync(py, [path.join(ROOT, "bench", "torch_lowrank.py"), TMP], { encoding: "utf8", maxBuffer: 1 << 28 }));
  }
  const load1 = os.loadavg();
  const minutes = (performance.now() - t0) / 60000;
  const W = args.width;
  const R = args.rows;
  const rows: string[] = [];
  const reference = engine[0].cases;
  for (const site of ["h1", "h2"] as const) {
    const flops = minimumFlops(site, W, R);
    for (const e of engine) {
      for (const c of e.cases.filter((x) => x.site === site)) {
        const floor = flops / (e.matmul.wall * 1e9);
        const same = maxDiff(c.values, reference.find((r) => r.site === site && r.path === c.path)?.values ?? c.values);
        rows.push(
          `| ${site} | engine, path ${c.path} | ${e.threads} (${e.numerics}) | ${fmt(c.wall)} s / ${fmt(c.cpu)} s | ${fmt(e.matmul.wall, 1)} | ${fmt(floor, 3)} s | **${fmt(c.wall / floor, 1)}×** | ${same === 0 ? "identical to 1 thread" : `max Δ vs 1 thread ${same.toExponential(1)}`} |`,
        );
      }
    }
    if (torch !== null) {
      const engineValues = reference.find((x) => x.site === site && x.path === "auto")?.values ?? [];
      for (const [t, r] of Object.entries(torch.threads)) {
        const mm = r.matmul.gflopsWall;
        const floor = flops / (mm * 1e9);
        for (const [c, name] of [
          [r[site], `PyTorch ${torch.torch}, project peer: rank-1 by hand (${r[site].chunk} units per broadcast)`],
          [
            r[`${site}Strong`],
            `PyTorch ${torch.torch}, stronger peer: rank-1 into \`out=\` buffers (${r[`${site}Strong`].chunk} units per broadcast${site === "h1" ? `, ${r.h1Strong.rowsPerBlock} rows per block, read-out ${r.h1Strong.readout === "onednn" ? "oneDNN 1×1 conv, channels-last" : "addmm"}` : ""})`,
          ],
        ] as const) {
          rows.push(
            `| ${site} | ${name} | ${t} | ${fmt(c.wall)} s / ${fmt(c.cpu)} s | ${fmt(mm, 1)} | ${fmt(floor, 3)} s | **${fmt(c.wall / floor, 1)}×** | max Δ vs engine ${maxDiff(c.values, engineValues).toExponential(1)} (rel. ${maxRelDiff(c.values, engineValues).toExponential(1)})${c.vsPeer ? `; vs project peer ${c.vsPeer.abs.toExponential(1)} (rel. ${c.vsPeer.rel.toExponential(1)})` : ""} |`,
          );
        }
      }
    }
  }
  // The side-by-side summary (issue "Speed II"): the engine's default path against both PyTorch peers at each thread
  // count, measured in this one run; "strongest peer" is the faster of the two.
  const summary: string[] = [];
  for (const site of ["h1", "h2"] as const) {
    for (const e of engine) {
      const c = e.cases.find((x) => x.site === site && x.path === "auto") as ChildCase;
      const floor = minimumFlops(site, W, R) / (e.matmul.wall * 1e9);
      const r = torch?.threads[e.threads];
      const peer = r?.[site].wall ?? Number.NaN;
      const strong = r?.[`${site}Strong`].wall ?? Number.NaN;
      const best = Math.min(peer, strong);
      summary.push(
        `| ${site} | ${e.threads} | ${fmt(c.wall)} s | ${fmt(peer)} s | ${fmt(strong)} s | ${fmt(floor)} s | **${fmt(c.wall / best)}×** | ${fmt(c.wall / floor, 1)}× |`,
      );
    }
  }
  const section = [
    "<!-- floor:start -->",
    "## Distance from the floor: the engine against two hand-written PyTorch peers",
    "",
    `Written by \`npm run bench:floor\` (\`bench/floor.ts\`, \`bench/torch_lowrank.py\`) on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC; ${os.cpus().length}× ${os.cpus()[0]?.model.trim() ?? "CPU"}, Node ${process.version}.`,
    `Load average ${load0.map((l) => l.toFixed(2)).join(" ")} at the start and ${load1.map((l) => l.toFixed(2)).join(" ")} at the end; the run took ${fmt(minutes, 1)} min.`,
    `64→${W}→${W}→10 ReLU MLP (He init, seed 0), ${R} random rows; every unit of the site replaced alone (${W} evaluations; method resample, one draw, metric cross-entropy); medians of ${args.repeats} after a warm-up. Cells: wall / CPU seconds (CPU counts every thread of the process).`,
    `The floor is the case's exact minimum arithmetic at its backend's bare matmul rate (wall, square [${R}×${W}]·[${W}×${W}], same thread count): h1 ${fmt(minimumFlops("h1", W, R) / 1e9, 1)} GFLOP (the moved layer's read-out, 2·R·W·10 per unit, which the sign-flip identity turns into one large matmul over the clean ReLU mask, plus 3·R·W elementwise per unit), h2 ${fmt(minimumFlops("h2", W, R) / 1e9, 2)} GFLOP (3·R·10 per unit). "× floor" is wall time over that floor.`,
    "",
    "Side by side (wall, medians; engine = `at.importance`'s default path `auto`; project peer = `h1_values`/`h2_values`, stronger peer = `h1_strong`/`h2_strong` in `bench/torch_lowrank.py`; wasm floor = the h1/h2 minimum arithmetic at wasm's bare matmul rate):",
    "",
    "| site | threads | engine | PyTorch project peer | PyTorch stronger peer | wasm floor | engine ÷ strongest peer | engine ÷ wasm floor |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...summary,
    "",
    `Every case in detail${torch !== null ? ` (PyTorch's OpenBLAS pool set to the thread count: ${Object.entries(torch.threads).map(([t, r]) => `${r.blasThreads ?? "n/a"} at ${t}`).join(", ")})` : ""}:`,
    "",
    "| site | implementation | threads | time (wall / CPU) | bare matmul GFLOP/s (wall) | floor | × floor | values |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    torch === null ? "PyTorch not found: run `bash scripts/setup.sh --bench` (installs Debian's python3-torch)." : "",
    "<!-- floor:end -->",
  ].join("\n");
  console.log(section);
  if (args.write) {
    writeSection(ROOT, "floor", section);
    console.error("BENCHMARKS.md: section 'Distance from the floor' written");
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
