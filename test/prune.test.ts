import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as at from "../lib/index";
import { magnitudeScores } from "../lib/importance/magnitude";
import { assertAntitrainError, invariant, wrapModel } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

test("magnitude scores are the L2 norm of each unit's incoming and outgoing weights", () => {
  // 2 inputs → 3 units → 2 classes; w1 is [2, 3] row-major, w2 is [3, 2].
  const model = new at.Mlp([
    { fanIn: 2, fanOut: 3, w: new Float32Array([3, 0, 1, 4, 0, -1]), b: new Float32Array([9, 9, 9]) },
    { fanIn: 3, fanOut: 2, w: new Float32Array([0, 0, 0, 0, 1, -1]), b: new Float32Array([9, 9]) },
  ]);
  const scores = invariant(model, "magnitudeScores", () => magnitudeScores(model, "h1")) as Float32Array;
  // unit 0: in (3, 4), out (0, 0) → 5; unit 1: nothing → 0; unit 2: in (1, −1), out (1, −1) → 2. Biases ignored.
  assert.deepEqual(Array.from(scores), [5, 0, 2]);
  assert.deepEqual(at.ranked({ scores }), [0, 2, 1]);
  model.dispose();
});

test("magnitude scores of the second of two hidden layers use that layer's weights", () => {
  const model = at.mlp({ inputs: 3, hidden: [4, 5], classes: 2, seed: 1 });
  const [, w2, w3] = model.weights();
  const scores = magnitudeScores(model, "h2");
  assert.equal(scores.length, 5);
  for (let u = 0; u < 5; u++) {
    let s = 0;
    for (let i = 0; i < 4; i++) s += w2.w[i * 5 + u] ** 2;
    for (let o = 0; o < 2; o++) s += w3.w[u * 2 + o] ** 2;
    assert.ok(Math.abs(scores[u] - Math.sqrt(s)) < 1e-6);
  }
  assertAntitrainError(() => magnitudeScores(model, "h3"), /unknown site "h3".*"h1", "h2"/);
  model.dispose();
});

test("magnitude scores refuse a model that offers no unit parameters", () => {
  const mlp = at.mlp({ inputs: 2, hidden: [2], classes: 2 });
  const notMlp = wrapModel(mlp, { kind: "other" });
  assertAntitrainError(() => magnitudeScores(notMlp, "h1"), /magnitude scores need the weights around site "h1" \(model.unitParameters\), which this "other" model does not offer/);
  mlp.dispose();
});
