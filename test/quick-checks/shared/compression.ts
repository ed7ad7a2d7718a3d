import { strict as assert } from "node:assert";

/**
 * What every compression-study quick run (notebooks 04, 15, 16) must show per seed: a dense model above
 * `minDense`, every pruning arm spending the same update budget and measured at every width of `keep`, and, where
 * `rising` is set, accuracy growing from the narrowest to the widest kept layer.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function checkCompressionSeeds(r: any, { minDense, rising }: { minDense: number; rising: boolean }): void {
  for (const seed of r.results) {
    assert.ok(seed.denseTest > minDense && seed.denseVal > minDense, `dense accuracy ${seed.denseTest}, ${seed.denseVal}`);
    for (const c of seed.curves) {
      if (c.arm === "small from scratch") continue;
      assert.equal(c.updates, r.updates, `${c.arm} spent ${c.updates} updates, not ${r.updates}`);
      assert.deepEqual(c.points.map((p: { k: number }) => p.k), r.keep, `${c.arm} measured every width`);
      const first = c.points[0];
      const last = c.points[c.points.length - 1];
      if (rising) assert.ok(last.valAfter > first.valAfter, `${c.arm}: wider is better (${first.valAfter} at ${first.k}, ${last.valAfter} at ${last.k})`);
      for (const p of c.points) assert.ok(p.ece >= 0 && p.ece <= 1 && p.testLoss > 0, `${c.arm} k=${p.k}`);
    }
  }
  for (const s of r.summary) assert.ok(s.units.mean >= 1 && s.units.mean <= (r.width ?? r.hidden), `${s.arm} units ${s.units.mean}`);
  const arms = r.summary.map((s: { arm: string }) => s.arm);
  assert.ok(arms.some((a: string) => r.headline.startsWith(a)), r.headline);
}
