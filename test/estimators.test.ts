import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as at from "../lib/index";
import { assertAntitrainError, invariant } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/**
 * 2 inputs (x0 = ±1 carries the label, x1 = |noise|), 40 hidden units, 2 classes. Unit 7 = relu(x0 + 1) ∈ {0, 2}
 * decides the class (logit₁ − logit₀ = 4·u7 − 4); every other unit sees only the noise and writes ±0.05 to the logits.
 */
function oneCarrierModel(): { model: at.Mlp; data: at.Dataset } {
  const hidden = 40;
  const rng = new at.Rng(9);
  const w1 = new Float32Array(2 * hidden);
  const b1 = new Float32Array(hidden);
  const w2 = new Float32Array(hidden * 2);
  for (let u = 0; u < hidden; u++) {
    if (u === 7) {
      w1[u] = 1; // from x0
      b1[u] = 1;
      w2[u * 2] = -2;
      w2[u * 2 + 1] = 2;
    } else {
      w1[hidden + u] = 0.5 + rng.uniform(); // from x1
      w2[u * 2] = 0.05 * (rng.uniform() * 2 - 1);
      w2[u * 2 + 1] = 0.05 * (rng.uniform() * 2 - 1);
    }
  }
  const model = new at.Mlp([
    { fanIn: 2, fanOut: hidden, w: w1, b: b1 },
    { fanIn: hidden, fanOut: 2, w: w2, b: new Float32Array([2, -2]) },
  ]);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 64; i++) {
    x.push(i % 2 === 1 ? 1 : -1, Math.abs(rng.normal()));
    y.push(i % 2);
  }
  return { model, data: at.dataset(x, y, { features: 2, classes: 2 }) };
}

test("group importance recovers the one unit that carries the label, with fewer evaluations than units", () => {
  const { model, data } = oneCarrierModel();
  const stats = at.collectStats(model, "h1", data);
  const exact = at.importance(model, "h1", data, { stats, seed: 0 });
  assert.equal(at.ranked(exact)[0], 7, "the exact ranking puts the carrier first");
  for (const solve of ["ridge", "marginal"] as const) {
    for (const path of ["auto", "batched"] as const) {
      const est = invariant(model, `groupImportance ${solve}`, () =>
        at.groupImportance(model, "h1", data, { stats, seed: 0, groupShare: 0.1, groups: 30, solve, path, exact }),
      ) as at.EstimatedImportance;
      assert.equal(at.ranked(est)[0], 7, `${solve} ${path}: top unit`);
      assert.equal(est.groupSize, 4);
      assert.equal(est.evaluations, 31, "30 groups and the whole site");
      assert.equal(est.scores.length, 40);
      assert.ok(Math.abs((est.spearman as number) - at.spearman(est.scores, exact.scores)) < 1e-12);
      assert.ok(Math.abs(est.full - exact.full) < 1e-6, "whole-site damage is measured exactly");
      // the carrier's estimated damage is of the order of its exact damage (not just first in rank)
      assert.ok(est.scores[7] > 0.3 * exact.scores[7], `${solve}: ${est.scores[7]} vs exact ${exact.scores[7]}`);
    }
  }
  model.dispose();
  at.disposeDataset(data);
});

test("ridge group importance is exact on an additive site when every unit is its own group", () => {
  // Groups of one unit, one per unit (a single permutation): the ridge solution is each unit's own damage (up to λ).
  const { model, data } = oneCarrierModel();
  const stats = at.collectStats(model, "h1", data);
  const exact = at.importance(model, "h1", data, { stats, seed: 2 });
  const est = at.groupImportance(model, "h1", data, { stats, seed: 2, groupShare: 1 / 40, groups: 40, ridge: 0, exact });
  est.scores.forEach((s, u) => assert.ok(Math.abs(s - exact.scores[u]) < 1e-5 * Math.max(1, Math.abs(exact.scores[u])), `unit ${u}`));
  assert.ok((est.spearman as number) > 0.999);
  model.dispose();
  at.disposeDataset(data);
});

test("group importance rejects bad options with the fix and leaks nothing", () => {
  const { model, data } = oneCarrierModel();
  for (const [options, pattern] of [
    [{ groupShare: 0 }, /groupShare must be in \(0, 0.5\]/],
    [{ groupShare: 0.9 }, /groupShare/],
    [{ groups: 0 }, /groups must be a positive integer/],
    [{ ridge: -1 }, /ridge must be a non-negative/],
    [{ solve: "lasso" }, /solve must be "ridge" or "marginal"/],
    [{ exact: { scores: new Float32Array(3) } }, /exact has 3 scores/],
  ] as const) {
    invariant(model, "bad option", () =>
      assertAntitrainError(() => at.groupImportance(model, "h1", data, options as at.GroupImportanceOptions), pattern),
    );
  }
  invariant(model, "bad site", () => assertAntitrainError(() => at.groupImportance(model, "h9", data), /unknown site "h9"/));
  model.dispose();
  at.disposeDataset(data);
});
