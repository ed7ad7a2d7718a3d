// What the low-rank path gains on a user's own model: `at.importance` at h1 of a tf.sequential 784→512→256→10
// ReLU MLP wrapped with `at.fromLayersModel` (which now offers `splitDense`, so `auto` takes the exact low-rank path
// for single units), against the same call forced onto the batched path; and the same for the library's own
// `at.mlp` of the same sizes, for reference. Prints a markdown table (wall seconds, medians) with its command.
//   node --import tsx bench/layers-lowrank.ts                       the size: 2000 rows, median of 3
//   node --import tsx bench/layers-lowrank.ts --rows 100 --repeats 1   a smoke run
// Each importance call evaluates 513 perturbations (every unit alone, then all of h1 together: the latter is
// batched on either path). Scores from the two paths are compared (they must agree to float32 rounding).
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { maxDiff, median } from "./timing";

interface Args {
  rows: number;
  repeats: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { rows: 2000, repeats: 3 };
  const keys: Record<string, keyof Args> = { "--rows": "rows", "--repeats": "repeats" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = keys[argv[i]];
    const value = Number(argv[i + 1]);
    if (key === undefined || !(Number.isInteger(value) && value > 0)) {
      throw new Error(`usage: bench/layers-lowrank.ts [--rows N] [--repeats R]; got ${argv[i]} ${argv[i + 1]}`);
    }
    args[key] = value;
  }
  return args;
}


/** Median wall seconds of `repeats` runs, and the last result. */
function timed<T>(fn: () => T, repeats: number): { wall: number; result: T } {
  const walls: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    result = fn();
    walls.push((performance.now() - t) / 1000);
  }
  return { wall: median(walls), result: result as T };
}


const fmt = (x: number, d = 2) => x.toFixed(d);

/** tf.sequential 784→512→256→10 (ReLU hidden layers, seeded Glorot weights), hidden layers named h1 and h2. */
function sequentialMlp(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 512, activation: "relu", name: "h1", kernelInitializer: init(1) }),
      tf.layers.dense({ units: 256, activation: "relu", name: "h2", kernelInitializer: init(2) }),
      tf.layers.dense({ units: 10, name: "out", kernelInitializer: init(3) }),
    ],
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const command = `node --import tsx bench/layers-lowrank.ts --rows ${args.rows} --repeats ${args.repeats}`;
  const backend = await at.ready({ quiet: true });
  const loadStart = os.loadavg();
  const rng = new at.Rng(1);
  const data = at.dataset(
    Float32Array.from({ length: args.rows * 784 }, () => rng.normal()),
    Int32Array.from({ length: args.rows }, () => rng.int(10)),
    { features: 784, classes: 10 },
  );
  const models: [string, at.HookedModel][] = [
    ["`at.fromLayersModel(tf.sequential …)`", at.fromLayersModel(sequentialMlp())],
    ["`at.mlp` (the library's MLP, reference)", at.mlp({ inputs: 784, hidden: [512, 256], classes: 10, seed: 0 })],
  ];
  const rows: string[] = [];
  for (const [name, model] of models) {
    const probe = at.head(data, 2);
    const cut = model.splitDense?.("h1", probe.x) ?? null;
    if (cut === null) throw new Error(`${name} offers no dense split at h1: the low-rank path would not be taken`);
    cut.dispose();
    at.disposeDataset(probe);
    const stats = at.collectStats(model, "h1", data);
    const run = (path: at.DamagePath) => at.importance(model, "h1", data, { stats, seed: 0, path }).scores;
    const auto = timed(() => run("auto"), args.repeats);
    const batched = timed(() => run("batched"), args.repeats);
    rows.push(`| ${name} | ${fmt(auto.wall)} | ${fmt(batched.wall)} | ${fmt(batched.wall / auto.wall, 1)}× | ${maxDiff(auto.result, batched.result).toExponential(1)} |`);
    model.dispose();
  }
  const lines = [
    `## Importance at h1 of a 784→512→256→10 ReLU MLP, ${args.rows} random rows: auto (low-rank) vs batched`,
    "",
    `Command: \`${command}\``,
    `Backend ${backend}, Node ${process.version}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? "CPU"}; load average ${loadStart.map((l) => fmt(l)).join(" ")} at the start, ${os
      .loadavg()
      .map((l) => fmt(l))
      .join(" ")} at the end (a shared machine: other work ran alongside). 513 perturbations per call (512 single units, then all of h1), method \`resample\`, metric cross-entropy, one draw; untrained weights.`,
    `Times: wall seconds, median of ${args.repeats}, each a whole \`at.importance\` call (statistics collected once beforehand).`,
    "",
    "| model | auto (low-rank for single units) | batched | speed-up | max abs. score difference |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ];
  console.log(lines.join("\n"));
  at.disposeDataset(data);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
