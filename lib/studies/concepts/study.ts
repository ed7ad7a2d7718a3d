/** Notebook 12's study as a registered Study: can one concept be made to flow through a few chosen units? */
import { defineStudy, type StudySummary, type Verdict } from "../study";
import { interval, verdictFromSummary } from "../summary";
import { conceptSeed } from "./run-seed";
import { checkConceptsSettings, conceptsSettings } from "./settings";
import { type ConceptTable, summarizeConcepts } from "./summarize";

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
  verdict: conceptsVerdict,
});

/**
 * The verdict on the question as asked ("only through the chosen units"): antitraining must beat the control (paired
 * interval) and its probe with the chosen units randomized must reach chance (its mean within 2 points of chance).
 * Beating the control while the concept still reaches the output around the chosen units is "mixed".
 *
 * @example
 * conceptsVerdict(summarizeConcepts(results)).answer;   // "supported" | "not supported" | "mixed" | "inconclusive"
 */
export function conceptsVerdict(summary: StudySummary): Verdict {
  const v = verdictFromSummary(summary, {
    question: QUESTION,
    claim: "randomizing the chosen units takes the output's parity closer to chance after concept antitraining than in the plainly trained control",
    digits: 3,
  });
  const details = summary.details as { chance: number; table: ConceptTable } | undefined;
  const probe = details?.table.antitrained.probeChosen;
  if (v.answer !== "supported" || details === undefined || probe === undefined || !(probe.n > 1)) return v;
  const reach = `the antitrained probe with the chosen units randomized reads ${interval(probe)} against chance ${details.chance.toFixed(3)}`;
  if (Math.abs(probe.mean - details.chance) <= 0.02) return { ...v, numbers: [...v.numbers, reach] };
  return {
    ...v,
    answer: "mixed",
    sentence:
      `Mixed: concept antitraining takes the parity probe closer to chance than the plainly trained control does, ` +
      `but not to chance: ${reach}, so part of the concept still reaches the output around the chosen units.`,
    numbers: [...v.numbers, reach],
  };
}
