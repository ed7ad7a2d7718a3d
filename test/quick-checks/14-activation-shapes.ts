import { strict as assert } from "node:assert";

/**
 * Key numbers of 14-activation-shapes' quick run (one seed; digits 200 steps, modular addition 1500) that any
 * correct run must show: fixed activations report their exact t (ReLU 1, sigmoid 0), every digits model is well
 * above chance, the per-layer shape track starts at t = 1 (the ReLU start) with one point per checkpoint, both
 * tasks push the per-layer t above ReLU, every model fits the modular training pairs, and the learnable shape
 * generalizes to held-out pairs sooner than fixed ReLU at the same budget.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const runs = (task: string) => r.tasks[task].models.length * r.seeds.length;
  assert.equal(r.rows.length, runs("digits") + runs("modular"));
  for (const row of r.rows) {
    const what = `${row.task} · ${row.model}, seed ${row.seed}`;
    assert.ok(row.tMin <= row.tMean + 1e-9 && row.tMean <= row.tMax + 1e-9, what);
    if (row.model === "relu") assert.ok(row.tMin === 1 && row.tMax === 1, `${what}: ReLU is t = 1`);
    if (row.model === "sigmoid") assert.ok(row.tMin === 0 && row.tMax === 0, `${what}: sigmoid is t = 0`);
    if (row.task === "digits") assert.ok(row.testAccuracy > 0.85, `${what}: test accuracy ${row.testAccuracy} (chance 0.1)`);
    if (row.task === "modular") assert.ok(row.trainAccuracy > 0.95, `${what}: fits the training pairs (${row.trainAccuracy})`);
  }
  assert.equal(r.tracks.length, 2 * r.seeds.length, "one per-layer track per task and seed");
  for (const k of r.tracks) {
    const steps = r.tasks[k.task].steps;
    assert.equal(k.step[0], 0);
    assert.equal(k.t[0], 1, "tunable models start as ReLU");
    assert.equal(k.step.at(-1), steps);
    assert.equal(k.step.length, k.t.length);
    assert.ok(k.t.at(-1) > 1.05, `${k.task}: per-layer t pushed beyond ReLU (${k.t.at(-1)})`);
  }
  assert.equal(r.unitShapes.digits.length, r.tasks.digits.hidden * r.seeds.length);
  assert.equal(r.unitShapes.modular.length, r.tasks.modular.hidden * r.seeds.length);
  for (const seed of r.seeds) {
    const acc = (model: string) => r.rows.find((x: { task: string; model: string; seed: number }) => x.task === "modular" && x.model === model && x.seed === seed).testAccuracy;
    assert.ok(acc("tunable · layer") > acc("relu") + 0.2, `seed ${seed}: per-layer shape generalizes sooner (${acc("tunable · layer")} vs ${acc("relu")})`);
  }
}
