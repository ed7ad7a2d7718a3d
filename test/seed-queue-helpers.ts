import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..");
/** The fixture notebook: two seed sweeps, the second using the first's results (as 04's tuning and study seeds). */
export const NOTEBOOK = "test/fixtures/seed-queue.ipynb";

/** A process the test started, with everything it printed so far. */
export interface Proc {
  readonly child: ChildProcess;
  text: string;
  stdout: string;
  stderr: string;
  /** Resolves with the first match of `re` in its output; rejects if it exits first. */
  waitFor(re: RegExp): Promise<RegExpExecArray>;
  /** Resolves with its exit code. */
  readonly exit: Promise<number>;
}

/** Starts `node ARGS` in the checkout; `group` makes it lead its own process group (to kill it with its children). */
export function start(args: string[], env: NodeJS.ProcessEnv, group = false): Proc {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: group });
  const p: Proc = {
    child,
    text: "",
    stdout: "",
    stderr: "",
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(p.text);
          if (m) {
            child.stdout?.off("data", check);
            child.stderr?.off("data", check);
            resolve(m);
          }
        };
        child.stdout?.on("data", check);
        child.stderr?.on("data", check);
        child.on("exit", () => {
          check();
          reject(new Error(`process exited before ${re}:\n${p.text}`));
        });
        check();
      }),
    exit: new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1))),
  };
  child.stdout?.prependListener("data", (d: Buffer) => {
    p.text += d.toString();
    p.stdout += d.toString();
  });
  child.stderr?.prependListener("data", (d: Buffer) => {
    p.text += d.toString();
    p.stderr += d.toString();
  });
  return p;
}

/** Runs the fixture notebook's code (as a kernel would) with these settings of the environment. */
export function runNotebook(env: NodeJS.ProcessEnv): Proc {
  return start([path.join(ROOT, "dist", "runs", "notebook-code.js"), NOTEBOOK], { FULL: "1", ANTITRAIN_NOTEBOOK: NOTEBOOK, ...env });
}

/** `antitrain worker` from dist/, with short locks so a killed worker's job is taken over within seconds. */
export function startWorker(redis: string, out: string, env: NodeJS.ProcessEnv = {}): Proc {
  const args = [path.join(ROOT, "dist", "runs", "cli.js"), "worker", "--redis", redis, "--out", out, "--lock-ms", "2000", "--stalled-ms", "1000"];
  // TMPDIR: a killed worker's job folder stays inside `out`, which the test removes.
  return start(args, { TMPDIR: out, ...env }, true);
}

/** The notebook's last "results {...}" line: what its seed loop read from the cache. */
export function resultsLine(text: string): string {
  const lines = text.split("\n").filter((l) => l.startsWith("results "));
  if (lines.length === 0) throw new Error(`no results line in:\n${text}`);
  return lines[lines.length - 1];
}

/** Every record of a seed cache folder: "name/seed-S.json" → the record. */
export function cacheRecords(dir: string): Map<string, { settings: string; numerics: string; value: unknown; computedBy?: string }> {
  const out = new Map();
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir).sort()) {
    for (const f of fs.readdirSync(path.join(dir, name)).sort()) out.set(`${name}/${f}`, JSON.parse(fs.readFileSync(path.join(dir, name, f), "utf8")));
  }
  return out;
}

/** Fails with the fix when dist/ is missing or older than lib/ (the fixture notebook and the workers run dist/). */
export function requireFreshBuild(): void {
  const built = path.join(ROOT, "dist", "runs", "notebook-code.js");
  if (!fs.existsSync(built)) throw new Error("dist/ has no runs/notebook-code.js: run `npm run build` first (npm test does)");
  const time = fs.statSync(path.join(ROOT, "dist", "index.js")).mtimeMs;
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const newer = walk(path.join(ROOT, "lib")).filter((f) => f.endsWith(".ts") && fs.statSync(f).mtimeMs > time);
  if (newer.length > 0) throw new Error(`dist/ is older than ${path.relative(ROOT, newer[0])}: run \`npm run build\` first`);
}
