/** The plain arm's units, picked after training on validation data: the units that carry the most of the concept. */
import type { Concept } from "../../analysis/concept";
import { conceptFlow } from "../../analysis/concept-flow";
import { fitProbe } from "../../analysis/probe";
import { pearson } from "../../base/statistics";
import type { Dataset } from "../../data/dataset";
import { collectStats } from "../../measure/unit-stats";
import type { HookedModel } from "../../models/types";
import type { UnitPick } from "./settings";

/**
 * The `k` units of "h1" most informative about the concept on `validation`: by `damage` (the output probe's concept
 * accuracy drop when the unit alone is resampled) or by `correlation` (|Pearson r| of the unit with the concept);
 * ties go to the lower index. Leaves the model unchanged.
 *
 * @example
 * const units = pickConceptUnits(model, train, validation, parity, 4, "damage");
 */
export function pickConceptUnits(model: HookedModel, train: Dataset, validation: Dataset, c: Concept, k: number, pick: UnitPick): number[] {
  const units = model.sites()[0].units;
  let score: number[];
  if (pick === "damage") {
    const stats = collectStats(model, "h1", train, { seed: 0 });
    const probe = fitProbe(model, train, c);
    score = Array.from({ length: units }, (_, u) => {
      const f = conceptFlow(model, "h1", validation, probe, [u], { stats, seed: 1 });
      return f.clean - f.chosen;
    });
  } else {
    const cut = model.split("h1", validation.x);
    try {
      const act = cut.act.dataSync();
      const concept = Array.from(validation.y.dataSync(), (y) => c.of[y]);
      const n = concept.length;
      score = Array.from({ length: units }, (_, u) => {
        const a = Array.from({ length: n }, (_, i) => act[i * units + u]);
        const r = pearson(a, concept);
        return Number.isFinite(r) ? Math.abs(r) : 0;
      });
    } finally {
      cut.dispose();
    }
  }
  return Array.from({ length: units }, (_, u) => u)
    .sort((a, b) => score[b] - score[a] || a - b)
    .slice(0, k)
    .sort((a, b) => a - b);
}
