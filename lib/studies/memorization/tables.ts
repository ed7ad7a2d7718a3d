/**
 * The generalizing-vs-memorizing study's tables over seeds, as results/08-generalizing-vs-memorizing.json stores
 * them: each arm's outcomes, the paired differences to the reference arm (test accuracy, wrong labels reproduced,
 * test loss), the rankings' causal check against the randomization ranking, and example-tied dropout's own check.
 */
import { AntitrainError } from "../../base/errors";
import { meanCI } from "../../base/statistics";
import type { StudySummary } from "../study";
import { interval, signedInterval, signedNumber, summarizeScores } from "../summary";
import type { MemorizationSeed, MemorizationTuneRow, Outcome } from "./run-seed";
import { MEMORIZATION_ARMS, MEMORIZATION_RANKINGS, MEMORIZATION_REFERENCE, type MemorizationArm, type MemorizationSettings, configLabel } from "./settings";

/**
 * "mean [low, high]" over seeds with `digits` decimals ({@link interval}); one seed has no interval and says so.
 *
 * @example
 * ciText([0.8, 0.9]);   // "0.850 [0.215, 1.485]"
 * ciText([0.8]);        // "0.800 (one seed, no interval)"
 */
export function ciText(values: readonly number[], digits = 3): string {
  return interval(meanCI(values), digits);
}

/** One arm's outcomes over seeds (a type literal, so a table row as `htmlTable` takes it). */
export type OutcomeRow = {
  readonly arm: MemorizationArm;
  readonly "chosen on validation": string;
  readonly "test acc": string;
  readonly "test loss": string;
  readonly "train acc": string;
  readonly "wrong labels reproduced": string;
  readonly "clean labels fit": string;
  readonly "95% core (validation)": string;
  readonly updates: string;
};

/** A seed's outcome of one arm. */
export function outcomeOf(r: MemorizationSeed, arm: MemorizationArm): Outcome {
  const o = r.outcomes.find((x) => x.arm === arm);
  if (o === undefined) throw new AntitrainError(`seed ${r.seed} has no outcome for the arm "${arm}": pass results of runMemorizationSeed`);
  return o;
}

/**
 * Each arm's chosen configuration, test accuracy and loss, training fits, 95% core and updates, over seeds.
 *
 * @example
 * tslab.display.html(nb.htmlTable(st.memorizationOutcomeRows(run.results)));
 */
export function memorizationOutcomeRows(results: readonly MemorizationSeed[]): OutcomeRow[] {
  return MEMORIZATION_ARMS.map((arm) => {
    const os = results.map((r) => outcomeOf(r, arm));
    const cores = os.map((o) => o.core95).filter((c): c is number => c !== null);
    const updates = [...new Set(os.map((o) => o.updates))];
    return {
      arm,
      "chosen on validation": [...new Set(os.map((o) => o.config))].join(" / "),
      "test acc": ciText(os.map((o) => o.testAcc)),
      "test loss": ciText(os.map((o) => o.testLoss)),
      "train acc": ciText(os.map((o) => o.trainAcc)),
      "wrong labels reproduced": ciText(os.map((o) => o.noisyFit)),
      "clean labels fit": ciText(os.map((o) => o.cleanFit)),
      "95% core (validation)": cores.length === 0 ? "— (units dropped by a hook)" : ciText(cores, 1),
      updates: updates.join(" / "),
    };
  });
}

/** Per-seed scores of one outcome field, per arm. */
function armScores(results: readonly MemorizationSeed[], key: "testAcc" | "noisyFit" | "testLoss"): Record<string, number>[] {
  return results.map((r) => Object.fromEntries(r.outcomes.map((o) => [o.arm, o[key]])));
}

/** The rankings' causal check at one k: paired against the randomization ranking. */
export interface RankingSummaries {
  readonly k: number;
  /** Share of the memorized wrong labels forgotten (higher: the ranking found more of them). */
  readonly forgotten: StudySummary;
  readonly cleanCost: StudySummary;
  readonly testCost: StudySummary;
}

/** Example-tied dropout's own check: wrong and clean labels fit with each example's memorization units active, and with all of them dropped. */
export interface ExampleTiedCheck {
  readonly noisyOwnUnits: string;
  readonly noisyDropped: string;
  readonly forgotten: string;
  readonly cleanOwnUnits: string;
  readonly cleanDropped: string;
}

/** The study's own tables (the summary's `details`). */
export interface MemorizationDetails {
  readonly outcomes: OutcomeRow[];
  /** Wrong training labels reproduced, each arm paired against the reference (lower: less memorization). */
  readonly noisyFit: StudySummary;
  /** Test cross-entropy, each arm paired against the reference (lower is better): the cost beside the gain. */
  readonly testLoss: StudySummary;
  readonly rankings: RankingSummaries[];
  readonly exampleTied: ExampleTiedCheck;
}

const RANDOMIZATION = MEMORIZATION_RANKINGS[0];

