import { strict as assert } from "node:assert";

/**
 * Key numbers of 03-regularization's quick run that any correct run must show (ranges, not the exact values, which
 * move with the backend): one row per seed, configuration and learning rate; every method well above chance (0.1)
 * and fitting its 300 training examples better than the test set; cores within the layer; the higher learning rate
 * ahead at this short budget; and a summary that picks, for each of the five methods, the configuration with the
 * best validation accuracy, with spreads and intervals consistent with the grid.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const labels = [...new Set(r.rows.map((x: { label: string }) => x.label))];
  assert.ok(labels.includes("plain") && labels.some((l) => String(l).startsWith("antitrain ")), `configurations: ${labels.join(", ")}`);
  assert.equal(r.rows.length, r.seeds.length * labels.length * r.learningRates.length, "one row per seed, configuration and learning rate");
  assert.equal(r.grid.length, labels.length * r.learningRates.length);
  for (const x of r.rows) {
    const what = `${x.label} lr ${x.lr} seed ${x.seed}`;
    assert.ok(x.testAcc > 0.7 && x.testAcc <= 1, `${what}: test accuracy ${x.testAcc}`);
    assert.ok(x.valAcc > 0.7 && x.valAcc <= 1, `${what}: validation accuracy ${x.valAcc}`);
    assert.ok(x.trainAcc >= x.testAcc - 0.02, `${what}: fits its training examples (${x.trainAcc}) at least as well as the test set (${x.testAcc})`);
    assert.ok(Number.isInteger(x.core95) && x.core95 >= 1 && x.core95 <= r.hidden, `${what}: 95% core ${x.core95}`);
  }
  const [slow, fast] = [Math.min(...r.learningRates), Math.max(...r.learningRates)];
  const plainAt = (lr: number) => r.grid.find((g: { label: string; lr: number }) => g.label === "plain" && g.lr === lr).test.mean;
  assert.ok(plainAt(fast) > plainAt(slow), `at ${r.steps} steps the higher learning rate is ahead (${plainAt(fast)} vs ${plainAt(slow)})`);
  assert.deepEqual(r.summary.map((s: { method: string }) => s.method), ["plain", "dropout", "L2", "L1 activations", "antitraining"]);
  for (const s of r.summary) {
    const mine = r.grid.filter((g: { method: string }) => g.method === s.method);
    const chosen = mine.find((g: { label: string; lr: number }) => g.label === s.chosen && g.lr === s.lr);
    assert.ok(chosen !== undefined, `${s.method}: the chosen configuration ${s.chosen} at lr ${s.lr} is one of its own`);
    assert.equal(chosen.val, Math.max(...mine.map((g: { val: number }) => g.val)), `${s.method}: chosen by validation accuracy`);
    assert.equal(s.testAcc, chosen.test.mean);
    assert.ok(s.ciLow <= s.testAcc + 1e-12 && s.testAcc <= s.ciHigh + 1e-12, `${s.method}: the interval holds the mean`);
    assert.ok(s.worstConfig <= s.testAcc + 1e-12);
    for (const spread of [s.spreadHyper, s.spreadLr]) assert.ok(spread >= 0 && spread < 0.3, `${s.method}: spread ${spread}`);
  }
  // Paired differences to antitraining's chosen configuration: antitraining's own is exactly 0, the others equal the
  // difference of the chosen rows' test accuracies (one seed in the quick run), and loss and ECE are in range.
  assert.deepEqual(r.paired.map((p: { method: string }) => p.method), r.summary.map((s: { method: string }) => s.method));
  const anti = r.summary.find((s: { method: string }) => s.method === "antitraining");
  for (const p of r.paired) {
    const s = r.summary.find((x: { method: string }) => x.method === p.method);
    assert.ok(Math.abs(p.accVsAnti.mean - (s.testAcc - anti.testAcc)) < 1e-9, `${p.method}: paired accuracy difference`);
    if (p.method === "antitraining") for (const d of [p.accVsAnti, p.lossVsAnti, p.eceVsAnti]) assert.equal(d.mean, 0);
    assert.ok(p.testLoss.mean > 0 && p.testLoss.mean < 2.3, `${p.method}: test loss ${p.testLoss.mean}`);
    assert.ok(p.ece.mean >= 0 && p.ece.mean < 0.5, `${p.method}: ECE ${p.ece.mean}`);
  }
}
