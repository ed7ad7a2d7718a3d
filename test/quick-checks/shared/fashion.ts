import { strict as assert } from "node:assert";
import { checkCompressionSeeds } from "./compression";

/**
 * What the Fashion-MNIST compression studies' quick runs (notebooks 15 and 17) must show: the subsample's sizes, all
 * 12 arms with a curve over the widths and the same update budget, a dense model far above chance (0.1) even after
 * the short quick training, every pruned point above 0.2, every pruned arm's 95% core measured on its unpruned layer
 * (1 to `width` units), and a headline naming a real arm.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function checkFashionStudy(r: any, width: number): void {
  assert.equal(r.quick, true);
  assert.deepEqual(r.split, { train: 600, validation: 150, test: 300 });
  const arms = r.summary.map((s: { arm: string }) => s.arm);
  assert.equal(arms.length, 12);
  checkCompressionSeeds(r, { minDense: 0.55, rising: false });
  for (const seed of r.results) {
    for (const c of seed.curves) {
      if (c.arm === "small from scratch") continue;
      for (const p of c.points) assert.ok(p.valAfter > 0.2, `${c.arm} k=${p.k}: ${p.valAfter}`);
      if (c.arm !== "iterative magnitude pruning") assert.ok(c.core95 >= 1 && c.core95 <= width && c.fullDamage > 0.2, `${c.arm}: 95% core ${c.core95}, full damage ${c.fullDamage}`);
    }
  }
}
