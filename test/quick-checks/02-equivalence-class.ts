import { strict as assert } from "node:assert";

/**
 * Key numbers of 02-equivalence-class's quick run that any correct run must show (ranges, not the exact values,
 * which move with the backend): one run per seed, task, width and arm; students well above chance (teacher-student
 * 1/3, digits 0.1); cores within their widths; a plain core that fills most of a wide layer while the antitrained
 * core of the widest teacher-student is clearly smaller; and CKA values in [0, 1] for one pair per seed and arm.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const arms = ["plain", "antitrain"];
  const perSeed = (r.teacherWidths.length * r.studentWidths.length + r.digitWidths.length) * arms.length;
  assert.equal(r.runs.length, r.seeds.length * perSeed, "one run per seed, task, width and arm");
  for (const run of r.runs) {
    const what = `${run.task} k=${run.k} W=${run.width} ${run.arm} seed ${run.seed}`;
    assert.ok(Number.isInteger(run.coreSize) && run.coreSize >= 1 && run.coreSize <= run.width, `${what}: core ${run.coreSize}`);
    assert.ok(run.testAccuracy > (run.task === "digits" ? 0.85 : 0.55), `${what}: test accuracy ${run.testAccuracy}`);
    assert.ok(run.testAccuracy <= 1);
  }
  const core = (task: string, k: number, width: number, arm: string) => r.aggregate[`${task}/${k}/${width}/${arm}`].coreSize.mean;
  const wide = r.studentWidths[r.studentWidths.length - 1];
  for (const k of r.teacherWidths) {
    const plain = core("teacher-student", k, wide, "plain");
    const anti = core("teacher-student", k, wide, "antitrain");
    assert.ok(plain >= 0.6 * wide, `k=${k}: a plain student of width ${wide} spreads over most of its layer (core ${plain})`);
    assert.ok(anti <= 0.8 * plain, `k=${k}: antitraining shrinks the core of the width-${wide} student (${anti} vs plain ${plain})`);
    assert.ok(core("teacher-student", k, r.studentWidths[0], "plain") < plain, `k=${k}: the plain core grows with the width`);
  }
  const digitsWide = r.digitWidths[r.digitWidths.length - 1];
  assert.ok(core("digits", 10, digitsWide, "antitrain") <= core("digits", 10, digitsWide, "plain"), "digits: antitraining does not grow the core");
  assert.ok(r.teacherWidths.includes(r.ckaK) && r.studentWidths.includes(r.ckaWidth), "the CKA pair is a cell of the sweep");
  assert.equal(r.ckaSeeds.length, r.seeds.length * arms.length, "one CKA pair per seed and arm");
  for (const c of r.ckaSeeds) {
    assert.ok(c.core > 0.2 && c.core <= 1 + 1e-6, `${c.arm}: linear CKA of the cores ${c.core}`);
    assert.ok(c.layer > 0.3 && c.layer <= 1 + 1e-6, `${c.arm}: linear CKA of the layers ${c.layer}`);
    assert.equal(c.coreSizes.length, 2);
    for (const n of c.coreSizes) assert.ok(n >= 1 && n <= r.ckaWidth);
  }
}
