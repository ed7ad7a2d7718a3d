// Would worker threads make exact importance faster on this machine? Splits the units of h1 (64→1024→1024→10 MLP,
// N examples) across K worker threads, each with its own tfjs wasm backend, its own copy of the model and data and
// the same seeded draws, and compares wall time with one thread (CPU time cannot be split per thread in Node 20:
// process.cpuUsage counts every thread). Not part of the library: the engine stays
// single-threaded unless this shows a real gain.
//   node --import tsx bench/workers-probe.ts [N]      prints one JSON line
import * as os from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import * as at from "../lib/index";

interface Job {
  weights: at.DenseWeights[];
  x: Float32Array;
  y: Int32Array;
  units: number[];
  stats: at.UnitStats;
}

/** The engine's work on `job.units`; `ms` is its wall time (engine set-up and evaluation, not start-up). */
async function measure(job: Job): Promise<{ values: Float64Array; ms: number }> {
  await at.ready({ quiet: true, threads: 1 }); // one thread per worker (and in process), as the probe compares
  const model = new at.Mlp(job.weights);
  const data = at.dataset(job.x, job.y, { features: 64, classes: 10 });
  const t = performance.now();
  const engine = new at.DamageEngine(model, "h1", data, { stats: job.stats, seed: 0 });
  const values = engine.evaluate(job.units.map((u) => [u]));
  engine.dispose();
  const ms = performance.now() - t;
  model.dispose();
  at.disposeDataset(data);
  return { values, ms };
}

function inWorker(job: Job): Promise<{ values: Float64Array; ms: number }> {
  return new Promise((resolve, reject) => {
    // tsx compiles this file again inside the worker (a worker does not inherit the --import loader)
    const w = new Worker(`require("tsx/cjs"); require(${JSON.stringify(__filename)});`, { eval: true, workerData: job });
    w.once("message", resolve);
    w.once("error", reject);
  });
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2000);
  await at.ready({ quiet: true, threads: 1 }); // one thread per worker (and in process), as the probe compares
  const model = at.mlp({ inputs: 64, hidden: [1024, 1024], classes: 10, seed: 0 });
  const rng = new at.Rng(1);
  const x = Float32Array.from({ length: n * 64 }, () => rng.normal());
  const y = Int32Array.from({ length: n }, () => rng.int(10));
  const data = at.dataset(x, y, { features: 64, classes: 10 });
  const stats = at.collectStats(model, "h1", data);
  const weights = model.weights();
  const all = Array.from({ length: 1024 }, (_, u) => u);
  const job = (units: number[]): Job => ({ weights, x, y, units, stats });
  const result: Record<string, number | string> = { examples: n, cpus: os.cpus().length, loadBefore: os.loadavg()[0] };
  // one thread, in process
  let t = performance.now();
  const single = await measure(job(all));
  result.inProcessMs = performance.now() - t;
  result.inProcessComputeMs = single.ms;
  for (const k of [1, 2]) {
    t = performance.now();
    const parts = await Promise.all(Array.from({ length: k }, (_, i) => inWorker(job(all.filter((u) => u % k === i)))));
    result[`workers${k}Ms`] = performance.now() - t;
    let maxDiff = 0;
    parts.forEach((p, i) => {
      all.filter((u) => u % k === i).forEach((u, j) => {
        maxDiff = Math.max(maxDiff, Math.abs(p.values[j] - single.values[u]));
      });
    });
    result[`workers${k}MaxDiff`] = maxDiff;
    result[`workers${k}ComputeMs`] = Math.max(...parts.map((p) => p.ms)); // the slowest worker's compute (no start-up)
  }
  result.loadAfter = os.loadavg()[0];
  console.log(JSON.stringify(result));
  model.dispose();
  at.disposeDataset(data);
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  measure(workerData as Job).then((r) => parentPort?.postMessage(r));
}
