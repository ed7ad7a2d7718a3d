/** Notebook 19's study as a registered Study: can antitraining force a chosen concept into chosen units, compared with gradient routing and the rest? */
import type { Answer, StudySummary, Verdict } from "../study";
import { defineStudy } from "../study";
import { type LocalizationChosen, type LocalizationTuneRow, chooseLocalization, localizationSeed, tuneLocalization } from "./run-seed";
import { LOCALIZATION_ARMS, checkLocalizationSettings, localizationSettings } from "./settings";
import { type GoalCheck, goalLines, summarizeLocalization } from "./summarize";

const QUESTION = "Can antitraining force a chosen concept into chosen units at least as well as gradient routing (probe within 2 points of chance with them randomized) at no more main-task cost?";

/**
 * The verdict on the goal stated before running: supported when an antitraining arm meets every part of it (its
 * intervals included), not supported when both fail some part beyond its interval, inconclusive otherwise (one seed
 * always).
 *
 * @example
 * localizationVerdict(summary).answer;
 */
export function localizationVerdict(summary: StudySummary): Verdict {
  const goal = (summary.details as { goal: GoalCheck[] }).goal;
  const met = goal.filter((g) => g.status === "met");
  const failed = goal.filter((g) => g.status === "failed");
  const answer: Answer = met.length > 0 ? "supported" : failed.length === goal.length ? "not supported" : "inconclusive";
  const what: Record<Answer, string> = {
    supported: `Supported: ${met.map((g) => g.arm).join(" and ")} localizes the concept within 2 points of chance, at least as well as gradient routing and at no more main-task cost`,
    "not supported": "Not supported: neither antitraining arm localizes the concept within 2 points of chance as well as gradient routing at no more main-task cost",
    mixed: "",
    inconclusive:
      summary.seeds < 2
        ? "Inconclusive: one seed cannot show the goal (its intervals need two or more seeds)"
        : "Inconclusive: the intervals neither show nor refute that an antitraining arm meets the goal",
  };
  return { question: QUESTION, answer, sentence: `${what[answer]}. ${summary.headline}.`, numbers: goalLines(goal) };
}

/**
 * Notebook 19's study: per seed every arm on every task under the same update budget (`localizationSeed`); the knobs
 * (one per arm, the same number of configurations each) are chosen on validation data by `tuneLocalization`.
 *
 * @example
 * const run = await st.runStudy(st.localizationStudy, st.localizationStudy.settings("quick"), { seeds: [0] });
 */
export const localizationStudy = defineStudy({
  name: "19-localization",
  question: QUESTION,
  arms: [...LOCALIZATION_ARMS],
  settings: localizationSettings,
  check: checkLocalizationSettings,
  tune: (s, seed): LocalizationTuneRow[] => tuneLocalization(s, seed),
  choose: (s, rows: readonly LocalizationTuneRow[]): LocalizationChosen => chooseLocalization(s, rows),
  run: (s, chosen: LocalizationChosen, seed) => localizationSeed(s, chosen, seed),
  summarize: (_s, results) => summarizeLocalization(results),
  verdict: localizationVerdict,
});
