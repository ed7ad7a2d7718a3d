import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { type Checkpoint, type CheckpointArray, latestCheckpoint, listCheckpoints, readCheckpoint, writeCheckpoint } from "../lib/runs/checkpoint";
import { AntitrainError } from "../lib/base/errors";
import { tempDirs } from "./temp";

const temp = tempDirs();
after(() => temp.remove());

function tmpdir(): string {
  return temp.make("antitrain-ckpt-");
}

function sample(step: number): Checkpoint {
  const arrays = new Map<string, CheckpointArray>([
    ["model/dense1/w", { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, Math.PI, -0, 1e-30]) }],
    ["model/dense1/b", { shape: [3], data: Float32Array.from([0.1, 0.2, step]) }],
    ["empty", { shape: [0], data: new Float32Array(0) }],
  ]);
  return { step, arrays, state: { step, losses: [0.5, 0.25, 1 / 3], note: "plain text", nested: { a: [1, 2, { b: null }] } } };
}

const sha = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** Rewrites a manifest with a valid checksum (as an attacker could), so only the loader's other checks stand. */
function craft(folder: string, edit: (body: Record<string, unknown>) => void, raw?: (text: string) => string): void {
  const file = path.join(folder, "manifest.json");
  const m = JSON.parse(fs.readFileSync(file, "utf8"));
  edit(m.body);
  let bodyText = JSON.stringify(m.body);
  if (raw) bodyText = raw(bodyText);
  fs.writeFileSync(file, `{"format":"antitrain-checkpoint","version":1,"bodySha256":"${sha(bodyText)}","body":${bodyText}}`);
}

test("a checkpoint round-trips arrays bit for bit and its state unchanged", () => {
  const dir = tmpdir();
  const written = sample(7);
  const folder = writeCheckpoint(dir, written);
  assert.equal(folder, path.join(dir, "ckpt-7"));
  assert.deepEqual(fs.readdirSync(folder).sort(), ["manifest.json", "weights.bin"]);
  const read = readCheckpoint(folder);
  assert.equal(read.step, 7);
  assert.deepEqual(read.state, written.state);
  assert.deepEqual([...read.arrays.keys()], [...written.arrays.keys()]);
  for (const [name, a] of written.arrays) {
    const b = read.arrays.get(name)!;
    assert.deepEqual(b.shape, a.shape);
    assert.deepEqual(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength), Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength));
  }
  assert.equal(fs.statSync(path.join(folder, "weights.bin")).size, (6 + 3) * 4);
});

test("only the newest two checkpoints are kept, and a stale temporary folder is never read and gets cleaned", () => {
  const dir = tmpdir();
  fs.mkdirSync(path.join(dir, ".ckpt-99.tmp-999999999")); // a writer that died mid-write
  for (const step of [10, 20, 30]) writeCheckpoint(dir, sample(step));
  assert.deepEqual(
    listCheckpoints(dir).map((c) => c.step),
    [30, 20],
  );
  assert.deepEqual(fs.readdirSync(dir).sort(), ["ckpt-20", "ckpt-30"]);
  assert.equal(latestCheckpoint(dir)?.checkpoint.step, 30);
});

test("writing an older step (after resuming from it) removes the abandoned later checkpoints", () => {
  const dir = tmpdir();
  for (const step of [10, 20, 30]) writeCheckpoint(dir, sample(step));
  writeCheckpoint(dir, sample(25));
  assert.deepEqual(
    listCheckpoints(dir).map((c) => c.step),
    [25, 20],
  );
});

test("a truncated bin is detected, reported, and the previous checkpoint used", () => {
  const dir = tmpdir();
  writeCheckpoint(dir, sample(10));
  const newest = writeCheckpoint(dir, sample(20));
  const bin = path.join(newest, "weights.bin");
  fs.truncateSync(bin, fs.statSync(bin).size - 5);
  assert.throws(() => readCheckpoint(newest), (e: Error) => e instanceof AntitrainError && /truncated/.test(e.message) && /ckpt-20/.test(e.message));
  const skipped: string[] = [];
  const found = latestCheckpoint(dir, { onSkip: (s) => skipped.push(s.reason) });
  assert.equal(found?.checkpoint.step, 10);
  assert.equal(skipped.length, 1);
  assert.match(skipped[0], /weights\.bin holds 31 bytes but the manifest says 36/);
});

test("a truncated manifest is detected as invalid JSON", () => {
  const dir = tmpdir();
  const folder = writeCheckpoint(dir, sample(5));
  const file = path.join(folder, "manifest.json");
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").slice(0, 100));
  assert.throws(() => readCheckpoint(folder), /manifest\.json is not valid JSON \(truncated or corrupted\)/);
  assert.equal(latestCheckpoint(dir), undefined);
});

test("a missing manifest (a checkpoint cut short) is reported as incomplete", () => {
  const dir = tmpdir();
  const folder = writeCheckpoint(dir, sample(5));
  fs.rmSync(path.join(folder, "manifest.json"));
  assert.throws(() => readCheckpoint(folder), /has no manifest\.json: it is incomplete/);
});

