import { strict as assert } from "node:assert";

/**
 * Key numbers of 09-grokking's quick run (p = 23, one seed, 100 steps; 60 in the replication) that any correct run
 * must show: one run per method and seed, curves evaluated every `evalEvery` steps up to the target or the step
 * limit, every method memorizes the training pairs (95% train accuracy reached), held-out roles that partition the
 * MLP neurons with a memorizing share in [0, 1], antitraining that ran (only after the first measurement), and the
 * tuned Grokfast setting drawn from the grid with λ > 0.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const methods = ["baseline", "grokfast", "grokfast-tuned", "antitrain"];
  const dMlp = r.model.dMlp;

  // biome-ignore lint/suspicious/noExplicitAny: one run as written
  const checkRuns = (runs: any[], labels: string[], steps: number, measured: boolean) => {
    assert.equal(runs.length, labels.length * r.seeds.length);
    assert.deepEqual([...new Set(runs.map((x) => x.label))], labels);
    for (const run of runs) {
      const what = `${run.label}, seed ${run.seed}`;
      assert.ok(run.curve.length >= 1 && run.curve.length <= Math.ceil(steps / r.evalEvery), what);
      run.curve.forEach((c: { step: number; trainAccuracy: number; testAccuracy: number }, i: number) => {
        assert.equal(c.step, Math.min((i + 1) * r.evalEvery, steps), `${what}: evaluated every ${r.evalEvery} steps`);
        assert.ok(c.trainAccuracy >= 0 && c.trainAccuracy <= 1 && c.testAccuracy >= 0 && c.testAccuracy <= 1);
      });
      const last = run.curve[run.curve.length - 1];
      if (run.stepsToTarget === null) assert.equal(last.step, steps, `${what}: a censored run trains to the step limit`);
      else assert.ok(last.testAccuracy >= r.target && run.stepsToTarget === last.step, `${what}: stops at the target`);
      assert.ok(run.stepsToTrain !== null && run.stepsToTrain <= steps, `${what}: memorizes the training pairs within ${steps} steps`);
      assert.ok(last.trainAccuracy > 0.9, `${what}: final train accuracy ${last.trainAccuracy}`);
      if (run.label === "antitrain") {
        assert.ok(run.antiSteps > 0 && run.antiSteps <= steps - r.evalEvery, `${what}: ${run.antiSteps} antitrain steps, after the first measurement`);
      } else {
        assert.equal(run.antiSteps, 0, `${what}: no antitraining`);
      }
      if (measured || run.label === "antitrain") {
        for (const c of run.curve) {
          const roles = c.roles;
          assert.equal(roles.generalizing + roles.memorizing + roles.mixed + roles.inert, dMlp, `${what}: roles partition the MLP neurons`);
          assert.ok(c.memorizingTrainShare >= 0 && c.memorizingTrainShare <= 1 + 1e-9);
        }
      }
    }
  };
  checkRuns(r.runs, methods, r.steps, true);
  assert.deepEqual(r.summary.map((s: { method: string }) => s.method), methods);
  assert.equal(r.paired.length, methods.length - 1);

  const tuning = r.grokfastTuning;
  assert.equal(tuning.rows.length, tuning.grid.length);
  assert.equal(tuning.pilot.length, tuning.grid.length * tuning.seeds.length);
  assert.ok(tuning.chosen.lambda > 0, "the tuned setting uses the filter");
  assert.ok(tuning.grid.some((g: { alpha: number; lambda: number }) => g.alpha === tuning.chosen.alpha && g.lambda === tuning.chosen.lambda));

  const rep = r.replication;
  checkRuns(rep.runs, ["baseline", "grokfast-tuned", "antitrain"], rep.steps, false);
  assert.equal(rep.summary.length, 3);
}
