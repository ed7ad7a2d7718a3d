/**
 * The data of notebook 10's studies, built once per process from their settings (like `studyData`): the
 * modular-addition task, and the character windows of TypeScript's own declaration files with the unigram baseline.
 */
import { Rng } from "../../base/rng";
import { type Dataset, size, take } from "../../data/dataset";
import { type ModularTask, modularAddition } from "../../data/modular";
import { type CharTask, charWindows, textFromFiles } from "../../data/text";
import { CHAR_LM_FILES, type CharLmSettings, type ModularCompressionSettings } from "./settings";

const modular = new Map<string, ModularTask>();
const charTasks = new Map<string, CharTask>();
const splits = new Map<string, HeadSplit>();

/** What a seed trains on and what it scores on: the test split on study seeds, the validation split on tuning seeds. */
export interface HeadSplit {
  readonly train: Dataset;
  readonly evaluation: Dataset;
  /** "test" or "validation". */
  readonly evaluationName: string;
}

/**
 * The modular study's data for a study seed (`tuning` false: every training pair trains, the test pairs score) or a
 * tuning seed (`tuning` true: a seeded `validationFraction` of the training pairs held out and scored; the test
 * pairs unused). Built once per process.
 *
 * @example
 * modularSplit(modularCompressionSettings("full"), true).evaluationName;   // "validation"
 */
export function modularSplit(s: Pick<ModularCompressionSettings, "p" | "trainFraction" | "validationFraction">, tuning: boolean): HeadSplit {
  const task = modularTask(s.p, s.trainFraction);
  if (!tuning) return { train: task.train, evaluation: task.test, evaluationName: "test" };
  const key = `modular/${s.p}/${s.trainFraction}/${s.validationFraction}`;
  const known = splits.get(key);
  if (known !== undefined) return known;
  const n = size(task.train);
  const order = new Rng(0).permutation(n);
  const held = Math.max(1, Math.round(s.validationFraction * n));
  const split = { train: take(task.train, order.subarray(held)), evaluation: take(task.train, order.subarray(0, held)), evaluationName: "validation" };
  splits.set(key, split);
  return split;
}

/**
 * The char-LM study's data: on study seeds the training windows and the test windows (held-out blocks of text); on
 * tuning seeds the windows of `validationBlocks` training blocks (chosen by seed 0) score and the rest train, so no
 * validation character appears in a training window and the test text is unused. Built once per process.
 *
 * @example
 * lmSplit(charLmSettings("full"), true).evaluationName;   // "validation"
 */
export function lmSplit(s: Pick<CharLmSettings, "files" | "maxChars" | "window" | "vocab" | "examples" | "validationBlocks">, tuning: boolean): HeadSplit {
  const lm = charLmTask(s);
  if (!tuning) return { train: lm.train, evaluation: lm.test, evaluationName: "test" };
  const key = JSON.stringify(["lm", s.files, s.maxChars, s.window, s.vocab, s.examples, s.validationBlocks]);
  const known = splits.get(key);
  if (known !== undefined) return known;
  const blocks = lm.trainBlocks;
  const chosen = Array.from(new Rng(0).permutation(blocks.length).subarray(0, Math.min(s.validationBlocks, blocks.length - 1)), (b) => blocks[b]);
  const inValidation = (start: number) => chosen.some(([a, b]) => start >= a && start < b);
  const starts = Array.from(lm.starts.train);
  const val = starts.flatMap((start, r) => (inValidation(start) ? [r] : []));
  const rest = starts.flatMap((start, r) => (inValidation(start) ? [] : [r]));
  const split = { train: take(lm.train, rest), evaluation: take(lm.train, val), evaluationName: "validation" };
  splits.set(key, split);
  return split;
}

/**
 * a + b mod p with `trainFraction` of the pairs training (task seed 0), built once per process.
 *
 * @example
 * const task = modularTask(31, 0.7);   // 673 training and 288 test pairs
 */
export function modularTask(p: number, trainFraction: number): ModularTask {
  const key = `${p}/${trainFraction}`;
  const known = modular.get(key);
  if (known !== undefined) return known;
  const task = modularAddition({ p, trainFraction, seed: 0 });
  modular.set(key, task);
  return task;
}

/**
 * The char-LM task: the first `maxChars` characters of `files` (from node_modules/typescript/lib), cut into windows
 * of `window` characters predicting the next, a vocabulary of the `vocab − 1` most frequent characters plus
 * "other", `examples` windows kept, whole blocks of text held out for test (seed 0). Built once per process.
 *
 * @example
 * const lm = charLmTask(charLmSettings("quick"));   // lm.vocab.length === 64
 */
export function charLmTask(s: Pick<CharLmSettings, "files" | "maxChars" | "window" | "vocab" | "examples">): CharTask {
  const key = JSON.stringify([s.files, s.maxChars, s.window, s.vocab, s.examples]);
  const known = charTasks.get(key);
  if (known !== undefined) return known;
  const text = charLmText(s.maxChars, s.files);
  const task = charWindows(text, { window: s.window, vocab: s.vocab, maxExamples: s.examples, testFraction: 0.1, seed: 0 });
  charTasks.set(key, task);
  return task;
}

/**
 * The first `maxChars` characters (code points) of `files` from node_modules/typescript/lib (default: notebook 10's,
 * {@link CHAR_LM_FILES}), joined with newlines: text every machine with this package installed has, offline.
 *
 * @example
 * const text = charLmText(300_000);   // notebook 10's full-setting text
 */
export function charLmText(maxChars: number, files: readonly string[] = CHAR_LM_FILES): string {
  return textFromFiles(
    files.map((f) => require.resolve(`typescript/lib/${f}`)),
    { maxChars },
  );
}

/** The unigram baseline's test loss (nats) and accuracy. */
export interface UnigramBaseline {
  readonly loss: number;
  readonly accuracy: number;
}

/**
 * The unigram baseline: the training labels' add-one-smoothed frequencies as the prediction for every test label;
 * its loss is the mean negative log frequency, its accuracy the share of test labels equal to the most frequent
 * training label (the first, on ties).
 *
 * @example
 * unigramBaseline([0, 0, 1], [0, 1], 2);   // loss −(ln 3/5 + ln 2/5)/2 ≈ 0.714, accuracy 0.5
 */
export function unigramBaseline(trainLabels: ArrayLike<number>, testLabels: ArrayLike<number>, classes: number): UnigramBaseline {
  const freq = new Float64Array(classes).fill(1); // add-one smoothing
  for (const c of Array.from(trainLabels)) freq[c]++;
  const total = freq.reduce((a, b) => a + b, 0);
  const test = Array.from(testLabels);
  const loss = -test.reduce((sum, c) => sum + Math.log(freq[c] / total), 0) / test.length;
  const top = freq.indexOf(Math.max(...freq));
  return { loss, accuracy: test.filter((c) => c === top).length / test.length };
}
