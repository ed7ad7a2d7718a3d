import { AntitrainError } from "./errors";

/** Mean and 95% confidence interval (Student t) of repeated measurements, e.g. across seeds. */
export interface Interval {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

const T95 = [Number.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131];

/**
 * Mean with a two-sided 95% t interval (the half-width is NaN-free: one value gives a zero-width interval).
 *
 * @example
 * at.meanCI([0.91, 0.93, 0.92]);   // { mean: 0.92, low: 0.895, high: 0.945, n: 3 }
 */
export function meanCI(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, low: mean, high: mean, n };
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const t = n - 1 < T95.length ? T95[n - 1] : 1.96;
  const half = (t * sd) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half, n };
}

/**
 * Spearman rank correlation of two equally long score lists (average ranks for ties).
 *
 * @example
 * at.spearman([1, 2, 3], [10, 30, 20]);   // 0.5
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error("spearman needs equally long lists");
  const ra = ranks(a);
  const rb = ranks(b);
  return pearson(ra, rb);
}

function ranks(v: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: v.length }, (_, i) => i).sort((i, j) => v[i] - v[j]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

/**
 * Pearson correlation of two equally long lists (two passes: means first, then centred sums); 0 when either list is
 * constant.
 *
 * @example
 * pearson([1, 2, 3], [2, 4, 7]);   // 0.993
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new AntitrainError(`pearson needs equally long lists, got ${a.length} and ${b.length} values`);
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i];
    sb += b[i];
  }
  const ma = sa / n;
  const mb = sb / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i] - ma) * (b[i] - mb);
    da += (a[i] - ma) ** 2;
    db += (b[i] - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}
