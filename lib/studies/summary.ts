/**
 * The one summary shape of every study, built from per-seed scores: per arm the mean with a 95% t interval, the
 * median and quartiles; per arm against the reference the paired per-seed difference (t interval, median, wins and
 * losses, the Wilcoxon signed-rank p-value), and the verdict on the fixed scale of {@link Verdict}.
 */
import wilcoxon from "@stdlib/stats-wilcoxon";
import { AntitrainError } from "../base/errors";
import { meanCI } from "../base/statistics";
import { requireKnownKeys } from "../base/validate";
import type { Answer, ArmStatistic, PairedDifference, StudySummary, Verdict } from "./study";

/** One seed's headline metric per arm (an arm missing on a seed is left out of that seed's pairs). */
export type SeedScores = Readonly<Record<string, number>>;

/** What {@link summarizeScores} needs besides the scores. */
export interface ScoreSummaryOptions {
  /** What the metric is, e.g. "units within 1 point of the dense validation accuracy". */
  readonly metric: string;
  readonly better: "lower" | "higher";
  /** The arm every other is paired against. */
  readonly reference: string;
  /** Arms in table order (default: the order they first appear in). */
  readonly arms?: readonly string[];
  /** Digits the headline prints (default 3). */
  readonly digits?: number;
  readonly details?: unknown;
}

/** Quantile `q` of sorted values, linear interpolation between order statistics (R's type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function armStatistic(arm: string, values: readonly number[]): ArmStatistic {
  const ci = meanCI(values);
  const sorted = [...values].sort((a, b) => a - b);
  return { arm, n: ci.n, mean: ci.mean, low: ci.low, high: ci.high, median: quantile(sorted, 0.5), q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75) };
}

/** Two-sided Wilcoxon signed-rank p-value of paired differences (zeros dropped); 1 when fewer than two differ. */
export function signedRankP(differences: readonly number[]): number {
  const nonzero = differences.filter((d) => d !== 0);
  if (nonzero.length < 2) return 1;
  // The exact two-sided p doubles the smaller tail, which includes the centre: at W+ = W− it passes 1 (e.g. 1.25 for
  // −1, −2, +3), so it is capped.
  return Math.min(1, wilcoxon(nonzero).pValue);
}

function pairedDifference(arm: string, reference: string, pairs: readonly [number, number][], better: "lower" | "higher"): PairedDifference {
  const d = pairs.map(([a, r]) => a - r);
  const ci = meanCI(d);
  const sorted = [...d].sort((a, b) => a - b);
  const sign = better === "lower" ? -1 : 1;
  return {
    arm,
    reference,
    n: ci.n,
    mean: ci.mean,
    low: ci.low,
    high: ci.high,
    median: quantile(sorted, 0.5),
    wins: d.filter((x) => sign * x > 0).length,
    losses: d.filter((x) => sign * x < 0).length,
    ties: d.filter((x) => x === 0).length,
    wilcoxonP: signedRankP(d),
  };
}

/**
 * The summary of a study from one {@link SeedScores} per seed.
 *
 * @example
 * const summary = summarizeScores([{ antitrain: 30, plain: 40 }, { antitrain: 28, plain: 44 }],
 *   { metric: "units needed", better: "lower", reference: "antitrain" });
 * summary.paired[0];   // plain − antitrain: mean 13, …
 */
