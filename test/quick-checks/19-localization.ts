import { strict as assert } from "node:assert";

/**
 * Key numbers of 19-localization's quick run (digits, one seed, 600 updates per arm, untuned) that any correct run
 * must show: every arm made the same number of updates and learns the digits; the output carries parity (the clean
 * probe far above the ~0.5 chance); randomizing the whole layer would take it to chance, and the chosen units carry
 * some of it in every arm; concept antitraining moves parity into the chosen units more than plain training's own
 * four most informative units hold it.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  assert.equal(r.rows.length, 6 * r.seeds.length, "six arms on the digits per seed");
  assert.ok(r.chance.digits > 0.45 && r.chance.digits < 0.55, `parity chance ${r.chance.digits}`);
  const budget = r.settings.budget;
  for (const row of r.rows) {
    assert.equal(row.updates, budget, `${row.arm}: the update budget`);
    assert.ok(row.mainAccuracy > 0.75, `${row.arm}: main accuracy ${row.mainAccuracy}`);
    assert.ok(row.probeClean > 0.8, `${row.arm}: clean probe ${row.probeClean}`);
    assert.ok(row.probeChosen < row.probeClean, `${row.arm}: the chosen units carry some parity`);
    assert.ok(row.probeOthers <= row.probeClean + 0.02, `${row.arm}: others randomized ${row.probeOthers}`);
  }
  for (const seed of r.seeds) {
    const at = (arm: string) => r.rows.find((x: { seed: number; arm: string }) => x.seed === seed && x.arm === arm);
    assert.ok(at("concept-antitrain").probeChosen < at("plain-picked").probeChosen, `seed ${seed}: concept antitraining localizes more than plain training's picked units`);
  }
  assert.deepEqual(r.goal.map((g: { arm: string }) => g.arm), ["antitrain-core", "concept-antitrain"]);
}
