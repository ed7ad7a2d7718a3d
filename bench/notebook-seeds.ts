// `npm run bench:notebook-seeds`: one study seed of notebooks 01, 02 and 04, built and run as each notebook's FULL=1
// cells build and run it (the chosen hyperparameters read from the committed results/NN-*.json `chosen`, so no
// tuning runs), timed in three engine modes, each (notebook, mode) in its own child process, one after another:
//   before    ANTITRAIN_WASM_MATMUL=tfjs ANTITRAIN_THREADS=1  tfjs's own matmul kernels, one wasm thread (the engine
//             before the speed work; the sign-flip path never runs here: at h1 of a one-hidden-layer MLP the dense
//             layer after the site is the output layer, not dense → ReLU → dense, so `auto` cannot take it)
//   after-1   ANTITRAIN_THREADS=1   what a full notebook run gives each of its two kernels (2 cores, 2 kernels)
//   after-2   ANTITRAIN_THREADS=2   one kernel on both cores
// Reports wall and process CPU seconds (every thread) of the seed, the wasm threads that ran, the matmul kernels, and
// a fingerprint of the seed's result (a hash of all of it and a few headline numbers) so the modes can be compared.
// The full-run time of a notebook is extrapolated from one seed (labelled so); tuning is not timed.
//   node --import tsx bench/notebook-seeds.ts                                  every notebook and mode, full setting
//   node --import tsx bench/notebook-seeds.ts --notebooks 02 --modes after-1   one row
//   node --import tsx bench/notebook-seeds.ts --quick                          the notebooks' quick setting (smoke run)
//   node --import tsx bench/notebook-seeds.ts --json out.json                  also write every child's numbers
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { timed } from "./timing";

const ROOT = path.resolve(__dirname, "..");

const NOTEBOOKS = { "01": "01-concentration", "02": "02-equivalence-class", "04": "04-compression" } as const;
type Notebook = keyof typeof NOTEBOOKS;
const NOTEBOOK_IDS = Object.keys(NOTEBOOKS) as Notebook[];

type Matmul = "tfjs" | "explicit-transpose";
const MODES = {
  before: { threads: 1, matmul: "tfjs", env: "ANTITRAIN_WASM_MATMUL=tfjs ANTITRAIN_THREADS=1" },
  "after-1": { threads: 1, matmul: "explicit-transpose", env: "ANTITRAIN_THREADS=1" },
  "after-2": { threads: 2, matmul: "explicit-transpose", env: "ANTITRAIN_THREADS=2" },
} as const satisfies Record<string, { threads: number; matmul: Matmul; env: string }>;
type Mode = keyof typeof MODES;
const MODE_IDS = Object.keys(MODES) as Mode[];

interface Args {
  notebooks: Notebook[];
  modes: Mode[];
  seed: number;
  quick: boolean;
  json: string | null;
}

/** What one child prints (one JSON line). */
interface ChildOut {
  notebook: Notebook;
  mode: Mode;
  quick: boolean;
  seed: number;
  threadsAsked: number;
  threads: number;
  matmul: string;
  numerics: string;
  /** Backend start-up (not part of the seed's time). */
  startS: number;
  wall: number;
  cpu: number;
  /** {@link resultHash} of the seed's whole result (float64 numbers round-trip exactly through JSON). */
  hash: string;
  headline: Record<string, number>;
}

const USAGE =
  "usage: bench/notebook-seeds.ts [--notebooks 01,02,04] [--modes before,after-1,after-2] [--seed 0] [--quick] [--json FILE]";

function listOf<T extends string>(value: string | undefined, known: readonly T[], flag: string): T[] {
  const items = (value ?? "").split(",").map((s) => s.trim());
  for (const item of items) {
    if (!(known as readonly string[]).includes(item)) throw new Error(`${flag}: "${item}" is not one of ${known.join(", ")}\n${USAGE}`);
  }
  if (new Set(items).size !== items.length) throw new Error(`${flag} names an entry twice: ${value}\n${USAGE}`);
  return items as T[];
}