test("one flipped byte in the bin fails its SHA-256; one in the manifest fails the manifest checksum", () => {
  const dir = tmpdir();
  const folder = writeCheckpoint(dir, sample(3));
  const bin = path.join(folder, "weights.bin");
  const bytes = fs.readFileSync(bin);
  bytes[13] ^= 0x01;
  fs.writeFileSync(bin, bytes);
  assert.throws(() => readCheckpoint(folder), /weights\.bin fails its SHA-256 check \(corrupted\)/);

  const folder2 = writeCheckpoint(tmpdir(), sample(3));
  const file = path.join(folder2, "manifest.json");
  const text = fs.readFileSync(file, "utf8");
  const at = text.indexOf("0.25"); // a loss value inside the state
  fs.writeFileSync(file, `${text.slice(0, at)}0.35${text.slice(at + 4)}`);
  assert.throws(() => readCheckpoint(folder2), /manifest's checksum does not match its content/);
});

test("a manifest pointing outside the checkpoint folder (.., absolute path, other name) is refused", () => {
  const outside = path.join(tmpdir(), "secret.bin");
  fs.writeFileSync(outside, Buffer.alloc(36));
  for (const file of ["../../secret.bin", outside, "/etc/passwd", "weights.bin/../../x", "other.bin"]) {
    const folder = writeCheckpoint(tmpdir(), sample(1));
    craft(folder, (body) => {
      (body.bin as Record<string, unknown>).file = file;
    });
    assert.throws(
      () => readCheckpoint(folder),
      (e: Error) => e instanceof AntitrainError && e.message.includes(JSON.stringify(file)) && /only "weights\.bin" inside the checkpoint folder/.test(e.message),
      file,
    );
  }
});

test("symbolic links are never followed: a linked bin or manifest is refused", () => {
  const secret = path.join(tmpdir(), "secret");
  fs.writeFileSync(secret, "not yours...");
  const folder = writeCheckpoint(tmpdir(), sample(1));
  fs.rmSync(path.join(folder, "weights.bin"));
  fs.symlinkSync(secret, path.join(folder, "weights.bin"));
  craft(folder, (body) => {
    (body.bin as Record<string, unknown>).bytes = 12;
  });
  assert.throws(() => readCheckpoint(folder), /weights\.bin is a symbolic link; checkpoints never follow links/);

  const folder2 = writeCheckpoint(tmpdir(), sample(1));
  const real = path.join(tmpdir(), "manifest.json");
  fs.renameSync(path.join(folder2, "manifest.json"), real);
  fs.symlinkSync(real, path.join(folder2, "manifest.json"));
  assert.throws(() => readCheckpoint(folder2), /manifest\.json is a symbolic link/);
});

test("prototype-pollution keys are refused and nothing in a manifest is ever evaluated", () => {
  for (const key of ["__proto__", "constructor", "prototype"]) {
    const folder = writeCheckpoint(tmpdir(), sample(1));
    craft(
      folder,
      () => {},
      (text) => text.replace('"note":"plain text"', `"${key}":{"polluted":true}`),
    );
    assert.throws(() => readCheckpoint(folder), new RegExp(`forbidden key "${key}"`));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  }
  // Code-looking strings stay strings.
  const g = globalThis as Record<string, unknown>;
  const code = "globalThis.pwned = 1; require('child_process').execSync('touch /tmp/antitrain-pwned')";
  const folder = writeCheckpoint(tmpdir(), { ...sample(1), state: { note: code, toJSON: code } });
  const read = readCheckpoint(folder);
  assert.deepEqual(read.state, { note: code, toJSON: code });
  assert.equal(g.pwned, undefined);
  assert.equal(fs.existsSync("/tmp/antitrain-pwned"), false);
  assert.throws(() => writeCheckpoint(tmpdir(), { ...sample(1), state: JSON.parse('{"__proto__": {"x": 1}}') }), /forbidden key "__proto__"/);
});

test("tensor entries that do not fit the bin, and unknown versions, are refused", () => {
  const folder = writeCheckpoint(tmpdir(), sample(1));
  craft(folder, (body) => {
    (body.tensors as Record<string, unknown>[])[0].shape = [3, 3];
  });
  assert.throws(() => readCheckpoint(folder), /tensor "model\/dense1\/w" \(shape \[3, 3\]\) does not fit its byte range/);

  const folder2 = writeCheckpoint(tmpdir(), sample(1));
  const file = path.join(folder2, "manifest.json");
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"version":1', '"version":99'));
  assert.throws(() => readCheckpoint(folder2), /format version 99 is not supported/);

  const folder3 = writeCheckpoint(tmpdir(), sample(4));
  fs.renameSync(folder3, path.join(path.dirname(folder3), "ckpt-40"));
  assert.throws(() => readCheckpoint(path.join(path.dirname(folder3), "ckpt-40")), /step 4 does not match the folder name/);
});

test("bad arguments to writeCheckpoint say what to fix", () => {
  assert.throws(() => writeCheckpoint(tmpdir(), { ...sample(1), step: -1 }), /step must be a whole number >= 0, got -1/);
  const arrays = new Map([["../escape", { shape: [1], data: new Float32Array(1) }]]);
  assert.throws(() => writeCheckpoint(tmpdir(), { step: 1, arrays, state: null }), /array name "\.\.\/escape" is not allowed/);
  const wrong = new Map([["w", { shape: [2, 2], data: new Float32Array(3) }]]);
  assert.throws(() => writeCheckpoint(tmpdir(), { step: 1, arrays: wrong, state: null }), /shape \[2, 2\] does not hold 3 values/);
});
