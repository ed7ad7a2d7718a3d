/**
 * Notebook 13's tables: per arm its chosen configuration and test numbers, the paired differences to update · up on
 * test loss and test accuracy, every information-adaptive variant against the strongest tuned peer, and the summary.
 */
import { AntitrainError } from "../../base/errors";
import { type Interval, meanCI } from "../../base/statistics";
import type { PairedDifference, StudySummary } from "../study";
import { quantile, summarizeScores } from "../summary";
import type { AdaptiveLrCurve, AdaptiveLrRow, AdaptiveLrSeed } from "./run-seed";
import { ADAPTIVE_LR_ARMS, ADAPTIVE_LR_ARM_LIST, ADAPTIVE_LR_PEERS } from "./settings";

/** The arm the study's summary pairs against: the notes' idea taken literally, high-information units' updates scaled up. */
export const ADAPTIVE_LR_REFERENCE = "update · up";

/** One arm over seeds at its chosen configuration. */
export interface AdaptiveLrStats {
  readonly arm: string;
  /** The chosen configuration ("lr 0.001, wd 0.1") and its mean validation loss on the tuning seeds. */
  readonly chosen: string;
  readonly tuningValLoss: number;
  readonly testAccuracy: Interval;
  readonly testLoss: Interval;
  readonly medianTestLoss: number;
  readonly medianTestAccuracy: number;
  readonly valLoss: Interval;
  readonly trainLoss: Interval;
  readonly seconds: Interval;
  /** Smallest and largest per-unit scale at the end of training over all seeds (1 and 1 for the peers). */
  readonly minScale: number;
  readonly maxScale: number;
}

/** An information-adaptive variant against the strongest tuned peer, paired per seed (peer − variant). */
export interface AdaptiveLrVersusPeer {
  readonly variant: string;
  readonly peer: string;
  readonly loss: PairedDifference;
  readonly accuracy: PairedDifference;
}

/** The study's own tables (a summary's `details`). */
export interface AdaptiveLrDetails {
  readonly table: AdaptiveLrStats[];
  /** Test accuracy over seeds, paired against update · up (the same shape as the headline summary). */
  readonly accuracy: StudySummary;
  /** The tuned peer (Adam, AdamW, LAMB) with the lowest mean test loss. */
  readonly strongestPeer: string;
  readonly versusStrongest: AdaptiveLrVersusPeer[];
}

/** Every seed's rows, seed by seed (arms in table order). */
export function adaptiveLrRows(results: readonly AdaptiveLrSeed[]): AdaptiveLrRow[] {
  return results.flatMap((r) => r.rows);
}

/** Every seed's validation learning curves, seed by seed. */
export function adaptiveLrCurves(results: readonly AdaptiveLrSeed[]): AdaptiveLrCurve[] {
  return results.flatMap((r) => r.curves);
}

const median = (xs: readonly number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);

/**
 * Per arm (table order) its {@link AdaptiveLrStats} over the seeds of `results`.
 *
 * @example
 * const table = adaptiveLrTable(run.results);   // table[0].chosen: update · up's learning rate
 */
export function adaptiveLrTable(results: readonly AdaptiveLrSeed[]): AdaptiveLrStats[] {
  if (results.length === 0) throw new AntitrainError("adaptiveLrTable needs at least one seed's result");
  const rows = adaptiveLrRows(results);
  return ADAPTIVE_LR_ARMS.map((arm) => {
    const mine = rows.filter((r) => r.arm === arm);
    const pick = (k: "testAccuracy" | "testLoss" | "valLoss" | "trainLoss" | "seconds") => mine.map((r) => r[k]);
    const choice = results[0].chosen[arm];
    return {
      arm, chosen: choice.label, tuningValLoss: choice.valLoss,
      testAccuracy: meanCI(pick("testAccuracy")), testLoss: meanCI(pick("testLoss")), medianTestLoss: median(pick("testLoss")), medianTestAccuracy: median(pick("testAccuracy")),
      valLoss: meanCI(pick("valLoss")), trainLoss: meanCI(pick("trainLoss")), seconds: meanCI(pick("seconds")),
      minScale: Math.min(...mine.map((r) => r.minScale)), maxScale: Math.max(...mine.map((r) => r.maxScale)),
    };
  });
}

const scores = (results: readonly AdaptiveLrSeed[], key: "testLoss" | "testAccuracy") => results.map((r) => Object.fromEntries(r.rows.map((row) => [row.arm, row[key]])));

/**
 * The one summary: test cross-entropy at the budget per arm (each at its validation-chosen configuration), paired
 * per seed against update · up; `details` ({@link AdaptiveLrDetails}) holds the table, the same on test accuracy,
 * the strongest tuned peer and every information-adaptive variant against it.
 *
 * @example
 * const summary = summarizeAdaptiveLr(run.results);   // summary.paired.find((p) => p.arm === "AdamW")
 */
export function summarizeAdaptiveLr(results: readonly AdaptiveLrSeed[]): StudySummary {
  const table = adaptiveLrTable(results);
  const common = { reference: ADAPTIVE_LR_REFERENCE, arms: ADAPTIVE_LR_ARMS, digits: 3 };
  const accuracy = summarizeScores(scores(results, "testAccuracy"), { ...common, metric: "test accuracy after the budget", better: "higher" });
  const peers = table.filter((t) => ADAPTIVE_LR_PEERS.includes(t.arm));
  const strongestPeer = peers.reduce((a, b) => (b.testLoss.mean < a.testLoss.mean ? b : a)).arm;
  const versusStrongest = ADAPTIVE_LR_ARM_LIST.filter((a) => a.kind === "info").map((a): AdaptiveLrVersusPeer => {
    const pair = (key: "testLoss" | "testAccuracy", better: "lower" | "higher") =>
      summarizeScores(scores(results, key), { metric: key, better, reference: a.name, arms: [a.name, strongestPeer] }).paired[0];
    return { variant: a.name, peer: strongestPeer, loss: pair("testLoss", "lower"), accuracy: pair("testAccuracy", "higher") };
  });
  const details: AdaptiveLrDetails = { table, accuracy, strongestPeer, versusStrongest };
  return summarizeScores(scores(results, "testLoss"), { ...common, metric: "test cross-entropy after the budget", better: "lower", details });
}
