import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireKnownKeys, requireOneOf } from "../base/validate";
import { type Rng, rngFor } from "../base/rng";
import { type Dataset, type Split, disposeDataset } from "./dataset";
import { type IdxArray, readIdx } from "./idx";
import { drawRows, heldOutCount, requireLabels, seedOf } from "./validation";

/** Where Debian's `dataset-fashion-mnist` package puts the four IDX files. */
export const FASHION_MNIST_DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

/** The environment variable that points {@link fashionMnist} at another folder holding the four IDX files. */
export const FASHION_MNIST_DIR_ENV = "ANTITRAIN_FASHION_MNIST_DIR";

/** Fashion-MNIST's ten classes, by label. */
export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

/** How {@link fashionMnist} standardizes pixels (after scaling them to [0, 1]). */
export const FASHION_STANDARDIZE = ["global", "pixel"] as const;
export type FashionStandardize = (typeof FASHION_STANDARDIZE)[number];

/** Options for {@link fashionMnist}. */
export interface FashionMnistOptions {
  /** Folder with the four IDX files (gzipped or not). Default: `$ANTITRAIN_FASHION_MNIST_DIR`, else Debian's folder. */
  dir?: string;
  /** Keep a seeded, class-stratified subset of each split: this many training (before `validation`) and test examples. */
  subsample?: { train?: number; test?: number };
  /** Seed of the subsets and of the validation draw. Default 0. */
  seed?: number;
  /** `true` (default): `x` is `[n, 784]`; `false`: images `[n, 28, 28, 1]`. */
  flatten?: boolean;
  /**
   * Hold out this share of the (subsampled) training split, in (0, 1), as `validation` (class-stratified, seeded);
   * the standardization statistics come from the remaining training rows only. Default: none.
   */
  validation?: number;
  /**
   * `"global"` (default): one mean and std over every training pixel (about 0.286 and 0.353 on the full set).
   * `"pixel"`: each pixel's own mean and std, as `digits()` does; on Fashion-MNIST some border pixels are almost
   * always 0 (std 0.0004 on the full training set), so a rare ink there standardizes to values near 300.
   */
  standardize?: FashionStandardize;
}

const FASHION_KEYS = ["dir", "subsample", "seed", "flatten", "validation", "standardize"] as const;
const FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/**
 * Fashion-MNIST (Zalando, MIT licence: 60,000 training and 10,000 test 28×28 greyscale images of ten kinds of
 * clothing, {@link FASHION_MNIST_CLASSES}) from Debian's `dataset-fashion-mnist` package, which `scripts/setup.sh`
 * installs. Pixels are scaled to [0, 1], then standardized with statistics of the returned training rows only (see
 * `standardize`). Subsets (`subsample`) and the validation split are seeded and class-stratified; every part keeps
 * the files' order. The caller disposes the returned datasets.
 *
 * @example
 * const { train, test } = at.fashionMnist({ subsample: { train: 6000, test: 1000 }, seed: 0 }); // x: [n, 784]
 * const tuning = at.fashionMnist({ validation: 0.1 });       // 54,000 train, 6,000 validation, 10,000 test
 * const images = at.fashionMnist({ flatten: false });        // x: [n, 28, 28, 1]
 */
