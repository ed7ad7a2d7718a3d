/** The localization study's tables, its one summary, and the goal the notebook states before running. */
import { type Interval, meanCI } from "../../base/statistics";
import type { StudySummary } from "../study";
import { interval, summarizeScores } from "../summary";
import type { LocalizationRow, LocalizationSeed } from "./run-seed";
import { LOCALIZATION_ARMS, type LocalizationArm } from "./settings";

/** The measurements the tables report, in table order (see {@link Localization}). */
export const LOCALIZATION_MEASUREMENTS = [
  "mainAccuracy",
  "mainCost",
  "probeClean",
  "probeChosen",
  "probeOthers",
  "share",
  "removedConcept",
  "restClean",
  "restRemoved",
  "removedMain",
] as const;
export type LocalizationMeasurement = (typeof LOCALIZATION_MEASUREMENTS)[number];

/** A row's measurement; `mainCost` is plain training's main accuracy minus the row's, paired by seed and task. */
function measured(row: LocalizationRow, m: LocalizationMeasurement, rows: readonly LocalizationRow[]): number {
  if (m !== "mainCost") return row[m];
  const plain = rows.find((r) => r.arm === "plain-picked" && r.seed === row.seed && r.task === row.task && r.units === row.units && r.hidden === row.hidden);
  return plain === undefined ? Number.NaN : plain.mainAccuracy - row.mainAccuracy;
}

/** Per task, per arm, per measurement: the mean over seeds with its 95% t interval (the main comparison). */
export type LocalizationTable = Record<string, Record<LocalizationArm, Record<LocalizationMeasurement, Interval>>>;

/** The two antitraining arms, each checked against the goal. */
export const ANTITRAINING_ARMS = ["antitrain-core", "concept-antitrain"] as const satisfies readonly LocalizationArm[];

/** The goal, stated before running: within `chance` points of chance, no worse than gradient routing by more than `localize` points, at most `cost` points more main-task cost. */
export const LOCALIZATION_GOAL = { chance: 0.02, localize: 0.02, cost: 0.01 } as const;

/** One antitraining arm against the goal on one task (seed by seed on that task: a collapse on another task moves nothing here). */
export interface GoalCheck {
  readonly task: string;
  readonly arm: LocalizationArm;
  /** Distance of the concept accuracy from chance with the chosen units randomized. */
  readonly excess: Interval;
  /** The same minus gradient routing's, paired per seed (negative: localizes better). */
  readonly excessVsRouting: Interval;
  /** Main-task accuracy minus gradient routing's, paired per seed (negative: costs more). */
  readonly mainVsRouting: Interval;
  /** met: every part holds on its mean and interval; failed: some part fails beyond its interval; else open. */
  readonly status: "met" | "failed" | "open";
}

/** Per arm, a sweep's probe distance from chance (chosen randomized) and main accuracy at each unit count (at the first task's width) and width (at the study's unit count). */
export interface LocalizationSweep {
  readonly units: Record<string, Record<LocalizationArm, { excess: Interval; mainAccuracy: Interval }>>;
  readonly widths: Record<string, Record<LocalizationArm, { excess: Interval; mainAccuracy: Interval }>>;
}

/** How far the probe is from chance with the chosen units randomized: |probeChosen − chance| (below chance is not forgetting either). */
export function fromChance(r: Pick<LocalizationRow, "probeChosen" | "chance">): number {
  return Math.abs(r.probeChosen - r.chance);
}

/** Every seed's rows, seed by seed. */
export function localizationRows(results: readonly LocalizationSeed[]): LocalizationRow[] {
  return results.flatMap((r) => r.rows);
}

/**
 * Per task, arm and measurement the mean over seeds with its 95% t interval, from the main comparison's rows.
 *
 * @example
 * const table = localizationTable(localizationRows(run.results));   // table.digits["gradient-routing"].probeChosen
 */
export function localizationTable(rows: readonly LocalizationRow[]): LocalizationTable {
  const main = rows.filter((r) => r.part === "main");
  const table: LocalizationTable = {};
  for (const task of [...new Set(main.map((r) => r.task))]) {
    table[task] = Object.fromEntries(
      LOCALIZATION_ARMS.map((arm) => {
        const mine = main.filter((r) => r.task === task && r.arm === arm);
        return [arm, Object.fromEntries(LOCALIZATION_MEASUREMENTS.map((m) => [m, meanCI(mine.map((r) => measured(r, m, main)))]))];
      }),
    ) as Record<LocalizationArm, Record<LocalizationMeasurement, Interval>>;
  }
  return table;
}

/** Per seed and arm, the mean over tasks (or over `task`'s rows alone) of `f(row)` (main comparison). */
function perSeed(results: readonly LocalizationSeed[], f: (r: LocalizationRow) => number, task?: string): Record<string, number>[] {
  return results.map((seed) => {
    const main = seed.rows.filter((r) => r.part === "main" && (task === undefined || r.task === task));
    return Object.fromEntries(
      LOCALIZATION_ARMS.map((arm) => {
        const v = main.filter((r) => r.arm === arm).map(f);
        return [arm, v.reduce((a, b) => a + b, 0) / v.length];
      }),
    );
  });
}

