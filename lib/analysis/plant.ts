import { AntitrainError } from "../base/errors";
import { type DenseWeights, Mlp } from "../models/mlp";
import { requireUnits } from "./redundancy";
import { requireSite } from "../base/validate";

/**
 * A new MLP computing the same function as `model` with a planted duplicate of each listed unit of `site`: the
 * copy is appended after the site's units (copy of `units[i]` is unit `width + i`) with the same incoming weights
 * and bias, and the original's outgoing weights are split in half between the two. A known answer for
 * {@link tyingHints} (the duplicates must rank first) and the notes' "same information at half amplitude"
 * example. Leaves `model` unchanged.
 *
 * @example
 * const planted = at.plantDuplicates(model, "h1", [3, 7]);   // units 3 and 7 gain copies: W and W + 1
 * at.tyingHints(planted, "h1", test).ranked.slice(0, 2);      // pairs (3, W) and (7, W + 1)
 */
export function plantDuplicates(model: Mlp, site: string, units: readonly number[]): Mlp {
  if (!(model instanceof Mlp)) throw new AntitrainError("plantDuplicates works on an MLP made by at.mlp or new at.Mlp");
  const width = requireSite(model, site).units;
  const copies = requireUnits(units, width, site, 1);
  const index = model.sites().findIndex((s) => s.name === site); // an MLP's site i is dense layer i's output
  const layers = model.weights();
  const before = layers[index];
  const after = layers[index + 1];
  const wide = width + copies.length;
  const w = new Float32Array(before.fanIn * wide);
  for (let i = 0; i < before.fanIn; i++) {
    const row = before.w.subarray(i * width, (i + 1) * width);
    w.set(row, i * wide);
    copies.forEach((u, c) => {
      w[i * wide + width + c] = row[u];
    });
  }
  const b = new Float32Array(wide);
  b.set(before.b);
  copies.forEach((u, c) => {
    b[width + c] = before.b[u];
  });
  const out = new Float32Array(wide * after.fanOut);
  out.set(after.w);
  copies.forEach((u, c) => {
    for (let o = 0; o < after.fanOut; o++) {
      const half = after.w[u * after.fanOut + o] / 2;
      out[u * after.fanOut + o] = half;
      out[(width + c) * after.fanOut + o] = half;
    }
  });
  const next: DenseWeights[] = [...layers];
  next[index] = { w, b, fanIn: before.fanIn, fanOut: wide };
  next[index + 1] = { w: out, b: after.b, fanIn: wide, fanOut: after.fanOut };
  return new Mlp(next, model.activation);
}
