import { strict as assert } from "node:assert";

/**
 * Key numbers of 10-transformer-compression's quick run (p = 23, one seed; a char-LM trained 60 steps) that any
 * correct run must show: the modular-addition model fits its training pairs and is far above chance on test, every
 * units-kept curve ends at the clean accuracy (nothing randomized) and starts near chance (everything randomized),
 * the compressed models' parameter counts grow with the units kept and end at the full model's, the antitraining
 * table's k is the smaller antitrained core, physical compression matches mean replacement on the char-LM, and the
 * char-LM beats its unigram baseline.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const sites = ["blocks.0.attn", "blocks.0.mlp", "blocks.0.resid"];
  const rankings = ["randomization", "magnitude", "gradient"];
  const units: Record<string, number> = { "blocks.0.attn": r.model.heads, "blocks.0.mlp": r.model.dMlp, "blocks.0.resid": r.model.dModel };

  assert.equal(r.trained.length, r.seeds.length);
  for (const t of r.trained) {
    assert.ok(t.train > 0.95, `seed ${t.seed}: training accuracy ${t.train}`);
    assert.ok(t.clean > 0.3, `seed ${t.seed}: test accuracy ${t.clean} (chance ${(1 / r.p).toFixed(3)})`);
  }
  assert.equal(r.curves.length, sites.length * rankings.length * r.seeds.length);
  for (const c of r.curves) {
    const what = `${c.site} ${c.ranking} seed ${c.seed}`;
    const clean = r.trained.find((t: { seed: number }) => t.seed === c.seed).clean;
    assert.equal(c.kept[0], 0);
    assert.equal(c.kept.at(-1), units[c.site], what);
    assert.equal(c.accuracy.length, c.kept.length);
    assert.ok(Math.abs(c.accuracy.at(-1) - clean) < 6e-4, `${what}: all units kept gives the clean accuracy`);
    assert.ok(c.accuracy[0] < 0.5 * clean, `${what}: no unit kept is far below clean (${c.accuracy[0]})`);
    assert.equal(c.params[0], null);
    for (let i = 2; i < c.params.length; i++) assert.ok(c.params[i] > c.params[i - 1], `${what}: parameters grow with units kept`);
  }
  const full = r.curves[0].params.at(-1);
  for (const c of r.curves) assert.equal(c.params.at(-1), full, "every site at full width has the full model's parameters");

  assert.equal(r.needed.length, sites.length * rankings.length);
  for (const n of r.needed) assert.ok(n["units for 95% of clean acc"] >= 1 && n["units for 95% of clean acc"] <= n.of);

  assert.equal(r.antitraining.length, (1 + r.antiFractions.length) * r.seeds.length);
  for (const seed of r.seeds) {
    const rows = r.antitraining.filter((a: { seed: number }) => a.seed === seed);
    const anti = rows.filter((a: { arm: string }) => a.arm.startsWith("antitrained"));
    const k = Math.min(...anti.map((a: { "core after": number }) => a["core after"]));
    for (const a of rows) {
      assert.equal(a.k, k, "the same-size cut uses the smallest antitrained core");
      assert.ok(a["core after"] >= 1 && a["core after"] <= r.model.dMlp);
      assert.ok(a["test acc"] > 0.3, `${a.arm}: test accuracy ${a["test acc"]}`);
      assert.equal(a.params, `${full} → ${full - (r.model.dMlp - a["core after"]) * (2 * r.model.dModel + 1)}`, "a neuron holds 2·d_model + 1 weights");
    }
  }

  const lm = r.charLm;
  assert.equal(lm.runs.length, lm.seeds.length);
  for (const run of lm.runs) {
    assert.ok(run.clean.loss < lm.unigram.loss - 0.1, `char-LM test loss ${run.clean.loss} vs unigram ${lm.unigram.loss}`);
    assert.ok(run.maskedVsCompressed < 1e-4, `physical compression matches mean replacement: ${run.maskedVsCompressed}`);
    assert.equal(run.curves.length, 6 * rankings.length);
    for (const c of run.curves) {
      assert.equal(c.physical, c.site !== "blocks.0.resid", `${c.site}: only the inner residual stream cannot be removed`);
      if (c.site.endsWith(".mlp") || c.site.endsWith(".resid")) {
        assert.ok(c.loss[0] > c.loss.at(-1), `${c.site} ${c.ranking}: removing every unit costs loss`);
      }
    }
    assert.equal(run.anti.length, 2);
    const antiCore = run.anti.find((a: { arm: string }) => a.arm.startsWith("antitrained"))["core after"];
    for (const a of run.anti) assert.equal(a.k, Math.max(1, antiCore));
  }
}
