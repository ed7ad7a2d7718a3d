/**
 * The randomization study's summary: the headline (Spearman of each method's single-unit ranking with the exact
 * reference Shapley values, part 1), the other ground-truth statistics and part 2's antitraining outcomes as
 * summaries of their own (each arm paired per seed against the gaussian reference), and the verdict that says under
 * which statistic its answer holds and where it flips.
 */
import { type SeedScores, interval, reliableComparisons, summarizeScores, verdictFromSummary } from "../summary";
import type { Answer, StudySummary, Verdict } from "../study";
import type { MethodScore } from "./ground-truth";
import type { RandomizationSeed } from "./run-seed";
import type { RandomizationSettings } from "./settings";
import { type RandomizationTables, randomizationTables } from "./tables";

/** The arm every other is paired against: the notes' gaussian randomization. */
export const RANDOMIZATION_REFERENCE = "gaussian";

/** The study's question, as its verdict states it. */
export const RANDOMIZATION_QUESTION =
  "Does the notes' gaussian randomization rank a layer's units closer to their ground truth (exact Shapley values of a small layer by enumeration, and planted units of known content) than resample ablation (causal scrubbing), mean and zero ablation?";

const CLAIM = "gaussian randomization's single-unit ranking recovers the ground truth best";

/** One statistic of the study over seeds: its key, what it is, and its summary (arms paired against gaussian). */
export interface RandomizationStatistic {
  readonly key: string;
  readonly label: string;
  /** Part 1 ground-truth statistics count toward the verdict; part 2's and the own-function one are reported beside it. */
  readonly part: "ground truth" | "beside" | "antitraining";
  readonly summary: StudySummary;
}

/** What the summary's `details` hold. */
export interface RandomizationDetails {
  readonly tables: RandomizationTables;
  /** The headline first, then the other statistics. */
  readonly statistics: readonly RandomizationStatistic[];
}

/** Part 1 statistics: [key, label, part] of {@link MethodScore} fields. */
const PART1: readonly [keyof MethodScore, string, RandomizationStatistic["part"]][] = [
  ["rhoReference", "Spearman with exact reference Shapley values (loss)", "ground truth"],
  ["rhoReferenceAccuracy", "Spearman with exact reference Shapley values (accuracy)", "ground truth"],
  ["topK", "top-3 overlap with the reference Shapley values", "ground truth"],
  ["planted", "planted recovery (no-content units ranked below content units)", "ground truth"],
  ["rhoOwn", "Spearman with the method's own exact Shapley values (loss)", "beside"],
];

/**
 * Every statistic's summary, from the seeds.
 *
 * @example
 * const stats = randomizationStatistics(settings, run.results);
 */
export function randomizationStatistics(s: RandomizationSettings, results: readonly RandomizationSeed[]): RandomizationStatistic[] {
  const methods = s.methods;
  const part1 = PART1.map(([key, label, part]): RandomizationStatistic => {
    const perSeed = results.map((r): SeedScores => Object.fromEntries(r.groundTruth.methods.map((m) => [m.method, m[key] as number])));
    return { key, label, part, summary: summarizeScores(perSeed, { metric: label, better: "higher", reference: RANDOMIZATION_REFERENCE, arms: methods, digits: 3 }) };
  });
  const arms = ["plain", ...methods];
  const branch = (f: (b: RandomizationSeed["branches"][number]) => number) => results.map((r): SeedScores => Object.fromEntries(r.branches.map((b) => [b.variant, f(b)])));
  const part2: RandomizationStatistic[] = [
    { key: "core95", label: `95% core of h1 after antitraining (units of ${s.hidden}, resample yardstick)`, part: "antitraining", summary: summarizeScores(branch((b) => b.core95Resample), { metric: `95% core of h1 after training (units of ${s.hidden}, resample yardstick)`, better: "lower", reference: RANDOMIZATION_REFERENCE, arms, digits: 1 }) },
    { key: "testAcc", label: "test accuracy after antitraining", part: "antitraining", summary: summarizeScores(branch((b) => b.testAcc), { metric: "test accuracy after training", better: "higher", reference: RANDOMIZATION_REFERENCE, arms, digits: 3 }) },
    { key: "testLoss", label: "test loss after antitraining", part: "antitraining", summary: summarizeScores(branch((b) => b.testLoss), { metric: "test cross-entropy after training", better: "lower", reference: RANDOMIZATION_REFERENCE, arms, digits: 3 }) },
  ];
  return [...part1, ...part2];
}

