/**
 * The compression study's settings: plain JSON a seed worker rebuilds the study from (the data as a description,
 * the MLP, the budget, the widths, the arms and their tuning grids), checked at the door, and turned into the
 * `CompressionSetup` that `tuneCompressionSeed` and `runCompressionSeed` run on.
 */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { rngFor } from "../../base/rng";
import { type Dataset, size, take } from "../../data/dataset";
import { permutationTail } from "../../measure/unit-stats";
import type { MethodSettings } from "../compression-arms";
import { type CompressionSetup, IMP_ARM, SCRATCH_ARM, type StudyArm, checkArms } from "../compression-study";
import { type DataDescription, STUDY_DATASETS, studyData } from "../data";

/** One compression study's settings (notebooks 04, 15, 16 and 17 differ only in these). */
export interface CompressionSettings {
  /** The data, as a description every process rebuilds; it needs a `validation` share (every choice is made there). */
  readonly data: DataDescription;
  /** Hidden widths of the MLP every seed pretrains, e.g. [128]. */
  readonly hidden: readonly number[];
  /** The pruned site, "h1".."hN". */
  readonly site: string;
  /** Plain Adam steps shared by every arm of a seed. */
  readonly pretrain: number;
  /** Optimizer updates every arm spends after pretraining (antitraining: half train, half antitrain steps). */
  readonly updates: number;
  /** Antitraining re-measures its core every `cycle` training steps. */
  readonly cycle: number;
  /** Fine-tuning steps after pruning, the same for every arm. */
  readonly finetune: number;
  /** Widths the site is pruned to (below its full width). */
  readonly keep: readonly number[];
  /** Widths of the small networks trained from scratch. */
  readonly scratchKeep: readonly number[];
  /** "Within `tolerance` of the dense model's validation accuracy" (0.01: one point). */
  readonly tolerance: number;
  /** The width of the fixed-size comparison in the table. */
  readonly refK: number;
  /** The trained arms (one named "antitrain", the paired reference); iterative pruning and from-scratch are added. */
  readonly arms: readonly StudyArm[];
  /** Each tuned arm's grid, keyed by the arms' `tuneAs` (a one-entry grid is a fixed setting). */
  readonly grids: Readonly<Record<string, readonly MethodSettings[]>>;
  /**
   * Antitraining (and its controls) measure their cores on this many training rows, a seeded subset fixed for the
   * whole run (the same rows on every seed and cycle), instead of every training row: a full-size training split
   * (55,000 Fashion-MNIST images) would make each re-measurement cost more than the steps between them. Default:
   * every training row (notebooks 04, 15, 16, 17).
   */
  readonly measureRows?: number;
}

/** Every arm's knobs as `choose` picks them, keyed like `grids`. */
export type CompressionChoice = Record<string, MethodSettings>;

const KEYS = ["data", "hidden", "site", "pretrain", "updates", "cycle", "finetune", "keep", "scratchKeep", "tolerance", "refK", "arms", "grids", "measureRows"];

/** The full width of the settings' pruned site; refuses a site that is not a hidden layer. */
export function compressionWidth(settings: Pick<CompressionSettings, "site" | "hidden">): number {
  const i = Number(/^h(\d+)$/.exec(String(settings.site))?.[1]) - 1;
  const width = Array.isArray(settings.hidden) ? settings.hidden[i] : undefined;
  if (!(Number.isInteger(width) && (width as number) > 0)) {
    throw new AntitrainError(`site "${settings.site}" is not a hidden layer of an MLP with hidden ${JSON.stringify(settings.hidden)}: use "h1".."h${Array.isArray(settings.hidden) ? settings.hidden.length : 1}"`);
  }
  return width as number;
}

/** Every arm's name in table order: the trained arms, then iterative magnitude pruning and small from scratch. */
export function compressionArmNames(arms: readonly StudyArm[]): string[] {
  return [...arms.map((a) => a.name), IMP_ARM, SCRATCH_ARM];
}

/** Each grid cut to its first entry: the quick settings' grids (nothing is tuned). */
export function firstOfEachGrid(grids: Readonly<Record<string, readonly MethodSettings[]>>): Record<string, MethodSettings[]> {
  return Object.fromEntries(Object.entries(grids).map(([method, grid]) => [method, grid.slice(0, 1)]));
}

/**
 * Refuses settings the study cannot run, naming the fix: unknown keys, data without a validation share, a site that
 * is not a hidden layer, widths outside it, a tolerance outside [0, 1), bad arms, a tuned arm without a grid.
 *
 * @example
 * checkCompressionSettings(study.settings("quick"));   // passes
 * checkCompressionSettings({ ...study.settings("quick"), keep: [] });   // AntitrainError: keep needs at least one width
 */
