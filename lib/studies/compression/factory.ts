/**
 * One factory for the four compression studies (notebooks 04, 15, 16 and 17): a preset names the study, its
 * question and claim, and its tiny, quick and full settings; the protocol is the same for all of them —
 * `tuneCompressionSeed` on each tuning seed (validation split only), `chooseSettings`, `runCompressionSeed` per
 * seed, {@link summarizeCompressionStudy}, and the verdict on the fewest units within tolerance, against antitraining.
 */
import { AntitrainError } from "../../base/errors";
import { requireOneOf } from "../../base/validate";
import { type StudySeed, type TuneRow, chooseSettings, runCompressionSeed, tuneCompressionSeed } from "../compression-study";
import { STUDY_SIZES, type Study, type StudySize, type StudySummary, type Verdict, defineStudy } from "../study";
import { verdictFromSummary } from "../summary";
import { type CompressionChoice, type CompressionSettings, checkCompressionSettings, compressionArmNames, compressionSetup } from "./settings";
import { robustLine } from "./robust";
import { type CompressionDetails, summarizeCompressionStudy } from "./summary";

/** A compression study's name, question, claim and settings. */
export interface CompressionPreset {
  /** The notebook's name, e.g. "04-compression". */
  readonly name: string;
  readonly question: string;
  /** What the verdict says holds when antitraining needs reliably fewer units than every other arm. */
  readonly claim: string;
  readonly settings: Readonly<Record<StudySize, CompressionSettings>>;
  /** The verdict when the question is not "does antitraining need fewer units than every other arm" (16's asks about its best variant). */
  readonly verdict?: (summary: StudySummary) => Verdict;
}

/** A compression study, with its types. */
export type CompressionStudy = Study<CompressionSettings, CompressionChoice, StudySeed, TuneRow>;

/**
 * Each grid's chosen setting from the tuning rows (fewest units, mean over tuning seeds; ties: validation accuracy at
 * k ≤ 32). Without rows, only one-entry grids can be chosen.
 *
 * @example
 * const chosen = chooseCompression(settings, rows);   // { antitrain: { fraction: 0.5 }, slimming: { lambda: 0.03 }, … }
 */
export function chooseCompression(settings: CompressionSettings, rows: readonly TuneRow[]): CompressionChoice {
  if (rows.length > 0) return chooseSettings(settings.grids, rows).chosen;
  const open = Object.keys(settings.grids).filter((m) => settings.grids[m].length > 1);
  if (open.length > 0) throw new AntitrainError(`the grids of ${open.join(", ")} have several settings to choose from: run tuning seeds (runStudy's tuneSeeds, e.g. [100])`);
  return Object.fromEntries(Object.entries(settings.grids).map(([m, grid]) => [m, grid[0]]));
}

/** The verdict with one more line: its answer under every robust statistic the summary's details carry, or where it flips. */
function withRobustLine(summary: StudySummary, verdict: Verdict): Verdict {
  const robust = (summary.details as Partial<CompressionDetails> | undefined)?.robust;
  return robust === undefined ? verdict : { ...verdict, numbers: [...verdict.numbers, robustLine(verdict.answer, robust)] };
}

/**
 * A registered-ready compression study from its preset (settings are handed out as fresh copies, so a notebook's
 * changes never reach the preset).
 *
 * @example
 * export const digitsCompression = compressionStudy({ name: "04-compression", question: "…", claim: "…", settings: { tiny, quick, full } });
 * const run = await runStudy(digitsCompression, digitsCompression.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 */
export function compressionStudy(preset: CompressionPreset): CompressionStudy {
  for (const size of STUDY_SIZES) checkCompressionSettings(preset.settings[size]);
  return defineStudy<CompressionSettings, CompressionChoice, StudySeed, TuneRow>({
    name: preset.name,
    question: preset.question,
    arms: compressionArmNames(preset.settings.full.arms),
    settings: (size) => structuredClone(preset.settings[requireOneOf(size, STUDY_SIZES, "the settings' size")]) as CompressionSettings,
    check: checkCompressionSettings,
    tune: (settings, seed) => tuneCompressionSeed(compressionSetup(settings), settings.grids, seed, settings.arms),
    choose: chooseCompression,
    run: (settings, chosen, seed) => runCompressionSeed(compressionSetup(settings), chosen, seed, { arms: settings.arms }),
    summarize: summarizeCompressionStudy,
    verdict: preset.verdict ?? ((summary) => withRobustLine(summary, verdictFromSummary(summary, { question: preset.question, claim: preset.claim, digits: 1 }))),
  });
}
