/**
 * A study's data as a description any process rebuilds (a seed worker on another machine included), never as
 * tensors: `{ dataset: "digits", validation: 0.2 }`. `studyData` builds each description once per process and keeps
 * it for the process's life (seeds of one study share it; nothing disposes it).
 */
import { AntitrainError } from "../base/errors";
import { requireKnownKeys } from "../base/validate";
import { type Split, disposeDataset } from "../data/dataset";
import { type DigitsOptions, digits } from "../data/digits";
import { type FashionMnistOptions, fashionMnist } from "../data/fashion-mnist";
import type { ModularOptions } from "../data/modular";
import { modularOneHot } from "./activation-shapes/one-hot-pairs";
import { type TeacherStudentOptions, teacherStudent } from "../data/teacherStudent";
import { validationSplit } from "../data/validation";
import { canonicalJson } from "./code-hash";

/** The data sets a study can name, with the loader's own options (plain JSON). */
export type DataDescription =
  | ({ readonly dataset: "digits" } & Readonly<Omit<DigitsOptions, "file">>)
  | ({ readonly dataset: "fashion-mnist" } & Readonly<Omit<FashionMnistOptions, "dir">>)
  /** Modular addition a + b mod p for an MLP: one-hot(a) ‖ one-hot(b) (notebook 14); `validation` of the training pairs held out when set. */
  | ({ readonly dataset: "modular-one-hot" } & Readonly<Omit<ModularOptions, "equals">> & HeldOutValidation)
  | ({ readonly dataset: "teacher-student" } & Readonly<TeacherStudentOptions> & HeldOutValidation);

/** A description's validation split: `validation` of its training examples, drawn with `validationSeed` (default 0). */
export interface HeldOutValidation {
  readonly validation?: number;
  readonly validationSeed?: number;
}

/** The data sets {@link studyData} knows. */
export const STUDY_DATASETS = ["digits", "fashion-mnist", "modular-one-hot", "teacher-student"] as const;

const built = new Map<string, Split>();

/**
 * The split a description names, built once per process.
 *
 * @example
 * const { train, validation, test } = studyData({ dataset: "digits", validation: 0.2 });
 */
export function studyData(description: DataDescription): Split {
  const key = canonicalJson(description);
  const known = built.get(key);
  if (known !== undefined) return known;
  const { dataset, ...options } = description;
  let split: Split;
  switch (dataset) {
    case "digits":
      split = digits(options as DigitsOptions);
      break;
    case "fashion-mnist":
      split = fashionMnist(options as FashionMnistOptions) as Split;
      break;
    case "modular-one-hot":
      split = modularOneHotSplit(options as Omit<ModularOptions, "equals"> & HeldOutValidation);
      break;
    case "teacher-student":
      split = teacherStudentSplit(options as TeacherStudentOptions & HeldOutValidation);
      break;
    default:
      throw new AntitrainError(`unknown dataset ${JSON.stringify(dataset)} in a study's data description: use one of ${STUDY_DATASETS.join(", ")}`);
  }
  built.set(key, split);
  return split;
}

const MODULAR_KEYS = ["p", "trainFraction", "seed", "validation", "validationSeed"];

/** Modular addition as one-hot pairs with `validation` of its training pairs held out (stratified, seeded by `validationSeed`). */
function modularOneHotSplit(options: Omit<ModularOptions, "equals"> & HeldOutValidation): Split {
  requireKnownKeys(options, MODULAR_KEYS, "a modular-one-hot data description");
  const { validation, validationSeed, ...task } = options;
  const made = modularOneHot(task);
  if (validation === undefined) return made;
  const fit = validationSplit(made.train, { fraction: validation, seed: validationSeed ?? 0 });
  disposeDataset(made.train);
  return { train: fit.train, validation: fit.validation, test: made.test };
}

const TEACHER_STUDENT_KEYS = ["inputs", "teacherHidden", "classes", "train", "test", "seed", "validation", "validationSeed"];

/** A teacher-student task with `validation` of its training examples held out (stratified, seeded by `validationSeed`). */
function teacherStudentSplit(options: TeacherStudentOptions & HeldOutValidation): Split {
  requireKnownKeys(options, TEACHER_STUDENT_KEYS, "a teacher-student data description");
  const { validation, validationSeed, ...task } = options;
  const made = teacherStudent(task);
  if (validation === undefined) return { train: made.train, test: made.test };
  const fit = validationSplit(made.train, { fraction: validation, seed: validationSeed ?? 0 });
  disposeDataset(made.train);
  return { train: fit.train, validation: fit.validation, test: made.test };
}