export function fashionMnist(options?: FashionMnistOptions & { flatten?: true }): Split;
export function fashionMnist(options: FashionMnistOptions & { flatten: false }): Split<tf.Tensor4D>;
export function fashionMnist(options: FashionMnistOptions): Split<tf.Tensor2D | tf.Tensor4D>;
export function fashionMnist(options: FashionMnistOptions = {}): Split<tf.Tensor2D | tf.Tensor4D> {
  requireKnownKeys(options, FASHION_KEYS, "fashionMnist");
  requireKnownKeys(options.subsample, ["train", "test"], "fashionMnist's subsample");
  const standardize = options.standardize ?? "global";
  requireOneOf(standardize, FASHION_STANDARDIZE, "standardize");
  const flatten = options.flatten ?? true;
  if (typeof flatten !== "boolean") throw new AntitrainError(`flatten must be true or false, got ${JSON.stringify(flatten)}`);
  const seed = seedOf(options.seed);

  const dir = fashionMnistDir(options.dir);
  const train = readPart(dir, FILES.trainImages, FILES.trainLabels);
  const test = readPart(dir, FILES.testImages, FILES.testLabels);
  if (train.height !== test.height || train.width !== test.width) {
    throw new AntitrainError(`${dir}: training images are ${train.height}×${train.width} but test images ${test.height}×${test.width}`);
  }

  let trainRows = subsampleRows(train.labels, options.subsample?.train, "subsample.train", rngFor(seed, 1));
  const testRows = subsampleRows(test.labels, options.subsample?.test, "subsample.test", rngFor(seed, 2));
  let validationRows: Int32Array | undefined;
  if (options.validation !== undefined) {
    const held = heldOutCount(trainRows.length, options.validation, "validation");
    const draw = drawRows(Int32Array.from(trainRows, (r) => train.labels[r]), 10, held, rngFor(seed, 3));
    validationRows = Int32Array.from(draw.chosen, (i) => trainRows[i]);
    trainRows = Int32Array.from(draw.rest, (i) => trainRows[i]);
  }

  const pixels = train.height * train.width;
  const { mean, std } = pixelStats(train.pixels, pixels, trainRows, standardize);
  const parts: [Part, Int32Array][] = [
    [train, trainRows],
    [test, testRows],
  ];
  if (validationRows !== undefined) parts.push([train, validationRows]);
  const made: Dataset<tf.Tensor2D | tf.Tensor4D>[] = [];
  try {
    for (const [part, rows] of parts) made.push(standardized(part, rows, mean, std, flatten));
  } catch (e) {
    for (const d of made) disposeDataset(d);
    throw e;
  }
  return validationRows === undefined ? { train: made[0], test: made[1] } : { train: made[0], test: made[1], validation: made[2] };
}

/** The folder to read: the option, else the environment variable, else Debian's; checked to hold the four files. */
function fashionMnistDir(option: string | undefined): string {
  if (option !== undefined && (typeof option !== "string" || option === "")) {
    throw new AntitrainError(`dir must be the path of a folder with the Fashion-MNIST IDX files, got ${JSON.stringify(option)}`);
  }
  const env = process.env[FASHION_MNIST_DIR_ENV];
  const dir = option ?? (env !== undefined && env !== "" ? env : FASHION_MNIST_DEBIAN_DIR);
  const source = option !== undefined ? "{ dir }" : env !== undefined && env !== "" ? `$${FASHION_MNIST_DIR_ENV}` : "the default, Debian's folder";
  const missing = Object.values(FILES).filter((f) => idxFile(dir, f) === undefined);
  if (missing.length > 0) {
    throw new AntitrainError(
      `Fashion-MNIST not found in ${dir} (from ${source}): missing ${missing.map((f) => `${f}[.gz]`).join(", ")}. ` +
        `Run bash scripts/setup.sh (as root on Debian/Ubuntu it installs the package dataset-fashion-mnist; or apt-get install dataset-fashion-mnist), ` +
        `or put the four IDX files in a folder and set ${FASHION_MNIST_DIR_ENV} or pass { dir }`,
    );
  }
  return dir;
}

/** The path of `name.gz` or `name` in `dir`, whichever exists (gzipped first, as Debian ships them). */
function idxFile(dir: string, name: string): string | undefined {
  for (const candidate of [path.join(dir, `${name}.gz`), path.join(dir, name)]) if (fs.existsSync(candidate)) return candidate;
  return undefined;
}

/** One split's raw pixels (uint8, row-major `[n, height, width]`) and labels. */
interface Part {
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly height: number;
  readonly width: number;
}

