import { strict as assert } from "node:assert";

/**
 * Key numbers of 01-concentration's quick run that any correct run must show (ranges, not the exact values, which
 * move with the backend): one run per task, arm and seed; trained MLPs well above chance (digits 0.1, teacher-student
 * 0.25); a plainly trained layer whose 95% core is most of its width while antitraining the 50% core shrinks it
 * clearly; cores that hold the damage they are defined by; and the "why" table's spectators growing as f falls.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const tasks = ["digits", "teacher-student"];
  const configs = ["plain", ...r.fractions.map((f: number) => `antitrain ${f}`)];
  assert.ok(r.fractions.includes(0.5), "the 50% core is one of the antitrained fractions");
  assert.equal(r.runs.length, r.seeds.length * tasks.length * configs.length, "one run per seed, task and arm");
  assert.equal(r.curves.length, r.runs.length);
  for (const run of r.runs) {
    const what = `${run.task} ${run.config} seed ${run.seed}`;
    assert.ok(run.coreSize >= 1 && run.coreSize <= r.hidden, `${what}: core ${run.coreSize}`);
    assert.ok(run.testAccuracy > (run.task === "digits" ? 0.9 : 0.65), `${what}: test accuracy ${run.testAccuracy}`);
    assert.ok(run.fullDamage > (run.task === "digits" ? 0.6 : 0.3), `${what}: whole-layer damage ${run.fullDamage}`);
    assert.ok(run.coreDamage >= 0.85 * run.fullDamage, `${what}: the core does most of the whole-layer damage`);
    assert.ok(run.coreDamage <= run.fullDamage + 0.05, `${what}: the core does no more than the whole layer`);
    assert.ok(Math.abs(run.spectatorDamage) <= 0.5 * run.fullDamage, `${what}: spectator damage ${run.spectatorDamage}`);
  }
  for (const c of r.curves) {
    assert.equal(c.step.length, r.steps / r.cycle + 1, "a measurement at the start of the schedule and after every cycle");
    assert.equal(c.core.length, c.step.length);
    for (const a of c.accuracy) assert.ok(a > 0.5 && a <= 1, `${c.task} ${c.config}: accuracy ${a} during the run`);
  }
  for (const task of tasks) {
    const plain = r.aggregate[task].plain.coreSize.mean;
    const half = r.aggregate[task]["antitrain 0.5"].coreSize.mean;
    assert.ok(plain >= 0.6 * r.hidden, `${task}: plain training spreads information over most of the layer (core ${plain})`);
    assert.ok(half <= 0.75 * plain, `${task}: antitraining the 50% core shrinks the 95% core (${half} vs plain ${plain})`);
    const why = r.why.filter((w: { task: string }) => w.task === task);
    assert.equal(why.length, 5 * r.seeds.length);
    for (const seed of r.seeds) {
      const ws = why.filter((w: { seed: number }) => w.seed === seed);
      assert.ok(ws[0].spectators >= ws[ws.length - 1].spectators, `${task}: the 50% core leaves more spectators than the 99% core`);
      assert.ok(ws[0].spectatorDamage > ws[ws.length - 1].spectatorDamage, `${task}: the 50% core's spectators carry more damage`);
    }
  }
}
