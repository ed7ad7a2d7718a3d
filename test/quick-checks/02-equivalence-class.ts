import { strict as assert } from "node:assert";

const ARMS = ["plain", "antitrain 0.5", "control: spectators, true labels", "control: core, true labels", "group lasso", "network slimming", "activation L1",
  "targeted dropout", "nested dropout"];

/**
 * Key numbers of 02-equivalence-class's quick run that any correct run must show (ranges, not the exact values, which
 * move with the backend): 01's splits; every arm at every width, task and seed at the same update budget, with 01's
 * width-128 knobs; trained MLPs well above chance (teacher-student 0.25, digits 0.1); cores within their widths that
 * hold the damage they are defined by; a plain core that fills most of the widest teacher-student layer and grows with
 * the width, while antitraining the 50% core leaves the widest layer a clearly smaller core; group lasso shrinking the
 * wide digits core; per-seed growth that agrees with the per-width summaries; and a time per cell for the estimate.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  assert.deepEqual(r.split.digits, { train: 1078, validation: 269, test: 450 });
  assert.deepEqual(r.split["teacher-student"], { train: 1600, validation: 400, test: 1000 });
  assert.deepEqual(r.arms, ARMS);
  assert.deepEqual(r.chosen["teacher-student"], { "group-lasso": { lambda: 0.01 }, slimming: { lambda: 0.01 }, "activation-l1": { lambda: 0.1 },
    "targeted-dropout": { targetFraction: 0.5, rate: 0.9 }, "nested-dropout": { p: 0.03 } });
  assert.deepEqual(r.chosen.digits, { "group-lasso": { lambda: 0.01 }, slimming: { lambda: 0.1 }, "activation-l1": { lambda: 0.1 },
    "targeted-dropout": { targetFraction: 0.75, rate: 0.5 }, "nested-dropout": { p: 0.1 } });
  assert.equal(r.results.length, r.seeds.length);
  const widthsOf = (task: string): number[] => (task === "digits" ? r.digitWidths : r.widths);
  // biome-ignore lint/suspicious/noExplicitAny: results JSON
  const arm = (task: string, width: number, name: string): any => r.summary[`${task}/${width}`].find((s: { arm: string }) => s.arm === name);
  for (const task of ["teacher-student", "digits"]) {
    const digits = task === "digits";
    for (const width of widthsOf(task)) {
      const key = `${task}/${width}`;
      assert.deepEqual(r.summary[key].map((s: { arm: string }) => s.arm), ARMS, `${key}: every arm summarized`);
      assert.match(r.headlines[key], new RegExp(`^validation 95% core \\(of ${width} units\\): plain \\d+\\.\\d, antitrain 0\\.5 \\d+\\.\\d`));
      assert.ok(r.cellSeconds[key] > 0, `${key}: its time is recorded`);
      for (const seed of r.results) {
        const s = seed[key].result;
        assert.deepEqual(s.runs.map((x: { arm: string }) => x.arm), ARMS);
        for (const x of s.runs) {
          const what = `${key} ${x.arm} seed ${s.seed}`;
          assert.equal(x.updates, r.updates, `${what}: ${x.updates} updates, not ${r.updates}`);
          assert.equal(x.core + x.spectators, width, what);
          assert.ok(x.core >= 1 && x.core <= width && x.testCore >= 1 && x.testCore <= width, `${what}: core ${x.core}, test core ${x.testCore}`);
          assert.ok(x.valAccuracy > (digits ? 0.9 : 0.65), `${what}: validation accuracy ${x.valAccuracy}`);
          assert.ok(x.testAccuracy > (digits ? 0.9 : 0.65), `${what}: test accuracy ${x.testAccuracy}`);
          assert.ok(x.fullDamage > (digits ? 0.6 : 0.3), `${what}: whole-layer damage ${x.fullDamage}`);
          assert.ok(x.coreDamage >= 0.85 * x.fullDamage && x.coreDamage <= x.fullDamage + 0.05, `${what}: the core does most of the whole-layer damage`);
          assert.ok(x.ece >= 0 && x.ece <= 0.3 && x.testLoss > 0 && x.testLoss < 2, `${what}: ECE ${x.ece}, test loss ${x.testLoss}`);
        }
      }
    }
    const ws = widthsOf(task);
    for (const name of ARMS) {
      const g = r.growth[task][name];
      assert.deepEqual(g.map((x: { from: number; to: number }) => [x.from, x.to]), ws.slice(1).map((w, i) => [ws[i], w]), `${task} ${name}: growth between neighbouring widths`);
      for (const x of g) {
        const expected = arm(task, x.to, name).testCore.mean - arm(task, x.from, name).testCore.mean;
        assert.ok(Math.abs(x.testCore.mean - expected) < 1e-9, `${task} ${name}: the mean paired growth is the growth of the means`);
      }
    }
  }
  const [narrow, wide] = [r.widths[0], r.widths[r.widths.length - 1]];
  const plainWide = arm("teacher-student", wide, "plain").core.mean;
  assert.ok(plainWide >= 0.6 * wide, `a plain student of width ${wide} spreads over most of its layer (core ${plainWide})`);
  assert.ok(arm("teacher-student", narrow, "plain").core.mean < plainWide, "the plain core grows with the width");
  const antiWide = arm("teacher-student", wide, "antitrain 0.5").core.mean;
  assert.ok(antiWide <= 0.8 * plainWide, `antitraining shrinks the core of the width-${wide} student (${antiWide} vs plain ${plainWide})`);
  const digitsWide = r.digitWidths[r.digitWidths.length - 1];
  const [lasso, plainDigits] = [arm("digits", digitsWide, "group lasso").core.mean, arm("digits", digitsWide, "plain").core.mean];
  assert.ok(lasso <= 0.9 * plainDigits, `digits, W = ${digitsWide}: group lasso shrinks the core (${lasso} vs plain ${plainDigits})`);
}
