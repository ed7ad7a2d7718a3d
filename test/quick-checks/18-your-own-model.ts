import { strict as assert } from "node:assert";

const ARMS = ["antitrain", "plain, importance", "plain, filter L1", "group lasso"];
const inUnit = (x: number, what: string) => assert.ok(Number.isFinite(x) && x >= 0 && x <= 1, `${what}: ${x} is not in [0, 1]`);

/**
 * Key numbers of 18-your-own-model's quick run (a tf.layers CNN on Fashion-MNIST, conv2's 32 channels): the wrapped
 * network passes checkModel; the compressed model equals the mean-masked original within 1e-4 (the walk-through's and
 * every cut network of the study) and its reloaded copy predicts identically and is smaller; every accuracy and ECE
 * lies in [0, 1]; every arm spent the same update budget, was cut to every width, and has a paired row against
 * antitraining; tuning ran every grid setting; cores lie within the layers' widths.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  assert.deepEqual(r.split, { train: 400, validation: 100, test: 200 });
  const w = r.walkthrough;
  assert.equal(w.checkModel, true, "checkModel passed on the wrapped CNN");
  inUnit(w.plainVal, "plain validation accuracy");
  inUnit(w.antitrainedVal, "antitrained validation accuracy");
  assert.ok(w.plainVal > 0.3, `the CNN trained on wasm: validation accuracy ${w.plainVal} (chance 0.1)`);
  assert.equal(w.importance.conv2.length, 32);
  assert.equal(w.importance.dense.length, 64);
  for (const c of w.plainCores) assert.ok(Number.isInteger(c.core) && c.core >= 1 && c.core <= c.units, `${c.site}: core ${c.core} of ${c.units}`);
  assert.deepEqual(w.plainCores.map((c: { site: string }) => c.site), ["conv1", "conv2", "dense"]);
  assert.ok(w.coreLog.length >= 2 && w.coreLog.every((c: { core: number }) => c.core >= 1 && c.core <= 32), "the core was measured during antitraining");
  const c = w.compression;
  assert.equal(c.channels.length, c.k);
  assert.ok(c.maskedDiff < 1e-4, `compressed vs mean-masked: ${c.maskedDiff}`);
  assert.equal(c.reloadDiff, 0, "the reloaded model predicts exactly as the compressed one");
  assert.ok(c.params.small < c.params.antitrained && c.bytes.small < c.bytes.antitrained, `smaller: ${JSON.stringify(c.params)} ${JSON.stringify(c.bytes)}`);
  inUnit(c.valSmall, "compressed validation accuracy");

  const settings = Object.values(r.grids).reduce((n: number, g) => n + (g as unknown[]).length, 0);
  assert.equal(r.tuning.length, settings * r.tuneSeeds.length, "one tuning row per setting and seed");
  assert.ok(r.chosen.antitrain.fraction > 0 && r.chosen["group-lasso"].lambda > 0);
  for (const seed of r.results) {
    inUnit(seed.denseVal, "dense validation");
    inUnit(seed.denseTest, "dense test");
    assert.ok(seed.seconds > 0);
    assert.deepEqual(seed.curves.map((x: { arm: string }) => x.arm), ARMS);
    for (const curve of seed.curves) {
      assert.equal(curve.updates, r.updates, `${curve.arm} spent ${curve.updates} updates, not ${r.updates}`);
      assert.deepEqual(curve.points.map((p: { k: number }) => p.k), r.keep, `${curve.arm} was cut to every width`);
      assert.ok(curve.core95 >= 1 && curve.core95 <= 32, `${curve.arm}: 95% core ${curve.core95}`);
      for (const p of curve.points) {
        assert.ok(p.maskedDiff < 1e-4, `${curve.arm} k=${p.k}: compressed vs mean-masked ${p.maskedDiff}`);
        for (const key of ["valBefore", "valAfter", "testAfter", "ece"]) inUnit(p[key], `${curve.arm} k=${p.k} ${key}`);
        assert.ok(p.testLoss > 0 && p.params < r.params, `${curve.arm} k=${p.k}: loss ${p.testLoss}, ${p.params} parameters`);
      }
    }
  }
  assert.deepEqual(r.summary.map((s: { arm: string }) => s.arm), ARMS, "a table row for every arm");
  for (const s of r.summary) {
    assert.ok(s.units.mean >= 1 && s.units.mean <= 32, `${s.arm}: ${s.units.mean} channels`);
    assert.equal(s.perSeed.length, r.seeds.length);
    const d = s.diff;
    assert.ok(Number.isFinite(d.mean) && d.low <= d.mean && d.mean <= d.high, `${s.arm}: paired difference ${JSON.stringify(d)}`);
    if (s.arm === "antitrain") assert.equal(d.mean, 0);
    inUnit(s.testAcc.mean, `${s.arm} test accuracy`);
    inUnit(s.ece.mean, `${s.arm} ECE`);
  }
  assert.ok(ARMS.some((a) => r.headline.startsWith(a)), r.headline);
}
