import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../lib/base/backend";
import { type CheckpointArray, latestCheckpoint, listCheckpoints, readCheckpoint, writeCheckpoint } from "../lib/runs/checkpoint";
import { type RunConfig, parseRunConfig } from "../lib/runs/config";
import { AntitrainError } from "../lib/base/errors";
import { runFromConfig } from "../lib/runs/run";
import { tempDirs } from "./temp";

const ROOT = path.resolve(__dirname, "..");
const CONFIG = {
  task: { kind: "teacher-student", inputs: 8, teacherHidden: 4, classes: 4, train: 256, test: 128, seed: 0 },
  model: { hidden: [16] },
  sites: ["h1"],
  schedule: { kind: "interleaved", antiSteps: 1, cycle: 20 },
  fraction: 0.5,
  batchSize: 32,
  pretrainSteps: 20,
  steps: 60,
  seed: 3,
  checkpointEvery: 10,
  evalEvery: 20,
};

const temp = tempDirs();
/** CLI runs still going (a failed test may leave one): stopped before their folders are removed. */
const running = new Set<ChildProcess>();
after(async () => {
  await Promise.all(
    [...running].map((child) => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      return exited;
    }),
  );
  temp.remove();
});

function scratch(): string {
  return temp.make("antitrain-run-");
}

function writeConfig(dir: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, "config.json");
  fs.writeFileSync(file, JSON.stringify({ ...CONFIG, ...extra }));
  return file;
}

interface Child {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when a line matching `re` has been printed. */
  waitFor(re: RegExp): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `antitrain run ...` in a child process (the CLI through tsx, as a user would run it). */
function cli(args: string[]): Child {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "lib", "runs", "cli.ts"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let text = "";
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    text += d.toString();
    for (const w of [...waiters]) {
      if (w.re.test(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    output: () => text,
    waitFor: (re) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(text)) return resolve();
        waiters.push({ re, resolve });
        exit.then(() => setTimeout(() => reject(new Error(`exited before printing ${re}:\n${text}`)), 50));
      }),
    exit,
  };
}

async function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  const c = cli(args);
  const { code } = await c.exit;
  return { code, output: c.output() };
}

/** Final weights (the newest checkpoint's arrays) and history of a finished run folder. */
function outcome(out: string): { arrays: Map<string, CheckpointArray>; history: unknown; final: unknown } {
  const found = latestCheckpoint(out);
  assert.ok(found, `no checkpoint in ${out}`);
  const result = JSON.parse(fs.readFileSync(path.join(out, "result.json"), "utf8"));
  return { arrays: found.checkpoint.arrays as Map<string, CheckpointArray>, history: result.history, final: result.final };
}

function assertSameOutcome(a: string, b: string): void {
  const x = outcome(a);
  const y = outcome(b);
  assert.deepEqual([...x.arrays.keys()], [...y.arrays.keys()]);
  for (const [name, arr] of x.arrays) {
    const other = y.arrays.get(name)!;
    assert.ok(Buffer.from(arr.data.buffer).equals(Buffer.from(other.data.buffer)), `array ${name} differs`);
  }
  assert.deepEqual(x.history, y.history);
  assert.deepEqual(x.final, y.final);
}

let reference: string | undefined;
/** The uninterrupted run, made once. */
async function uninterrupted(): Promise<string> {
  if (reference !== undefined) return reference;
  const dir = scratch();
  const out = path.join(dir, "out");
  const { code, output } = await runCli(["run", writeConfig(dir), "--out", out]);
  assert.equal(code, 0, output);
  reference = out;
  return out;
}

test("a run SIGKILLed at a random step resumes to identical final weights and history", async () => {
  const ref = await uninterrupted();
  const h = outcome(ref).history as { losses: number[]; measures: unknown[] };
  assert.equal(h.losses.length, 80);
  assert.ok(h.measures.length >= 3, "the run measured cores during antitraining");

  const dir = scratch();
  const file = writeConfig(dir);
  const out = path.join(dir, "out");
  // Kill somewhere after a random checkpoint (10..50), a random few steps later: at least 30 steps (~0.3 s) remain.
  const after = randomInt(1, 6) * 10;
  const delay = randomInt(0, 60);
  const c = cli(["run", file, "--out", out]);
  await c.waitFor(new RegExp(`step ${after}/80`));
  await new Promise((r) => setTimeout(r, delay));
  c.child.kill("SIGKILL");
  const { signal } = await c.exit;
  assert.equal(signal, "SIGKILL", `killed after ckpt-${after} + ${delay} ms`);
  const steps = listCheckpoints(out).map((x) => x.step);
  assert.ok(steps.length >= 1 && steps[0] < 80, `kill left checkpoints ${steps} (after ckpt-${after} + ${delay} ms)`);

  const resumed = await runCli(["run", file, "--out", out, "--resume"]);
  assert.equal(resumed.code, 0, resumed.output);
  assert.match(resumed.output, /resuming .* from ckpt-\d+ \(step \d+ of 80\)/);
  assertSameOutcome(ref, out);
});