function parseArgs(argv: readonly string[]): Args & { child: boolean } {
  const args: Args & { child: boolean } = { notebooks: [...NOTEBOOK_IDS], modes: [...MODE_IDS], seed: 0, quick: false, json: null, child: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--quick") args.quick = true;
    else if (flag === "--child") args.child = true;
    else if (flag === "--notebooks") args.notebooks = listOf(argv[++i], NOTEBOOK_IDS, flag);
    else if (flag === "--modes") args.modes = listOf(argv[++i], MODE_IDS, flag);
    else if (flag === "--json") {
      const file = argv[++i];
      if (file === undefined || file.startsWith("--")) throw new Error(`--json needs a file name\n${USAGE}`);
      args.json = file;
    } else if (flag === "--seed") {
      const seed = Number(argv[++i]);
      if (!(Number.isInteger(seed) && seed >= 0)) throw new Error(`--seed needs a non-negative integer, got ${argv[i]}\n${USAGE}`);
      args.seed = seed;
    } else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  return args;
}

// ---------------------------------------------------------------------------------------------------------------
// The notebooks' settings: their first cell, both branches (QUICK ? quick : full). The full ones are checked
// against the committed results/NN-*.json, which record what the full run used.

const COMMON = { hidden: 128, cycle: 100, fraction: 0.95, tolerance: 0.01, validation: 0.2, teacherK: 8 };
const sized = (quick: boolean) => ({ pretrain: quick ? 300 : 600, updates: quick ? 300 : 1600 });
/** 02's arms (its ARMS): 01's arms less antitrain 0.9, 0.95 and 0.99. */
const ARMS_02 = [
  "plain", "antitrain 0.5", "control: spectators, true labels", "control: core, true labels", "group lasso",
  "network slimming", "activation L1", "targeted dropout", "nested dropout",
];
const WIDTHS_02 = { "teacher-student": [32, 512], digits: [64, 256] };
const settings04 = (quick: boolean) => ({
  ...sized(quick),
  finetune: quick ? 40 : 100,
  keep: quick ? [4, 8, 16, 32, 64] : [2, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64],
  scratchKeep: quick ? [8, 32] : [4, 8, 12, 16, 24, 32, 48],
});

type Settings = Record<string, st.MethodSettings>;

/** sha256 of a result as the notebooks write it (nb.writeResults: plain JSON, typed arrays as arrays). */
function resultHash(value: unknown): string {
  const text = JSON.stringify(value, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));
  return createHash("sha256").update(text).digest("hex");
}
type Json = Record<string, unknown>;

function results(nb: Notebook): Json {
  return JSON.parse(readFileSync(path.join(ROOT, "results", `${NOTEBOOKS[nb]}.json`), "utf8")) as Json;
}

/** Throws when the committed full run used other settings than the ones this bench builds. */
function checkFull(nb: Notebook, r: Json, expected: Json): void {
  const wrong = Object.entries(expected).filter(([k, v]) => JSON.stringify(r[k]) !== JSON.stringify(v));
  if (r.quick !== false) wrong.push(["quick", false]);
  if (wrong.length > 0) {
    throw new Error(
      `results/${NOTEBOOKS[nb]}.json was not made with the settings this bench mirrors (${wrong.map(([k, v]) => `${k}: results ${JSON.stringify(r[k])}, bench ${JSON.stringify(v)}`).join("; ")}): update bench/notebook-seeds.ts from the notebook's first cell`,
    );
  }
}

/** The notebook's `chosen`: the committed full run's, or in the quick setting each grid's first entry (nothing is tuned). */
function chosenOf(r: Json, quick: boolean): Json {
  if (!quick) return r.chosen as Json;
  return Object.fromEntries(Object.entries(r.grids as Record<string, st.MethodSettings[]>).map(([m, list]) => [m, list[0]]));
}

