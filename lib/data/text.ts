import type * as tf from "@tensorflow/tfjs";
import * as fs from "node:fs";
import { AntitrainError } from "../base/errors";
import { Rng } from "../base/rng";
import { requirePositiveInt } from "../base/validate";
import { type Split, dataset } from "./dataset";

/** The vocabulary entry that stands for every character outside a capped vocabulary (U+FFFD, the replacement character). */
export const OTHER_CHAR = "\uFFFD";

/** Options for {@link charWindows}. */
export interface CharWindowOptions {
  /** Characters per example: the transformer's `seqLen`. */
  window: number;
  /**
   * Largest vocabulary, the "other" entry included: when the text has more distinct characters, the `vocab − 1`
   * most frequent are kept (ties: lower code point first) and every other character maps to one id,
   * {@link OTHER_CHAR}, the last. Default: every distinct character, no "other".
   */
  vocab?: number;
  /**
   * Most examples kept, train and test together: each split keeps its share (`1 − testFraction`, `testFraction`)
   * by a seeded subsample without replacement, in text order. Default: every window.
   */
  maxExamples?: number;
  /** Share of the contiguous blocks held out for test, in (0, 1). Default 0.1. */
  testFraction?: number;
  /**
   * Contiguous blocks the text is cut into before the seeded train/test assignment. Default 20 (fewer when the
   * text is too short for every block to hold one window).
   */
  blocks?: number;
  /** Seed of the block assignment and the subsample. */
  seed: number;
}

/** Next-character prediction as a classification task: `x` holds `window` character ids, `y` the next one's. */
export interface CharTask extends Split<tf.Tensor2D> {
  /** Characters by id (the last is {@link OTHER_CHAR} when the vocabulary was capped). */
  readonly vocab: string[];
  readonly window: number;
  /** Characters (code points) of the text. */
  readonly chars: number;
  /** Which block went where, as `[start, end)` character ranges. */
  readonly trainBlocks: ReadonlyArray<readonly [number, number]>;
  readonly testBlocks: ReadonlyArray<readonly [number, number]>;
  /** Windows available in the train / test blocks before subsampling. */
  readonly available: { readonly train: number; readonly test: number };
  /** Where each example's window starts in the text (its next character is at start + window), per split. */
  readonly starts: { readonly train: Int32Array; readonly test: Int32Array };
}

/**
 * A character-level next-token dataset from one text: a character vocabulary (optionally capped, the rest mapped
 * to one "other" id), and one example per sliding window: `x` = the ids of characters `[i, i + window)` as float32
 * (`[n, window]`, the input of {@link transformer}), `y` = the id of character `i + window`. To keep test text
 * unseen, the text is cut into `blocks` contiguous blocks and whole blocks are assigned to test (seeded); a window
 * (with its next character) must lie inside one block, so no character of a test example appears in a training
 * example. Random windows would leak: neighbouring windows share all but one character.
 *
 * @example
 * const text = at.textFromFiles([require.resolve("typescript/lib/lib.es5.d.ts")], { maxChars: 200_000 });
 * const task = at.charWindows(text, { window: 16, vocab: 64, maxExamples: 20_000, seed: 0 });
 * const model = at.transformer({ vocab: task.vocab.length, seqLen: 16, classes: task.vocab.length, layers: 2, seed: 0 });
 */
