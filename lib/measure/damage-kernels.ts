import * as tf from "@tensorflow/tfjs";
import { type Metric, perExample } from "./metrics";
import type { DenseSiteSplit, HookedModel, SiteSplit } from "../models/types";

/**
 * The damage engine's three general ways to evaluate perturbations (the fourth, for single units, is in damage-signflip.ts) on one slice of data with one replacement draw. Each
 * returns, per perturbation, the metric summed over the slice's examples. Internal to {@link DamageEngine}.
 */

/** One slice of data cut at the site, with one replacement draw. */
export interface SliceDraw {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor1D;
  /** The cut at the site (a {@link DenseSiteSplit} when `dense` is set). */
  readonly split: SiteSplit;
  readonly dense: DenseSiteSplit | null;
  /** `replacement − act`, shaped like `split.act`: adding `mask · delta` to `act` randomizes the masked units. */
  readonly delta: tf.Tensor;
}

/** A perturbation as the engine's kernels see it: the distinct columns of the site's last axis it randomizes. */
export interface Perturbation {
  readonly columns: Int32Array;
}

/** The perturbations as 0/1 masks over `features` columns, one row each: `[P·features]`. */
function masks(group: readonly Perturbation[], features: number): Float32Array {
  const m = new Float32Array(group.length * features);
  group.forEach((g, i) => {
    for (const c of g.columns) m[i * features + c] = 1;
  });
  return m;
}

/** Settings every kernel shares. */
export interface KernelContext {
  readonly model: HookedModel;
  readonly site: string;
  readonly metric: Metric;
  /** Bound on the elements of one stacked downstream tensor. */
  readonly maxElements: number;
  /** Called at the end of every chunk while its tensors are alive (peak-memory bookkeeping). */
  readonly onChunk: () => void;
}

/** The plain reference: one full forward pass per perturbation, the site replaced through a hook. */
export function loopSums(ctx: KernelContext, s: SliceDraw, perts: readonly Perturbation[]): Float64Array {
  const sums = new Float64Array(perts.length);
  const features = s.split.act.shape[s.split.act.rank - 1];
  perts.forEach((p, i) => {
    sums[i] = tf.tidy(() => {
      const m = tf.tensor1d(masks([p], features));
      const hook = (act: tf.Tensor) => tf.add(act, tf.mul(m, s.delta));
      const logits = ctx.model.forward(s.x, { [ctx.site]: hook });
      ctx.onChunk();
      return perExample(ctx.metric, logits, s.y).sum().dataSync()[0];
    });
  });
  return sums;
}

/**
 * The batched path: a chunk of P perturbations is one downstream pass over P stacked copies of the slice's clean
 * activation, each with its own units replaced (`[P·b, ..., features]`); upstream never repeats.
 */
export function stackedSums(ctx: KernelContext, s: SliceDraw, perts: readonly Perturbation[]): Float64Array {
  const act = s.split.act;
  const b = act.shape[0];
  const chunk = Math.max(1, Math.floor(ctx.maxElements / act.size));
  const sums = new Float64Array(perts.length);
  for (let start = 0; start < perts.length; start += chunk) {
    const group = perts.slice(start, start + chunk);
    const values = tf.tidy(() => {
      const flat = stackedActs(act, s.delta, group); // [P·b, ..., features]
      const logits = s.split.resume(flat);
      ctx.onChunk();
      return perPerturbation(ctx.metric, logits, s.y, group.length, b);
    });
    sums.set(take(values), start);
  }
  return sums;
}

/**
 * The exact low-rank shortcut where the site feeds a dense layer directly: randomizing the units S changes the dense
 * layer's pre-activation by `δ[:, S] · weight[S, :]` (δ = replacement − act), so the layer's full matmul is never redone.
 * Single-unit perturbations are a broadcast outer product (rank 1); larger sets one `[rows, |S|]×[|S|, out]` matmul.
 */
