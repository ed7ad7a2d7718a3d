// Helpers the benchmark scripts share: medians, timing (wall and CPU seconds), agreement of two value lists, and the
// python that has PyTorch (the side-by-side reference; installed by `bash scripts/setup.sh --bench`).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Median wall and CPU seconds (this process, all its threads) of `repeats` runs after one warm-up (none with
 * `warmUp: false`, for a case that takes tens of seconds), every run's wall seconds, and the last result.
 */
export function timed<T>(fn: () => T, repeats: number, warmUp = true): { wall: number; cpu: number; walls: number[]; result: T } {
  let result = warmUp ? fn() : (undefined as T);
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    result = fn();
    const d = process.cpuUsage(c);
    walls.push((performance.now() - t) / 1000);
    cpus.push((d.user + d.system) / 1e6);
  }
  return { wall: median(walls), cpu: median(cpus), walls, result };
}

/** The largest absolute difference between two equally long lists. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The python that imports torch (setup's cached choice first), or null. */
export function torchPython(root: string): string | null {
  const cached = path.join(root, ".cache", "torch-python");
  for (const py of [existsSync(cached) ? readFileSync(cached, "utf8").trim() : "", "/usr/bin/python3", "python3"]) {
    if (!py) continue;
    try {
      execFileSync(py, ["-c", "import torch"], { stdio: "ignore" });
      return py;
    } catch {
      // try the next
    }
  }
  return null;
}

/**
 * Replaces BENCHMARKS.md's section between `<!-- NAME:start -->` and `<!-- NAME:end -->` with `section` (which
 * carries both markers), or appends it when the file has none; every other line of the file is kept. Atomic.
 */
export function writeSection(root: string, name: string, section: string): void {
  const file = path.join(root, "BENCHMARKS.md");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const re = new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`);
  // Written atomically (a temporary file beside it, then a rename), as bench/run.ts wrote the whole file before.
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, re.test(text) ? text.replace(re, () => section) : `${text.trimEnd()}\n\n${section}\n`);
  renameSync(tmp, file);
}
