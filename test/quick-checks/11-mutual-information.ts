import { strict as assert } from "node:assert";

/**
 * Key numbers of 11-mutual-information's quick run (one seed, 400 updates per arm, one resampling draw, each arm's
 * first configuration) that any correct run must show: four trained models well above chance at the same update
 * budget, shares in [0, 1], an exact Shapley interaction index that is mostly positive (backups) and that the pairwise
 * measure follows (positive Spearman over pairs, mostly the same sign), whole-layer damages and group curves in range,
 * and planted duplicates that both scores rank above the other pairs, each copy's most redundant partner found.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const hidden = r.settings.HIDDEN;
  const models = ["plain", "antitrained", "dropout", "L2", "softened plain"];
  assert.deepEqual(Object.keys(r.summary), models);
  assert.deepEqual(Object.keys(r.chosen), models.slice(0, 4));
  assert.equal(r.perSeed.length, r.seeds.length);
  assert.deepEqual(r.paired.exact.map((p: { arm: string }) => p.arm), ["plain", "dropout", "L2", "softened plain"]);
  for (const seed of r.perSeed) {
    assert.ok(seed.coreSize >= 1 && seed.coreSize < hidden, `antitrained core ${seed.coreSize} of ${hidden}`);
    assert.ok(seed.softenT >= 1 && seed.softenT <= 64, `control temperature ${seed.softenT}`);
    if (seed.softenT > 1) assert.ok(Math.abs(seed.softenValLoss - seed.antiValLoss) < 1e-3, "the control matches antitraining's validation loss");
    // Dividing the logits keeps every prediction: the control's accuracy is plain's.
    assert.equal(seed.measured["softened plain"].accuracy, seed.measured.plain.accuracy);
    for (const name of models) {
      const m = seed.measured[name];
      const what = `${name}, seed ${seed.seed}`;
      assert.ok(m.accuracy > 0.7, `${what}: test accuracy ${m.accuracy} (chance 0.1)`);
      assert.ok(m.testLoss > 0 && m.testLoss < 1.5, `${what}: test loss ${m.testLoss}`);
      for (const share of [m.lossPositive, m.accPositive, m.accNegative, m.exactPositive, m.agreeSign]) assert.ok(share >= 0 && share <= 1);
      assert.ok(m.exactPositive > 0.5, `${what}: most pairs back each other up under the exact index (${m.exactPositive})`);
      assert.ok(m.exactRatio > 0 && m.exactRatio < 1, `${what}: exact index per Shapley value ${m.exactRatio}`);
      assert.ok(m.agreeSpearman > 0.3, `${what}: the pairwise measure follows the exact index (Spearman ${m.agreeSpearman})`);
      assert.ok(m.agreeSign > 0.6, `${what}: mostly the same sign (${m.agreeSign})`);
      assert.ok(m.lossMeanSingle > 0, `${what}: single units carry information`);
      assert.ok(m.groupFull > 0.4 && m.groupFull <= 1, `${what}: randomizing h1 costs most of the accuracy (${m.groupFull})`);
      assert.equal(m.groupShare.length, m.groupSizes.length);
      assert.equal(m.groupSizes.at(-1), hidden - 1);
    }
    for (const which of ["exact", "library"]) {
      const p = seed.planted[which];
      assert.equal(p.ranks.length, r.settings.PLANTED);
      assert.ok(p.planted > p.other, `${which}: planted duplicates are more redundant than the other pairs`);
      assert.ok(p.partnerAccuracy >= 0.5, `${which}: planted copies find their original (${p.partnerAccuracy})`);
    }
    assert.ok(seed.planted.spearman > 0.3, `planted layer: the pairwise measure follows the exact index (${seed.planted.spearman})`);
  }
}
