import { strict as assert } from "node:assert";
import { checkCompressionSeeds } from "./shared/compression";

/**
 * Key numbers of 16-push-the-method's quick run: every variant and reference present with a curve over the widths,
 * the same update budget for every pruning arm, a dense model well above chance, accuracy rising with width, the
 * variants' settings as tuned (rising fraction ends above its start; penalties positive), and a headline naming a
 * real arm.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const arms = r.summary.map((s: { arm: string }) => s.arm);
  for (const arm of ["antitrain", "antitrain, rising fraction", "antitrain, other cycle", "antitrain + group lasso", "antitrain + activation L1", "network slimming", "activation L1", "iterative magnitude pruning", "small from scratch"]) {
    assert.ok(arms.includes(arm), `arm ${arm}`);
  }
  assert.equal(arms.length, 9);
  assert.ok(r.chosen["antitrain-rising"].finalFraction > r.chosen["antitrain-rising"].fraction);
  assert.ok(r.chosen["antitrain+group-lasso"].lambda > 0 && r.chosen["antitrain+activation-l1"].lambda > 0);
  checkCompressionSeeds(r, { minDense: 0.9, rising: true });
  assert.ok(arms.includes(r.bestVariant) && arms.includes(r.bestReference));
}
