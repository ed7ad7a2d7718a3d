import { strict as assert } from "node:assert";

const ARMS = [
  "plain", "antitrain 0.5", "antitrain 0.9", "antitrain 0.95", "antitrain 0.99", "control: spectators, true labels",
  "control: core, true labels", "group lasso", "network slimming", "activation L1", "targeted dropout", "nested dropout",
];

/**
 * Key numbers of 01-concentration's quick run that any correct run must show (ranges, not the exact values, which move
 * with the backend): the splits as documented; every arm on every task and seed at the same update budget; trained
 * MLPs well above chance (digits 0.1, teacher-student 0.25) on validation and test; cores that hold the damage they are
 * defined by; the quick setting's single grid entry chosen for every baseline; plain training's f-core spectators
 * growing as f falls. The quick budget (300 + 300 updates) is too short for antitraining to shrink the validation
 * core reliably, so that effect is the full run's question, not asserted here.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const tasks = ["digits", "teacher-student"];
  assert.deepEqual(r.split.digits, { train: 1078, validation: 269, test: 450 });
  assert.deepEqual(r.split["teacher-student"], { train: 1600, validation: 400, test: 1000 });
  assert.deepEqual(r.arms, ARMS);
  assert.equal(r.results.length, r.seeds.length);
  for (const task of tasks) {
    const digits = task === "digits";
    assert.deepEqual(r.summary[task].map((s: { arm: string }) => s.arm), ARMS, `${task}: every arm summarized`);
    assert.match(r.headlines[task], /^validation 95% core \(of 128 units\): plain \d+\.\d, antitrain 0\.5 \d+\.\d/);
    for (const [method, settings] of Object.entries(r.grids)) {
      assert.deepEqual(r.chosen[task][method], (settings as unknown[])[0], `${task} ${method}: the quick setting's one entry`);
    }
    for (const seed of r.tuning) assert.equal(seed[task].length, Object.keys(r.grids).length, `${task}: one tuning run per method`);
    for (const seed of r.results) {
      const s = seed[task];
      assert.deepEqual(s.runs.map((x: { arm: string }) => x.arm), ARMS);
      for (const x of s.runs) {
        const what = `${task} ${x.arm} seed ${s.seed}`;
        assert.equal(x.updates, r.updates, `${what}: ${x.updates} updates, not ${r.updates}`);
        assert.equal(x.core + x.spectators, r.hidden, what);
        assert.ok(x.core >= 1 && x.core <= r.hidden, `${what}: core ${x.core}`);
        assert.ok(x.valAccuracy > (digits ? 0.9 : 0.65), `${what}: validation accuracy ${x.valAccuracy}`);
        assert.ok(x.testAccuracy > (digits ? 0.9 : 0.65), `${what}: test accuracy ${x.testAccuracy}`);
        assert.ok(x.fullDamage > (digits ? 0.6 : 0.3), `${what}: whole-layer damage ${x.fullDamage}`);
        assert.ok(x.coreDamage >= 0.85 * x.fullDamage, `${what}: the core does most of the whole-layer damage`);
        assert.ok(x.coreDamage <= x.fullDamage + 0.05, `${what}: the core does no more than the whole layer`);
        assert.ok(Math.abs(x.spectatorDamage) <= 0.5 * x.fullDamage, `${what}: spectator damage ${x.spectatorDamage}`);
        assert.ok(x.ece >= 0 && x.ece <= 0.3 && x.testLoss > 0 && x.testLoss < 2, `${what}: ECE ${x.ece}, test loss ${x.testLoss}`);
      }
      assert.deepEqual(s.probes.map((p: { fraction: number }) => p.fraction), [0.5, 0.8, 0.9, 0.95, 0.99]);
      const first = s.probes[0];
      const last = s.probes[s.probes.length - 1];
      assert.ok(first.spectators > last.spectators, `${task}: the 50% core leaves more spectators than the 99% core`);
      assert.ok(first.spectatorDamage >= last.spectatorDamage, `${task}: the 50% core's spectators carry at least as much damage`);
    }
  }
}
