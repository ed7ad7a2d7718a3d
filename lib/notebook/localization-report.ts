/** Tables and charts of notebook 19's localization study. */
import type { Interval } from "../base/statistics";
import type { StudyRun } from "../studies/run-study";
import { type LocalizationChosen, type LocalizationSeed, type LocalizationTuneRow, localizationTuneScores } from "../studies/localization/run-seed";
import { LOCALIZATION_ARMS, type LocalizationSettings } from "../studies/localization/settings";
import { LOCALIZATION_MEASUREMENTS, type LocalizationSweep, type LocalizationTable } from "../studies/localization/summarize";
import { plusMinus } from "../studies/summary";
import { axes, chart, type PlotlyObject } from "./plot";

/** A localization study run, as `runStudy` returns it. */
export type LocalizationRun = StudyRun<LocalizationSettings, LocalizationChosen, LocalizationSeed, LocalizationTuneRow>;

/** "mean ±half-width of the 95% CI" (the one formatter, lib/studies/summary.ts; one seed says it has no interval). */
const meanPm = (i: Interval, d = 3) => plusMinus(i, d);

/** What each measurement means, for the table's first column. */
const LABELS: Record<(typeof LOCALIZATION_MEASUREMENTS)[number], string> = {
  mainAccuracy: "main-task accuracy",
  mainCost: "main-task cost: plain training's accuracy minus the arm's (paired)",
  probeClean: "concept probe, clean",
  probeChosen: "concept probe, chosen units randomized (goal: chance)",
  probeOthers: "concept probe, as many other units randomized (goal: clean)",
  share: "share of the concept's damage in the chosen units",
  removedConcept: "concept probe, chosen units removed (mean)",
  restClean: "rest of the task (class given the concept), clean",
  restRemoved: "rest of the task, chosen units removed (goal: within 1 point)",
  removedMain: "main-task accuracy, chosen units removed",
};

/**
 * One task's table rows (for `nb.htmlTable`): a row per measurement, a column per arm, "mean ±half-width of the 95% CI".
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.localizationTableRows(details.table, "digits")));
 */
export function localizationTableRows(table: LocalizationTable, task: string): Record<string, string>[] {
  return LOCALIZATION_MEASUREMENTS.map((m) => ({ measurement: LABELS[m], ...Object.fromEntries(LOCALIZATION_ARMS.map((a) => [a, meanPm(table[task][a][m])])) }));
}

/**
 * The knob every arm got per task and how many configurations it was chosen from (`localizationTuningRows`: their scores).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.localizationChosenRows(run)));
 */
export function localizationChosenRows(run: LocalizationRun): Record<string, string>[] {
  return run.settings.tasks.flatMap((task) =>
    LOCALIZATION_ARMS.map((arm) => {
      const grid = run.settings.grid[arm];
      const chosen = run.chosen[task.name]?.[arm] ?? grid[0];
      const tried = run.tuning.length === 0 ? "not tuned: first configuration" : `${grid.length} configurations (the tuning table below)`;
      return { task: task.name, arm, chosen: JSON.stringify(chosen), tried };
    }),
  );
}

/**
 * Every arm's tuning table: one row per task, arm and configuration with its validation distance from chance, main
 * accuracy and the score the choice minimizes (means over the tuning seeds), the chosen one marked. No tuning: no rows.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.localizationTuningRows(run), { caption: "Tuning" }));
 */
export function localizationTuningRows(run: LocalizationRun): Record<string, string>[] {
  if (run.tuning.length === 0) return [];
  return localizationTuneScores(run.settings, run.tuning).map((x) => ({
    task: x.task,
    arm: x.arm,
    configuration: JSON.stringify(x.config),
    "val. distance from chance": x.excess.toFixed(3),
    "val. main accuracy": x.mainAccuracy.toFixed(3),
    "score (distance + accuracy lost)": x.score.toFixed(3),
    chosen: JSON.stringify(run.chosen[x.task]?.[x.arm]) === JSON.stringify(x.config) ? "✓" : "",
  }));
}

/**
 * A grouped bar chart (HTML) of one task: the output probe's concept accuracy clean, with the chosen units
 * randomized and with as many other units randomized, per arm (mean with its 95% interval), and chance.
 *
 * @example
 * tslab.display.html(nb.localizationFlowChart(details.table, "digits", details.chance.digits));
 */
export function localizationFlowChart(table: LocalizationTable, task: string, chance: number): string {
  const groups = [["probeClean", "clean"], ["probeChosen", "chosen randomized"], ["probeOthers", "as many others randomized"]] as const;
  const bars: PlotlyObject[] = groups.map(([m, name]) => ({
    type: "bar",
    name,
    x: [...LOCALIZATION_ARMS],
    y: LOCALIZATION_ARMS.map((a) => table[task][a][m].mean),
    error_y: { type: "data", symmetric: false, array: LOCALIZATION_ARMS.map((a) => table[task][a][m].high - table[task][a][m].mean), arrayminus: LOCALIZATION_ARMS.map((a) => table[task][a][m].mean - table[task][a][m].low) },
  }));
  bars.push({ type: "scatter", mode: "lines", name: "chance", x: [...LOCALIZATION_ARMS], y: LOCALIZATION_ARMS.map(() => chance), line: { dash: "dash", color: "gray" } });
  const y = "output probe's concept accuracy (test)";
  return chart(bars, { barmode: "group", ...axes("arm", y, `${task}: does the concept reach the output only through the chosen units?`), yaxis: { title: { text: y }, range: [Math.max(0, chance - 0.1), 1] } });
}

/**
 * The sweep's charts (HTML; none without a sweep): probe accuracy's distance from chance with the chosen units randomized,
 * per arm, against the number of chosen units and against the width.
 *
 * @example
 * for (const html of nb.localizationSweepCharts(details.sweep)) tslab.display.html(html);
 */
export function localizationSweepCharts(sweep: LocalizationSweep): string[] {
  const one = (points: LocalizationSweep["units"], x: string, title: string) => {
    const keys = Object.keys(points).sort((a, b) => Number(a) - Number(b));
    if (keys.length === 0) return null;
    return chart(
      LOCALIZATION_ARMS.map((arm) => ({
        type: "scatter",
        mode: "lines+markers",
        name: arm,
        x: keys.map(Number),
        y: keys.map((k) => points[k][arm].excess.mean),
        error_y: { type: "data", symmetric: false, array: keys.map((k) => points[k][arm].excess.high - points[k][arm].excess.mean), arrayminus: keys.map((k) => points[k][arm].excess.mean - points[k][arm].excess.low) },
      })),
      { ...axes(x, "probe distance from chance, chosen randomized", title), xaxis: { title: { text: x }, type: "log" } },
    );
  };
  return [one(sweep.units, "chosen units", "Localization against the number of chosen units"), one(sweep.widths, "hidden width", "Localization against the width")].filter((c): c is string => c !== null);
}
