/**
 * Notebook 10's two studies as Study objects: heads, MLP neurons and residual dimensions of a modular-addition
 * transformer as units (`transformerCompressionStudy`), and the same on a character-level language model
 * (`charLmCompressionStudy`). Both compare the notes' randomization ranking with weight magnitude and Michel et
 * al.'s gradient importance; their tables (units needed, antitraining against plain continued training) are in the
 * summary's details.
 */
import { defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { type LmSeed, charLmSeed, lmSites } from "./lm-seed";
import { type ModularSeed, modularCompressionSeed } from "./modular-seed";
import {
  type CharLmSettings,
  type ModularCompressionSettings,
  UNIT_RANKINGS,
  charLmSettings,
  checkCharLm,
  checkModularCompression,
  modularCompressionSettings,
} from "./settings";
import { lmNeededRows, lossTopHalf, modularNeededRows, unitsFor95 } from "./tables";

const MODULAR_QUESTION = "Does the randomization ranking (information content) keep a modular-addition transformer's accuracy with fewer MLP neurons than weight magnitude or gradient importance?";
const LM_QUESTION = "Does the randomization ranking keep a character-level language model's test loss lower than weight magnitude or gradient importance when half of a site's units are removed?";

/**
 * Notebook 10's modular-addition study. Arms: the three rankings. Headline: MLP neurons (blocks.0.mlp) kept for 95%
 * of the clean test accuracy, lower is better, randomization the reference. Details: the trained accuracies, units
 * needed per site and ranking, and the antitraining table.
 *
 * @example
 * const run = await st.runStudy(st.transformerCompressionStudy, st.transformerCompressionStudy.settings("quick"), { seeds: [0] });
 */
export const transformerCompressionStudy = defineStudy({
  name: "10-transformer-compression",
  question: MODULAR_QUESTION,
  arms: UNIT_RANKINGS,
  settings: modularCompressionSettings,
  check: checkModularCompression,
  choose: () => null,
  run: (s: ModularCompressionSettings, _chosen: null, seed: number): ModularSeed => modularCompressionSeed(s, seed),
  summarize: (s: ModularCompressionSettings, results: readonly ModularSeed[]) => {
    const perSeed = results.map((r) =>
      Object.fromEntries(r.curves.filter((c) => c.site === "blocks.0.mlp").map((c) => [c.ranking, unitsFor95(c, r.trained.clean)])),
    );
    const curves = results.flatMap((r) => r.curves);
    const trained = results.map((r) => r.trained);
    return summarizeScores(perSeed, {
      metric: `MLP neurons kept for 95% of the clean test accuracy (of ${s.model.dMlp}, p = ${s.p})`,
      better: "lower",
      reference: "randomization",
      arms: UNIT_RANKINGS,
      digits: 1,
      details: { trained, needed: modularNeededRows(curves, trained, s.sites), antitraining: results.flatMap((r) => r.anti) },
    });
  },
  verdict: (summary) =>
    verdictFromSummary(summary, { question: MODULAR_QUESTION, claim: "the randomization ranking needs fewer MLP neurons than both other rankings", digits: 1 }),
});

/**
 * Notebook 10's character-level language model study. Arms: the three rankings. Headline: test loss (nats) with
 * the top half of a site's units kept, averaged over the six sites, lower is better, randomization the reference.
 * Details: units needed per site and ranking, and the antitraining table.
 *
 * @example
 * const run = await st.runStudy(st.charLmCompressionStudy, st.charLmCompressionStudy.settings("quick"), { seeds: [0] });
 */
export const charLmCompressionStudy = defineStudy({
  name: "10-transformer-compression-lm",
  question: LM_QUESTION,
  arms: UNIT_RANKINGS,
  settings: charLmSettings,
  check: checkCharLm,
  choose: () => null,
  run: (s: CharLmSettings, _chosen: null, seed: number): LmSeed => charLmSeed(s, seed),
  summarize: (s: CharLmSettings, results: readonly LmSeed[]) => {
    const sites = lmSites(s.model.layers);
    const perSeed = results.map((r) =>
      Object.fromEntries(
        UNIT_RANKINGS.map((ranking) => {
          const losses = r.curves.filter((c) => c.ranking === ranking).map(lossTopHalf);
          return [ranking, losses.reduce((a, b) => a + b, 0) / losses.length];
        }),
      ),
    );
    return summarizeScores(perSeed, {
      metric: `test loss (nats) with the top half of a site's units kept, mean over the ${sites.length} sites`,
      better: "lower",
      reference: "randomization",
      arms: UNIT_RANKINGS,
      digits: 3,
      details: { needed: lmNeededRows(results, sites), antitraining: results.flatMap((r) => r.anti.map((row) => ({ seed: r.seed, ...row }))) },
    });
  },
  verdict: (summary) => verdictFromSummary(summary, { question: LM_QUESTION, claim: "the randomization ranking keeps a lower loss than both other rankings" }),
});
