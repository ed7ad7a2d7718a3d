/**
 * Notebook 08 as a Study: does antitraining with the core measured on held-out data (the notes' idea 1) reach a higher
 * test accuracy than plain training, than antitraining with the core measured on the training data, and than
 * example-tied dropout (the published method for localizing memorization), at the same update budget with every
 * arm's knob chosen on a validation split on tuning seeds? And are the units the randomization ranking calls
 * "memorizing" the ones that hold the memorized wrong labels, compared with gradient rankings and random units?
 */
import type { StudySummary, Verdict } from "../study";
import { defineStudy } from "../study";
import { interval, reliableComparisons, signedInterval, signedNumber, summarizeScores, verdictFromSummary } from "../summary";
import { type MemorizationChosen, type MemorizationSeed, type MemorizationTuneRow, chooseMemorization, runMemorizationSeed, tuneMemorization } from "./run-seed";
import { MEMORIZATION_ARMS, MEMORIZATION_REFERENCE, type MemorizationSettings, checkMemorizationSettings, memorizationSettings } from "./settings";
import { type MemorizationDetails, memorizationDetails } from "./tables";

/** The study's question, as its verdict states it. */
const QUESTION =
  "On small digits with 20% wrong labels, does antitraining with the core measured on held-out data reach a higher test accuracy than plain training and than antitraining with the core measured on the training data (and than example-tied dropout, the published method for localizing memorization)?";

/** The arms the verdict pairs the reference against (not the control that trains on the 150 held-out labels). */
export const MEMORIZATION_COMPARED = ["plain", "antitrain, training core", "example-tied dropout"] as const;

/**
 * Where the verdict's t intervals and the fair alternatives disagree: per compared arm, whether the Wilcoxon p is
 * below 0.05 where the interval excludes zero (and not where it does not), and whether the median has the mean's sign.
 * Empty when every statistic agrees.
 */
export function statisticFlips(summary: StudySummary, compared: readonly string[]): string[] {
  const { better, worse } = reliableComparisons(summary, summary.paired.filter((p) => compared.includes(p.arm)));
  const reliable = new Set([...better, ...worse].map((p) => p.arm));
  const flips: string[] = [];
  for (const p of summary.paired.filter((q) => compared.includes(q.arm))) {
    if (reliable.has(p.arm) !== p.wilcoxonP < 0.05) {
      flips.push(`${p.arm}: the t interval ${reliable.has(p.arm) ? "excludes" : "includes"} zero but the Wilcoxon p is ${p.wilcoxonP.toPrecision(2)}`);
    }
    if (p.median !== 0 && p.mean !== 0 && Math.sign(p.median) !== Math.sign(p.mean)) flips.push(`${p.arm}: the median difference (${signedNumber(p.median)}) has the other sign than the mean (${signedNumber(p.mean)})`);
  }
  return flips;
}

/** The k the verdict's unit sentence uses: the middle of the ablated counts. */
function middle<T>(xs: readonly T[]): T {
  return xs[Math.floor((xs.length - 1) / 2)];
}

/**
 * The study's verdict: the test-accuracy answer (`verdictFromSummary` against plain training, the training core and
 * example-tied dropout), where a fair alternative statistic flips it, then the unit check at the middle k: the
 * share of the memorized wrong labels the randomization ranking's top k units hold, against the strongest other
 * ranking (paired) and random units, with its test cost, and example-tied dropout's.
 *
 * @example
 * memorizationVerdict(run.summary).sentence;
 */
export function memorizationVerdict(summary: StudySummary): Verdict {
  const v = verdictFromSummary(summary, {
    question: QUESTION,
    claim: "antitraining with the held-out core reaches a higher test accuracy than plain training, than antitraining with the training core and than example-tied dropout",
    against: [...MEMORIZATION_COMPARED],
  });
  const d = summary.details as MemorizationDetails | undefined;
  if (d === undefined || d.rankings.length === 0) return v;
  const flips = statisticFlips(summary, MEMORIZATION_COMPARED);
  const flipText = summary.seeds < 2 ? "" : flips.length === 0 ? " The Wilcoxon test and the medians agree with every t interval." : ` Where another statistic disagrees: ${flips.join("; ")}.`;
  const r = middle(d.rankings);
  const f = r.forgotten;
  const arm = (name: string) => f.arms.find((a) => a.arm === name);
  const rand = arm(f.reference);
  const others = f.paired.filter((p) => p.arm !== "random").sort((a, b) => b.mean - a.mean);
  const best = others[0];
  const cost = (name: string) => r.testCost.arms.find((a) => a.arm === name);
  const unitText =
    rand === undefined || best === undefined
      ? ""
      : ` Units: setting the ${r.k} units the randomization ranking calls most memorizing to their means forgets ${interval(rand)} of the memorized wrong labels at a test cost of ${interval(cost(f.reference) ?? rand)}; ` +
        `the strongest other ranking, ${best.arm}, forgets ${interval(arm(best.arm) ?? rand)} (paired difference ${signedInterval(best)}, Wilcoxon p = ${best.wilcoxonP.toPrecision(2)}) at a test cost of ${interval(cost(best.arm) ?? rand)}; ` +
        `${r.k} random units forget ${interval(arm("random") ?? rand)}. Example-tied dropout, dropping its memorization units at test, forgets ${d.exampleTied.forgotten} of the wrong labels it fit with them.`;
  const numbers = [...v.numbers];
  if (best !== undefined) numbers.push(`forgotten wrong labels, top ${r.k} units: ${best.arm} − ${best.reference} ${signedInterval(best)}, Wilcoxon p = ${best.wilcoxonP.toPrecision(2)}`);
  return { ...v, sentence: `${v.sentence}${flipText}${unitText}`, numbers };
}

/**
 * The generalizing-vs-memorizing study (registered as "08-generalizing-vs-memorizing"): every arm's configuration is
 * chosen on the clean validation split on tuning seeds (`tuneMemorization`, `chooseMemorization`); `run` is one
 * seed ({@link runMemorizationSeed}); the headline is each arm's test accuracy paired against the held-out core.
 *
 * @example
 * const run = await st.runStudy(st.memorizationStudy, st.memorizationStudy.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 * run.verdict.sentence;
 */
export const memorizationStudy = defineStudy<MemorizationSettings, MemorizationChosen, MemorizationSeed, MemorizationTuneRow>({
  name: "08-generalizing-vs-memorizing",
  question: QUESTION,
  arms: [...MEMORIZATION_ARMS],
  settings: memorizationSettings,
  check: checkMemorizationSettings,
  tune: (s, seed) => tuneMemorization(s, seed),
  choose: (s, rows) => chooseMemorization(s, rows),
  run: (s, chosen, seed) => runMemorizationSeed(s, chosen, seed),
  summarize: (s, results) =>
    summarizeScores(
      results.map((r) => Object.fromEntries(r.outcomes.map((o) => [o.arm, o.testAcc]))),
      { metric: "test accuracy", better: "higher", reference: MEMORIZATION_REFERENCE, arms: [...MEMORIZATION_ARMS], details: memorizationDetails(s, results) },
    ),
  verdict: memorizationVerdict,
});