function readPart(dir: string, imagesName: string, labelsName: string): Part {
  const imagesPath = idxFile(dir, imagesName) as string;
  const labelsPath = idxFile(dir, labelsName) as string;
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (!(images.data instanceof Uint8Array) || images.shape.length !== 3) {
    throw new AntitrainError(`${imagesPath} should hold uint8 images [n, height, width], but holds ${describe(images)}`);
  }
  if (!(labels.data instanceof Uint8Array) || labels.shape.length !== 1) {
    throw new AntitrainError(`${labelsPath} should hold uint8 labels [n], but holds ${describe(labels)}`);
  }
  if (labels.shape[0] !== images.shape[0]) {
    throw new AntitrainError(`${labelsPath} has ${labels.shape[0]} labels but ${imagesPath} has ${images.shape[0]} images: the files do not belong together`);
  }
  let checked: Int32Array;
  try {
    checked = requireLabels(labels.data, FASHION_MNIST_CLASSES.length);
  } catch (e) {
    throw new AntitrainError(`${labelsPath}: ${(e as Error).message}`);
  }
  return { pixels: images.data, labels: checked, height: images.shape[1], width: images.shape[2] };
}

function describe(a: IdxArray): string {
  return `${a.data.constructor.name} [${a.shape.join(", ")}]`;
}

/** All rows in order, or a seeded class-stratified subset of `count` of them (in order). */
function subsampleRows(labels: Int32Array, count: number | undefined, name: string, rng: Rng): Int32Array {
  const n = labels.length;
  if (count === undefined) return Int32Array.from({ length: n }, (_, i) => i);
  if (!(Number.isInteger(count) && count >= 1 && count <= n)) {
    throw new AntitrainError(`${name} must be an integer in [1, ${n}] (the split has ${n} examples), got ${count}`);
  }
  if (count === n) return Int32Array.from({ length: n }, (_, i) => i);
  return drawRows(labels, FASHION_MNIST_CLASSES.length, count, rng).chosen;
}

/** Mean and std of the scaled pixels over `rows`: one pair repeated for every pixel ("global") or one per pixel. */
function pixelStats(
  pixels: Uint8Array,
  features: number,
  rows: Int32Array,
  standardize: FashionStandardize,
): { mean: Float64Array; std: Float64Array } {
  const sum = new Float64Array(features);
  const sumSq = new Float64Array(features);
  for (const r of rows) {
    const base = r * features;
    for (let j = 0; j < features; j++) {
      const v = pixels[base + j] / 255;
      sum[j] += v;
      sumSq[j] += v * v;
    }
  }
  const mean = new Float64Array(features);
  const std = new Float64Array(features);
  if (standardize === "global") {
    const count = rows.length * features;
    const m = sum.reduce((a, b) => a + b, 0) / count;
    const s = Math.sqrt(Math.max(0, sumSq.reduce((a, b) => a + b, 0) / count - m * m)) || 1;
    mean.fill(m);
    std.fill(s);
  } else {
    // A pixel that is constant over the training rows gets std 1, so it stays 0 rather than NaN (as in digits()).
    for (let j = 0; j < features; j++) {
      mean[j] = sum[j] / rows.length;
      std[j] = Math.sqrt(Math.max(0, sumSq[j] / rows.length - mean[j] * mean[j])) || 1;
    }
  }
  return { mean, std };
}

function standardized(part: Part, rows: Int32Array, mean: Float64Array, std: Float64Array, flatten: boolean): Dataset<tf.Tensor2D | tf.Tensor4D> {
  const features = part.height * part.width;
  const x = new Float32Array(rows.length * features);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    const from = r * features;
    const to = i * features;
    for (let j = 0; j < features; j++) x[to + j] = (part.pixels[from + j] / 255 - mean[j]) / std[j];
    y[i] = part.labels[r];
  });
  const labels = tf.tensor1d(y, "int32");
  try {
    const xs = flatten ? tf.tensor2d(x, [rows.length, features]) : tf.tensor4d(x, [rows.length, part.height, part.width, 1]);
    return { x: xs, y: labels, classes: FASHION_MNIST_CLASSES.length };
  } catch (e) {
    labels.dispose();
    throw e;
  }
}
