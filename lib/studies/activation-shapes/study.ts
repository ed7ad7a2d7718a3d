/** Notebook 14's study as a registered Study: does a learnable activation shape beat fixed ReLU at the same budget? */
import { defineStudy } from "../study";
import { verdictFromSummary } from "../summary";
import { activationShapesSeed } from "./run-seed";
import { SHAPE_MODELS, activationShapesSettings, checkActivationShapesSettings } from "./settings";
import { summarizeActivationShapes } from "./summarize";

const QUESTION = "Which activation shape does a network learn between sigmoid and ReLU, and does the learnable shape beat fixed ReLU at the same budget?";

/**
 * Notebook 14's study: per seed every model of both tasks (`activationShapesSeed`); nothing is tuned. The summary pairs
 * each model's modular-addition test accuracy with the per-layer tunable model's; the verdict asks whether it beats ReLU.
 *
 * @example
 * const run = await st.runStudy(st.activationShapesStudy, st.activationShapesStudy.settings("quick"), { seeds: [0] });
 */
export const activationShapesStudy = defineStudy({
  name: "14-activation-shapes",
  question: QUESTION,
  arms: ["tunable · layer", ...SHAPE_MODELS.filter((m) => m !== "tunable · layer")],
  settings: activationShapesSettings,
  check: checkActivationShapesSettings,
  choose: () => null,
  run: (s, _chosen: null, seed) => activationShapesSeed(s, seed),
  summarize: (s, results) => summarizeActivationShapes(s, results),
  verdict: (summary) =>
    verdictFromSummary(summary, {
      question: QUESTION,
      claim: "a per-layer learnable activation shape generalizes to held-out modular-addition pairs better than fixed ReLU at the same budget",
      against: ["relu"],
    }),
});
