import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as at from "../lib/index";
import { assertAntitrainError, invariant } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/**
 * Three units: u0 = relu(x0), u1 = relu(x1), u2 dead; logit₁ − logit₀ = 2·u0 + 2·u1 − 2. On the training data
 * x0 = x1 = label (both units carry it: a memorized shortcut and a real feature look alike); on held-out data
 * x0 = label but x1 is independent of the label, so only u0 generalizes.
 */
function memorizerModel(): { model: at.Mlp; train: at.Dataset; heldOut: at.Dataset } {
  const model = new at.Mlp([
    { fanIn: 2, fanOut: 3, w: new Float32Array([1, 0, 0, 0, 1, 0]), b: new Float32Array([0, 0, -1]) },
    { fanIn: 3, fanOut: 2, w: new Float32Array([0, 2, 0, 2, 0, 5]), b: new Float32Array([0, -2]) },
  ]);
  const trainX: number[] = [];
  const trainY: number[] = [];
  const heldX: number[] = [];
  const heldY: number[] = [];
  for (let i = 0; i < 40; i++) {
    const label = i % 2;
    trainX.push(label, label);
    trainY.push(label);
    heldX.push(label, Math.floor(i / 2) % 2);
    heldY.push(label);
  }
  return {
    model,
    train: at.dataset(trainX, trainY, { features: 2, classes: 2 }),
    heldOut: at.dataset(heldX, heldY, { features: 2, classes: 2 }),
  };
}

test("the unit that carries the label on held-out data is generalizing, the shortcut unit memorizing, the dead one inert", () => {
  const { model, train, heldOut } = memorizerModel();
  const h = invariant(model, "heldOutImportance", () =>
    at.heldOutImportance(model, "h1", train, heldOut, { method: "mean", metric: "loss", ratio: 1.5 }),
  ) as at.HeldOutImportance;
  // On training data the two live units are symmetric: equal damage, half the share each.
  assert.ok(Math.abs(h.trainShare[0] - 0.5) < 1e-6 && Math.abs(h.trainShare[1] - 0.5) < 1e-6, `${h.trainShare}`);
  // On held-out data, setting u1 to its mean helps (negative damage → share 0) and u0 carries everything.
  assert.ok(h.heldOut.scores[1] < 0, `u1 held-out damage ${h.heldOut.scores[1]}`);
  assert.ok(Math.abs(h.heldOutShare[0] - 1) < 1e-6);
  assert.equal(h.heldOutShare[1], 0);
  assert.deepEqual(h.roles, ["generalizing", "memorizing", "inert"]);
  assert.ok(h.lean[0] > 0 && h.lean[1] < 0);
  // Held-out damage of u0, by hand: clean margins are ±2 or 0 (mean loss ½(ln(1+e⁻²) + ln 2)); with u0 at its
  // mean 0.5 the margin is 2·u1 − 1 = ±1 independent of the label (mean loss ½(ln(1+e⁻¹) + ln(1+e))).
  const clean = (Math.log1p(Math.exp(-2)) + Math.log(2)) / 2;
  const randomized = (Math.log1p(Math.exp(-1)) + Math.log1p(Math.exp(1))) / 2;
  assert.ok(Math.abs(h.heldOut.scores[0] - (randomized - clean)) < 1e-5, `${h.heldOut.scores[0]} vs ${randomized - clean}`);
  model.dispose();
  for (const d of [train, heldOut]) at.disposeDataset(d);
});

test("heldOutImportance validates its rule parameters and sites", () => {
  const { model, train, heldOut } = memorizerModel();
  invariant(model, "ratio", () => assertAntitrainError(() => at.heldOutImportance(model, "h1", train, heldOut, { ratio: 0.5 }), /ratio must be/));
  invariant(model, "floor", () => assertAntitrainError(() => at.heldOutImportance(model, "h1", train, heldOut, { floor: -1 }), /floor must be/));
  invariant(model, "site", () => assertAntitrainError(() => at.heldOutImportance(model, "h2", train, heldOut), /unknown site/));
  model.dispose();
  for (const d of [train, heldOut]) at.disposeDataset(d);
});