/**
 * The study's summary: the headline statistic's, with every statistic and the tables in `details`.
 *
 * @example
 * const summary = summarizeRandomization(settings, run.results);
 */
export function summarizeRandomization(s: RandomizationSettings, results: readonly RandomizationSeed[]): StudySummary {
  const statistics = randomizationStatistics(s, results);
  const details: RandomizationDetails = { tables: randomizationTables(results, s.methods), statistics };
  return { ...statistics[0].summary, details };
}

const names = (ps: readonly { arm: string }[]) => ps.map((p) => p.arm).join(", ");

function sides(summary: StudySummary): string {
  const { better, worse } = reliableComparisons(summary);
  const parts = [better.length > 0 ? `${names(better)} better than gaussian` : "", worse.length > 0 ? `${names(worse)} worse` : ""].filter((x) => x !== "");
  return parts.length === 0 ? "no interval excludes zero" : `${parts.join(", ")} (95% paired intervals)`;
}

/** The best arm of a summary by its mean, as "arm mean [CI]". */
function best(summary: StudySummary): string {
  const sign = summary.better === "lower" ? 1 : -1;
  const a = [...summary.arms].filter((x) => Number.isFinite(x.mean)).sort((x, y) => sign * (x.mean - y.mean))[0];
  return a === undefined ? "none" : `${a.arm} ${interval(a, summary.metric.startsWith("95% core") ? 1 : 3)}`;
}

/**
 * The verdict: the headline's answer (verdictFromSummary on the reference Shapley Spearman), the other ground-truth
 * statistics each judged the same way with the ones whose answer differs named (where it flips), and part 2's
 * antitraining outcome beside it.
 *
 * @example
 * const v = randomizationVerdict(run.summary);
 */
export function randomizationVerdict(summary: StudySummary): Verdict {
  const head = verdictFromSummary(summary, { question: RANDOMIZATION_QUESTION, claim: CLAIM, digits: 3 });
  const d = summary.details as RandomizationDetails | undefined;
  if (d === undefined) return head;
  const truth = d.statistics.filter((x) => x.part === "ground truth").slice(1);
  const answers = truth.map((x) => ({ x, answer: verdictFromSummary(x.summary, { question: RANDOMIZATION_QUESTION, claim: CLAIM }).answer as Answer }));
  const flips = answers.filter((a) => a.answer !== head.answer);
  const holds = answers.filter((a) => a.answer === head.answer);
  const flipText =
    flips.length === 0
      ? ` The answer holds under each ground-truth statistic (${truth.map((x) => x.label).join("; ")}).`
      : ` It flips under ${flips.map((f) => `${f.x.label} (${f.answer}: ${sides(f.x.summary)})`).join("; ")}${holds.length > 0 ? `; it holds under ${holds.map((h) => h.x.label).join("; ")}` : ""}.`;
  const core = d.statistics.find((x) => x.key === "core95");
  const acc = d.statistics.find((x) => x.key === "testAcc");
  const antiText =
    core === undefined || acc === undefined ? "" : ` Antitraining (part 2, beside the verdict): smallest 95% core ${best(core.summary)}, ${sides(core.summary)}; test accuracy: ${sides(acc.summary)}.`;
  const numbers = [
    ...head.numbers,
    ...truth.map((x) => `${x.label}: best ${best(x.summary)}; ${sides(x.summary)}`),
    ...(core === undefined ? [] : [`95% core after antitraining: best ${best(core.summary)}; ${sides(core.summary)}`]),
  ];
  return { ...head, sentence: `${head.sentence}${flipText}${antiText}`, numbers };
}
