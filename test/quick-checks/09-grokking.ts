import { strict as assert } from "node:assert";

/**
 * Key numbers of 09-grokking's quick run (p = 23, one seed, 100 updates; 60 in the replication) that any correct
 * run must show: one run per method and seed, curves evaluated every `evalEvery` updates up to the target or the
 * update budget, every update counted (training steps plus antitrain steps), every method memorizes the training
 * pairs (95% train accuracy reached), held-out roles that partition the MLP neurons with a memorizing share in
 * [0, 1], antitraining that ran (only after the first measurement), and each tuned arm's choice drawn from its grid,
 * every grid configuration tuned on every tuning seed.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const methods = ["baseline", "adamw-tuned", "grokfast-tuned", "antitrain"];
  const dMlp = r.model.dMlp;

  // biome-ignore lint/suspicious/noExplicitAny: one run as written
  const checkRuns = (runs: any[], labels: string[], steps: number, measured: boolean) => {
    assert.equal(runs.length, labels.length * r.seeds.length);
    assert.deepEqual([...new Set(runs.map((x) => x.label))], labels);
    for (const run of runs) {
      const what = `${run.label}, seed ${run.seed}`;
      assert.ok(run.curve.length >= 1 && run.curve.length <= Math.ceil(steps / r.evalEvery), what);
      run.curve.forEach((c: { step: number; trainAccuracy: number; testAccuracy: number }, i: number) => {
        assert.equal(c.step, Math.min((i + 1) * r.evalEvery, steps), `${what}: evaluated every ${r.evalEvery} updates`);
        assert.ok(c.trainAccuracy >= 0 && c.trainAccuracy <= 1 && c.testAccuracy >= 0 && c.testAccuracy <= 1);
      });
      const last = run.curve[run.curve.length - 1];
      assert.equal(run.trainSteps + run.antiSteps, last.step, `${what}: every update counted`);
      if (run.stepsToTarget === null) assert.equal(last.step, steps, `${what}: a censored run trains to the step limit`);
      else assert.ok(last.testAccuracy >= r.target && run.stepsToTarget === last.step, `${what}: stops at the target`);
      assert.ok(run.stepsToTrain !== null && run.stepsToTrain <= steps, `${what}: memorizes the training pairs within ${steps} steps`);
      assert.ok(last.trainAccuracy > 0.9, `${what}: final train accuracy ${last.trainAccuracy}`);
      if (run.label === "antitrain") {
        assert.ok(run.antiSteps > 0 && run.curve[0].trainSteps === r.evalEvery, `${what}: ${run.antiSteps} antitrain steps, after the first measurement`);
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

  const tuning = r.tuning;
  const g = tuning.grids;
  const configurations = g.weightDecay.length + g.grokfast.length + g.antitrain.length;
  assert.ok(g.weightDecay.length === g.grokfast.length && g.grokfast.length === g.antitrain.length, "the same number of configurations per tuned arm");
  assert.equal(tuning.rows.length, configurations);
  assert.equal(tuning.pilot.length, configurations * tuning.seeds.length);
  assert.equal(tuning.rows.filter((row: { chosen: string }) => row.chosen === "✓").length, 3, "one choice per tuned arm");
  assert.ok(g.weightDecay.includes(tuning.chosen.weightDecay));
  assert.ok(g.grokfast.some((x: object) => JSON.stringify(x) === JSON.stringify(tuning.chosen.grokfast)));
  assert.ok(g.antitrain.some((x: object) => JSON.stringify(x) === JSON.stringify(tuning.chosen.antitrain)));

  const rep = r.replication;
  checkRuns(rep.runs, methods, rep.steps, false);
  assert.equal(rep.summary.length, methods.length);
}
