/**
 * The compression studies' headline under every fair statistic (issue "evidence II"): the fewest units within 1
 * point of the dense validation accuracy is capped at the width, moves in steps of the width grid and sits near the
 * noise of a small validation split, so a verdict read from it alone is fragile. Each statistic here is computed
 * from the seeds' stored curves (no re-run), summarized per arm with mean, median and quartiles, and paired per
 * seed against antitraining (t interval and Wilcoxon p):
 *
 * - units within 1 and within 2 points of the dense validation accuracy (lower is better), and within 1 point of the
 *   dense validation accuracy averaged over the seeds (a steadier reference than one seed's dense model);
 * - the normalized area under the test-accuracy-vs-units curve: the mean, over the widths every arm was measured at
 *   (log-spaced, trapezoids in log2 width), of the fine-tuned test accuracy divided by the dense model's (higher is better);
 * - the fine-tuned test accuracy at each fixed width every arm was measured at (higher is better).
 *
 * `chosenWidthGaps` prints beside them what the headline's chosen width costs on the test split: per arm the fine-tuned
 * test accuracy at the chosen width minus the seed's dense test accuracy.
 *
 * `robustVerdicts` then states, statistic by statistic, which arms are reliably better or worse than antitraining,
 * so a report can say whether the headline's answer holds under each, or where it flips.
 */
import { AntitrainError } from "../../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { meanCI } from "../../base/statistics";
import { type StudyCurve, type StudySeed, fewestUnits } from "../compression-study";
import type { Answer, StudySummary } from "../study";
import { reliableComparisons, summarizeScores, verdictFromSummary } from "../summary";

/** One statistic's summary over the seeds, paired against antitraining. */
export interface RobustStatistic {
  /** Short name, e.g. "units within 2 points", "area under test accuracy vs units", "test accuracy at 16 units". */
  readonly name: string;
  readonly summary: StudySummary;
}

/** The widths every arm's curve was measured at, on every seed (the small networks from scratch have their own grid). */
export function commonWidths(results: readonly StudySeed[]): number[] {
  if (results.length === 0) throw new AntitrainError("commonWidths needs at least one seed's results");
  const sets = results.flatMap((r) => r.curves.map((c) => new Set(c.points.map((p) => p.k))));
  return [...sets[0]].filter((k) => sets.every((s) => s.has(k))).sort((a, b) => a - b);
}

/** Refuses a tolerance outside [0, 1), naming `who`. */
function requireTolerance(tolerance: unknown, who: string): void {
  if (!(typeof tolerance === "number" && tolerance >= 0 && tolerance < 1)) {
    throw new AntitrainError(`${who}' tolerance must be in [0, 1), e.g. 0.01 for 1 point, got ${tolerance}`);
  }
}

/** A curve's fine-tuned test accuracy at `k` units. */
function accuracyAt(curve: StudyCurve, k: number): number {
  const p = curve.points.find((q) => q.k === k);
  if (p === undefined) throw new AntitrainError(`${curve.arm} has no point at ${k} units (its widths: ${curve.points.map((q) => q.k).join(", ")})`);
  return p.testAfter;
}

/**
 * The normalized area under a curve's fine-tuned test accuracy against units, over `widths` (trapezoids in log2
 * width, divided by the span, then by the dense test accuracy): 1 means the dense accuracy at every width.
 *
 * @example
 * normalizedArea(curve, [4, 8, 16], 0.98);   // e.g. 0.93
 */
export function normalizedArea(curve: StudyCurve, widths: readonly number[], denseTest: number): number {
  if (widths.length < 2) throw new AntitrainError(`normalizedArea needs at least two widths, got ${JSON.stringify(widths)}`);
  const acc = widths.map((k) => accuracyAt(curve, k));
  let area = 0;
  for (let i = 1; i < widths.length; i++) area += ((acc[i - 1] + acc[i]) / 2) * (Math.log2(widths[i]) - Math.log2(widths[i - 1]));
  return area / (Math.log2(widths[widths.length - 1]) - Math.log2(widths[0])) / denseTest;
}

