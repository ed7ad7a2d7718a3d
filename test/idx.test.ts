import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { after, describe, test } from "node:test";
import * as at from "../lib/index";
import { assertAntitrainError } from "./helpers";
import { type IdxTypeName, idxBytes, writeIdx } from "./idx-files";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-idx-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Values that only survive a correct big-endian read of each type (extremes, signs, fractions). */
const CASES: { type: IdxTypeName; shape: number[]; values: number[]; array: new (n: number) => at.IdxData }[] = [
  { type: "uint8", shape: [2, 3, 4], values: Array.from({ length: 24 }, (_, i) => (i * 37 + 200) % 256), array: Uint8Array },
  { type: "int8", shape: [5], values: [-128, -1, 0, 1, 127], array: Int8Array },
  { type: "int16", shape: [2, 3], values: [-32768, -2, 0, 258, 32767, 1], array: Int16Array },
  { type: "int32", shape: [3, 1], values: [-2147483648, 16909060, 2147483647], array: Int32Array },
  { type: "float32", shape: [2, 2], values: [1.5, -3.25, Math.fround(0.1), Math.fround(-1e-30)], array: Float32Array },
  { type: "float64", shape: [1, 1, 3], values: [Math.PI, -1e300, 2 ** -1074], array: Float64Array },
];

describe("readIdx", () => {
  for (const c of CASES) {
    for (const gzip of [false, true]) {
      test(`reads ${c.type} [${c.shape.join(", ")}] back exactly (${gzip ? "gzipped" : "raw"})`, () => {
        const file = path.join(dir, `${c.type}${gzip ? ".gz" : ""}`);
        writeIdx(file, c.type, c.shape, c.values, gzip);
        const read = at.readIdx(file);
        assert.deepEqual(read.shape, c.shape);
        assert.ok(read.data instanceof c.array, `${c.type} comes back as ${read.data.constructor.name}`);
        assert.deepEqual(Array.from(read.data), c.values);
      });
    }
  }

  test("a 28×28 uint8 image stack keeps its row-major order", () => {
    const values = Array.from({ length: 3 * 28 * 28 }, (_, i) => (i * 7) % 251);
    const file = path.join(dir, "images-idx3-ubyte.gz");
    writeIdx(file, "uint8", [3, 28, 28], values, true);
    const read = at.readIdx(file);
    assert.deepEqual(read.shape, [3, 28, 28]);
    assert.equal(read.data[2 * 784 + 5 * 28 + 9], values[2 * 784 + 5 * 28 + 9]);
    assert.deepEqual(Array.from(read.data), values);
  });

  test("a truncated file (raw or gzipped), trailing bytes and a short header are refused with the byte counts", () => {
    const full = idxBytes("int16", [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]); // 4 + 8 header + 16 data = 28 bytes
    fs.writeFileSync(path.join(dir, "cut"), full.subarray(0, 27));
    assertAntitrainError(() => at.readIdx(path.join(dir, "cut")), /truncated.*int16 \[4, 2\].*needs 28 bytes.*has 27/);
    fs.writeFileSync(path.join(dir, "cut.gz"), zlib.gzipSync(full.subarray(0, 20)));
    assertAntitrainError(() => at.readIdx(path.join(dir, "cut.gz")), /truncated.*needs 28 bytes.*has 20/);
    fs.writeFileSync(path.join(dir, "long"), Buffer.concat([full, Buffer.from([0])]));
    assertAntitrainError(() => at.readIdx(path.join(dir, "long")), /trailing bytes.*needs 28 bytes.*has 29/);
    fs.writeFileSync(path.join(dir, "short-header"), full.subarray(0, 9));
    assertAntitrainError(() => at.readIdx(path.join(dir, "short-header")), /truncated: its header needs 12 bytes for 2 dimensions, the file has 9/);
  });

  test("a wrong magic number, an unknown type code, no dimensions and a damaged gzip stream are refused", () => {
    const good = idxBytes("uint8", [2], [1, 2]);
    const bad = Buffer.from(good);
    bad[0] = 0x50; // "PK": a zip archive, say
    bad[1] = 0x4b;
    fs.writeFileSync(path.join(dir, "magic"), bad);
    assertAntitrainError(() => at.readIdx(path.join(dir, "magic")), /not an IDX file: its magic number starts 50 4b 08 01/);
    fs.writeFileSync(path.join(dir, "empty"), Buffer.alloc(0));
    assertAntitrainError(() => at.readIdx(path.join(dir, "empty")), /not an IDX file.*empty file/);
    const type = Buffer.from(good);
    type[2] = 0x0a;
    fs.writeFileSync(path.join(dir, "type"), type);
    assertAntitrainError(() => at.readIdx(path.join(dir, "type")), /type code 0xa/);
    fs.writeFileSync(path.join(dir, "rank0"), Buffer.from([0, 0, 8, 0]));
    assertAntitrainError(() => at.readIdx(path.join(dir, "rank0")), /0 dimensions/);
    const gz = zlib.gzipSync(good);
    fs.writeFileSync(path.join(dir, "damaged.gz"), gz.subarray(0, gz.length - 6));
    assertAntitrainError(() => at.readIdx(path.join(dir, "damaged.gz")), /damaged gzip file/);
  });

  test("a missing file names the set-up command and the package", () => {
    assertAntitrainError(() => at.readIdx(path.join(dir, "nope-idx3-ubyte.gz")), /not found.*scripts\/setup\.sh.*dataset-fashion-mnist/);
    assertAntitrainError(() => at.readIdx(""), /path of an IDX file/);
  });
});
