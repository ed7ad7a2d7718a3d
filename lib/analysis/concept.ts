/** Concepts: coarser labellings of a model's classes (e.g. digits' even vs odd) and data relabelled by them. */
import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset";
import { AntitrainError } from "../base/errors";

/** A concept: a labelling of the model's classes. `of[c]` is the concept value of class c, in `[0, values)`. */
export interface Concept {
  readonly name: string;
  readonly of: readonly number[];
  /** Number of concept values (max of `of` + 1). */
  readonly values: number;
}

/**
 * A concept from the concept value of every class; every value in `[0, max]` must occur.
 *
 * @example
 * const parity = at.concept("parity", [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);   // digits: even 0, odd 1
 */
export function concept(name: string, of: readonly number[]): Concept {
  if (of.length < 2) throw new AntitrainError(`concept "${name}" must give a value for every class (at least 2), got ${of.length}`);
  of.forEach((v, c) => {
    if (!(Number.isInteger(v) && v >= 0)) throw new AntitrainError(`concept "${name}": class ${c} maps to ${v}; use integers 0, 1, ...`);
  });
  const values = Math.max(...of) + 1;
  for (let k = 0; k < values; k++) {
    if (!of.includes(k)) throw new AntitrainError(`concept "${name}": no class has value ${k}; number the values 0..${values - 1} without gaps`);
  }
  if (values < 2) throw new AntitrainError(`concept "${name}" has one value: a concept needs at least two`);
  return { name, of: [...of], values };
}

/**
 * `data` relabelled by the concept (classes = the concept's values); a new dataset the caller disposes.
 *
 * @example
 * const parityTest = at.conceptData(test, parity);   // y ∈ {0, 1}
 */
export function conceptData(data: Dataset, c: Concept): Dataset {
  requireConceptFits(c, data.classes);
  const map = Int32Array.from(c.of);
  const labels = data.y.dataSync();
  const y = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) y[i] = map[labels[i]];
  return { x: data.x.clone(), y: tf.tensor1d(y, "int32"), classes: c.values };
}

/** Checks a concept gives one value per class of the model or data. */
export function requireConceptFits(c: Concept, classes: number): void {
  if (c.of.length !== classes) {
    throw new AntitrainError(`concept "${c.name}" labels ${c.of.length} classes but the model/data has ${classes}: give one value per class`);
  }
}

/** Checks the chosen units of a concept step or concept flow: at least one, each a unit of the site. */
export function requireUnits(units: readonly number[], width: number, site: string): void {
  if (units.length === 0) throw new AntitrainError(`choose at least one unit of "${site}" (units 0..${width - 1})`);
  for (const u of units) {
    if (!(Number.isInteger(u) && u >= 0 && u < width)) throw new AntitrainError(`unit ${u} is not in site "${site}" (units 0..${width - 1})`);
  }
}
