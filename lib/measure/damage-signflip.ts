import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import type { DenseSiteSplit } from "../models/types";
import { type KernelContext, type Perturbation, type SliceDraw, take } from "./damage-kernels";
import { perExample } from "./metrics";

/**
 * The damage engine's exact sign-flip path for single units, at a site that feeds a dense layer (weight W2, clean
 * pre-activation Z) whose output goes through a ReLU into a further dense layer (W3, b3). Internal to
 * {@link DamageEngine}.
 *
 * Replacing unit j (δ_j = replacement − act in its column) shifts Z by the outer product δ_j w_jᵀ (w_j = W2's row j),
 * Z' = Z + δ_j w_jᵀ. With M = [Z > 0] and M' = [Z' > 0], exactly (ties at 0 included, since relu(0) = 0 on either side):
 *
 *     relu(Z') − relu(Z) = M' ⊙ Z' − M ⊙ Z = M ⊙ (δ_j w_jᵀ) + (M' − M) ⊙ Z'
 *
 * so the next pre-activation moves by
 *
 *     δ_j ⊙ (M · (w_j ⊙ W3))  +  ((M' − M) ⊙ Z') · W3
 *
 * The first term, for every unit of a chunk at once, is one matmul M · G with G[k, (j, c)] = W2[j, k] · W3[k, c] (G
 * built by one broadcast multiply on the backend); the second is nonzero only where the ReLU's input changes sign
 * (where M' ≠ M and Z' ≠ 0; (M' − M)·Z' = |Z'| there) and is computed in plain JavaScript, into the same buffer as
 * the clean part (so the backend adds both with one pass). Those entries are found without scanning every (unit,
 * row, column): a sign can change only where |Z[r, k]| ≤ |δ_j[r]| · max_k |W2[j, k]|, so each row's entries are kept
 * sorted by |Z| (once per slice, cached) and the scan stops at the first larger one; the scan itself has no branch
 * on the (unpredictable) flip test. Every comparison uses Z as stored (float32) and Z' = Z + δ_j·W2[j, k] in float64
 * (exact product, correctly signed sum), so the only differences from the plain loop are float32 rounding of the
 * matmuls. Where the time goes at 64→1024→1024→10, 2000 rows: mostly the matmul M · G (2·rows·W·W·10 flops), then
 * the scan (≈ 3.4% of the W·rows·W entries scanned, 0.9% flips) and the metric (`node --cpu-prof --import tsx
 * bench/signflip.ts` shows the split).
 */

/** One slice's clean pre-activation with each row's entries sorted by magnitude: the index of the sign-flip search. */
interface SortedRows {
  /** Each row's entries (signed), in ascending |Z| order: `[rows·out]`. */
  readonly z: Float32Array;
  /** The column of each sorted entry: `[rows·out]`. */
  readonly column: Int32Array;
}

/** Sorted rows per clean pre-activation tensor: built once per slice, freed with it (the tensor is the key). */
const sortedRows = new WeakMap<tf.Tensor, SortedRows>();

/**
 * Each row of `pre` (`[rows, out]`) sorted by |value|. Non-negative float32 values order like their bit patterns, so
 * a key `bits(|z|) · 2^s + column` (below 2^53 for out ≤ 2^22) sorts natively as a Float64Array.
 */
function sortRows(pre: Float32Array, rows: number, out: number): SortedRows {
  const z = new Float32Array(rows * out);
  const column = new Int32Array(rows * out);
  const bits = new Uint32Array(pre.buffer, pre.byteOffset, pre.length);
  const scale = 2 ** Math.ceil(Math.log2(Math.max(1, out)));
  const keys = new Float64Array(out);
  const order = new Int32Array(out);
  for (let r = 0; r < rows; r++) {
    const base = r * out;
    if (scale <= 2 ** 22) {
      for (let k = 0; k < out; k++) keys[k] = (bits[base + k] & 0x7fffffff) * scale + k;
      keys.sort();
      for (let i = 0; i < out; i++) order[i] = keys[i] % scale;
    } else {
      for (let k = 0; k < out; k++) order[k] = k;
      order.sort((a, b) => Math.abs(pre[base + a]) - Math.abs(pre[base + b]));
    }
    for (let i = 0; i < out; i++) {
      column[base + i] = order[i];
      z[base + i] = pre[base + order[i]];
    }
  }
  return { z, column };
}

