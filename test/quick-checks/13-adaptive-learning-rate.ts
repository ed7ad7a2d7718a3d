import { strict as assert } from "node:assert";

/**
 * Key numbers of 13-adaptive-learning-rate's quick run (the full 1000-step budget on one seed) that any correct run
 * must show: every configuration trains the MLP well above chance, the learning curves have one point per
 * checkpoint and fall from the untrained loss, plain Adam has no scales while every information-adaptive one spreads
 * its per-unit scales around 1, and up-weighting high-information units with update scaling learns faster at first
 * but ends with a higher test loss than plain Adam (the study's one clear effect).
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const configs = ["plain Adam", "update · up", "update · down", "gradient · up", "gradient · down"];
  assert.equal(r.rows.length, configs.length * r.seeds.length);
  assert.equal(r.curves.length, r.rows.length);
  for (const row of r.rows) {
    assert.ok(row.testAccuracy > 0.93, `${row.config}: test accuracy ${row.testAccuracy} (chance 0.1)`);
    assert.ok(row.trainLoss < row.testLoss, `${row.config}: fits the training set better than the test set`);
    if (row.config === "plain Adam") assert.ok(row.minScale === 1 && row.maxScale === 1);
    else assert.ok(row.minScale < 0.5 && row.maxScale > 2, `${row.config}: scales ${row.minScale}…${row.maxScale} spread around 1`);
  }
  for (const c of r.curves) {
    assert.equal(c.step.length, c.loss.length);
    assert.equal(c.step[0], 0);
    assert.equal(c.step.at(-1), r.steps);
    assert.ok(c.loss[0] > 2 && c.loss.at(-1) < 0.3, `${c.config}: test loss ${c.loss[0]} → ${c.loss.at(-1)}`);
  }
  for (const seed of r.seeds) {
    const curve = (name: string) => r.curves.find((c: { config: string; seed: number }) => c.config === name && c.seed === seed);
    const adam = curve("plain Adam");
    const up = curve("update · up");
    assert.ok(up.loss[1] < adam.loss[1], `seed ${seed}: update · up is ahead of Adam at the first checkpoint`);
  }
  assert.ok(r.summary["update · up"].dLoss.mean > 0.02, `update · up ends above Adam's test loss: ${r.summary["update · up"].dLoss.mean}`);
  assert.equal(r.summary["plain Adam"].dLoss, undefined);
}
