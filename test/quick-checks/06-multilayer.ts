import { strict as assert } from "node:assert";

/**
 * Key numbers of 06-multilayer's quick run that any correct run must show (ranges, not the exact values, which move
 * with the backend): one row per seed and arm; parameter counts that match the layer widths exactly (dense and
 * compressed); kept widths within the layers, the first equal to the dense h1 core; the pruned baseline cut to
 * exactly the lr 3e-4 arm's widths from the same plain network; accuracies well above chance (0.1); and the
 * antitrained network compressed further than the plain one.
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  const arms = ["plain", "antitrain all", "antitrain, 3e-4", "plain, pruned"];
  const sites = r.hidden.map((_: number, i: number) => `h${i + 1}`);
  assert.equal(r.runs.length, r.seeds.length * arms.length, "one row per seed and arm");
  /** Parameters of a 64 → widths → 10 MLP (weights and biases). */
  const params = (widths: number[]) => {
    const sizes = [64, ...widths, 10];
    let n = 0;
    for (let i = 1; i < sizes.length; i++) n += (sizes[i - 1] + 1) * sizes[i];
    return n;
  };
  assert.equal(params([128, 128, 128]), 42634, "the full run's dense model (as RESULTS.md quotes it)");
  for (const row of r.runs) {
    const what = `${row.arm} seed ${row.seed}`;
    assert.ok(arms.includes(row.arm), what);
    assert.equal(row.denseParams, params(r.hidden), `${what}: dense parameter count`);
    assert.equal(row.compressedWidths.length, sites.length);
    row.compressedWidths.forEach((w: number, i: number) => assert.ok(Number.isInteger(w) && w >= 1 && w <= r.hidden[i], `${what}: ${sites[i]} keeps ${w}`));
    assert.equal(row.compressedParams, params(row.compressedWidths), `${what}: compressed parameter count matches the kept widths`);
    assert.ok(row.compressedParams < row.denseParams, `${what}: compression removes parameters`);
    if (row.arm !== "plain, pruned") {
      assert.equal(row.compressedWidths[0], row.cores[0], `${what}: h1 is measured on the dense model either way`);
      assert.equal(row.spectatorDamage.length, sites.length);
    }
    assert.ok(row.denseAccuracy > (row.arm === "antitrain all" ? 0.5 : 0.9), `${what}: dense test accuracy ${row.denseAccuracy}`);
    assert.ok(row.compressedAccuracy > 0.2 && row.compressedAccuracy <= 1, `${what}: compressed test accuracy ${row.compressedAccuracy}`);
    assert.ok(row.finetunedAccuracy > 0.8 && row.finetunedAccuracy <= 1, `${what}: fine-tuned test accuracy ${row.finetunedAccuracy}`);
  }
  for (const seed of r.seeds) {
    const row = (arm: string) => r.runs.find((x: { arm: string; seed: number }) => x.arm === arm && x.seed === seed);
    assert.deepEqual(row("plain, pruned").compressedWidths, row("antitrain, 3e-4").compressedWidths, `seed ${seed}: the baseline keeps the same widths`);
    assert.ok(Math.abs(row("plain, pruned").denseAccuracy - row("plain").denseAccuracy) < 1e-6, `seed ${seed}: the baseline prunes the plain arm's network`);
    assert.ok(row("antitrain, 3e-4").compressedParams < row("plain").compressedParams, `seed ${seed}: antitraining leaves more to remove than plain training`);
    assert.ok(row("antitrain all").compressedParams < row("plain").compressedParams);
  }
  assert.equal(r.curves.length, r.seeds.length * 3 * sites.length, "a core curve per seed, trained arm and site");
  for (const c of r.curves) {
    assert.equal(c.step.length, r.steps / r.cycle + 1, `${c.arm} ${c.site}: a measurement at the start and after every cycle`);
    for (const n of c.core) assert.ok(n >= 1 && n <= r.hidden[sites.indexOf(c.site)]);
  }
}
