/** The regularization study's data: one digits split cut into training, validation and test rows, once per process. */
import type * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../../data/dataset";
import { take } from "../../data/dataset";
import { studyData } from "../data";

/** The study's three parts. */
export interface RegularizationData {
  readonly train: Dataset<tf.Tensor2D>;
  readonly validation: Dataset<tf.Tensor2D>;
  readonly test: Dataset<tf.Tensor2D>;
}

const built = new Map<string, RegularizationData>();

/**
 * The first `trainExamples` digits training rows, the next `valExamples` as validation, and the test split, from one
 * `digits({ trainLimit: trainExamples + valExamples })` call (so all three share its pixel standardization). Built
 * once per process and kept, as {@link studyData} keeps its splits.
 *
 * @example
 * const { train, validation, test } = regularizationData({ trainExamples: 300, valExamples: 300 });
 */
export function regularizationData(s: { readonly trainExamples: number; readonly valExamples: number }): RegularizationData {
  const key = `${s.trainExamples}/${s.valExamples}`;
  const known = built.get(key);
  if (known !== undefined) return known;
  const pool = studyData({ dataset: "digits", trainLimit: s.trainExamples + s.valExamples });
  const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  const made: RegularizationData = {
    train: take(pool.train, rows(0, s.trainExamples)) as Dataset<tf.Tensor2D>,
    validation: take(pool.train, rows(s.trainExamples, s.valExamples)) as Dataset<tf.Tensor2D>,
    test: pool.test as Dataset<tf.Tensor2D>,
  };
  built.set(key, made);
  return made;
}
