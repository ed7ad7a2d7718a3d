/** The localization study's data and models: each task's split (built once per process) and its fresh model and site. */
import { AntitrainError } from "../../base/errors";
import { Rng } from "../../base/rng";
import { type Split, disposeDataset, take } from "../../data/dataset";
import { modularAddition } from "../../data/modular";
import { charWindows } from "../../data/text";
import { validationSplit } from "../../data/validation";
import { mlp } from "../../models/mlp";
import { transformer } from "../../models/transformer";
import type { HookedModel } from "../../models/types";
import { canonicalJson } from "../code-hash";
import { studyData } from "../data";
import { charLmText } from "../transformer-compression/data";
import { type CharLmWindows, checkCharLmWindows } from "./char-lm";
import type { LocalizationTask } from "./settings";

/** A task's three splits. */
export type TaskSplit = Required<Split>;

/** A token task's splits and the transformer's input and output sizes. */
type TokenSplit = TaskSplit & { readonly tokens: { readonly vocab: number; readonly seqLen: number; readonly classes: number } };

const tokenSplits = new Map<string, TokenSplit>();

/**
 * Char-LM windows split three ways by whole text blocks: `charWindows` holds out validation + test of the 20 blocks,
 * then a seeded draw (seed 1) gives `validation / (validation + test)` of the held-out blocks (at least one each) to
 * validation and the rest to test.
 */
function charLmSplit(d: CharLmWindows): TokenSplit {
  checkCharLmWindows(d);
  const task = charWindows(charLmText(d.maxChars), { window: d.context, vocab: d.vocab, maxExamples: d.windows, testFraction: d.validation + d.test, seed: 0 });
  const refuse = (message: string): AntitrainError => {
    disposeDataset(task.train);
    disposeDataset(task.test);
    return new AntitrainError(message);
  };
  const held = task.testBlocks;
  if (held.length < 2) throw refuse(`char-lm: ${held.length} held-out text block, need 2 (one validation, one test): raise data.maxChars or data.validation + data.test`);
  const nValidation = Math.min(held.length - 1, Math.max(1, Math.round((d.validation / (d.validation + d.test)) * held.length)));
  const validationBlocks = new Set(new Rng(1).permutation(held.length).subarray(0, nValidation));
  const rows: [number[], number[]] = [[], []];
  task.starts.test.forEach((start, r) => {
    const b = held.findIndex(([s, e]) => start >= s && start < e);
    rows[validationBlocks.has(b) ? 0 : 1].push(r);
  });
  if (rows[0].length === 0 || rows[1].length === 0) throw refuse(`char-lm: ${rows[0].length} validation and ${rows[1].length} test windows: raise data.windows (${d.windows})`);
  const validation = take(task.test, rows[0]);
  const test = take(task.test, rows[1]);
  disposeDataset(task.test);
  const n = task.vocab.length;
  return { train: task.train, validation, test, tokens: { vocab: n, seqLen: d.context, classes: n } };
}

/** A token task's splits, built once per process. */
function tokenSplit(t: LocalizationTask): TokenSplit {
  const key = canonicalJson(t.data);
  const known = tokenSplits.get(key);
  if (known !== undefined) return known;
  let split: TokenSplit;
  if (t.data.dataset === "modular-tokens") {
    const task = modularAddition({ p: t.data.p, trainFraction: t.data.trainFraction, seed: 0 });
    const fit = validationSplit(task.train, { fraction: t.data.validation, seed: 0 });
    disposeDataset(task.train);
    split = { train: fit.train, validation: fit.validation, test: task.test, tokens: { vocab: task.vocab, seqLen: task.seqLen, classes: task.p } };
  } else if (t.data.dataset === "char-lm") {
    split = charLmSplit(t.data);
  } else {
    throw new AntitrainError(`task ${t.name}: ${t.data.dataset} is not token data`);
  }
  tokenSplits.set(key, split);
  return split;
}

/**
 * The task's training, validation and test splits: `studyData` for the digits and Fashion-MNIST; for modular tokens
 * a + b mod p (task seed 0) with `validation` of the training pairs held out (seed 0); for char-LM windows whole text
 * blocks held out for validation and test. Built once per process.
 *
 * @example
 * const { train, validation, test } = taskSplit(localizationSettings("quick").tasks[0]);
 */
export function taskSplit(t: LocalizationTask): TaskSplit {
  if (t.data.dataset === "modular-tokens" || t.data.dataset === "char-lm") {
    const { train, validation, test } = tokenSplit(t);
    return { train, validation, test };
  }
  const split = studyData(t.data);
  if (split.validation === undefined) throw new AntitrainError(`task ${t.name}: its data has no validation split (add validation: 0.2)`);
  return { train: split.train, validation: split.validation, test: split.test };
}

/** The site the concept is forced into: an MLP's "h1", the transformer's MLP neurons. */
export function taskSite(t: LocalizationTask): string {
  return t.transformer === undefined ? "h1" : "blocks.0.mlp";
}

/**
 * A fresh model for the task with a site of `hidden` units, initialized from `seed` (the same for every arm).
 *
 * @example
 * const model = taskModel(task, 32, 0);   // model.sites()
 */
export function taskModel(t: LocalizationTask, hidden: number, seed: number): HookedModel {
  if (t.transformer === undefined) {
    const split = taskSplit(t);
    return mlp({ inputs: split.train.x.shape[1] as number, hidden: [hidden], classes: split.train.classes, seed });
  }
  const { tokens } = tokenSplit(t);
  return transformer({ ...tokens, dModel: t.transformer.dModel, heads: t.transformer.heads, dMlp: hidden, layers: 1, layerNorm: false, seed });
}
