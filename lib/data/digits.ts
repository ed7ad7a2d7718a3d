import type * as tf from "@tensorflow/tfjs";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { AntitrainError } from "../base/errors";
import { requireKnownKeys } from "../base/validate";
import { Rng, rngFor } from "../base/rng";
import { type Dataset, type Split, dataset, disposeDataset } from "./dataset";
import { drawRows, heldOutCount } from "./validation";

/** Options for {@link digits}. */
export interface DigitsOptions {
  /** Examples in the test split (the rest train). Default 450 (25%, as scikit-learn's default split). */
  test?: number;
  /** Keep only this many training examples (small-data experiments). Default: all. */
  trainLimit?: number;
  /** Seed of the fixed shuffle that makes the split. Default 0. */
  splitSeed?: number;
  /** Path of the CSV (gzip). Default: the copy shipped in `data/`. */
  file?: string;
  /**
   * Hold out this share of the training split, in (0, 1), as `validation` (class-stratified, seeded by `splitSeed`),
   * before `trainLimit` applies to the rest; the standardization statistics then come from the returned training rows
   * only. Default: none (the split is exactly as without this option).
   */
  validation?: number;
}

const DIGITS_KEYS = ["test", "trainLimit", "splitSeed", "file", "validation"] as const;

/**
 * The UCI handwritten digits (1797 8×8 images, 64 features, 10 classes; CC BY 4.0, see data/README.md), shipped in
 * `data/`, standardized with the training split's per-pixel mean and std, split by a fixed seeded shuffle.
 *
 * @example
 * const { train, test } = at.digits();        // 1347 train, 450 test
 * const tuning = at.digits({ validation: 0.2 }); // 1078 train, 269 validation, the same 450 test
 */
export function digits(options: DigitsOptions = {}): Split<tf.Tensor2D> {
  requireKnownKeys(options, DIGITS_KEYS, "digits");
  const file = options.file ?? defaultDigitsFile();
  if (!fs.existsSync(file)) throw new AntitrainError(`digits data not found at ${file}: pass { file } or reinstall antitrain`);
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8");
  const rows = text.split("\n").filter((l) => l.trim() !== "");
  const n = rows.length;
  const features = 64;
  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  rows.forEach((line, i) => {
    const v = line.split(",").map(Number);
    if (v.length !== features + 1) throw new AntitrainError(`${file} line ${i + 1} has ${v.length} fields, expected 65`);
    for (let j = 0; j < features; j++) x[i * features + j] = v[j];
    y[i] = v[features];
  });
  const testCount = options.test ?? 450;
  const order = new Rng(options.splitSeed ?? 0).permutation(n);
  const testRows = order.subarray(0, testCount);
  let trainRows = order.subarray(testCount);
  let validationRows: Int32Array | undefined;
  if (options.validation !== undefined) {
    // Positions within the shuffled training rows, stratified by their labels; both parts keep the shuffled order.
    const held = heldOutCount(trainRows.length, options.validation, "validation");
    const draw = drawRows(Int32Array.from(trainRows, (r) => y[r]), 10, held, rngFor(options.splitSeed ?? 0, 1));
    validationRows = Int32Array.from(draw.chosen, (i) => trainRows[i]);
    trainRows = Int32Array.from(draw.rest, (i) => trainRows[i]);
  }
  if (options.trainLimit !== undefined) trainRows = trainRows.subarray(0, options.trainLimit);
  const { mean, std } = columnStats(x, features, trainRows);
  const pick = (idx: Int32Array) => {
    const out = new Float32Array(idx.length * features);
    const lab = new Int32Array(idx.length);
    idx.forEach((r, i) => {
      for (let j = 0; j < features; j++) out[i * features + j] = (x[r * features + j] - mean[j]) / std[j];
      lab[i] = y[r];
    });
    return dataset(out, lab, { features, classes: 10 });
  };
  if (validationRows === undefined) return { train: pick(trainRows), test: pick(testRows) };
  const made: Dataset<tf.Tensor2D>[] = [];
  try {
    for (const rows of [trainRows, testRows, validationRows]) made.push(pick(rows));
  } catch (e) {
    for (const d of made) disposeDataset(d);
    throw e;
  }
  return { train: made[0], test: made[1], validation: made[2] };
}

function defaultDigitsFile(): string {
  // dist/data/digits.js and lib/data/digits.ts both sit two folders below the package root.
  return path.resolve(__dirname, "..", "..", "data", "digits.csv.gz");
}

function columnStats(x: Float32Array, features: number, rows: Int32Array): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(features);
  const std = new Float64Array(features);
  for (const r of rows) for (let j = 0; j < features; j++) mean[j] += x[r * features + j];
  for (let j = 0; j < features; j++) mean[j] /= rows.length;
  for (const r of rows) for (let j = 0; j < features; j++) std[j] += (x[r * features + j] - mean[j]) ** 2;
  // Constant pixels (always 0 in the corners) get std 1 so they stay 0 rather than NaN.
  for (let j = 0; j < features; j++) std[j] = Math.sqrt(std[j] / rows.length) || 1;
  return { mean, std };
}