// ---------------------------------------------------------------------------------------------------------------
// The child: one notebook's seed in one mode.

type Task = "digits" | "teacher-student";
const SHAPE: Record<Task, { inputs: number; classes: number }> = { digits: { inputs: 64, classes: 10 }, "teacher-student": { inputs: 16, classes: 4 } };

/** 01's and 02's data cell: digits with a validation split, and the teacher-student task split the same way. */
function concentrationTasks(): Record<Task, { train: at.Dataset; validation: at.Dataset; test: at.Dataset }> {
  const digitsSplit = at.digits({ validation: COMMON.validation });
  const teacher = at.teacherStudent({ teacherHidden: COMMON.teacherK, seed: 0 });
  const teacherFit = at.validationSplit(teacher.train, { fraction: COMMON.validation, seed: 0 });
  at.disposeDataset(teacher.train);
  if (digitsSplit.validation === undefined) throw new Error("digits({ validation }) returned no validation split");
  return {
    digits: { train: digitsSplit.train, validation: digitsSplit.validation, test: digitsSplit.test },
    "teacher-student": { train: teacherFit.train, validation: teacherFit.validation, test: teacher.test },
  };
}

function concentrationSetup(data: { train: at.Dataset; validation: at.Dataset; test: at.Dataset }, task: Task, width: number, quick: boolean): st.ConcentrationSetup {
  return {
    train: data.train, validation: data.validation, test: data.test, inputs: SHAPE[task].inputs, hidden: [width], classes: SHAPE[task].classes,
    site: "h1", ...sized(quick), cycle: COMMON.cycle, fraction: COMMON.fraction, tolerance: COMMON.tolerance,
  };
}

const armOf = (s: st.ConcentrationSeed, arm: string): st.ConcentrationRun => {
  const run = s.runs.find((r) => r.arm === arm);
  if (run === undefined) throw new Error(`no "${arm}" arm in the seed's result`);
  return run;
};
const concentrationHeadline = (s: st.ConcentrationSeed, prefix: string): Record<string, number> => ({
  [`${prefix} plain core`]: armOf(s, "plain").core,
  [`${prefix} antitrain 0.5 core`]: armOf(s, "antitrain 0.5").core,
  [`${prefix} antitrain 0.5 test acc`]: armOf(s, "antitrain 0.5").testAccuracy,
});

