import { strict as assert } from "node:assert";

/**
 * Key numbers of 10-transformer-compression's quick run (p = 23 and a char-LM trained 60 steps, one seed, one tuning
 * seed) that any correct run must show: every configuration of both tuned arms tuned on validation and one chosen,
 * every arm run within the same update budget and cut to `keep` heads per block, scores in range, the cut model
 * smaller than the uncut one, both rankings cutting the same plainly fine-tuned model, the modular model well above
 * chance before the arms, and the char-LM below its unigram baseline.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const arms = ["antitrain", "randomization", "michel", "voita"];
  for (const [name, part, layers] of [
    ["modular", r, 1],
    ["char-LM", r.charLm, 2],
  ] as const) {
    const s = part.settings;
    assert.equal(part.tuning.length, s.grids.l0Lambda.length + s.grids.antitrain.length, `${name}: every configuration tuned`);
    assert.ok(s.grids.l0Lambda.includes(part.chosen.l0Lambda), `${name}: λ chosen from the grid`);
    assert.equal(part.results.length, r.seeds.length);
    for (const seed of part.results) {
      assert.deepEqual(seed.outcomes.map((o: { arm: string }) => o.arm), arms);
      for (const o of seed.outcomes) {
        const what = `${name} seed ${seed.seed} ${o.arm}`;
        assert.ok(o.updates <= s.budget && o.updates >= s.budget - layers, `${what}: ${o.updates} updates of ${s.budget}`);
        for (const e of [o.cut, o.full]) assert.ok(e.accuracy >= 0 && e.accuracy <= 1 && e.loss > 0 && Number.isFinite(e.loss), what);
        assert.equal(o.kept.length, layers);
        for (const k of o.kept) assert.equal(k.length, s.keep, what);
        assert.ok(o.params < o.fullParams, `${what}: the cut model is smaller`);
      }
      const [rand, michel] = seed.outcomes.slice(1, 3);
      assert.deepEqual(rand.full, michel.full, `${name}: both rankings cut the same fine-tuned model`);
    }
  }
  for (const seed of r.results) assert.ok(seed.trained.accuracy > 0.3, `modular seed ${seed.seed}: test accuracy ${seed.trained.accuracy} (chance ${(1 / r.settings.p).toFixed(3)})`);
  for (const seed of r.charLm.results) assert.ok(seed.trained.loss < r.charLm.unigram.loss, `char-LM seed ${seed.seed}: ${seed.trained.loss} vs unigram ${r.charLm.unigram.loss}`);
  assert.equal(r.studySummary.reference, "antitrain");
  assert.equal(r.charLm.studySummary.reference, "antitrain");
}
