/**
 * Notebook 07 as a Study: which randomization (gaussian, resample, mean, zero) ranks units and antitrains them? Arms
 * are part 2's branches; the headline is each branch's 95% core of h1 measured with the resample yardstick (the same
 * measurement for every branch), against antitraining with the notes' gaussian randomization.
 */
import { defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { type RandomizationSeed, runRandomizationSeed } from "./run-seed";
import { type RandomizationSettings, checkRandomizationSettings, randomizationSettings } from "./settings";
import { randomizationTables } from "./tables";

/** The arm every other is paired against: antitraining with the notes' gaussian randomization. */
export const RANDOMIZATION_REFERENCE = "gaussian";

/** The study's question, as its verdict states it. */
const QUESTION =
  "Does antitraining with the notes' gaussian randomization leave a smaller 95% core of h1 than plain training and than antitraining with the other randomization methods (resample, mean, zero)?";

/**
 * The randomization study (registered as "07-randomization"). It tunes nothing; `run` is one seed
 * ({@link runRandomizationSeed}); the summary's `details` hold the notebook's three tables.
 *
 * @example
 * const run = await st.runStudy(st.randomizationStudy, st.randomizationStudy.settings("quick"), { seeds: [0] });
 * run.verdict.sentence;
 */
export const randomizationStudy = defineStudy<RandomizationSettings, null, RandomizationSeed, never>({
  name: "07-randomization",
  question: QUESTION,
  arms: ["plain", "gaussian", "resample", "mean", "zero"],
  settings: randomizationSettings,
  check: checkRandomizationSettings,
  choose: () => null,
  run: (s, _chosen, seed) => runRandomizationSeed(s, seed),
  summarize: (s, results) =>
    summarizeScores(
      results.map((r) => Object.fromEntries(r.branches.map((b) => [b.variant, b.core95Resample]))),
      {
        metric: `95% core of h1 after training (units of ${s.hidden}, resample yardstick)`,
        better: "lower",
        reference: RANDOMIZATION_REFERENCE,
        arms: ["plain", ...s.methods],
        digits: 1,
        details: randomizationTables(results, s.methods),
      },
    ),
  verdict: (summary) =>
    verdictFromSummary(summary, {
      question: QUESTION,
      claim: "antitraining with gaussian randomization leaves the smallest 95% core",
      digits: 1,
    }),
});
