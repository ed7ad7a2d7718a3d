/**
 * Checkpoints on disk: named float32 arrays as raw bytes in one `weights.bin`, plus a JSON `manifest.json` with
 * every array's name, shape and byte range, the SHA-256 of the bin and of the manifest body, a format version and
 * the run state (plain JSON). Written atomically into `DIR/ckpt-<step>/` (a temporary folder, then a rename); the
 * newest `keep` checkpoints stay. Reading verifies sizes, shapes and checksums, refuses paths that leave the
 * checkpoint folder, symlinks and prototype-polluting keys, and never evaluates anything.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { AntitrainError } from "../base/errors";

/** A named float32 array with its shape (row-major). */
export interface CheckpointArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Plain JSON data (what a checkpoint's run state may hold). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a checkpoint holds. */
export interface Checkpoint {
  /** The training step it was taken after. */
  readonly step: number;
  /** Weights and other large float32 arrays, by name. */
  readonly arrays: ReadonlyMap<string, CheckpointArray>;
  /** Everything else a run needs, as plain JSON. */
  readonly state: Json;
}

/** A checkpoint that could not be used, and why. */
export interface SkippedCheckpoint {
  readonly folder: string;
  readonly reason: string;
}

export const CHECKPOINT_FORMAT = "antitrain-checkpoint";
export const CHECKPOINT_VERSION = 1;
const BIN = "weights.bin";
const MANIFEST = "manifest.json";
const FOLDER = /^ckpt-(\d{1,15})$/;
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,199}$/;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Writes `checkpoint` atomically into `dir/ckpt-<step>/` and keeps the newest `keep` checkpoints (default 2);
 * checkpoints of later steps (an abandoned future, after resuming from an older one) are removed once the new
 * one is complete. Returns the new folder.
 *
 * @example
 * const arrays = new Map([["dense1/w", { shape: [8, 16], data: w }]]);
 * at.writeCheckpoint("runs/a", { step: 100, arrays, state: { losses: [0.7, 0.6] } });
 * at.latestCheckpoint("runs/a")?.checkpoint.step;   // 100
 */
