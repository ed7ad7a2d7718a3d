import { strict as assert } from "node:assert";
import { checkCompressionSeeds } from "./shared/compression";

/**
 * Key numbers of 04-compression's quick run that any correct run must show: every arm present with a curve over the
 * widths, the same update budget for every pruning arm (antitraining's own steps counted), a dense model well above
 * chance (0.1), validation accuracy rising from the narrowest to the widest kept layer, antitraining's pruned
 * network at 64 units still classifying, and a headline naming a real arm.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  assert.ok(r.split.train > 1000 && r.split.validation > 250 && r.split.test === 450, JSON.stringify(r.split));
  const arms = r.summary.map((s: { arm: string }) => s.arm);
  assert.equal(arms.length, 12);
  for (const arm of ["antitrain", "control: spectators, true labels", "control: core, true labels", "group lasso", "network slimming", "targeted dropout", "nested dropout", "iterative magnitude pruning", "small from scratch"]) {
    assert.ok(arms.includes(arm), `arm ${arm}`);
  }
  checkCompressionSeeds(r, { minDense: 0.9, rising: true });
  for (const seed of r.results) {
    const anti = seed.curves.find((c: { arm: string }) => c.arm === "antitrain");
    assert.ok(anti.points.find((p: { k: number }) => p.k === 64).testAfter > 0.9, "antitrained network pruned to 64 units, fine-tuned");
  }
}
