/**
 * The regularization study's tables: every configuration's means over seeds, each method's validation-selected
 * configuration with its sensitivities, and the paired per-seed differences to antitraining's choice.
 */
import { AntitrainError } from "../../base/errors";
import { type Interval, meanCI } from "../../base/statistics";
import type { SeedScores } from "../summary";
import { REGULARIZATION_METHODS, type RegularizationConfig, type RegularizationMethod } from "./settings";
import type { RegularizationRow } from "./train-config";

/** One configuration at one learning rate, averaged over seeds. */
export interface RegularizationCell extends RegularizationConfig {
  readonly lr: number;
  /** Mean validation accuracy (the selection criterion). */
  readonly val: number;
  readonly test: Interval;
  readonly train: number;
  readonly core95: number;
}

/** A method at its validation-selected configuration, with how much its test accuracy moves across its grids. */
export interface RegularizationChoice {
  readonly method: RegularizationMethod;
  /** The chosen configuration's label and learning rate. */
  readonly chosen: string;
  readonly lr: number;
  readonly testAcc: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  /** Seeds the test accuracy's interval is over (one seed has none). */
  readonly seeds: number;
  readonly trainAcc: number;
  readonly core95: number;
  /** Max − min of mean test accuracy across the method's own hyperparameter at the chosen learning rate. */
  readonly spreadHyper: number;
  /** Max − min of mean test accuracy across learning rates at the chosen hyperparameter. */
  readonly spreadLr: number;
  /** The method's worst mean test accuracy over its whole grid. */
  readonly worstConfig: number;
}

/** A method's chosen configuration against antitraining's, paired per seed. */
export interface RegularizationPaired {
  readonly method: RegularizationMethod;
  /** "label, lr 0.003". */
  readonly chosen: string;
  readonly testLoss: Interval;
  readonly ece: Interval;
  readonly accVsAnti: Interval;
  readonly lossVsAnti: Interval;
  readonly eceVsAnti: Interval;
}

/** The study's own tables (a summary's `details`). */
export interface RegularizationTables {
  readonly grid: RegularizationCell[];
  readonly summary: RegularizationChoice[];
  readonly paired: RegularizationPaired[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Every (configuration, learning rate) averaged over the seeds' rows, configurations in order, learning rates inside.
 *
 * @example
 * const grid = regularizationGrid(rows, regularizationConfigs(settings), settings.learningRates);
 */
export function regularizationGrid(rows: readonly RegularizationRow[], configs: readonly RegularizationConfig[], learningRates: readonly number[]): RegularizationCell[] {
  return configs.flatMap((c) =>
    learningRates.map((lr) => {
      const rs = rows.filter((r) => r.label === c.label && r.lr === lr);
      if (rs.length === 0) throw new AntitrainError(`no rows for ${c.label} at lr ${lr}: pass every seed's rows`);
      return { ...c, lr, val: mean(rs.map((r) => r.valAcc)), test: meanCI(rs.map((r) => r.testAcc)), train: mean(rs.map((r) => r.trainAcc)), core95: mean(rs.map((r) => r.core95)) };
    }),
  );
}

/**
 * Each method's configuration with the best mean validation accuracy (the first on ties), its test accuracy and
 * interval, and its sensitivities (spreads) across its own hyperparameter and across learning rates.
 *
 * @example
 * const choices = chooseRegularization(grid);   // one per method, in REGULARIZATION_METHODS order
 */
export function chooseRegularization(grid: readonly RegularizationCell[]): RegularizationChoice[] {
  return REGULARIZATION_METHODS.map((method) => {
    const mine = grid.filter((g) => g.method === method);
    if (mine.length === 0) throw new AntitrainError(`the grid has no configuration of ${method}`);
    const best = mine.reduce((a, b) => (b.val > a.val ? b : a));
    const acrossHyper = mine.filter((g) => g.lr === best.lr).map((g) => g.test.mean);
    const acrossLr = mine.filter((g) => g.label === best.label).map((g) => g.test.mean);
    const worst = Math.min(...mine.map((g) => g.test.mean));
    return {
      method, chosen: best.label, lr: best.lr, testAcc: best.test.mean, ciLow: best.test.low, ciHigh: best.test.high, seeds: best.test.n,
      trainAcc: best.train, core95: best.core95,
      spreadHyper: Math.max(...acrossHyper) - Math.min(...acrossHyper),
      spreadLr: Math.max(...acrossLr) - Math.min(...acrossLr),
      worstConfig: worst,
    };
  });
}

/** The row of a method's chosen configuration on one seed. */
function chosenRow(rows: readonly RegularizationRow[], c: { chosen: string; lr: number }, seed: number): RegularizationRow {
  const row = rows.find((r) => r.label === c.chosen && r.lr === c.lr && r.seed === seed);
  if (row === undefined) throw new AntitrainError(`seed ${seed} has no row for ${c.chosen} at lr ${c.lr}`);
  return row;
}

/**
 * Each method's chosen configuration minus antitraining's, per seed (test accuracy, loss and ECE), with the
 * method's own test loss and ECE; 95% t intervals over `seeds`.
 *
 * @example
 * const paired = pairedToAntitraining(rows, chooseRegularization(grid), [0, 1, 2]);
 */
export function pairedToAntitraining(rows: readonly RegularizationRow[], choices: readonly RegularizationChoice[], seeds: readonly number[]): RegularizationPaired[] {
  const anti = choices.find((s) => s.method === "antitraining");
  if (anti === undefined) throw new AntitrainError("pairedToAntitraining needs antitraining among the choices");
  return choices.map((s) => {
    const diff = (key: "testAcc" | "testLoss" | "ece") => meanCI(seeds.map((seed) => chosenRow(rows, s, seed)[key] - chosenRow(rows, anti, seed)[key]));
    const mine = (key: "testLoss" | "ece") => meanCI(seeds.map((seed) => chosenRow(rows, s, seed)[key]));
    return { method: s.method, chosen: `${s.chosen}, lr ${s.lr}`, testLoss: mine("testLoss"), ece: mine("ece"), accVsAnti: diff("testAcc"), lossVsAnti: diff("testLoss"), eceVsAnti: diff("ece") };
  });
}

/**
 * The study's tables and, per seed, each method's test accuracy at its chosen configuration (the headline scores).
 *
 * @example
 * const { tables, scores } = regularizationTables(results.flat(), configs, settings.learningRates, [0, 1]);
 */
export function regularizationTables(
  rows: readonly RegularizationRow[],
  configs: readonly RegularizationConfig[],
  learningRates: readonly number[],
  seeds: readonly number[],
): { tables: RegularizationTables; scores: SeedScores[] } {
  const grid = regularizationGrid(rows, configs, learningRates);
  const summary = chooseRegularization(grid);
  const paired = pairedToAntitraining(rows, summary, seeds);
  const scores = seeds.map((seed) => Object.fromEntries(summary.map((s) => [s.method, chosenRow(rows, s, seed).testAcc])));
  return { tables: { grid, summary, paired }, scores };
}
