/**
 * Notebook 05's study as one object: at the same training and antitraining budget, does interleaved or cyclic
 * antitraining concentrate a layer better, and does cyclic training reattach spectators more than plain churn?
 * Each seed trains one MLP per schedule (plain, interleaved, cyclic) from the same initialization; the headline is
 * the final 95% core, paired per seed against interleaved antitraining.
 */
import { studyData } from "../data";
import { defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { type ScheduleRun, runSchedulesSeed } from "./run-schedules";
import { SCHEDULES, type SchedulesSettings, checkSchedulesSettings, schedulesSettings } from "./settings";
import { schedulesTables } from "./summarize";

const QUESTION = "At the same budget, which antitraining schedule, interleaved or cyclic, concentrates a layer into a smaller core?";

/**
 * The schedules study (notebook 05). Nothing is tuned. One seed's result is its three runs (one per schedule).
 *
 * @example
 * const run = await st.runStudy(st.schedulesStudy, st.schedulesStudy.settings("quick"), { seeds: [0] });
 * run.summary.details;   // { aggregate, reattachment }
 */
export const schedulesStudy = defineStudy({
  name: "05-schedules",
  question: QUESTION,
  arms: SCHEDULES,
  settings: schedulesSettings,
  check: checkSchedulesSettings,
  choose: (): null => null,
  run: (s: SchedulesSettings, _chosen: null, seed: number): ScheduleRun[] => runSchedulesSeed(s, studyData(s.data), seed),
  summarize: (s: SchedulesSettings, results: readonly (readonly ScheduleRun[])[]) => {
    const scores = results.map((runs) => Object.fromEntries(runs.map((r) => [r.schedule, r.coreSize])));
    return summarizeScores(scores, {
      metric: `final 95% core of h1 (units of ${s.hidden}, test split)`, better: "lower", reference: "interleaved", arms: SCHEDULES, digits: 1,
      details: schedulesTables(results.flat(), SCHEDULES, s.hidden),
    });
  },
  verdict: (summary) => verdictFromSummary(summary, { question: QUESTION, claim: "interleaved antitraining leaves a smaller final 95% core than plain training and cyclic antitraining", digits: 1 }),
});
