/** Notebook 14's tables (per task and model, paired against fixed ReLU) and the one summary, on modular addition. */
import { type Interval, meanCI } from "../../base/statistics";
import type { StudySummary } from "../study";
import { summarizeScores } from "../summary";
import type { ShapeRow, ShapeSeed, ShapeTrack } from "./run-seed";
import { type ActivationShapesSettings, SHAPE_TASKS, type ShapeTask } from "./settings";

/**
 * One model on one task over seeds (mean, 95% t interval); every model but ReLU also has its test accuracy and loss
 * minus ReLU's, paired per seed.
 */
export interface ShapeStats {
  trainAccuracy: Interval;
  testAccuracy: Interval;
  testLoss: Interval;
  tMean: Interval;
  dTestAccuracy?: Interval;
  dTestLoss?: Interval;
}

/** The notebook's results arrays in its order: rows and tracks task by task, then seed by seed; per-unit t per task. */
export interface ShapeTables {
  readonly rows: ShapeRow[];
  readonly tracks: ShapeTrack[];
  readonly unitShapes: Record<ShapeTask, number[]>;
}

/**
 * The seeds' rows, tracks and per-unit shapes gathered task by task (as notebook 14 wrote them when it looped over
 * tasks outermost).
 *
 * @example
 * const { rows, tracks, unitShapes } = shapeTables(results);
 */
export function shapeTables(results: readonly ShapeSeed[]): ShapeTables {
  return {
    rows: SHAPE_TASKS.flatMap((task) => results.flatMap((r) => r.rows.filter((x) => x.task === task))),
    tracks: SHAPE_TASKS.flatMap((task) => results.flatMap((r) => r.tracks.filter((x) => x.task === task))),
    unitShapes: { digits: results.flatMap((r) => r.unitShapes.digits), modular: results.flatMap((r) => r.unitShapes.modular) },
  };
}

/**
 * Per task and model its {@link ShapeStats} over the seeds (notebook 14's `summary`).
 *
 * @example
 * const table = shapeTable(settings, results);   // table.modular["tunable · layer"].dTestAccuracy
 */
export function shapeTable(s: ActivationShapesSettings, results: readonly ShapeSeed[]): Record<ShapeTask, Record<string, ShapeStats>> {
  const table = { digits: {}, modular: {} } as Record<ShapeTask, Record<string, ShapeStats>>;
  const row = (r: ShapeSeed, task: ShapeTask, model: string) => r.rows.find((x) => x.task === task && x.model === model) as ShapeRow;
  for (const task of SHAPE_TASKS) {
    for (const model of s.tasks[task].models) {
      const pick = (k: "trainAccuracy" | "testAccuracy" | "testLoss" | "tMean") => results.map((r) => row(r, task, model)[k]);
      table[task][model] = { trainAccuracy: meanCI(pick("trainAccuracy")), testAccuracy: meanCI(pick("testAccuracy")), testLoss: meanCI(pick("testLoss")), tMean: meanCI(pick("tMean")) };
    }
    for (const model of s.tasks[task].models.slice(1)) {
      const diff = (k: "testAccuracy" | "testLoss") => results.map((r) => row(r, task, model)[k] - row(r, task, "relu")[k]);
      table[task][model].dTestAccuracy = meanCI(diff("testAccuracy"));
      table[task][model].dTestLoss = meanCI(diff("testLoss"));
    }
  }
  return table;
}

/**
 * The one summary: test accuracy on modular addition per model at the same budget, paired per seed against the
 * per-layer tunable activation; `details` holds the table of both tasks.
 *
 * @example
 * const summary = summarizeActivationShapes(settings, results);   // summary.paired: relu − tunable · layer, …
 */
export function summarizeActivationShapes(s: ActivationShapesSettings, results: readonly ShapeSeed[]): StudySummary {
  const perSeed = results.map((r) => Object.fromEntries(r.rows.filter((x) => x.task === "modular").map((x) => [x.model, x.testAccuracy])));
  return summarizeScores(perSeed, {
    metric: "test accuracy on modular addition (held-out pairs) at the same budget",
    better: "higher",
    reference: "tunable · layer",
    arms: ["tunable · layer", ...s.tasks.modular.models.filter((m) => m !== "tunable · layer")],
    details: { table: shapeTable(s, results) },
  });
}