/**
 * Every robust statistic of a compression study's seeds (see the module comment); `fixedWidths` are the widths to
 * compare accuracy at (default: those of 8, 12, 16, 24, 32 every arm was measured at). Paired against `reference`
 * (default "antitrain") over `arms` (default every arm; 16 pairs its best variant against the baselines alone).
 *
 * @example
 * const stats = robustStatistics(run.results, { width: 128, tolerance: 0.01 });
 * stats.map((s) => s.summary.headline);
 */
export function robustStatistics(
  results: readonly StudySeed[],
  options: { width: number; tolerance: number; fixedWidths?: readonly number[]; reference?: string; arms?: readonly string[] },
): RobustStatistic[] {
  requireKnownKeys(options, ["width", "tolerance", "fixedWidths", "reference", "arms"], "robustStatistics");
  requirePositiveInt(options.width, "robustStatistics' width (the pruned site's units)");
  requireTolerance(options.tolerance, "robustStatistics");
  const widths = commonWidths(results);
  const fixed = (options.fixedWidths ?? [8, 12, 16, 24, 32]).filter((k) => widths.includes(k));
  const all = results[0].curves.map((c) => c.arm);
  const reference = options.reference ?? "antitrain";
  const arms = options.arms === undefined ? all : [...options.arms];
  for (const a of [reference, ...arms]) {
    if (!all.includes(a)) throw new AntitrainError(`robustStatistics: no arm "${a}" in these results (the arms are ${all.join(", ")})`);
  }
  if (!arms.includes(reference)) arms.unshift(reference);
  const perSeed = (score: (c: StudyCurve, r: StudySeed) => number) =>
    results.map((r) => Object.fromEntries(r.curves.filter((c) => arms.includes(c.arm)).map((c) => [c.arm, score(c, r)])));
  const summary = (name: string, better: "lower" | "higher", score: (c: StudyCurve, r: StudySeed) => number, digits: number): RobustStatistic => ({
    name,
    summary: summarizeScores(perSeed(score), { metric: name, better, reference, arms, digits }),
  });
  const points = (t: number) => +(100 * t).toFixed(6);
  const pointsText = (t: number) => `${points(t)} point${points(t) === 1 ? "" : "s"}`;
  const tolerances = [options.tolerance, 2 * options.tolerance];
  const meanDenseVal = meanCI(results.map((r) => r.denseVal)).mean;
  return [
    ...tolerances.map((t) =>
      summary(`units within ${pointsText(t)} of the dense validation accuracy`, "lower", (c, r) => fewestUnits(c.points, r.denseVal, t, options.width), 1),
    ),
    summary(
      `units within ${pointsText(options.tolerance)} of the dense validation accuracy averaged over seeds`,
      "lower",
      (c) => fewestUnits(c.points, meanDenseVal, options.tolerance, options.width),
      1,
    ),
    // The area needs two widths every arm was measured at (a tiny setting may have one).
    ...(widths.length < 2
      ? []
      : [summary(`area under test accuracy vs units (${widths[0]}–${widths[widths.length - 1]}, share of dense)`, "higher", (c, r) => normalizedArea(c, widths, r.denseTest), 3)]),
    ...fixed.map((k) => summary(`test accuracy at ${k} units`, "higher", (c) => accuracyAt(c, k), 3)),
  ];
}

/** One arm's test-split cost at the width the headline chose on validation (see {@link chosenWidthGaps}). */
export interface ChosenWidthGap {
  readonly arm: string;
  /** Seeds on which some measured width came within tolerance on validation (the others have no chosen width). */
  readonly reached: number;
  readonly seeds: number;
  /** Mean chosen width over the seeds that reached it. */
  readonly width: number;
  /** Fine-tuned test accuracy at the chosen width minus the seed's dense test accuracy: mean and 95% t interval over the seeds that reached it. */
  readonly gap: { readonly mean: number; readonly low: number; readonly high: number; readonly n: number };
  /** Of the seeds that reached a width, those whose test accuracy there is also within tolerance of the dense test accuracy. */
  readonly withinOnTest: number;
}

