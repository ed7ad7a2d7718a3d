import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "./errors";

/**
 * Both cores on the wasm backend. `@tensorflow/tfjs-backend-wasm` ships a threaded-SIMD build (XNNPACK with a pool
 * of Emscripten pthreads) but never starts it under Node: its feature flag `WASM_HAS_MULTITHREAD_SUPPORT` is false
 * on Node, and its loader hands Emscripten's pthread glue browser things Node's `worker_threads` cannot take — the
 * worker script and the main script as `Blob` URLs, the main script as a `Blob` inside the workers' "load" message,
 * and a main script whose text refers to helpers that only exist inside tfjs-backend-wasm's Node bundle. The shim
 * below supplies those pieces for the few milliseconds the build takes to start, then puts every global back:
 *
 * - `Blob` records the text of the two scripts tfjs makes, and `URL.createObjectURL` names the worker script;
 * - `worker_threads.Worker` (which the glue uses as `Worker`) starts each pthread worker from that text with
 *   `eval: true`, after a prelude that defines the bundle helpers the main script refers to, and gives the main
 *   script to the worker's `importScripts`;
 * - `os.cpus()` reports twice the wanted thread count while the module initializes: tfjs's C++ caps the XNNPACK
 *   pool at `logical cores / 2` (it assumes two hyperthreads a core), and that cap is read once, at start.
 *
 * The pthread workers never keep the process alive (the glue `ref()`s a running one; the shim ignores that): they
 * only compute while the main thread waits in a kernel. If the build does not start within the start-up timeout, or
 * a worker fails while starting, the caller falls back to the single-threaded build (see `ready()` in backend.ts).
 *
 * Numerics: 1 and 2 threads give bit-identical results for every path checked in test/wasm-threads.test.ts (exact
 * importance on every path, Adam training steps, convolution forward and backward through the custom gradient
 * kernels, the explicit-transpose matmul kernels): XNNPACK splits the output of a product into tiles across threads
 * but sums each output element on one thread in the same order, and tfjs's other kernels are not threaded.
 */

/**
 * The most threads the threaded build runs: Emscripten's pre-started pool and tfjs's XNNPACK cap are both 8.
 *
 * @example
 * at.ready({ threads: at.MAX_WASM_THREADS });   // 8 threads
 * at.ready({ threads: 9 });                      // rejects: an integer from 1 to 8
 */
export const MAX_WASM_THREADS = 8;
/** The default thread count is the number of CPU cores, capped here (more threads rarely help these sizes). */
const DEFAULT_CAP = 4;
/** How long the threaded build may take to start (8 workers, each loading the wasm module) before the fallback. */
const DEFAULT_START_TIMEOUT_S = 30;
const MAIN_SCRIPT_PREFIX = "var WasmBackendModuleThreadedSimd";

type WasmModule = { setThreadsCount(n: number): void; getThreadsCount(): number };
type WorkerCtor = new (filename: string | URL, options?: object) => NodeWorker;
type NodeWorker = import("node:worker_threads").Worker;

let running = 1;

/** The number of CPU cores this process may use (`os.availableParallelism()` where Node has it). */
export function cpuCores(): number {
  const os = require("node:os") as typeof import("node:os");
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

/**
 * The thread count used when neither `ANTITRAIN_THREADS` nor `ready({ threads })` gives one: the cores, at most 4.
 *
 * @example
 * at.defaultThreads();   // 2 on a 2-core machine, 4 on a 16-core one
 * delete process.env.ANTITRAIN_THREADS;
 * at.wasmThreadsWanted() === at.defaultThreads();   // true
 */
export function defaultThreads(): number {
  return Math.max(1, Math.min(cpuCores(), DEFAULT_CAP));
}

/**
 * Checks a thread count: an integer from 1 to {@link MAX_WASM_THREADS}. `name` says where it came from (an option or
 * the environment variable) so the message points at the thing to fix.
 */
export function requireThreads(value: unknown, name: string): number {
  const n = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_WASM_THREADS) return n;
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  throw new AntitrainError(
    `${name}=${shown} is not a thread count: use an integer from 1 to ${MAX_WASM_THREADS} (1 runs the single-threaded wasm build; unset, antitrain uses the CPU cores, at most ${DEFAULT_CAP}: ${defaultThreads()} here)`,
  );
}

/**
 * The thread count the wasm backend should run: `option` (from `ready({ threads })`) if given, else
 * `ANTITRAIN_THREADS` if set, else {@link defaultThreads}. Throws an AntitrainError for a value that is not an
 * integer from 1 to 8.
 *
 * @example
 * process.env.ANTITRAIN_THREADS = "1";
 * at.wasmThreadsWanted();        // 1: the single-threaded build, as before threads existed
 * at.wasmThreadsWanted(2);       // 2: an explicit option wins over the environment
 */
export function wasmThreadsWanted(option?: number): number {
  if (option !== undefined) return requireThreads(option, "ready({ threads })");
  const env = process.env.ANTITRAIN_THREADS;
  if (env === undefined || env.trim() === "") return defaultThreads();
  return requireThreads(env, "ANTITRAIN_THREADS");
}

