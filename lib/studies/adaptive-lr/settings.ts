/**
 * The settings of notebook 13's study: an MLP on the digits trained by four information-adaptive variants of Adam and
 * three tuned peers (Adam, AdamW, LAMB), every arm with the same number of configurations, chosen on validation data.
 */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { ScaleDirection, ScaleMode } from "../../training/adaptive-lr";
import type { StudySize } from "../study";

/** How an arm optimizes: Adam wrapped by the information-adaptive scales, or one of the three peers. */
export type AdaptiveLrKind = "info" | "adam" | "adamw" | "lamb";

/** One arm: plain Adam, AdamW and LAMB have no mode; the information-adaptive ones scale per unit by information content. */
export interface AdaptiveLrArm {
  readonly name: string;
  readonly kind: AdaptiveLrKind;
  readonly mode?: ScaleMode;
  readonly direction?: ScaleDirection;
}

/**
 * The seven arms, in table order: the four information-adaptive variants (update · up first, the study's reference:
 * the notes' idea taken literally), then the peers.
 */
export const ADAPTIVE_LR_ARM_LIST: readonly AdaptiveLrArm[] = [
  { name: "update · up", kind: "info", mode: "update", direction: "up" },
  { name: "update · down", kind: "info", mode: "update", direction: "down" },
  { name: "gradient · up", kind: "info", mode: "gradient", direction: "up" },
  { name: "gradient · down", kind: "info", mode: "gradient", direction: "down" },
  { name: "Adam", kind: "adam" },
  { name: "AdamW", kind: "adamw" },
  { name: "LAMB", kind: "lamb" },
];
/** The arms' names, in table order. */
export const ADAPTIVE_LR_ARMS: readonly string[] = ADAPTIVE_LR_ARM_LIST.map((c) => c.name);
/** The tuned peers the verdict answers against. */
export const ADAPTIVE_LR_PEERS: readonly string[] = ["Adam", "AdamW", "LAMB"];

/**
 * One configuration of an arm's grid: a learning rate; for AdamW and LAMB a weight decay (0 otherwise); for the
 * information-adaptive arms the strength α, the exponent of the relative information in the per-unit scales (0
 * otherwise: the peers scale nothing).
 */
export interface AdaptiveLrConfig {
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly strength: number;
}

/** Settings of the adaptive learning-rate study (plain JSON). */
export interface AdaptiveLrSettings {
  /** The digits with a validation share held out of the training split (the tiny setting trims the training rows). */
  readonly data: { readonly dataset: "digits"; readonly validation: number; readonly trainLimit?: number };
  /** Hidden widths: sites "h1", "h2", … all get per-unit scales. */
  readonly hidden: readonly number[];
  readonly batchSize: number;
  /** The budget: optimizer updates per run, the same for every arm. */
  readonly steps: number;
  /** Information content is re-measured every this many steps. */
  readonly refresh: number;
  /** Validation checkpoints of the learning curves, every this many steps. */
  readonly evalEvery: number;
  /** Training examples (the first ones) the information content is measured on. */
  readonly measureExamples: number;
  /** Plain Adam's grid: its learning rates. */
  readonly learningRates: readonly number[];
  /** Every information-adaptive arm's grid: Adam's learning rate inside and the strength α of the scales, jointly. */
  readonly info: readonly { readonly learningRate: number; readonly strength: number }[];
  /** AdamW's grid (decoupled weight decay, PyTorch's form w ← w(1 − lr·wd)). */
  readonly adamw: readonly { readonly learningRate: number; readonly weightDecay: number }[];
  /** LAMB's grid (weight decay added to the Adam direction before the trust ratio). */
  readonly lamb: readonly { readonly learningRate: number; readonly weightDecay: number }[];
}

const KEYS = ["data", "hidden", "batchSize", "steps", "refresh", "evalEvery", "measureExamples", "learningRates", "info", "adamw", "lamb"];

/** Every pair of `a` × `b` as { [ka]: a_i, [kb]: b_j }, `a` the outer loop: a 3 × 3 grid from two lists of three. */
function cross<A extends string, B extends string>(ka: A, a: readonly number[], kb: B, b: readonly number[]): Record<A | B, number>[] {
  return a.flatMap((x) => b.map((y) => ({ [ka]: x, [kb]: y }) as Record<A | B, number>));
}

