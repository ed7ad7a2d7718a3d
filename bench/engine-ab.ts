// Side-by-side timing of `at.importance` between two checkouts (issue "Speed II"): the 64→1024→1024→10 MLP of
// bench/floor.ts (2000 rows, resample, cross-entropy), the library imported from the checkout named on the command
// line, medians of REPEATS after a warm-up; prints one JSON line with wall and CPU seconds, the clean and whole-site
// values and a checksum of the scores (equal bits between checkouts show the results did not move). Run each checkout
// in its own process, alternating, at the same ANTITRAIN_THREADS, under the lock:
//   for lib in /path/to/base /path/to/new /path/to/base /path/to/new; do
//     ANTITRAIN_THREADS=2 node --import tsx bench/engine-ab.ts $lib 5 h2; done
import * as path from "node:path";
import { median } from "./timing";

async function main(): Promise<void> {
  const [root, repeatsArg, sitesArg] = process.argv.slice(2);
  if (root === undefined) throw new Error("usage: bench/engine-ab.ts CHECKOUT [REPEATS=5] [SITES=h2]");
  const at: typeof import("../lib/index") = await import(path.resolve(root, "lib/index.ts"));
  await at.ready({ quiet: true });
  const W = 1024;
  const R = 2000;
  const model = at.mlp({ inputs: 64, hidden: [W, W], classes: 10, seed: 0 });
  const rng = new at.Rng(1);
  const data = at.dataset(
    Float32Array.from({ length: R * 64 }, () => rng.normal()),
    Int32Array.from({ length: R }, () => rng.int(10)),
    { features: 64, classes: 10 },
  );
  const out: Record<string, unknown> = { checkout: root, threads: at.wasmThreads() };
  for (const site of (sitesArg ?? "h2").split(",")) {
    const stats = at.collectStats(model, site, data);
    const options = { stats, method: "resample", metric: "loss", seed: 0 } as const;
    let r = at.importance(model, site, data, options);
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < Number(repeatsArg ?? 5); i++) {
      const c = process.cpuUsage();
      const t = performance.now();
      r = at.importance(model, site, data, options);
      walls.push((performance.now() - t) / 1000);
      const d = process.cpuUsage(c);
      cpus.push((d.user + d.system) / 1e6);
    }
    out[site] = { wall: median(walls), cpu: median(cpus), clean: r.clean, full: r.full, checksum: r.scores.reduce((a, b) => a + b, 0) };
  }
  model.dispose();
  at.disposeDataset(data);
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