/**
 * The threads each of `children` processes started together on this machine should use so that, together, they do
 * not oversubscribe its cores: max(1, floor(cores / children)). Used for notebook seed kernels and sweep workers.
 *
 * @example
 * at.threadsPerChild(1);   // 2 on a 2-core machine
 * at.threadsPerChild(2);   // 1 there: two seed kernels, one thread each
 * at.threadsPerChild(3);   // 1 (never less)
 */
export function threadsPerChild(children: number): number {
  if (!(Number.isInteger(children) && children >= 1)) throw new AntitrainError(`threadsPerChild: children must be a positive integer, got ${String(children)}`);
  return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(cpuCores() / children)));
}

/**
 * A copy of `env` for one of `children` processes started together: `ANTITRAIN_THREADS` set to
 * {@link threadsPerChild}, unless the user set it (then it is passed on as it is).
 *
 * @example
 * const env = at.childThreadsEnv(2);   // { ...process.env, ANTITRAIN_THREADS: "1" } on a 2-core machine
 * const a = fork(script, [], { env });
 * const b = fork(script, [], { env });  // two workers, one core each
 */
export function childThreadsEnv(children: number, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out = { ...env };
  if (out.ANTITRAIN_THREADS === undefined || out.ANTITRAIN_THREADS.trim() === "") out.ANTITRAIN_THREADS = String(threadsPerChild(children));
  return out;
}

/**
 * The number of threads the wasm backend computes on: more than 1 only when `ready()` started the threaded build;
 * 1 on the single-threaded build and on other backends (tfjs-node manages its own threads).
 *
 * @example
 * await at.ready();
 * at.wasmThreads();   // 2 on a 2-core machine
 * // ANTITRAIN_THREADS=1 node train.js   → 1
 */
export function wasmThreads(): number {
  return tf.getBackend() === "wasm" ? running : 1;
}

/** Start-up timeout of the threaded build, seconds: `ANTITRAIN_THREADS_TIMEOUT_S` (a positive number) or 30. */
export function threadsStartTimeoutS(): number {
  const v = process.env.ANTITRAIN_THREADS_TIMEOUT_S?.trim();
  if (v === undefined || v === "") return DEFAULT_START_TIMEOUT_S;
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) {
    throw new AntitrainError(`ANTITRAIN_THREADS_TIMEOUT_S="${v}" is not a time: use a positive number of seconds (default ${DEFAULT_START_TIMEOUT_S})`);
  }
  return n;
}

/**
 * Code run in each pthread worker before tfjs's worker script: the names tfjs's Node bundle gives to modules and
 * TypeScript helpers, which the threaded build's main script (the text of a function from that bundle) refers to.
 */
const WORKER_PRELUDE = `
globalThis.require$$0 = require("fs"); globalThis.require$$1 = require("path");
globalThis.require$$3 = require("perf_hooks"); globalThis.require$$4 = require("os");
globalThis.commonjsGlobal = globalThis; globalThis._scriptDir = undefined;
globalThis.__values = function (o) { return o[Symbol.iterator](); };
globalThis.__read = function (o, n) { var out = [], it = o[Symbol.iterator](), r; while ((n === undefined || n-- > 0) && !(r = it.next()).done) out.push(r.value); return out; };
globalThis.__spreadArray = function (to, from) { return to.concat(Array.prototype.slice.call(from)); };
`;
/** Code run after tfjs's worker script: `importScripts` (called with the main script's Blob URL) runs its text. */
const WORKER_POSTLUDE = `
;globalThis.importScripts = function () { (0, eval)(require("worker_threads").workerData.mainScript); };
`;

interface Attempt {
  workers: NodeWorker[];
  fail: (why: string) => void;
  starting: boolean;
}

/**
 * Starts tfjs-backend-wasm's threaded-SIMD build with `threads` threads (2 to 8) as the "wasm" backend. Resolves to
 * null when it runs, else to a short reason (and leaves no backend instance and no pthread worker behind, so the
 * caller can start the single-threaded build). Never hangs: start-up has a timeout ({@link threadsStartTimeoutS}).
 */
