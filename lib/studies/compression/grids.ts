/** Tuning grids shared by the compression studies: antitraining's four knobs tuned jointly in nine runs. */
import { AntitrainError } from "../../base/errors";
import type { MethodSettings } from "../compression-arms";

/** Three levels of each of antitraining's four tuned knobs; the first level of each is the quick (and earlier) setting. */
export interface AntitrainLevels {
  /** The antitrained core's share of the damage, e.g. [0.5, 0.3, 0.7]. */
  readonly fraction: readonly number[];
  /** Training steps between core measurements, e.g. [100, 50, 200]. */
  readonly cycle: readonly number[];
  /** Antitrain steps after each training step (the update budget split 1 : antiSteps), e.g. [1, 2, 3]. */
  readonly antiSteps: readonly number[];
  /** The antitrain steps' Adam rate, e.g. [1e-3, 3e-4, 3e-3]. */
  readonly antiLearningRate: readonly number[];
}

/** Rows of the standard L9(3^4) orthogonal array (levels 0, 1, 2): every pair of columns takes each of its 9 level pairs once. */
const L9_ROWS = [[0, 0, 0, 0], [0, 1, 1, 1], [0, 2, 2, 2], [1, 0, 1, 2], [1, 1, 2, 0], [1, 2, 0, 1], [2, 0, 2, 1], [2, 1, 0, 2], [2, 2, 1, 0]];

const KNOBS = ["fraction", "cycle", "antiSteps", "antiLearningRate"] as const;

/**
 * Antitraining's nine settings: an L9 orthogonal array over its four knobs at three levels each. Every level of every
 * knob appears three times and every pair of levels of two knobs once, in nine runs instead of the full grid's 81. The
 * first setting takes every knob's first level (the quick setting). Refuses a knob without three distinct levels.
 *
 * @example
 * antitrainL9({ fraction: [0.5, 0.3, 0.7], cycle: [100, 50, 200], antiSteps: [1, 2, 3], antiLearningRate: [1e-3, 3e-4, 3e-3] });
 * // [{ fraction: 0.5, cycle: 100, antiSteps: 1, antiLearningRate: 1e-3 }, { fraction: 0.5, cycle: 50, antiSteps: 2, … }, …]
 */
export function antitrainL9(levels: AntitrainLevels): MethodSettings[] {
  for (const knob of KNOBS) {
    const l = levels[knob];
    if (!Array.isArray(l) || l.length !== 3 || new Set(l).size !== 3 || !l.every((v) => typeof v === "number" && v > 0 && Number.isFinite(v))) {
      throw new AntitrainError(`levels.${knob} must be three distinct positive numbers, the first the quick setting's, e.g. [0.5, 0.3, 0.7]; got ${JSON.stringify(l)}`);
    }
  }
  return L9_ROWS.map(([a, b, c, d]) => ({
    fraction: levels.fraction[a],
    cycle: levels.cycle[b],
    antiSteps: levels.antiSteps[c],
    antiLearningRate: levels.antiLearningRate[d],
  }));
}
