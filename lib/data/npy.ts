/**
 * A small reader of NumPy's `.npy` format (https://numpy.org/devdocs/reference/generated/numpy.lib.format.html):
 * the magic `\x93NUMPY`, a version (1.0: 2-byte header length; 2.0 and 3.0: 4-byte), a Python-literal header dict
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }`, then the raw elements.
 */
import * as fs from "node:fs";
import { AntitrainError } from "../base/errors";

/** The element types {@link readNpy} reads (all little-endian): NumPy's `<f4`, `<f8`, `|u1`, `<i4`, `<i8`. */
export type NpyDtype = "float32" | "float64" | "uint8" | "int32" | "int64";

/** Every {@link NpyDtype}. */
export const NPY_DTYPES: readonly NpyDtype[] = ["float32", "float64", "uint8", "int32", "int64"];

/**
 * An array read from a `.npy` file: its shape, its dtype and its elements in C (row-major) order. int64 elements are
 * given as a Float64Array of the same integers (values beyond ±2^53, which a double cannot hold exactly, are refused).
 */
export interface NpyArray {
  readonly shape: number[];
  readonly dtype: NpyDtype;
  readonly data: Float32Array | Float64Array | Uint8Array | Int32Array;
}

const DESCR: Readonly<Record<string, { dtype: NpyDtype; bytes: number }>> = {
  "<f4": { dtype: "float32", bytes: 4 },
  "<f8": { dtype: "float64", bytes: 8 },
  "|u1": { dtype: "uint8", bytes: 1 },
  "<u1": { dtype: "uint8", bytes: 1 },
  "<i4": { dtype: "int32", bytes: 4 },
  "<i8": { dtype: "int64", bytes: 8 },
};

const MAGIC = "\x93NUMPY";

/**
 * Reads a `.npy` file written by `numpy.save`: little-endian float32, float64, uint8, int32 or int64 in C order.
 * Refused with an AntitrainError naming the fix: another dtype (convert with `a.astype(np.float32)`), big-endian
 * data, Fortran order (save `np.ascontiguousarray(a)`), object arrays, a truncated file or one with trailing bytes.
 *
 * @example
 * const a = at.readNpy("data/x_test.npy");
 * a.shape;   // [10000, 28, 28]
 * a.dtype;   // "uint8"
 * a.data;    // Uint8Array of 7,840,000 elements, row-major
 */
export function readNpy(path: string): NpyArray {
  if (typeof path !== "string" || path === "") throw new AntitrainError("readNpy needs the path of a .npy file (a non-empty string)");
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    throw new AntitrainError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseNpy(bytes, path);
}

/**
 * Parses the bytes of a `.npy` file (see {@link readNpy}); `path` only names the source in errors.
 *
 * @example
 * const a = at.parseNpy(fs.readFileSync("x.npy"), "x.npy");
 * a.shape;   // [100, 64]
 */
export function parseNpy(bytes: Uint8Array, path = "the .npy data"): NpyArray {
  if (bytes.length < 10 || Buffer.from(bytes.subarray(0, 6)).toString("latin1") !== MAGIC) {
    throw new AntitrainError(`${path} is not a .npy file: it does not start with "\\x93NUMPY" (write it with numpy.save)`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major !== 1 && major !== 2 && major !== 3) throw new AntitrainError(`${path} is .npy format version ${major}.${bytes[7]}: only 1.0, 2.0 and 3.0 are read`);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes + headerLength;
  if (bytes.length < start) throw new AntitrainError(`${path} is truncated: its header needs ${start} bytes, the file has ${bytes.length}`);
  const header = Buffer.from(bytes.subarray(8 + lengthBytes, start)).toString(major === 3 ? "utf8" : "latin1");
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new AntitrainError(`${path} has a .npy header without descr, fortran_order and shape: ${header.trim()}`);
  }
  if (fortran === "True") {
    throw new AntitrainError(`${path} is stored in Fortran (column-major) order: save it in C order, numpy.save(path, numpy.ascontiguousarray(a))`);
  }
  const type = DESCR[descr];
  if (type === undefined) {
    const hint = descr.startsWith(">") ? "big-endian data: save it little-endian, a.astype(a.dtype.newbyteorder('<'))" : "convert it, e.g. numpy.save(path, a.astype(numpy.float32))";
    throw new AntitrainError(`${path} holds dtype '${descr}', which is not read (float32 <f4, float64 <f8, uint8 |u1, int32 <i4, int64 <i8): ${hint}`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => Number(s.replace(/L$/, "")));
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new AntitrainError(`${path} has an unreadable shape (${shapeText}) in its header`);
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = start + count * type.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "is truncated" : "has trailing bytes";
    throw new AntitrainError(`${path} ${what}: its header says ${type.dtype} [${shape.join(", ")}], which needs ${expected} bytes, but the file has ${bytes.length}`);
  }
  return { shape, dtype: type.dtype, data: elements(view, start, count, type.dtype, path) };
}

/** `count` little-endian elements of `dtype` from byte `start` on. */
function elements(view: DataView, start: number, count: number, dtype: NpyDtype, path: string): NpyArray["data"] {
  switch (dtype) {
    case "uint8":
      return new Uint8Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count));
    case "float32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, true);
      return out;
    }
    case "float64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i, true);
      return out;
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, true);
      return out;
    }
    case "int64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(start + 8 * i, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new AntitrainError(`${path} holds the int64 ${v} at element ${i}, beyond what a double holds exactly (±2^53): convert the array to float`);
        }
        out[i] = Number(v);
      }
      return out;
    }
    default: {
      const unknown: never = dtype;
      throw new AntitrainError(`unknown npy dtype ${String(unknown)}`);
    }
  }
}
