// npm run bench: times the damage engine side by side with its peers and writes BENCHMARKS.md.
//   QUICK=1 npm run bench    a fast smoke run (fewer examples, units and repeats; numbers are rough)
// Peers: the plain loop in the same backend, PyTorch (bench/torch_ref.py: plain loop and Captum-style batched
// ablation), the backend's bare matmul rate; plus peak memory vs width, the group-testing estimator at W = 4096,
// the quickstart notebook's measurement cell with the engine before issue 3 (bench/legacy/) and now, whether
// worker threads help (bench/workers-probe.ts), and per-unit importance of a transformer's heads, MLP neurons and
// residual dimensions against the plain loop.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { findCore as findCoreV0 } from "./legacy/core-v0";
import { timed as timedSeconds, torchPython, writeSection } from "./timing";
import { importance as importanceV0 } from "./legacy/importance-v0";

const QUICK = process.env.QUICK === "1";
const ROOT = path.resolve(__dirname, "..");
const TMP = path.join(ROOT, ".cache", "bench");
const N = QUICK ? 500 : 2000; // examples for the 64→1024→1024→10 case
const REPEATS = QUICK ? 1 : 5; // timed repeats after one warm-up (median reported)
const LOOP_UNITS = QUICK ? 4 : 8; // units the plain loop is timed on (then extrapolated)
const TORCH_UNITS = 16;
const PER_EVAL = 16; // Captum's perturbations_per_eval for the batched PyTorch peer
const lines: string[] = [];
const log = (s: string) => {
  console.log(s);
  lines.push(s);
};


/** timing.ts's `timed` in milliseconds, with every run's wall time (what this report prints). */
function timed<T>(fn: () => T, repeats = REPEATS, warmup = true): { ms: number; cpu: number; all: number[]; result: T } {
  const t = timedSeconds(fn, repeats, warmup);
  return { ms: t.wall * 1000, cpu: t.cpu * 1000, all: t.walls.map((w) => w * 1000), result: t.result };
}

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
const sec = (ms: number) => `${fmt(ms / 1000, 2)} s`;

function randomData(inputs: number, classes: number, n: number, seed: number): at.Dataset {
  const rng = new at.Rng(seed);
  return at.dataset(
    Float32Array.from({ length: n * inputs }, () => rng.normal()),
    Int32Array.from({ length: n }, () => rng.int(classes)),
    { features: inputs, classes },
  );
}

/** The bare matmul rate of the backend on a shape, GFLOP/s (median; by CPU time, and by wall time). */
function matmulRate(m: number, k: number, n: number): { cpu: number; wall: number } {
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  const { ms, cpu } = timed(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  });
  tf.dispose([a, b]);
  return { cpu: (2 * m * k * n) / cpu / 1e6, wall: (2 * m * k * n) / ms / 1e6 };
}

interface SiteResult {
  site: string;
  engineMs: number;
  engineCpu: number;
  engineAll: number[];
  loopMsPerUnit: number;
  loopCpuPerUnit: number;
  batchedMsPerUnit: number;
  batchedCpuPerUnit: number;
  maxDiffLoop: number;
  engineGflop: number;
  loopGflopPerUnit: number;
  torch?: { loopMsPerUnit: number; batchedMsPerUnit: number; loopCpuPerUnit: number; batchedCpuPerUnit: number; maxDiff: number };
}

