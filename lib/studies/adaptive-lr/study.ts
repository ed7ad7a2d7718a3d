/** Notebook 13's study as a registered Study: do information-adaptive learning rates beat plain Adam at the same budget? */
import { defineStudy } from "../study";
import { verdictFromSummary } from "../summary";
import { adaptiveLrSeed } from "./run-seed";
import { ADAPTIVE_LR_ARMS, adaptiveLrSettings, checkAdaptiveLrSettings } from "./settings";
import { ADAPTIVE_LR_BASELINE, summarizeAdaptiveLr } from "./summarize";

const QUESTION = "Does scaling each unit's learning rate by its measured information content train better than plain Adam at the same budget?";

/**
 * Notebook 13's study: per seed five optimizer configurations on one MLP (`adaptiveLrSeed`); nothing is tuned. The
 * summary pairs every configuration's final test loss with update · up's; the verdict asks whether update · up beats
 * plain Adam.
 *
 * @example
 * const run = await st.runStudy(st.adaptiveLrStudy, st.adaptiveLrStudy.settings("quick"), { seeds: [0] });
 */
export const adaptiveLrStudy = defineStudy({
  name: "13-adaptive-learning-rate",
  question: QUESTION,
  arms: ADAPTIVE_LR_ARMS,
  settings: adaptiveLrSettings,
  check: checkAdaptiveLrSettings,
  choose: () => null,
  run: (s, _chosen: null, seed) => adaptiveLrSeed(s, seed),
  summarize: (_s, results) => summarizeAdaptiveLr(results),
  verdict: (summary) =>
    verdictFromSummary(summary, {
      question: QUESTION,
      claim: "scaling high-information units' Adam updates up reaches a lower test loss than plain Adam",
      against: [ADAPTIVE_LR_BASELINE],
    }),
});
