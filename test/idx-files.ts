import * as fs from "node:fs";
import * as zlib from "node:zlib";

/** IDX type codes and element sizes, written out independently of lib/data/idx.ts. */
export const IDX_CODES = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e } as const;
export type IdxTypeName = keyof typeof IDX_CODES;
const BYTES: Record<IdxTypeName, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };

/** The bytes of an IDX file: magic (00 00 type rank), big-endian uint32 dims, big-endian elements. */
export function idxBytes(type: IdxTypeName, shape: readonly number[], values: readonly number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = IDX_CODES[type];
  header[3] = shape.length;
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const body = Buffer.alloc(values.length * BYTES[type]);
  values.forEach((v, i) => {
    const at = i * BYTES[type];
    if (type === "uint8") body.writeUInt8(v, at);
    else if (type === "int8") body.writeInt8(v, at);
    else if (type === "int16") body.writeInt16BE(v, at);
    else if (type === "int32") body.writeInt32BE(v, at);
    else if (type === "float32") body.writeFloatBE(v, at);
    else body.writeDoubleBE(v, at);
  });
  return Buffer.concat([header, body]);
}

/** Writes an IDX file, gzip-compressed when `gzip` is set. */
export function writeIdx(file: string, type: IdxTypeName, shape: readonly number[], values: readonly number[], gzip = false): void {
  const bytes = idxBytes(type, shape, values);
  fs.writeFileSync(file, gzip ? zlib.gzipSync(bytes) : bytes);
}