function sortedFor(pre: tf.Tensor, rows: number, out: number): SortedRows {
  let s = sortedRows.get(pre);
  if (s === undefined) {
    s = sortRows(pre.dataSync() as Float32Array, rows, out);
    sortedRows.set(pre, s);
  }
  return s;
}

/** What the correction loop reads, as plain arrays. */
interface Plain {
  readonly sorted: SortedRows;
  /** W2 `[features, out]`. */
  readonly w2: Float32Array;
  /** W3 `[out, out2]`. */
  readonly w3: Float32Array;
  /** δ `[rows, features]`. */
  readonly delta: Float32Array;
  /** The clean pre-activation after next, `relu(Z) · W3 + b3`: `[rows, out2]`. */
  readonly cleanNext: Float32Array;
  readonly rows: number;
  readonly out: number;
  readonly features: number;
  readonly out2: number;
}

/** Rows and units per tile of the correction loop: a tile's W2 rows, sorted rows and corrections stay in cache. */
const TILE_ROWS = 64;
const TILE_UNITS = 32;

/**
 * A sign-flip chunk holds several tensors of its `[rows, P·out2]` size at once (M·G, its δ-scaled copy, the
 * corrections, their sum, the logits and the metric's intermediates), so it takes 1/8 of `maxElements` per tensor.
 * Measured (`npm run bench`'s memory case, 64→W→256→10, 2000 rows): the chunk's transient memory 26.8 MiB at W = 1024
 * and 28.2 MiB at 4096, where one `maxElements` per tensor took 143.5 and 191.3 MiB; and smaller chunks also ran faster
 * (`at.importance` at h1 of 64→1024→1024→10, 2000 rows, 2 threads, median of 3, timed by a throwaway script with this
 * divisor varied: 5.74 s with 1, 4.62 s with 4, 4.35 s with 8, 4.64 s with 16).
 */
const SIGN_FLIP_COPIES = 8;

/**
 * The clean pre-activation after next plus the sign-flip correction `((M' − M) ⊙ Z') · W3`, for each perturbation of
 * a chunk, example-major `[rows, P, out2]` (the clean part alone for an empty perturbation, `columns[q] < 0`), and the
 * number of sign flips found. The scan is branch-free: every scanned entry's correction c = (M' − M)·Z' (≥ 0, and
 * > 0 exactly where the sign flips and Z' ≠ 0) is written to a small buffer whose end moves on only where c > 0, so
 * the unpredictable flip test costs no mispredicted branch; the flips' multiply-adds into W3's rows follow.
 */
function corrections(a: Plain, columns: Int32Array): { corr: Float32Array; flips: number } {
  const { w2, w3, delta, cleanNext, rows, out, features, out2 } = a;
  const zs = a.sorted.z;
  const cols = a.sorted.column;
  const p = columns.length;
  const corr = new Float32Array(rows * p * out2);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < p; q++) {
      const base = (r * p + q) * out2;
      for (let o = 0; o < out2; o++) corr[base + o] = cleanNext[r * out2 + o];
    }
  }
  const wmax = new Float64Array(p);
  for (let q = 0; q < p; q++) {
    const j = columns[q];
    let m = 0;
    for (let k = 0; k < out && j >= 0; k++) m = Math.max(m, Math.abs(w2[j * out + k]));
    wmax[q] = m;
  }
  const flipColumn = new Int32Array(out + 1); // one slot past the flips: the scan's write position when nothing flips
  const flipValue = new Float64Array(out + 1);
  let flips = 0;
  for (let r0 = 0; r0 < rows; r0 += TILE_ROWS) {
    const r1 = Math.min(rows, r0 + TILE_ROWS);
    for (let q0 = 0; q0 < p; q0 += TILE_UNITS) {
      const q1 = Math.min(p, q0 + TILE_UNITS);
      for (let q = q0; q < q1; q++) {
        const j = columns[q];
        if (j < 0 || wmax[q] === 0) continue;
        const wo = j * out;
        for (let r = r0; r < r1; r++) {
          const d = delta[r * features + j];
          if (d === 0) continue;
          const bound = Math.abs(d) * wmax[q]; // |δ·w| never exceeds it: a larger |Z| keeps its sign
          const start = r * out;
          const end = start + out;
          let n = 0;
          for (let i = start; i < end; i++) {
            const z = zs[i];
            if (Math.abs(z) > bound) break;
            const k = cols[i];
            const zp = z + d * w2[wo + k];
            // (M' − M)·Z': +Z' where the ReLU opens, −Z' (≥ 0) where it closes, 0 (or −0) elsewhere
            const c = (+(zp > 0) - +(z > 0)) * zp;
            flipColumn[n] = k;
            flipValue[n] = c;
            n += +(c > 0);
          }
          if (n === 0) continue;
          flips += n;
          addFlips(corr, (r * p + q) * out2, w3, out2, flipColumn, flipValue, n);
        }
      }
    }
  }
  return { corr, flips };
}

