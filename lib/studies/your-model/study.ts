/**
 * Notebook 18's compression study as one object: after the same update and fine-tuning budget, how few channels of
 * the `tf.layers` CNN's `conv2` does each arm keep within one point of the dense network's validation accuracy?
 * Arms (`CONV_ARMS`): antitraining, plain training cut by importance or by filter L1, and group lasso; antitraining's
 * fraction and group lasso's λ are tuned on separate seeds' validation split.
 */
import type { MethodSettings } from "../compression-arms";
import { type TuneRow, chooseSettings } from "../compression-study";
import { CONV_ARMS, type ConvStudySeed, runConvCompressionSeed, summarizeConvCompression, tuneConvCompressionSeed } from "../conv-compression";
import { defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { type YourModelSettings, checkYourModelSettings, yourModelSettings } from "./settings";
import { yourModelSetup } from "./setup";

const QUESTION = "On a tf.layers CNN, does antitraining let conv2 be cut to fewer channels within one point of the dense validation accuracy than plain training, filter L1 or group lasso?";

/** One seed of the study: the conv study's seed and the wall seconds it took. */
export type YourModelSeed = ConvStudySeed & { readonly seconds: number };

/**
 * The conv compression study of notebook 18. `tune` runs every grid setting on a tuning seed; `choose` picks each
 * method's setting by the fewest channels (ties: validation accuracy at small widths); the headline is each seed's
 * fewest channels within tolerance, per arm, paired against antitraining; `details` holds the compression table
 * (`summarizeConvCompression`) and its headline.
 *
 * @example
 * const run = await st.runStudy(st.yourModelStudy, st.yourModelStudy.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 */
export const yourModelStudy = defineStudy({
  name: "18-your-own-model",
  question: QUESTION,
  arms: CONV_ARMS.map((a) => a.name),
  settings: yourModelSettings,
  check: checkYourModelSettings,
  tune: (s: YourModelSettings, seed: number): TuneRow[] => tuneConvCompressionSeed(yourModelSetup(s), s.grids, seed),
  choose: (s: YourModelSettings, rows: readonly TuneRow[]): Record<string, MethodSettings> => chooseSettings(s.grids, rows).chosen,
  run: (s: YourModelSettings, chosen: Record<string, MethodSettings>, seed: number): YourModelSeed => {
    const started = Date.now();
    const result = runConvCompressionSeed(yourModelSetup(s), chosen, seed);
    return { ...result, seconds: (Date.now() - started) / 1000 };
  },
  summarize: (s: YourModelSettings, results: readonly YourModelSeed[]) => {
    const { summary, headline } = summarizeConvCompression(results, { tolerance: s.tolerance, refK: s.refK });
    const scores = results.map((_, i) => Object.fromEntries(summary.map((a) => [a.arm, a.perSeed[i]])));
    return summarizeScores(scores, {
      metric: `channels of ${s.site} within ${100 * s.tolerance} point of the dense validation accuracy`, better: "lower", reference: "antitrain",
      arms: CONV_ARMS.map((a) => a.name), digits: 1, details: { summary, headline },
    });
  },
  verdict: (summary) => verdictFromSummary(summary, { question: QUESTION, claim: "antitraining keeps fewer channels of conv2 within one point of dense accuracy than every other arm", digits: 1 }),
});
