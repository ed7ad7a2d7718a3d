import { strict as assert } from "node:assert";

/**
 * Key numbers of 11-mutual-information's quick run (one seed, one resampling draw, the full setting's models) that
 * any correct run must show: five trained models well above chance, shares in [0, 1], mostly positive (backup)
 * interactions on cross-entropy, a layer whose whole damage exceeds the sum of its singles (backups, not
 * entanglement), group curves that rise with the share randomized and end near the whole-layer damage, and planted
 * duplicates that interact more than the other pairs and are mostly found by their tying hint.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const hidden = r.settings.HIDDEN;
  const models = ["before", "plain", "antitrained", "dropout", "L2"];
  assert.deepEqual(Object.keys(r.summary), models);
  assert.equal(r.perSeed.length, r.seeds.length);
  for (const seed of r.perSeed) {
    assert.ok(seed.coreSize >= 1 && seed.coreSize < hidden, `antitrained core ${seed.coreSize} of ${hidden}`);
    for (const name of models) {
      const m = seed.measured[name];
      const what = `${name}, seed ${seed.seed}`;
      assert.ok(m.accuracy > 0.9, `${what}: test accuracy ${m.accuracy} (chance 0.1)`);
      for (const share of [m.lossPositive, m.accPositive, m.accNegative]) assert.ok(share >= 0 && share <= 1);
      assert.ok(m.accPositive + m.accNegative <= 1 + 1e-9);
      assert.ok(m.lossMeanSingle > 0, `${what}: single units carry information`);
      assert.ok(m.lossPositive > 0.5, `${what}: most pairs back each other up on loss (${m.lossPositive})`);
      assert.ok(m.accExcess > 0.2, `${what}: the whole layer does more than its singles add up to (${m.accExcess})`);
      assert.ok(m.groupFull > 0.6 && m.groupFull <= 1, `${what}: randomizing h1 costs most of the accuracy (${m.groupFull})`);
      assert.equal(m.groupShare.length, m.groupSizes.length);
      assert.equal(m.groupSizes.at(-1), hidden - 1);
      assert.ok(m.groupShare[0] < 0.1, `${what}: one unit does a small share (${m.groupShare[0]})`);
      assert.ok(m.groupShare.at(-1) > 0.8, `${what}: all but one unit do nearly the whole damage (${m.groupShare.at(-1)})`);
      for (let i = 1; i < m.groupShare.length; i++) assert.ok(m.groupShare[i] >= m.groupShare[i - 1] - 0.02, `${what}: group curve rises`);
    }
    const t = seed.tying;
    const pairs = ((hidden + r.settings.PLANTED) * (hidden + r.settings.PLANTED - 1)) / 2;
    assert.equal(t.plantedRanks.length, r.settings.PLANTED);
    for (const rank of t.plantedRanks) assert.ok(rank >= 1 && rank <= pairs, `planted rank ${rank} of ${pairs}`);
    assert.ok(t.partnerAccuracy >= 0.5, `planted copies find their original: ${t.partnerAccuracy}`);
    assert.ok(t.plantedInteraction > t.otherInteraction, "planted duplicates back each other up more than other pairs");
    assert.ok(t.spearmanAbsCorr > 0, `hints follow |activation correlation|: ${t.spearmanAbsCorr}`);
  }
}