/** Builds the notebook's setup (untimed) and returns the timed seed: its result and headline numbers. */
function prepare(nb: Notebook, quick: boolean, seed: number): { run: () => { value: unknown; headline: Record<string, number> }; dispose: () => void } {
  const r = results(nb);
  if (nb === "01") {
    if (!quick) checkFull(nb, r, { ...sized(false), hidden: COMMON.hidden, cycle: COMMON.cycle, fraction: COMMON.fraction, tolerance: COMMON.tolerance, validation: COMMON.validation, teacherK: COMMON.teacherK });
    const order: Task[] = ["digits", "teacher-student"]; // the notebook's TASKS
    // per task: the committed choice, or (quick) the same first grid entries for both tasks
    const chosen = (quick ? Object.fromEntries(order.map((t) => [t, chosenOf(r, true)])) : chosenOf(r, false)) as Record<Task, Settings>;
    const tasks = concentrationTasks();
    const setups = Object.fromEntries(order.map((t) => [t, concentrationSetup(tasks[t], t, COMMON.hidden, quick)])) as Record<Task, st.ConcentrationSetup>;
    return {
      // the notebook's runSeed
      run: () => {
        const value = Object.fromEntries(order.map((t) => [t, st.runConcentrationSeed(setups[t], chosen[t], seed)])) as Record<Task, st.ConcentrationSeed>;
        return { value, headline: Object.assign({}, ...order.map((t) => concentrationHeadline(value[t], t))) };
      },
      dispose: () => {
        for (const t of order) for (const d of Object.values(tasks[t])) at.disposeDataset(d);
      },
    };
  }
  if (nb === "02") {
    if (!quick) {
      checkFull(nb, r, { ...sized(false), widths: WIDTHS_02["teacher-student"], digitWidths: WIDTHS_02.digits, cycle: COMMON.cycle, fraction: COMMON.fraction, tolerance: COMMON.tolerance, validation: COMMON.validation, teacherK: COMMON.teacherK, arms: ARMS_02 });
    }
    const chosen = r.chosen as Record<string, Settings>; // the notebook's CHOSEN (01's choice) in both settings
    const tasks = concentrationTasks();
    const order: Task[] = ["teacher-student", "digits"]; // the notebook's TASKS
    const cells = order.flatMap((t) => WIDTHS_02[t].map((w) => ({ task: t, width: w, key: `${t}/${w}` })));
    return {
      // the notebook's runSeed (without its per-cell clock)
      run: () => {
        const value: Record<string, st.ConcentrationSeed> = {};
        for (const c of cells) {
          const setup = { ...concentrationSetup(tasks[c.task], c.task, c.width, quick), probeFractions: [] };
          value[c.key] = st.runConcentrationSeed(setup, chosen[c.task], seed, { arms: ARMS_02 });
        }
        return { value, headline: Object.assign({}, ...cells.map((c) => concentrationHeadline(value[c.key], c.key))) };
      },
      dispose: () => {
        for (const t of order) for (const d of Object.values(tasks[t])) at.disposeDataset(d);
      },
    };
  }
  const s04 = settings04(quick);
  if (!quick) checkFull(nb, r, { ...s04, hidden: COMMON.hidden, cycle: COMMON.cycle, tolerance: COMMON.tolerance });
  const chosen = chosenOf(r, quick) as Settings;
  const { train, validation, test } = at.digits({ validation: 0.2 });
  if (validation === undefined) throw new Error("digits({ validation }) returned no validation split");
  const setup: st.CompressionSetup = {
    train, validation, test, inputs: 64, hidden: [COMMON.hidden], classes: 10, site: "h1",
    pretrain: s04.pretrain, updates: s04.updates, cycle: COMMON.cycle, finetune: s04.finetune, keep: s04.keep, scratchKeep: s04.scratchKeep, tolerance: COMMON.tolerance,
  };
  return {
    run: () => {
      const value = st.runCompressionSeed(setup, chosen, seed);
      const anti = value.curves.find((c) => c.arm === "antitrain");
      const smallest = anti?.points.reduce((a, b) => (b.k < a.k ? b : a));
      return {
        value,
        headline: { "dense test acc": value.denseTest, "dense test loss": value.denseTestLoss, "antitrain 95% core": anti?.core95 ?? Number.NaN, [`antitrain test acc at k=${smallest?.k}`]: smallest?.testAfter ?? Number.NaN },
      };
    },
    dispose: () => {
      for (const d of [train, validation, test]) at.disposeDataset(d);
    },
  };
}

