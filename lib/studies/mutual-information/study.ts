/**
 * Notebook 11 as a Study: does antitraining leave less pairwise redundancy in a small layer than plain training,
 * dropout and L2 at the same update budget, and than the control "softened plain" (the plain model's logits divided
 * by the temperature that matches antitraining's validation loss: antitraining's confidence without its training)? Redundancy is measured by the exact Shapley interaction index of every
 * pair (every coalition of the 10-unit h1 enumerated), per unit of mean Shapley value, on cross-entropy; each arm's
 * configuration is chosen from nine (antitraining's core fraction and antitrain learning rate jointly, 3 × 3) by
 * validation loss on tuning seeds; the antitrained arm is the reference of every paired difference.
 */
import { type PairedDifference, type StudySummary, type Verdict, defineStudy } from "../study";
import { summarizeScores, verdictFromSummary } from "../summary";
import { type MutualInformationChosen, type MutualInformationSeed, type MutualInformationTuneRow, chooseMutualInformation, runMutualInformationSeed, tuneMutualInformation } from "./run-seed";
import { MUTUAL_INFORMATION_MODELS, type MutualInformationSettings, checkMutualInformationSettings, mutualInformationSettings } from "./settings";
import { type MutualInformationTables, mutualInformationTables } from "./tables";

/** The arm every other is paired against: the antitrained model. */
export const MUTUAL_INFORMATION_REFERENCE = "antitrained";

/** The study's question, as its verdict states it. */
const QUESTION =
  "Does antitraining leave less pairwise redundancy in a small layer (exact Shapley interaction index per unit of Shapley value, on cross-entropy) than plain training, dropout and L2 at the same update budget, each arm's knob chosen on validation — and than plain training softened to antitraining's confidence?";

/**
 * The mutual-information study (registered as "11-mutual-information"). `tune` trains every arm's configurations on a
 * tuning seed (validation loss), `choose` keeps each arm's best, `run` is one seed ({@link runMutualInformationSeed});
 * the summary's `details` hold the results file's tables.
 *
 * @example
 * const run = await st.runStudy(st.mutualInformationStudy, st.mutualInformationStudy.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 * run.verdict.sentence;
 */
export const mutualInformationStudy = defineStudy<MutualInformationSettings, MutualInformationChosen, MutualInformationSeed, MutualInformationTuneRow>({
  name: "11-mutual-information",
  question: QUESTION,
  arms: [...MUTUAL_INFORMATION_MODELS],
  settings: mutualInformationSettings,
  check: checkMutualInformationSettings,
  tune: tuneMutualInformation,
  choose: chooseMutualInformation,
  run: runMutualInformationSeed,
  summarize: (_s, results) =>
    summarizeScores(
      results.map((r) => Object.fromEntries(MUTUAL_INFORMATION_MODELS.map((m) => [m, r.measured[m].exactRatio]))),
      {
        metric: "mean exact pair Shapley interaction / mean Shapley value on h1 (loss)",
        better: "lower",
        reference: MUTUAL_INFORMATION_REFERENCE,
        arms: [...MUTUAL_INFORMATION_MODELS],
        details: mutualInformationTables(results),
      },
    ),
  verdict: (summary) => mutualInformationVerdict(summary),
});

const AGAINST = ["plain", "dropout", "L2", "softened plain"];
const CLAIM = "antitraining leaves less pairwise redundancy than plain training, dropout, L2 and plain training softened to its validation loss";

/**
 * The verdict on the exact index (paired 95% t intervals), followed by where it would flip: the same comparisons
 * judged by Wilcoxon p < 0.05 and by the median's side, and the verdict the library's pairwise measure alone would give.
 *
 * @example
 * mutualInformationVerdict(run.summary).sentence;
 */
export function mutualInformationVerdict(summary: StudySummary): Verdict {
  const v = verdictFromSummary(summary, { question: QUESTION, claim: CLAIM, against: AGAINST });
  const compared = summary.paired.filter((p) => AGAINST.includes(p.arm));
  if (compared.every((p) => p.n < 2)) return v;
  const call = (side: number) => (side > 0 ? "reliably more redundant than antitrained" : side < 0 ? "reliably less redundant" : "no reliable difference");
  const byT = (p: PairedDifference) => call(p.low > 0 ? 1 : p.high < 0 ? -1 : 0);
  const byW = (p: PairedDifference) => call(p.wilcoxonP < 0.05 ? Math.sign(p.median) : 0);
  const flips = compared.filter((p) => byT(p) !== byW(p));
  const wilcoxon = flips.length === 0
    ? "Wilcoxon p < 0.05 on the side of the median gives the same call for every arm"
    : `by Wilcoxon p < 0.05 the call changes for ${flips.map((p) => `${p.arm} (interval: ${byT(p)}; Wilcoxon: ${byW(p)})`).join(", ")}`;
  const library = (summary.details as MutualInformationTables | undefined)?.paired.library;
  const lib = library === undefined ? undefined : verdictFromSummary(library, { question: QUESTION, claim: CLAIM, against: AGAINST });
  const libText = lib === undefined ? "" : ` On the library's pairwise measure alone (joint − singles per single damage) the answer would be ${lib.answer}${lib.answer === v.answer ? ", the same" : ""}.`;
  return { ...v, sentence: `${v.sentence} ${wilcoxon[0].toUpperCase()}${wilcoxon.slice(1)}.${libText}` };
}
