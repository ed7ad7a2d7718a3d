/**
 * The settings of notebook 18's conv compression study: subsampled Fashion-MNIST images, notebook 18's CNN, the
 * per-arm budget, the widths `conv2` is cut to and the tuned methods' grids. Plain JSON, checked by
 * {@link checkYourModelSettings}.
 */
import { AntitrainError } from "../../base/errors";
import { requireInRange, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { MethodSettings } from "../compression-arms";
import { CONV_ARMS } from "../conv-compression";
import type { StudySize } from "../study";

/** Everything one run of the study needs (plain JSON). */
export interface YourModelSettings {
  /** Fashion-MNIST as 28×28×1 images, a seeded class-stratified subsample, `validation` of its training part held out. */
  readonly data: {
    readonly dataset: "fashion-mnist";
    readonly flatten: false;
    readonly subsample: { readonly train: number; readonly test: number };
    readonly validation: number;
    readonly seed: number;
  };
  /** The convolution whose channels are measured, antitrained and cut. */
  readonly site: string;
  readonly batch: number;
  /** Plain Adam steps every arm of a seed continues from. */
  readonly pretrain: number;
  /** Optimizer updates per arm after pretraining (antitraining: half train, half antitrain steps). */
  readonly updates: number;
  /** Antitraining re-measures the site's core every `cycle` training steps. */
  readonly cycle: number;
  /** Fine-tuning steps of every pruned network. */
  readonly finetune: number;
  /** Channel counts the site is cut to. */
  readonly keep: readonly number[];
  /** Training examples on which antitraining measures the core and channels are ranked. */
  readonly measure: number;
  /** How a randomized channel is drawn: "whole-map" (its whole feature map from another image). */
  readonly spatial: "whole-map";
  /** "Within tolerance of the dense validation accuracy" (0.01: one point). */
  readonly tolerance: number;
  /** The fixed width of the table's fixed-width comparison. */
  readonly refK: number;
  /** The tuned methods' grids, chosen on the tuning seeds' validation split. */
  readonly grids: Readonly<Record<string, readonly MethodSettings[]>>;
}

const KEYS = ["data", "site", "batch", "pretrain", "updates", "cycle", "finetune", "keep", "measure", "spatial", "tolerance", "refK", "grids"];
const FULL_GRIDS = { antitrain: [{ fraction: 0.5 }, { fraction: 0.3 }], "group-lasso": [{ lambda: 1e-3 }, { lambda: 1e-2 }, { lambda: 1e-1 }] };
/** Each grid's first entry: the quick and tiny settings tune nothing. */
const FIRST_GRIDS = Object.fromEntries(Object.entries(FULL_GRIDS).map(([m, g]) => [m, g.slice(0, 1)]));

/**
 * The named settings: `full` (3,000 training and 1,000 test images, 300 + 300 steps per arm, cut to 4, 8, 16 and 24
 * of 32 channels), `quick` (the notebook's default: 500 and 200 images, 30 + 20 steps, one setting per grid) and
 * `tiny` (the contract test).
 *
 * @example
 * yourModelSettings("full").keep;   // [4, 8, 16, 24]
 */
export function yourModelSettings(size: StudySize): YourModelSettings {
  const data = (train: number, test: number) => ({ dataset: "fashion-mnist" as const, flatten: false as const, subsample: { train, test }, validation: 0.2, seed: 0 });
  const base = { site: "conv2", batch: 32, spatial: "whole-map" as const, tolerance: 0.01, refK: 8 };
  switch (size) {
    case "full":
      return { ...base, data: data(3000, 1000), pretrain: 300, updates: 300, cycle: 50, finetune: 40, keep: [4, 8, 16, 24], measure: 1000, grids: FULL_GRIDS };
    case "quick":
      return { ...base, data: data(500, 200), pretrain: 30, updates: 20, cycle: 5, finetune: 5, keep: [4, 16], measure: 200, grids: FIRST_GRIDS };
    case "tiny":
      return { ...base, data: data(100, 40), batch: 16, pretrain: 2, updates: 4, cycle: 2, finetune: 1, keep: [4, 16], measure: 40, grids: FIRST_GRIDS };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/**
 * Throws an AntitrainError naming the fix when the settings cannot be run.
 *
 * @example
 * checkYourModelSettings({ ...yourModelSettings("quick"), keep: [40] });   // throws: conv2 has 32 channels
 */
export function checkYourModelSettings(s: YourModelSettings): void {
  requireKnownKeys(s, KEYS, "your-model settings");
  if (s.data === null || typeof s.data !== "object" || s.data.dataset !== "fashion-mnist" || s.data.flatten !== false) {
    throw new AntitrainError(`your-model settings: data must be Fashion-MNIST images, e.g. { dataset: "fashion-mnist", flatten: false, subsample: { train: 500, test: 200 }, validation: 0.2, seed: 0 }, got ${JSON.stringify(s.data)}`);
  }
  requireInRange(s.data.validation, "data.validation", { min: 0, max: 1, minOpen: true, maxOpen: true }, "the share of the subsampled training images held out, e.g. 0.2");
  if (s.site !== "conv2") throw new AntitrainError(`your-model settings: site must be "conv2" (the CNN's second convolution, the one the study cuts), got ${JSON.stringify(s.site)}`);
  for (const key of ["batch", "pretrain", "updates", "cycle", "finetune", "measure", "refK"] as const) requirePositiveInt(s[key], key);
  if (s.updates % 2 !== 0) throw new AntitrainError(`your-model settings: updates must be even (antitraining spends half on training and half on antitrain steps), got ${s.updates}`);
  if (!Array.isArray(s.keep) || s.keep.length === 0 || !s.keep.every((k) => Number.isInteger(k) && k >= 1 && k < 32)) {
    throw new AntitrainError(`your-model settings: keep must list channel counts of conv2 between 1 and 31 (it has 32), got ${JSON.stringify(s.keep)}`);
  }
  if (s.spatial !== "whole-map") throw new AntitrainError(`your-model settings: spatial must be "whole-map" (a randomized channel gets a whole feature map from another image), got ${JSON.stringify(s.spatial)}`);
  requireInRange(s.tolerance, "tolerance", { min: 0, max: 1 }, "accuracy points as a share, e.g. 0.01 for one point");
  for (const [method, grid] of Object.entries(s.grids ?? {})) {
    if (!CONV_ARMS.some((a) => a.tuneAs === method)) throw new AntitrainError(`your-model settings: grids are keyed by "antitrain" and "group-lasso", got "${method}"`);
    if (!Array.isArray(grid) || grid.length === 0) throw new AntitrainError(`your-model settings: grids["${method}"] needs at least one setting`);
  }
}
