import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

// The sign-flip path's scan (lib/measure/damage-signflip.ts) is branch-free: it writes every scanned entry's
// correction and keeps only those > 0. Here its count of sign flips is checked against a brute-force count over every
// (unit, row, column) entry, with the engine's own float32 pre-activation and draws and the same flip rule (the
// ReLU's input changes sign and is not 0 afterwards), so a scan that dropped or double-counted a flip would fail.

before(async () => {
  await at.ready({ quiet: true });
});

/** Sign flips over every (unit, row, column) of h1's next pre-activation, the engine's rule, for one draw. */
function bruteForceFlips(model: at.Mlp, data: at.Dataset, stats: at.UnitStats, seed: number): number {
  return tf.tidy(() => {
    const split = model.splitDense("h1", data.x);
    try {
      const [rows, out] = split.pre.shape as [number, number];
      const features = split.act.shape[1] as number;
      const draws = at.drawReplacements(stats, "resample", rows, at.rngFor(seed, 0));
      const z = split.pre.dataSync();
      const delta = tf.sub(tf.tensor2d(draws, [rows, features]), split.act).dataSync(); // as the engine forms it
      const w2 = split.weight.dataSync();
      let flips = 0;
      for (let j = 0; j < features; j++) {
        for (let r = 0; r < rows; r++) {
          for (let k = 0; k < out; k++) {
            const before = z[r * out + k];
            const after = before + delta[r * features + j] * w2[j * out + k];
            if (after > 0 !== before > 0 && after !== 0) flips++;
          }
        }
      }
      return flips;
    } finally {
      split.dispose();
    }
  });
}

test("the sign-flip scan finds exactly the brute-force sign flips, in one chunk and in many", () => {
  const model = at.mlp({ inputs: 5, hidden: [24, 20], classes: 3, seed: 3 });
  const rng = new at.Rng(11);
  const n = 50;
  const data = at.dataset(
    Array.from({ length: n * 5 }, () => rng.normal()),
    Array.from({ length: n }, () => rng.int(3)),
    { features: 5, classes: 3 },
  );
  const stats = at.collectStats(model, "h1", data);
  const singles = Array.from({ length: 24 }, (_, u) => [u]);
  const expected = bruteForceFlips(model, data, stats, 4);
  assert.ok(expected > 50, `the case has sign flips to find (${expected})`);
  const tensors = tf.memory().numTensors;
  const counts = [2 ** 23, 3 * 3 * 50].map((maxElements) => {
    const engine = new at.DamageEngine(model, "h1", data, { stats, method: "resample", seed: 4, path: "signFlip", maxElements });
    try {
      engine.evaluate(singles);
      assert.equal(engine.signFlips.entries, 24 * n * 20, "every (unit, row, column) entry covered");
      return engine.signFlips.flips;
    } finally {
      engine.dispose();
    }
  });
  assert.deepEqual(counts, [expected, expected], "one chunk of 24 units and chunks of 3 find the same flips");
  assert.equal(tf.memory().numTensors, tensors, "no tensor left behind");
  model.dispose();
  at.disposeDataset(data);
});