/**
 * Adds `Σ_f value[f] · W3[column[f], :]` to `corr[base .. base + out2)`: four output columns at a time, summed in
 * locals (a read-modify-write of `corr` per flip and column would cost several times more).
 */
function addFlips(corr: Float32Array, base: number, w3: Float32Array, out2: number, column: Int32Array, value: Float64Array, n: number): void {
  let o = 0;
  for (; o + 4 <= out2; o += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let f = 0; f < n; f++) {
      const c = value[f];
      const wk = column[f] * out2 + o;
      s0 += c * w3[wk];
      s1 += c * w3[wk + 1];
      s2 += c * w3[wk + 2];
      s3 += c * w3[wk + 3];
    }
    corr[base + o] += s0;
    corr[base + o + 1] += s1;
    corr[base + o + 2] += s2;
    corr[base + o + 3] += s3;
  }
  for (; o < out2; o++) {
    let acc = 0;
    for (let f = 0; f < n; f++) acc += value[f] * w3[column[f] * out2 + o];
    corr[base + o] += acc;
  }
}

/** W2's rows `columns[q]` as the columns of `[out, P]` (zeros for an empty perturbation, `columns[q] < 0`). */
function w2Columns(w2: Float32Array, out: number, columns: Int32Array): Float32Array {
  const p = columns.length;
  const t = new Float32Array(out * p);
  columns.forEach((j, q) => {
    if (j < 0) return;
    for (let k = 0; k < out; k++) t[k * p + q] = w2[j * out + k];
  });
  return t;
}

/**
 * The cost model behind `auto`'s choice, per (unit, row, column) entry of the `[rows, out]` slice the low-rank path
 * shifts per unit, in units of one elementwise pass over such an entry (≈ 0.7 ns on the wasm backend). Fitted to
 * CPU times of both paths on 64→W→W→10 MLPs (W = 64…1024, 300–1000 rows) and 64→256→256→256→10 on the project's
 * 2-core machine under load, so it is rough; `bench/signflip.ts` measures both paths on a quiet machine.
 * - low-rank: the shift multiply, add and ReLU ({@link LOW_RANK_PASSES}), a read-out `[P·rows, out] · [out, out2]`
 *   (≈ {@link LOW_RANK_READOUT} per out2 column: few columns run slowly in wasm) and the bias add (out2/out);
 * - sign-flip: the scan (≈ {@link SCAN_PASSES} per scanned entry: sorted-row walk, sign check, bookkeeping), the
 *   correction's multiply-adds (≈ {@link FLIP_MAC_PASSES} per flip and out2 column),
 *   G's build (≈ {@link G_PASSES} per element of the unit's `[out, out2]` block, i.e. per out2/rows entry) and the
 *   read-out `[rows, out] · [out, P·out2]` (≈ {@link SIGN_FLIP_READOUT} per out2 column).
 */