export function charWindows(text: string, options: CharWindowOptions): CharTask {
  const { window, seed } = options;
  requirePositiveInt(window, "window");
  const chars = Array.from(text); // code points, not UTF-16 halves
  const n = chars.length;
  if (n === 0) throw new AntitrainError("the text is empty: pass a non-empty string (e.g. from at.textFromFiles)");
  const span = window + 1; // a window and its next character
  if (n < 2 * span) {
    throw new AntitrainError(
      `a window of ${window} characters needs at least ${2 * span} characters of text (one train and one test example), the text has ${n}: use a shorter window or more text`,
    );
  }
  const testFraction = options.testFraction ?? 0.1;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new AntitrainError(`testFraction must be in (0, 1), got ${testFraction}: e.g. 0.1 holds out a tenth of the text`);
  }
  const blocks = Math.min(options.blocks ?? 20, Math.floor(n / span));
  requirePositiveInt(blocks, "blocks");
  if (blocks < 2) throw new AntitrainError(`blocks must be at least 2 (one train, one test), got ${options.blocks}`);
  if (options.maxExamples !== undefined) requirePositiveInt(options.maxExamples, "maxExamples");
  if (options.vocab !== undefined) {
    requirePositiveInt(options.vocab, "vocab");
    if (options.vocab < 2) throw new AntitrainError(`vocab must be at least 2 (one character plus "other"), got ${options.vocab}`);
  }

  const vocab = charVocab(text, options.vocab);
  const idOf = new Map(vocab.map((c, i) => [c, i]));
  const other = vocab.length - 1;
  const ids = Int32Array.from(chars, (c) => idOf.get(c) ?? other);

  // Blocks of (nearly) equal length; the seeded permutation's first round(testFraction · blocks) go to test.
  const bounds = Array.from({ length: blocks + 1 }, (_, b) => Math.round((b * n) / blocks));
  const nTest = Math.min(blocks - 1, Math.max(1, Math.round(testFraction * blocks)));
  const rng = new Rng(seed);
  const order = rng.permutation(blocks);
  const isTest = new Uint8Array(blocks);
  for (let i = 0; i < nTest; i++) isTest[order[i]] = 1;
  const trainBlocks: [number, number][] = [];
  const testBlocks: [number, number][] = [];
  for (let b = 0; b < blocks; b++) (isTest[b] ? testBlocks : trainBlocks).push([bounds[b], bounds[b + 1]]);

  /** Window start positions inside the given blocks. */
  const starts = (ranges: [number, number][]) => {
    const out: number[] = [];
    for (const [s, e] of ranges) for (let i = s; i + span <= e; i++) out.push(i);
    return out;
  };
  const trainStarts = starts(trainBlocks);
  const testStarts = starts(testBlocks);
  const cap = options.maxExamples;
  const trainCap = cap === undefined ? trainStarts.length : Math.max(1, Math.round(cap * (1 - testFraction)));
  const testCap = cap === undefined ? testStarts.length : Math.max(1, cap - trainCap);
  const trainChosen = subsample(trainStarts, trainCap, rng.fork(1));
  const testChosen = subsample(testStarts, testCap, rng.fork(2));
  const build = (chosen: number[]) => {
    const x = new Float32Array(chosen.length * window);
    const y = new Int32Array(chosen.length);
    chosen.forEach((start, r) => {
      for (let j = 0; j < window; j++) x[r * window + j] = ids[start + j];
      y[r] = ids[start + window];
    });
    return dataset(x, y, { features: window, classes: vocab.length });
  };
  return {
    train: build(trainChosen),
    test: build(testChosen),
    vocab,
    window,
    chars: n,
    trainBlocks,
    testBlocks,
    available: { train: trainStarts.length, test: testStarts.length },
    starts: { train: Int32Array.from(trainChosen), test: Int32Array.from(testChosen) },
  };
}

/**
 * The vocabulary {@link charWindows} builds from `text` (ids are positions): every distinct character in code-point
 * order, or, capped at `cap` entries, the `cap − 1` most frequent (ties: lower code point first) in code-point order
 * plus {@link OTHER_CHAR}. No tensors: a task's class labels can be read before its windows are built.
 *
 * @example
 * at.charVocab("banana", 2);   // ["a", "\uFFFD"]: "a" the most frequent, "b" and "n" become "other"
 */
export function charVocab(text: string, cap?: number): string[] {
  if (cap !== undefined) {
    requirePositiveInt(cap, "vocab");
    if (cap < 2) throw new AntitrainError(`vocab must be at least 2 (one character plus "other"), got ${cap}`);
  }
  const chars = Array.from(text); // code points, not UTF-16 halves
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  const byCode = (a: string, b: string) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0);
  const distinct = [...counts.keys()].sort(byCode);
  if (cap === undefined || distinct.length <= cap) return distinct;
  const kept = [...distinct].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || byCode(a, b)).slice(0, cap - 1);
  return [...kept.sort(byCode), OTHER_CHAR];
}

/** `keep` of `all` chosen without replacement by `rng`, in their original order (all of them when keep ≥ length). */
function subsample(all: number[], keep: number, rng: Rng): number[] {
  if (keep >= all.length) return all;
  const picked = Array.from(rng.permutation(all.length).subarray(0, keep)).sort((a, b) => a - b);
  return picked.map((i) => all[i]);
}

/**
 * Local text files read as UTF-8 and joined with a newline, cut to `maxChars` characters (code points) in all.
 * Offline by design: pass paths, e.g. the TypeScript library declarations shipped in node_modules.
 *
 * @example
 * const text = at.textFromFiles([require.resolve("typescript/lib/lib.es5.d.ts")], { maxChars: 200_000 });
 */
export function textFromFiles(paths: readonly string[], options: { maxChars?: number } = {}): string {
  if (paths.length === 0) throw new AntitrainError('no files given: pass at least one path, e.g. require.resolve("typescript/lib/lib.es5.d.ts")');
  if (options.maxChars !== undefined) requirePositiveInt(options.maxChars, "maxChars");
  const parts: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p) || !fs.statSync(p).isFile()) {
      throw new AntitrainError(`text file not found: ${p}: pass the path of a readable local file (require.resolve finds files in node_modules)`);
    }
    parts.push(fs.readFileSync(p, "utf8"));
  }
  const text = parts.join("\n");
  if (options.maxChars === undefined) return text;
  const cps = Array.from(text);
  return cps.length <= options.maxChars ? text : cps.slice(0, options.maxChars).join("");
}