/**
 * What the headline's chosen width costs on the test split, per arm: at the fewest units within `tolerance` of the
 * dense validation accuracy, the fine-tuned test accuracy minus the dense model's test accuracy (seeds where no
 * measured width came within tolerance are counted in `reached`, not in the gap). A selection on a small
 * validation split can look within 1 point there and not on the test split; this says how often.
 *
 * @example
 * chosenWidthGaps(run.results, { tolerance: 0.01 }).map((g) => `${g.arm}: ${g.gap.mean.toFixed(3)} at ${g.width} units`);
 */
export function chosenWidthGaps(results: readonly StudySeed[], options: { tolerance: number }): ChosenWidthGap[] {
  requireKnownKeys(options, ["tolerance"], "chosenWidthGaps");
  requireTolerance(options.tolerance, "chosenWidthGaps");
  if (results.length === 0) throw new AntitrainError("chosenWidthGaps needs at least one seed's results");
  return results[0].curves.map(({ arm }) => {
    const chosen = results.flatMap((r) => {
      const curve = r.curves.find((c) => c.arm === arm);
      if (curve === undefined) throw new AntitrainError(`seed ${r.seed} has no curve for ${arm}`);
      // The headline's own choice (fewestUnits); no measured width reaches the tolerance when it returns the cap.
      const k = fewestUnits(curve.points, r.denseVal, options.tolerance, Number.POSITIVE_INFINITY);
      const p = curve.points.find((q) => q.k === k);
      return p === undefined ? [] : [{ k, gap: p.testAfter - r.denseTest }];
    });
    const gap = meanCI(chosen.map((c) => c.gap));
    return {
      arm,
      reached: chosen.length,
      seeds: results.length,
      width: meanCI(chosen.map((c) => c.k)).mean,
      gap: { mean: gap.mean, low: gap.low, high: gap.high, n: gap.n },
      withinOnTest: chosen.filter((c) => c.gap >= -options.tolerance).length,
    };
  });
}

/** Under one statistic: antitraining's answer on the fixed scale, and the arms reliably better and worse than it. */
export interface RobustVerdict {
  readonly statistic: string;
  readonly answer: Answer;
  /** Arms whose paired 95% interval shows them better than antitraining. */
  readonly better: string[];
  /** Arms whose paired 95% interval shows them worse. */
  readonly worse: string[];
}

/**
 * The headline question's answer under each robust statistic ("does antitraining beat every other arm?").
 *
 * @example
 * robustVerdicts(robustStatistics(run.results, { width: 128, tolerance: 0.01 }))
 *   .map((v) => `${v.statistic}: ${v.answer}`);
 */
export function robustVerdicts(stats: readonly RobustStatistic[]): RobustVerdict[] {
  return stats.map(({ name, summary }) => {
    const v = verdictFromSummary(summary, { question: name, claim: "antitraining beats every other arm" });
    const { better, worse } = reliableComparisons(summary);
    return { statistic: name, answer: v.answer, better: better.map((p) => p.arm), worse: worse.map((p) => p.arm) };
  });
}

/**
 * One line for a verdict: the headline's `answer` under every robust statistic, or where it flips.
 *
 * @example
 * robustLine("not supported", verdicts);   // "Robust check: not supported under every statistic (…)"
 */
export function robustLine(answer: Answer, verdicts: readonly RobustVerdict[]): string {
  const flips = verdicts.filter((v) => v.answer !== answer);
  const names = (vs: readonly RobustVerdict[]) => vs.map((v) => v.statistic).join("; ");
  if (flips.length === 0) return `Robust check: ${answer} under every statistic (${names(verdicts)})`;
  const byAnswer = new Map<Answer, RobustVerdict[]>();
  for (const v of flips) byAnswer.set(v.answer, [...(byAnswer.get(v.answer) ?? []), v]);
  const same = verdicts.filter((v) => v.answer === answer);
  const flipText = [...byAnswer].map(([a, vs]) => `${a} under ${names(vs)}`).join("; ");
  return `Robust check: ${answer} under ${same.length > 0 ? names(same) : "none of the other statistics"}; it flips to ${flipText}`;
}