export async function startThreadedWasm(threads: number): Promise<string | null> {
  requireThreads(threads, "threads");
  const timeoutS = threadsStartTimeoutS();
  const wasm = require("@tensorflow/tfjs-backend-wasm") as WasmModule;
  const wt = require("node:worker_threads") as { Worker: WorkerCtor };
  const os = require("node:os") as { cpus: () => unknown[] };
  const g = globalThis as unknown as Record<string, unknown>;

  const texts = new WeakMap<Blob, string>();
  const scripts = new Map<string, string>();
  let mainScript: string | null = null;
  let failure: ((why: string) => void) | null = null;
  const attempt: Attempt = { workers: [], starting: true, fail: (why) => failure?.(why) };

  const saved = { Blob: globalThis.Blob, createObjectURL: URL.createObjectURL, Worker: wt.Worker, cpus: os.cpus, hadWorker: "Worker" in g, globalWorker: g.Worker };
  const OriginalBlob = saved.Blob;
  class RecordingBlob extends OriginalBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts?.every((p) => typeof p === "string")) {
        const text = (parts as string[]).join("");
        texts.set(this, text);
        if (text.startsWith(MAIN_SCRIPT_PREFIX)) mainScript = text;
      }
    }
  }
  const OriginalWorker = saved.Worker;
  class PthreadWorker extends OriginalWorker {
    constructor(filename: string | URL, options?: object) {
      const script = typeof filename === "string" ? scripts.get(filename) : undefined;
      if (script === undefined) {
        super(filename, options);
        return;
      }
      super(WORKER_PRELUDE + script + WORKER_POSTLUDE, { eval: true, workerData: { mainScript } });
      attempt.workers.push(this);
      super.on("exit", (code: number) => {
        if (attempt.starting) attempt.fail(`a pthread worker exited while starting (code ${code})`);
      });
    }
    /** The glue refs a worker while it runs a pthread; XNNPACK's pool threads live forever, so they stay unref'd. */
    override ref(): void {}
    /**
     * The glue sets `worker.onerror` to a handler that rethrows (an uncaught exception in this process) and calls it
     * from the worker's "error" event: while starting, a failure means falling back instead.
     */
    get onerror(): (e: unknown) => void {
      return (e) => {
        if (attempt.starting) attempt.fail(`a pthread worker failed: ${String(e instanceof Error ? e.message : e).split("\n")[0]}`);
        else this.glueOnError?.(e);
      };
    }
    set onerror(handler: (e: unknown) => void) {
      this.glueOnError = handler;
    }
    private glueOnError: ((e: unknown) => void) | undefined;
    override postMessage(message: unknown, transfer?: readonly import("node:worker_threads").TransferListItem[]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      // a Blob cannot stand for a script in a Node worker: the main script's text travels in workerData instead
      if (m?.cmd === "load" && m.urlOrBlob instanceof OriginalBlob) message = { ...m, urlOrBlob: "antitrain:main-script" };
      super.postMessage(message, transfer);
    }
  }

  const restore = () => {
    g.Blob = saved.Blob;
    URL.createObjectURL = saved.createObjectURL;
    wt.Worker = saved.Worker;
    os.cpus = saved.cpus;
    if (saved.hadWorker) g.Worker = saved.globalWorker;
    else delete g.Worker;
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    g.Blob = RecordingBlob;
    URL.createObjectURL = (obj: Blob | MediaSource) => {
      const text = obj instanceof OriginalBlob ? texts.get(obj) : undefined;
      if (text === undefined) return saved.createObjectURL(obj);
      const url = `antitrain:wasm-script-${scripts.size}`;
      scripts.set(url, text);
      return url;
    };
    wt.Worker = PthreadWorker as unknown as WorkerCtor;
    os.cpus = () => Array.from({ length: 2 * threads }, () => saved.cpus()[0]);
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    wasm.setThreadsCount(threads);
    const failed = new Promise<string>((resolve) => {
      failure = resolve;
      timer = setTimeout(() => resolve(`its ${MAX_WASM_THREADS} pthread workers did not start within ${timeoutS} s (ANTITRAIN_THREADS_TIMEOUT_S)`), timeoutS * 1000);
    });
    const started = tf
      .setBackend("wasm")
      .then((ok) => (ok ? null : "tfjs could not initialize it"))
      .catch((e: unknown) => String(e instanceof Error ? e.message : e).split("\n")[0]);
    const why = await Promise.race([started, failed]);
    if (why === null && tf.getBackend() === "wasm") {
      attempt.starting = false;
      running = Math.max(1, wasm.getThreadsCount());
      return null;
    }
    return why ?? "tfjs chose another backend";
  } finally {
    clearTimeout(timer);
    restore();
    if (attempt.starting) {
      attempt.starting = false;
      forgetWasmInstance();
      for (const w of attempt.workers) void w.terminate();
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      wasm.setThreadsCount(-1);
      running = 1;
    }
  }
}

/**
 * After a failed start: makes tfjs ignore the threaded initialization if it completes later (as `tf.removeBackend`
 * does, but keeping the factory so "wasm" can start again single-threaded) and drops an instance it already made.
 */
function forgetWasmInstance(): void {
  const engine = tf.engine() as unknown as { pendingBackendInitId?: number; registry?: Record<string, tf.KernelBackend | undefined>; backendName?: string | null; backendInstance?: unknown };
  if (typeof engine.pendingBackendInitId === "number") engine.pendingBackendInitId++;
  const instance = engine.registry?.wasm;
  if (engine.registry === undefined || instance === undefined) return;
  delete engine.registry.wasm;
  if (engine.backendName === "wasm") {
    engine.backendName = null;
    engine.backendInstance = null;
  }
  try {
    instance.dispose();
  } catch {
    // its pthread workers are gone; nothing else holds it
  }
}