function writeBin(file: string, data: Float32Array | Int32Array): void {
  writeFileSync(path.join(TMP, file), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}


/** Case 1: exact per-unit importance of each hidden layer of a 64→1024→1024→10 MLP on N examples. */
function wideMlpCase(): { sites: SiteResult[]; rates: Record<string, { cpu: number; wall: number }>; torchInfo: string; torchMatmul?: number } {
  const W = 1024;
  const C = 10;
  const model = at.mlp({ inputs: 64, hidden: [W, W], classes: C, seed: 0 });
  const data = randomData(64, C, N, 1);
  const loopUnits = Array.from({ length: LOOP_UNITS }, (_, i) => Math.floor((i * W) / LOOP_UNITS));
  const torchUnits = Array.from({ length: TORCH_UNITS }, (_, i) => Math.floor((i * W) / TORCH_UNITS));
  mkdirSync(TMP, { recursive: true });
  const sites: SiteResult[] = [];
  const valuesBySite: Record<string, Float64Array> = {};
  for (const site of ["h1", "h2"]) {
    log(`\n[${site}] exact importance of ${W} units on ${N} examples`);
    const stats = at.collectStats(model, site, data);
    const opts = { stats, method: "resample" as const, metric: "loss" as const, seed: 0 };
    const eng = timed(() => at.importance(model, site, data, opts));
    const values = Float64Array.from(eng.result.scores, (s) => s + eng.result.clean);
    valuesBySite[site] = values;
    log(`  engine (auto path): median ${sec(eng.ms)} wall, ${sec(eng.cpu)} CPU over ${REPEATS} (wall ${eng.all.map((m) => fmt(m / 1000, 2)).join(", ")} s)`);
    const perts = loopUnits.map((u) => [u]);
    const loop = timed(() => at.damage(model, site, data, perts, { ...opts, path: "loop" }), Math.min(REPEATS, QUICK ? 1 : 3));
    const batched = timed(() => at.damage(model, site, data, perts, { ...opts, path: "batched" }), Math.min(REPEATS, QUICK ? 1 : 3));
    let maxDiff = 0;
    loopUnits.forEach((u, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(loop.result.values[i] - values[u]), Math.abs(batched.result.values[i] - values[u]));
    });
    log(`  plain loop: ${fmt(loop.ms / LOOP_UNITS, 1)} ms/unit wall, ${fmt(loop.cpu / LOOP_UNITS, 1)} CPU (${LOOP_UNITS} units timed); batched-only: ${fmt(batched.ms / LOOP_UNITS, 1)} ms/unit; max |Δ| vs engine ${maxDiff.toExponential(1)}`);
    const singleFlop = site === "h1" ? N * W * (3 + 2 * C) : N * C * 2;
    const fullFlop = site === "h1" ? 2 * N * W * W + 2 * N * W * C : 2 * N * W * C;
    const loopFlop = 2 * N * (64 * W + W * W + W * C);
    sites.push({
      site,
      engineMs: eng.ms,
      engineCpu: eng.cpu,
      engineAll: eng.all,
      loopMsPerUnit: loop.ms / LOOP_UNITS,
      loopCpuPerUnit: loop.cpu / LOOP_UNITS,
      batchedMsPerUnit: batched.ms / LOOP_UNITS,
      batchedCpuPerUnit: batched.cpu / LOOP_UNITS,
      maxDiffLoop: maxDiff,
      engineGflop: (W * singleFlop + fullFlop) / 1e9,
      loopGflopPerUnit: loopFlop / 1e9,
    });
    // the draws the engine used (sample 0), for the PyTorch peer
    const draws = at.drawReplacements(stats, "resample", N, at.rngFor(0, 0));
    writeBin(`draws_${site}.bin`, draws);
  }
  // PyTorch peer on the same weights, data and draws
  let torchMatmul: number | undefined;
  let torchInfo = "PyTorch not found: run `bash scripts/setup.sh --bench` (installs Debian's python3-torch)";
  const py = torchPython(ROOT);
  if (py !== null) {
    model.weights().forEach((l, i) => {
      writeBin(`w${i}.bin`, l.w);
      writeBin(`b${i}.bin`, l.b);
    });
    writeBin("x.bin", data.x.dataSync() as Float32Array);
    writeBin("y.bin", Int32Array.from(data.y.dataSync()));
    const meta = {
      inputs: 64,
      hidden: [W, W],
      classes: C,
      examples: N,
      sites: ["h1", "h2"],
      units: torchUnits,
      repeats: REPEATS,
      perturbationsPerEval: PER_EVAL,
      threads: os.cpus().length,
    };
    writeFileSync(path.join(TMP, "meta.json"), JSON.stringify(meta));
    log(`\n[torch] ${py} bench/torch_ref.py (${TORCH_UNITS} units per site timed, ${os.cpus().length} threads)`);
    const res = JSON.parse(execFileSync(py, [path.join(ROOT, "bench", "torch_ref.py"), TMP], { encoding: "utf8", maxBuffer: 1 << 26 }));
    torchInfo = `PyTorch ${res.torch} (Debian's python3-torch, ${res.threads} threads), bare matmul ${fmt(res.matmul.cpuGflops)} GFLOP/s by CPU time (both threads), ${fmt(res.matmul.gflops)} by wall time, on [${res.matmul.shape.join("×")}]`;
    for (const s of sites) {
      const r = res.sites[s.site];
      let maxDiff = 0;
      torchUnits.forEach((u, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(r.loop.values[i] - valuesBySite[s.site][u]), Math.abs(r.batched.values[i] - valuesBySite[s.site][u]));
      });
      s.torch = {
        loopMsPerUnit: r.loop.msPerUnit,
        batchedMsPerUnit: r.batched.msPerUnit,
        loopCpuPerUnit: r.loop.cpuMsPerUnit,
        batchedCpuPerUnit: r.batched.cpuMsPerUnit,
        maxDiff,
      };
      log(
        `  ${s.site}: torch loop ${fmt(r.loop.msPerUnit)} ms/unit wall (${fmt(r.loop.cpuMsPerUnit)} CPU), torch batched ${fmt(r.batched.msPerUnit)} ms/unit wall (${fmt(r.batched.cpuMsPerUnit)} CPU), max |Δ| vs engine ${maxDiff.toExponential(1)}`,
      );
    }
    torchMatmul = res.matmul.gflops;
  }
  log("\n[matmul] bare tfjs matmul rates");
  const rates = {
    [`[${N}×1024]·[1024×1024] (the loop's layer)`]: matmulRate(N, W, W),
    "[8192×1024]·[1024×10] (the engine's h1 read-out)": matmulRate(8192, W, C),
  };
  for (const [k, v] of Object.entries(rates)) log(`  ${k}: ${fmt(v.cpu)} GFLOP/s by CPU time, ${fmt(v.wall)} by wall time`);
  model.dispose();
  at.disposeDataset(data);
  return { sites, rates, torchInfo, torchMatmul };
}

