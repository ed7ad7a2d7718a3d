import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "./errors";
import { installWasmConvGrads } from "./wasm-conv-grads";
import { requireKnownKeys } from "./validate";
import { installWasmMatMul, wasmMatMulInstalled, wasmMatMulMode } from "./wasm-matmul";
import { startThreadedWasm, threadsStartTimeoutS, wasmThreads, wasmThreadsWanted } from "./wasm-threads";

export type BackendName = "tensorflow" | "wasm" | "cpu";

let chosen: Promise<BackendName> | null = null;
let chosenThreads = 1;

/** Options of {@link ready}. */
export interface ReadyOptions {
  /** Print nothing about the backend (default false: one line says which backend runs). */
  quiet?: boolean;
  /**
   * Threads of the wasm backend, 1 to 8; default `ANTITRAIN_THREADS`, else the CPU cores (at most 4). 1 runs the
   * single-threaded build. Fixed for the process at the first call. Ignored by the tensorflow and cpu backends.
   */
  threads?: number;
}

/**
 * Picks and initializes the fastest backend that loads — `@tensorflow/tfjs-node` ("tensorflow"), else
 * `@tensorflow/tfjs-backend-wasm`, else "cpu" — prints which one runs, and returns its name.
 * `ANTITRAIN_BACKEND=tensorflow|wasm|cpu` forces one. Safe to call many times; the first call fixes backend and
 * threads for the process. On wasm it installs faster matmul kernels for transposed operands (see
 * `installWasmMatMul`; `ANTITRAIN_WASM_MATMUL=tfjs` keeps tfjs's own) and the convolution gradient kernels wasm
 * lacks, so CNNs train there (see `installWasmConvGrads`). On wasm it runs tfjs's threaded-SIMD build on `threads`
 * threads (`ANTITRAIN_THREADS`, default the CPU cores, at most 4; see lib/base/wasm-threads.ts) and falls back to the
 * single-threaded build, with one line on stderr, if that build does not start; results are identical either way.
 *
 * @example
 * const backend = await at.ready();   // "wasm" on a machine without tfjs-node's native library
 * at.wasmThreads();                   // 2 on a 2-core machine
 * // or: await at.ready({ threads: 1 }) as the first call, or ANTITRAIN_THREADS=1, for the single-threaded build
 */
export function ready(options: ReadyOptions = {}): Promise<BackendName> {
  try {
    requireKnownKeys(options, ["quiet", "threads"], "ready");
    if (options.quiet !== undefined && typeof options.quiet !== "boolean") {
      throw new AntitrainError(`ready: quiet must be true or false, got ${JSON.stringify(options.quiet)}`);
    }
    if (options.threads !== undefined) wasmThreadsWanted(options.threads);
    if (chosen === null) {
      // the environment is read once, when the backend is chosen
      chosenThreads = wasmThreadsWanted(options.threads);
      threadsStartTimeoutS(); // a bad ANTITRAIN_THREADS_TIMEOUT_S fails here, not as "threads did not start"
    }
  } catch (e) {
    return Promise.reject(e);
  }
  if (chosen === null) {
    chosen = choose(options.quiet ?? false, chosenThreads);
  } else if (options.threads !== undefined && options.threads !== chosenThreads) {
    return Promise.reject(
      new AntitrainError(
        `ready({ threads: ${options.threads} }): this process already chose ${chosenThreads} thread${chosenThreads === 1 ? "" : "s"} at its first at.ready(); the backend starts once per process: set ANTITRAIN_THREADS=${options.threads} (or pass threads) before the first call`,
      ),
    );
  }
  return chosen;
}

/**
 * What the numbers depend on besides code and seeds: the backend, and on wasm which matmul kernels run
 * ("wasm/explicit-transpose" once `ready()` installed them, else "wasm/tfjs"). The seed cache keys on it; provenance
 * lines print it. The wasm thread count is deliberately not part of it: 1 and 2 threads give bit-identical results
 * (test/wasm-threads.test.ts checks importance on every path, Adam steps, convolution gradients and the matmul
 * kernels), so seed caches made on one thread stay valid on two.
 */
export function numericsTag(): string {
  const name = tf.getBackend();
  if (name !== "wasm") return String(name);
  return wasmMatMulInstalled() ? "wasm/explicit-transpose" : "wasm/tfjs";
}

