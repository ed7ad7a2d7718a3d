import { strict as assert } from "node:assert";

/**
 * Key numbers of 00-quickstart's quick run that any correct run must show (ranges, not the exact values, which move
 * with the backend): a trained MLP well above chance (0.1), cores and compressed sizes consistent with each other,
 * one history row per measurement, and a compressed model that still classifies.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  assert.ok(r.testAccuracy.before > 0.9, `plain test accuracy ${r.testAccuracy.before}`);
  assert.ok(r.testAccuracy.after > 0.85, `antitrained test accuracy ${r.testAccuracy.after}`);
  assert.ok(r.coreSize.before >= 1 && r.coreSize.before <= r.width);
  assert.ok(r.coreSize.lossCoreBefore >= r.coreSize.before - 10, "the loss core is not much smaller than the accuracy core");
  assert.equal(r.history.length, r.settings.cycles + 1, "a measurement at the start and after every cycle");
  for (const h of r.history) assert.ok(h.coreSize >= h.antiCoreSize, "the 95% core holds the 50% core");
  assert.equal(r.compressed.units, r.coreSize.after, "compression keeps exactly the final core");
  assert.ok(r.compressed.units < r.width, "antitraining left spectators to remove");
  assert.ok(r.compressed.testAccuracy > 0.8, `compressed test accuracy ${r.compressed.testAccuracy}`);
  assert.equal(r.plainCutToSameSize.units, r.compressed.units);
  assert.equal(r.summary.length, 4);
}
