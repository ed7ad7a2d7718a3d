/**
 * Notebook 05's study as one object: at the same optimizer-update budget (antitrain steps counted), does interleaved
 * or cyclic antitraining concentrate a layer into a smaller 95% core, and where does antitraining stand against plain
 * training and group lasso, the strongest published concentrator of notebook 01? Every arm's knobs are chosen on the
 * validation split of separate tuning seeds; the headline is the test-split 95% core, paired per seed against
 * interleaved antitraining.
 */
import { defineStudy, type PairedDifference, type StudySummary, type Verdict } from "../study";
import { interval, reliableComparisons, signedInterval, signedNumber, verdictFromSummary } from "../summary";
import { type ScheduleRun, type SchedulesTuneRow, runSchedulesSeed, tuneSchedulesSeed } from "./run-schedules";
import { SCHEDULES, type SchedulesChoice, type SchedulesSettings, checkSchedulesSettings, schedulesSettings } from "./settings";
import { type SchedulesTables, chooseSchedules, summarizeSchedules } from "./summarize";

const QUESTION = "At the same budget, which antitraining schedule, interleaved or cyclic, concentrates a layer into a smaller core?";
const CLAIM = "interleaved antitraining leaves a smaller test-split 95% core than cyclic antitraining at the same number of optimizer updates";
const PEER = "group lasso";

/** "+1.2 [−0.3, +2.7], median +1.0, Wilcoxon p = 0.04, 7/10 seeds better". */
function pairedText(p: PairedDifference, digits: number): string {
  return `${signedInterval(p, digits)}, median ${signedNumber(p.median, digits)}, Wilcoxon p = ${p.wilcoxonP.toPrecision(2)}, ${p.wins}/${p.n} seeds better`;
}

/**
 * Whether the t interval's answer on one paired difference holds under the Wilcoxon signed-rank test (p < 0.05) and
 * the median's side; names the statistic where it flips.
 *
 * @example
 * robustnessLine(cyclicMinusInterleaved, "lower");   // "It holds under the Wilcoxon test (p = 0.002) and the median (+31.0)."
 */
export function robustnessLine(p: PairedDifference, better: "lower" | "higher"): string {
  const sign = better === "lower" ? -1 : 1;
  const tSays = p.n > 1 && (p.low > 0 || p.high < 0) ? (sign * p.mean > 0 ? "better" : "worse") : "neither";
  const wSays = p.wilcoxonP < 0.05 ? (sign * p.median > 0 || (p.median === 0 && sign * p.mean > 0) ? "better" : "worse") : "neither";
  const mSide = p.median === 0 ? "neither" : sign * p.median > 0 ? "better" : "worse";
  const arm = `${p.arm} − ${p.reference}`;
  const flips: string[] = [];
  if (wSays !== tSays) flips.push(`the Wilcoxon test (p = ${p.wilcoxonP.toPrecision(2)}) ${wSays === "neither" ? "finds no reliable difference" : `finds ${p.arm} reliably ${wSays}`}`);
  if (tSays !== "neither" && mSide !== tSays) flips.push(`the median of ${arm} (${signedNumber(p.median, 1)}) ${mSide === "neither" ? "is zero" : "lies on the other side"}`);
  if (flips.length === 0) return `It holds under the Wilcoxon test (p = ${p.wilcoxonP.toPrecision(2)}) and the median of ${arm} (${signedNumber(p.median, 1)}).`;
  return `Where it flips: ${flips.join("; ")}.`;
}

/** Where `arm` stands against interleaved antitraining on the core, in words. */
function standing(summary: StudySummary, p: PairedDifference): string {
  const { better, worse } = reliableComparisons(summary, [p]);
  const what = better.length > 0 ? `a reliably smaller core than interleaved antitraining` : worse.length > 0 ? `a reliably larger core than interleaved antitraining` : `a core not distinguishable from interleaved antitraining's`;
  return `${p.arm} leaves ${what} (${p.arm} − interleaved ${signedInterval(p, 1)} units, Wilcoxon p = ${p.wilcoxonP.toPrecision(2)})`;
}

/**
 * The verdict: the answer on the fixed scale is interleaved against cyclic (the question); then whether it holds
 * under the Wilcoxon test and the median, and where interleaved antitraining stands against plain training and the
 * group-lasso peer, with the paired test accuracy and loss beside.
 *
 * @example
 * const v = schedulesVerdict(run.summary);   // v.answer: "supported" when interleaved's core is reliably smaller than cyclic's
 */
export function schedulesVerdict(summary: StudySummary): Verdict {
  const base = verdictFromSummary(summary, { question: QUESTION, claim: CLAIM, against: ["cyclic"], digits: 1 });
  const find = (s: StudySummary, arm: string) => s.paired.find((p) => p.arm === arm) as PairedDifference;
  const cyc = find(summary, "cyclic");
  const details = summary.details as SchedulesTables | undefined;
  const ref = summary.arms.find((a) => a.arm === "interleaved");
  const costs = (arm: string) =>
    details === undefined ? "" : `; test accuracy ${signedInterval(find(details.accuracy, arm), 3)}, test loss ${signedInterval(find(details.loss, arm), 3)}`;
  const robust = cyc.n > 1 ? ` ${robustnessLine(cyc, summary.better)}` : "";
  const sentence = `${base.sentence}${robust} Against plain training at the same updates, ${standing(summary, find(summary, "plain"))}; against the published peer, ${standing(summary, find(summary, PEER))}.`;
  const numbers = [
    ref === undefined ? "" : `interleaved: test-split 95% core ${interval(ref, 1)} (median ${ref.median.toFixed(1)})`,
    ...["cyclic", "plain", PEER].map((arm) => `${arm} − interleaved: core ${pairedText(find(summary, arm), 1)}${costs(arm)}`),
  ].filter((n) => n !== "");
  return { ...base, sentence, numbers };
}

/**
 * The schedules study (notebook 05). Tuning seeds run plain training and every configuration of every grid, scored on
 * the validation split; each study seed runs the four arms at the chosen knobs. One seed's result is its four runs.
 *
 * @example
 * const run = await st.runStudy(st.schedulesStudy, st.schedulesStudy.settings("full"), { seeds: [0, 1], tuneSeeds: [100, 101] });
 * run.summary.details;   // { aggregate, accuracy, loss, valCore, reattachment }
 */
export const schedulesStudy = defineStudy<SchedulesSettings, SchedulesChoice, ScheduleRun[], SchedulesTuneRow>({
  name: "05-schedules",
  question: QUESTION,
  arms: SCHEDULES,
  settings: schedulesSettings,
  check: checkSchedulesSettings,
  tune: tuneSchedulesSeed,
  choose: (s, rows) => chooseSchedules(s, rows).chosen,
  run: runSchedulesSeed,
  summarize: summarizeSchedules,
  verdict: schedulesVerdict,
});
