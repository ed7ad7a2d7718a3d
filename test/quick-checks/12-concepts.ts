import { strict as assert } from "node:assert";

/**
 * Key numbers of 12-concepts' quick run (one seed, 300 + 300 steps) that any correct run must show: both models
 * classify digits and their output carries parity (the clean probe far above the ~0.5 chance); concept
 * antitraining moves parity into the chosen units — randomizing them hurts the output probe much more than in the
 * control, randomizing the other units hurts it less — and makes the chosen units load-bearing for the main task.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  assert.equal(r.rows.length, 2 * r.seeds.length);
  assert.ok(r.chance > 0.45 && r.chance < 0.55, `parity chance on the test set ${r.chance}`);
  for (const row of r.rows) {
    for (const k of ["mainAccuracy", "probeClean", "probeChosen", "probeOthers", "hidProbeChosen", "hidProbeOthers"]) {
      assert.ok(row[k] >= 0 && row[k] <= 1, `${row.condition}: ${k} ${row[k]}`);
    }
    assert.ok(row.mainAccuracy > (row.condition === "control" ? 0.9 : 0.75), `${row.condition}: main accuracy ${row.mainAccuracy}`);
    assert.ok(row.probeClean > 0.8, `${row.condition}: clean output probe ${row.probeClean}`);
  }
  for (const seed of r.seeds) {
    const control = r.rows.find((x: { seed: number; condition: string }) => x.seed === seed && x.condition === "control");
    const anti = r.rows.find((x: { seed: number; condition: string }) => x.seed === seed && x.condition === "antitrained");
    assert.ok(anti.probeChosen < control.probeChosen - 0.1, `seed ${seed}: parity flows through the chosen units (${anti.probeChosen} vs ${control.probeChosen})`);
    assert.ok(anti.probeOthers > control.probeOthers, `seed ${seed}: and less around them (${anti.probeOthers} vs ${control.probeOthers})`);
    assert.ok(anti.mainDamageChosen > control.mainDamageChosen + 0.2, `seed ${seed}: the chosen units became load-bearing`);
    assert.ok(control.mainDamageOthers > control.mainDamageChosen, `seed ${seed}: in the control 28 units matter more than 4`);
  }
  assert.deepEqual(Object.keys(r.summary), ["control", "antitrained"]);
}
