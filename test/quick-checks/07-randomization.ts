import { strict as assert } from "node:assert";

/**
 * Key numbers of 07-randomization's quick run that any correct run must show (ranges, not the exact values, which
 * move with the backend): every pair of methods and every second draw compared once per seed, with rank agreements
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
  for (const res of r.results) {
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
