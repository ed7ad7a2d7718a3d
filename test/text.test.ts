import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { OTHER_CHAR } from "../lib/data/text";

before(async () => {
  await at.ready({ quiet: true });
});

/** Rows of a dataset as [x ids, y id]. */
function rows(d: at.Dataset): [number[], number][] {
  const x = d.x.arraySync() as number[][];
  const y = d.y.arraySync() as number[];
  return y.map((label, i) => [x[i], label]);
}

test("charWindows: known vocabulary, windows and labels; whole blocks go to train or test", () => {
  const text = "hello world";
  const tensors = tf.memory().numTensors;
  const task = at.charWindows(text, { window: 2, blocks: 3, testFraction: 0.34, seed: 0 });
  assert.deepEqual(task.vocab, [" ", "d", "e", "h", "l", "o", "r", "w"], "distinct characters in code-point order");
  assert.equal(task.chars, 11);
  assert.equal(task.train.classes, 8);
  assert.deepEqual(task.train.x.shape.slice(1), [2]);
  // Blocks [0, 4) "hell", [4, 7) "o w", [7, 11) "orld": one of them held out for test.
  const all = [...task.trainBlocks, ...task.testBlocks].sort((a, b) => a[0] - b[0]);
  assert.deepEqual(all, [
    [0, 4],
    [4, 7],
    [7, 11],
  ]);
  assert.equal(task.testBlocks.length, 1);
  // Windows never cross a block: 2 + 1 + 2 windows (not the 9 of the unsplit text).
  assert.equal(task.available.train + task.available.test, 5);
  const id = (c: string) => task.vocab.indexOf(c);
  for (const split of ["train", "test"] as const) {
    const starts = Array.from(task.starts[split]);
    const expected = starts.map((s): [number[], number] => [[id(text[s]), id(text[s + 1])], id(text[s + 2])]);
    assert.deepEqual(rows(task[split]), expected, `${split}: x = the window, y = the next character`);
  }
  // Block 0 ("hell") gives exactly "he" → "l" and "el" → "l", in whichever split holds it.
  const holder = task.trainBlocks.some((b) => b[0] === 0) ? task.train : task.test;
  assert.deepEqual(rows(holder).slice(0, 2), [
    [[id("h"), id("e")], id("l")],
    [[id("e"), id("l")], id("l")],
  ]);
  for (const d of [task.train, task.test]) at.disposeDataset(d);
  assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
});

test("charWindows: no train example shares a character with a test example; seeded subsample", () => {
  const rng = new at.Rng(5);
  const text = Array.from({ length: 2000 }, () => "abcdefgh"[rng.int(8)]).join("");
  const window = 8;
  const task = at.charWindows(text, { window, blocks: 10, testFraction: 0.2, maxExamples: 500, seed: 3 });
  assert.equal(task.testBlocks.length, 2);
  assert.equal(task.starts.train.length, 400);
  assert.equal(task.starts.test.length, 100);
  const covered = (starts: Int32Array) => {
    const set = new Set<number>();
    for (const s of starts) for (let i = s; i <= s + window; i++) set.add(i);
    return set;
  };
  const trainChars = covered(task.starts.train);
  for (const c of covered(task.starts.test)) assert.ok(!trainChars.has(c), `character ${c} is in a train and a test example`);
  const inside = (s: number, blocks: readonly (readonly [number, number])[]) => blocks.some(([b, e]) => s >= b && s + window + 1 <= e);
  assert.ok(Array.from(task.starts.train).every((s) => inside(s, task.trainBlocks)));
  assert.ok(Array.from(task.starts.test).every((s) => inside(s, task.testBlocks)));
  assert.ok(Array.from(task.starts.train).every((s, i, a) => i === 0 || a[i - 1] < s), "text order kept");
  const again = at.charWindows(text, { window, blocks: 10, testFraction: 0.2, maxExamples: 500, seed: 3 });
  assert.deepEqual(again.starts, task.starts, "same seed, same examples");
  assert.deepEqual(rows(again.test), rows(task.test));
  const other = at.charWindows(text, { window, blocks: 10, testFraction: 0.2, maxExamples: 500, seed: 4 });
  assert.notDeepEqual(other.starts.train, task.starts.train, "another seed, another subsample");
  for (const t of [task, again, other]) for (const d of [t.train, t.test]) at.disposeDataset(d);
});

