import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..");
/** The tiny study the workers compute (registered when its module loads: ANTITRAIN_STUDY_MODULES). */
export const TINY_STUDY = path.join(ROOT, "test", "fixtures", "tiny-study.ts");

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

/**
 * `antitrain worker` from the sources (tsx, so it can load the tiny study's .ts module), with short locks so a killed
 * worker's job is taken over within seconds; it leads its own process group, so killing it takes its seed-worker
 * child along, as when a machine dies.
 */
export function startWorker(redis: string, out: string, env: NodeJS.ProcessEnv = {}): Proc {
  const args = ["--import", "tsx", path.join(ROOT, "lib", "runs", "cli.ts"), "worker", "--redis", redis, "--out", out, "--lock-ms", "2000", "--stalled-ms", "1000"];
  return start(args, { TMPDIR: out, ANTITRAIN_STUDY_MODULES: TINY_STUDY, ANTITRAIN_THREADS: "1", ...env }, true);
}