export function checkCompressionSettings(settings: CompressionSettings): void {
  requireKnownKeys(settings, KEYS, "the compression study's settings");
  const data = settings.data as { dataset?: unknown; validation?: unknown } | undefined;
  if (data === null || typeof data !== "object" || !(STUDY_DATASETS as readonly unknown[]).includes(data.dataset)) {
    throw new AntitrainError(`settings.data must describe one of ${STUDY_DATASETS.join(", ")}, e.g. { dataset: "digits", validation: 0.2 }`);
  }
  if (!(typeof data.validation === "number" && data.validation > 0 && data.validation < 1)) {
    throw new AntitrainError("the compression study makes every choice on validation data: set settings.data.validation in (0, 1), e.g. 0.2");
  }
  if (!Array.isArray(settings.hidden) || settings.hidden.length === 0) throw new AntitrainError("settings.hidden must list the MLP's hidden widths, e.g. [128]");
  for (const h of settings.hidden) requirePositiveInt(h, "each hidden width");
  const width = compressionWidth(settings);
  for (const k of ["pretrain", "updates", "cycle", "finetune", "refK"] as const) requirePositiveInt(settings[k], k);
  if (!Array.isArray(settings.keep) || settings.keep.length === 0) throw new AntitrainError("keep needs at least one width, e.g. [4, 8, 16, 32]");
  if (!Array.isArray(settings.scratchKeep)) throw new AntitrainError("scratchKeep must be a list of widths (may be empty), e.g. [8, 32]");
  for (const k of [...settings.keep, ...settings.scratchKeep]) {
    if (!(Number.isInteger(k) && k >= 1 && k < width)) throw new AntitrainError(`widths in keep and scratchKeep must be integers in [1, ${width - 1}], got ${k}`);
  }
  if (!(settings.tolerance >= 0 && settings.tolerance < 1)) throw new AntitrainError(`tolerance must be in [0, 1), e.g. 0.01, got ${settings.tolerance}`);
  if (settings.measureRows !== undefined) requirePositiveInt(settings.measureRows, "measureRows (training rows the cores are measured on; leave it out for every row)");
  checkArms(settings.arms);
  checkGrids(settings.arms, settings.grids);
}

/** Every tuned arm has a non-empty grid, and every grid is some arm's. */
function checkGrids(arms: readonly StudyArm[], grids: CompressionSettings["grids"]): void {
  if (grids === null || typeof grids !== "object") throw new AntitrainError('settings.grids must map each tuned arm\'s tuneAs to its settings, e.g. { antitrain: [{ fraction: 0.5 }] }');
  const tuned = new Set(arms.map((a) => a.tuneAs).filter((t): t is string => t !== undefined));
  for (const t of tuned) {
    if (!Array.isArray(grids[t]) || grids[t].length === 0) throw new AntitrainError(`arm tuned as "${t}" has no grid: add grids["${t}"], e.g. [{ fraction: 0.5 }]`);
  }
  for (const method of Object.keys(grids)) {
    if (!tuned.has(method)) throw new AntitrainError(`grid "${method}" belongs to no arm: grids are keyed by the arms' tuneAs (${[...tuned].join(", ")})`);
  }
}

/**
 * The setup the study's seeds run on: the described data (built once per process), the MLP's inputs and classes
 * read from it, and the settings' budget and widths.
 *
 * @example
 * const setup = compressionSetup(study.settings("quick"));   // { train, validation, test, inputs: 64, hidden: [128], … }
 */
export function compressionSetup(settings: CompressionSettings): CompressionSetup {
  const { train, validation, test } = studyData(settings.data);
  if (validation === undefined) throw new AntitrainError("the compression study needs a validation split: set settings.data.validation, e.g. 0.2");
  const { hidden, site, pretrain, updates, cycle, finetune, keep, scratchKeep, tolerance } = settings;
  const measure = settings.measureRows === undefined ? undefined : measureSubset(train, settings.measureRows);
  return {
    train, validation, test, inputs: train.x.shape[1] as number, hidden, classes: train.classes, site, pretrain, updates, cycle, finetune, keep, scratchKeep, tolerance,
    ...(measure === undefined ? {} : { measure }),
  };
}

/** Per training split (studyData builds each once per process), its measurement subsets by size, built once. */
const SUBSETS = new WeakMap<Dataset, Map<number, Dataset>>();

/**
 * `rows` training rows drawn without replacement by a fixed seed (the same rows in every process), kept for the
 * process like the split itself; refuses more rows than the split has.
 */
function measureSubset(train: Dataset, rows: number): Dataset {
  const n = size(train);
  if (rows > n) throw new AntitrainError(`measureRows is ${rows}, but the training split has ${n} rows: use at most ${n}, or leave it out for every row`);
  const bySize = SUBSETS.get(train) ?? new Map<number, Dataset>();
  SUBSETS.set(train, bySize);
  let subset = bySize.get(rows);
  if (subset === undefined) {
    subset = take(train, permutationTail(rngFor(0, 7919), n, rows));
    bySize.set(rows, subset);
  }
  return subset;
}

/**
 * Sizes of the settings' splits, for the results file.
 *
 * @example
 * compressionSplit(study.settings("quick"));   // { train: 1078, validation: 269, test: 450 }
 */
export function compressionSplit(settings: CompressionSettings): { train: number; validation: number; test: number } {
  const setup = compressionSetup(settings);
  return { train: size(setup.train), validation: size(setup.validation), test: size(setup.test) };
}
