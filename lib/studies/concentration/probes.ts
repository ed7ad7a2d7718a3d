/** What the plain arm's f-core spectators carry, over seeds (notebook 01's "why antitraining a large core can do little"). */
import { AntitrainError } from "../../base/errors";
import { type Interval, meanCI } from "../../base/statistics";
import type { ConcentrationSeed, SpectatorProbe } from "../concentration-study";

/** One probe fraction over seeds: the spectators the f-core leaves, and their damage as a share of the whole layer's. */
export interface ProbeAggregate {
  readonly spectators: Interval;
  readonly spectatorShare: Interval;
}

/**
 * Per probe fraction f (keyed `String(f)`, in the first seed's order), the mean with 95% CI over seeds of the plain
 * arm's f-core spectators and of their damage divided by the whole layer's (0 where the layer does no damage).
 *
 * @example
 * const agg = aggregateProbes(results.map((r) => r.digits));
 * agg["0.5"].spectatorShare.mean;   // share of the damage the 50% core's spectators carry
 */
export function aggregateProbes(seeds: readonly ConcentrationSeed[]): Record<string, ProbeAggregate> {
  if (!Array.isArray(seeds as unknown) || seeds.length === 0) throw new AntitrainError("aggregateProbes needs at least one seed's results (runConcentrationSeed)");
  const out: Record<string, ProbeAggregate> = {};
  for (const f of seeds[0].probes.map((p) => p.fraction)) {
    const ps = seeds.map((s) => {
      const p = s.probes.find((x) => x.fraction === f);
      if (p === undefined) throw new AntitrainError(`seed ${s.seed} has no probe at fraction ${f}: run every seed with the same probeFractions`);
      return p;
    });
    out[String(f)] = { spectators: meanCI(ps.map((p) => p.spectators)), spectatorShare: meanCI(ps.map(shareOf)) };
  }
  return out;
}

/** A probe's spectator damage over the whole layer's (0 when the layer does no damage). */
function shareOf(p: SpectatorProbe): number {
  return p.fullDamage > 0 ? p.spectatorDamage / p.fullDamage : 0;
}
