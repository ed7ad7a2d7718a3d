/** The concept study's tables: per condition and measurement the mean with its 95% interval, and the one study summary. */
import { type Interval, meanCI } from "../../base/statistics";
import type { StudySummary } from "../study";
import { summarizeScores } from "../summary";
import { CONCEPT_CONDITIONS, type ConceptCondition, type ConceptRow, type ConceptSeed } from "./run-seed";

/** The measurements the tables report, in table order. */
export const CONCEPT_MEASUREMENTS = ["mainAccuracy", "probeClean", "probeChosen", "probeOthers", "hidProbeChosen", "hidProbeOthers", "mainDamageChosen", "mainDamageOthers"] as const;
export type ConceptMeasurement = (typeof CONCEPT_MEASUREMENTS)[number];

/** Per condition (control, antitrained), per measurement: the mean over seeds with a 95% Student-t interval. */
export type ConceptTable = Record<ConceptCondition, Record<ConceptMeasurement, Interval>>;

/** Every seed's rows, seed by seed (control, then antitrained). */
export function conceptRows(results: readonly ConceptSeed[]): ConceptRow[] {
  return results.flatMap((r) => r.rows);
}

/**
 * Per condition and measurement, the mean over the rows' seeds with its 95% t interval (notebook 12's table).
 *
 * @example
 * const table = conceptTable(conceptRows(results));   // table.antitrained.probeChosen.mean
 */
export function conceptTable(rows: readonly ConceptRow[]): ConceptTable {
  const table = {} as Record<ConceptCondition, Record<ConceptMeasurement, Interval>>;
  for (const condition of CONCEPT_CONDITIONS) {
    const mine = rows.filter((r) => r.condition === condition);
    table[condition] = Object.fromEntries(CONCEPT_MEASUREMENTS.map((m) => [m, meanCI(mine.map((r) => r[m]))])) as Record<ConceptMeasurement, Interval>;
  }
  return table;
}

/**
 * The one summary: the output probe's concept accuracy with the concept units randomized (lower: the concept flows
 * through them), per condition, paired per seed against the antitrained model; `details` holds the full table and
 * the chance level.
 *
 * @example
 * const summary = summarizeConcepts(results);   // summary.paired[0]: control − antitrained
 */
export function summarizeConcepts(results: readonly ConceptSeed[]): StudySummary {
  const rows = conceptRows(results);
  const perSeed = results.map((r) => Object.fromEntries(r.rows.map((row) => [row.condition, row.probeChosen])));
  return summarizeScores(perSeed, {
    metric: "output probe's concept accuracy with the concept units randomized (test; chance ≈ 0.5)",
    better: "lower",
    reference: "antitrained",
    arms: ["antitrained", "control"],
    details: { chance: rows[0]?.chance ?? Number.NaN, table: conceptTable(rows) },
  });
}