export function lowRankSums(ctx: KernelContext, s: SliceDraw, perts: readonly Perturbation[]): Float64Array {
  const dense = s.dense as DenseSiteSplit;
  const act = dense.act;
  const pre = dense.pre;
  const b = act.shape[0];
  const features = act.shape[act.rank - 1];
  const out = pre.shape[pre.rank - 1];
  const rows = act.size / features;
  const perCopy = rows * (dense.readsAct ? Math.max(out, features) : out);
  const chunk = Math.max(1, Math.floor(ctx.maxElements / perCopy));
  const sums = new Float64Array(perts.length);
  let deltaData: Float32Array | undefined; // δ read once per call, where single units need its columns
  for (let start = 0; start < perts.length; start += chunk) {
    const group = perts.slice(start, start + chunk);
    const p = group.length;
    const values = tf.tidy(() => {
      const clean = tf.reshape(pre, [rows, out]);
      const delta = tf.reshape(s.delta, [rows, features]);
      let shifted: tf.Tensor; // [P, rows, out] or [P·rows, out]
      if (group.every((g) => g.columns.length === 1)) {
        const columns = Int32Array.from(group, (g) => g.columns[0]);
        deltaData ??= s.delta.dataSync() as Float32Array;
        const d = tf.tensor3d(deltaColumns(deltaData, rows, features, columns), [p, rows, 1]); // δ[:, j] per unit
        const w = tf.reshape(tf.gather(dense.weight, tf.tensor1d(columns, "int32")), [p, 1, out]);
        shifted = tf.add(tf.reshape(clean, [1, rows, out]), tf.mul(d, w));
      } else {
        const parts = group.map((g) => {
          if (g.columns.length === 0) return clean;
          const idx = tf.tensor1d(g.columns, "int32");
          return tf.add(clean, tf.matMul(tf.gather(delta, idx, 1), tf.gather(dense.weight, idx)));
        });
        shifted = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      }
      const flat = tf.reshape(shifted, [p * b, ...pre.shape.slice(1)]);
      const logits = dense.resumeFromPre(flat, () => stackedActs(act, s.delta, group));
      ctx.onChunk();
      return perPerturbation(ctx.metric, logits, s.y, p, b);
    });
    sums.set(take(values), start);
  }
  return sums;
}

/** P stacked copies of `act`, copy i with the masked units of perturbation i randomized: `[P·b, ..., features]`. */
function stackedActs(act: tf.Tensor, delta: tf.Tensor, group: readonly Perturbation[]): tf.Tensor {
  return tf.tidy(() => {
    const features = act.shape[act.rank - 1];
    const p = group.length;
    const ones = new Array<number>(act.rank - 1).fill(1);
    const m = tf.tensor(masks(group, features), [p, ...ones, features]); // [P, 1, ..., F]
    const a = tf.expandDims(act, 0); // [1, b, ..., F]
    const stacked = tf.add(a, tf.mul(m, tf.expandDims(delta, 0))); // [P, b, ..., F]
    return tf.reshape(stacked, [p * act.shape[0], ...act.shape.slice(1)]);
  });
}

/**
 * Per-perturbation sums of the metric `[P]` from logits `[P·b, classes]`. The P copies of the labels are laid out in
 * JavaScript (the same values `tf.tile` gives, at a fraction of its cost on wasm).
 */
function perPerturbation(metric: Metric, logits: tf.Tensor2D, y: tf.Tensor1D, p: number, b: number): tf.Tensor1D {
  return tf.tidy(() => {
    const labels = p === 1 ? y : tf.tensor1d(repeated(y.dataSync() as Int32Array, p), "int32");
    return tf.sum(tf.reshape(perExample(metric, logits, labels), [p, b]), 1) as tf.Tensor1D;
  });
}

/** `p` copies of `values` one after another. */
function repeated(values: Int32Array, p: number): Int32Array {
  const out = new Int32Array(values.length * p);
  for (let i = 0; i < p; i++) out.set(values, i * values.length);
  return out;
}

/** Columns `columns[q]` of the row-major `[rows, features]` matrix `delta`, one after another: `[P·rows]`. */
function deltaColumns(delta: Float32Array, rows: number, features: number, columns: Int32Array): Float32Array {
  const out = new Float32Array(columns.length * rows);
  columns.forEach((j, q) => {
    for (let r = 0; r < rows; r++) out[q * rows + r] = delta[r * features + j];
  });
  return out;
}

/** Reads a small result tensor and frees it. */
export function take(t: tf.Tensor): Float32Array {
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}
