/** How a core grows with the layer's width (notebook 02): per arm, paired per seed between neighbouring widths. */
import { AntitrainError } from "../../base/errors";
import { type Interval, meanCI } from "../../base/statistics";
import type { ConcentrationRun, ConcentrationSeed } from "../concentration-study";

/** One arm's core growth from width `from` to width `to`, paired per seed (the same seed's networks at both widths). */
export interface CoreGrowth {
  readonly from: number;
  readonly to: number;
  /** Validation-split core at `to` minus at `from`, mean [95% CI] over seeds. */
  readonly valCore: Interval;
  /** The same on the test split. */
  readonly testCore: Interval;
}

/** One width's seeds, in the same seed order at every width. */
export interface WidthSeeds {
  readonly width: number;
  readonly seeds: readonly ConcentrationSeed[];
}

/** The run of `arm` in a seed, or an AntitrainError naming the seed. */
function runOf(seed: ConcentrationSeed, arm: string): ConcentrationRun {
  const run = seed.runs.find((x) => x.arm === arm);
  if (run === undefined) throw new AntitrainError(`seed ${seed.seed} has no run for "${arm}": run every width with the same arms`);
  return run;
}

/**
 * Per neighbouring pair of widths (in the given order), the growth of `arm`'s core, paired per seed.
 *
 * @example
 * const g = coreGrowth([{ width: 32, seeds: narrow }, { width: 512, seeds: wide }], "plain");
 * g[0].testCore.mean;   // how many units the test-split core grew from 32 to 512
 */
export function coreGrowth(widths: readonly WidthSeeds[], arm: string): CoreGrowth[] {
  return widths.slice(1).map((to, i) => {
    const from = widths[i];
    if (from.seeds.length !== to.seeds.length || from.seeds.some((s, j) => s.seed !== to.seeds[j].seed)) {
      throw new AntitrainError(`widths ${from.width} and ${to.width} ran other seeds: pair the same seeds at every width`);
    }
    const diff = (key: "core" | "testCore") => meanCI(to.seeds.map((s, j) => runOf(s, arm)[key] - runOf(from.seeds[j], arm)[key]));
    return { from: from.width, to: to.width, valCore: diff("core"), testCore: diff("testCore") };
  });
}
