/** The quickstart's ten-seed study (notebook 00, section 5) as a registered Study. */
import { studyData } from "../data";
import { type ConcentrationSeed, type ConcentrationSetup, CONCENTRATION_REFERENCE, runConcentrationSeed, summarizeConcentration } from "../concentration-study";
import type { MethodSettings } from "../compression-arms";
import { defineStudy, type StudySummary } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { QUICKSTART_ARMS, type QuickstartSettings, checkQuickstartSettings, quickstartSettings } from "./settings";

const QUESTION = "Does antitraining the 50% core leave a smaller 95% core than plain training, the true-label controls and the published ways of concentrating information, at the same update budget?";

/**
 * The concentration study's setup for these settings: the digits' train, validation and test splits (built once per
 * process), a 64 → width → 10 MLP measured at "h1", no spectator probes.
 *
 * @example
 * const setup = quickstartSetup(quickstartSettings("quick"));   // setup.updates === 400
 */
export function quickstartSetup(s: QuickstartSettings): ConcentrationSetup {
  const { train, validation, test } = studyData(s.data);
  return {
    train,
    validation: validation as NonNullable<typeof validation>,
    test,
    inputs: 64,
    hidden: [s.width],
    classes: 10,
    site: "h1",
    pretrain: s.pretrain,
    updates: s.updates,
    cycle: s.cycle,
    fraction: s.fraction,
    tolerance: s.tolerance,
    probeFractions: [],
  };
}

/**
 * The one summary: each arm's validation 95% core (units) per seed, paired against antitraining 0.5; `details` holds
 * the concentration study's own table and headline (`summarizeConcentration`).
 *
 * @example
 * const summary = summarizeQuickstart(settings, results);   // summary.paired.find((p) => p.arm === "plain")
 */
export function summarizeQuickstart(s: QuickstartSettings, results: readonly ConcentrationSeed[]): StudySummary {
  const perSeed = results.map((r) => Object.fromEntries(r.runs.map((run) => [run.arm, run.core])));
  return summarizeScores(perSeed, {
    metric: `units in the validation ${+(100 * s.fraction).toFixed(2)}% core (of ${s.width})`,
    better: "lower",
    reference: CONCENTRATION_REFERENCE,
    arms: s.arms,
    digits: 1,
    details: summarizeConcentration(results, s.tolerance),
  });
}

/**
 * The quickstart's study: per seed one pretrained MLP continued by every arm for the same updates
 * (`runConcentrationSeed`, notebook 01's study), the baselines at 01's knobs; nothing is tuned here.
 *
 * @example
 * const run = await st.runStudy(st.quickstartStudy, st.quickstartStudy.settings("quick"), { seeds: [0] });
 */
export const quickstartStudy = defineStudy({
  name: "00-quickstart",
  question: QUESTION,
  arms: QUICKSTART_ARMS,
  settings: quickstartSettings,
  check: checkQuickstartSettings,
  choose: (s: QuickstartSettings): Readonly<Record<string, MethodSettings>> => s.chosen,
  run: (s, chosen, seed) => runConcentrationSeed(quickstartSetup(s), chosen, seed, { arms: s.arms }),
  summarize: summarizeQuickstart,
  verdict: (summary) =>
    verdictFromSummary(summary, {
      question: QUESTION,
      claim: "antitraining the 50% core leaves a smaller validation 95% core than every other arm",
      digits: 1,
    }),
});