const LOW_RANK_PASSES = 3;
const LOW_RANK_READOUT = 0.25;
const SCAN_PASSES = 50;
const FLIP_MAC_PASSES = 0.5;
const G_PASSES = 20;
const SIGN_FLIP_READOUT = 0.2;
/** Units and rows the estimate samples (every column of each). */
const SAMPLE_UNITS = 16;
const SAMPLE_ROWS = 128;

/** What {@link signFlipEstimate} found: sampled shares and both paths' modelled cost (passes per entry). */
export interface SignFlipEstimate {
  /** Share of (unit, row, column) entries the sign-flip search scans. */
  readonly scanned: number;
  /** Share of entries whose ReLU input changes sign. */
  readonly flips: number;
  readonly signFlipCost: number;
  readonly lowRankCost: number;
}

/**
 * Estimates, from one slice and one draw, whether the sign-flip path is cheaper than the low-rank path for the
 * single-column perturbations `columns`: up to {@link SAMPLE_UNITS} of them (evenly spaced) on the first
 * {@link SAMPLE_ROWS} rows, every column counted exactly (no sort needed). A few million operations at most.
 */
export function signFlipEstimate(dense: DenseSiteSplit, delta: tf.Tensor, columns: readonly number[]): SignFlipEstimate {
  const next = dense.next;
  if (next === null || next === undefined) throw new AntitrainError("signFlipEstimate needs a dense split with a ReLU and a dense layer after next");
  const [rowsAll, out] = dense.pre.shape as [number, number];
  const features = dense.act.shape[1] as number;
  const out2 = next.weight.shape[1];
  const rows = Math.min(rowsAll, SAMPLE_ROWS);
  const units = Array.from({ length: Math.min(columns.length, SAMPLE_UNITS) }, (_, i) => columns[Math.floor((i * columns.length) / Math.min(columns.length, SAMPLE_UNITS))]);
  const [z, d, w] = tf.tidy(() => {
    const idx = tf.tensor1d(units, "int32");
    return [tf.slice(dense.pre, [0, 0], [rows, out]), tf.gather(tf.slice(delta, [0, 0], [rows, features]), idx, 1), tf.gather(dense.weight, idx)];
  });
  const [zs, ds, ws] = [z, d, w].map((t) => take(t)); // [rows, out], [rows, units], [units, out]
  let scanned = 0;
  let flips = 0;
  units.forEach((_, q) => {
    let wmax = 0;
    for (let k = 0; k < out; k++) wmax = Math.max(wmax, Math.abs(ws[q * out + k]));
    for (let r = 0; r < rows; r++) {
      const dj = ds[r * units.length + q];
      const bound = Math.abs(dj) * wmax;
      for (let k = 0; k < out; k++) {
        const zk = zs[r * out + k];
        if (Math.abs(zk) > bound || dj === 0) continue;
        scanned++;
        const zp = zk + dj * ws[q * out + k];
        if (zp > 0 !== zk > 0 && zp !== 0) flips++;
      }
    }
  });
  const entries = Math.max(1, units.length * rows * out);
  const e = { scanned: scanned / entries, flips: flips / entries };
  return {
    ...e,
    signFlipCost: SCAN_PASSES * e.scanned + FLIP_MAC_PASSES * e.flips * out2 + (G_PASSES * out2) / rowsAll + SIGN_FLIP_READOUT * out2,
    lowRankCost: LOW_RANK_PASSES + LOW_RANK_READOUT * out2 + out2 / out,
  };
}

/** Sign flips found and (unit, row, column) entries covered: bookkeeping for tests and benchmarks. */
export interface SignFlipTally {
  flips: number;
  entries: number;
}

/**
 * Per perturbation, the metric summed over the slice, for perturbations of at most one column each (single units of
 * width 1, or the empty set), where the slice's dense split offers `next` (see `ReluDenseNext` in models/types.ts).
 * Rows stay example-major throughout (`[rows, P, out2]`, one example per row), so no stacked tensor is transposed.
 * Besides the chunk's tensors (bounded by `maxElements`) it keeps, per slice and for the engine's lifetime, the
 * clean pre-activation's rows sorted by magnitude in JavaScript memory (8 bytes per entry).
 */