/** Case 2: peak memory of exact importance at W = 1024 and 4096 (fresh processes). */
function memoryCase(): { width: number; storedBytes: number; peakBytes: number; rssBefore: number; maxRss: number }[] {
  log("\n[memory] exact importance, 64→W→256→10, fresh process per width");
  return [1024, 4096].map((w) => {
    const out = execFileSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "memory.ts"), String(w), String(N)], {
      encoding: "utf8",
      cwd: ROOT,
      env: { ...process.env },
    });
    const r = JSON.parse(out.trim().split("\n").pop() as string);
    log(`  W=${w}: stored ${fmt(r.storedBytes / 2 ** 20)} MiB, tensor peak ${fmt(r.peakBytes / 2 ** 20)} MiB, process max RSS ${fmt(r.maxRss / 2 ** 20)} MiB`);
    return r;
  });
}

/** Case 3: the group-testing estimator at W = 4096 against exact importance, with Taylor as the cheap baseline. */
function estimatorCase(): Record<string, number | string> {
  const W = QUICK ? 1024 : 4096;
  log(`\n[estimator] 64→${W}→10 MLP trained on digits; exact vs group testing vs Taylor`);
  const { train, test } = at.digits();
  const model = at.mlp({ inputs: 64, hidden: [W], classes: 10, seed: 0 });
  at.train(model, train, { steps: QUICK ? 60 : 150, batchSize: 64, learningRate: 2e-3, seed: 0 });
  const accuracy = at.evaluate(model, test).accuracy;
  const stats = at.collectStats(model, "h1", train);
  const exact = timed(() => at.importance(model, "h1", train, { stats, seed: 0 }), 1, false);
  const exact2 = at.importance(model, "h1", train, { stats, seed: 1 });
  const ceiling = at.spearman(exact.result.scores, exact2.scores);
  // a more precise reference: exact importance averaged over 4 independent draws (seed 2), independent of all the above
  const precise = at.importance(model, "h1", train, { stats, seed: 2, samples: 4 });
  const vsPrecise = (s: Float32Array) => at.spearman(s, precise.scores);
  const groups = Math.ceil(W / 10);
  const est = timed(() => at.groupImportance(model, "h1", train, { stats, seed: 0, groupShare: 0.01, groups, exact: exact.result }), 1, false);
  const taylor = timed(() => at.taylorImportance(model, "h1", train, { stats }), 1, false);
  const taylorRho = at.spearman(taylor.result.scores, exact.result.scores);
  // the same two on the batched path (a model without the low-rank shortcut: every evaluation costs one downstream pass)
  const sample = Array.from({ length: 32 }, (_, u) => [u]);
  const groupSample = sample.map((_, i) => Array.from({ length: est.result.groupSize }, (_, j) => (i * 97 + j * 13) % W));
  const engine = new at.DamageEngine(model, "h1", train, { stats, seed: 0, path: "batched" });
  const singleMs = timed(() => engine.evaluate(sample), 1).cpu / 32;
  const groupMs = timed(() => engine.evaluate(groupSample), 1).cpu / 32;
  engine.dispose();
  const r = {
    width: W,
    accuracy,
    exactMs: exact.ms,
    exactCpu: exact.cpu,
    exactEvaluations: W + 1,
    groupMs: est.ms,
    groupCpu: est.cpu,
    groupEvaluations: est.result.evaluations,
    groupSize: est.result.groupSize,
    spearman: est.result.spearman as number,
    ceiling,
    taylorMs: taylor.ms,
    taylorCpu: taylor.cpu,
    taylorRho,
    exactVsPrecise: vsPrecise(exact.result.scores),
    groupVsPrecise: vsPrecise(est.result.scores),
    taylorVsPrecise: vsPrecise(taylor.result.scores),
    batchedSingleMs: singleMs,
    batchedGroupMs: groupMs,
  };
  log(`  test accuracy ${fmt(accuracy, 3)}; exact ${sec(exact.cpu)} CPU (${W + 1} evaluations); exact with another seed: Spearman ${fmt(ceiling, 3)}`);
  log(`  group testing (${groups} groups of ${est.result.groupSize}): Spearman ${fmt(r.spearman, 3)}, ${sec(est.cpu)} CPU; Taylor: Spearman ${fmt(taylorRho, 3)}, ${sec(taylor.cpu)} CPU`);
  log(
    `  Spearman vs a 4-draw exact reference: exact ${fmt(r.exactVsPrecise, 3)}, group ${fmt(r.groupVsPrecise, 3)}, Taylor ${fmt(r.taylorVsPrecise, 3)}`,
  );
  log(`  batched path per evaluation (CPU): single unit ${fmt(singleMs)} ms, group ${fmt(groupMs)} ms`);
  model.dispose();
  at.disposeDataset(train);
  at.disposeDataset(test);
  return r;
}

