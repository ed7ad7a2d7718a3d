/** Notebook 13's tables: per configuration the means with 95% intervals, paired differences to plain Adam, and the one summary. */
import { type Interval, meanCI } from "../../base/statistics";
import type { StudySummary } from "../study";
import { summarizeScores } from "../summary";
import type { AdaptiveLrCurve, AdaptiveLrRow, AdaptiveLrSeed } from "./run-seed";
import { ADAPTIVE_LR_ARMS } from "./settings";

/** The arm every configuration is paired against in the notebook's tables. */
export const ADAPTIVE_LR_BASELINE = "plain Adam";
/** The arm the study's summary pairs against: the notes' idea taken literally, high-information units' updates scaled up. */
export const ADAPTIVE_LR_REFERENCE = "update · up";

/**
 * One configuration over seeds: test accuracy, test and training loss and seconds (mean, 95% t interval); every
 * configuration but plain Adam also has its test loss and accuracy minus plain Adam's, paired per seed.
 */
export interface AdaptiveLrStats {
  testAccuracy: Interval;
  testLoss: Interval;
  trainLoss: Interval;
  seconds: Interval;
  dLoss?: Interval;
  dAccuracy?: Interval;
}

/** Every seed's rows, seed by seed (configurations in table order). */
export function adaptiveLrRows(results: readonly AdaptiveLrSeed[]): AdaptiveLrRow[] {
  return results.flatMap((r) => r.rows);
}

/** Every seed's learning curves, seed by seed. */
export function adaptiveLrCurves(results: readonly AdaptiveLrSeed[]): AdaptiveLrCurve[] {
  return results.flatMap((r) => r.curves);
}

/**
 * Per configuration (table order) its {@link AdaptiveLrStats} over the seeds of `results` (notebook 13's `summary`).
 *
 * @example
 * const table = adaptiveLrTable(results);   // table["update · up"].dLoss: test loss minus plain Adam's
 */
export function adaptiveLrTable(results: readonly AdaptiveLrSeed[]): Record<string, AdaptiveLrStats> {
  const rows = adaptiveLrRows(results);
  const table: Record<string, AdaptiveLrStats> = {};
  for (const config of ADAPTIVE_LR_ARMS) {
    const pick = (k: "testAccuracy" | "testLoss" | "trainLoss" | "seconds") => rows.filter((r) => r.config === config).map((r) => r[k]);
    table[config] = { testAccuracy: meanCI(pick("testAccuracy")), testLoss: meanCI(pick("testLoss")), trainLoss: meanCI(pick("trainLoss")), seconds: meanCI(pick("seconds")) };
  }
  const row = (r: AdaptiveLrSeed, config: string) => r.rows.find((x) => x.config === config) as AdaptiveLrRow;
  for (const config of ADAPTIVE_LR_ARMS.filter((c) => c !== ADAPTIVE_LR_BASELINE)) {
    table[config].dLoss = meanCI(results.map((r) => row(r, config).testLoss - row(r, ADAPTIVE_LR_BASELINE).testLoss));
    table[config].dAccuracy = meanCI(results.map((r) => row(r, config).testAccuracy - row(r, ADAPTIVE_LR_BASELINE).testAccuracy));
  }
  return table;
}

/**
 * The one summary: test loss at the budget per configuration, paired per seed against update · up; `details` holds
 * the notebook's table (with the differences to plain Adam).
 *
 * @example
 * const summary = summarizeAdaptiveLr(results);   // summary.paired.find((p) => p.arm === "plain Adam")
 */
export function summarizeAdaptiveLr(results: readonly AdaptiveLrSeed[]): StudySummary {
  const perSeed = results.map((r) => Object.fromEntries(r.rows.map((row) => [row.config, row.testLoss])));
  return summarizeScores(perSeed, {
    metric: "test cross-entropy after the budget",
    better: "lower",
    reference: ADAPTIVE_LR_REFERENCE,
    arms: ADAPTIVE_LR_ARMS,
    digits: 3,
    details: { table: adaptiveLrTable(results) },
  });
}
