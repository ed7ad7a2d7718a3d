import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { FASHION_MNIST_DEBIAN_DIR } from "../lib/data/fashion-mnist";
import { assertAntitrainError } from "./helpers";
import { writeIdx } from "./idx-files";

before(async () => {
  await at.ready({ quiet: true });
});

const PIXELS = 28 * 28;

/**
 * A fake package folder: 75 training images (class c has c + 3 of them, interleaved) and 20 test images (2 per
 * class), random ink, except that pixel 0 is always 0, pixel 2 always 255 and pixel 1 holds the row's index, so a
 * standardized row tells which file row it came from. Training files gzipped (as Debian ships them), test files raw.
 */
function fakePackage(dir: string): { trainLabels: number[]; testLabels: number[]; trainPixels: number[]; testPixels: number[] } {
  const rng = new at.Rng(7);
  const trainLabels: number[] = [];
  for (let i = 0; trainLabels.length < 75; i++) for (let c = 0; c < 10; c++) if (i < c + 3) trainLabels.push(c);
  const testLabels = Array.from({ length: 20 }, (_, i) => i % 10);
  const images = (labels: number[]) =>
    labels.flatMap((c, row) =>
      Array.from({ length: PIXELS }, (_, j) => (j === 0 ? 0 : j === 1 ? row : j === 2 ? 255 : rng.uniform() < 0.5 ? 0 : Math.min(255, 20 * c + rng.int(60)))),
    );
  const trainPixels = images(trainLabels);
  const testPixels = images(testLabels);
  writeIdx(path.join(dir, "train-images-idx3-ubyte.gz"), "uint8", [75, 28, 28], trainPixels, true);
  writeIdx(path.join(dir, "train-labels-idx1-ubyte.gz"), "uint8", [75], trainLabels, true);
  writeIdx(path.join(dir, "t10k-images-idx3-ubyte"), "uint8", [20, 28, 28], testPixels);
  writeIdx(path.join(dir, "t10k-labels-idx1-ubyte"), "uint8", [20], testLabels);
  return { trainLabels, testLabels, trainPixels, testPixels };
}

/** The file row of each standardized (global) example: pixel 1 rescaled by the constant pixels 0 (=0) and 2 (=1). */
function fileRows(d: at.Dataset<tf.Tensor>): number[] {
  const x = d.x.dataSync();
  return Array.from({ length: d.x.shape[0] }, (_, i) => {
    const [zero, index, one] = [x[i * PIXELS], x[i * PIXELS + 1], x[i * PIXELS + 2]];
    return Math.round((255 * (index - zero)) / (one - zero));
  });
}

/** Mean and population std of the scaled pixels of the given rows, in float64, two passes. */
function globalStats(pixels: number[], rows: number[]): { mean: number; std: number } {
  let sum = 0;
  for (const r of rows) for (let j = 0; j < PIXELS; j++) sum += pixels[r * PIXELS + j] / 255;
  const mean = sum / (rows.length * PIXELS);
  let sq = 0;
  for (const r of rows) for (let j = 0; j < PIXELS; j++) sq += (pixels[r * PIXELS + j] / 255 - mean) ** 2;
  return { mean, std: Math.sqrt(sq / (rows.length * PIXELS)) };
}

function counts(labels: ArrayLike<number>): number[] {
  const c = new Array<number>(10).fill(0);
  for (const l of Array.from(labels)) c[l]++;
  return c;
}

function disposeSplit(s: at.Split<tf.Tensor>): void {
  for (const d of [s.train, s.test, s.validation]) if (d !== undefined) at.disposeDataset(d);
}