/** Case 5: would worker threads help? bench/workers-probe.ts in a fresh process (wall times only). */
function workersCase(): Record<string, number> {
  const n = QUICK ? 300 : 1000;
  log(`\n[workers] h1 importance of the 64→1024→1024→10 MLP on ${n} examples: one thread vs worker threads`);
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "workers-probe.ts"), String(n)], {
    encoding: "utf8",
    cwd: ROOT,
  });
  const r = JSON.parse(out.trim().split("\n").pop() as string);
  log(
    `  in process ${sec(r.inProcessMs)}; 1 worker ${sec(r.workers1Ms)} (compute ${sec(r.workers1ComputeMs)}); 2 workers ${sec(r.workers2Ms)} (slowest compute ${sec(r.workers2ComputeMs)}); max |Δ| ${Math.max(r.workers1MaxDiff, r.workers2MaxDiff)}`,
  );
  return r;
}

/** Case 4: the quickstart notebook's measurement cell with the engine before issue 3 and now. */
function quickstartCase(): { beforeMs: number; afterMs: number; beforeCpu: number; afterCpu: number; repeats: number; sameCore: boolean } {
  log("\n[quickstart] collectStats + importance + 2× findCore on a 64→128→10 digits MLP (the notebook's measurement cell)");
  const { train, test } = at.digits();
  const model = at.mlp({ inputs: 64, hidden: [128], classes: 10, seed: 0 });
  at.train(model, train, { steps: QUICK ? 200 : 600, batchSize: 64, learningRate: 1e-3, seed: 0 });
  const cellWith = (imp: typeof at.importance, find: typeof at.findCore) => () => {
    const stats = at.collectStats(model, "h1", train, { seed: 0 });
    const i0 = imp(model, "h1", train, { stats, method: "resample", metric: "loss", seed: 0 });
    const c = find(model, "h1", train, { stats, importance: i0, fraction: 0.95, metric: "accuracy", seed: 0 });
    const l = find(model, "h1", train, { stats, importance: i0, fraction: 0.95, metric: "loss", seed: 0 });
    return [c.core.length, l.core.length];
  };
  const repeats = QUICK ? 1 : 3;
  const before = timed(cellWith(importanceV0 as unknown as typeof at.importance, findCoreV0 as unknown as typeof at.findCore), repeats);
  const after = timed(cellWith(at.importance, at.findCore), repeats);
  const sameCore = before.result[0] === after.result[0] && before.result[1] === after.result[1];
  log(
    `  before ${sec(before.ms)} wall, ${sec(before.cpu)} CPU; after ${sec(after.ms)} wall, ${sec(after.cpu)} CPU (median of ${repeats}); cores ${before.result.join("/")} vs ${after.result.join("/")}`,
  );
  model.dispose();
  at.disposeDataset(train);
  at.disposeDataset(test);
  return { beforeMs: before.ms, afterMs: after.ms, beforeCpu: before.cpu, afterCpu: after.cpu, repeats, sameCore };
}

/** One transformer site: engine (default path) against the plain loop, whole importance call each. */
interface TransformerSiteResult {
  site: string;
  units: number;
  engineMs: number;
  engineCpu: number;
  loopMs: number;
  loopCpu: number;
  maxDiff: number;
}

/**
 * Case 6: `at.importance` on every site of notebook 10's character-level transformer (2 blocks, d_model 64, 4 heads ×
 * 16, 128 MLP neurons; untrained: timing does not depend on the weights) on random windows: the engine's default
 * path (low-rank where the site feeds a dense layer, else batched) against `path: "loop"` (one full forward pass per
 * unit), both complete, same draws.
 */
