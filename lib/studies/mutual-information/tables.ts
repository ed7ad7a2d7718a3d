/**
 * The mutual-information study's results over seeds, as results/11-mutual-information.json stores them: the
 * antitrained core's size, each model's measures (mean and 95% t interval), the tying check, and every seed without
 * its pair matrices and hint lists.
 */
import { type Interval, meanCI } from "../../base/statistics";
import type { ModelMeasures } from "./measure-model";
import { MUTUAL_INFORMATION_MODELS, type MutualInformationSeed } from "./run-seed";
import type { TyingCheck } from "./tying";

/** One model's measures over seeds. */
export interface ModelSummary {
  readonly accuracy: Interval;
  readonly lossMeanSingle: Interval;
  readonly lossMeanInteraction: Interval;
  readonly lossInteractionPerSingle: Interval;
  readonly lossPositiveShare: Interval;
  readonly accPositiveShare: Interval;
  readonly accNegativeShare: Interval;
  readonly accLayerExcess: Interval;
  /** The first seed's group sizes, and each size's share over seeds. */
  readonly groupSizes: readonly number[];
  readonly groupShare: readonly Interval[];
}

/** The tying check over seeds (planted ranks per seed). */
export interface TyingSummary {
  readonly plantedPrecision: Interval;
  readonly partnerAccuracy: Interval;
  readonly plantedRanks: readonly (readonly number[])[];
  readonly plantedHint: Interval;
  readonly nextHint: Interval;
  readonly plantedInteraction: Interval;
  readonly otherInteraction: Interval;
  readonly spearmanCorr: Interval;
  readonly spearmanAbsCorr: Interval;
}

/** One seed as the results file keeps it: no loss matrix and singles, no hint and correlation lists. */
export interface SeedRow {
  readonly seed: number;
  readonly coreSize: number;
  readonly tying: Omit<TyingCheck, "hints" | "correlations">;
  readonly measured: Readonly<Record<string, Omit<ModelMeasures, "lossMatrix" | "lossSingles">>>;
}

/** Everything the results file holds about the seeds. */
export interface MutualInformationTables {
  readonly coreSize: Interval;
  readonly summary: Readonly<Record<string, ModelSummary>>;
  readonly tying: TyingSummary;
  readonly perSeed: readonly SeedRow[];
}

/**
 * The study's tables from its seeds (means and 95% t intervals over seeds; the group sizes of the first seed).
 *
 * @example
 * const t = mutualInformationTables(run.results);
 * t.summary.plain.lossInteractionPerSingle.mean;
 */
export function mutualInformationTables(runs: readonly MutualInformationSeed[]): MutualInformationTables {
  const ci = (f: (r: MutualInformationSeed) => number) => meanCI(runs.map(f));
  const summary = Object.fromEntries(
    MUTUAL_INFORMATION_MODELS.map((name) => [
      name,
      {
        accuracy: ci((r) => r.measured[name].accuracy),
        lossMeanSingle: ci((r) => r.measured[name].lossMeanSingle),
        lossMeanInteraction: ci((r) => r.measured[name].lossMean),
        lossInteractionPerSingle: ci((r) => r.measured[name].lossRatio),
        lossPositiveShare: ci((r) => r.measured[name].lossPositive),
        accPositiveShare: ci((r) => r.measured[name].accPositive),
        accNegativeShare: ci((r) => r.measured[name].accNegative),
        accLayerExcess: ci((r) => r.measured[name].accExcess),
        groupSizes: runs[0].measured[name].groupSizes,
        groupShare: runs[0].measured[name].groupSizes.map((_, i) => ci((r) => r.measured[name].groupShare[i])),
      },
    ]),
  );
  const tying: TyingSummary = {
    plantedPrecision: ci((r) => r.tying.plantedPrecision),
    partnerAccuracy: ci((r) => r.tying.partnerAccuracy),
    plantedRanks: runs.map((r) => r.tying.plantedRanks),
    plantedHint: ci((r) => r.tying.plantedHint),
    nextHint: ci((r) => r.tying.nextHint),
    plantedInteraction: ci((r) => r.tying.plantedInteraction),
    otherInteraction: ci((r) => r.tying.otherInteraction),
    spearmanCorr: ci((r) => r.tying.spearmanCorr),
    spearmanAbsCorr: ci((r) => r.tying.spearmanAbsCorr),
  };
  const perSeed = runs.map((r) => {
    const { hints: _h, correlations: _c, ...tie } = r.tying;
    const measured = Object.fromEntries(Object.entries(r.measured).map(([k, m]) => {
      const { lossMatrix: _m, lossSingles: _s, ...rest } = m;
      return [k, rest];
    }));
    return { seed: r.seed, coreSize: r.coreSize, tying: tie, measured };
  });
  return { coreSize: ci((r) => r.coreSize), summary, tying, perSeed };
}
