/** Notebook 19's study as a registered Study: can antitraining force a chosen concept into chosen units, compared with gradient routing and the rest? */
import type { Answer, StudySummary, Verdict } from "../study";
import { defineStudy } from "../study";
import { type LocalizationChosen, type LocalizationTuneRow, chooseLocalization, localizationSeed, tuneLocalization } from "./run-seed";
import { LOCALIZATION_ARMS, checkLocalizationSettings, localizationSettings } from "./settings";
import { type GoalCheck, goalLines, summarizeLocalization } from "./summarize";

const QUESTION = "Can antitraining force a chosen concept into chosen units at least as well as gradient routing (probe within 2 points of chance with them randomized) at no more main-task cost?";

/** One task's answer: supported when an antitraining arm meets every part of the goal there, not supported when both fail some part beyond its interval, inconclusive otherwise. */
function taskAnswer(checks: readonly GoalCheck[]): Answer {
  if (checks.some((g) => g.status === "met")) return "supported";
  return checks.every((g) => g.status === "failed") ? "not supported" : "inconclusive";
}

/**
 * The verdict on the goal stated before running, judged per task (`goalChecks`): supported when it is supported on
 * every task, not supported when on every task, mixed when some tasks support it and others refute it,
 * inconclusive otherwise (one seed always); the sentence states each task's answer.
 *
 * @example
 * localizationVerdict(summary).answer;
 */
export function localizationVerdict(summary: StudySummary): Verdict {
  const goal = (summary.details as { goal: GoalCheck[] }).goal;
  const tasks = [...new Set(goal.map((g) => g.task))];
  const per = tasks.map((task) => {
    const checks = goal.filter((g) => g.task === task);
    return { task, answer: taskAnswer(checks), met: checks.filter((g) => g.status === "met").map((g) => g.arm) };
  });
  const all = (a: Answer) => per.length > 0 && per.every((p) => p.answer === a);
  const answer: Answer = all("supported")
    ? "supported"
    : all("not supported")
      ? "not supported"
      : per.some((p) => p.answer === "supported") && per.some((p) => p.answer === "not supported")
        ? "mixed"
        : "inconclusive";
  const head: Record<Answer, string> = {
    supported: "Supported: every task meets the goal",
    "not supported": "Not supported: no task meets the goal",
    mixed: "Mixed: supported on some tasks, refuted on others",
    inconclusive: summary.seeds < 2 ? "Inconclusive: one seed cannot show the goal (its intervals need two or more seeds)" : "Inconclusive: some task is open",
  };
  const taskLine = (p: (typeof per)[number]) =>
    p.answer === "supported"
      ? `${p.task}: supported (${p.met.join(" and ")} within 2 points of chance, at least as well as gradient routing, at no more main-task cost)`
      : p.answer === "not supported"
        ? `${p.task}: not supported (neither antitraining arm meets the goal)`
        : `${p.task}: inconclusive`;
  return { question: QUESTION, answer, sentence: `${head[answer]} — ${per.map(taskLine).join("; ")}. ${summary.headline}.`, numbers: goalLines(goal) };
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
