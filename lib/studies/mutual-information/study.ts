/**
 * Notebook 11 as a Study: do units back each other up or are they entangled, and do antitraining, dropout and L2
 * change that? Arms are the five models; the headline is each model's mean pair interaction per unit of mean single
 * damage on cross-entropy (pairwise redundancy), against the antitrained model.
 */
import { defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { MUTUAL_INFORMATION_MODELS, type MutualInformationSeed, runMutualInformationSeed } from "./run-seed";
import { type MutualInformationSettings, checkMutualInformationSettings, mutualInformationSettings } from "./settings";
import { mutualInformationTables } from "./tables";

/** The arm every other is paired against: the antitrained model. */
export const MUTUAL_INFORMATION_REFERENCE = "antitrained";

/** The study's question, as its verdict states it. */
const QUESTION =
  "Does antitraining leave less pairwise redundancy in h1 (mean pair interaction per unit of single damage, on cross-entropy) than plain training for the same steps, dropout and L2?";

/**
 * The mutual-information study (registered as "11-mutual-information"). It tunes nothing; `run` is one seed
 * ({@link runMutualInformationSeed}); the verdict compares the antitrained model with plain, dropout and L2 (not with
 * "before", which trained half as long); the summary's `details` hold the results file's tables.
 *
 * @example
 * const run = await st.runStudy(st.mutualInformationStudy, st.mutualInformationStudy.settings("quick"), { seeds: [0] });
 * run.verdict.sentence;
 */
export const mutualInformationStudy = defineStudy<MutualInformationSettings, null, MutualInformationSeed, never>({
  name: "11-mutual-information",
  question: QUESTION,
  arms: [...MUTUAL_INFORMATION_MODELS],
  settings: mutualInformationSettings,
  check: checkMutualInformationSettings,
  choose: () => null,
  run: (s, _chosen, seed) => runMutualInformationSeed(s, seed),
  summarize: (_s, results) =>
    summarizeScores(
      results.map((r) => Object.fromEntries(MUTUAL_INFORMATION_MODELS.map((m) => [m, r.measured[m].lossRatio]))),
      {
        metric: "mean pair interaction / mean single damage on h1 (loss)",
        better: "lower",
        reference: MUTUAL_INFORMATION_REFERENCE,
        arms: [...MUTUAL_INFORMATION_MODELS],
        details: mutualInformationTables(results),
      },
    ),
  verdict: (summary) =>
    verdictFromSummary(summary, {
      question: QUESTION,
      claim: "antitraining leaves less pairwise redundancy than plain training, dropout and L2",
      against: ["plain", "dropout", "L2"],
    }),
});
