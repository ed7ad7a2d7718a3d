/**
 * Notebook 07 as a Study: which randomization (gaussian, resample, mean, zero) ranks units right? Part 1 gives a
 * ground truth on a small layer (exact Shapley values by enumerating every coalition, and planted units of known
 * content); the headline is each method's single-unit ranking's Spearman with the exact reference Shapley values,
 * paired per seed against the notes' gaussian randomization. Part 2 (antitraining with each method on a wider layer,
 * with its costs) is reported beside it.
 */
import { defineStudy } from "../study";
import { type RandomizationSeed, runRandomizationSeed } from "./run-seed";
import { type RandomizationSettings, checkRandomizationSettings, randomizationSettings } from "./settings";
import { RANDOMIZATION_QUESTION, randomizationVerdict, summarizeRandomization } from "./summarize";

export { RANDOMIZATION_REFERENCE } from "./summarize";

/**
 * The randomization study (registered as "07-randomization"). It tunes nothing (every knob is fixed in advance);
 * `run` is one seed ({@link runRandomizationSeed}); the summary's `details` hold every statistic and the tables.
 *
 * @example
 * const run = await st.runStudy(st.randomizationStudy, st.randomizationStudy.settings("quick"), { seeds: [0] });
 * run.verdict.sentence;
 */
export const randomizationStudy = defineStudy<RandomizationSettings, null, RandomizationSeed, never>({
  name: "07-randomization",
  question: RANDOMIZATION_QUESTION,
  arms: ["gaussian", "resample", "mean", "zero", "plain"],
  settings: randomizationSettings,
  check: checkRandomizationSettings,
  choose: () => null,
  run: (s, _chosen, seed) => runRandomizationSeed(s, seed),
  summarize: summarizeRandomization,
  verdict: randomizationVerdict,
});
