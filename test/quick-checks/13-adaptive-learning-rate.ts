import { strict as assert } from "node:assert";

/**
 * Key numbers of 13-adaptive-learning-rate's quick run (one study seed, 300 updates, one configuration per arm, so no
 * tuning seed) that any correct run must show: every arm ran its one configuration (nothing tuned) and trained for
 * the same number of updates from the same initialization;
 * every arm learns the digits well above chance; the information-adaptive arms spread their per-unit scales around 1
 * and the peers have none; the summary pairs against update · up.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const arms = ["update · up", "update · down", "gradient · up", "gradient · down", "Adam", "AdamW", "LAMB"];
  assert.deepEqual(Object.keys(r.chosen), arms);
  assert.deepEqual(r.tuneSeeds, [], "one configuration per arm: nothing to tune");
  assert.equal(r.tuning.length, 0);
  for (const arm of arms) {
    const g = arm === "Adam" ? r.settings.learningRates : arm === "AdamW" ? r.settings.adamw : arm === "LAMB" ? r.settings.lamb : r.settings.info;
    assert.equal(g.length, 1, `${arm}: one configuration in the quick setting`);
    assert.equal(r.chosen[arm].learningRate, arm === "Adam" ? g[0] : g[0].learningRate, `${arm} runs its one configuration`);
  }
  assert.equal(r.rows.length, arms.length * r.seeds.length);
  assert.equal(r.curves.length, r.rows.length);
  for (const row of r.rows) {
    assert.equal(row.updates, r.steps, `${row.arm}: the same update budget`);
    assert.equal(row.label, r.chosen[row.arm].label, `${row.arm} ran its chosen configuration`);
    assert.ok(row.testAccuracy > 0.9, `${row.arm}: test accuracy ${row.testAccuracy} (chance 0.1)`);
    assert.ok(row.trainLoss < row.testLoss, `${row.arm}: fits the training rows better than the test split`);
    if (["Adam", "AdamW", "LAMB"].includes(row.arm)) assert.ok(row.minScale === 1 && row.maxScale === 1);
    else assert.ok(row.minScale < 0.5 && row.maxScale > 2, `${row.arm}: scales ${row.minScale}…${row.maxScale} spread around 1`);
  }
  for (const c of r.curves) {
    assert.equal(c.step[0], 0);
    assert.equal(c.step.at(-1), r.steps);
    assert.equal(c.loss[0], r.curves[0].loss[0], "every arm starts from the same initialization");
    assert.ok(c.loss[0] > 2 && c.loss.at(-1) < 0.4, `${c.arm}: validation loss ${c.loss[0]} → ${c.loss.at(-1)}`);
  }
  assert.equal(r.studySummary.reference, "update · up");
  assert.ok(["Adam", "AdamW", "LAMB"].includes(r.studySummary.details.strongestPeer));
  assert.equal(r.verdict.answer, "inconclusive", "one seed cannot show a paired difference");
}
