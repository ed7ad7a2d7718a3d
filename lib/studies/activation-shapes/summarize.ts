/** Notebook 14's tables (per task and model; paired per seed against the per-layer shape) and the one summary, on modular addition. */
import { type Interval, meanCI } from "../../base/statistics";
import type { StudySummary } from "../study";
import { summarizeScores } from "../summary";
import type { ShapeRow, ShapeSeed, ShapeTrack } from "./run-seed";
import { type ActivationShapesSettings, SHAPE_TASKS, type ShapeTask } from "./settings";

/** The arm every paired difference is taken against: the study's shape t, learned per layer. */
export const SHAPE_REFERENCE = "tunable · layer";

/** One model on one task over seeds (mean, 95% t interval). */
export interface ShapeStats {
  trainAccuracy: Interval;
  testAccuracy: Interval;
  testLoss: Interval;
  tMean: Interval;
}

/** Per task, every model's test accuracy and test loss paired per seed against the per-layer shape (model − tunable · layer). */
export interface ShapePaired {
  readonly accuracy: StudySummary;
  readonly loss: StudySummary;
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

const rowOf = (r: ShapeSeed, task: ShapeTask, model: string) => r.rows.find((x) => x.task === task && x.model === model) as ShapeRow;

/**
 * Per task and model its {@link ShapeStats} over the seeds.
 *
 * @example
 * const table = shapeTable(settings, results);   // table.modular["tunable · layer"].testAccuracy
 */
export function shapeTable(s: ActivationShapesSettings, results: readonly ShapeSeed[]): Record<ShapeTask, Record<string, ShapeStats>> {
  const table = { digits: {}, modular: {} } as Record<ShapeTask, Record<string, ShapeStats>>;
  for (const task of SHAPE_TASKS) {
    for (const model of s.tasks[task].models) {
      const pick = (k: "trainAccuracy" | "testAccuracy" | "testLoss" | "tMean") => results.map((r) => rowOf(r, task, model)[k]);
      table[task][model] = { trainAccuracy: meanCI(pick("trainAccuracy")), testAccuracy: meanCI(pick("testAccuracy")), testLoss: meanCI(pick("testLoss")), tMean: meanCI(pick("tMean")) };
    }
  }
  return table;
}

/** The task's models with the reference first. */
const armsOf = (s: ActivationShapesSettings, task: ShapeTask) => [SHAPE_REFERENCE, ...s.tasks[task].models.filter((m) => m !== SHAPE_REFERENCE)];

/**
 * Per task, test accuracy (higher is better) and test loss (lower is better) of every model paired per seed against
 * the per-layer shape: mean with its 95% t interval, median, wins and the Wilcoxon signed-rank p.
 *
 * @example
 * const paired = shapePaired(settings, results);   // paired.digits.loss.paired — model − tunable · layer
 */
export function shapePaired(s: ActivationShapesSettings, results: readonly ShapeSeed[]): Record<ShapeTask, ShapePaired> {
  const out = {} as Record<ShapeTask, ShapePaired>;
  for (const task of SHAPE_TASKS) {
    const arms = armsOf(s, task);
    const scores = (k: "testAccuracy" | "testLoss") => results.map((r) => Object.fromEntries(arms.map((m) => [m, rowOf(r, task, m)[k]])));
    const where = task === "digits" ? "the digits" : "modular addition (held-out pairs)";
    out[task] = {
      accuracy: summarizeScores(scores("testAccuracy"), { metric: `test accuracy on ${where}`, better: "higher", reference: SHAPE_REFERENCE, arms }),
      loss: summarizeScores(scores("testLoss"), { metric: `test loss on ${where}`, better: "lower", reference: SHAPE_REFERENCE, arms }),
    };
  }
  return out;
}

/**
 * The one summary: test accuracy on modular addition per model at its validation-chosen configuration and the same
 * budget, paired per seed against the per-layer shape; `details` holds the table of both tasks and the paired test
 * accuracy and loss of both tasks (what the verdict reads).
 *
 * @example
 * const summary = summarizeActivationShapes(settings, results);   // summary.paired: relu − tunable · layer, …
 */
export function summarizeActivationShapes(s: ActivationShapesSettings, results: readonly ShapeSeed[]): StudySummary {
  const arms = armsOf(s, "modular");
  const perSeed = results.map((r) => Object.fromEntries(arms.map((m) => [m, rowOf(r, "modular", m).testAccuracy])));
  return summarizeScores(perSeed, {
    metric: "test accuracy on modular addition (held-out pairs) at the same budget",
    better: "higher",
    reference: SHAPE_REFERENCE,
    arms,
    details: { table: shapeTable(s, results), paired: shapePaired(s, results) },
  });
}
