/** Notebook 14's study as a registered Study: does a learnable activation shape beat fixed ReLU at the same budget? */
import { defineStudy, type StudySummary, type Verdict } from "../study";
import { signedInterval, verdictFromSummary } from "../summary";
import { activationShapesSeed } from "./run-seed";
import { SHAPE_MODELS, activationShapesSettings, checkActivationShapesSettings } from "./settings";
import { type ShapeStats, summarizeActivationShapes } from "./summarize";

const QUESTION = "Which activation shape does a network learn between sigmoid and ReLU, and does the learnable shape beat fixed ReLU at the same budget?";

/**
 * Notebook 14's study: per seed every model of both tasks (`activationShapesSeed`); nothing is tuned. The summary pairs
 * each model's modular-addition test accuracy with the per-layer tunable model's; the verdict asks whether it beats ReLU.
 *
 * @example
 * const run = await st.runStudy(st.activationShapesStudy, st.activationShapesStudy.settings("quick"), { seeds: [0] });
 */
export const activationShapesStudy = defineStudy({
  name: "14-activation-shapes",
  question: QUESTION,
  arms: ["tunable · layer", ...SHAPE_MODELS.filter((m) => m !== "tunable · layer")],
  settings: activationShapesSettings,
  check: checkActivationShapesSettings,
  choose: () => null,
  run: (s, _chosen: null, seed) => activationShapesSeed(s, seed),
  summarize: (s, results) => summarizeActivationShapes(s, results),
  verdict: activationShapesVerdict,
});

/**
 * The verdict on the question as asked, over both tasks: the per-layer learnable shape must beat fixed ReLU on
 * modular addition (paired interval) and on the digits too; beating it on one task and tying on the other is "mixed".
 *
 * @example
 * activationShapesVerdict(summarizeActivationShapes(settings, results)).answer;
 */
export function activationShapesVerdict(summary: StudySummary): Verdict {
  const v = verdictFromSummary(summary, {
    question: QUESTION,
    claim: "a per-layer learnable activation shape generalizes to held-out modular-addition pairs better than fixed ReLU at the same budget",
    against: ["relu"],
  });
  const table = (summary.details as { table?: Record<string, Record<string, ShapeStats>> } | undefined)?.table;
  const digits = table?.digits?.["tunable · layer"]?.dTestAccuracy;
  if (v.answer !== "supported" || digits === undefined || !(digits.n > 1)) return v;
  const onDigits = `on the digits, tunable · layer − relu test accuracy ${signedInterval(digits)}`;
  if (digits.low > 0) return { ...v, numbers: [...v.numbers, onDigits] };
  return {
    ...v,
    answer: "mixed",
    sentence:
      "Mixed: the per-layer learnable shape beats fixed ReLU on held-out modular-addition pairs " +
      `(${v.numbers[1] ?? v.sentence}), but not on the digits: ${onDigits}.`,
    numbers: [...v.numbers, onDigits],
  };
}