function transformerCase(): { examples: number; sites: TransformerSiteResult[] } {
  const examples = QUICK ? 128 : 512;
  const seqLen = 16;
  const vocab = 64;
  log(`\n[transformer] importance of every site, 2-block transformer (d_model 64, 4 heads, 128 MLP neurons), ${examples} windows of ${seqLen} tokens`);
  const model = at.transformer({ vocab, seqLen, classes: vocab, dModel: 64, heads: 4, dMlp: 128, layers: 2, seed: 0 });
  const rng = new at.Rng(7);
  const data = at.dataset(
    Float32Array.from({ length: examples * seqLen }, () => rng.int(vocab)),
    Int32Array.from({ length: examples }, () => rng.int(vocab)),
    { features: seqLen, classes: vocab },
  );
  const sites = model.sites().map(({ name, units }) => {
    const stats = at.collectStats(model, name, data, { seed: 0 });
    const run = (path: "auto" | "loop") => () => at.importance(model, name, data, { stats, method: "resample", metric: "loss", seed: 0, path }).scores;
    const engine = timed(run("auto"), QUICK ? 1 : 3);
    const loop = timed(run("loop"), 1, false);
    const maxDiff = Math.max(...engine.result.map((v, i) => Math.abs(v - loop.result[i])));
    log(`  ${name} (${units} units): engine ${sec(engine.ms)} wall, ${sec(engine.cpu)} CPU; loop ${sec(loop.ms)} wall, ${sec(loop.cpu)} CPU; max |Δ| ${maxDiff.toExponential(1)}`);
    return { site: name, units, engineMs: engine.ms, engineCpu: engine.cpu, loopMs: loop.ms, loopCpu: loop.cpu, maxDiff };
  });
  model.dispose();
  at.disposeDataset(data);
  return { examples, sites };
}

async function main(): Promise<void> {
  const started = Date.now();
  const backend = await at.ready({ quiet: true });
  const load0 = os.loadavg();
  log(`antitrain bench: backend ${backend}${backend === "wasm" ? ` (${at.wasmThreads()} thread${at.wasmThreads() === 1 ? "" : "s"})` : ""}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? "cpu"}, load ${load0.map((l) => fmt(l, 2)).join(" ")}${QUICK ? " (QUICK)" : ""}`);
  const wide = wideMlpCase();
  const memory = memoryCase();
  const est = estimatorCase();
  const qs = quickstartCase();
  const workers = workersCase();
  const transformerSites = transformerCase();
  const load1 = os.loadavg();
  const minutes = (Date.now() - started) / 60000;
  // Only this run's section is replaced: the sections other benchmarks write, and the notes between them, stay.
  writeSection(ROOT, "bench", report({ backend, load0, load1, minutes, wide, memory, est, qs, workers, transformer: transformerSites }));
  log(`\nwrote BENCHMARKS.md's section "bench" (${fmt(minutes, 1)} min)`);
}

interface ReportInput {
  backend: string;
  load0: number[];
  load1: number[];
  minutes: number;
  wide: ReturnType<typeof wideMlpCase>;
  memory: ReturnType<typeof memoryCase>;
  est: Record<string, number | string>;
  qs: ReturnType<typeof quickstartCase>;
  workers: Record<string, number>;
  transformer: ReturnType<typeof transformerCase>;
}