describe("fashionMnist on small IDX files posing as the package folder", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-fashion-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fake = fakePackage(dir);
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);

  test("reads every image in order, with its label, standardized by the training pixels' mean and std", () => {
    const before = tf.memory().numTensors;
    const split = at.fashionMnist({ dir });
    assert.deepEqual(split.train.x.shape, [75, 784]);
    assert.deepEqual(split.test.x.shape, [20, 784]);
    assert.equal(split.validation, undefined);
    assert.equal(split.train.classes, 10);
    assert.deepEqual(Array.from(split.train.y.dataSync()), fake.trainLabels);
    assert.deepEqual(Array.from(split.test.y.dataSync()), fake.testLabels);
    assert.deepEqual(fileRows(split.train), all(75));
    const { mean, std } = globalStats(fake.trainPixels, all(75));
    for (const [d, pixels] of [[split.train, fake.trainPixels], [split.test, fake.testPixels]] as const) {
      const x = d.x.dataSync();
      for (let i = 0; i < x.length; i += 97) {
        const want = (pixels[i] / 255 - mean) / std;
        assert.ok(Math.abs(x[i] - want) <= 1e-5 * Math.max(1, Math.abs(want)), `element ${i}: ${x[i]} vs ${want}`);
      }
    }
    const x = Array.from(split.train.x.dataSync());
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length;
    assert.ok(Math.abs(m) < 1e-5 && Math.abs(v - 1) < 1e-4, `training pixels have mean ${m}, variance ${v}`);
    disposeSplit(split);
    assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  });

  test("flatten: false gives [n, 28, 28, 1] images holding the same values", () => {
    const flat = at.fashionMnist({ dir, subsample: { train: 10 } });
    const images = at.fashionMnist({ dir, subsample: { train: 10 }, flatten: false });
    assert.deepEqual(images.train.x.shape, [10, 28, 28, 1]);
    assert.deepEqual(images.test.x.shape, [20, 28, 28, 1]);
    assert.deepEqual(images.train.x.dataSync(), flat.train.x.dataSync());
    assert.deepEqual(images.train.y.dataSync(), flat.train.y.dataSync());
    const row = (images.train.x.arraySync() as number[][][][])[3];
    assert.equal(row[0][1][0], flat.train.x.dataSync()[3 * 784 + 1], "row-major: pixel (0, 1) is feature 1");
    assert.equal(row[1][0][0], flat.train.x.dataSync()[3 * 784 + 28], "pixel (1, 0) is feature 28");
    disposeSplit(flat);
    disposeSplit(images);
  });

  test("standardize: 'pixel' gives each training column mean 0 and std 1, and a constant column 0", () => {
    const split = at.fashionMnist({ dir, standardize: "pixel" });
    const [mean, variance] = tf.tidy(() => {
      const m = tf.moments(split.train.x, 0);
      return [m.mean.dataSync(), m.variance.dataSync()];
    });
    assert.equal(variance[0], 0, "pixel 0 is always 0: std 1, value 0");
    assert.equal(split.train.x.dataSync()[0], 0);
    for (let j = 1; j < PIXELS; j++) {
      assert.ok(Math.abs(mean[j]) < 1e-5, `column ${j} mean ${mean[j]}`);
      assert.ok(Math.abs(variance[j] - 1) < 1e-4 || j === 2, `column ${j} variance ${variance[j]}`);
    }
    disposeSplit(split);
  });

  test("subsample is a seeded, class-stratified subset in file order; the same seed gives the same subset", () => {
    const a = at.fashionMnist({ dir, subsample: { train: 30, test: 10 }, seed: 1 });
    const rows = fileRows(a.train);
    assert.equal(rows.length, 30);
    assert.deepEqual(rows, [...rows].sort((x, y) => x - y), "file order");
    assert.deepEqual(Array.from(a.train.y.dataSync()), rows.map((r) => fake.trainLabels[r]), "labels travel with their images");
    // 30 of 75 from classes of 3..12: 30 (c + 3) / 75 = 1.2, 1.6, 2, 2.4, 2.8, 3.2, 3.6, 4, 4.4, 4.8 → floors (26), and
    // one more each to the four largest remainders: classes 4 and 9 (0.8), then 1 and 6 (0.6).
    assert.deepEqual(counts(a.train.y.dataSync()), [1, 2, 2, 2, 3, 3, 4, 4, 4, 5]);
    assert.deepEqual(counts(a.test.y.dataSync()), new Array<number>(10).fill(1));
    const { mean, std } = globalStats(fake.trainPixels, rows);
    const want = (fake.trainPixels[rows[0] * PIXELS + 5] / 255 - mean) / std;
    assert.ok(Math.abs(a.train.x.dataSync()[5] - want) < 1e-5, "standardized by the subset's own statistics");
    const b = at.fashionMnist({ dir, subsample: { train: 30, test: 10 }, seed: 1 });
    assert.deepEqual(fileRows(b.train), rows);
    assert.deepEqual(b.train.x.dataSync(), a.train.x.dataSync());
    assert.deepEqual(b.test.x.dataSync(), a.test.x.dataSync());
    const c = at.fashionMnist({ dir, subsample: { train: 30, test: 10 }, seed: 2 });
    assert.notDeepEqual(fileRows(c.train), rows, "another seed, another subset");
    const onlyTest = at.fashionMnist({ dir, subsample: { test: 10 }, seed: 1 });
    assert.deepEqual(fileRows(onlyTest.train), all(75), "the training split stays whole");
    for (const s of [a, b, c, onlyTest]) disposeSplit(s);
  });

  test("validation holds out a stratified share of the (subsampled) training split; statistics from the rest only", () => {
    const before = tf.memory().numTensors;
    const split = at.fashionMnist({ dir, subsample: { train: 50 }, validation: 0.2, seed: 4 });
    const validation = split.validation as at.Dataset;
    assert.deepEqual([at.size(split.train), at.size(validation), at.size(split.test)], [40, 10, 20]);
    const subset = at.fashionMnist({ dir, subsample: { train: 50 }, seed: 4 });
    const trainRows = fileRows(split.train);
    const heldRows = fileRows(validation);
    assert.deepEqual([...trainRows, ...heldRows].sort((x, y) => x - y), fileRows(subset.train), "disjoint, and together the subset");
    const { mean, std } = globalStats(fake.trainPixels, trainRows);
    const x = validation.x.dataSync();
    heldRows.forEach((r, i) => {
      const want = (fake.trainPixels[r * PIXELS + 9] / 255 - mean) / std;
      assert.ok(Math.abs(x[i * PIXELS + 9] - want) < 1e-5, `validation row ${r} standardized with the remaining training rows`);
    });
    const again = at.fashionMnist({ dir, subsample: { train: 50 }, validation: 0.2, seed: 4 });
    assert.deepEqual(fileRows(again.validation as at.Dataset), heldRows);
    for (const s of [split, subset, again]) disposeSplit(s);
    assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  });

  test("the folder comes from { dir }, else ANTITRAIN_FASHION_MNIST_DIR; a missing one names the package and set-up", () => {
    const saved = process.env.ANTITRAIN_FASHION_MNIST_DIR;
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-fashion-empty-"));
    try {
      process.env.ANTITRAIN_FASHION_MNIST_DIR = dir;
      const split = at.fashionMnist({ subsample: { train: 5, test: 5 } });
      assert.equal(at.size(split.train), 5);
      disposeSplit(split);
      process.env.ANTITRAIN_FASHION_MNIST_DIR = empty;
      assertAntitrainError(
        () => at.fashionMnist(),
        /not found in .*antitrain-fashion-empty.*from \$ANTITRAIN_FASHION_MNIST_DIR.*train-images-idx3-ubyte\[\.gz\].*scripts\/setup\.sh.*dataset-fashion-mnist/,
      );
      assertAntitrainError(() => at.fashionMnist({ dir: path.join(empty, "nowhere") }), /from \{ dir \}.*dataset-fashion-mnist/);
    } finally {
      if (saved === undefined) delete process.env.ANTITRAIN_FASHION_MNIST_DIR;
      else process.env.ANTITRAIN_FASHION_MNIST_DIR = saved;
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test("bad options and files that do not belong together are refused, leaving no tensor behind", () => {
    const before = tf.memory().numTensors;
    const bad = (options: unknown) => () => at.fashionMnist({ dir, ...(options as at.FashionMnistOptions) });
    assertAntitrainError(bad({ flaten: false }), /unknown option "flaten" of fashionMnist: the options are .*flatten/);
    assertAntitrainError(bad({ subsample: { trian: 5 } }), /unknown option "trian" of fashionMnist's subsample/);
    assertAntitrainError(bad({ standardize: "pixels" }), /standardize must be one of "global", "pixel", got "pixels"/);
    assertAntitrainError(bad({ flatten: "no" }), /flatten must be true or false/);
    assertAntitrainError(bad({ subsample: { train: 0 } }), /subsample\.train must be an integer in \[1, 75\]/);
    assertAntitrainError(bad({ subsample: { test: 21 } }), /subsample\.test must be an integer in \[1, 20\]/);
    assertAntitrainError(bad({ validation: 1 }), /validation must be a share in \(0, 1\)/);
    assertAntitrainError(bad({ subsample: { train: 2 }, validation: 0.1 }), /holds out 0/);
    assertAntitrainError(bad({ seed: Number.NaN }), /seed must be a finite number/);
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-fashion-broken-"));
    try {
      for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(broken, f));
      writeIdx(path.join(broken, "t10k-labels-idx1-ubyte"), "uint8", [19], new Array<number>(19).fill(0));
      assertAntitrainError(() => at.fashionMnist({ dir: broken }), /has 19 labels but .* has 20 images/);
      writeIdx(path.join(broken, "t10k-labels-idx1-ubyte"), "uint8", [20], [...new Array<number>(19).fill(0), 10]);
      assertAntitrainError(() => at.fashionMnist({ dir: broken }), /t10k-labels-idx1-ubyte: label 10 at example 19 is out of range/);
      writeIdx(path.join(broken, "t10k-labels-idx1-ubyte"), "int32", [20], new Array<number>(20).fill(0));
      assertAntitrainError(() => at.fashionMnist({ dir: broken }), /should hold uint8 labels \[n\], but holds Int32Array \[20\]/);
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
    assert.equal(tf.memory().numTensors, before, "no tensor leaked by a refused call");
  });
});

const REAL_DIR = process.env.ANTITRAIN_FASHION_MNIST_DIR || FASHION_MNIST_DEBIAN_DIR;
const realMissing = !fs.existsSync(path.join(REAL_DIR, "train-images-idx3-ubyte.gz"));

describe("fashionMnist on the real package files", () => {
  test(
    "60,000 + 10,000 balanced images with the published pixel statistics; a stratified subsample",
    {
      skip: realMissing
        ? `Fashion-MNIST is not installed in ${REAL_DIR}: bash scripts/setup.sh installs Debian's dataset-fashion-mnist (as root)`
        : false,
    },
    () => {
      const images = at.readIdx(path.join(REAL_DIR, "train-images-idx3-ubyte.gz"));
      assert.deepEqual(images.shape, [60000, 28, 28]);
      let sum = 0;
      let sq = 0;
      for (const p of images.data) {
        sum += p / 255;
        sq += (p / 255) ** 2;
      }
      const mean = sum / images.data.length;
      const std = Math.sqrt(sq / images.data.length - mean * mean);
      // The values every Fashion-MNIST pipeline normalizes with (e.g. torchvision's Normalize((0.2860,), (0.3530,))).
      assert.ok(Math.abs(mean - 0.286) < 5e-4 && Math.abs(std - 0.353) < 5e-4, `mean ${mean}, std ${std}`);
      assert.deepEqual(counts(at.readIdx(path.join(REAL_DIR, "train-labels-idx1-ubyte.gz")).data), new Array<number>(10).fill(6000));
      assert.deepEqual(counts(at.readIdx(path.join(REAL_DIR, "t10k-labels-idx1-ubyte.gz")).data), new Array<number>(10).fill(1000));
      const before = tf.memory().numTensors;
      const split = at.fashionMnist({ dir: REAL_DIR, subsample: { train: 1000, test: 500 }, validation: 0.1, seed: 0 });
      assert.deepEqual(split.train.x.shape, [900, 784]);
      assert.deepEqual((split.validation as at.Dataset).x.shape, [100, 784]);
      assert.deepEqual(split.test.x.shape, [500, 784]);
      assert.deepEqual(counts(split.train.y.dataSync()), new Array<number>(10).fill(90));
      assert.deepEqual(counts((split.validation as at.Dataset).y.dataSync()), new Array<number>(10).fill(10));
      assert.deepEqual(counts(split.test.y.dataSync()), new Array<number>(10).fill(50));
      disposeSplit(split);
      assert.equal(tf.memory().numTensors, before);
    },
  );
});
