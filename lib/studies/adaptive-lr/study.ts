/**
 * Notebook 13's study as a registered Study: does scaling each unit's learning rate by its information content beat
 * tuned Adam, AdamW and LAMB at the same update budget?
 */
import type { PairedDifference, StudySummary, Verdict } from "../study";
import { defineStudy } from "../study";
import { reliableComparisons, signedInterval, verdictFromSummary } from "../summary";
import { type AdaptiveLrChosen, type AdaptiveLrTuneRow, adaptiveLrSeed, chooseAdaptiveLr, tuneAdaptiveLr } from "./run-seed";
import { ADAPTIVE_LR_ARMS, ADAPTIVE_LR_PEERS, adaptiveLrSettings, checkAdaptiveLrSettings } from "./settings";
import { type AdaptiveLrDetails, summarizeAdaptiveLr } from "./summarize";

const QUESTION = "Does scaling each unit's learning rate by its measured information content beat tuned Adam, AdamW and LAMB at the same update budget?";
const CLAIM = "scaling high-information units' Adam updates up (update · up) reaches a lower test loss than every tuned optimizer (Adam, AdamW, LAMB)";

/** "+0.012 [−0.003, +0.027] (median +0.010, AdamW better on 7/10 seeds, Wilcoxon p = 0.04)": a paired difference in full. */
function pairedText(p: PairedDifference, digits = 3): string {
  const median = signedInterval({ mean: p.median, low: p.median, high: p.median, n: 1 }, digits).split(" ")[0];
  return `${signedInterval(p, digits)} (median ${median}, ${p.arm} better on ${p.wins}/${p.n} seeds, Wilcoxon p = ${p.wilcoxonP.toPrecision(2)})`;
}

/** Which way a paired difference points, by its 95% t interval and, separately, by Wilcoxon at 0.05. */
function direction(p: PairedDifference, better: "lower" | "higher"): { t: "better" | "worse" | "level"; w: "better" | "worse" | "level" } {
  const lower = better === "lower";
  const t = p.n < 2 ? "level" : (lower ? p.high < 0 : p.low > 0) ? "better" : (lower ? p.low > 0 : p.high < 0) ? "worse" : "level";
  const favours = lower ? p.median < 0 : p.median > 0;
  const w = p.wilcoxonP < 0.05 ? (favours ? "better" : "worse") : "level";
  return { t, w };
}

/**
 * The verdict on test loss (the pre-registered metric) against the three tuned peers, with the strongest of them
 * named and compared on test loss and test accuracy, by t interval and by Wilcoxon, and where the statistics
 * disagree it says so; it ends with whether any other information-adaptive variant beats the strongest peer.
 *
 * @example
 * adaptiveLrVerdict(summary).answer;   // "not supported", …
 */
export function adaptiveLrVerdict(summary: StudySummary): Verdict {
  const base = verdictFromSummary(summary, { question: QUESTION, claim: CLAIM, against: ADAPTIVE_LR_PEERS });
  const d = summary.details as AdaptiveLrDetails;
  const ref = summary.reference;
  const strongest = d.strongestPeer;
  const loss = summary.paired.find((p) => p.arm === strongest) as PairedDifference;
  const acc = d.accuracy.paired.find((p) => p.arm === strongest) as PairedDifference;
  const chosen = d.table.find((t) => t.arm === strongest)?.chosen ?? "";
  // Per statistic: is the peer better than update · up, worse, or level?
  const checks = [
    { what: "test loss by t interval", dir: direction(loss, "lower").t },
    { what: "test loss by Wilcoxon", dir: direction(loss, "lower").w },
    { what: "test accuracy by t interval", dir: direction(acc, "higher").t },
    { what: "test accuracy by Wilcoxon", dir: direction(acc, "higher").w },
  ];
  const peerWord = { better: `${strongest} better`, worse: `${ref} better`, level: "no reliable difference" };
  const agree = checks.every((c) => c.dir === checks[0].dir);
  const statLine = loss.n < 2
    ? "one seed: no statistic can show a difference"
    : agree
    ? `every statistic agrees (test loss and accuracy, t interval and Wilcoxon): ${peerWord[checks[0].dir]}`
    : `the statistics disagree: ${checks.map((c) => `${c.what}: ${peerWord[c.dir]}`).join("; ")}`;
  const accAgainst = reliableComparisons(d.accuracy, d.accuracy.paired.filter((p) => ADAPTIVE_LR_PEERS.includes(p.arm)));
  const accLine =
    accAgainst.better.length > 0
      ? `on test accuracy ${accAgainst.better.map((p) => p.arm).join(", ")} ${accAgainst.better.length === 1 ? "is" : "are"} reliably better than ${ref}`
      : accAgainst.worse.length === ADAPTIVE_LR_PEERS.length
        ? `on test accuracy ${ref} is reliably better than every peer`
        : `on test accuracy no peer is reliably better than ${ref}`;
  const others = d.versusStrongest.filter((v) => v.variant !== ref);
  const beats = others.filter((v) => direction(v.loss, "lower").t === "worse");
  const beaten = others.filter((v) => direction(v.loss, "lower").t === "better");
  const otherLine =
    beats.length > 0
      ? `Of the other information-adaptive variants, ${beats.map((v) => v.variant).join(", ")} reliably beat${beats.length === 1 ? "s" : ""} ${strongest} on test loss`
      : `No other information-adaptive variant beats ${strongest} on test loss (${beaten.length > 0 ? `${beaten.map((v) => v.variant).join(", ")} reliably worse, ` : ""}${others.length - beaten.length} level)`;
  const sentence =
    `${base.sentence.replace(/\.$/, "")}. Against the strongest tuned optimizer, ${strongest} (${chosen}, chosen on validation): ` +
    `test loss ${strongest} − ${ref} = ${pairedText(loss)}; test accuracy ${strongest} − ${ref} = ${pairedText(acc)}; ${statLine}; ${accLine}. ${otherLine}.`;
  const numbers = [
    ...base.numbers,
    `test accuracy ${strongest} − ${ref}: ${pairedText(acc)}`,
    ...others.map((v) => `test loss ${strongest} − ${v.variant}: ${pairedText(v.loss)}`),
  ];
  return { question: QUESTION, answer: base.answer, sentence, numbers };
}

/**
 * Notebook 13's study: every arm's configuration (the same number per arm: learning rate, and weight decay for
 * AdamW and LAMB) is chosen by validation loss on separate tuning seeds (`tuneAdaptiveLr`, `chooseAdaptiveLr`); each
 * study seed then trains every arm at its choice for the same number of updates (`adaptiveLrSeed`). The summary pairs
 * final test loss against update · up; the verdict asks whether it beats the tuned peers.
 *
 * @example
 * const run = await st.runStudy(st.adaptiveLrStudy, st.adaptiveLrStudy.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 */
export const adaptiveLrStudy = defineStudy({
  name: "13-adaptive-learning-rate",
  question: QUESTION,
  arms: ADAPTIVE_LR_ARMS,
  settings: adaptiveLrSettings,
  check: checkAdaptiveLrSettings,
  tune: (s, seed): AdaptiveLrTuneRow[] => tuneAdaptiveLr(s, seed),
  choose: (s, rows: readonly AdaptiveLrTuneRow[]): AdaptiveLrChosen => chooseAdaptiveLr(s, rows),
  run: (s, chosen: AdaptiveLrChosen, seed) => adaptiveLrSeed(s, chosen, seed),
  summarize: (_s, results) => summarizeAdaptiveLr(results),
  verdict: adaptiveLrVerdict,
});
