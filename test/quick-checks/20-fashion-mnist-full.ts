import { strict as assert } from "node:assert";
import { checkCompressionSeeds } from "./shared/compression";

/**
 * Key numbers of 20-fashion-mnist-full's quick run (notebook 15's quick subsample, notebook 20's five arms): the
 * split, the arms, every curve over the widths at the same budget, a dense model far above chance.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  assert.deepEqual(r.split, { train: 600, validation: 150, test: 300 });
  assert.deepEqual(
    r.summary.map((s: { arm: string }) => s.arm),
    ["antitrain", "activation L1", "targeted dropout", "iterative magnitude pruning", "small from scratch"],
  );
  checkCompressionSeeds(r, { minDense: 0.55, rising: false });
}
