/**
 * The grokking study's tables, as notebook 09 shows them and its results file keeps them: the tuning grids of the
 * tuned arms (and the configurations they choose), one row per arm (updates to 95% test accuracy, censored at the
 * update budget), and every arm against antitraining seed by seed.
 */
import { AntitrainError } from "../../base/errors";
import { meanCI } from "../../base/statistics";
import { intervalBounds, quantile, signedRankP } from "../summary";
import { type GrokArmRun, type GrokTuningRow, chosenKnobs, tuningConfigurations } from "./runs";
import type { AntitrainSetting, GrokArm, GrokChosen, GrokKnobs, GrokSettings, GrokfastSetting, GrokTunedArm } from "./settings";

/** One row of the tuning table: a tuned arm's configuration over the tuning seeds. */
export interface GrokTuningTableRow {
  readonly arm: GrokTunedArm;
  /** The configuration, e.g. "weight decay 0.3", "α 0.9, λ 2", "every 4 steps, lr 0.01". */
  readonly setting: string;
  /** "grokked / runs". */
  readonly grokked: string;
  readonly "updates to 95% test": string;
  /** Mean updates to 95% test, a censored run counting as `steps`. */
  readonly "mean (censored)": number;
  /** Mean final test accuracy, rounded to 3 digits. */
  readonly "final test acc": number;
  /** Whether this configuration became the arm. */
  readonly chosen: string;
}

/** A configuration in words, e.g. "α 0.9, λ 2". */
export function knobsText(knobs: GrokKnobs): string {
  if ("weightDecay" in knobs) return `weight decay ${knobs.weightDecay}`;
  if ("alpha" in knobs) return `α ${knobs.alpha}, λ ${knobs.lambda}`;
  return `every ${knobs.antiEvery} step${knobs.antiEvery === 1 ? "" : "s"}, lr ${knobs.antiLearningRate}`;
}

const sameKnobs = (a: GrokKnobs, b: GrokKnobs) => JSON.stringify(a) === JSON.stringify(b);

/** Per configuration in grid order: its tuning runs, mean censored updates and final test accuracy (unrounded mean for the choice). */
function tuningStats(s: GrokSettings, pilot: readonly GrokTuningRow[]) {
  return tuningConfigurations(s).map(({ arm, knobs }) => {
    const mine = pilot.filter((r) => r.arm === arm && sameKnobs(r.knobs, knobs));
    return { arm, knobs, mine, steps: meanCI(mine.map((r) => r.stepsToTarget ?? s.steps)).mean, finalTest: Number(meanCI(mine.map((r) => r.finalTest)).mean.toFixed(3)) };
  });
}

/**
 * The knobs every study seed uses: per tuned arm, the configuration with the fewest mean updates to 95% test on the
 * tuning seeds (censored runs counting as `steps`), then the highest final test accuracy (to 3 digits), then grid
 * order.
 *
 * @example
 * chooseGrok(s, run.tuning);   // { weightDecay: 1, grokfast: { alpha: 0.9, lambda: 2 }, antitrain: { antiEvery: 4, antiLearningRate: 0.01 } }
 */
export function chooseGrok(s: GrokSettings, pilot: readonly GrokTuningRow[]): GrokChosen {
  if (pilot.length === 0) throw new AntitrainError("the grokking study tunes its arms on tuning seeds: pass tuneSeeds, e.g. [100]");
  const stats = tuningStats(s, pilot);
  const best = (arm: GrokTunedArm): GrokKnobs => {
    const mine = stats.filter((r) => r.arm === arm);
    if (mine.some((r) => r.mine.length === 0)) throw new AntitrainError(`the tuning rows have no run of a ${arm} configuration: tune every grid setting on the same seeds`);
    return [...mine].sort((a, b) => a.steps - b.steps || b.finalTest - a.finalTest)[0].knobs;
  };
  return {
    weightDecay: (best("adamw-tuned") as { weightDecay: number }).weightDecay,
    grokfast: best("grokfast-tuned") as GrokfastSetting,
    antitrain: best("antitrain") as AntitrainSetting,
  };
}

/**
 * The tuning table: per configuration (in grid order, arm by arm) how many tuning runs grokked, their updates to 95%
 * test, the mean with censored runs counted as `steps`, the mean final test accuracy, and which one was chosen.
 *
 * @example
 * grokTuningRows(s, run.tuning)[0]["mean (censored)"];   // e.g. 375
 */
export function grokTuningRows(s: GrokSettings, pilot: readonly GrokTuningRow[]): GrokTuningTableRow[] {
  const chosen = chooseGrok(s, pilot);
  return tuningStats(s, pilot).map((r) => {
    const knobs = chosenKnobs(r.arm, chosen) as GrokKnobs;
    return {
      arm: r.arm,
      setting: knobsText(r.knobs),
      grokked: `${r.mine.filter((x) => x.stepsToTarget !== null).length} / ${r.mine.length}`,
      "updates to 95% test": r.mine.map((x) => x.stepsToTarget ?? `>${s.steps}`).join(", "),
      "mean (censored)": Math.round(r.steps),
      "final test acc": r.finalTest,
      chosen: sameKnobs(knobs, r.knobs) ? "✓" : "",
    };
  });
}

/** One row per arm of {@link grokSummaryRows}. */
export interface GrokSummaryRow {
  readonly method: GrokArm;
  readonly runs: number;
  readonly grokked: number;
  readonly "updates to 95% test (mean)": number;
  readonly "95% CI": string;
  readonly median: number;
  readonly "updates to 95% train": number;
  readonly "final test acc": number;
  readonly "final test loss": number;
  readonly "training steps": number;
  readonly "antitrain steps": number;
  readonly "seconds/run": number;
}

