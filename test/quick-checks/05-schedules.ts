import { strict as assert } from "node:assert";

/**
 * Key numbers of 05-schedules's quick run that any correct run must show (ranges, not the exact values, which move
 * with the backend): one run per seed and arm, each at exactly the settings' optimizer updates (training steps plus
 * antitrain steps), re-measured at its own cadence (cyclic also after every antitraining phase, the last one at the
 * budget); the antitrained 50% core a prefix of the 95% core; accuracies well above chance (0.1); nothing tuned in
 * the quick setting; interleaved antitraining shrinking the test-split core below plain training's at a higher clean
 * loss; and interleaved membership churning less than plain training's.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const arms = ["plain", "interleaved", "cyclic", "group lasso"];
  const s = r.settings;
  const hidden = s.hidden;
  assert.equal(r.runs.length, r.seeds.length * arms.length, "one run per seed and arm");
  assert.deepEqual(r.tuningTable, [], "the quick setting tunes nothing");
  assert.deepEqual(r.chosen, { interleaved: s.grids.interleaved[0], cyclic: s.grids.cyclic[0], "group lasso": s.grids["group lasso"][0] });
  const track = r.chosen.cyclic.train;
  for (const run of r.runs) {
    const what = `${run.arm} seed ${run.seed}`;
    assert.ok(arms.includes(run.arm));
    assert.equal(run.updates, s.updates);
    assert.equal(run.trainingSteps + run.antiSteps, s.updates, `${what}: every arm spends the same optimizer updates`);
    const cadence = run.arm === "interleaved" ? r.chosen.interleaved.cycle : track;
    assert.equal(run.steps.length, run.trainingSteps / cadence + 1, `${what}: a measurement at the start and every ${cadence} training steps`);
    assert.equal(run.reportCores.length, run.steps.length);
    assert.equal(run.antitrainedCores.length, run.steps.length);
    assert.ok(run.measureUpdates.every((u: number) => u >= 1 && u <= s.updates), `${what}: measured within the budget`);
    assert.equal(run.antiPhaseUpdates.length, run.arm === "cyclic" ? run.trainingSteps / track : 0, `${what}: phase ends only for cyclic`);
    if (run.arm === "cyclic") assert.equal(run.antiPhaseUpdates[run.antiPhaseUpdates.length - 1], s.updates, "cyclic ends with an antitraining phase");
    run.antitrainedCores.forEach((core: number[], c: number) => {
      const report = run.reportCores[c];
      assert.ok(core.length >= 1 && core.length <= report.length && report.length <= hidden, `${what}: cores ${core.length} / ${report.length}`);
      assert.deepEqual(core, report.slice(0, core.length), `${what}: the 50% core is a prefix of the 95% core`);
    });
    for (const core of [run.testCore, run.valCore]) assert.ok(core >= 1 && core <= hidden, `${what}: final core ${core}`);
    assert.ok(run.testAccuracy > 0.9 && run.testAccuracy <= 1, `${what}: final test accuracy ${run.testAccuracy}`);
    assert.ok(run.valAccuracy > 0.9 && run.valAccuracy <= 1, `${what}: final validation accuracy ${run.valAccuracy}`);
    for (const a of [...run.measureValAccuracy, ...run.antiPhaseValAccuracy]) assert.ok(a > 0.8, `${what}: validation accuracy ${a} during training`);
  }
  for (const seed of r.seeds) {
    const run = (name: string) => r.runs.find((x: { arm: string; seed: number }) => x.arm === name && x.seed === seed);
    assert.ok(run("plain").testCore >= 0.75 * hidden, `seed ${seed}: plain training's 95% core is most of the layer (${run("plain").testCore})`);
    assert.ok(run("interleaved").testCore <= run("plain").testCore - 20, `seed ${seed}: interleaved antitraining shrinks the core`);
    assert.ok(run("interleaved").testLoss > run("plain").testLoss, `seed ${seed}: antitraining raises the clean test loss`);
  }
  for (const name of arms) {
    for (const rate of r.reattachment[name].perRun) assert.ok(rate >= 0 && rate <= 1, `${name}: reattachment rate ${rate}`);
  }
  assert.ok(r.reattachment.interleaved.count.mean < r.reattachment.plain.count.mean, "interleaved antitraining churns the 50% core less than plain training");
}
