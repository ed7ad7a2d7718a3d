import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { assertAntitrainError } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/** 60 examples, class c has 6·(c + 1) of them (6, 12, 18, 24); feature 0 is the row's index, feature 1 its label. */
function indexed(): at.Dataset<tf.Tensor2D> {
  const labels: number[] = [];
  for (let i = 0; labels.length < 60; i++) for (let c = 0; c < 4; c++) if (i < 6 * (c + 1) && labels.length < 60) labels.push(c);
  return at.dataset(
    labels.flatMap((c, i) => [i, c]),
    labels,
    { features: 2, classes: 4 },
  );
}

/** Row indices (feature 0) of a split part, and its labels. */
function rowsOf(d: at.Dataset<tf.Tensor2D>): { rows: number[]; labels: number[] } {
  const x = d.x.arraySync();
  return { rows: x.map((r) => r[0]), labels: Array.from(d.y.dataSync()) };
}

function classCounts(labels: readonly number[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

function disposeAll(...parts: at.Dataset<tf.Tensor>[]): void {
  for (const p of parts) at.disposeDataset(p);
}

describe("validationSplit", () => {
  test("two disjoint parts that together are the data, each in the original order, stratified to the exact total", () => {
    const data = indexed();
    const before = tf.memory().numTensors;
    const { train, validation } = at.validationSplit(data, { fraction: 0.25, seed: 3 });
    const t = rowsOf(train);
    const v = rowsOf(validation);
    assert.equal(v.rows.length, 15);
    assert.equal(t.rows.length, 45);
    assert.deepEqual([...t.rows, ...v.rows].sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i), "disjoint and complete");
    assert.deepEqual(t.rows, [...t.rows].sort((a, b) => a - b), "train keeps the data's order");
    assert.deepEqual(v.rows, [...v.rows].sort((a, b) => a - b), "validation keeps the data's order");
    // Features travel with their labels.
    for (const part of [t, v]) part.rows.forEach((r, i) => assert.equal(part.labels[i], data.y.dataSync()[r]));
    // 15 of 60 from classes of 6, 12, 18, 24: 1.5, 3, 4.5, 6 → floors 1, 3, 4, 6 (14), one more to the largest remainder
    // (0.5, a tie between classes 0 and 2, goes to class 0).
    assert.deepEqual(classCounts(v.labels, 4), [2, 3, 4, 6]);
    disposeAll(train, validation);
    assert.equal(tf.memory().numTensors, before, "no tensor leaked");
    assert.deepEqual(rowsOf(data).rows, Array.from({ length: 60 }, (_, i) => i), "the input is left as it was");
    at.disposeDataset(data);
  });

  test("the same seed gives the same split, another seed another; size and stratified: false work", () => {
    const data = indexed();
    const draw = (options: at.ValidationSplitOptions): number[] => {
      const { train, validation } = at.validationSplit(data, options);
      const rows = rowsOf(validation).rows;
      disposeAll(train, validation);
      return rows;
    };
    const a = draw({ fraction: 0.25, seed: 3 });
    assert.deepEqual(draw({ fraction: 0.25, seed: 3 }), a);
    assert.notDeepEqual(draw({ fraction: 0.25, seed: 4 }), a);
    assert.deepEqual(draw({ size: 15, seed: 3 }), a, "size 15 is fraction 0.25 of 60");
    assert.deepEqual(draw({ fraction: 0.25 }), draw({ fraction: 0.25, seed: 0 }), "seed defaults to 0");
    const plain = draw({ size: 7, seed: 1, stratified: false });
    assert.equal(plain.length, 7);
    assert.equal(new Set(plain).size, 7);
    assert.deepEqual(draw({ size: 7, seed: 1, stratified: false }), plain);
    at.disposeDataset(data);
  });

  test("images of any rank split along the first axis", () => {
    const x = tf.tensor4d(Float32Array.from({ length: 10 * 2 * 2 }, (_, i) => Math.floor(i / 4)), [10, 2, 2, 1]);
    const data: at.Dataset<tf.Tensor4D> = { x, y: tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "int32"), classes: 2 };
    const { train, validation } = at.validationSplit(data, { size: 4, seed: 0 });
    assert.deepEqual(train.x.shape, [6, 2, 2, 1]);
    assert.deepEqual(validation.x.shape, [4, 2, 2, 1]);
    const rowIds = (t: tf.Tensor4D) => (t.arraySync() as number[][][][]).map((img) => img[1][1][0]);
    assert.deepEqual([...rowIds(train.x), ...rowIds(validation.x)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(classCounts(Array.from(validation.y.dataSync()), 2), [2, 2]);
    const h = at.head(train, 2);
    assert.deepEqual(h.x.shape, [2, 2, 2, 1], "head slices images too");
    disposeAll(train, validation, h, data);
  });

  test("bad options are refused with the fix, and leave no tensor behind", () => {
    const data = indexed();
    const before = tf.memory().numTensors;
    assertAntitrainError(() => at.validationSplit(data, { fraction: 0.2, size: 5 }), /exactly one of \{ fraction \}/);
    assertAntitrainError(() => at.validationSplit(data, { seed: 1 }), /exactly one of/);
    assertAntitrainError(() => at.validationSplit(data, undefined as unknown as at.ValidationSplitOptions), /needs \{ fraction \} or \{ size \}/);
    for (const fraction of [0, 1, 1.5, -0.1, Number.NaN]) assertAntitrainError(() => at.validationSplit(data, { fraction }), /share in \(0, 1\)/);
    assertAntitrainError(() => at.validationSplit(data, { fraction: 0.001 }), /holds out 0: both parts need at least one example/);
    for (const size of [0, 60, 2.5]) assertAntitrainError(() => at.validationSplit(data, { size }), /size must be an integer in \[1, 59\]/);
    assertAntitrainError(() => at.validationSplit(data, { fraction: 0.2, sed: 1 } as at.ValidationSplitOptions), /unknown option "sed".*seed/);
    assertAntitrainError(() => at.validationSplit(data, { fraction: 0.2, stratified: "yes" as unknown as boolean }), /stratified must be true or false/);
    assertAntitrainError(() => at.validationSplit(data, { fraction: 0.2, seed: Number.POSITIVE_INFINITY }), /seed must be a finite number/);
    const wrongClasses = { ...data, classes: 3 };
    assertAntitrainError(() => at.validationSplit(wrongClasses, { fraction: 0.2 }), /label 3 at example 3 is out of range/);
    assert.equal(tf.memory().numTensors, before, "no tensor leaked by a refused call");
    at.disposeDataset(data);
  });
});

/** A short hex digest of a typed array's bytes. */
function digest(a: tf.TypedArray): string {
  return createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex").slice(0, 16);
}

describe("digits({ validation })", () => {
  test("without the option digits() returns exactly what it returned before validation splits existed", () => {
    // Digests taken from digits() at commit 8f2b5dc, before the option was added.
    const expected: [at.DigitsOptions, number[], string[], number, number][] = [
      [{}, [1347, 450], ["5b5babf9d6cc307e", "d947c4316645d96b", "07285c126e3addca", "f2535c54d6211cca"], 0.966694712638855, -0.05760195106267929],
      [
        { trainLimit: 100, test: 300, splitSeed: 3 },
        [100, 300],
        ["1d0d82f5c6216a05", "890579e2c76d5442", "ab9ae3d325f1ebfe", "d7378966d9fa288d"],
        0.8045891523361206,
        0,
      ],
    ];
    for (const [options, sizes, digests, x100, x200] of expected) {
      const split = at.digits(options);
      assert.equal(split.validation, undefined);
      assert.deepEqual([at.size(split.train), at.size(split.test)], sizes);
      const got = [split.train.x, split.train.y, split.test.x, split.test.y].map((t) => digest(t.dataSync()));
      assert.deepEqual(got, digests, `digits(${JSON.stringify(options)}) changed`);
      assert.equal(split.train.x.dataSync()[100], x100);
      assert.equal(split.test.x.dataSync()[200], x200);
      disposeAll(split.train, split.test);
    }
  });

  test("holds out a stratified share of the training split, keeps the test split, standardizes with the rest only", () => {
    const before = tf.memory().numTensors;
    const plain = at.digits();
    const split = at.digits({ validation: 0.2 });
    const validation = split.validation as at.Dataset<tf.Tensor2D>;
    assert.deepEqual([at.size(split.train), at.size(validation), at.size(split.test)], [1078, 269, 450]);
    assert.equal(digest(split.test.y.dataSync()), digest(plain.test.y.dataSync()), "the same test examples");
    const all = classCounts(Array.from(plain.train.y.dataSync()), 10);
    const held = classCounts(Array.from(validation.y.dataSync()), 10);
    const kept = classCounts(Array.from(split.train.y.dataSync()), 10);
    held.forEach((h, c) => {
      assert.equal(h + kept[c], all[c], `class ${c}: train + validation are the old training split`);
      assert.ok(Math.abs(h - 0.2 * all[c]) < 1, `class ${c}: ${h} of ${all[c]} held out`);
    });
    // Each non-constant training column has mean 0 and std 1 over the returned training rows: the statistics came from them.
    const [mean, variance] = tf.tidy(() => {
      const m = tf.moments(split.train.x, 0);
      return [m.mean.dataSync(), m.variance.dataSync()];
    });
    for (let j = 0; j < 64; j++) {
      assert.ok(Math.abs(mean[j]) < 1e-5, `column ${j} mean ${mean[j]}`);
      assert.ok(Math.abs(variance[j] - 1) < 1e-4 || variance[j] === 0, `column ${j} variance ${variance[j]}`);
    }
    const again = at.digits({ validation: 0.2 });
    assert.equal(digest((again.validation as at.Dataset).x.dataSync()), digest(validation.x.dataSync()), "the same split again");
    const other = at.digits({ validation: 0.2, splitSeed: 1 });
    assert.notEqual(digest((other.validation as at.Dataset).y.dataSync()), digest(validation.y.dataSync()));
    const limited = at.digits({ validation: 0.2, trainLimit: 50 });
    assert.deepEqual([at.size(limited.train), at.size(limited.validation as at.Dataset)], [50, 269], "trainLimit applies after the hold-out");
    for (const s of [plain, split, again, other, limited]) disposeAll(...[s.train, s.test, s.validation].filter((d): d is at.Dataset<tf.Tensor2D> => d !== undefined));
    assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  });

  describe("on a file whose first feature is the row's index", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-digits-"));
    const file = path.join(dir, "indexed.csv.gz");
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    // 100 rows: feature 0 = index, the other 63 features constant, label = index mod 10.
    const rows = Array.from({ length: 100 }, (_, i) => [i, ...new Array<number>(63).fill(3), i % 10].join(","));
    fs.writeFileSync(file, zlib.gzipSync(`${rows.join("\n")}\n`));

    test("train, validation and test are disjoint and together every row", () => {
      const split = at.digits({ file, test: 20, validation: 0.25 });
      const validation = split.validation as at.Dataset<tf.Tensor2D>;
      assert.deepEqual([at.size(split.train), at.size(validation), at.size(split.test)], [60, 20, 20]);
      // All three parts share the training rows' mean and std, so equal standardized values mean equal indices.
      const ids = [split.train, validation, split.test].map((d) => d.x.arraySync().map((r) => r[0]));
      const all = new Set(ids.flat());
      assert.equal(all.size, 100, "no row appears twice");
      assert.deepEqual(classCounts(Array.from(validation.y.dataSync()), 10), new Array<number>(10).fill(2), "2 of each class");
      assertAntitrainError(() => at.digits({ file, validation: 1 }), /validation must be a share in \(0, 1\)/);
      assertAntitrainError(() => at.digits({ file, validaton: 0.2 } as at.DigitsOptions), /unknown option "validaton" of digits/);
      disposeAll(split.train, split.test, validation);
    });
  });
});
