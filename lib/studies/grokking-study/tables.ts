/**
 * The grokking study's tables, as notebook 09 shows them and its results file keeps them: the Grokfast tuning grid
 * (and the setting it chooses), one row per arm (steps to 95% test accuracy, censored at the step limit), and every
 * arm against the baseline seed by seed.
 */
import { AntitrainError } from "../../base/errors";
import { meanCI } from "../../base/statistics";
import { intervalBounds } from "../summary";
import type { GrokArmRun, GrokTuningRow } from "./runs";
import type { GrokArm, GrokfastSetting } from "./settings";

/** One row of the tuning table: a grid setting over the tuning seeds. */
export interface GrokTuningTableRow {
  readonly alpha: number;
  readonly lambda: number;
  /** "grokked / runs". */
  readonly grokked: string;
  readonly "steps to 95% test": string;
  /** Mean steps to 95% test, a censored run counting as `steps`. */
  readonly "mean (censored)": number;
  /** Mean final test accuracy, rounded to 3 digits. */
  readonly "final test acc": number;
}

/** One row per arm of {@link grokSummaryRows}. */
export interface GrokSummaryRow {
  readonly method: GrokArm;
  readonly runs: number;
  readonly grokked: number;
  readonly "steps to 95% test (mean)": number;
  readonly "95% CI": string;
  readonly "steps to 95% train": number;
  readonly "final test acc": number;
  readonly "antitrain steps": number;
  readonly "seconds/run": number;
}

/** One row per arm but the baseline of {@link grokPairedRows}. */
export interface GrokPairedRow {
  readonly method: GrokArm;
  readonly "steps, seeds in order": string;
  readonly "baseline, same seeds": string;
  readonly "minus baseline (mean)": number;
  readonly "95% CI": string;
  readonly "earlier / same / later": string;
  readonly "speed-up where both grokked": string;
}

/**
 * The tuning table: per grid setting (in grid order) how many tuning runs grokked, their steps to 95% test, the mean
 * with censored runs counted as `steps`, and the mean final test accuracy.
 *
 * @example
 * grokfastTuningRows(s.grokfastGrid, run.tuning, s.steps)[0]["mean (censored)"];   // e.g. 375
 */
export function grokfastTuningRows(grid: readonly GrokfastSetting[], pilot: readonly GrokTuningRow[], steps: number): GrokTuningTableRow[] {
  return grid.map((g) => {
    const mine = pilot.filter((r) => r.alpha === g.alpha && r.lambda === g.lambda);
    return {
      alpha: g.alpha,
      lambda: g.lambda,
      grokked: `${mine.filter((r) => r.stepsToTarget !== null).length} / ${mine.length}`,
      "steps to 95% test": mine.map((r) => r.stepsToTarget ?? `>${steps}`).join(", "),
      "mean (censored)": meanCI(mine.map((r) => r.stepsToTarget ?? steps)).mean,
      "final test acc": Number(meanCI(mine.map((r) => r.finalTest)).mean.toFixed(3)),
    };
  });
}

/**
 * The tuned Grokfast setting: among the grid's settings with λ > 0, the fewest mean steps to 95% test (censored at
 * `steps`), then the highest final test accuracy (to 3 digits), then grid order.
 *
 * @example
 * chooseGrokfast(s.grokfastGrid, run.tuning, s.steps);   // { alpha: 0.9, lambda: 2 }
 */
export function chooseGrokfast(grid: readonly GrokfastSetting[], pilot: readonly GrokTuningRow[], steps: number): GrokfastSetting {
  if (pilot.length === 0) throw new AntitrainError("the grokking study tunes Grokfast on tuning seeds: pass tuneSeeds, e.g. [100]");
  const tuned = grokfastTuningRows(grid, pilot, steps)
    .filter((r) => r.lambda > 0)
    .sort((a, b) => a["mean (censored)"] - b["mean (censored)"] || b["final test acc"] - a["final test acc"])[0];
  if (tuned === undefined) throw new AntitrainError("the Grokfast grid has no setting with lambda > 0 to tune");
  return { alpha: tuned.alpha, lambda: tuned.lambda };
}

/**
 * One row per arm: runs, how many grokked, mean steps to 95% test (censored at `steps`) with its interval, steps to
 * 95% train, final test accuracy, antitrain steps and seconds per run.
 *
 * @example
 * grokSummaryRows(runs, ["baseline", "antitrain"], 1500)[0]["steps to 95% test (mean)"];   // e.g. 930
 */