/**
 * The named settings. "full": the 64 → 64 → 64 → 10 MLP, 1000 updates, nine configurations per arm (10 study seeds
 * and tuning seeds 100 and 101 in the notebook): Adam nine learning rates from 1e-4 to 5e-2 (the earlier grid was
 * 3e-4 … 1e-2); every information-adaptive arm learning rate {3e-4, 1e-3, 3e-3} × strength α {0.5, 1, 2} (α 1 was
 * the earlier fixed value); AdamW learning rate {1e-3, 3e-3, 1e-2} × weight decay {0.3, 1, 3} and LAMB learning rate
 * {3e-4, 1e-3, 3e-3} × weight decay {0.03, 0.1, 0.3}, each centred on the earlier run's choice (AdamW lr 3e-3, wd 1;
 * LAMB lr 1e-3, wd 0.1; both at a corner of their four-point grids) with half a decade either side. LAMB's learning
 * rates sit lower than AdamW's because its step is lr · ‖w‖ per layer (a one-seed validation pilot on tuning seed 100:
 * 1e-3 best, 1e-2 far worse, 3e-2 diverged). "quick" (the notebook's smoke test): 300 updates, one configuration per
 * arm (the full grids' centres), nothing tuned. "tiny" runs in seconds, two configurations per arm.
 *
 * @example
 * adaptiveLrSettings("full").steps;   // 1000
 */
