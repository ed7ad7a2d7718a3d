/**
 * Notebook 08 as a Study: does antitraining with the core measured on held-out data (the notes' idea 1) generalize
 * better than plain training and than antitraining with the core measured on the training data? Arms are the four
 * training variants; the headline is each variant's test accuracy, against the held-out-core variant.
 */
import { defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { MEMORIZATION_VARIANTS, type MemorizationSeed, runMemorizationSeed } from "./run-seed";
import { type MemorizationSettings, checkMemorizationSettings, memorizationSettings } from "./settings";
import { memorizationOutcomeRows, memorizationPairedRows } from "./tables";

/** The arm every other is paired against: antitraining with the core measured on held-out data. */
export const MEMORIZATION_REFERENCE = "antitrain, held-out core";

/** The study's question, as its verdict states it. */
const QUESTION =
  "On small digits with 20% wrong labels, does antitraining with the core measured on held-out data reach a higher test accuracy than plain training and than antitraining with the core measured on the training data?";

/**
 * The generalizing-vs-memorizing study (registered as "08-generalizing-vs-memorizing"). It tunes nothing; `run` is
 * one seed ({@link runMemorizationSeed}); the verdict compares the held-out core with plain training and with the
 * training core (not with training on the held-out labels, a control that uses 150 more labels); the summary's
 * `details` hold the outcome and paired tables.
 *
 * @example
 * const run = await st.runStudy(st.memorizationStudy, st.memorizationStudy.settings("quick"), { seeds: [0] });
 * run.verdict.sentence;
 */
export const memorizationStudy = defineStudy<MemorizationSettings, null, MemorizationSeed, never>({
  name: "08-generalizing-vs-memorizing",
  question: QUESTION,
  arms: [...MEMORIZATION_VARIANTS],
  settings: memorizationSettings,
  check: checkMemorizationSettings,
  choose: () => null,
  run: (s, _chosen, seed) => runMemorizationSeed(s, seed),
  summarize: (_s, results) =>
    summarizeScores(
      results.map((r) => Object.fromEntries(r.outcomes.map((o) => [o.variant, o.testAcc]))),
      {
        metric: "test accuracy",
        better: "higher",
        reference: MEMORIZATION_REFERENCE,
        arms: [...MEMORIZATION_VARIANTS],
        details: { outcomes: memorizationOutcomeRows(results), paired: memorizationPairedRows(results) },
      },
    ),
  verdict: (summary) =>
    verdictFromSummary(summary, {
      question: QUESTION,
      claim: "antitraining with the held-out core generalizes better than plain training and than antitraining with the training core",
      against: ["plain", "antitrain, training core"],
    }),
});