export function writeCheckpoint(dir: string, checkpoint: Checkpoint, options: { keep?: number } = {}): string {
  const keep = options.keep ?? 2;
  if (!(Number.isSafeInteger(checkpoint.step) && checkpoint.step >= 0)) {
    throw new AntitrainError(`checkpoint step must be a whole number >= 0, got ${checkpoint.step}`);
  }
  if (!(Number.isInteger(keep) && keep >= 1)) throw new AntitrainError(`keep must be a positive whole number, got ${keep}`);
  fs.mkdirSync(dir, { recursive: true });
  const { bin, tensors } = packArrays(checkpoint.arrays);
  const body = {
    step: checkpoint.step,
    dtype: "float32",
    bin: { file: BIN, bytes: bin.length, sha256: sha256(bin) },
    tensors,
    state: checkpoint.state,
  };
  const bodyText = JSON.stringify(body);
  refuseForbiddenKeys(JSON.parse(bodyText), "the checkpoint state");
  const manifest = `{"format":"${CHECKPOINT_FORMAT}","version":${CHECKPOINT_VERSION},"bodySha256":"${sha256(bodyText)}","body":${bodyText}}\n`;

  const name = `ckpt-${checkpoint.step}`;
  const final = path.join(dir, name);
  const tmp = path.join(dir, `.${name}.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  writeSynced(path.join(tmp, BIN), bin);
  writeSynced(path.join(tmp, MANIFEST), Buffer.from(manifest, "utf8"));
  if (fs.existsSync(final)) {
    const old = path.join(dir, `.${name}.old-${process.pid}`);
    fs.rmSync(old, { recursive: true, force: true });
    fs.renameSync(final, old);
    fs.renameSync(tmp, final);
    fs.rmSync(old, { recursive: true, force: true });
  } else {
    fs.renameSync(tmp, final);
  }
  syncFolder(dir);
  prune(dir, checkpoint.step, keep);
  return final;
}

/**
 * Reads and verifies one checkpoint folder: format and version, the manifest body's checksum, every array's
 * shape and byte range, the bin's size and checksum. Throws an AntitrainError saying what is wrong.
 *
 * @example
 * const { step, arrays, state } = at.readCheckpoint("runs/a/ckpt-100");
 */
export function readCheckpoint(folder: string): Checkpoint {
  const where = `checkpoint ${folder}`;
  refuseSymlink(folder, where);
  const manifestFile = path.join(folder, MANIFEST);
  if (!fs.existsSync(manifestFile)) throw new AntitrainError(`${where} has no ${MANIFEST}: it is incomplete, use an older one`);
  refuseSymlink(manifestFile, where);
  const text = fs.readFileSync(manifestFile, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) throw new AntitrainError(`${where}: the manifest holds the forbidden key "${key}" and is refused`);
      return value;
    });
  } catch (e) {
    if (e instanceof AntitrainError) throw e;
    throw new AntitrainError(`${where}: ${MANIFEST} is not valid JSON (truncated or corrupted): ${(e as Error).message}`);
  }
  const m = asRecord(parsed, `${where}: ${MANIFEST}`);
  if (m.format !== CHECKPOINT_FORMAT) throw new AntitrainError(`${where}: not an antitrain checkpoint (format ${JSON.stringify(m.format)})`);
  if (m.version !== CHECKPOINT_VERSION) {
    throw new AntitrainError(`${where}: format version ${JSON.stringify(m.version)} is not supported (this antitrain reads version ${CHECKPOINT_VERSION})`);
  }
  const body = asRecord(m.body, `${where}: manifest body`);
  if (typeof m.bodySha256 !== "string" || sha256(JSON.stringify(body)) !== m.bodySha256) {
    throw new AntitrainError(`${where}: the manifest's checksum does not match its content (corrupted or edited)`);
  }
  const step = body.step;
  const folderStep = FOLDER.exec(path.basename(folder))?.[1];
  if (typeof step !== "number" || !Number.isSafeInteger(step) || step < 0 || (folderStep !== undefined && Number(folderStep) !== step)) {
    throw new AntitrainError(`${where}: step ${JSON.stringify(step)} does not match the folder name`);
  }
  if (body.dtype !== "float32") throw new AntitrainError(`${where}: dtype ${JSON.stringify(body.dtype)} is not supported (only float32)`);
  const binInfo = asRecord(body.bin, `${where}: manifest bin`);
  const binFile = safeFile(folder, binInfo.file, where);
  const bytes = binInfo.bytes;
  if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0 || bytes % 4 !== 0) {
    throw new AntitrainError(`${where}: bin size ${JSON.stringify(bytes)} is not a whole number of float32 values`);
  }
  if (!fs.existsSync(binFile)) throw new AntitrainError(`${where}: ${BIN} is missing`);
  refuseSymlink(binFile, where);
  const actual = fs.statSync(binFile).size;
  if (actual !== bytes) throw new AntitrainError(`${where}: ${BIN} holds ${actual} bytes but the manifest says ${bytes} (truncated?)`);
  const bin = fs.readFileSync(binFile);
  if (sha256(bin) !== binInfo.sha256) throw new AntitrainError(`${where}: ${BIN} fails its SHA-256 check (corrupted)`);
  const arrays = unpackArrays(bin, body.tensors, where);
  return { step, arrays, state: (body.state ?? null) as Json };
}

/** Checkpoint folders in `dir`, newest first (by step). */
export function listCheckpoints(dir: string): { step: number; folder: string }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => ({ name, match: FOLDER.exec(name) }))
    .filter((e) => e.match !== null)
    .map((e) => ({ step: Number(e.match?.[1]), folder: path.join(dir, e.name) }))
    .sort((a, b) => b.step - a.step);
}

/**
 * The newest checkpoint in `dir` that verifies, with the newer ones that did not (and why); undefined when there is
 * no usable checkpoint (then `skipped` is reported through `onSkip` too).
 *
 * @example
 * const found = at.latestCheckpoint("runs/a", { onSkip: (s) => console.warn(s.reason) });
 * if (found) resumeFrom(found.checkpoint);
 */
export function latestCheckpoint(
  dir: string,
  options: { onSkip?: (skipped: SkippedCheckpoint) => void } = {},
): { checkpoint: Checkpoint; folder: string; skipped: SkippedCheckpoint[] } | undefined {
  const skipped: SkippedCheckpoint[] = [];
  for (const { folder } of listCheckpoints(dir)) {
    try {
      return { checkpoint: readCheckpoint(folder), folder, skipped };
    } catch (e) {
      const s = { folder, reason: e instanceof Error ? e.message : String(e) };
      skipped.push(s);
      options.onSkip?.(s);
    }
  }
  return undefined;
}

