import type * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireKnownKeys } from "../base/validate";
import { Rng } from "../base/rng";
import { type Dataset, disposeDataset, size, take } from "./dataset";

/** Options for {@link validationSplit}: give exactly one of `fraction` and `size`. */
export interface ValidationSplitOptions {
  /** Share of the examples held out, in (0, 1); the count is rounded and must leave at least one example on each side. */
  fraction?: number;
  /** Number of examples held out, in [1, n − 1]. */
  size?: number;
  /** Seed of the draw. Default 0. */
  seed?: number;
  /** Hold out the same share of every class (largest-remainder rounding, exact total). Default true. */
  stratified?: boolean;
}

/** The two disjoint parts of a dataset made by {@link validationSplit}; both keep the original order of their rows. */
export interface TrainValidation<X extends tf.Tensor = tf.Tensor> {
  readonly train: Dataset<X>;
  readonly validation: Dataset<X>;
}

/** Row indices of a seeded draw: `chosen` and the `rest`, each in ascending order. */
export interface RowDraw {
  readonly chosen: Int32Array;
  readonly rest: Int32Array;
}

const VALIDATION_KEYS = ["fraction", "size", "seed", "stratified"] as const;

/**
 * Holds out a seeded, by default class-stratified, validation set: two new datasets with disjoint rows that together
 * are `data` (which is left as it was; the caller disposes both parts). Choose hyperparameters on `validation`, never
 * on a test split. The loaders' `{ validation }` option does the same before standardizing, so their statistics come
 * from the remaining training rows only.
 *
 * @example
 * const { train, test } = at.teacherStudent({ seed: 0 });
 * const { train: fit, validation } = at.validationSplit(train, { fraction: 0.2, seed: 1 });
 * // train on fit, pick the learning rate on validation, report once on test
 * at.disposeDataset(fit); at.disposeDataset(validation);
 */
export function validationSplit<X extends tf.Tensor = tf.Tensor>(data: Dataset<X>, options: ValidationSplitOptions): TrainValidation<X> {
  requireKnownKeys(options, VALIDATION_KEYS, "validationSplit");
  if (options === undefined) throw new AntitrainError("validationSplit needs { fraction } or { size }: e.g. { fraction: 0.2, seed: 0 }");
  if (data === null || typeof data !== "object" || data.x === undefined || data.y === undefined) {
    throw new AntitrainError("validationSplit takes a dataset { x, y, classes }");
  }
  const n = size(data);
  if (data.y.rank !== 1 || data.y.shape[0] !== n) {
    throw new AntitrainError(`data.y must be one label per example: got shape [${data.y.shape.join(", ")}] for ${n} examples`);
  }
  const { fraction, size: count } = options;
  if ((fraction === undefined) === (count === undefined)) {
    throw new AntitrainError("validationSplit needs exactly one of { fraction } (e.g. 0.2) and { size } (a number of examples)");
  }
  const held = fraction !== undefined ? heldOutCount(n, fraction, "fraction") : requireHeldOutSize(n, count as number);
  const stratified = options.stratified ?? true;
  if (typeof stratified !== "boolean") throw new AntitrainError(`stratified must be true or false, got ${JSON.stringify(stratified)}`);
  const labels = stratified ? requireLabels(data.y.dataSync(), data.classes) : new Int32Array(n);
  const draw = drawRows(labels, stratified ? data.classes : 1, held, new Rng(seedOf(options.seed)));
  const validation = take(data, draw.chosen);
  try {
    return { train: take(data, draw.rest), validation };
  } catch (e) {
    disposeDataset(validation);
    throw e;
  }
}

/**
 * A seeded draw of `count` of the rows whose labels are given, stratified over `classes` (give `classes` = 1 and
 * all-zero labels for a plain random draw): each class gives `count × its share` rows, rounded so the total is exact
 * (largest remainders, ties to the lower class). Advances `rng`.
 */
export function drawRows(labels: Int32Array, classes: number, count: number, rng: Rng): RowDraw {
  const n = labels.length;
  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < n; i++) members[labels[i]].push(i);
  // Integer arithmetic, so equal remainders tie exactly: class c's share is (count·|c| div n) rows and remainder count·|c| mod n.
  const quota = members.map((m) => Math.floor((count * m.length) / n));
  const remainders = members.map((m, c) => ({ c, r: (count * m.length) % n }));
  remainders.sort((a, b) => b.r - a.r || a.c - b.c);
  let missing = count - quota.reduce((a, b) => a + b, 0);
  for (const { c } of remainders) {
    if (missing === 0) break;
    if (quota[c] < members[c].length) {
      quota[c]++;
      missing--;
    }
  }
  const chosen = new Uint8Array(n);
  members.forEach((rows, c) => {
    const order = rng.permutation(rows.length);
    for (let k = 0; k < quota[c]; k++) chosen[rows[order[k]]] = 1;
  });
  const picked = new Int32Array(count);
  const rest = new Int32Array(n - count);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (chosen[i]) picked[a++] = i;
    else rest[b++] = i;
  }
  return { chosen: picked, rest };
}

/** The number of rows a held-out `fraction` of `n` means, checked to leave at least one row on each side. */
export function heldOutCount(n: number, fraction: number, name: string): number {
  if (!(typeof fraction === "number" && fraction > 0 && fraction < 1)) {
    throw new AntitrainError(`${name} must be a share in (0, 1), got ${fraction}: use e.g. 0.2 to hold out 20% of the training examples`);
  }
  const count = Math.round(fraction * n);
  if (count < 1 || count > n - 1) {
    throw new AntitrainError(`${name} ${fraction} of ${n} examples holds out ${count}: both parts need at least one example`);
  }
  return count;
}

function requireHeldOutSize(n: number, count: number): number {
  if (!(Number.isInteger(count) && count >= 1 && count <= n - 1)) {
    throw new AntitrainError(`size must be an integer in [1, ${n - 1}] for ${n} examples, got ${count}`);
  }
  return count;
}

/** Labels as int32, checked to lie in [0, classes). */
export function requireLabels(values: ArrayLike<number>, classes: number): Int32Array {
  const labels = Int32Array.from(values);
  for (let i = 0; i < labels.length; i++) {
    if (!(labels[i] === values[i] && labels[i] >= 0 && labels[i] < classes)) {
      throw new AntitrainError(`label ${values[i]} at example ${i} is out of range: labels must be integers in [0, ${classes})`);
    }
  }
  return labels;
}

/** A seed option, default 0, checked to be a finite number. */
export function seedOf(seed: number | undefined): number {
  if (seed === undefined) return 0;
  if (!(typeof seed === "number" && Number.isFinite(seed))) throw new AntitrainError(`seed must be a finite number, got ${seed}`);
  return seed;
}