/** One row per arm but the reference of {@link grokPairedRows}. */
export interface GrokPairedRow {
  readonly method: GrokArm;
  readonly "updates, seeds in order": string;
  readonly "reference, same seeds": string;
  /** Arm − reference, mean over seeds (censored runs count as `steps`). */
  readonly "minus reference (mean)": number;
  readonly "95% CI": string;
  readonly median: number;
  readonly "Wilcoxon p": number;
  readonly "earlier / same / later": string;
  readonly "speed-up where both grokked": string;
}

/**
 * One row per arm: runs, how many grokked, mean updates to 95% test (censored at `steps`) with its interval and the
 * median, updates to 95% train, final test accuracy and loss, training and antitrain steps made, and seconds per run.
 *
 * @example
 * grokSummaryRows(runs, GROK_ARMS, 1500)[0]["updates to 95% test (mean)"];   // e.g. 930
 */
export function grokSummaryRows(all: readonly GrokArmRun[], arms: readonly GrokArm[], steps: number): GrokSummaryRow[] {
  return arms.map((method) => {
    const mine = all.filter((r) => r.label === method);
    const values = mine.map((r) => r.stepsToTarget ?? steps);
    const ci = meanCI(values);
    const mean = (f: (r: GrokArmRun) => number) => meanCI(mine.map(f)).mean;
    const last = (r: GrokArmRun) => r.curve[r.curve.length - 1];
    return {
      method,
      runs: mine.length,
      grokked: mine.filter((r) => r.stepsToTarget !== null).length,
      "updates to 95% test (mean)": Math.round(ci.mean),
      "95% CI": intervalBounds(ci, 0),
      median: Math.round(quantile([...values].sort((a, b) => a - b), 0.5)),
      "updates to 95% train": Math.round(mean((r) => r.stepsToTrain ?? steps)),
      "final test acc": Number(mean((r) => last(r).testAccuracy).toFixed(3)),
      "final test loss": Number(mean((r) => last(r).testLoss).toFixed(3)),
      "training steps": Math.round(mean((r) => r.trainSteps)),
      "antitrain steps": Math.round(mean((r) => r.antiSteps)),
      "seconds/run": Number(mean((r) => r.seconds).toFixed(1)),
    };
  });
}

/** "1.81× (1.50–2.50, 4 seeds)": geometric mean and range of reference steps / arm steps where both grokked, else "—". */
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
 * Every arm but `reference` against it on the same seeds (in the order the reference's runs come): updates per seed,
 * the paired difference arm − reference (censored runs count as `steps`) with its mean, interval, median and
 * Wilcoxon signed-rank p (zero differences dropped, so two censored runs tie), on how many seeds the arm reached 95%
 * test earlier / at the same evaluation / later than the reference (a censored run is later than any run that
 * grokked), and the speed-up reference / arm where both grokked (above 1: the arm is faster).
 *
 * @example
 * grokPairedRows(runs, GROK_ARMS, 1500, "antitrain")[0]["minus reference (mean)"];   // e.g. −60
 */
export function grokPairedRows(all: readonly GrokArmRun[], arms: readonly GrokArm[], steps: number, reference: GrokArm = "antitrain"): GrokPairedRow[] {
  const seeds = all.filter((r) => r.label === reference).map((r) => r.seed);
  const bySeed = (method: GrokArm) =>
    seeds.map((seed) => {
      const run = all.find((r) => r.label === method && r.seed === seed);
      if (run === undefined) throw new AntitrainError(`no ${method} run for seed ${seed}: every arm needs a run on every seed`);
      return run.stepsToTarget;
    });
  const ref = bySeed(reference);
  const order = (v: number | null) => v ?? Number.POSITIVE_INFINITY;
  return arms
    .filter((m) => m !== reference)
    .map((method) => {
      const mine = bySeed(method);
      const d = mine.map((v, i) => (v ?? steps) - (ref[i] ?? steps));
      const diff = meanCI(d);
      const count = (test: (a: number, b: number) => boolean) => mine.filter((v, i) => test(order(v), order(ref[i]))).length;
      return {
        method,
        "updates, seeds in order": mine.map((v) => v ?? `>${steps}`).join(", "),
        "reference, same seeds": ref.map((v) => v ?? `>${steps}`).join(", "),
        "minus reference (mean)": Math.round(diff.mean),
        "95% CI": intervalBounds(diff, 0),
        median: Math.round(quantile([...d].sort((a, b) => a - b), 0.5)),
        "Wilcoxon p": Number(signedRankP(d).toPrecision(2)),
        "earlier / same / later": `${count((a, b) => a < b)} / ${count((a, b) => a === b)} / ${count((a, b) => a > b)}`,
        "speed-up where both grokked": speedUp(mine, ref),
      };
    });
}

/** One row per run of {@link grokRunRows}. */
export interface GrokRunRow {
  readonly seed: number;
  readonly method: GrokArm;
  readonly "final test acc": number;
  readonly "at update": number;
  readonly "95% test at": number | string;
  readonly "95% train at": number | string;
  readonly "training steps": number;
  readonly "antitrain steps": number;
  readonly seconds: number;
}

/**
 * One row per run, as each run ended: final test accuracy and its update, when it reached 95% test and train
 * accuracy (">steps" when it never did; in updates), and the training and antitrain steps it made.
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
      "at update": last.step,
      "95% test at": r.stepsToTarget ?? `>${steps}`,
      "95% train at": r.stepsToTrain ?? `>${steps}`,
      "training steps": r.trainSteps,
      "antitrain steps": r.antiSteps,
      seconds: Number(r.seconds.toFixed(1)),
    };
  });
}