/** The backend tfjs is running now. */
export function backendName(): string {
  return tf.getBackend();
}

async function choose(quiet: boolean, threads: number): Promise<BackendName> {
  wasmMatMulMode(); // a misspelled ANTITRAIN_WASM_MATMUL fails here, not as "wasm unavailable"
  const forced = process.env.ANTITRAIN_BACKEND?.trim();
  const order: BackendName[] =
    forced === undefined || forced === "" ? ["tensorflow", "wasm", "cpu"] : [parseBackend(forced)];
  const reasons: string[] = [];
  for (const name of order) {
    const why = await tryBackend(name, threads);
    if (why === null) {
      if (!quiet) console.log(backendLine(name, reasons, Boolean(forced)));
      return name;
    }
    reasons.push(`${name} unavailable: ${why}`);
  }
  chosen = null;
  throw new Error(`antitrain: no tfjs backend could start: ${reasons.join("; ")}`);
}

const DESCRIPTION: Record<BackendName, string> = {
  tensorflow: "native TensorFlow through @tensorflow/tfjs-node",
  wasm: "WebAssembly",
  cpu: "plain JavaScript, the slow reference",
};

/** One informative line about the backend that runs, and why a faster one does not (never phrased as an error). */
function backendLine(name: BackendName, skipped: readonly string[], forced: boolean): string {
  let note = "";
  if (forced) note = "; chosen by ANTITRAIN_BACKEND";
  else if (skipped.length > 0 && skipped.every((r) => r.includes("Cannot find module"))) {
    note = "; the optional native tfjs-node is not installed";
  } else if (skipped.length > 0) note = `; faster backends did not start: ${skipped.join("; ")}`;
  const threads = name === "wasm" ? `, ${wasmThreads()} thread${wasmThreads() === 1 ? "" : "s"}` : "";
  return `antitrain: computing on the ${name} backend (${DESCRIPTION[name]}${threads}${note})`;
}

function parseBackend(value: string): BackendName {
  if (value === "tensorflow" || value === "node" || value === "tfjs-node") return "tensorflow";
  if (value === "wasm" || value === "cpu") return value;
  throw new AntitrainError(`ANTITRAIN_BACKEND="${value}" is not a backend: use tensorflow, wasm or cpu`);
}

/**
 * Emscripten's glue (tfjs-backend-wasm's module) adds `uncaughtException` and `unhandledRejection` listeners that
 * rethrow, so any later uncaught error is reported from inside the minified module: Node then prints its 60 KB
 * source line before the error's own message. Removes the listeners the backend's start added; Node's own report
 * (the message and stack) is then what a user sees.
 */
function withoutEmscriptenErrorHooks<T>(start: () => Promise<T>): Promise<T> {
  type Listener = (...args: unknown[]) => void;
  const emitter = process as unknown as { listeners(e: string): Listener[]; removeListener(e: string, l: Listener): void };
  const events = ["uncaughtException", "unhandledRejection"];
  const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
  const restore = () => {
    for (const e of events) for (const l of emitter.listeners(e)) if (!before.get(e)?.has(l)) emitter.removeListener(e, l);
  };
  return start().finally(restore);
}

async function tryBackend(name: BackendName, threads: number): Promise<string | null> {
  return withoutEmscriptenErrorHooks(() => startBackend(name, threads));
}

async function startBackend(name: BackendName, threads: number): Promise<string | null> {
  try {
    if (name === "tensorflow") require("@tensorflow/tfjs-node");
    if (name === "wasm") require("@tensorflow/tfjs-backend-wasm");
    let ok = false;
    if (name === "wasm" && threads > 1) {
      let why: string | null;
      try {
        why = await startThreadedWasm(threads);
      } catch (e) {
        why = (e instanceof Error ? e.message : String(e)).split("\n")[0];
      }
      if (why === null) ok = true;
      else console.error(`antitrain: the threaded wasm build did not start (${why}); computing on one thread (ANTITRAIN_THREADS=1 skips the attempt)`);
    }
    if (!ok) ok = await tf.setBackend(name);
    if (!ok) return "setBackend returned false";
    await tf.ready();
    if (name === "wasm") {
      installWasmMatMul();
      installWasmConvGrads();
    }
    return null;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return msg.split("\n")[0].slice(0, 120);
  }
}