test("SIGINT finishes the step, leaves a verified checkpoint, says how to resume, and resumes exactly", async () => {
  const ref = await uninterrupted();
  const dir = scratch();
  const file = writeConfig(dir);
  const out = path.join(dir, "out");
  const c = cli(["run", file, "--out", out]);
  await c.waitFor(/step 30\/80/);
  c.child.kill("SIGINT");
  const { code } = await c.exit;
  assert.equal(code, 130, c.output());
  const m = /stopped after step (\d+) of 80; checkpoint (\S+) written\. Resume with: antitrain run (\S+) --out (\S+) --resume/.exec(c.output());
  assert.ok(m, c.output());
  const step = Number(m[1]);
  assert.ok(step >= 30 && step < 80);
  assert.equal(readCheckpoint(m[2]).step, step);
  assert.equal(m[2], path.join(out, `ckpt-${step}`));
  const resumed = await runCli(["run", file, "--out", out, "--resume"]);
  assert.equal(resumed.code, 0, resumed.output);
  assert.match(resumed.output, new RegExp(`from ckpt-${step} \\(step ${step} of 80\\)`));
  assertSameOutcome(ref, out);
});

test("SIGTERM, like SIGINT, checkpoints after the current step and exits with 130", async () => {
  const dir = scratch();
  const out = path.join(dir, "out");
  const c = cli(["run", writeConfig(dir), "--out", out]);
  await c.waitFor(/step 20\/80/);
  c.child.kill("SIGTERM");
  const { code } = await c.exit;
  assert.equal(code, 130, c.output());
  assert.match(c.output(), /SIGTERM received: finishing the current step, then checkpointing/);
  const step = Number(/stopped after step (\d+) of 80/.exec(c.output())?.[1]);
  assert.equal(listCheckpoints(out)[0].step, step);
  assert.equal(readCheckpoint(path.join(out, `ckpt-${step}`)).step, step);
});

/** The in-process runs below: stopped after `stopAt` steps. */
async function runTo(config: RunConfig, out: string, stopAt?: number, resume = false) {
  let steps = 0;
  const lines: string[] = [];
  const result = await runFromConfig(config, {
    out,
    resume,
    handleSignals: false,
    log: (l) => lines.push(l),
    shouldStop: stopAt === undefined ? undefined : () => ++steps > stopAt,
  });
  return { result, lines };
}

test("a corrupted newest checkpoint is reported and the previous one resumes the run exactly", async () => {
  await ready({ quiet: true });
  const config = parseRunConfig(CONFIG);
  const whole = scratch();
  const ref = await runTo(config, whole);
  const out = scratch();
  const first = await runTo(config, out, 45);
  assert.equal(first.result.status, "interrupted");
  assert.deepEqual(
    listCheckpoints(out).map((c) => c.step),
    [45, 40],
  );
  const bin = path.join(out, "ckpt-45", "weights.bin");
  const bytes = fs.readFileSync(bin);
  bytes[100] ^= 0x40;
  fs.writeFileSync(bin, bytes);
  const second = await runTo(config, out, undefined, true);
  assert.ok(second.lines.some((l) => /skipping a bad checkpoint: checkpoint .*ckpt-45: weights\.bin fails its SHA-256 check/.test(l)), second.lines.join("\n"));
  assert.ok(second.lines.some((l) => /from ckpt-40 \(step 40 of 80\)/.test(l)));
  assert.deepEqual(second.result.history, ref.result.history);
  assert.deepEqual(second.result.final, ref.result.final);
});

test("resume refuses another config, and a second run into a used folder asks for --resume", async () => {
  const out = scratch();
  const config = parseRunConfig(CONFIG);
  await runTo(config, out, 12);
  await assert.rejects(runTo(parseRunConfig({ ...CONFIG, fraction: 0.6 }), out, undefined, true), /cannot resume .*: it was started with another config \(key "fraction" differs\)/);
  await assert.rejects(runTo(config, out), /already holds a run: pass --resume to continue it, or choose another --out/);
});

test("NaN in the weights stops the run naming the step and site, keeping the last good checkpoint", async () => {
  const config = parseRunConfig(CONFIG);
  const out = scratch();
  await runTo(config, out, 20);
  // Poison the weights of the saved run (a checkpoint with valid checksums, as a diverging run would leave).
  const good = readCheckpoint(path.join(out, "ckpt-20"));
  const arrays = new Map(good.arrays);
  const b1 = Float32Array.from(arrays.get("model/dense1/b")!.data);
  b1[5] = Number.NaN;
  arrays.set("model/dense1/b", { shape: [16], data: b1 });
  writeCheckpoint(out, { step: 20, arrays, state: good.state });
  const before = tf.memory().numTensors;
  await assert.rejects(
    runTo(config, out, undefined, true),
    (e: Error) =>
      e instanceof AntitrainError &&
      /run stopped at step 21: the training loss is NaN \(first non-finite activation: site "h1", unit 5\)/.test(e.message) &&
      e.message.includes(`last good checkpoint is ${path.join(out, "ckpt-20")}`),
  );
  assert.equal(tf.memory().numTensors, before, "a failed run frees its tensors");
  assert.deepEqual(
    listCheckpoints(out).map((c) => c.step),
    [20, 10],
  );
});

test("tf.memory() stays flat over a long run (no tensor leaks per step)", async () => {
  const config = parseRunConfig({ ...CONFIG, pretrainSteps: 10, steps: 590, checkpointEvery: 50, evalEvery: 50, schedule: { kind: "cyclic", train: 30, anti: 10 } });
  const before = tf.memory().numTensors;
  const { result } = await runTo(config, scratch());
  const counts = result.memory.map((m) => m.numTensors);
  assert.equal(counts.length, 12);
  assert.ok(
    counts.every((n) => n === counts[0]),
    `live tensors per checkpoint: ${counts}`,
  );
  assert.equal(tf.memory().numTensors, before);
});
