// Training-step time with the wasm backend's matmul kernels, tfjs's own against antitrain's explicit-transpose
// wrappers (lib/base/wasm-matmul.ts), side by side in one run: each (mode, model) is a fresh child process so the
// two modes never share a wasm heap. Prints a Markdown table for BENCHMARKS.md.
//   node --import tsx bench/train-step.ts            (parent)
//   node --import tsx bench/train-step.ts child      (one mode, set by ANTITRAIN_WASM_MATMUL; prints JSON lines)
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as at from "../lib/index";

const MODELS: { name: string; inputs: number; hidden: number[]; steps: number }[] = [
  { name: "digits 64→128→10", inputs: 64, hidden: [128], steps: 300 },
  { name: "Fashion-MNIST 784→256→10", inputs: 784, hidden: [256], steps: 60 },
  { name: "Fashion-MNIST 784→512→256→10", inputs: 784, hidden: [512, 256], steps: 30 },
];
const REPEATS = 3;

async function child(): Promise<void> {
  await at.ready({ quiet: true });
  const rng = new at.Rng(0);
  for (const m of MODELS) {
    const n = 2000;
    const data = at.dataset(Float32Array.from({ length: n * m.inputs }, () => rng.normal()), Int32Array.from({ length: n }, () => rng.int(10)), { features: m.inputs, classes: 10 });
    const model = at.mlp({ inputs: m.inputs, hidden: m.hidden, classes: 10, seed: 0 });
    at.train(model, data, { steps: 10, seed: 0 });
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      at.train(model, data, { steps: m.steps, seed: r + 1 });
      wall.push((performance.now() - t0) / m.steps);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000 / m.steps);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(JSON.stringify({ model: m.name, mode: at.numericsTag(), wallMs: median(wall), cpuMs: median(cpu) }));
    model.dispose();
    at.disposeDataset(data);
  }
}

function parent(): void {
  const rows = new Map<string, Record<string, { wallMs: number; cpuMs: number }>>();
  const load0 = os.loadavg();
  for (const mode of ["tfjs", "explicit-transpose"]) {
    const out = spawnSync(process.execPath, ["--import", "tsx", __filename, "child"], { env: { ...process.env, ANTITRAIN_WASM_MATMUL: mode }, encoding: "utf8" });
    if (out.status !== 0) throw new Error(`child (${mode}) failed: ${out.stderr}`);
    for (const line of out.stdout.split("\n").filter((l) => l.startsWith("{"))) {
      const r = JSON.parse(line) as { model: string; wallMs: number; cpuMs: number };
      rows.set(r.model, { ...(rows.get(r.model) ?? {}), [mode]: r });
    }
  }
  const load1 = os.loadavg();
  const f = (x: number) => x.toFixed(1);
  console.log(`Written by \`node --import tsx bench/train-step.ts\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${os.cpus().length}× ${os.cpus()[0]?.model ?? "cpu"}; load ${load0.map((l) => l.toFixed(2)).join(" ")} at the start, ${load1.map((l) => l.toFixed(2)).join(" ")} at the end.`);
  console.log(`One Adam step, batch 64, ms per step (wall / CPU), median of ${REPEATS} runs.\n`);
  console.log("| model | tfjs matmul kernels | explicit-transpose kernels | speed-up (CPU) |\n| --- | --- | --- | --- |");
  for (const [model, r] of rows) {
    const a = r.tfjs;
    const b = r["explicit-transpose"];
    console.log(`| ${model} | ${f(a.wallMs)} / ${f(a.cpuMs)} | ${f(b.wallMs)} / ${f(b.cpuMs)} | **${(a.cpuMs / b.cpuMs).toFixed(1)}×** |`);
  }
}

if (process.argv[2] === "child") {
  child().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else parent();
