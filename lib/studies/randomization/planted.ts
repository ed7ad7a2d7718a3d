/**
 * Planted units of known content, added to a trained one-hidden-layer MLP without changing what it computes:
 * - `copy`: a duplicate of the trained unit with the largest std × outgoing weight norm, the outgoing weight split
 *   half and half between the two (they carry the same content);
 * - `constant`: no input weights, a positive bias, and nonzero outgoing weights compensated in the output bias (it
 *   carries no information about the input: its correct importance is 0);
 * - `silent`: input-driven (random incoming weights) but with zero outgoing weights (it reaches nothing: 0).
 */
import { rngFor } from "../../base/rng";
import type { Dataset } from "../../data/dataset";
import { collectStats } from "../../measure/unit-stats";
import { Mlp } from "../../models/mlp";

/** What a unit of the planted layer is. */
export type UnitKind = "trained" | "copy" | "constant" | "silent";

/** The planted units, in the order they follow the trained ones. */
export const PLANTED_KINDS: readonly UnitKind[] = ["copy", "constant", "silent"];

/** A model with planted units: the kind of every unit of h1, and the trained unit the copy duplicates. */
export interface Planted {
  readonly model: Mlp;
  readonly kinds: readonly UnitKind[];
  readonly original: number;
}

/**
 * `trained` (64→T→10, one hidden layer) with the {@link PLANTED_KINDS} units appended to h1 (T + 3 units), computing
 * the same function (to float rounding). The copy's original is chosen by std × outgoing norm on `data`, a
 * property of the weights, not of any randomization method. The caller disposes `model`.
 *
 * @example
 * const { model, kinds, original } = plantUnits(trained, train, 0);
 */
export function plantUnits(trained: Mlp, data: Dataset, seed: number): Planted {
  const [l1, l2] = trained.weights();
  const t = l1.fanOut;
  const out = l2.fanOut;
  const stats = collectStats(trained, "h1", data, { seed });
  const outNorm = (u: number) => Math.hypot(...Array.from({ length: out }, (_, j) => l2.w[u * out + j]));
  const inNorm = (u: number) => Math.hypot(...Array.from({ length: l1.fanIn }, (_, i) => l1.w[i * t + u]));
  let original = 0;
  for (let u = 1; u < t; u++) if (stats.std[u] * outNorm(u) > stats.std[original] * outNorm(original)) original = u;
  const meanOut = Array.from({ length: t }, (_, u) => outNorm(u)).reduce((a, b) => a + b, 0) / t;
  const meanIn = Array.from({ length: t }, (_, u) => inNorm(u)).reduce((a, b) => a + b, 0) / t;
  const meanAct = Array.from(stats.mean).reduce((a, b) => a + b, 0) / t;
  const c = meanAct > 0 ? meanAct : 1;
  const rng = rngFor(seed, 7007);
  const unitVector = (k: number) => {
    const v = Array.from({ length: k }, () => rng.normal());
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  };
  const constantOut = unitVector(out).map((x) => x * meanOut);
  const silentIn = unitVector(l1.fanIn).map((x) => x * meanIn);
  const h = t + PLANTED_KINDS.length;
  const w1 = new Float32Array(l1.fanIn * h);
  const b1 = new Float32Array(h);
  for (let i = 0; i < l1.fanIn; i++) {
    for (let u = 0; u < t; u++) w1[i * h + u] = l1.w[i * t + u];
    w1[i * h + t] = l1.w[i * t + original]; // copy
    // constant (t + 1): no input weights
    w1[i * h + t + 2] = silentIn[i]; // silent
  }
  b1.set(l1.b, 0);
  b1[t] = l1.b[original];
  b1[t + 1] = c;
  b1[t + 2] = 0;
  const w2 = new Float32Array(h * out);
  const b2 = Float32Array.from(l2.b);
  for (let u = 0; u < t; u++) for (let j = 0; j < out; j++) w2[u * out + j] = l2.w[u * out + j];
  for (let j = 0; j < out; j++) {
    w2[original * out + j] = l2.w[original * out + j] / 2;
    w2[t * out + j] = l2.w[original * out + j] / 2;
    w2[(t + 1) * out + j] = constantOut[j];
    b2[j] -= c * constantOut[j];
    // silent (t + 2): zero outgoing weights
  }
  const model = new Mlp([
    { w: w1, b: b1, fanIn: l1.fanIn, fanOut: h },
    { w: w2, b: b2, fanIn: h, fanOut: out },
  ]);
  return { model, kinds: [...Array.from({ length: t }, (): UnitKind => "trained"), ...PLANTED_KINDS], original };
}