export function signFlipSums(ctx: KernelContext, s: SliceDraw, perts: readonly Perturbation[], tally?: SignFlipTally): Float64Array {
  const dense = s.dense as DenseSiteSplit;
  const next = dense.next;
  if (next === null || next === undefined || next.activation !== "relu" || dense.pre.rank !== 2) {
    throw new AntitrainError(`site "${ctx.site}" does not feed a dense layer, a ReLU and another dense layer: use path "auto" or "lowRank"`);
  }
  if (perts.some((p) => p.columns.length > 1)) {
    throw new AntitrainError("the sign-flip kernel takes single-column perturbations only (the engine routes larger sets to the low-rank path)");
  }
  const pre = dense.pre as tf.Tensor2D;
  const [rows, out] = pre.shape;
  const features = dense.act.shape[1] as number;
  const out2 = next.weight.shape[1];
  const [mask, cleanNext] = tf.tidy(() => [
    tf.cast(tf.greater(pre, 0), "float32"), // M [rows, out]
    tf.add(tf.matMul(tf.relu(pre), next.weight), next.bias), // clean pre-activation after next [rows, out2]
  ]);
  const sums = new Float64Array(perts.length);
  try {
    const plain: Plain = {
      sorted: sortedFor(pre, rows, out),
      w2: dense.weight.dataSync() as Float32Array,
      w3: next.weight.dataSync() as Float32Array,
      delta: s.delta.dataSync() as Float32Array,
      cleanNext: cleanNext.dataSync() as Float32Array,
      rows,
      out,
      features,
      out2,
    };
    const y = s.y.dataSync();
    // Per perturbation a chunk holds G's [out, out2] block and [rows, out2] results, several times: bound each by
    // maxElements / SIGN_FLIP_COPIES, and split the perturbations into chunks of equal size (a small last chunk would
    // run its matmul below full rate).
    const most = Math.max(1, Math.floor(ctx.maxElements / (SIGN_FLIP_COPIES * out2 * Math.max(rows, out))));
    const chunks = Math.ceil(perts.length / most);
    const chunk = Math.ceil(perts.length / Math.max(1, chunks));
    for (let start = 0; start < perts.length; start += chunk) {
      const group = perts.slice(start, start + chunk);
      const p = group.length;
      const columns = Int32Array.from(group, (g) => (g.columns.length === 1 ? g.columns[0] : -1));
      const { corr, flips } = corrections(plain, columns);
      if (tally !== undefined) {
        tally.flips += flips;
        tally.entries += columns.filter((j) => j >= 0).length * rows * out;
      }
      const labelsOf = new Int32Array(rows * p);
      const deltaOf = new Float32Array(rows * p);
      for (let r = 0; r < rows; r++) {
        labelsOf.fill(y[r], r * p, (r + 1) * p);
        for (let q = 0; q < p; q++) deltaOf[r * p + q] = columns[q] < 0 ? 0 : plain.delta[r * features + columns[q]];
      }
      const values = tf.tidy(() => {
        const w2t = tf.tensor3d(w2Columns(plain.w2, out, columns), [out, p, 1]); // W2's rows j_q as columns
        const g = tf.reshape(tf.mul(w2t, tf.expandDims(next.weight, 1)), [out, p * out2]); // G [out, P·out2]
        const t = tf.reshape(tf.matMul(mask, g), [rows, p, out2]); // M·G, [rows, P, out2]
        const d = tf.tensor3d(deltaOf, [rows, p, 1]); // δ_j per row
        const shifted = tf.add(tf.mul(d, t), tf.tensor3d(corr, [rows, p, out2])); // corr holds the clean part too
        const logits = next.resumeFromPre(tf.reshape(shifted, [rows * p, out2])); // [rows·P, classes], example-major
        ctx.onChunk();
        const labels = tf.tensor1d(labelsOf, "int32");
        return tf.sum(tf.reshape(perExample(ctx.metric, logits, labels), [rows, p]), 0);
      });
      sums.set(take(values), start);
    }
  } finally {
    tf.dispose([mask, cleanNext]);
  }
  return sums;
}
