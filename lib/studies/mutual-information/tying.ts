/**
 * The tying-hint check of the mutual-information study: the plain model's tying hints against its units' activation
 * correlations, and the hints of the same model with planted duplicates of its most informative units (a known
 * answer: each copy's twin is its original).
 */
import { plantDuplicates } from "../../analysis/plant";
import { redundancy } from "../../analysis/redundancy";
import { tyingHints } from "../../analysis/tying";
import { pearson, spearman } from "../../base/statistics";
import type { Dataset } from "../../data/dataset";
import { importance, ranked } from "../../importance/importance";
import { type UnitStats, collectStats } from "../../measure/unit-stats";
import type { Mlp } from "../../models/mlp";
import { mean } from "./measure-model";

/** One of the plain model's top hints. */
export interface TopHint {
  /** "a,b". */
  readonly pair: string;
  readonly hint: number;
  /** Pearson correlation of the two units' activations over the stats bank. */
  readonly correlation: number;
}

/** The tying check of one seed. */
export interface TyingCheck {
  /** The plain model's five highest hints. */
  readonly top: readonly TopHint[];
  /** Every pair's hint (highest first) and its activation correlation, in the same order. */
  readonly hints: readonly number[];
  readonly correlations: readonly number[];
  /** Spearman of hint against correlation, and against |correlation|. */
  readonly spearmanCorr: number;
  readonly spearmanAbsCorr: number;
  /** Each planted pair's rank among all pairs of the planted model (1 = highest hint). */
  readonly plantedRanks: readonly number[];
  /** Share of planted pairs ranked within the top PLANTED. */
  readonly plantedPrecision: number;
  /** Share of planted copies whose highest-hint partner is their original. */
  readonly partnerAccuracy: number;
  /** Mean hint of the planted pairs, and the highest hint of any other pair. */
  readonly plantedHint: number;
  readonly nextHint: number;
  /** Mean interaction on loss of the planted pairs, and of every other pair. */
  readonly plantedInteraction: number;
  readonly otherInteraction: number;
}

/** The values unit `u` takes over the rows of the stats bank (the rows the resampler draws from). */
export function bankColumn(stats: UnitStats, u: number): Float64Array {
  const w = stats.units;
  return Float64Array.from({ length: stats.bankRows }, (_, r) => stats.bank[r * w + u]);
}

/**
 * Pearson correlation of two units' activations over the stats bank (0 when either is constant there).
 *
 * @example
 * activationCorrelation(collectStats(model, "h1", train, { seed: 0 }), 3, 7);
 */
export function activationCorrelation(stats: UnitStats, a: number, b: number): number {
  return pearson(bankColumn(stats, a), bankColumn(stats, b));
}

/**
 * The tying check on a trained model: its hints on loss against activation correlations, then `planted` duplicates
 * of its most informative units (loss importance) planted with `plantDuplicates`, and how the planted pairs rank.
 * Leaves the model unchanged.
 *
 * @example
 * const t = tyingCheck(plain, train, test, { seed: 0, samples: 4, planted: 4 });
 * t.partnerAccuracy;   // share of copies whose best partner is their original
 */
export function tyingCheck(model: Mlp, train: Dataset, test: Dataset, options: { seed: number; samples: number; planted: number }): TyingCheck {
  const { seed, samples, planted: count } = options;
  const hidden = model.sites()[0].units;
  const stats = collectStats(model, "h1", train, { seed });
  const hints = tyingHints(model, "h1", test, { stats, metric: "loss", samples, seed });
  const corr = hints.ranked.map((h) => activationCorrelation(stats, h.a, h.b));
  const imp = importance(model, "h1", test, { stats, metric: "loss", samples, seed });
  const top = ranked(imp).slice(0, count);
  const planted = plantDuplicates(model, "h1", top);
  try {
    const copies = top.map((u, i) => `${u},${hidden + i}`);
    const pstats = collectStats(planted, "h1", train, { seed });
    const ph = tyingHints(planted, "h1", test, { stats: pstats, metric: "loss", samples, seed });
    const keys = ph.ranked.map((h) => `${h.a},${h.b}`);
    const ranks = copies.map((c) => keys.indexOf(c) + 1);
    // For each planted copy, is its highest-hint partner its original? (the question tying asks of one unit)
    const partnerHits = top.filter((u, i) => {
      const best = ph.ranked.find((h) => h.a === hidden + i || h.b === hidden + i);
      return best !== undefined && (best.a === u || best.b === u);
    }).length;
    const pr = redundancy(planted, "h1", test, { stats: pstats, metric: "loss", samples, seed });
    const plantedInteraction = mean(pr.pairs.filter((p) => copies.includes(`${p.a},${p.b}`)).map((p) => p.interaction));
    const otherInteraction = mean(pr.pairs.filter((p) => !copies.includes(`${p.a},${p.b}`)).map((p) => p.interaction));
    return {
      top: hints.ranked.slice(0, 5).map((h, i) => ({ pair: `${h.a},${h.b}`, hint: h.hint, correlation: corr[i] })),
      hints: hints.ranked.map((h) => h.hint),
      correlations: corr,
      spearmanCorr: spearman(hints.ranked.map((h) => h.hint), corr),
      spearmanAbsCorr: spearman(hints.ranked.map((h) => h.hint), corr.map(Math.abs)),
      plantedRanks: ranks,
      plantedPrecision: ranks.filter((r) => r <= count).length / count,
      partnerAccuracy: partnerHits / count,
      plantedHint: mean(ranks.map((r) => ph.ranked[r - 1].hint)),
      nextHint: ph.ranked.find((h) => !copies.includes(`${h.a},${h.b}`))?.hint ?? Number.NaN,
      plantedInteraction,
      otherInteraction,
    };
  } finally {
    planted.dispose();
  }
}
