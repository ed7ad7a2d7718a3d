/**
 * Notebook 09's study as one object: does antitraining (erasing the units that carry training but not held-out
 * information) make a one-block transformer grok modular addition in fewer optimizer updates than the plain recipe,
 * AdamW with its weight decay tuned, and Grokfast tuned? Tuning seeds choose every tuned arm's knobs (the same number
 * of configurations each); each study seed runs every arm at p (31 in the full setting) and again at the
 * replication's larger p (59) with the same knobs, every arm at the same update budget.
 */
import { defineStudy } from "../study";
import type { StudySummary, Verdict } from "../study";
import { interval, summarizeScores, verdictFromSummary } from "../summary";
import { type GrokArmRun, type GrokTuningRow, grokSeedRuns, grokTuningSeed } from "./runs";
import { GROK_ARMS, type GrokChosen, type GrokSettings, REPLICATION_ARMS, checkGrokSettings, grokSettings } from "./settings";
import { chooseGrok, grokPairedRows, grokSummaryRows } from "./tables";

/** One study seed: every arm's run at the study's p, and the replication's runs. */
export interface GrokSeed {
  readonly seed: number;
  readonly runs: GrokArmRun[];
  readonly replication: GrokArmRun[];
}

const QUESTION = "Does antitraining the memorizing MLP neurons make a one-layer transformer grok modular addition sooner?";
const CLAIM = "antitraining reaches 95% test accuracy in fewer optimizer updates than every other arm";

/** Each seed's updates to the target per arm, a censored run counting as the budget. */
function perSeed(runs: readonly GrokArmRun[][], steps: number) {
  return runs.map((seedRuns) => Object.fromEntries(seedRuns.map((run) => [run.label, run.stepsToTarget ?? steps])));
}

/** The replication's summary in the same shape (the same arms, antitraining the reference). */
function replicationSummary(s: GrokSettings, results: readonly GrokSeed[]): StudySummary {
  return summarizeScores(
    perSeed(
      results.map((r) => r.replication),
      s.replication.steps,
    ),
    {
      metric: `optimizer updates to ${s.target * 100}% test accuracy at p = ${s.replication.p} (censored at ${s.replication.steps})`,
      better: "lower",
      reference: "antitrain",
      arms: REPLICATION_ARMS,
      digits: 0,
    },
  );
}

/**
 * The verdict at p, said against the strongest peer under each statistic: the t intervals decide (the project's
 * scale); where the strongest peer's Wilcoxon p (< 0.05 or not) disagrees with its interval, or the replication at
 * the larger p answers otherwise, the sentence says so.
 */
function grokVerdict(summary: StudySummary): Verdict {
  const v = verdictFromSummary(summary, { question: QUESTION, claim: CLAIM, digits: 0 });
  const strongest = [...summary.paired].sort((a, b) => a.mean - b.mean)[0];
  const notes: string[] = [];
  const numbers = [...v.numbers];
  if (strongest !== undefined && strongest.n > 1) {
    const byInterval = strongest.high < 0 || strongest.low > 0;
    const byRank = strongest.wilcoxonP < 0.05;
    numbers.push(`${strongest.arm} − antitrain, median ${strongest.median.toFixed(0)} updates (mean ${strongest.mean.toFixed(0)})`);
    if (byInterval !== byRank) {
      notes.push(
        `the Wilcoxon test on the strongest peer (${strongest.arm}) ${byRank ? "does" : "does not"} find a difference (p = ${strongest.wilcoxonP.toPrecision(2)}) where its t interval ${byInterval ? "does" : "does not"}`,
      );
    }
  }
  const rep = (summary.details as { replication?: { studySummary?: StudySummary } } | undefined)?.replication?.studySummary;
  if (rep !== undefined) {
    const r = verdictFromSummary(rep, { question: QUESTION, claim: CLAIM, digits: 0 });
    const best = [...rep.paired].sort((a, b) => a.mean - b.mean)[0];
    if (best !== undefined) numbers.push(`replication, ${best.arm} − antitrain: ${interval(best, 0)}, Wilcoxon p = ${best.wilcoxonP.toPrecision(2)}`);
    if (r.answer !== v.answer) notes.push(`at the replication's larger p the answer is ${r.answer}`);
  }
  const sentence = notes.length === 0 ? v.sentence : `${v.sentence.replace(/\.$/, "")}; ${notes.join("; ")}.`;
  return { ...v, sentence, numbers };
}

/**
 * The grokking study (notebook 09). Arms: baseline (AdamW, weight decay 1, the recipe), adamw-tuned (weight decay
 * tuned), grokfast-tuned ((α, λ) tuned), antitrain (cadence and learning rate tuned), every tuned arm with the same
 * number of configurations on the tuning seeds, every arm at the same update budget. Headline: optimizer updates to
 * 95% test accuracy at the study's p, lower is better, censored runs counting as the budget, antitraining the
 * reference; `details` holds the notebook's tables at p and for the replication.
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
  tune: (s: GrokSettings, seed: number): GrokTuningRow[] => grokTuningSeed(s, seed),
  choose: (s: GrokSettings, rows: readonly GrokTuningRow[]): GrokChosen => chooseGrok(s, rows),
  run: (s: GrokSettings, chosen: GrokChosen, seed: number): GrokSeed => ({
    seed,
    runs: grokSeedRuns(s, s, GROK_ARMS, chosen, seed, s.measureSeeds.includes(seed)),
    replication: grokSeedRuns(s, s.replication, REPLICATION_ARMS, chosen, seed, false),
  }),
  summarize: (s: GrokSettings, results: readonly GrokSeed[]) => {
    const runs = results.flatMap((r) => r.runs);
    const replication = results.flatMap((r) => r.replication);
    return summarizeScores(
      perSeed(
        results.map((r) => r.runs),
        s.steps,
      ),
      {
        metric: `optimizer updates to ${s.target * 100}% test accuracy at p = ${s.p} (censored at ${s.steps})`,
        better: "lower",
        reference: "antitrain",
        arms: GROK_ARMS,
        digits: 0,
        details: {
          summary: grokSummaryRows(runs, GROK_ARMS, s.steps),
          paired: grokPairedRows(runs, GROK_ARMS, s.steps),
          replication: {
            summary: grokSummaryRows(replication, REPLICATION_ARMS, s.replication.steps),
            paired: grokPairedRows(replication, REPLICATION_ARMS, s.replication.steps),
            studySummary: replicationSummary(s, results),
          },
        },
      },
    );
  },
  verdict: grokVerdict,
});
