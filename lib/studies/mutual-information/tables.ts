/**
 * The mutual-information study's results over seeds, as results/11-mutual-information.json stores them: the chosen
 * knobs and the tuning rows' means, the antitrained core's size, each arm's measures (mean and 95% t interval), the
 * paired differences (other arm − antitrained) on the secondary measures and the costs, the agreement of the
 * pairwise measure with the exact index, the planted and tying checks, and every seed without its matrices.
 */
import { type Interval, meanCI } from "../../base/statistics";
import type { StudySummary } from "../study";
import { summarizeScores } from "../summary";
import type { ModelMeasures } from "./measure-model";
import type { PlantedCheck } from "./planted";
import { MUTUAL_INFORMATION_MODELS, type MutualInformationSeed } from "./run-seed";
import type { TyingCheck } from "./tying";

/** One arm's measures over seeds. */
export interface ModelSummary {
  readonly accuracy: Interval;
  readonly testLoss: Interval;
  readonly exactMeanIndex: Interval;
  readonly exactIndexPerShapley: Interval;
  readonly exactPositiveShare: Interval;
  readonly agreeSpearman: Interval;
  readonly agreeSign: Interval;
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

/** The planted check over seeds, for one pair score. */
export interface PlantedSummary {
  readonly precision: Interval;
  readonly partnerAccuracy: Interval;
  readonly planted: Interval;
  readonly other: Interval;
  readonly ranks: readonly (readonly number[])[];
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

/** One seed as the results file keeps it: no matrices, singles, Shapley values, hint and correlation lists. */
export interface SeedRow {
  readonly seed: number;
  readonly coreSize: number;
  readonly softenT: number;
  readonly softenValLoss: number;
  readonly antiValLoss: number;
  readonly planted: PlantedCheck;
  readonly tying: Omit<TyingCheck, "hints" | "correlations">;
  readonly measured: Readonly<Record<string, Omit<ModelMeasures, "lossMatrix" | "lossSingles" | "exactMatrix" | "exactShapley">>>;
}

/** Everything the results file holds about the seeds. */
export interface MutualInformationTables {
  readonly coreSize: Interval;
  /** The control's temperature over seeds. */
  readonly softenT: Interval;
  readonly summary: Readonly<Record<string, ModelSummary>>;
  /** Other arm − antitrained, per seed, on the pairwise measure's ratio, test accuracy and test loss. */
  readonly paired: Readonly<Record<"library" | "accuracy" | "testLoss", StudySummary>>;
  readonly planted: Readonly<Record<"exact" | "library", PlantedSummary>> & { readonly spearman: Interval };
  readonly tying: TyingSummary;
  readonly perSeed: readonly SeedRow[];
}

/**
 * The study's tables from its seeds (means and 95% t intervals over seeds; the group sizes of the first seed).
 *
 * @example
 * const t = mutualInformationTables(run.results);
 * t.summary.plain.exactIndexPerShapley.mean;
 */
export function mutualInformationTables(runs: readonly MutualInformationSeed[]): MutualInformationTables {
  const ci = (f: (r: MutualInformationSeed) => number) => meanCI(runs.map(f));
  const summary = Object.fromEntries(
    MUTUAL_INFORMATION_MODELS.map((name) => [
      name,
      {
        accuracy: ci((r) => r.measured[name].accuracy),
        testLoss: ci((r) => r.measured[name].testLoss),
        exactMeanIndex: ci((r) => r.measured[name].exactMean),
        exactIndexPerShapley: ci((r) => r.measured[name].exactRatio),
        exactPositiveShare: ci((r) => r.measured[name].exactPositive),
        agreeSpearman: ci((r) => r.measured[name].agreeSpearman),
        agreeSign: ci((r) => r.measured[name].agreeSign),
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
  const pairedOn = (f: (m: ModelMeasures) => number, metric: string, better: "lower" | "higher") =>
    summarizeScores(
      runs.map((r) => Object.fromEntries(MUTUAL_INFORMATION_MODELS.map((m) => [m, f(r.measured[m])]))),
      { metric, better, reference: "antitrained", arms: [...MUTUAL_INFORMATION_MODELS] },
    );
  const paired = {
    library: pairedOn((m) => m.lossRatio, "pairwise measure: mean (joint − singles) / mean single damage (loss)", "lower"),
    accuracy: pairedOn((m) => m.accuracy, "test accuracy", "higher"),
    testLoss: pairedOn((m) => m.testLoss, "test loss", "lower"),
  };
  const plantedOf = (which: "exact" | "library"): PlantedSummary => ({
    precision: ci((r) => r.planted[which].precision),
    partnerAccuracy: ci((r) => r.planted[which].partnerAccuracy),
    planted: ci((r) => r.planted[which].planted),
    other: ci((r) => r.planted[which].other),
    ranks: runs.map((r) => r.planted[which].ranks),
  });
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
      const { lossMatrix: _m, lossSingles: _s, exactMatrix: _e, exactShapley: _p, ...rest } = m;
      return [k, rest];
    }));
    return { seed: r.seed, coreSize: r.coreSize, softenT: r.softenT, softenValLoss: r.softenValLoss, antiValLoss: r.antiValLoss, planted: r.planted, tying: tie, measured };
  });
  return {
    coreSize: ci((r) => r.coreSize),
    softenT: ci((r) => r.softenT),
    summary,
    paired,
    planted: { exact: plantedOf("exact"), library: plantedOf("library"), spearman: ci((r) => r.planted.spearman) },
    tying,
    perSeed,
  };
}