function report(r: ReportInput): string {
  const W = 1024;
  const units = W + 1; // singles and the whole site
  const cpu = os.cpus();
  const busy = Math.max(...r.load0, ...r.load1) > cpu.length;
  const both = (wall: number, cpuMs: number) => `${sec(wall)} / ${sec(cpuMs)}`;
  const x = (a: number, b: number) => `${fmt(a / b)}×`;
  const row = (s: SiteResult) => {
    const t = s.torch;
    const torchLoop = t ? both(t.loopMsPerUnit * units, t.loopCpuPerUnit * units) : "n/a";
    const torchBatched = t ? both(t.batchedMsPerUnit * units, t.batchedCpuPerUnit * units) : "n/a";
    const vsTorch = t ? `**${x(t.batchedMsPerUnit * units, s.engineMs)} / ${x(t.batchedCpuPerUnit * units, s.engineCpu)}**` : "n/a";
    return `| ${s.site} | ${both(s.engineMs, s.engineCpu)} | ${both(s.loopMsPerUnit * units, s.loopCpuPerUnit * units)} | **${x(s.loopMsPerUnit * units, s.engineMs)} / ${x(s.loopCpuPerUnit * units, s.engineCpu)}** | ${both(s.batchedMsPerUnit * units, s.batchedCpuPerUnit * units)} | ${torchLoop} | ${torchBatched} | ${vsTorch} | ${fmt(s.engineGflop)} GFLOP, ${fmt(s.engineGflop / (s.engineCpu / 1000))} GFLOP/s |`;
  };
  const est = r.est;
  const num = (k: string) => Number(est[k]);
  const [m1, m4] = r.memory;
  const gbRatio = m4.peakBytes / m1.peakBytes;
  const transientRatio = (m4.peakBytes - m4.storedBytes) / (m1.peakBytes - m1.storedBytes);
  const rssRatio = m4.maxRss / m1.maxRss;
  const h1 = r.wide.sites[0];
  const rates = Object.entries(r.wide.rates);
  const h1Rate = h1.engineGflop / (h1.engineCpu / 1000);
  const date = new Date().toISOString().replace("T", " ").slice(0, 16);
  const targets = r.wide.sites.flatMap((s) => {
    const loopX = (s.loopCpuPerUnit * units) / s.engineCpu;
    const loopXw = (s.loopMsPerUnit * units) / s.engineMs;
    const t = s.torch;
    const tX = t ? (t.batchedCpuPerUnit * units) / s.engineCpu : Number.NaN;
    const tXw = t ? (t.batchedMsPerUnit * units) / s.engineMs : Number.NaN;
    return [
      `| ${s.site}: ≥ 20× the plain loop | ${fmt(loopXw)}× wall, ${fmt(loopX)}× CPU | ${Math.min(loopX, loopXw) >= 20 ? "met" : Math.max(loopX, loopXw) >= 20 ? "met on one clock" : "not met"} |`,
      `| ${s.site}: ≥ 10× PyTorch batched ablation | ${fmt(tXw)}× wall, ${fmt(tX)}× CPU (PyTorch CPU counts both threads) | ${Number.isNaN(tX) ? "not measured" : Math.min(tX, tXw) >= 10 ? "met" : Math.max(tX, tXw) >= 10 ? "met on one clock" : "not met"} |`,
    ];
  });
  return `<!-- bench:start -->
Written by \`npm run bench\` (\`bench/run.ts\`) on ${date} UTC${QUICK ? " with `QUICK=1` (a smoke run: fewer examples, units and repeats — do not quote)" : ""}.
Machine: ${cpu.length}× ${cpu[0]?.model ?? "cpu"}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, tfjs backend **${r.backend}**
(${at.wasmThreads()} thread${at.wasmThreads() === 1 ? "" : "s"}; \`ANTITRAIN_THREADS=1\` runs the single-threaded build). Load average ${r.load0.map((l) => fmt(l, 2)).join(" ")} at the start and ${r.load1.map((l) => fmt(l, 2)).join(" ")} at the end:
${busy ? "**other jobs shared the machine** (more runnable threads than cores), so wall times are inflated and noisy. Every case is therefore reported as wall time / CPU time (this process's user + system time, which is what the work costs on an idle core); ratios come from cases timed side by side in one run." : "the machine was otherwise quiet."}
The whole run took ${fmt(r.minutes, 1)} min. Times are medians of ${REPEATS} repeats after one warm-up unless a note says otherwise.

## Exact per-unit importance, 64→1024→1024→10 MLP, ${N} examples

Each layer's importance is ${units} evaluations (every unit alone, and the whole site), metric cross-entropy, method
\`resample\`, one draw. The model is He-initialized and untrained (timing does not depend on the weights). The engine
runs \`at.importance\` on its default path (\`auto\`: for single units the exact sign-flip path where its cost model
predicts it cheaper, as at h1 here, else the exact low-rank shortcut; the batched path for the whole site). **Peers are timed on a subset of units and extrapolated linearly to ${units} evaluations** (their cost per
unit is constant): the plain loop and the batched-only path in the same backend on ${LOOP_UNITS} evenly spaced units
(median of ${QUICK ? 1 : 3}), PyTorch on ${TORCH_UNITS} units (median of ${REPEATS}). Every peer's per-unit losses were checked
against the engine's on the same weights, data and draws. Cells: wall / CPU.

| site | engine | plain loop (tfjs) | engine speed-up | batched only (tfjs) | PyTorch loop | PyTorch batched (Captum-style, ${PER_EVAL}/eval) | vs PyTorch batched | engine work, rate by CPU time |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${r.wide.sites.map(row).join("\n")}

- Largest difference between a peer's per-unit loss and the engine's: ${r.wide.sites.map((s) => `${s.site}: ${s.maxDiffLoop.toExponential(1)} (tfjs loop and batched)${s.torch ? `, ${s.torch.maxDiff.toExponential(1)} (PyTorch)` : ""}`).join("; ")} — float32 rounding.
- ${r.wide.torchInfo}. PyTorch ran with ${cpu.length} threads, so its CPU time counts both cores; on an idle machine its wall time would be at least half its CPU time.
- The plain loop does ${fmt(h1.loopGflopPerUnit, 2)} GFLOP per unit (a full forward pass), ${fmt(h1.loopGflopPerUnit * units)} GFLOP per layer; the engine does
  ${r.wide.sites.map((s) => `${fmt(s.engineGflop)} GFLOP for ${s.site}`).join(" and ")} (counted as the low-rank path's work, single units: rank-1 update, activation and read-out; whole site: one batched pass; the sign-flip path's exact minimum for h1 is 48.2 GFLOP, see "Distance from the floor"). The win is doing less work.
- Bare tfjs (${r.backend}) matmul, by CPU time / wall time: ${rates.map(([k, v]) => `${fmt(v.cpu)} / ${fmt(v.wall)} GFLOP/s on ${k}`).join("; ")}.
  The engine's rate on h1 sits below the bare matmul rate: besides its one large matmul, the sign-flip path scans for sign
  flips in JavaScript and computes the metric over P × rows logits (where the time goes: "Distance from the floor"), even though the engine does ${fmt((h1.loopGflopPerUnit * units) / h1.engineGflop)}× less arithmetic than the loop.

## Peak memory against width (chunking)

Exact importance on a 64→W→256→10 MLP, ${N} examples, default path, a fresh process per width (\`bench/memory.ts\`).
"Stored" is what the engine keeps for the whole measurement (clean activations, the draws as replacement − act, the next
layer's clean pre-activation): it grows with W by design, since every evaluation reuses the clean activations. "Tensor
peak" is the largest \`tf.memory().numBytes\` above the model and data at the end of a downstream chunk (chunks are bounded
by \`maxElements\`, default 2^23 elements). Process max RSS includes Node, tfjs and the wasm heap.

| W | stored | transient (peak − stored: the largest chunk) | tensor peak (engine) | process max RSS |
| --- | --- | --- | --- | --- |
${r.memory.map((m) => `| ${m.width} | ${fmt(m.storedBytes / 2 ** 20)} MiB | ${fmt((m.peakBytes - m.storedBytes) / 2 ** 20)} MiB | ${fmt(m.peakBytes / 2 ** 20)} MiB | ${fmt(m.maxRss / 2 ** 20)} MiB |`).join("\n")}

Ratio W=4096 / W=1024: tensor peak **${fmt(gbRatio, 2)}×** (the transient chunk part ${fmt(transientRatio, 2)}×: chunking bounds it; the stored part grows with W), process max RSS **${fmt(rssRatio, 2)}×** (target ≤ 1.3×).

## Group testing at W = ${est.width} (the notes' idea 3)

64→${est.width}→10 MLP trained on digits (test accuracy ${fmt(num("accuracy"), 3)}); importance on the training split, loss metric,
\`resample\`, one draw. Group testing (\`at.groupImportance\`): ${est.groupEvaluations} evaluations (${num("groupEvaluations") - 1} random groups of
${est.groupSize} units, 1% of the layer, plus the whole site), ridge solve. Times are CPU time.

| estimator | evaluations | CPU time | Spearman vs exact (same draws) | Spearman vs a 4-draw exact reference |
| --- | --- | --- | --- | --- |
| exact (engine, auto path, one draw) | ${est.exactEvaluations} | ${sec(num("exactCpu"))} | 1 | ${fmt(num("exactVsPrecise"), 3)} |
| exact with another seed (the noise ceiling of "exact") | ${est.exactEvaluations} | | ${fmt(num("ceiling"), 3)} | |
| group testing | ${est.groupEvaluations} | ${sec(num("groupCpu"))} | **${fmt(num("spearman"), 3)}** | ${fmt(num("groupVsPrecise"), 3)} |
| first-order Taylor (\`taylorImportance\`) | 1 backward pass | ${sec(num("taylorCpu"))} | ${fmt(num("taylorRho"), 3)} | ${fmt(num("taylorVsPrecise"), 3)} |

Compute: ${fmt(num("exactEvaluations") / num("groupEvaluations"), 1)}× fewer evaluations. Here the site feeds the read-out directly, so an exact
single-unit evaluation is a rank-1 update of the logits and costs almost nothing; a group is a rank-${est.groupSize} update, so the
CPU-time ratio is ${fmt(num("exactCpu") / num("groupCpu"), 2)}×. Where no shortcut applies (the batched path) an evaluation costs the same whatever the group
size (measured: ${fmt(num("batchedSingleMs"))} ms per single unit, ${fmt(num("batchedGroupMs"))} ms per group, CPU), so there the compute ratio is the evaluation ratio.
A single-draw exact ranking of ${est.width} near-equal units is itself noisy (the ceiling row): no estimator can agree with it much better
than another exact run does. Target Spearman ≥ 0.9 at ≥ 10× less compute: **${num("spearman") >= 0.9 ? "met" : "not met"}**.

## The quickstart notebook's measurement cell

\`collectStats\` + \`importance\` + \`findCore\` (accuracy) + \`findCore\` (loss) on the digits training split, 64→128→10 MLP
trained ${QUICK ? 200 : 600} steps, as \`notebooks/00-quickstart.ipynb\` runs them; "before" is the engine before issue 3, frozen in
\`bench/legacy/\`. Median of ${r.qs.repeats}; wall / CPU.

| before | after | speed-up | same cores |
| --- | --- | --- | --- |
| ${both(r.qs.beforeMs, r.qs.beforeCpu)} | ${both(r.qs.afterMs, r.qs.afterCpu)} | **${x(r.qs.beforeMs, r.qs.afterMs)} / ${x(r.qs.beforeCpu, r.qs.afterCpu)}** | ${r.qs.sameCore ? "yes" : "no"} |

The engine before this issue was already batched; at W = 128 the downstream pass is a [rows, 128]·[128, 10] matmul, so the
remaining cost is the per-example cross-entropy over P × rows logits, which both engines pay.

## Targets

| target | measured | |
| --- | --- | --- |
${targets.join("\n")}
| engine rate ≥ ½ bare matmul rate (h1, CPU time) | ${fmt(h1Rate)} vs ${fmt(rates[0][1].cpu)} GFLOP/s | ${h1Rate >= rates[0][1].cpu / 2 ? "met" : "not met"} |
| peak memory W=4096 ≤ 1.3× W=1024 | tensors ${fmt(gbRatio, 2)}× (transient ${fmt(transientRatio, 2)}×), process RSS ${fmt(rssRatio, 2)}× | ${gbRatio <= 1.3 ? "met (tensors)" : "not met (tensors)"}, ${rssRatio <= 1.3 ? "met (RSS)" : "not met (RSS)"} |
| group testing W=${est.width}: Spearman ≥ 0.9 at ≥ 10× less compute | ${fmt(num("spearman"), 3)} at ${fmt(num("exactEvaluations") / num("groupEvaluations"), 1)}× fewer evaluations | ${num("spearman") >= 0.9 ? "met" : "not met"} |
| quickstart measurement cell ≥ 5× faster | ${x(r.qs.beforeMs, r.qs.afterMs)} wall, ${x(r.qs.beforeCpu, r.qs.afterCpu)} CPU | ${Math.min(r.qs.beforeMs / r.qs.afterMs, r.qs.beforeCpu / r.qs.afterCpu) >= 5 ? "met" : "not met"} |
| split perturbations across worker threads when faster | 2 workers ${fmt(r.workers.inProcessMs / r.workers.workers2Ms, 2)}× the in-process wall time end to end | not adopted (see below) |

## Worker threads

Each worker runs tfjs's single-threaded wasm build (the threaded build, one process on several cores, is
\`npm run bench:threads\`: see "Threads" below). \`bench/workers-probe.ts\` splits the units of h1 (64→1024→1024→10 MLP,
${r.workers.examples} examples) across worker threads, each with its own wasm backend, a copy of the model and data and the same seeded
draws (results identical: max |Δ| ${Math.max(r.workers.workers1MaxDiff, r.workers.workers2MaxDiff)}). Wall times (CPU time cannot be split per thread in Node 20),
load average ${fmt(r.workers.loadBefore, 2)} → ${fmt(r.workers.loadAfter, 2)} during the probe:

| | end to end | engine compute only (slowest worker) |
| --- | --- | --- |
| in process, one thread | ${sec(r.workers.inProcessMs)} | ${sec(r.workers.inProcessComputeMs)} |
| 1 worker | ${sec(r.workers.workers1Ms)} | ${sec(r.workers.workers1ComputeMs)} |
| 2 workers | ${sec(r.workers.workers2Ms)} | ${sec(r.workers.workers2ComputeMs)} |

Each worker pays start-up (compiling the library, starting its backend) and a copy of the model and data. On a machine
whose 2 cores are already shared by other jobs, a second thread mostly competes with them; the engine therefore does
not split work across worker threads. Even on an idle 2-core machine the gain could be at most 2× on the compute, less the
workers' start-up.

## Transformer sites: heads, MLP neurons, residual dimensions

\`at.importance\` (every unit alone plus the whole site, \`resample\`, cross-entropy, one draw) on every site of notebook 10's
character-level transformer — 2 blocks, d_model 64, 4 heads of width 16, 128 ReLU MLP neurons, untrained — on ${r.transformer.examples}
random windows of 16 tokens. The engine takes its default path: the exact low-rank shortcut where the site feeds a dense
layer (a head feeds the output projection, a neuron the MLP's output weights, a dimension of the last residual stream the
unembedding), the batched path elsewhere (block 0's residual dimensions, whole sites); every perturbation still runs the
network after that layer, but all of them share the work above the site and run as stacked copies. The peer is
\`path: "loop"\`, one full forward pass per perturbation. Both complete, same draws; engine median of ${QUICK ? 1 : 3}, loop one run.
Cells: wall / CPU.

| site | units | engine | plain loop | speed-up | max |engine − loop| |
| --- | --- | --- | --- | --- | --- |
${r.transformer.sites.map((t) => `| ${t.site} | ${t.units} | ${both(t.engineMs, t.engineCpu)} | ${both(t.loopMs, t.loopCpu)} | **${x(t.loopMs, t.engineMs)} / ${x(t.loopCpu, t.engineCpu)}** | ${t.maxDiff.toExponential(1)} |`).join("\n")}

The speed-up is the work the loop repeats per unit above the site (and, with the shortcut, in the dense layer it feeds).
The last block computes only the last position (the only one the unembedding reads), so continuations from block 1 are
cheap and its sites gain most; from block 0 every perturbation still runs block 1's keys and values at all 16 positions.

Reproduce: \`npm run bench\` (about ${Math.ceil(r.minutes)} min here; \`QUICK=1 npm run bench\` for a smoke run). The log of this run:

\`\`\`
${lines.join("\n").trim()}
\`\`\`
<!-- bench:end -->`;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
