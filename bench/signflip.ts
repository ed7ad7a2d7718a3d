// The damage engine's single-unit paths side by side: exact per-unit damage of site h1 of a 64→W→W→10 ReLU MLP
// (every unit replaced alone), on the low-rank path, the sign-flip path, `auto`, and the plain loop. Prints a
// markdown table (medians, seconds) with the command that produced it.
//   node --import tsx bench/signflip.ts                      the size: W = 1024, 2000 rows, median of 5
//   node --import tsx bench/signflip.ts --width 64 --rows 100 --repeats 1 --loop-units 2    a smoke run
// The loop does one full forward pass per unit, so it is timed on `--loop-units` evenly spaced units (median of 3)
// and extrapolated linearly to all W units (its cost per unit is constant). Every path's per-unit losses are checked
// against the loop's on the timed units and against each other on all units.
import * as os from "node:os";
import * as at from "../lib/index";
import { maxDiff, timed } from "./timing";

interface Args {
  width: number;
  rows: number;
  repeats: number;
  loopUnits: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { width: 1024, rows: 2000, repeats: 5, loopUnits: 8 };
  const keys: Record<string, keyof Args> = { "--width": "width", "--rows": "rows", "--repeats": "repeats", "--loop-units": "loopUnits" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = keys[argv[i]];
    const value = Number(argv[i + 1]);
    if (key === undefined || !(Number.isInteger(value) && value > 0)) {
      throw new Error(`usage: bench/signflip.ts [--width W] [--rows N] [--repeats R] [--loop-units U]; got ${argv[i]} ${argv[i + 1]}`);
    }
    args[key] = value;
  }
  args.loopUnits = Math.min(args.loopUnits, args.width);
  return args;
}




const fmt = (x: number, d = 2) => x.toFixed(d);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const command = `node --import tsx bench/signflip.ts --width ${args.width} --rows ${args.rows} --repeats ${args.repeats} --loop-units ${args.loopUnits}`;
  const backend = await at.ready({ quiet: true });
  const load = os.loadavg();
  const { width, rows } = args;
  const model = at.mlp({ inputs: 64, hidden: [width, width], classes: 10, seed: 0 });
  const rng = new at.Rng(1);
  const data = at.dataset(
    Float32Array.from({ length: rows * 64 }, () => rng.normal()),
    Int32Array.from({ length: rows }, () => rng.int(10)),
    { features: 64, classes: 10 },
  );
  const stats = at.collectStats(model, "h1", data);
  const singles = Array.from({ length: width }, (_, u) => [u]);
  const base = { stats, method: "resample", metric: "loss", seed: 0 } as const;
  const run = (path: at.DamagePath, perts: number[][]) => at.damage(model, "h1", data, perts, { ...base, path }).values;

  const lowRank = timed(() => run("lowRank", singles), args.repeats);
  const signFlip = timed(() => run("signFlip", singles), args.repeats);
  const auto = timed(() => run("auto", singles), args.repeats);
  const loopSet = Array.from({ length: args.loopUnits }, (_, i) => [Math.floor((i * width) / args.loopUnits)]);
  const loop = timed(() => run("loop", loopSet), Math.min(3, args.repeats));
  const scale = width / args.loopUnits;

  // What auto chose, the cost model's estimate, and the share of sign flips the sign-flip path corrected.
  const engine = new at.DamageEngine(model, "h1", data, base);
  engine.evaluate(singles);
  const choice = engine.pathCounts.signFlip > 0 ? "signFlip" : "lowRank";
  const estimate = engine.lastSignFlipEstimate;
  engine.dispose();
  const flipEngine = new at.DamageEngine(model, "h1", data, { ...base, path: "signFlip" });
  flipEngine.evaluate(singles);
  const flipShare = flipEngine.signFlips.flips / flipEngine.signFlips.entries;
  flipEngine.dispose();

  const onLoopUnits = (v: Float64Array) => loopSet.map(([u]) => v[u]);
  const rowsOut = [
    ["low-rank (`path: \"lowRank\"`)", lowRank, 1, maxDiff(onLoopUnits(lowRank.result), loop.result)],
    ["sign-flip (`path: \"signFlip\"`)", signFlip, 1, maxDiff(onLoopUnits(signFlip.result), loop.result)],
    [`auto (chose ${choice})`, auto, 1, maxDiff(onLoopUnits(auto.result), loop.result)],
    [`plain loop (${args.loopUnits} units, ×${fmt(scale, 1)})`, loop, scale, 0],
  ] as const;
  const lines = [
    `## Single-unit damage at h1, 64→${width}→${width}→10 ReLU MLP, ${rows} rows`,
    "",
    `Command: \`${command}\``,
    `Backend ${backend}, Node ${process.version}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? "CPU"}; load average ${load.map((l) => fmt(l)).join(" ")} at the start, ${os
      .loadavg()
      .map((l) => fmt(l))
      .join(" ")} at the end. ${width} evaluations (every unit alone), method \`resample\`, metric cross-entropy, one draw; He-initialized, untrained weights.`,
    `Times: medians of ${args.repeats} after one warm-up (the loop: median of ${Math.min(3, args.repeats)} on ${args.loopUnits} evenly spaced units, extrapolated to ${width}), seconds, wall / CPU, each a whole \`at.damage\` call.`,
    "",
    "| path | seconds for all units (wall / CPU) | vs low-rank (CPU) | max abs. difference from the loop (timed units) |",
    "| --- | --- | --- | --- |",
    ...rowsOut.map(
      ([name, t, k, diff]) =>
        `| ${name} | ${fmt(t.wall * k)} / ${fmt(t.cpu * k)} | ${fmt(lowRank.cpu / (t.cpu * k))}× | ${k === 1 ? diff.toExponential(1) : "—"} |`,
    ),
    "",
    `- Largest difference between the sign-flip and low-rank paths over all ${width} units: ${maxDiff(signFlip.result, lowRank.result).toExponential(1)} (float32 rounding).`,
    `- Sign flips corrected: ${fmt(100 * flipShare, 2)}% of the ${width}×${rows}×${width} (unit, row, column) entries.`,
    estimate === undefined
      ? "- auto made no sign-flip estimate (the path does not apply)."
      : `- auto's cost model (passes per entry, sampled): sign-flip ${fmt(estimate.signFlipCost)} (scans ${fmt(100 * estimate.scanned, 2)}% of entries, ${fmt(100 * estimate.flips, 2)}% flip) vs low-rank ${fmt(estimate.lowRankCost)}.`,
  ];
  console.log(lines.join("\n"));
  model.dispose();
  at.disposeDataset(data);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