test("charWindows: a capped vocabulary keeps the most frequent characters and maps the rest to OTHER_CHAR", () => {
  const task = at.charWindows("aaaabbbccdaaaabbbccd", { window: 1, vocab: 3, blocks: 2, testFraction: 0.5, seed: 0 });
  assert.deepEqual(task.vocab, ["a", "b", OTHER_CHAR]);
  const labels = [...(task.train.y.arraySync() as number[]), ...(task.test.y.arraySync() as number[])];
  assert.ok(labels.includes(2), "c and d map to the other id");
  assert.ok(Math.max(...labels) < 3);
  for (const d of [task.train, task.test]) at.disposeDataset(d);
});

test("charWindows and textFromFiles: bad input throws AntitrainError with the fix, leaving no tensor", () => {
  const tensors = tf.memory().numTensors;
  const throwsWith = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof at.AntitrainError && pattern.test(e.message));
  throwsWith(() => at.charWindows("", { window: 4, seed: 0 }), /text is empty/);
  throwsWith(() => at.charWindows("abcdef", { window: 16, seed: 0 }), /shorter window or more text/);
  throwsWith(() => at.charWindows("abcdefghij", { window: 5, seed: 0 }), /at least 12 characters/);
  throwsWith(() => at.charWindows("abcdefghij", { window: 0, seed: 0 }), /window must be a positive integer/);
  throwsWith(() => at.charWindows("abcdefghij", { window: 2, testFraction: 1, seed: 0 }), /testFraction must be in \(0, 1\)/);
  throwsWith(() => at.charWindows("abcdefghij", { window: 2, vocab: 1, seed: 0 }), /vocab must be at least 2/);
  throwsWith(() => at.charWindows("abcdefghij", { window: 2, blocks: 1, seed: 0 }), /blocks must be at least 2/);
  throwsWith(() => at.textFromFiles([]), /no files given/);
  throwsWith(() => at.textFromFiles(["/no/such/file.txt"]), /text file not found: \/no\/such\/file\.txt/);
  assert.equal(tf.memory().numTensors, tensors);
});

test("textFromFiles: joins local files with a newline and cuts at maxChars code points", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-text-"));
  try {
    const a = path.join(dir, "a.txt");
    const b = path.join(dir, "b.txt");
    fs.writeFileSync(a, "héllo");
    fs.writeFileSync(b, "wörld");
    assert.equal(at.textFromFiles([a, b]), "héllo\nwörld");
    assert.equal(at.textFromFiles([a, b], { maxChars: 7 }), "héllo\nw");
    const lib = require.resolve("typescript/lib/lib.es5.d.ts");
    assert.equal(at.textFromFiles([lib], { maxChars: 1000 }).length, 1000, "the notebook's source reads offline");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("charVocab: the vocabulary charWindows builds, without windows; a cap below 2 is refused", () => {
  assert.deepEqual(at.charVocab("banana"), ["a", "b", "n"]);
  assert.deepEqual(at.charVocab("banana", 2), ["a", OTHER_CHAR], "the most frequent kept, the rest one other id");
  assert.deepEqual(at.charVocab("bananas", 3), ["a", "n", OTHER_CHAR], "ties and the rest: b and s become other");
  assert.deepEqual(at.charVocab("banana", 3), ["a", "b", "n"], "no cap reached: no other id");
  const text = "the quick brown fox jumps over the lazy dog, twice: the quick brown fox";
  assert.deepEqual(at.charWindows(text, { window: 3, vocab: 8, seed: 0 }).vocab, at.charVocab(text, 8));
  assert.throws(() => at.charVocab("banana", 1), /vocab must be at least 2/);
});
