import { AntitrainError } from "../base/errors";
import { requireData } from "../base/validate";
import type { Dataset } from "../data/dataset";
import { type Mlp, mlp } from "../models/mlp";
import { train } from "../training/train";

/**
 * The splits and the network every seed of a pretrained-then-continued MLP study starts from, and its shared budget
 * (the compression study of notebooks 04, 15 and 16, the concentration study of 01 and 02, the multilayer study of
 * 06). Each study's own setup adds its site or sites and its knobs.
 */
export interface StudyBase {
  readonly train: Dataset;
  /** Where every choice is made (and the concentration and multilayer studies' cores are measured). */
  readonly validation: Dataset;
  /** Used only for the final table. */
  readonly test: Dataset;
  /** The MLP every seed starts from (at.mlp's inputs, hidden widths, classes). */
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly classes: number;
  /** Plain Adam steps shared by every arm of a seed. */
  readonly pretrain: number;
  /** Optimizer updates every arm spends after pretraining, antitrain steps counted. */
  readonly updates: number;
  /** Antitraining re-measures its cores every `cycle` training steps. */
  readonly cycle: number;
}

/** A {@link StudyBase} with one measured, antitrained or pruned site (antitraining: half training, half antitrain steps). */
export interface StudySetup extends StudyBase {
  /** The measured, antitrained or pruned site, e.g. "h1". */
  readonly site: string;
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
export function pretrainedBase(setup: StudyBase, seed: number): Mlp {
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
