/**
 * The compression study's summary in the one shape of every study: the headline per seed and arm is the fewest
 * units whose fine-tuned validation accuracy is within `tolerance` of the dense model's, paired against
 * antitraining; the study's own table (`summarizeArms`: units, test numbers at that size, the fixed-width
 * comparison, the 95% core before pruning) and its one-line headline go in `details`.
 */
import { AntitrainError } from "../../base/errors";
import { type ArmSummary, type StudySeed, summarizeArms } from "../compression-study";
import type { StudySummary } from "../study";
import { summarizeScores } from "../summary";
import { type RobustVerdict, robustStatistics, robustVerdicts } from "./robust";
import { type CompressionSettings, compressionWidth } from "./settings";

/** What a compression study's summary keeps in `details`. */
export interface CompressionDetails {
  /** One row per arm, in the seeds' curve order (the results files' `summary`). */
  readonly summary: ArmSummary[];
  /** The arm with the fewest units, against antitraining (the results files' `headline`). */
  readonly headline: string;
  /** The pruned site's full width (an arm with no width within tolerance counts as this many units). */
  readonly width: number;
  readonly refK: number;
  /** The headline question under every robust statistic (units within 1 and 2 points, area under the curve, fixed widths). */
  readonly robust?: RobustVerdict[];
  /**
   * With several antitraining variants (notebook 16): the best variant ({@link bestVariantAndReference}) against the
   * arms that are not antitraining, under every robust statistic — the pairing 16's verdict is about.
   */
  readonly robustBest?: RobustVerdict[];
}

/**
 * The summary of a compression study's seeds: per arm the fewest units within tolerance (mean, interval, median,
 * quartiles), each arm minus antitraining paired per seed, and {@link CompressionDetails}.
 *
 * @example
 * const summary = summarizeCompressionStudy(settings, results);
 * summary.paired.find((p) => p.arm === "network slimming");   // units: slimming − antitrain, per seed
 */
export function summarizeCompressionStudy(settings: CompressionSettings, results: readonly StudySeed[]): StudySummary {
  if (results.length === 0) throw new AntitrainError("summarizeCompressionStudy needs at least one seed's results");
  const width = compressionWidth(settings);
  const { summary, headline } = summarizeArms(results, { width, tolerance: settings.tolerance, refK: settings.refK, noun: "units" });
  const scores = scoresBySeed(summary);
  const hasAntitrain = results[0].curves.some((c) => c.arm === "antitrain");
  const robust = hasAntitrain ? robustVerdicts(robustStatistics(results, { width, tolerance: settings.tolerance })) : undefined;
  const variants = summary.filter((a) => a.arm.startsWith("antitrain"));
  let robustBest: RobustVerdict[] | undefined;
  if (variants.length > 1 && variants.length < summary.length) {
    const best = bestVariantAndReference(summary).bestVariant.arm;
    const arms = summary.map((a) => a.arm).filter((a) => a === best || !a.startsWith("antitrain"));
    robustBest = robustVerdicts(robustStatistics(results, { width, tolerance: settings.tolerance, reference: best, arms }));
  }
  const details: CompressionDetails = {
    summary,
    headline,
    width,
    refK: settings.refK,
    ...(robust === undefined ? {} : { robust }),
    ...(robustBest === undefined ? {} : { robustBest }),
  };
  return summarizeScores(scores, {
    metric: `fewest units of ${width} in ${settings.site} within ${+(100 * settings.tolerance).toFixed(6)} point of the dense validation accuracy`,
    better: "lower",
    reference: "antitrain",
    arms: summary.map((a) => a.arm),
    digits: 1,
    details,
  });
}

/**
 * The headline per seed, one `{ arm: units }` record a seed, from the arms' rows (their `perSeed`, in seed order):
 * what `summarizeScores` pairs.
 *
 * @example
 * summarizeScores(scoresBySeed(compressionDetails(run.summary).summary), { metric: "units", better: "lower", reference: "antitrain" });
 */
export function scoresBySeed(arms: readonly ArmSummary[]): Record<string, number>[] {
  const seeds = arms[0]?.perSeed.length ?? 0;
  return Array.from({ length: seeds }, (_, i) => Object.fromEntries(arms.map((a) => [a.arm, a.perSeed[i]])));
}

/**
 * The compression study's own tables from a summary {@link summarizeCompressionStudy} made.
 *
 * @example
 * const { summary, headline } = compressionDetails(run.summary);
 */
export function compressionDetails(summary: StudySummary): CompressionDetails {
  const d = summary.details as Partial<CompressionDetails> | undefined;
  if (d === undefined || !Array.isArray(d.summary) || typeof d.headline !== "string") {
    throw new AntitrainError("this summary has no compression details: pass the summary of a compression study (run.summary)");
  }
  return d as CompressionDetails;
}

/**
 * The best antitraining variant (arms whose name starts with "antitrain") and the best other arm, by mean units
 * within tolerance (the first in table order on a tie): notebook 16's comparison.
 *
 * @example
 * const { bestVariant, bestReference } = bestVariantAndReference(compressionDetails(run.summary).summary);
 */
export function bestVariantAndReference(summary: readonly ArmSummary[]): { bestVariant: ArmSummary; bestReference: ArmSummary } {
  const variants = summary.filter((s) => s.arm.startsWith("antitrain"));
  const others = summary.filter((s) => !s.arm.startsWith("antitrain"));
  if (variants.length === 0 || others.length === 0) throw new AntitrainError("bestVariantAndReference needs an antitraining arm and another arm in the summary");
  const byUnits = (a: ArmSummary, b: ArmSummary) => a.units.mean - b.units.mean;
  return { bestVariant: [...variants].sort(byUnits)[0], bestReference: [...others].sort(byUnits)[0] };
}
