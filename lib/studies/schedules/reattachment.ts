/** Reattachment: spectators of the antitrained core at one re-measurement that are in it at the next. */
import { AntitrainError } from "../../base/errors";

/** Per transition between consecutive re-measurements: reattached units, and their share of the spectators. */
export interface Reattachment {
  readonly counts: number[];
  readonly rates: number[];
}

/**
 * For each re-measurement c and the next, the units of a `units`-wide layer that were spectators of the antitrained
 * core at c and are in it at c + 1, and that count divided by the spectators at c.
 *
 * @example
 * reattachment([[0, 1], [1, 2]], 4);   // { counts: [1], rates: [0.5] }: unit 2 came back, of spectators 2 and 3
 */
export function reattachment(antitrainedCores: readonly (readonly number[])[], units: number): Reattachment {
  if (!(Number.isInteger(units) && units > 0)) throw new AntitrainError(`reattachment: units must be the layer's width, a positive integer, got ${units}`);
  const counts: number[] = [];
  const rates: number[] = [];
  for (let c = 0; c + 1 < antitrainedCores.length; c++) {
    const now = new Set(antitrainedCores[c]);
    const next = new Set(antitrainedCores[c + 1]);
    let n = 0;
    for (let u = 0; u < units; u++) if (!now.has(u) && next.has(u)) n++;
    counts.push(n);
    rates.push(n / (units - now.size));
  }
  return { counts, rates };
}

/**
 * A run's mean over its transitions, skipping the first (which includes the pretrained network's ranking); 0 when
 * no transition is left.
 *
 * @example
 * meanAfterFirst([5, 1, 2]);   // 1.5
 */
export function meanAfterFirst(values: readonly number[]): number {
  const x = values.slice(1);
  return x.reduce((a, b) => a + b, 0) / Math.max(1, x.length);
}
