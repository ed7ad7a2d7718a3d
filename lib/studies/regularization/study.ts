/**
 * Notebook 03's study as one object: can antitraining, tuned only by its fraction, replace a tuned regularizer?
 * Each seed trains every configuration (plain, dropout, L2, L1 on activations, antitraining) at every learning rate
 * with the same update budget; each method's configuration is chosen by mean validation accuracy over the seeds,
 * and its test accuracy is the headline, paired per seed against antitraining's.
 */
import { defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { regularizationData } from "./data";
import { REGULARIZATION_METHODS, type RegularizationSettings, checkRegularizationSettings, regularizationConfigs, regularizationSettings } from "./settings";
import { regularizationTables } from "./summarize";
import { type RegularizationRow, trainRegularizationConfig } from "./train-config";

const QUESTION = "Can antitraining replace tuned regularization (dropout, L2, L1 on activations) at the same update budget?";

/**
 * The regularization study (notebook 03). Nothing is tuned on separate seeds: the selection of each method's
 * configuration uses the study seeds' validation rows, inside `summarize`. One seed's result is its rows (every
 * configuration at every learning rate).
 *
 * @example
 * const run = await st.runStudy(st.regularizationStudy, st.regularizationStudy.settings("quick"), { seeds: [0] });
 * run.summary.details;   // { grid, summary, paired }
 */
export const regularizationStudy = defineStudy({
  name: "03-regularization",
  question: QUESTION,
  arms: REGULARIZATION_METHODS,
  settings: regularizationSettings,
  check: checkRegularizationSettings,
  choose: (): null => null,
  run: (s: RegularizationSettings, _chosen: null, seed: number): RegularizationRow[] => {
    const data = regularizationData(s);
    return regularizationConfigs(s).flatMap((config) => s.learningRates.map((lr) => trainRegularizationConfig(s, data, config, lr, seed)));
  },
  summarize: (s: RegularizationSettings, results: readonly (readonly RegularizationRow[])[]) => {
    const seeds = results.map((rows) => rows[0].seed);
    const { tables, scores } = regularizationTables(results.flat(), regularizationConfigs(s), s.learningRates, seeds);
    return summarizeScores(scores, { metric: "test accuracy at the validation-chosen configuration", better: "higher", reference: "antitraining", arms: REGULARIZATION_METHODS, details: tables });
  },
  verdict: (summary) => verdictFromSummary(summary, { question: QUESTION, claim: "antitraining's chosen configuration beats plain training and every tuned regularizer on test accuracy" }),
});
