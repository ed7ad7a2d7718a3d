/**
 * A study's data as a description any process rebuilds (a seed worker on another machine included), never as
 * tensors: `{ dataset: "digits", validation: 0.2 }`. `studyData` builds each description once per process and keeps
 * it for the process's life (seeds of one study share it; nothing disposes it).
 */
import { AntitrainError } from "../base/errors";
import type { Split } from "../data/dataset";
import { type DigitsOptions, digits } from "../data/digits";
import { type FashionMnistOptions, fashionMnist } from "../data/fashion-mnist";
import type { ModularOptions } from "../data/modular";
import { modularOneHot } from "./activation-shapes/one-hot-pairs";
import { canonicalJson } from "./code-hash";

/** The data sets a study can name, with the loader's own options (plain JSON). */
export type DataDescription =
  | ({ readonly dataset: "digits" } & Readonly<Omit<DigitsOptions, "file">>)
  | ({ readonly dataset: "fashion-mnist" } & Readonly<Omit<FashionMnistOptions, "dir">>)
  /** Modular addition a + b mod p for an MLP: one-hot(a) ‖ one-hot(b) (notebook 14). */
  | ({ readonly dataset: "modular-one-hot" } & Readonly<Omit<ModularOptions, "equals">>);

/** The data sets {@link studyData} knows. */
export const STUDY_DATASETS = ["digits", "fashion-mnist", "modular-one-hot"] as const;

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
      split = modularOneHot(options as Omit<ModularOptions, "equals">);
      break;
    default:
      throw new AntitrainError(`unknown dataset ${JSON.stringify(dataset)} in a study's data description: use one of ${STUDY_DATASETS.join(", ")}`);
  }
  built.set(key, split);
  return split;
}
