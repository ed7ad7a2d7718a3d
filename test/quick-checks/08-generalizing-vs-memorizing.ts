import { strict as assert } from "node:assert";

/**
 * Key numbers of 08-generalizing-vs-memorizing's quick run (one seed) that any correct run must show: plain training
 * memorizes most of the wrong labels, the four roles partition the layer, the unit shares sum to 1, ablating the
 * most memorizing units forgets wrong labels while ablating the most generalizing units costs test accuracy (the
 * causal check), and both antitraining variants reproduce fewer wrong labels than plain training.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  assert.equal(r.results.length, r.seeds.length);
  const hidden = r.settings.hidden;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  for (const s of r.results) {
    const roles = s.roles;
    assert.equal(roles.generalizing + roles.memorizing + roles.mixed + roles.inert, hidden, "every unit has one role");
    assert.ok(roles.generalizing >= 1 && roles.memorizing >= 1, `both kinds of unit exist: ${JSON.stringify(roles)}`);
    assert.equal(s.roleList.length, hidden);
    assert.equal(s.trainShare.length, hidden);
    assert.ok(Math.abs(sum(s.trainShare) - 1) < 1e-6 && Math.abs(sum(s.heldOutShare) - 1) < 1e-6, "shares sum to 1");
    assert.ok(s.rhoTrainHeld > -1 && s.rhoTrainHeld < 0.9, `training and held-out importance differ: rho ${s.rhoTrainHeld}`);

    const ab = Object.fromEntries(s.ablations.map((a: { kind: string }) => [a.kind, a]));
    assert.deepEqual(Object.keys(ab), ["none", "most memorizing", "most generalizing", "random"]);
    assert.ok(ab["most memorizing"].trainNoisyAcc < ab["most generalizing"].trainNoisyAcc - 0.05, "memorizing units hold the wrong labels");
    assert.ok(ab["most generalizing"].testAcc < ab["most memorizing"].testAcc - 0.03, "generalizing units carry test accuracy");
    assert.ok(ab.none.trainCleanAcc > 0.95, `plain model fits the clean labels: ${ab.none.trainCleanAcc}`);

    const out = Object.fromEntries(s.outcomes.map((o: { variant: string }) => [o.variant, o]));
    assert.equal(s.outcomes.length, 4);
    for (const o of s.outcomes) {
      assert.ok(o.testAcc > 0.7 && o.testAcc <= 1, `${o.variant}: test accuracy ${o.testAcc} (chance 0.1)`);
      assert.ok(o.core95 >= 1 && o.core95 <= hidden);
      assert.ok(Math.abs(o.gap - (o.trainAcc - o.testAcc)) < 1e-9);
    }
    assert.ok(out.plain.noisyFit > 0.7, `plain training memorizes the wrong labels: ${out.plain.noisyFit}`);
    assert.ok(out["antitrain, training core"].noisyFit < out.plain.noisyFit - 0.1, "antitraining (training core) reproduces fewer wrong labels");
    assert.ok(out["antitrain, held-out core"].noisyFit < out.plain.noisyFit - 0.1, "antitraining (held-out core) reproduces fewer wrong labels");
    assert.ok(out["antitrain, training core"].core95 < out.plain.core95, "antitraining concentrates the core");
  }
  assert.equal(r.paired.length, 4);
}
