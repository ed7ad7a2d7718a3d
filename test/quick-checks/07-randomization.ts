import { strict as assert } from "node:assert";

/**
 * Key numbers of 07-randomization's quick run that any correct run must show (ranges, not the exact values, which
 * move with the backend): part 1's ground truth on the small planted layer (the reference Shapley values sum to the
 * whole layer's damage, the planted no-content units get 0, every method scored with numbers in range, resample and
 * gaussian leaving the constant unit at its value); part 2's every pair of methods and every second draw compared once per seed, with rank agreements
 * clearly positive (the methods measure the same units); plain cores of most of the layer; one branch per training
 * variant, all well above chance (0.1), with the same yardstick core wherever it is the same measurement; and the
 * random methods' antitraining raising the clean test loss above plain training's.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const methods: string[] = r.settings.methods;
  assert.deepEqual(methods, ["gaussian", "resample", "mean", "zero"]);
  const hidden = r.settings.hidden;
  const pairs = (methods.length * (methods.length - 1)) / 2 + 2; // every pair, plus a second draw of each random method
  assert.equal(r.results.length, r.seeds.length);
  assert.equal(r.agreement.length, pairs);
  assert.equal(r.cores.length, methods.length);
  const statistics = r.studySummary.details.statistics.map((x: { key: string }) => x.key);
  assert.deepEqual(statistics, ["rhoReference", "rhoReferenceAccuracy", "topK", "planted", "rhoOwn", "core95", "testAcc", "testLoss"]);
  for (const res of r.results) {
    const gt = res.groundTruth;
    const n = r.settings.smallTrained + 3;
    assert.equal(gt.kinds.length, n);
    assert.deepEqual(gt.kinds.slice(-3), ["copy", "constant", "silent"]);
    const sum = gt.reference.reduce((a: number, b: number) => a + b, 0);
    assert.ok(Math.abs(sum - gt.referenceAll) < 1e-6 * Math.max(1, gt.referenceAll), `seed ${res.seed}: efficiency ${sum} vs ${gt.referenceAll}`);
    assert.ok(gt.referenceAll > 0, `seed ${res.seed}: randomizing the whole small layer does damage`);
    for (const u of [n - 2, n - 1]) assert.ok(Math.abs(gt.reference[u]) < 1e-9, `seed ${res.seed}: planted unit ${u} is a null player`);
    assert.ok(gt.testAcc > 0.5, `seed ${res.seed}: small model accuracy ${gt.testAcc}`);
    assert.deepEqual(gt.methods.map((m: { method: string }) => m.method), methods);
    for (const m of gt.methods) {
      for (const x of [m.rhoReference, m.rhoReferenceAccuracy, m.rhoOwn]) assert.ok(x >= -1 && x <= 1, `seed ${res.seed} ${m.method}: ρ ${x}`);
      assert.ok(m.topK >= 0 && m.topK <= 1 && m.planted >= 0 && m.planted <= 1, `seed ${res.seed} ${m.method}: top-k ${m.topK}, planted ${m.planted}`);
      if (m.method === "gaussian" || m.method === "resample") assert.ok(Math.abs(m.constantDamage) < 1e-5, `seed ${res.seed} ${m.method}: constant unit damage ${m.constantDamage}`);
    }
    assert.equal(res.agreements.length, pairs);
    for (const a of res.agreements) assert.ok(a.rho > 0.3 && a.rho <= 1, `seed ${res.seed}: ${a.a} | ${a.b}: Spearman ${a.rho}`);
    for (const m of methods) {
      const core = res.coreByMethod[m];
      assert.ok(Number.isInteger(core) && core >= 0.6 * hidden && core <= hidden, `seed ${res.seed}: ${m} core of the plain model ${core}`);
    }
    assert.deepEqual(res.branches.map((b: { variant: string }) => b.variant), ["plain", ...methods]);
    for (const b of res.branches) {
      const what = `seed ${res.seed} ${b.variant}`;
      assert.ok(b.testAcc > 0.9 && b.testAcc <= 1, `${what}: test accuracy ${b.testAcc}`);
      for (const n of [b.core95Own, b.core95Resample]) assert.ok(Number.isInteger(n) && n >= 1 && n <= hidden, `${what}: core ${n}`);
      if (b.variant === "plain" || b.variant === "resample") assert.equal(b.core95Own, b.core95Resample, `${what}: own method is the yardstick`);
      assert.ok(b.spectatorShare > -0.1 && b.spectatorShare < 1, `${what}: spectator share ${b.spectatorShare}`);
    }
    const loss = (v: string) => res.branches.find((b: { variant: string }) => b.variant === v).testLoss;
    for (const v of ["gaussian", "resample"]) assert.ok(loss(v) > loss("plain"), `seed ${res.seed}: antitraining with ${v} raises the clean test loss`);
  }
}
