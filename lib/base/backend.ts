import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "./errors";
import { installWasmConvGrads } from "./wasm-conv-grads";
import { installWasmMatMul, wasmMatMulInstalled, wasmMatMulMode } from "./wasm-matmul";

export type BackendName = "tensorflow" | "wasm" | "cpu";

let chosen: Promise<BackendName> | null = null;

/**
 * Picks and initializes the fastest backend that loads — `@tensorflow/tfjs-node` ("tensorflow"), else
 * `@tensorflow/tfjs-backend-wasm`, else "cpu" — prints which one runs, and returns its name.
 * `ANTITRAIN_BACKEND=tensorflow|wasm|cpu` forces one. Safe to call many times. On wasm it installs faster matmul
 * kernels for transposed operands (see `installWasmMatMul`; `ANTITRAIN_WASM_MATMUL=tfjs` keeps tfjs's own) and the
 * convolution gradient kernels wasm lacks, so CNNs train there (see `installWasmConvGrads`).
 *
 * @example
 * const backend = await at.ready();   // "wasm" on a machine without tfjs-node's native library
 */
export function ready(options: { quiet?: boolean } = {}): Promise<BackendName> {
  if (chosen === null) chosen = choose(options.quiet ?? false);
  return chosen;
}

/**
 * What the numbers depend on besides code and seeds: the backend, and on wasm which matmul kernels run
 * ("wasm/explicit-transpose" once `ready()` installed them, else "wasm/tfjs"). The seed cache keys on it; provenance
 * lines print it.
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

async function choose(quiet: boolean): Promise<BackendName> {
  wasmMatMulMode(); // a misspelled ANTITRAIN_WASM_MATMUL fails here, not as "wasm unavailable"
  const forced = process.env.ANTITRAIN_BACKEND?.trim();
  const order: BackendName[] =
    forced === undefined || forced === "" ? ["tensorflow", "wasm", "cpu"] : [parseBackend(forced)];
  const reasons: string[] = [];
  for (const name of order) {
    const why = await tryBackend(name);
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
  return `antitrain: computing on the ${name} backend (${DESCRIPTION[name]}${note})`;
}

function parseBackend(value: string): BackendName {
  if (value === "tensorflow" || value === "node" || value === "tfjs-node") return "tensorflow";
  if (value === "wasm" || value === "cpu") return value;
  throw new AntitrainError(`ANTITRAIN_BACKEND="${value}" is not a backend: use tensorflow, wasm or cpu`);
}

async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === "tensorflow") require("@tensorflow/tfjs-node");
    if (name === "wasm") require("@tensorflow/tfjs-backend-wasm");
    const ok = await tf.setBackend(name);
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
