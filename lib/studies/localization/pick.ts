/** The plain arm's units, picked after training on validation data: the units that carry the most of the concept. */
import type { Concept } from "../../analysis/concept";
import { conceptFlow } from "../../analysis/concept-flow";
import { fitProbe } from "../../analysis/probe";
import * as tf from "@tensorflow/tfjs";
import { pearson } from "../../base/statistics";
import { requireSite } from "../../base/validate";
import { lastPosition } from "./concept-labels";
import type { Dataset } from "../../data/dataset";
import { collectStats } from "../../measure/unit-stats";
import type { HookedModel } from "../../models/types";
import type { UnitPick } from "./settings";

/**
 * The `k` units of `site` most informative about the concept on `data.validation` (probe and stats from `data.train`): by `damage` (the output probe's concept
 * accuracy drop when the unit alone is resampled) or by `correlation` (|Pearson r| of the unit with the concept);
 * ties go to the lower index. Leaves the model unchanged.
 *
 * @example
 * const units = pickConceptUnits(model, "h1", { train, validation }, parity, 4, "damage");
 */
export function pickConceptUnits(model: HookedModel, site: string, data: { train: Dataset; validation: Dataset }, c: Concept, k: number, pick: UnitPick): number[] {
  const { train, validation } = data;
  const units = requireSite(model, site).units;
  const damage = (): number[] => {
    const stats = collectStats(model, site, train, { seed: 0 });
    const probe = fitProbe(model, train, c);
    return Array.from({ length: units }, (_, u) => {
      const f = conceptFlow(model, site, validation, probe, [u], { stats, seed: 1 });
      return f.clean - f.chosen;
    });
  };
  const correlation = (): number[] => {
    const cut = model.split(site, validation.x);
    try {
      const act = tf.tidy(() => lastPosition(cut.act).dataSync());
      const concept = Array.from(validation.y.dataSync(), (y) => c.of[y]);
      const n = concept.length;
      return Array.from({ length: units }, (_, u) => {
        const a = Array.from({ length: n }, (_, i) => act[i * units + u]);
        const r = pearson(a, concept);
        return Number.isFinite(r) ? Math.abs(r) : 0;
      });
    } finally {
      cut.dispose();
    }
  };
  const score =
    pick === "damage"
      ? damage()
      : pick === "correlation"
        ? correlation()
        : rankSumScore(damage(), correlation());
  return Array.from({ length: units }, (_, u) => u)
    .sort((a, b) => score[b] - score[a] || a - b)
    .slice(0, k)
    .sort((a, b) => a - b);
}

/**
 * The "both" rule's score: minus the sum of each unit's ranks under two scores (rank 0 = the highest score, ties
 * to the lower index), so that sorting by it, highest first, puts the lowest rank sum first.
 *
 * @example
 * rankSumScore([3, 2, 1], [1, 3, 2]);   // [-2, -1, -3]: ranks [0, 1, 2] and [2, 0, 1]
 */
export function rankSumScore(a: readonly number[], b: readonly number[]): number[] {
  const ranks = (v: readonly number[]): number[] => {
    const r = new Array<number>(v.length);
    Array.from({ length: v.length }, (_, u) => u)
      .sort((x, y) => v[y] - v[x] || x - y)
      .forEach((u, i) => {
        r[u] = i;
      });
    return r;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  return ra.map((x, u) => 0 - x - rb[u]);
}
