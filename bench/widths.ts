// Exact per-unit importance against the plain per-unit loop at every width from 256 to 4096 (issue "speed": the
// engine ≥ 20× the loop at each): h1 and h2 of a 64→W→W→10 ReLU MLP on R random rows, every unit replaced alone,
// method resample, one draw, metric cross-entropy, the engine's default path (`auto`) on the default thread count.
// The loop (one full forward pass per unit) is timed on a few evenly spaced units and extrapolated to all W (its cost
// per unit is constant); its values are checked against the engine's on those units.
//   npm run bench:widths                                          W = 256…4096, 2000 rows; writes BENCHMARKS.md's section
//   node --import tsx bench/widths.ts --widths 64,128 --rows 200 --no-write       a smoke run
import * as os from "node:os";
import * as path from "node:path";
import * as at from "../lib/index";
import { maxDiff, timed, writeSection } from "./timing";

const ROOT = path.resolve(__dirname, "..");

interface Args {
  widths: number[];
  rows: number;
  loopUnits: number;
  write: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  // QUICK=1 (as `QUICK=1 npm run bench` sets it): a smoke run that writes nothing
  const args: Args =
    process.env.QUICK === "1"
      ? { widths: [64, 128], rows: 200, loopUnits: 2, write: false }
      : { widths: [256, 512, 1024, 2048, 4096], rows: 2000, loopUnits: 4, write: true };
  const usage = "usage: bench/widths.ts [--widths 256,512,...] [--rows R] [--loop-units U] [--no-write]";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--no-write") {
      args.write = false;
      continue;
    }
    const v = argv[++i];
    const ints = (v ?? "").split(",").map(Number);
    if (!ints.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`${usage}; got ${a} ${v}`);
    if (a === "--widths") args.widths = ints;
    else if (a === "--rows") args.rows = ints[0];
    else if (a === "--loop-units") args.loopUnits = ints[0];
    else throw new Error(`${usage}; unknown ${a}`);
  }
  return args;
}

const fmt = (x: number, d = 2) => x.toFixed(d);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await at.ready({ quiet: true });
  const started = new Date();
  const load0 = os.loadavg();
  const rows: string[] = [];
  const ratios: number[] = [];
  for (const W of args.widths) {
    const model = at.mlp({ inputs: 64, hidden: [W, W], classes: 10, seed: 1 });
    const rng = new at.Rng(1);
    const data = at.dataset(
      Float32Array.from({ length: args.rows * 64 }, () => rng.normal()),
      Int32Array.from({ length: args.rows }, () => rng.int(10)),
      { features: 64, classes: 10 },
    );
    const big = W >= 2048; // one timed call, no warm-up: a call takes tens of seconds here
    for (const site of ["h1", "h2"]) {
      const stats = at.collectStats(model, site, data);
      const base = { stats, method: "resample", metric: "loss", seed: 1 } as const;
      const singles = Array.from({ length: W }, (_, u) => [u]);
      let path = "";
      const engine = timed(
        () => {
          const e = new at.DamageEngine(model, site, data, base);
          try {
            const v = e.evaluate(singles);
            path = Object.entries(e.pathCounts)
              .filter(([, n]) => n > 0)
              .map(([p]) => p)
              .join("+");
            return v;
          } finally {
            e.dispose();
          }
        },
        big ? 1 : 3,
        !big,
      );
      const loopSet = Array.from({ length: args.loopUnits }, (_, i) => [Math.floor((i * W) / args.loopUnits)]);
      const loop = timed(() => at.damage(model, site, data, loopSet, { ...base, path: "loop" }).values, big ? 1 : 3, !big);
      const scale = W / args.loopUnits;
      const diff = maxDiff(
        loopSet.map(([u]) => engine.result[u]),
        loop.result,
      );
      const ratio = (loop.wall * scale) / engine.wall;
      ratios.push(ratio);
      rows.push(
        `| ${W} | ${site} | ${path} | ${fmt(engine.wall)} / ${fmt(engine.cpu)} | ${fmt(loop.wall * scale, 1)} / ${fmt(loop.cpu * scale, 1)} | **${fmt(ratio, 1)}×** / ${fmt((loop.cpu * scale) / engine.cpu, 1)}× | ${diff.toExponential(1)} |`,
      );
      console.error(rows[rows.length - 1]);
    }
    model.dispose();
    at.disposeDataset(data);
  }
  const load1 = os.loadavg();
  const minutes = (Date.now() - started.getTime()) / 60000;
  const command = process.argv.length > 2 ? `node --import tsx bench/widths.ts ${process.argv.slice(2).join(" ")}` : "npm run bench:widths";
  const section = [
    "<!-- widths:start -->",
    "## The engine against the plain per-unit loop, widths 256 to 4096",
    "",
    `Written by \`${command}\` (\`bench/widths.ts\`) on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC; ${os.cpus().length}× ${os.cpus()[0]?.model.trim() ?? "CPU"}, Node ${process.version}, wasm on ${at.wasmThreads()} thread(s) (the default).`,
    `Load average ${load0.map((l) => fmt(l)).join(" ")} at the start and ${load1.map((l) => fmt(l)).join(" ")} at the end; the run took ${fmt(minutes, 1)} min.`,
    `64→W→W→10 ReLU MLP (He init, seed 1), ${args.rows} random rows; every unit of the site replaced alone (W evaluations; method resample, one draw, metric cross-entropy) by \`DamageEngine\` on its default path (\`auto\`; the path it took is named). The loop runs one full forward pass per unit, on ${args.loopUnits} evenly spaced units, extrapolated to W. Median of 3 after a warm-up for W ≤ 1024; one run, no warm-up, for W ≥ 2048. Cells: wall / CPU seconds.`,
    "",
    "| W | site | engine path | engine | plain loop (extrapolated) | loop / engine (wall / CPU) | max abs. difference (loop's units) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    `Smallest ratio: **${fmt(Math.min(...ratios), 1)}×** wall (target ≥ 20× at every width).`,
    "<!-- widths:end -->",
  ].join("\n");
  console.log(section);
  if (args.write) {
    writeSection(ROOT, "widths", section);
    console.error("BENCHMARKS.md: section 'widths' written");
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
