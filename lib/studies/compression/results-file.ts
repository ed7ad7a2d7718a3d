import type { StudyRun } from "../run-study";
import type { StudySeed, TuneRow } from "../compression-study";
import { type CompressionChoice, type CompressionSettings, compressionSplit } from "./settings";
import { compressionDetails } from "./summary";

/**
 * The fields every compression notebook (04, 15, 16, 17) writes to its results file, from its run: the settings'
 * knobs, the tuning and choice, the old summary table and headline, every seed's result, and the run's verdict,
 * summary and provenance. A notebook adds its own fields (15 and 17 the subsample, 16 its arms and best variant).
 * `hidden` is the one hidden width when the MLP has one layer, else the list, as the results files have it.
 *
 * @example
 * nb.writeResults("04-compression", st.compressionResultsFile(run, { quick: QUICK, seeds: SEEDS, tuneSeeds: TUNE_SEEDS }));
 */
export function compressionResultsFile(
  run: StudyRun<CompressionSettings, CompressionChoice, StudySeed, TuneRow>,
  options: { quick: boolean; seeds: readonly number[]; tuneSeeds: readonly number[] },
): Record<string, unknown> {
  const s = run.settings;
  const details = compressionDetails(run.summary);
  return {
    quick: options.quick,
    seeds: options.seeds,
    tuneSeeds: options.tuneSeeds,
    hidden: s.hidden.length === 1 ? s.hidden[0] : s.hidden,
    pretrain: s.pretrain,
    updates: s.updates,
    cycle: s.cycle,
    finetune: s.finetune,
    keep: s.keep,
    scratchKeep: s.scratchKeep,
    tolerance: s.tolerance,
    refK: s.refK,
    grids: s.grids,
    chosen: run.chosen,
    tuning: run.tuning,
    split: compressionSplit(s),
    headline: details.headline,
    summary: details.summary,
    results: run.results,
    seconds: run.provenance.elapsedSeconds,
    verdict: run.verdict,
    studySummary: run.summary,
    provenance: run.provenance,
  };
}
