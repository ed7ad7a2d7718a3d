/**
 * Exact save and restore of a tfjs optimizer's state for checkpoints. `getWeights()`/`setWeights()` hold the
 * iteration count and the slot variables (Adam's moments), but `setWeights` recomputes Adam's running powers of
 * beta with `pow`, which differs from the product accumulated step by step in the last bit: those are saved and
 * put back too, so a resumed run continues bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import type { CheckpointArray, Json } from "./checkpoint";
import { AntitrainError } from "../base/errors";

/** An optimizer's state: its iteration count (JSON) and its slot arrays (for the checkpoint's bin). */
export interface OptimizerState {
  readonly iterations: number;
  /** Slot variables in the optimizer's order. */
  readonly slots: CheckpointArray[];
  /** Extra scalars some optimizers keep outside getWeights (Adam's accBeta1, accBeta2). */
  readonly extras: Record<string, number>;
}

interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

/** Copies an optimizer's state out (no tensors left behind). */
export async function saveOptimizer(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  const [iter, ...slots] = weights;
  const iterations = (await iter.tensor.data())[0];
  iter.tensor.dispose(); // a fresh scalar made by getWeights; the slots are the optimizer's own variables
  const extras: Record<string, number> = {};
  const internals = optimizer as unknown as AdamInternals;
  for (const key of ["accBeta1", "accBeta2"] as const) {
    const v = internals[key];
    if (v !== undefined) extras[key] = (await v.data())[0];
  }
  return {
    iterations,
    slots: await Promise.all(slots.map(async (s) => ({ shape: [...s.tensor.shape], data: Float32Array.from(await s.tensor.data()) }))),
    extras,
  };
}

/** Puts a state from {@link saveOptimizer} back into a fresh optimizer of the same kind and settings. */
export async function restoreOptimizer(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  const tensors = [tf.scalar(state.iterations, "int32"), ...state.slots.map((s) => tf.tensor(s.data, [...s.shape], "float32"))];
  try {
    await optimizer.setWeights(tensors.map((tensor, i) => ({ name: i === 0 ? "iter" : `slot${i}`, tensor })));
  } finally {
    tf.dispose(tensors); // setWeights copies them into new variables
  }
  const internals = optimizer as unknown as AdamInternals;
  for (const [key, value] of Object.entries(state.extras)) {
    const v = internals[key as keyof AdamInternals];
    if (v === undefined) throw new AntitrainError(`optimizer state holds "${key}" but this optimizer has none: use the same optimizer kind`);
    tf.tidy(() => v.assign(tf.scalar(value)));
  }
}

/** Splits a state into arrays (named `prefix/slotI`) and JSON, for a checkpoint. */
export function optimizerToCheckpoint(prefix: string, state: OptimizerState, arrays: Map<string, CheckpointArray>): Json {
  state.slots.forEach((s, i) => arrays.set(`${prefix}/slot${i}`, s));
  return { iterations: state.iterations, slots: state.slots.length, extras: state.extras };
}

/** The inverse of {@link optimizerToCheckpoint}; checks every piece is there. */
export function optimizerFromCheckpoint(prefix: string, json: Json, arrays: ReadonlyMap<string, CheckpointArray>): OptimizerState {
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new AntitrainError(`checkpoint: optimizer state "${prefix}" is missing`);
  const { iterations, slots, extras } = json as Record<string, Json>;
  if (typeof iterations !== "number" || typeof slots !== "number" || extras === null || typeof extras !== "object" || Array.isArray(extras)) {
    throw new AntitrainError(`checkpoint: optimizer state "${prefix}" is malformed`);
  }
  const list: CheckpointArray[] = [];
  for (let i = 0; i < slots; i++) {
    const a = arrays.get(`${prefix}/slot${i}`);
    if (a === undefined) throw new AntitrainError(`checkpoint: optimizer slot "${prefix}/slot${i}" is missing`);
    list.push(a);
  }
  const ex: Record<string, number> = {};
  for (const [k, v] of Object.entries(extras)) {
    if (typeof v !== "number") throw new AntitrainError(`checkpoint: optimizer value "${prefix}.${k}" is not a number`);
    ex[k] = v;
  }
  return { iterations, slots: list, extras: ex };
}
