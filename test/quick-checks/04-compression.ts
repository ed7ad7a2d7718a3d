import { strict as assert } from "node:assert";

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
  for (const seed of r.results) {
    assert.ok(seed.denseTest > 0.9 && seed.denseVal > 0.9, `dense accuracy ${seed.denseTest}, ${seed.denseVal}`);
    for (const c of seed.curves) {
      if (c.arm === "small from scratch") continue;
      assert.equal(c.updates, r.updates, `${c.arm} spent ${c.updates} updates, not ${r.updates}`);
      assert.deepEqual(c.points.map((p: { k: number }) => p.k), r.keep, `${c.arm} measured every width`);
      const first = c.points[0];
      const last = c.points[c.points.length - 1];
      assert.ok(last.valAfter > first.valAfter, `${c.arm}: wider is better (${first.valAfter} at ${first.k}, ${last.valAfter} at ${last.k})`);
      for (const p of c.points) assert.ok(p.ece >= 0 && p.ece <= 1 && p.testLoss > 0, `${c.arm} k=${p.k}`);
    }
    const anti = seed.curves.find((c: { arm: string }) => c.arm === "antitrain");
    assert.ok(anti.points.find((p: { k: number }) => p.k === 64).testAfter > 0.9, "antitrained network pruned to 64 units, fine-tuned");
  }
  for (const s of r.summary) assert.ok(s.units.mean >= 1 && s.units.mean <= r.hidden, `${s.arm} units ${s.units.mean}`);
  assert.ok(arms.some((a: string) => r.headline.startsWith(a)), r.headline);
}
