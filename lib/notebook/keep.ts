import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";

/** Anything {@link keep} can free: a tensor, a model or other object with `dispose()`, or arrays and plain objects of them. */
export type Disposable = tf.Tensor | { dispose(): void } | readonly Disposable[] | { readonly [key: string]: Disposable | unknown };

const kept = new Map<string, unknown>();

/**
 * Makes a notebook cell safe to re-run: holds `value` under `name` and frees whatever the previous run of the cell
 * held under that name (tensors, models, optimizers, datasets, and arrays or plain objects of them; anything
 * already disposed is skipped). So re-running a cell that builds a model or a dataset replaces it without leaking
 * the old one, and no cleanup cell at the end of a notebook has to dispose what an earlier cell made. Returns
 * `value`. Mutates nothing else.
 *
 * @example
 * const model = at.keep("model", at.mlp({ inputs: 64, hidden: [128], classes: 10, seed: 0 }));
 * const { train, test } = at.keep("digits", at.digits());
 * const anti = at.keep("antitrained", model.clone());   // antitrain a copy: re-running this cell starts over
 */
export function keep<T>(name: string, value: T): T {
  if (typeof name !== "string" || name === "") throw new AntitrainError(`keep: name must be a non-empty string naming what the cell makes, e.g. "model", got ${JSON.stringify(name)}`);
  const previous = kept.get(name);
  kept.set(name, value);
  if (previous !== undefined && previous !== value) release(previous, reachable(value, new Set()), new Set());
  return value;
}

/** `v` and everything in it, following arrays and plain objects (what the new value still uses must stay alive). */
function reachable(v: unknown, into: Set<unknown>): Set<unknown> {
  if (v === null || typeof v !== "object" || into.has(v)) return into;
  into.add(v);
  if (Array.isArray(v)) for (const item of v) reachable(item, into);
  else if (Object.getPrototypeOf(v) === Object.prototype) for (const item of Object.values(v)) reachable(item, into);
  return into;
}

/** Frees `v` unless it is (or holds) something in `keep`; follows arrays and plain objects; each object once. */
function release(v: unknown, keepAlive: Set<unknown>, seen: Set<unknown>): void {
  if (v === null || typeof v !== "object" || seen.has(v) || keepAlive.has(v)) return;
  seen.add(v);
  if (v instanceof tf.Tensor) {
    if (!v.isDisposed) v.dispose();
    return;
  }
  if (typeof (v as { dispose?: unknown }).dispose === "function") {
    try {
      (v as { dispose(): void }).dispose();
    } catch {
      // already disposed: nothing left to free
    }
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) release(item, keepAlive, seen);
    return;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) for (const item of Object.values(v)) release(item, keepAlive, seen);
}
