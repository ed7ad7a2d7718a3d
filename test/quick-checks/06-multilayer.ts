import { strict as assert } from "node:assert";

/**
 * Key numbers of 06-multilayer's quick run that any correct run must show (ranges and invariants, not the exact
 * values, which move with the backend): the splits; the tuning touching only validation and choosing one setting of
 * each grid; every trained arm spending exactly the same update budget (small from scratch: pretrain + updates);
 * parameter counts that match the kept widths; every equal-width arm at exactly antitraining's widths and parameter
 * count; accuracies well above chance (0.1); core curves for plain and antitraining at the same update counts; and
 * paired differences that are the per-seed differences the rows imply.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  assert.ok(r.split.train > 1000 && r.split.validation > 250 && r.split.test === 450, JSON.stringify(r.split));
  assert.equal(r.updates % (r.hidden.length + 1), 0, "antitraining's budget splits into training + one antitrain step per site");
  const arms = [
    "antitrain", "plain, importance", "plain, magnitude", "group lasso", "network slimming", "activation L1", "small from scratch",
    "plain, own cores", "group lasso, own cores", "network slimming, own cores", "activation L1, own cores",
  ];
  const tuned = ["antitrain", "group-lasso", "slimming", "activation-l1"];
  /** Parameters of a 64 → widths → 10 MLP (weights and biases). */
  const params = (widths: number[]) => {
    const sizes = [64, ...widths, 10];
    let n = 0;
    for (let i = 1; i < sizes.length; i++) n += (sizes[i - 1] + 1) * sizes[i];
    return n;
  };
  assert.equal(params([128, 128, 128]), 42634, "the full run's dense model");

  // Tuning: one row per setting and tuning seed, validation numbers only, one chosen setting per grid.
  const settings = tuned.reduce((n, m) => n + r.grids[m].length, 0);
  assert.equal(r.tuning.length, settings * r.tuneSeeds.length);
  for (const row of r.tuning) {
    assert.ok(r.tuneSeeds.includes(row.seed) && !r.seeds.includes(row.seed), `tuning seed ${row.seed} is not a study seed`);
    assert.equal(Object.keys(row).filter((k) => /test|ece/i.test(k)).length, 0, "tuning rows carry no test numbers");
    assert.equal(row.params, params(row.widths), `${row.method}: parameters match the kept widths`);
    assert.ok(row.plainValAccuracy > 0.9, `plain dense validation accuracy ${row.plainValAccuracy}`);
  }
  for (const m of tuned) {
    const choices = r.tuningTable.filter((t: { method: string }) => t.method === m);
    assert.equal(choices.filter((t: { chosen: boolean }) => t.chosen).length, 1, `${m}: one chosen setting`);
    assert.ok(r.grids[m].some((g: object) => JSON.stringify(g) === JSON.stringify(r.chosen[m])), `${m}: the choice is on its grid`);
  }

  for (const seed of r.results) {
    const what = (x: string) => `seed ${seed.seed} ${x}`;
    // Dense models: every method, the same budget, the same architecture, well above chance.
    assert.deepEqual(seed.dense.map((d: { method: string }) => d.method).sort(), ["activation-l1", "antitrain", "group-lasso", "plain", "slimming"]);
    for (const d of seed.dense) {
      assert.equal(d.updates, r.updates, what(`${d.method}: the common update budget`));
      assert.equal(d.params, params(r.hidden), what(`${d.method}: dense parameter count`));
      assert.ok(d.testAccuracy > (d.method === "plain" ? 0.9 : 0.5), what(`${d.method}: dense test accuracy ${d.testAccuracy}`));
      assert.ok(d.ece >= 0 && d.ece <= 1 && d.testLoss > 0);
      const tracked = d.method === "plain" || d.method === "antitrain";
      assert.equal(d.curve.length > 0, tracked, what(`${d.method}: a core curve only for plain and antitrain`));
    }
    // Both curves measure every site at the same update counts (the first measurement and every 4 × cycle updates).
    const xs = (m: string) => JSON.stringify(seed.dense.find((d: { method: string }) => d.method === m).curve.map((c: { updates: number; site: string }) => [c.updates, c.site]));
    assert.equal(xs("plain"), xs("antitrain"), what("plain's and antitraining's cores measured at the same updates"));
    const perSite = seed.dense.find((d: { method: string }) => d.method === "antitrain").curve.length / r.hidden.length;
    assert.equal(perSite, r.updates / (r.hidden.length + 1) / r.cycle + 1, what("a measurement at the start and every cycle"));

    assert.deepEqual(seed.rows.map((x: { arm: string }) => x.arm), arms, what("every arm, in order"));
    const anti = seed.rows[0];
    assert.deepEqual(seed.widths, anti.widths);
    for (const x of seed.rows) {
      const w = what(x.arm);
      assert.equal(x.updates, x.arm === "small from scratch" ? r.pretrain + r.updates : r.updates, `${w}: budget`);
      x.widths.forEach((u: number, i: number) => assert.ok(Number.isInteger(u) && u >= 1 && u <= r.hidden[i], `${w}: h${i + 1} keeps ${u}`));
      assert.equal(x.params, params(x.widths), `${w}: parameters match the kept widths`);
      if (x.compare === "equal widths") {
        assert.deepEqual(x.widths, anti.widths, `${w}: antitraining's widths`);
        assert.equal(x.params, anti.params, `${w}: antitraining's parameter count`);
      } else {
        x.spectatorDamage.forEach((d: number) => assert.ok(Number.isFinite(d) && d >= -1 && d <= 1, `${w}: spectator damage ${d}`));
      }
      assert.ok(x.valBefore >= 0 && x.valBefore <= 1, `${w}: validation accuracy right after compression ${x.valBefore}`);
      assert.ok(x.valAfter > 0.3 && x.testAccuracy > 0.3 && x.testAccuracy <= 1, `${w}: accuracy after fine-tuning ${x.valAfter} / ${x.testAccuracy} (chance 0.1)`);
      assert.ok(x.testLoss > 0 && Number.isFinite(x.testLoss) && x.ece >= 0 && x.ece <= 1, w);
    }
    assert.ok(anti.params < params(r.hidden), what("antitraining's cores remove parameters"));
  }

  // The summary: every arm, paired differences equal to the per-seed differences of the rows.
  assert.deepEqual(r.summary.map((s: { arm: string }) => s.arm), arms);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const s of r.summary) {
    type Row = { arm: string; testAccuracy: number; params: number; testLoss: number; ece: number };
    const rowOf = (seed: { rows: Row[] }, arm: string) => seed.rows.find((x) => x.arm === arm) as Row;
    const diff = (key: "testAccuracy" | "params" | "testLoss" | "ece") => mean(r.results.map((seed: { rows: Row[] }) => rowOf(seed, s.arm)[key] - rowOf(seed, "antitrain")[key]));
    assert.ok(Math.abs(s.testAccuracyDiff.mean - diff("testAccuracy")) < 1e-9, `${s.arm}: paired accuracy difference`);
    assert.ok(Math.abs(s.testLossDiff.mean - diff("testLoss")) < 1e-9, `${s.arm}: paired loss difference`);
    assert.ok(Math.abs(s.eceDiff.mean - diff("ece")) < 1e-9, `${s.arm}: paired ECE difference`);
    assert.ok(Math.abs(s.paramsDiff.mean - diff("params")) < 1e-9, `${s.arm}: paired parameter difference`);
    assert.ok(s.testAccuracyDiff.low <= s.testAccuracyDiff.mean && s.testAccuracyDiff.mean <= s.testAccuracyDiff.high);
    assert.ok(s.better + s.worse <= r.seeds.length);
    if (s.compare === "equal widths") assert.equal(s.paramsDiff.mean, 0, `${s.arm}: equal widths, equal parameters`);
    if (s.arm === "antitrain") assert.equal(s.testAccuracyDiff.mean, 0);
  }
}
