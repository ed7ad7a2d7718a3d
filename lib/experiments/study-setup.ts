import type { Dataset } from "../data/dataset";

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
