/** The char-LM localization task's data description: its shape, its check and its vocabulary (no windows, no tensors). */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { charVocab } from "../../data/text";
import { canonicalJson } from "../code-hash";
import { charLmText } from "../transformer-compression/data";

/**
 * Next-character prediction on notebook 10's text (TypeScript's declaration files, `charLmText`) for a transformer:
 * windows of `context` characters predicting the next, a vocabulary of the `vocab − 1` most frequent characters plus
 * "other", `windows` windows kept in all (a seeded subsample). The text is cut into 20 blocks and whole blocks are held
 * out, `validation` of them for validation and `test` for test (seed 0), so no held-out character is trained on.
 */
export interface CharLmWindows {
  readonly dataset: "char-lm";
  /** Characters of the text kept (notebook 10's full setting: 300,000). */
  readonly maxChars: number;
  /** Characters per window: the transformer's seqLen. */
  readonly context: number;
  readonly vocab: number;
  readonly windows: number;
  /** Shares of the text's blocks held out whole, each in (0, 1), together below 1. */
  readonly validation: number;
  readonly test: number;
}

const vocabs = new Map<string, string[]>();

const CHAR_LM_KEYS = ["dataset", "maxChars", "context", "vocab", "windows", "validation", "test"];
const CHAR_LM_EXAMPLE = '{ dataset: "char-lm", maxChars: 300000, context: 8, vocab: 64, windows: 10000, validation: 0.15, test: 0.2 }';

/**
 * Refuses a char-LM description the study cannot build, naming the fix (`task` names the task in the message).
 *
 * @example
 * checkCharLmWindows({ ...charLmLocalizationTask(64).data, test: 0.9 } as CharLmWindows);   // throws: below 1
 */
export function checkCharLmWindows(d: CharLmWindows, task = "char-lm"): void {
  if (d === null || typeof d !== "object") throw new AntitrainError(`task ${task}: its data must be a description such as ${CHAR_LM_EXAMPLE}`);
  requireKnownKeys(d, CHAR_LM_KEYS, `task ${task}'s char-lm data (e.g. ${CHAR_LM_EXAMPLE})`);
  for (const k of ["maxChars", "context", "vocab", "windows"] as const) requirePositiveInt(d[k], `task ${task}'s data.${k}`);
  if (d.vocab < 2) throw new AntitrainError(`task ${task}: data.vocab must be at least 2 (one character plus "other"), got ${d.vocab}`);
  for (const k of ["validation", "test"] as const) {
    if (!(typeof d[k] === "number" && d[k] > 0 && d[k] < 1)) throw new AntitrainError(`task ${task}: data.${k} must be a share of the text's blocks in (0, 1) such as 0.15, got ${d[k]}`);
  }
  if (!(d.validation + d.test < 1)) throw new AntitrainError(`task ${task}: data.validation + data.test (${d.validation + d.test}) must be below 1: leave text to train on`);
}

/**
 * The vocabulary of a char-LM description's text, class ids in order (no windows, no tensors), once per process.
 *
 * @example
 * charLmVocab(charLmLocalizationTask(64).data as CharLmWindows).length;   // 64
 */
export function charLmVocab(d: CharLmWindows): string[] {
  checkCharLmWindows(d);
  const key = canonicalJson({ maxChars: d.maxChars, vocab: d.vocab });
  const known = vocabs.get(key);
  if (known !== undefined) return known;
  const vocab = charVocab(charLmText(d.maxChars), d.vocab);
  vocabs.set(key, vocab);
  return vocab;
}
