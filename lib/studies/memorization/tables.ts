/**
 * The generalizing-vs-memorizing study's tables over seeds, as results/08-generalizing-vs-memorizing.json stores
 * them: each variant's outcomes, and the paired test-accuracy differences.
 */
import { AntitrainError } from "../../base/errors";
import { meanCI } from "../../base/statistics";
import { interval } from "../summary";
import { MEMORIZATION_VARIANTS, type MemorizationSeed, type MemorizationVariant } from "./run-seed";

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

/** One variant's outcomes over seeds (a type literal, so a table row as `htmlTable` takes it). */
export type OutcomeRow = {
  readonly variant: MemorizationVariant;
  readonly "test acc": string;
  readonly "train acc": string;
  readonly "train − test gap": string;
  readonly "wrong labels reproduced": string;
  readonly "95% core": string;
};

/** One paired test-accuracy difference over seeds. */
export type PairedRow = {
  readonly comparison: string;
  readonly "test acc difference (mean, 95% CI)": string;
};

/** A seed's outcome of one variant. */
function outcome(r: MemorizationSeed, v: MemorizationVariant) {
  const o = r.outcomes.find((x) => x.variant === v);
  if (o === undefined) throw new AntitrainError(`seed ${r.seed} has no outcome for the variant "${v}": pass results of runMemorizationSeed`);
  return o;
}

/**
 * Each variant's test and train accuracy, gap, wrong labels reproduced and 95% core, over seeds.
 *
 * @example
 * tslab.display.html(nb.htmlTable(st.memorizationOutcomeRows(run.results)));
 */
export function memorizationOutcomeRows(results: readonly MemorizationSeed[]): OutcomeRow[] {
  return MEMORIZATION_VARIANTS.map((v) => {
    const os = results.map((r) => outcome(r, v));
    return {
      variant: v,
      "test acc": ciText(os.map((o) => o.testAcc)),
      "train acc": ciText(os.map((o) => o.trainAcc)),
      "train − test gap": ciText(os.map((o) => o.gap)),
      "wrong labels reproduced": ciText(os.map((o) => o.noisyFit)),
      "95% core": ciText(os.map((o) => o.core95), 1),
    };
  });
}

/**
 * Paired test-accuracy differences (each seed's variants share the noisy labels, the initialization and the batch
 * order): every variant minus plain, then held-out core minus training core.
 *
 * @example
 * st.memorizationPairedRows(run.results).at(-1);   // held-out core − training core
 */
export function memorizationPairedRows(results: readonly MemorizationSeed[]): PairedRow[] {
  const testOf = (r: MemorizationSeed, v: MemorizationVariant) => outcome(r, v).testAcc;
  return [
    ...MEMORIZATION_VARIANTS.slice(1).map((v) => ({ comparison: `${v} − plain`, "test acc difference (mean, 95% CI)": ciText(results.map((r) => testOf(r, v) - testOf(r, "plain"))) })),
    {
      comparison: "held-out core − training core",
      "test acc difference (mean, 95% CI)": ciText(results.map((r) => testOf(r, "antitrain, held-out core") - testOf(r, "antitrain, training core"))),
    },
  ];
}
