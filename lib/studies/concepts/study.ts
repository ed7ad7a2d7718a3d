/** Notebook 12's study as a registered Study: can one concept be made to flow through a few chosen units? */
import { defineStudy } from "../study";
import { verdictFromSummary } from "../summary";
import { conceptSeed } from "./run-seed";
import { checkConceptsSettings, conceptsSettings } from "./settings";
import { summarizeConcepts } from "./summarize";

const QUESTION = "Can concept-level antitraining make a concept (a digit's parity) reach the output only through a few chosen hidden units?";

/**
 * Notebook 12's study: per seed a control and a concept-antitrained MLP (`conceptSeed`); nothing is tuned. The
 * headline is the output probe's parity accuracy with the chosen units randomized, paired against the antitrained arm.
 *
 * @example
 * const run = await st.runStudy(st.conceptsStudy, st.conceptsStudy.settings("quick"), { seeds: [0] });
 */
export const conceptsStudy = defineStudy({
  name: "12-concepts",
  question: QUESTION,
  arms: ["antitrained", "control"],
  settings: conceptsSettings,
  check: checkConceptsSettings,
  choose: () => null,
  run: (s, _chosen: null, seed) => conceptSeed(s, seed),
  summarize: (_s, results) => summarizeConcepts(results),
  verdict: (summary) =>
    verdictFromSummary(summary, {
      question: QUESTION,
      claim: "randomizing the chosen units takes the output's parity closer to chance after concept antitraining than in the plainly trained control",
      digits: 3,
    }),
});