/**
 * The rankings' causal check at each k of `ablate`: forgotten wrong labels, clean and test costs, per ranking,
 * paired per seed against the randomization ranking.
 *
 * @example
 * memorizationRankingSummaries(run.results, [8, 16, 32])[1].forgotten.paired;
 */
export function memorizationRankingSummaries(results: readonly MemorizationSeed[], ablate: readonly number[]): RankingSummaries[] {
  return ablate.map((k) => {
    const scores = (key: "forgotten" | "cleanCost" | "testCost") =>
      results.map((r) => Object.fromEntries(r.ablations.filter((a) => a.k === k).map((a) => [a.ranking, a[key]])));
    const options = (metric: string, better: "higher" | "lower") => ({ metric: `${metric}, top ${k} units set to their means`, better, reference: RANDOMIZATION, arms: [...MEMORIZATION_RANKINGS] });
    return {
      k,
      forgotten: summarizeScores(scores("forgotten"), options("share of the memorized wrong labels forgotten", "higher")),
      cleanCost: summarizeScores(scores("cleanCost"), options("clean training accuracy lost", "lower")),
      testCost: summarizeScores(scores("testCost"), options("test accuracy lost", "lower")),
    };
  });
}

/**
 * The details of the study's summary.
 *
 * @example
 * const d = memorizationDetails(settings, run.results);   // d.noisyFit.paired, d.rankings
 */
export function memorizationDetails(s: MemorizationSettings, results: readonly MemorizationSeed[]): MemorizationDetails {
  const paired = (key: "noisyFit" | "testLoss", metric: string) =>
    summarizeScores(armScores(results, key), { metric, better: "lower", reference: MEMORIZATION_REFERENCE, arms: [...MEMORIZATION_ARMS] });
  const etd = results.map((r) => outcomeOf(r, "example-tied dropout"));
  const own = etd.map((o) => o.noisyFitOwnUnits ?? Number.NaN);
  return {
    outcomes: memorizationOutcomeRows(results),
    noisyFit: paired("noisyFit", "wrong training labels reproduced"),
    testLoss: paired("testLoss", "test loss"),
    rankings: memorizationRankingSummaries(results, s.ablate),
    exampleTied: {
      noisyOwnUnits: ciText(own),
      noisyDropped: ciText(etd.map((o) => o.noisyFit)),
      forgotten: ciText(etd.map((o, i) => own[i] - o.noisyFit)),
      cleanOwnUnits: ciText(etd.map((o) => o.cleanFitOwnUnits ?? Number.NaN)),
      cleanDropped: ciText(etd.map((o) => o.cleanFit)),
    },
  };
}

/** One paired comparison with every statistic (a table row). */
export type PairedRow = {
  readonly comparison: string;
  readonly "mean [95% CI]": string;
  readonly median: string;
  readonly "better / worse seeds": string;
  readonly "Wilcoxon p": string;
};

/**
 * A summary's paired differences as table rows: mean with its t interval, median, seeds better and worse (by the
 * summary's `better`), Wilcoxon p.
 *
 * @example
 * tslab.display.html(nb.htmlTable(st.memorizationPairedRows(run.summary)));
 */
export function memorizationPairedRows(summary: StudySummary, digits = 3): PairedRow[] {
  return summary.paired.map((p) => ({
    comparison: `${p.arm} − ${p.reference}`,
    "mean [95% CI]": signedInterval(p, digits),
    median: signedNumber(p.median, digits),
    "better / worse seeds": `${p.wins} / ${p.losses}`,
    "Wilcoxon p": p.wilcoxonP.toPrecision(2),
  }));
}

/** One row per (arm, configuration): mean validation accuracy over the tuning seeds, and whether it was chosen. */
export type TuningRow = {
  readonly arm: MemorizationArm;
  readonly configuration: string;
  readonly "validation acc (tuning seeds)": string;
  readonly chosen: string;
};

/**
 * The tuning table: every configuration of every arm with its mean validation accuracy on the tuning seeds.
 *
 * @example
 * tslab.display.html(nb.htmlTable(st.memorizationTuningRows(SETTINGS, run.tuning, run.chosen)));
 */
export function memorizationTuningRows(s: MemorizationSettings, rows: readonly MemorizationTuneRow[], chosen: Readonly<Record<MemorizationArm, unknown>>): TuningRow[] {
  return MEMORIZATION_ARMS.flatMap((arm) =>
    s.grid[arm].map((c, i) => {
      const at = rows.filter((r) => r.arm === arm && r.configIndex === i).map((r) => r.valAcc);
      const mean = at.length === 0 ? Number.NaN : at.reduce((a, b) => a + b, 0) / at.length;
      return {
        arm,
        configuration: configLabel(c),
        "validation acc (tuning seeds)": `${mean.toFixed(3)} (${at.length} seed${at.length === 1 ? "" : "s"})`,
        chosen: JSON.stringify(chosen[arm]) === JSON.stringify(c) ? "yes" : "",
      };
    }),
  );
}
