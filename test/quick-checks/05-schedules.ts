import { strict as assert } from "node:assert";

/**
 * Key numbers of 05-schedules's quick run that any correct run must show (ranges, not the exact values, which move
 * with the backend): one run per seed and schedule, each measured at the start and after every cycle (cyclic also
 * after every antitraining phase); the antitrained 50% core a prefix of the 95% core; accuracies well above chance
 * (0.1); interleaved antitraining shrinking the core below plain training's and below cyclic's at the end of a
 * training phase, at a higher clean loss; and interleaved membership churning less than plain training's.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const schedules = ["plain", "interleaved", "cyclic"];
  assert.equal(r.runs.length, r.seeds.length * schedules.length, "one run per seed and schedule");
  for (const run of r.runs) {
    const what = `${run.schedule} seed ${run.seed}`;
    assert.ok(schedules.includes(run.schedule));
    assert.equal(run.steps.length, r.cycles + 1, `${what}: a measurement at the start and after every cycle`);
    assert.equal(run.reportCores.length, run.steps.length);
    assert.equal(run.antitrainedCores.length, run.steps.length);
    assert.equal(run.antiSteps.length, run.schedule === "cyclic" ? r.cycles : 0, `${what}: phase ends only for cyclic`);
    assert.equal(run.antiPhaseEndAccuracy.length, run.antiSteps.length);
    run.antitrainedCores.forEach((core: number[], c: number) => {
      const report = run.reportCores[c];
      assert.ok(core.length >= 1 && core.length <= report.length && report.length <= r.hidden, `${what}: cores ${core.length} / ${report.length}`);
      assert.deepEqual(core, report.slice(0, core.length), `${what}: the 50% core is a prefix of the 95% core`);
    });
    assert.ok(run.coreSize >= 1 && run.coreSize <= r.hidden, `${what}: final core ${run.coreSize}`);
    assert.ok(run.testAccuracy > 0.9 && run.testAccuracy <= 1, `${what}: final test accuracy ${run.testAccuracy}`);
    for (const a of [...run.trainPhaseEndAccuracy, ...run.antiPhaseEndAccuracy]) assert.ok(a > 0.8, `${what}: accuracy ${a} at a phase end`);
  }
  for (const seed of r.seeds) {
    const run = (name: string) => r.runs.find((x: { schedule: string; seed: number }) => x.schedule === name && x.seed === seed);
    const lastReport = (name: string) => run(name).reportCores[run(name).reportCores.length - 1].length;
    assert.ok(run("plain").coreSize >= 0.75 * r.hidden, `seed ${seed}: plain training's 95% core is most of the layer (${run("plain").coreSize})`);
    assert.ok(run("interleaved").coreSize <= run("plain").coreSize - 20, `seed ${seed}: interleaved antitraining shrinks the core`);
    assert.ok(lastReport("cyclic") > lastReport("interleaved"), `seed ${seed}: at the end of a training phase cyclic's core is larger than interleaved's`);
    assert.ok(run("interleaved").testLoss > run("plain").testLoss, `seed ${seed}: antitraining raises the clean test loss`);
  }
  for (const name of schedules) {
    for (const rate of r.reattachment[name].perRun) assert.ok(rate >= 0 && rate <= 1, `${name}: reattachment rate ${rate}`);
  }
  assert.ok(r.reattachment.interleaved.count.mean < r.reattachment.plain.count.mean, "interleaved antitraining churns the 50% core less than plain training");
}