export function grokSummaryRows(all: readonly GrokArmRun[], arms: readonly GrokArm[], steps: number): GrokSummaryRow[] {
  return arms.map((method) => {
    const mine = all.filter((r) => r.label === method);
    const ci = meanCI(mine.map((r) => r.stepsToTarget ?? steps));
    return {
      method,
      runs: mine.length,
      grokked: mine.filter((r) => r.stepsToTarget !== null).length,
      "steps to 95% test (mean)": Math.round(ci.mean),
      "95% CI": intervalBounds(ci, 0),
      "steps to 95% train": Math.round(meanCI(mine.map((r) => r.stepsToTrain ?? steps)).mean),
      "final test acc": Number(meanCI(mine.map((r) => r.curve[r.curve.length - 1].testAccuracy)).mean.toFixed(3)),
      "antitrain steps": Math.round(meanCI(mine.map((r) => r.antiSteps)).mean),
      "seconds/run": Number(meanCI(mine.map((r) => r.seconds)).mean.toFixed(1)),
    };
  });
}

/** "1.81× (1.50–2.50, 4 seeds)": geometric mean and range of baseline steps / arm steps where both grokked, else "—". */
export function speedUp(arm: readonly (number | null)[], base: readonly (number | null)[]): string {
  const ratios = arm.flatMap((v, i) => {
    const b = base[i];
    return v !== null && b !== null ? [b / v] : [];
  });
  if (ratios.length === 0) return "—";
  const geo = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
  return `${geo.toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}, ${ratios.length} seeds)`;
}

/**
 * Every arm but the baseline against the baseline on the same seeds (in the order the baseline's runs come): steps
 * per seed, the paired mean difference (censored runs count as `steps`) with its interval, on how many seeds the arm
 * reached 95% test earlier / at the same evaluation / later (a censored run is later than any run that grokked), and
 * the speed-up where both grokked.
 *
 * @example
 * grokPairedRows(runs, GROK_ARMS, 1500)[0]["minus baseline (mean)"];   // e.g. 570
 */
export function grokPairedRows(all: readonly GrokArmRun[], arms: readonly GrokArm[], steps: number): GrokPairedRow[] {
  const seeds = all.filter((r) => r.label === "baseline").map((r) => r.seed);
  const bySeed = (method: GrokArm) =>
    seeds.map((seed) => {
      const run = all.find((r) => r.label === method && r.seed === seed);
      if (run === undefined) throw new AntitrainError(`no ${method} run for seed ${seed}: every arm needs a run on every seed`);
      return run.stepsToTarget;
    });
  const base = bySeed("baseline");
  const order = (v: number | null) => v ?? Number.POSITIVE_INFINITY;
  return arms
    .filter((m) => m !== "baseline")
    .map((method) => {
      const mine = bySeed(method);
      const diff = meanCI(mine.map((v, i) => (v ?? steps) - (base[i] ?? steps)));
      const count = (test: (a: number, b: number) => boolean) => mine.filter((v, i) => test(order(v), order(base[i]))).length;
      return {
        method,
        "steps, seeds in order": mine.map((v) => v ?? `>${steps}`).join(", "),
        "baseline, same seeds": base.map((v) => v ?? `>${steps}`).join(", "),
        "minus baseline (mean)": Math.round(diff.mean),
        "95% CI": intervalBounds(diff, 0),
        "earlier / same / later": `${count((a, b) => a < b)} / ${count((a, b) => a === b)} / ${count((a, b) => a > b)}`,
        "speed-up where both grokked": speedUp(mine, base),
      };
    });
}

/** One row per run of {@link grokRunRows}. */
export interface GrokRunRow {
  readonly seed: number;
  readonly method: GrokArm;
  readonly "final test acc": number;
  readonly "at step": number;
  readonly "95% test at": number | string;
  readonly "95% train at": number | string;
  readonly seconds: number;
}

/**
 * One row per run, as each run ended: final test accuracy and its step, and when it reached 95% test and train
 * accuracy (">steps" when it never did).
 *
 * @example
 * grokRunRows(runs, 1500)[0]["95% test at"];   // e.g. 600, or ">1500"
 */
export function grokRunRows(all: readonly GrokArmRun[], steps: number): GrokRunRow[] {
  return all.map((r) => {
    const last = r.curve[r.curve.length - 1];
    return {
      seed: r.seed,
      method: r.label,
      "final test acc": Number(last.testAccuracy.toFixed(3)),
      "at step": last.step,
      "95% test at": r.stepsToTarget ?? `>${steps}`,
      "95% train at": r.stepsToTrain ?? `>${steps}`,
      seconds: Number(r.seconds.toFixed(1)),
    };
  });
}
