/** Tables and charts of notebook 13's information-adaptive learning-rate study. */
import type { Interval } from "../base/statistics";
import type { AdaptiveLrCurve, AdaptiveLrTuneRow } from "../studies/adaptive-lr/run-seed";
import { ADAPTIVE_LR_ARMS } from "../studies/adaptive-lr/settings";
import type { AdaptiveLrDetails } from "../studies/adaptive-lr/summarize";
import type { PairedDifference, StudySummary } from "../studies/study";
import { plusMinus, signedInterval } from "../studies/summary";
import { axes, chart } from "./plot";

/** "mean ±half-width of the 95% CI" with a unit after each number (st.plusMinus). */
const meanPm = (i: Interval | undefined, d = 4, unit = "") => (i === undefined ? "" : plusMinus(i, d, unit));
const signed = (x: number, d: number) => signedInterval({ mean: x, low: x, high: x, n: 1 }, d).split(" ")[0];

/**
 * The tuning table's rows (for `nb.htmlTable`): per arm and configuration the mean validation loss over the tuning
 * seeds ("diverged" when a run did), the chosen one marked.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.adaptiveLrTuningRows(run.tuning, run.chosen)));
 */
export function adaptiveLrTuningRows(tuning: readonly AdaptiveLrTuneRow[], chosen: Readonly<Record<string, { label: string }>>): Record<string, string>[] {
  return ADAPTIVE_LR_ARMS.flatMap((arm) => {
    const labels = [...new Set(tuning.filter((r) => r.arm === arm).map((r) => r.label))];
    return labels.map((label) => {
      const mine = tuning.filter((r) => r.arm === arm && r.label === label);
      const failed = mine.some((r) => r.valLoss === null);
      const mean = (k: "valLoss" | "valAccuracy") => mine.reduce((a, r) => a + (r[k] as number), 0) / mine.length;
      return {
        arm, config: label,
        valLoss: failed ? "diverged" : mean("valLoss").toFixed(4),
        valAcc: failed ? "" : mean("valAccuracy").toFixed(4),
        chosen: chosen[arm]?.label === label ? "✓" : "",
      };
    });
  });
}

/**
 * The results table's rows: per arm its chosen configuration, test accuracy and loss (mean ± 95% half-width, and the
 * median), training loss and seconds.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.adaptiveLrTableRows(run.summary)));
 */
export function adaptiveLrTableRows(summary: StudySummary): Record<string, string>[] {
  const d = summary.details as AdaptiveLrDetails;
  return d.table.map((s) => ({
    arm: s.arm, chosen: s.chosen,
    testAcc: meanPm(s.testAccuracy), medianAcc: s.medianTestAccuracy.toFixed(4),
    testLoss: meanPm(s.testLoss), medianLoss: s.medianTestLoss.toFixed(4),
    trainLoss: meanPm(s.trainLoss), seconds: meanPm(s.seconds, 1, " s"),
    scales: s.minScale === 1 && s.maxScale === 1 ? "—" : `${s.minScale.toFixed(2)}…${s.maxScale.toFixed(1)}`,
  }));
}

const pairedCells = (p: PairedDifference, d: number) => ({ mean: signedInterval(p, d), median: signed(p.median, d), wins: `${p.wins}/${p.n}`, p: p.wilcoxonP.toPrecision(2) });

/**
 * The paired table's rows: per arm but update · up its test loss and test accuracy minus update · up's on the same
 * seed (mean [95% t interval], median, seeds where the arm is better, Wilcoxon p).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.adaptiveLrPairedRows(run.summary)));
 */
export function adaptiveLrPairedRows(summary: StudySummary): Record<string, string>[] {
  const d = summary.details as AdaptiveLrDetails;
  return summary.paired.map((p) => {
    const a = d.accuracy.paired.find((x) => x.arm === p.arm) as PairedDifference;
    const l = pairedCells(p, 4);
    const c = pairedCells(a, 4);
    return { arm: `${p.arm} − ${p.reference}`, dTestLoss: l.mean, medianDLoss: l.median, lowerLoss: l.wins, pLoss: l.p, dTestAcc: c.mean, medianDAcc: c.median, higherAcc: c.wins, pAcc: c.p };
  });
}

/**
 * Every information-adaptive variant against the strongest tuned peer, paired per seed (peer − variant).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.adaptiveLrVersusRows(run.summary)));
 */
export function adaptiveLrVersusRows(summary: StudySummary): Record<string, string>[] {
  const d = summary.details as AdaptiveLrDetails;
  return d.versusStrongest.map((v) => {
    const l = pairedCells(v.loss, 4);
    const c = pairedCells(v.accuracy, 4);
    return { pair: `${v.peer} − ${v.variant}`, dTestLoss: l.mean, medianDLoss: l.median, peerLowerLoss: l.wins, pLoss: l.p, dTestAcc: c.mean, medianDAcc: c.median, peerHigherAcc: c.wins, pAcc: c.p };
  });
}

/**
 * The learning curves (HTML): per arm the validation loss at each checkpoint, averaged over seeds, on a log axis.
 *
 * @example
 * tslab.display.html(nb.adaptiveLrCurvesChart(curves));
 */
export function adaptiveLrCurvesChart(curves: readonly AdaptiveLrCurve[]): string {
  const y = "validation cross-entropy (mean over seeds)";
  const traces = ADAPTIVE_LR_ARMS.map((arm) => {
    const cs = curves.filter((k) => k.arm === arm);
    return { type: "scatter", mode: "lines+markers", name: arm, x: cs[0]?.step ?? [], y: (cs[0]?.step ?? []).map((_, i) => cs.reduce((a, k) => a + k.loss[i], 0) / cs.length) };
  });
  return chart(traces, { ...axes("training step (optimizer updates)", y, "Validation loss at each arm's chosen configuration"), yaxis: { title: { text: y }, type: "log" } });
}
