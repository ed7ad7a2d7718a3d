/**
 * The randomization study's tables over seeds (mean and 95% t interval), as results/07-randomization.json stores
 * them: the methods' rank agreement, the pretrained model's cores, and each branch of part 2.
 */
import { type Interval, meanCI } from "../../base/statistics";
import { intervalBounds } from "../summary";
import type { RandomizationSeed } from "./run-seed";

/** What the tables read of a seed (part 2 and the methods' agreement). */
type TableSeed = Pick<RandomizationSeed, "agreements" | "coreByMethod" | "branches">;

/** One pair of methods' Spearman agreement over seeds (a type literal, so a table row as `htmlTable` takes it). */
export type AgreementRow = {
  readonly pair: string;
  readonly "Spearman ρ (mean)": number;
  readonly "95% CI": string;
};

/** One method's 95% core of the pretrained model over seeds. */
export type CoreRow = {
  readonly method: string;
  readonly "95% core of the plain model (mean)": number;
  readonly "95% CI": string;
};

/** One branch of part 2 over seeds: test accuracy and loss, cores by own method and by resample, spectator share. */
export interface BranchSummary {
  /** "plain" or the antitrainer's method. */
  readonly v: string;
  readonly acc: Interval;
  readonly own: Interval;
  readonly res: Interval;
  readonly spec: Interval;
  readonly loss: Interval;
}

/** The three tables. */
export interface RandomizationTables {
  readonly agreement: readonly AgreementRow[];
  readonly cores: readonly CoreRow[];
  readonly branches: readonly BranchSummary[];
}

/**
 * The study's tables from its seeds (the pairs in the first seed's order; methods and branches as the settings
 * list them).
 *
 * @example
 * const { agreement, cores, branches } = randomizationTables(run.results, run.settings.methods);
 */
export function randomizationTables(results: readonly TableSeed[], methods: readonly string[]): RandomizationTables {
  const pairs = results[0].agreements.map((g) => `${g.a} | ${g.b}`);
  const agreement = pairs.map((pair, i) => {
    const ci = meanCI(results.map((r) => r.agreements[i].rho));
    return { pair, "Spearman ρ (mean)": Number(ci.mean.toFixed(3)), "95% CI": intervalBounds(ci, 3) };
  });
  const cores = methods.map((m) => {
    const ci = meanCI(results.map((r) => r.coreByMethod[m]));
    return { method: m, "95% core of the plain model (mean)": Number(ci.mean.toFixed(1)), "95% CI": intervalBounds(ci, 1) };
  });
  const branches = ["plain", ...methods].map((v) => {
    const bs = results.map((r) => r.branches.find((b) => b.variant === v));
    const of = (f: (b: RandomizationSeed["branches"][number]) => number) => meanCI(bs.flatMap((b) => (b === undefined ? [] : [f(b)])));
    return { v, acc: of((b) => b.testAcc), own: of((b) => b.core95Own), res: of((b) => b.core95Resample), spec: of((b) => b.spectatorShare), loss: of((b) => b.testLoss) };
  });
  return { agreement, cores, branches };
}

/**
 * The mean Spearman agreement of two methods over seeds; a method with itself is its other-draws agreement (random
 * methods) or 1 (deterministic ones).
 *
 * @example
 * meanAgreement(run.results, "gaussian", "zero");   // 0.80
 */
export function meanAgreement(results: readonly Pick<RandomizationSeed, "agreements">[], a: string, b: string): number {
  const agreements = results[0].agreements;
  const i = a === b ? agreements.findIndex((g) => g.a === a && g.b === `${a} (other draws)`) : agreements.findIndex((g) => (g.a === a && g.b === b) || (g.a === b && g.b === a));
  if (i < 0) return a === b ? 1 : Number.NaN;
  return meanCI(results.map((r) => r.agreements[i].rho)).mean;
}
