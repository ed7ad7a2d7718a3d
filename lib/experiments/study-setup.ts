import { AntitrainError } from "../base/errors";
import { requireData } from "../base/validate";
import type { Dataset } from "../data/dataset";
import { type Mlp, mlp } from "../models/mlp";
import { train } from "../training/train";

/**
 * What every study of pretrained-then-continued MLP arms runs on (the compression study of notebooks 04, 15 and 16,
 * the concentration study of 01 and 02): the splits, the network every seed starts from, the measured site, and the
 * shared budget. Each study's own setup adds its knobs.
 */
export interface StudySetup {
  readonly train: Dataset;
  /** Where every choice is made (and the concentration study's cores are measured). */
  readonly validation: Dataset;
  /** Used only for the final table. */
  readonly test: Dataset;
  /** The MLP every seed starts from (at.mlp's inputs, hidden widths, classes). */
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly classes: number;
  /** The measured, antitrained or pruned site, e.g. "h1". */
  readonly site: string;
  /** Plain Adam steps shared by every arm of a seed. */
  readonly pretrain: number;
  /** Optimizer updates every arm spends after pretraining (antitraining: half training, half antitrain steps). */
  readonly updates: number;
  /** Antitraining re-measures its core every `cycle` training steps. */
  readonly cycle: number;
}

/** The index in `setup.hidden` of the study's site ("h1" is 0); refuses a site that is not a hidden layer. */
export function siteLayer(setup: StudySetup): number {
  const i = Number(/^h(\d+)$/.exec(String(setup.site))?.[1]) - 1;
  const width = Array.isArray(setup.hidden) ? setup.hidden[i] : undefined;
  if (!(Number.isInteger(width) && (width as number) > 0)) {
    throw new AntitrainError(`site "${setup.site}" is not a hidden layer of an MLP with hidden ${JSON.stringify(setup.hidden)}: use "h1".."h${Array.isArray(setup.hidden) ? setup.hidden.length : 1}"`);
  }
  return i;
}

/** The study's site's full width. */
export function siteWidth(setup: StudySetup): number {
  return setup.hidden[siteLayer(setup)];
}

/** The network every arm of a seed continues: a fresh MLP (seed `seed`), the three splits checked against it, pretrained plainly. */
export function pretrainedBase(setup: StudySetup, seed: number): Mlp {
  const base = mlp({ inputs: setup.inputs, hidden: [...setup.hidden], classes: setup.classes, seed });
  try {
    for (const d of [setup.train, setup.validation, setup.test]) requireData(base, d);
    train(base, setup.train, { steps: setup.pretrain, learningRate: 1e-3, seed });
    return base;
  } catch (e) {
    base.dispose();
    throw e;
  }
}
