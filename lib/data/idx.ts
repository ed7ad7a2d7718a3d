import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { AntitrainError } from "../base/errors";

/** The element arrays an IDX file can hold, one per IDX type code. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An n-dimensional array read from an IDX file: its dimensions and its elements in row-major order. */
export interface IdxArray {
  readonly shape: number[];
  readonly data: IdxData;
}

/** IDX type codes (the third byte of the magic number), their element size and how to read one big-endian element. */
interface IdxType {
  readonly name: string;
  readonly bytes: number;
  readonly make: (n: number) => IdxData;
  readonly read: (v: DataView, at: number) => number;
}
const IDX_TYPES = new Map<number, IdxType>([
  [0x08, { name: "uint8", bytes: 1, make: (n) => new Uint8Array(n), read: (v, at) => v.getUint8(at) }],
  [0x09, { name: "int8", bytes: 1, make: (n) => new Int8Array(n), read: (v, at) => v.getInt8(at) }],
  [0x0b, { name: "int16", bytes: 2, make: (n) => new Int16Array(n), read: (v, at) => v.getInt16(at, false) }],
  [0x0c, { name: "int32", bytes: 4, make: (n) => new Int32Array(n), read: (v, at) => v.getInt32(at, false) }],
  [0x0d, { name: "float32", bytes: 4, make: (n) => new Float32Array(n), read: (v, at) => v.getFloat32(at, false) }],
  [0x0e, { name: "float64", bytes: 8, make: (n) => new Float64Array(n), read: (v, at) => v.getFloat64(at, false) }],
]);

/**
 * Reads an IDX file (the format of MNIST and Fashion-MNIST), gzip-compressed or not (told apart by gzip's magic
 * bytes). The header is two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
 * 0x0E float64), the number of dimensions, then each dimension as a big-endian uint32; the big-endian elements follow.
 * The file's length must match the header exactly: a truncated file, trailing bytes, a bad magic number or an unknown
 * type code throw an AntitrainError.
 *
 * @example
 * const images = at.readIdx("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
 * images.shape;     // [10000, 28, 28]
 * images.data;      // Uint8Array of 7,840,000 pixels, row-major
 */
export function readIdx(path: string): IdxArray {
  if (typeof path !== "string" || path === "") throw new AntitrainError("readIdx needs the path of an IDX file (a non-empty string)");
  if (!fs.existsSync(path)) {
    throw new AntitrainError(
      `IDX file not found: ${path} (for Fashion-MNIST run bash scripts/setup.sh, which installs Debian's dataset-fashion-mnist, or set ANTITRAIN_FASHION_MNIST_DIR)`,
    );
  }
  return parseIdx(gunzipIfNeeded(fs.readFileSync(path), path), path);
}

/** The bytes, inflated when they start with gzip's magic number (0x1f 0x8b). */
function gunzipIfNeeded(raw: Buffer, path: string): Buffer {
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return zlib.gunzipSync(raw);
  } catch (e) {
    throw new AntitrainError(`${path} is a damaged gzip file (${(e as Error).message}): download or reinstall it`);
  }
}

/** Parses IDX bytes; `path` only names the file in errors. */
function parseIdx(bytes: Buffer, path: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new AntitrainError(`${path} is not an IDX file: its magic number starts ${magic || "(empty file)"}, an IDX file starts 00 00`);
  }
  const type = IDX_TYPES.get(bytes[2]);
  if (type === undefined) {
    throw new AntitrainError(
      `${path} has IDX type code 0x${bytes[2].toString(16)}, not one of 0x08 (uint8), 0x09, 0x0b, 0x0c, 0x0d, 0x0e: is it an IDX file?`,
    );
  }
  const rank = bytes[3];
  if (rank === 0) throw new AntitrainError(`${path} declares 0 dimensions: an IDX array needs at least one`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new AntitrainError(`${path} is truncated: its header needs ${headerBytes} bytes for ${rank} dimensions, the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "is truncated" : "has trailing bytes";
    throw new AntitrainError(
      `${path} ${what}: its header says ${type.name} [${shape.join(", ")}], which needs ${expected} bytes, but the file has ${bytes.length}: download or reinstall it`,
    );
  }
  const data = type.make(count);
  if (type.bytes === 1) {
    // One-byte elements have no byte order: copy them as they are.
    new Uint8Array(data.buffer).set(bytes.subarray(headerBytes, expected));
  } else {
    for (let i = 0, at = headerBytes; i < count; i++, at += type.bytes) data[i] = type.read(view, at);
  }
  return { shape, data };
}
