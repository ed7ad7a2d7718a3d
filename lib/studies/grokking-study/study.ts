/**
 * Notebook 09's study as one object: can antitraining (erasing the units that carry training but not held-out
 * information) make a one-block transformer grok modular addition sooner than the plain recipe and Grokfast? Tuning
 * seeds choose Grokfast's (α, λ); each study seed runs every arm at p (31 in the full setting) and the replication's
 * arms at its larger p (59), with the tuned setting not retuned.
 */
import { defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { type GrokArmRun, type GrokTuningRow, grokSeedRuns, grokfastTuningSeed } from "./runs";
import { GROK_ARMS, type GrokSettings, type GrokfastSetting, REPLICATION_ARMS, checkGrokSettings, grokSettings } from "./settings";
import { chooseGrokfast, grokPairedRows, grokSummaryRows } from "./tables";

/** One study seed: every arm's run at the study's p, and the replication's runs. */
export interface GrokSeed {
  readonly seed: number;
  readonly runs: GrokArmRun[];
  readonly replication: GrokArmRun[];
}

const QUESTION = "Does antitraining the memorizing MLP neurons make a one-layer transformer grok modular addition sooner?";

/** The headline metric: steps to the target test accuracy, a censored run counting as the step limit. */
function stepsToTarget(run: GrokArmRun, steps: number): number {
  return run.stepsToTarget ?? steps;
}

/**
 * The grokking study (notebook 09). Arms: baseline (AdamW), grokfast (α 0.98, λ 2), grokfast-tuned (tuned on the
 * tuning seeds), antitrain. Headline: full-batch steps to 95% test accuracy at the study's p, lower is better,
 * antitraining the reference; `details` holds the notebook's tables at p and for the replication.
 *
 * @example
 * const s = grokkingStudy.settings("quick");
 * const run = await st.runStudy(grokkingStudy, s, { seeds: [0], tuneSeeds: [100] });
 * run.verdict.sentence;
 */
export const grokkingStudy = defineStudy({
  name: "09-grokking",
  question: QUESTION,
  arms: GROK_ARMS,
  settings: grokSettings,
  check: checkGrokSettings,
  tune: (s: GrokSettings, seed: number): GrokTuningRow[] => grokfastTuningSeed(s, seed),
  choose: (s: GrokSettings, rows: readonly GrokTuningRow[]): GrokfastSetting => chooseGrokfast(s.grokfastGrid, rows, s.steps),
  run: (s: GrokSettings, tuned: GrokfastSetting, seed: number): GrokSeed => ({
    seed,
    runs: grokSeedRuns(s, s, GROK_ARMS, tuned, seed, s.measureSeeds.includes(seed)),
    replication: grokSeedRuns(s, s.replication, REPLICATION_ARMS, tuned, seed, false),
  }),
  summarize: (s: GrokSettings, results: readonly GrokSeed[]) => {
    const runs = results.flatMap((r) => r.runs);
    const replication = results.flatMap((r) => r.replication);
    const perSeed = results.map((r) => Object.fromEntries(r.runs.map((run) => [run.label, stepsToTarget(run, s.steps)])));
    return summarizeScores(perSeed, {
      metric: `full-batch steps to ${s.target * 100}% test accuracy at p = ${s.p} (censored at ${s.steps})`,
      better: "lower",
      reference: "antitrain",
      arms: GROK_ARMS,
      digits: 0,
      details: {
        summary: grokSummaryRows(runs, GROK_ARMS, s.steps),
        paired: grokPairedRows(runs, GROK_ARMS, s.steps),
        replication: { summary: grokSummaryRows(replication, REPLICATION_ARMS, s.replication.steps), paired: grokPairedRows(replication, REPLICATION_ARMS, s.replication.steps) },
      },
    });
  },
  verdict: (summary) => verdictFromSummary(summary, { question: QUESTION, claim: "antitraining reaches 95% test accuracy in fewer steps than every other arm", digits: 0 }),
});
