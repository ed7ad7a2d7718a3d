import { strict as assert } from "node:assert";

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
  for (const seed of r.results) {
    assert.ok(seed.denseTest > 0.9 && seed.denseVal > 0.9, `dense accuracy ${seed.denseTest}, ${seed.denseVal}`);
    for (const c of seed.curves) {
      if (c.arm === "small from scratch") continue;
      assert.equal(c.updates, r.updates, `${c.arm} spent ${c.updates} updates, not ${r.updates}`);
      assert.deepEqual(c.points.map((p: { k: number }) => p.k), r.keep, `${c.arm} measured every width`);
      const first = c.points[0];
      const last = c.points[c.points.length - 1];
      assert.ok(last.valAfter > first.valAfter, `${c.arm}: wider is better (${first.valAfter} at ${first.k}, ${last.valAfter} at ${last.k})`);
    }
  }
  for (const s of r.summary) assert.ok(s.units.mean >= 1 && s.units.mean <= r.hidden, `${s.arm} units ${s.units.mean}`);
  assert.ok(arms.some((a: string) => r.headline.startsWith(a)), r.headline);
  assert.ok(arms.includes(r.bestVariant) && arms.includes(r.bestReference));
}
