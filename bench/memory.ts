// Child process of bench/run.ts: peak memory of exact importance at one width, in a fresh process so the wasm heap
// (which only grows) and the process RSS start clean. Prints one JSON line.
//   node --import tsx bench/memory.ts WIDTH EXAMPLES
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

async function main(): Promise<void> {
  const width = Number(process.argv[2]);
  const n = Number(process.argv[3] ?? 2000);
  const backend = await at.ready({ quiet: true });
  // 64 → W → 256 → 10: the site h1 feeds a 256-wide dense layer, so both engine paths do real downstream work.
  const model = at.mlp({ inputs: 64, hidden: [width, 256], classes: 10, seed: 0 });
  const rng = new at.Rng(1);
  const data = at.dataset(
    Float32Array.from({ length: n * 64 }, () => rng.normal()),
    Int32Array.from({ length: n }, () => rng.int(10)),
    { features: 64, classes: 10 },
  );
  const stats = at.collectStats(model, "h1", data);
  const bytesBefore = tf.memory().numBytes;
  const rssBefore = process.memoryUsage().rss;
  const engine = new at.DamageEngine(model, "h1", data, { stats, seed: 0 });
  const stored = tf.memory().numBytes - bytesBefore;
  const singles = Array.from({ length: width }, (_, u) => [u]);
  engine.evaluate([...singles, singles.map((s) => s[0])]);
  const peak = engine.peakBytes - bytesBefore;
  engine.dispose();
  const maxRss = process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
  console.log(JSON.stringify({ width, examples: n, backend, storedBytes: stored, peakBytes: peak, rssBefore, maxRss }));
  model.dispose();
  at.disposeDataset(data);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