export function summarizeScores(perSeed: readonly SeedScores[], options: ScoreSummaryOptions): StudySummary {
  requireKnownKeys(options, ["metric", "better", "reference", "arms", "digits", "details"], "summarizeScores");
  if (options.better !== "lower" && options.better !== "higher") throw new AntitrainError(`summarizeScores: better must be "lower" or "higher", got ${JSON.stringify(options.better)}`);
  if (perSeed.length === 0) throw new AntitrainError("summarizeScores needs at least one seed's scores");
  const arms = options.arms ?? [...new Set(perSeed.flatMap((s) => Object.keys(s)))];
  if (!arms.includes(options.reference)) throw new AntitrainError(`the reference arm "${options.reference}" is not among the arms: ${arms.join(", ")}`);
  const values = (arm: string) => perSeed.map((s) => s[arm]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const armStats = arms.map((arm) => armStatistic(arm, values(arm)));
  const paired = arms
    .filter((arm) => arm !== options.reference)
    .map((arm) => {
      const pairs = perSeed.flatMap((s): [number, number][] => (Number.isFinite(s[arm]) && Number.isFinite(s[options.reference]) ? [[s[arm], s[options.reference]]] : []));
      return pairedDifference(arm, options.reference, pairs, options.better);
    });
  const digits = options.digits ?? 3;
  const ref = armStats.find((a) => a.arm === options.reference) as ArmStatistic;
  const best = bestOther(armStats, options.reference, options.better);
  const pair = best === undefined ? undefined : paired.find((p) => p.arm === best.arm);
  const headline =
    `${options.metric}: ${options.reference} ${interval(ref, digits)}` +
    (best === undefined || pair === undefined ? "" : `; best other arm ${best.arm} ${interval(best, digits)}, paired difference ${interval(pair, digits)}`) +
    ` (${perSeed.length} seed${perSeed.length === 1 ? "" : "s"}, mean [95% CI])`;
  return {
    metric: options.metric,
    better: options.better,
    reference: options.reference,
    seeds: perSeed.length,
    arms: armStats,
    paired,
    headline,
    ...(options.details === undefined ? {} : { details: options.details }),
  };
}

function bestOther(arms: readonly ArmStatistic[], reference: string, better: "lower" | "higher"): ArmStatistic | undefined {
  const others = arms.filter((a) => a.arm !== reference && Number.isFinite(a.mean));
  const sign = better === "lower" ? 1 : -1;
  return others.sort((a, b) => sign * (a.mean - b.mean))[0];
}

/** A mean with its 95% interval, as every report prints it (`n` is the number of seeds, when known). */
export interface IntervalText {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly n?: number;
}

/** What a single measurement prints in place of an interval: one value has no spread to estimate. */
export const ONE_SEED = "one seed, no interval";

/** `x` to `digits` places, never "-0.000": a value that rounds to zero prints as zero. */
function fixed(x: number, digits: number): string {
  return (Object.is(Number(x.toFixed(digits)), -0) ? 0 : x).toFixed(digits);
}

/** `x` to `digits` places with its sign, "+0.012" or "−0.003" (a minus sign, U+2212); a rounded zero is "+0.000". */
function signedFixed(x: number, digits: number): string {
  const text = fixed(x, digits);
  return text.startsWith("-") ? `−${text.slice(1)}` : Number.isNaN(x) ? text : `+${text}`;
}

const oneSeed = (i: IntervalText) => i.n !== undefined && i.n < 2;

/**
 * "12.3 [10.1, 14.5]": the mean and its 95% interval to `digits` places; a single measurement has no interval,
 * "12.3 (one seed, no interval)", and a value that rounds to zero prints without a sign.
 *
 * @example
 * st.interval(at.meanCI([0.91, 0.93, 0.92]));   // "0.920 [0.895, 0.945]"
 * st.interval(at.meanCI([41]), 1);              // "41.0 (one seed, no interval)"
 */
export function interval(i: IntervalText, digits = 3): string {
  if (oneSeed(i)) return `${fixed(i.mean, digits)} (${ONE_SEED})`;
  return `${fixed(i.mean, digits)} [${fixed(i.low, digits)}, ${fixed(i.high, digits)}]`;
}

/**
 * `x` with its sign to `digits` places, the minus as "−" ("+0.012", "−0.003"; a rounded zero "+0.000").
 *
 * @example
 * signedNumber(-1, 1);   // "−1.0"
 */
export function signedNumber(x: number, digits = 3): string {
  const t = Math.abs(x).toFixed(digits);
  return x < 0 && Number(t) !== 0 ? `−${t}` : `+${t}`;
}

/**
 * A difference with its interval, every number signed: "+0.012 [−0.003, +0.027]"; one seed prints
 * "+0.012 (one seed, no interval)".
 *
 * @example
 * st.signedInterval(at.meanCI([0.01, 0.02]));   // "+0.015 [−0.049, +0.079]"
 */
export function signedInterval(i: IntervalText, digits = 3): string {
  if (oneSeed(i)) return `${signedFixed(i.mean, digits)} (${ONE_SEED})`;
  return `${signedFixed(i.mean, digits)} [${signedFixed(i.low, digits)}, ${signedFixed(i.high, digits)}]`;
}

/**
 * The compact form, "0.920 ±0.025" (the mean and the half-width of its 95% interval), with `unit` after each number;
 * one seed prints "0.920 (one seed, no interval)".
 *
 * @example
 * st.plusMinus(at.meanCI([0.91, 0.93, 0.92]));   // "0.920 ±0.025"
 */
export function plusMinus(i: IntervalText, digits = 3, unit = ""): string {
  if (oneSeed(i)) return `${fixed(i.mean, digits)}${unit} (${ONE_SEED})`;
  return `${fixed(i.mean, digits)}${unit} ±${fixed(i.high - i.mean, digits)}${unit}`;
}

/**
 * The interval alone, "[10.1, 14.5]", for a table column beside the mean; one seed prints "one seed, no interval".
 *
 * @example
 * st.intervalBounds(at.meanCI([10, 12]), 1);   // "[-1.7, 23.7]"
 */
export function intervalBounds(i: IntervalText, digits = 3): string {
  return oneSeed(i) ? ONE_SEED : `[${fixed(i.low, digits)}, ${fixed(i.high, digits)}]`;
}

/**
 * The compared arms whose paired 95% interval (two or more seeds) shows them reliably better, or reliably worse, than
 * the summary's reference arm, on the side of `summary.better`.
 *
 * @example
 * reliableComparisons(summary).better.map((p) => p.arm);   // e.g. ["group lasso", "network slimming"]
 */
export function reliableComparisons(summary: StudySummary, compared: readonly PairedDifference[] = summary.paired): { better: PairedDifference[]; worse: PairedDifference[] } {
  const lower = summary.better === "lower";
  return {
    better: compared.filter((p) => p.n > 1 && (lower ? p.high < 0 : p.low > 0)),
    worse: compared.filter((p) => p.n > 1 && (lower ? p.low > 0 : p.high < 0)),
  };
}

/**
 * The verdict from a summary's paired differences: is the reference arm reliably better (95% interval of the paired
 * difference excluding zero on the side of `better`) than every other arm in `against` (default: all)?
 *
 * @example
 * const v = verdictFromSummary(summary, { question: "Does antitraining need fewer units?", claim: "antitraining needs fewer units" });
 */
export function verdictFromSummary(summary: StudySummary, options: { question: string; claim: string; against?: readonly string[]; digits?: number }): Verdict {
  requireKnownKeys(options, ["question", "claim", "against", "digits"], "verdictFromSummary");
  const digits = options.digits ?? 3;
  const compared = summary.paired.filter((p) => options.against === undefined || options.against.includes(p.arm));
  const sign = summary.better === "lower" ? 1 : -1;
  // The reference is better than the arms reliably worse than it, and worse than those reliably better.
  const { worse: refBetter, better: refWorse } = reliableComparisons(summary, compared);
  let answer: Answer;
  if (compared.length > 0 && refBetter.length === compared.length) answer = "supported";
  else if (refWorse.length > 0 && refBetter.length > 0) answer = "mixed";
  else if (refWorse.length > 0) answer = "not supported";
  else answer = "inconclusive";
  const ref = summary.arms.find((a) => a.arm === summary.reference) as ArmStatistic;
  const strongest = [...compared].sort((a, b) => sign * (a.mean - b.mean))[0];
  const numbers = [
    ref.n < 2 ? `${summary.reference}: ${interval(ref, digits)}` : `${summary.reference}: ${interval(ref, digits)} (median ${ref.median.toFixed(digits)})`,
    ...compared
      .slice()
      .sort((a, b) => sign * (a.mean - b.mean))
      .slice(0, 3)
      .map((p) => `${p.arm} − ${p.reference}: ${interval(p, digits)}, ${p.wins}/${p.n} seeds better, Wilcoxon p = ${p.wilcoxonP.toPrecision(2)}`),
  ];
  const strongestText = strongest === undefined ? "" : `; strongest comparison ${strongest.arm} − ${strongest.reference} = ${interval(strongest, digits)} over ${strongest.n} seed${strongest.n === 1 ? "" : "s"}`;
  const fewSeeds = compared.every((p) => p.n < 2);
  const what: Record<Answer, string> = {
    supported: `Supported: ${options.claim} — the 95% interval of every paired difference on ${summary.metric} excludes zero in its favour${strongestText}`,
    "not supported": `Not supported: ${refWorse.map((p) => p.arm).join(", ")} ${refWorse.length === 1 ? "is" : "are"} reliably better than ${summary.reference} on ${summary.metric}, so it is not true that ${options.claim}${strongestText}`,
    mixed: `Mixed: ${summary.reference} is reliably better than ${refBetter.map((p) => p.arm).join(", ")} but reliably worse than ${refWorse.map((p) => p.arm).join(", ")} on ${summary.metric}${strongestText}`,
    inconclusive: fewSeeds
      ? `Inconclusive: one seed cannot show whether ${options.claim} (paired intervals need two or more seeds)${strongestText}`
      : refBetter.length > 0
        ? `Inconclusive: ${summary.reference} is reliably better than ${refBetter.map((p) => p.arm).join(", ")} on ${summary.metric}, but not than ${compared.filter((p) => !refBetter.includes(p)).map((p) => p.arm).join(", ")} (intervals include zero), so the seeds neither show nor refute that ${options.claim}${strongestText}`
        : `Inconclusive: no paired difference on ${summary.metric} excludes zero, so the seeds neither show nor refute that ${options.claim}${strongestText}`,
  };
  return { question: options.question, answer, sentence: `${what[answer]}.`, numbers };
}