async function child(args: Args): Promise<void> {
  const [nb] = args.notebooks;
  const [mode] = args.modes;
  const t0 = performance.now();
  await at.ready({ quiet: true });
  const startS = (performance.now() - t0) / 1000;
  const work = prepare(nb, args.quick, args.seed);
  const { wall, cpu, result } = timed(() => work.run(), 1, false);
  const { value, headline } = result;
  work.dispose();
  const out: ChildOut = {
    notebook: nb, mode, quick: args.quick, seed: args.seed, threadsAsked: MODES[mode].threads, threads: at.wasmThreads(),
    matmul: at.numericsTag().replace(/^wasm\//, ""),
    numerics: at.numericsTag(), startS, wall, cpu,
    hash: resultHash(value), headline,
  };
  console.log(JSON.stringify(out));
}

// ---------------------------------------------------------------------------------------------------------------
// The parent: one child per (notebook, mode), then the tables.

function runChild(nb: Notebook, mode: Mode, args: Args): ChildOut {
  const loader = __filename.endsWith(".ts") ? ["--import", "tsx"] : [];
  const argv = [...loader, __filename, "--child", "--notebooks", nb, "--modes", mode, "--seed", String(args.seed), ...(args.quick ? ["--quick"] : [])];
  const env = { ...process.env, ANTITRAIN_BACKEND: "wasm", ANTITRAIN_THREADS: String(MODES[mode].threads), ANTITRAIN_WASM_MATMUL: MODES[mode].matmul };
  const out = spawnSync(process.execPath, argv, { env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`child ${nb} ${mode} failed (exit ${out.status}${out.signal ? `, ${out.signal}` : ""}); its stderr is above`);
  const line = out.stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  if (line === undefined) throw new Error(`child ${nb} ${mode} printed no JSON line; stdout:\n${out.stdout}`);
  return JSON.parse(line) as ChildOut;
}

const sec = (s: number) => (s >= 100 ? `${s.toFixed(0)} s` : `${s.toFixed(1)} s`);
const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;
const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");

/** How a run's result compares with the earlier modes' of the same notebook. */
function sameAs(run: ChildOut, earlier: readonly ChildOut[]): string {
  if (earlier.length === 0) return "(first)";
  const twin = earlier.find((e) => e.hash === run.hash);
  if (twin !== undefined) return `bit-identical to ${twin.mode}`;
  const ref = earlier[0];
  const diff = Math.max(...Object.keys(run.headline).map((k) => Math.abs(run.headline[k] - ref.headline[k])));
  const headline = diff === 0 ? "headline numbers equal" : `headline numbers: max abs difference from ${ref.mode} ${diff.toPrecision(3)}`;
  return `**differs** from ${earlier.map((e) => e.mode).join(", ")} (${headline})`;
}

/**
 * The committed full run's result for `seed` in the form a child hashes (02 keeps each cell's `result`, not its
 * clock), or null when that run has no such seed.
 */
function committedHash(nb: Notebook, seed: number): string | null {
  const r = results(nb);
  const i = (r.seeds as number[]).indexOf(seed);
  const all = r.results as unknown[] | undefined;
  if (i < 0 || all === undefined || all[i] === undefined) return null;
  if (nb !== "02") return resultHash(all[i]);
  return resultHash(Object.fromEntries(Object.entries(all[i] as Record<string, { result: unknown }>).map(([k, c]) => [k, c.result])));
}

/** The seed structure of a full (or quick) run, for the extrapolation. */
function structure(nb: Notebook, quick: boolean): string {
  const r = results(nb);
  const seeds = quick ? 1 : (r.seeds as number[]).length;
  const tuneSeeds = quick ? [100] : (r.tuneSeeds as number[] | undefined) ?? [];
  const gridSizes = Object.entries((r.grids ?? {}) as Record<string, unknown[]>).map(([m, g]) => [m, quick ? 1 : g.length] as const);
  const gridTotal = gridSizes.reduce((a, [, n]) => a + n, 0);
  const grids = gridSizes.map(([m, n]) => `${m} ${n}`).join(", ");
  if (nb === "01") {
    const arms = st.CONCENTRATION_ARM_NAMES.length;
    return `${seeds} study seed${seeds > 1 ? "s" : ""}, each 2 tasks × ${arms} arms after one pretraining per task (timed here: one). Tuning (**not timed**): seeds ${tuneSeeds.join(", ")} × 2 tasks × (plain + ${gridTotal} grid settings: ${grids}) = ${tuneSeeds.length * 2 * (1 + gridTotal)} arm runs, no test split, no probes.`;
  }
  if (nb === "02") {
    const cells = WIDTHS_02["teacher-student"].length + WIDTHS_02.digits.length;
    return `${seeds} study seed${seeds > 1 ? "s" : ""}, each ${cells} cells (teacher-student W ${WIDTHS_02["teacher-student"].join(", ")}; digits W ${WIDTHS_02.digits.join(", ")}) × ${ARMS_02.length} arms (timed here: one). No tuning: 01's chosen settings.`;
  }
  const s = settings04(quick);
  return `${seeds} study seed${seeds > 1 ? "s" : ""}, each the dense model, ${st.STUDY_ARMS.length} arms pruned to ${s.keep.length} widths and fine-tuned, iterative magnitude pruning (${s.keep.length} rounds) and ${s.scratchKeep.length} small nets from scratch (timed here: one). Tuning (**not timed**): seeds ${tuneSeeds.join(", ")} × (dense + ${gridTotal} grid settings: ${grids}) = ${tuneSeeds.length * gridTotal} arm runs, each pruned to ${s.keep.length} widths, no test split.`;
}

/** What the committed full run recorded: results `seconds`, the report's provenance line, 02's per-seed seconds. */
function committed(nb: Notebook): string {
  const r = results(nb);
  const seconds = Number(r.seconds);
  const parts = [
    `results/${NOTEBOOKS[nb]}.json \`seconds\`: ${sec(seconds)}${seconds < 60 ? " — too short for a run: its seeds came from the seed cache, so it is not a run time" : ` (${minutes(seconds)}; the notebook's clock from its seed loop to its end: tuning excluded)`}`,
  ];
  const report = path.join(ROOT, "reports", `${NOTEBOOKS[nb]}.ipynb`);
  if (existsSync(report)) {
    const cells = (JSON.parse(readFileSync(report, "utf8")) as { cells: { outputs?: { text?: string | string[] }[] }[] }).cells;
    const texts = cells.flatMap((c) => (c.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? ""))));
    const line = texts.flatMap((t) => t.split("\n")).find((l) => l.includes("run time:") && l.includes("commit"));
    if (line !== undefined) parts.push(`report provenance (the whole notebook's clock, tuning included): "${line.trim()}"`);
  }
  if (nb === "02" && Array.isArray(r.results)) {
    const perSeed = (r.results as Record<string, { seconds: number }>[]).map((s) => Object.values(s).reduce((a, c) => a + c.seconds, 0));
    const mean = perSeed.reduce((a, b) => a + b, 0) / perSeed.length;
    parts.push(`its seeds' own clocks (sum of the 4 cells): ${sec(Math.min(...perSeed))} to ${sec(Math.max(...perSeed))}, mean ${sec(mean)} per seed`);
  }
  return parts.join("; ");
}

function parent(args: Args, argv: readonly string[]): void {
  const load0 = os.loadavg();
  const started = new Date();
  const runs: ChildOut[] = [];
  for (const nb of args.notebooks) {
    for (const mode of args.modes) {
      process.stderr.write(`notebook-seeds: ${nb} ${mode} (${MODES[mode].env}) ...\n`);
      const run = runChild(nb, mode, args);
      process.stderr.write(`notebook-seeds: ${nb} ${mode}: ${sec(run.wall)} wall, ${sec(run.cpu)} CPU\n`);
      runs.push(run);
    }
  }
  const load1 = os.loadavg();
  const cpu = os.cpus();
  const cmd = `node --import tsx bench/notebook-seeds.ts${argv.length > 0 ? ` ${argv.join(" ")}` : ""}`;
  const setting = args.quick ? "quick setting (the notebooks' QUICK branch: a smoke run, not the study's sizes)" : "full setting (FULL=1)";
  console.log(
    `Written by \`${cmd}\` (\`npm run bench:notebook-seeds\`) on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC; ${cpu.length}× ${cpu[0]?.model ?? "cpu"}; ` +
      `load average (uptime) ${load(load0)} at the start, ${load(load1)} at the end${Math.max(...load0, ...load1) > cpu.length * 0.5 ? " — other jobs shared the machine, so these times are inflated" : ""}.`,
  );
  console.log(
    `Study seed ${args.seed} of each notebook, ${setting}, built as the notebook builds it with the committed \`chosen\` settings (no tuning run); ` +
      "each (notebook, mode) in its own process, one at a time; wall and CPU seconds of the seed alone (data and backend start-up excluded; CPU counts every thread).\n",
  );
  console.log(`| notebook | mode | environment | wasm threads | matmul | seed wall | seed CPU | before ÷ this (wall) | result | result vs the committed full run's seed ${args.seed} |`);
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const nb of args.notebooks) {
    const mine = runs.filter((r) => r.notebook === nb);
    const before = mine.find((r) => r.mode === "before");
    const theirs = args.quick ? null : committedHash(nb, args.seed);
    mine.forEach((r, i) => {
      const threads = r.threads === r.threadsAsked ? String(r.threads) : `${r.threadsAsked} asked, **${r.threads} ran**`;
      const ratio = before === undefined ? "—" : r === before ? "1×" : `**${(before.wall / r.wall).toFixed(2)}×**`;
      const vs = args.quick ? "— (quick setting)" : theirs === null ? "— (not in the committed run)" : theirs === r.hash ? "bit-identical" : "differs";
      console.log(`| ${NOTEBOOKS[nb]} | ${r.mode} | \`${MODES[r.mode].env}\` | ${threads} | ${r.matmul} | ${sec(r.wall)} | ${sec(r.cpu)} | ${ratio} | ${sameAs(r, mine.slice(0, i))} | ${vs} |`);
    });
  }
  if (!args.quick) {
    console.log(
      "\nThe last column checks that the bench builds the notebook's setup: a mode with the committed run's matmul kernels (its provenance line, below) should reproduce it bit for bit, unless the library's code for it changed since.",
    );
  }
  console.log("\nHeadline numbers of each seed (the fingerprint beside the hash of the whole result):\n");
  for (const r of runs) {
    const nums = Object.entries(r.headline).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(6)}`).join("; ");
    console.log(`- ${NOTEBOOKS[r.notebook]} ${r.mode} (hash ${r.hash.slice(0, 12)}): ${nums}`);
  }
  const seedsOf = (nb: Notebook) => (args.quick ? 1 : (results(nb).seeds as number[]).length);
  console.log(
    `\n**Extrapolated** study-seed phase of a ${args.quick ? "quick" : "full"} run (seeds × one seed's wall time; seeds differ in length and the machine's load changes, so this is an estimate, not a measurement; tuning is not included and not timed):\n`,
  );
  console.log("| notebook | mode | one seed | all seeds, one kernel | all seeds, two 1-thread kernels sharing them (SEED_WORKERS=2) |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of runs) {
    const n = seedsOf(r.notebook);
    const two = MODES[r.mode].threads === 1 && n > 1 ? `${sec((Math.ceil(n / 2) * r.wall))} (${minutes(Math.ceil(n / 2) * r.wall)})` : "—";
    console.log(`| ${NOTEBOOKS[r.notebook]} | ${r.mode} | ${sec(r.wall)} | ${sec(n * r.wall)} (${minutes(n * r.wall)}) | ${two} |`);
  }
  console.log("\nFull-run structure and what the committed full runs recorded:\n");
  for (const nb of args.notebooks) {
    console.log(`- **${NOTEBOOKS[nb]}**: ${structure(nb, args.quick)} Committed: ${committed(nb)}.`);
  }
  if (args.json !== null) {
    writeFileSync(args.json, `${JSON.stringify({ command: cmd, date: started.toISOString(), cpus: cpu.length, cpu: cpu[0]?.model, loadStart: load0, loadEnd: load1, runs }, null, 1)}\n`);
    console.log(`\n(every child's numbers: ${args.json})`);
  }
}

const parsed = parseArgs(process.argv.slice(2));
if (parsed.child) {
  child(parsed).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  parent(parsed, process.argv.slice(2));
}
