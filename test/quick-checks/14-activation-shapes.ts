import { strict as assert } from "node:assert";

/**
 * Key numbers of 14-activation-shapes' quick run (one seed and one tuning seed; digits 200 steps, modular addition
 * 1500, one configuration per model) that any correct run must show: every model's one configuration ran on the
 * tuning seed and is the one it runs; fixed activations report their exact t (ReLU 1, sigmoid 0); every digits
 * model is well above chance; the per-layer shape track starts at the chosen start with one point per checkpoint and
 * moves upward; every model fits the modular training pairs, and the learnable shape generalizes to held-out pairs at
 * least as well as tuned ReLU at the same budget.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const runs = (task: string) => r.tasks[task].models.length * r.seeds.length;
  assert.equal(r.rows.length, runs("digits") + runs("modular"));
  const tasks = ["digits", "modular"];
  assert.equal(r.tuning.length, tasks.reduce((a, t) => a + r.tasks[t].models.length, 0) * r.tuneSeeds.length, "one configuration per model and tuning seed");
  for (const task of tasks) {
    for (const model of r.tasks[task].models) {
      const mine = r.tuning.filter((x: { task: string; model: string }) => x.task === task && x.model === model);
      const best = Math.max(...mine.map((x: { validationAccuracy: number }) => x.validationAccuracy));
      const chosen = r.chosen[task][model];
      const at = mine.filter((x: { learningRate: number; initialShape?: number }) => x.learningRate === chosen.learningRate && x.initialShape === chosen.initialShape);
      assert.ok(at.length > 0 && at[0].validationAccuracy === best, `${task} · ${model}: the chosen configuration has the best validation accuracy`);
    }
  }
  for (const row of r.rows) {
    const what = `${row.task} · ${row.model}, seed ${row.seed}`;
    assert.equal(row.learningRate, r.chosen[row.task][row.model].learningRate, `${what}: ran its chosen rate`);
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
    assert.equal(k.t[0], r.chosen[k.task]["tunable · layer"].initialShape, "the per-layer shape starts at its chosen start");
    assert.equal(k.step.at(-1), steps);
    assert.equal(k.step.length, k.t.length);
    assert.ok(k.t.at(-1) > k.t[0] + 0.05, `${k.task}: per-layer t pushed upward (${k.t[0]} → ${k.t.at(-1)})`);
  }
  assert.equal(r.unitShapes.digits.length, r.tasks.digits.hidden * r.seeds.length);
  assert.equal(r.unitShapes.modular.length, r.tasks.modular.hidden * r.seeds.length);
  for (const seed of r.seeds) {
    const acc = (model: string) => r.rows.find((x: { task: string; model: string; seed: number }) => x.task === "modular" && x.model === model && x.seed === seed).testAccuracy;
    assert.ok(acc("tunable · layer") > 0.9 && acc("tunable · layer") >= acc("relu"), `seed ${seed}: the per-layer shape generalizes (${acc("tunable · layer")} vs ReLU ${acc("relu")})`);
  }
}