/**
 * Each antitraining arm against the goal, task by task (tasks in the order they were run, then the arms): the probe
 * within 2 points of chance with the chosen units randomized, at least as well localized as gradient routing
 * (paired per seed on that task, 2 points' margin), and no more main-task cost (1 point). Judged per task, not on
 * the mean over tasks: one task's collapsed arm must not move the bar on the others.
 *
 * @example
 * goalChecks(run.results).find((g) => g.task === "digits" && g.arm === "concept-antitrain")?.status;   // "met" | "failed" | "open"
 */
export function goalChecks(results: readonly LocalizationSeed[]): GoalCheck[] {
  const g = LOCALIZATION_GOAL;
  const tasks = [...new Set(localizationRows(results).filter((r) => r.part === "main").map((r) => r.task))];
  return tasks.flatMap((task) => {
    const excess = perSeed(results, fromChance, task);
    const main = perSeed(results, (r) => r.mainAccuracy, task);
    return ANTITRAINING_ARMS.map((arm): GoalCheck => {
      const e = meanCI(excess.map((s) => s[arm]));
      const ev = meanCI(excess.map((s) => s[arm] - s["gradient-routing"]));
      const mv = meanCI(main.map((s) => s[arm] - s["gradient-routing"]));
      const met = e.n > 1 && e.high <= g.chance && ev.high <= g.localize && mv.low >= -g.cost;
      const failed = e.n > 1 && (e.low > g.chance || ev.low > g.localize || mv.high < -g.cost);
      return { task, arm, excess: e, excessVsRouting: ev, mainVsRouting: mv, status: met ? "met" : failed ? "failed" : "open" };
    });
  });
}

/**
 * The sweep's table (empty when the run had none): the main rows of the first task count as the point at the study's
 * unit count and width.
 *
 * @example
 * localizationSweep(localizationRows(run.results)).units["1"]["concept-antitrain"].excess
 */
export function localizationSweep(rows: readonly LocalizationRow[]): LocalizationSweep {
  const sweep = rows.filter((r) => r.part === "sweep");
  const out: LocalizationSweep = { units: {}, widths: {} };
  if (sweep.length === 0) return out;
  const first = rows.find((r) => r.part === "main") as LocalizationRow;
  const pool = rows.filter((r) => r.task === first.task && (r.part === "sweep" || r.part === "main"));
  const cell = (picked: LocalizationRow[]) =>
    Object.fromEntries(LOCALIZATION_ARMS.map((arm) => {
      const mine = picked.filter((r) => r.arm === arm);
      return [arm, { excess: meanCI(mine.map(fromChance)), mainAccuracy: meanCI(mine.map((r) => r.mainAccuracy)) }];
    })) as Record<LocalizationArm, { excess: Interval; mainAccuracy: Interval }>;
  for (const k of [...new Set(pool.filter((r) => r.hidden === first.hidden).map((r) => r.units))].sort((a, b) => a - b)) {
    out.units[String(k)] = cell(pool.filter((r) => r.hidden === first.hidden && r.units === k));
  }
  for (const w of [...new Set(pool.filter((r) => r.units === first.units).map((r) => r.hidden))].sort((a, b) => a - b)) {
    out.widths[String(w)] = cell(pool.filter((r) => r.units === first.units && r.hidden === w));
  }
  return out;
}

/**
 * The one summary: per arm the distance of the output probe's concept accuracy from chance with the chosen units
 * randomized (mean over tasks; lower: the concept flows through the chosen units), paired per seed against concept antitraining;
 * `details` holds the per-task table, the goal checks, the sweep and every task's chance level.
 *
 * @example
 * const summary = summarizeLocalization(run.results);   // summary.details.goal
 */
export function summarizeLocalization(results: readonly LocalizationSeed[]): StudySummary {
  const rows = localizationRows(results);
  const chance = Object.fromEntries([...new Set(rows.map((r) => r.task))].map((t) => [t, rows.find((r) => r.task === t)?.chance ?? Number.NaN]));
  return summarizeScores(perSeed(results, fromChance), {
    metric: "distance of the output probe's concept accuracy from chance with the chosen units randomized (test, mean over tasks; goal ≤ 0.02)",
    better: "lower",
    reference: "concept-antitrain",
    arms: [...LOCALIZATION_ARMS],
    details: { chance, table: localizationTable(rows), goal: goalChecks(results), sweep: localizationSweep(rows) },
  });
}

/** One line per goal check, for the verdict and the notebook. */
export function goalLines(checks: readonly GoalCheck[], digits = 3): string[] {
  return checks.map(
    (c) =>
      `${c.task} · ${c.arm}: ${c.status} — distance from chance ${interval(c.excess, digits)}, minus gradient routing ${interval(c.excessVsRouting, digits)}, main accuracy minus gradient routing ${interval(c.mainVsRouting, digits)}`,
  );
}