function packArrays(arrays: ReadonlyMap<string, CheckpointArray>): {
  bin: Buffer;
  tensors: { name: string; shape: number[]; offset: number; bytes: number }[];
} {
  const tensors: { name: string; shape: number[]; offset: number; bytes: number }[] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    if (!SAFE_NAME.test(name) || name.includes("..") || FORBIDDEN_KEYS.has(name)) {
      throw new AntitrainError(`checkpoint array name "${name}" is not allowed: use letters, digits and _ . : / -`);
    }
    const count = a.shape.reduce((p, d) => p * d, 1);
    if (!a.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== a.data.length) {
      throw new AntitrainError(`checkpoint array "${name}": shape [${a.shape.join(", ")}] does not hold ${a.data.length} values`);
    }
    tensors.push({ name, shape: [...a.shape], offset, bytes: count * 4 });
    offset += count * 4;
  }
  const bin = Buffer.alloc(offset);
  let i = 0;
  for (const a of arrays.values()) {
    const bytes = Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
    bytes.copy(bin, tensors[i].offset);
    i++;
  }
  return { bin, tensors };
}

function unpackArrays(bin: Buffer, entries: unknown, where: string): Map<string, CheckpointArray> {
  if (!Array.isArray(entries)) throw new AntitrainError(`${where}: manifest tensors must be a list`);
  const arrays = new Map<string, CheckpointArray>();
  let expected = 0;
  entries.forEach((raw, i) => {
    const e = asRecord(raw, `${where}: tensors[${i}]`);
    const name = e.name;
    if (typeof name !== "string" || !SAFE_NAME.test(name) || name.includes("..") || arrays.has(name)) {
      throw new AntitrainError(`${where}: tensors[${i}] has a bad or repeated name ${JSON.stringify(name)}`);
    }
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) {
      throw new AntitrainError(`${where}: tensor "${name}" has a bad shape ${JSON.stringify(shape)}`);
    }
    const count = (shape as number[]).reduce((p, d) => p * d, 1);
    if (e.offset !== expected || e.bytes !== count * 4 || expected + count * 4 > bin.length) {
      throw new AntitrainError(`${where}: tensor "${name}" (shape [${shape.join(", ")}]) does not fit its byte range in ${BIN}`);
    }
    // Copy into a fresh, aligned buffer (little-endian float32, as written).
    const data = new Float32Array(count);
    Buffer.from(data.buffer).set(bin.subarray(expected, expected + count * 4));
    arrays.set(name, { shape: shape as number[], data });
    expected += count * 4;
  });
  if (expected !== bin.length) throw new AntitrainError(`${where}: ${BIN} holds ${bin.length - expected} bytes no tensor accounts for`);
  return arrays;
}

/** The bin file named by the manifest, refused unless it is a plain name inside `folder`. */
function safeFile(folder: string, file: unknown, where: string): string {
  if (typeof file !== "string" || file !== BIN) {
    throw new AntitrainError(
      `${where}: the manifest names the weights file ${JSON.stringify(file)}; only "${BIN}" inside the checkpoint folder is read (no paths, no "..")`,
    );
  }
  const resolved = path.resolve(folder, file);
  if (path.dirname(resolved) !== path.resolve(folder)) throw new AntitrainError(`${where}: ${JSON.stringify(file)} leaves the checkpoint folder`);
  return resolved;
}

function refuseSymlink(file: string, where: string): void {
  if (fs.existsSync(file) && fs.lstatSync(file).isSymbolicLink()) {
    throw new AntitrainError(`${where}: ${path.basename(file)} is a symbolic link; checkpoints never follow links, copy the real files in`);
  }
}

function refuseForbiddenKeys(value: unknown, what: string): void {
  if (value === null || typeof value !== "object") return;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new AntitrainError(`${what} holds the forbidden key "${key}"`);
    refuseForbiddenKeys((value as Record<string, unknown>)[key], what);
  }
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new AntitrainError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function writeSynced(file: string, data: Buffer): void {
  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncFolder(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a folder; the rename is still atomic.
  }
}

/** Keeps the newest `keep` checkpoints up to `step` and removes any of later steps and stale temporary folders. */
function prune(dir: string, step: number, keep: number): void {
  const all = listCheckpoints(dir);
  for (const c of all.filter((c) => c.step > step)) fs.rmSync(c.folder, { recursive: true, force: true });
  for (const c of all.filter((c) => c.step <= step).slice(keep)) fs.rmSync(c.folder, { recursive: true, force: true });
  for (const name of fs.readdirSync(dir)) {
    if (/^\.ckpt-\d+\.(tmp|old)-\d+$/.test(name)) {
      const pid = Number(name.split("-").pop());
      if (pid !== process.pid && !alive(pid)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
