/** The localization study's data and models: each task's split (built once per process) and its fresh model and site. */
import { AntitrainError } from "../../base/errors";
import type { Split } from "../../data/dataset";
import { type ModularTask, modularAddition } from "../../data/modular";
import { validationSplit } from "../../data/validation";
import { mlp } from "../../models/mlp";
import { transformer } from "../../models/transformer";
import type { HookedModel } from "../../models/types";
import { canonicalJson } from "../code-hash";
import { studyData } from "../data";
import type { LocalizationTask } from "./settings";

/** A task's three splits. */
export type TaskSplit = Required<Split>;

const modular = new Map<string, TaskSplit & { task: ModularTask }>();

/**
 * The task's training, validation and test splits: `studyData` for the digits and Fashion-MNIST; for modular tokens
 * a + b mod p (task seed 0) with `validation` of the training pairs held out (seed 0), built once per process.
 *
 * @example
 * const { train, validation, test } = taskSplit(localizationSettings("quick").tasks[0]);
 */
export function taskSplit(t: LocalizationTask): TaskSplit {
  if (t.data.dataset === "modular-tokens") {
    const key = canonicalJson(t.data);
    const known = modular.get(key);
    if (known !== undefined) return known;
    const task = modularAddition({ p: t.data.p, trainFraction: t.data.trainFraction, seed: 0 });
    const fit = validationSplit(task.train, { fraction: t.data.validation, seed: 0 });
    const split = { train: fit.train, validation: fit.validation, test: task.test, task };
    modular.set(key, split);
    return split;
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
  const split = taskSplit(t);
  if (t.transformer === undefined) return mlp({ inputs: split.train.x.shape[1] as number, hidden: [hidden], classes: split.train.classes, seed });
  const task = (split as TaskSplit & { task: ModularTask }).task;
  return transformer({ vocab: task.vocab, seqLen: task.seqLen, classes: task.p, dModel: t.transformer.dModel, heads: t.transformer.heads, dMlp: hidden, layers: 1, layerNorm: false, seed });
}