export function adaptiveLrSettings(size: StudySize): AdaptiveLrSettings {
  const data = { dataset: "digits" as const, validation: 0.2 };
  switch (size) {
    case "full":
      return {
        data, hidden: [64, 64], batchSize: 64, steps: 1000, refresh: 50, evalEvery: 100, measureExamples: 512,
        learningRates: [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2],
        info: cross("learningRate", [3e-4, 1e-3, 3e-3], "strength", [0.5, 1, 2]),
        adamw: cross("learningRate", [1e-3, 3e-3, 1e-2], "weightDecay", [0.3, 1, 3]),
        lamb: cross("learningRate", [3e-4, 1e-3, 3e-3], "weightDecay", [0.03, 0.1, 0.3]),
      };
    case "quick":
      return {
        data, hidden: [64, 64], batchSize: 64, steps: 300, refresh: 50, evalEvery: 100, measureExamples: 512,
        learningRates: [1e-3],
        info: [{ learningRate: 1e-3, strength: 1 }],
        adamw: [{ learningRate: 3e-3, weightDecay: 1 }],
        lamb: [{ learningRate: 1e-3, weightDecay: 0.1 }],
      };
    case "tiny":
      return {
        data: { ...data, trainLimit: 200 }, hidden: [8, 8], batchSize: 64, steps: 20, refresh: 5, evalEvery: 10, measureExamples: 64,
        learningRates: [1e-3, 1e-2],
        info: [{ learningRate: 1e-3, strength: 1 }, { learningRate: 1e-2, strength: 2 }],
        adamw: [{ learningRate: 1e-3, weightDecay: 0.1 }, { learningRate: 1e-2, weightDecay: 1 }],
        lamb: [{ learningRate: 1e-2, weightDecay: 0.01 }, { learningRate: 3e-2, weightDecay: 0.1 }],
      };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/**
 * An arm's grid of configurations, in order: Adam its learning rates, the information-adaptive arms their learning
 * rate × strength grid, AdamW and LAMB their learning rate × weight decay grids (the knobs an arm lacks at 0).
 *
 * @example
 * adaptiveLrGrid(adaptiveLrSettings("full"), "AdamW").length;   // 9
 */
export function adaptiveLrGrid(s: AdaptiveLrSettings, arm: string): readonly AdaptiveLrConfig[] {
  const a = adaptiveLrArm(arm);
  switch (a.kind) {
    case "adam":
      return s.learningRates.map((learningRate) => ({ learningRate, weightDecay: 0, strength: 0 }));
    case "info":
      return s.info.map(({ learningRate, strength }) => ({ learningRate, weightDecay: 0, strength }));
    case "adamw":
      return s.adamw.map(({ learningRate, weightDecay }) => ({ learningRate, weightDecay, strength: 0 }));
    case "lamb":
      return s.lamb.map(({ learningRate, weightDecay }) => ({ learningRate, weightDecay, strength: 0 }));
  }
}

/** The arm named `name` (refused with the list when unknown). */
export function adaptiveLrArm(name: string): AdaptiveLrArm {
  const a = ADAPTIVE_LR_ARM_LIST.find((x) => x.name === name);
  if (a === undefined) throw new AntitrainError(`unknown arm ${JSON.stringify(name)}: use one of ${ADAPTIVE_LR_ARMS.join(", ")}`);
  return a;
}

/** "lr 0.001", "lr 0.001, wd 0.1" or "lr 0.001, α 2": a configuration as the tables print it. */
export function adaptiveLrConfigLabel(c: AdaptiveLrConfig, kind: AdaptiveLrKind): string {
  if (kind === "adamw" || kind === "lamb") return `lr ${c.learningRate}, wd ${c.weightDecay}`;
  return kind === "info" ? `lr ${c.learningRate}, α ${c.strength}` : `lr ${c.learningRate}`;
}

/**
 * Refuses settings the study cannot run, naming the fix: among others every arm must have the same number of
 * configurations (the evidence standard's equal tuning budget).
 *
 * @example
 * checkAdaptiveLrSettings({ ...adaptiveLrSettings("quick"), refresh: 0 });   // throws
 */
export function checkAdaptiveLrSettings(s: AdaptiveLrSettings): void {
  if (s === null || typeof s !== "object") throw new AntitrainError("the adaptive learning-rate study needs settings such as adaptiveLrSettings(\"quick\")");
  requireKnownKeys(s, KEYS, "the adaptive learning-rate study's settings");
  if (s.data?.dataset !== "digits") throw new AntitrainError(`the study runs on the digits: data must be { dataset: "digits", validation: 0.2 }, got ${JSON.stringify(s.data)}`);
  if (!(typeof s.data.validation === "number" && s.data.validation > 0 && s.data.validation < 1)) {
    throw new AntitrainError(`data.validation must be the held-out share in (0, 1), e.g. 0.2: the configurations are chosen on it, never on the test split; got ${JSON.stringify(s.data.validation)}`);
  }
  if (!Array.isArray(s.hidden) || s.hidden.length === 0) throw new AntitrainError(`hidden must list the hidden widths, e.g. [64, 64], got ${JSON.stringify(s.hidden)}`);
  for (const w of s.hidden) requirePositiveInt(w, "every hidden width");
  for (const k of ["batchSize", "steps", "refresh", "evalEvery", "measureExamples"] as const) requirePositiveInt(s[k], k);
  const positive = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;
  if (!Array.isArray(s.learningRates) || s.learningRates.length === 0 || !s.learningRates.every(positive)) {
    throw new AntitrainError(`learningRates must be a non-empty list of positive numbers such as [1e-3, 3e-3], got ${JSON.stringify(s.learningRates)}`);
  }
  const isConfig = (c: unknown): c is Record<string, unknown> => c !== null && typeof c === "object";
  if (!Array.isArray(s.info) || s.info.length === 0 || !s.info.every((c) => isConfig(c) && positive(c.learningRate) && positive(c.strength))) {
    throw new AntitrainError(`info must list configurations { learningRate: > 0, strength: > 0 } (strength 0 would be plain Adam), e.g. [{ learningRate: 1e-3, strength: 1 }], got ${JSON.stringify(s.info)}`);
  }
  for (const key of ["adamw", "lamb"] as const) {
    const grid = s[key];
    if (!Array.isArray(grid) || !grid.every((c) => isConfig(c) && positive(c.learningRate) && typeof c.weightDecay === "number" && Number.isFinite(c.weightDecay) && c.weightDecay >= 0)) {
      throw new AntitrainError(`${key} must list configurations { learningRate: > 0, weightDecay: ≥ 0 }, got ${JSON.stringify(grid)}`);
    }
  }
  for (const key of ["info", "adamw", "lamb"] as const) {
    if (s[key].length !== s.learningRates.length) {
      throw new AntitrainError(
        `every arm needs the same number of configurations: ${key} has ${s[key].length}, Adam ${s.learningRates.length} (learningRates); give ${key} ${s.learningRates.length}`,
      );
    }
  }
}
