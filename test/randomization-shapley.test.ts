import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { assertAntitrainError } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/** The Shapley value by its other definition: the mean marginal contribution over all n! orders of joining. */
function byPermutations(v: (members: readonly number[]) => number, n: number): number[] {
  const phi = new Array<number>(n).fill(0);
  const orders: number[][] = [];
  const permute = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) orders.push(prefix);
    rest.forEach((x, i) => permute([...prefix, x], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute([], Array.from({ length: n }, (_, i) => i));
  for (const order of orders) {
    for (let k = 0; k < n; k++) phi[order[k]] += (v(order.slice(0, k + 1)) - v(order.slice(0, k))) / orders.length;
  }
  return phi;
}

const table = (v: (members: readonly number[]) => number, n: number) => [v([]), ...st.coalitions(n).map(v)];
const close = (a: readonly number[], b: readonly number[], what: string) => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-12, `${what}: player ${i}: ${x} vs ${b[i]}`));

test("exact Shapley: the coalitions are every non-empty subset in bitmask order", () => {
  assert.deepEqual(st.coalitions(2), [[0], [1], [0, 1]]);
  assert.deepEqual(st.coalitions(3), [[0], [1], [0, 1], [2], [0, 2], [1, 2], [0, 1, 2]]);
  assert.equal(st.coalitions(12).length, 4095);
});

test("exact Shapley on a 3-unit toy equals the mean over all orders, and obeys efficiency, symmetry and the null player", () => {
  // Units 0 and 1 are interchangeable and only count together (an AND, worth 6) plus 1 each; unit 2 never matters.
  const v = (s: readonly number[]) => {
    const has = (i: number) => s.includes(i);
    return (has(0) ? 1 : 0) + (has(1) ? 1 : 0) + (has(0) && has(1) ? 6 : 0) + 0.5;
  };
  const phi = st.exactShapley(table(v, 3), 3);
  close(phi, byPermutations(v, 3), "against the permutation formula");
  close(phi, [4, 4, 0], "by hand: each of the pair gets 1 + 6/2");
  assert.ok(Math.abs(phi.reduce((a, b) => a + b, 0) - (v([0, 1, 2]) - v([]))) < 1e-12, "efficiency: the values sum to v(all) − v(none)");
  assert.equal(phi[0], phi[1], "symmetry");
  assert.equal(phi[2], 0, "null player");
});

test("exact Shapley on random games of 1 to 6 players equals the permutation formula and sums to v(all) − v(none)", () => {
  const rng = at.rngFor(3);
  for (let n = 1; n <= 6; n++) {
    const values = Array.from({ length: 1 << n }, () => rng.normal());
    const v = (s: readonly number[]) => values[s.reduce((m, i) => m | (1 << i), 0)];
    const phi = st.exactShapley(values, n);
    close(phi, byPermutations(v, n), `n = ${n}`);
    assert.ok(Math.abs(phi.reduce((a, b) => a + b, 0) - (values[(1 << n) - 1] - values[0])) < 1e-12, `n = ${n}: efficiency`);
  }
});

test("exact Shapley refuses what it cannot enumerate, naming the fix", () => {
  assertAntitrainError(() => st.exactShapley(new Float64Array(1 << 13), 13), /at most|from 1 to 12/);
  assertAntitrainError(() => st.exactShapley([0, 1, 2], 2), /2\^2 = 4 coalition values/);
  assertAntitrainError(() => st.exactShapley([0, 1, Number.NaN, 3], 2), /not a finite number/);
  assertAntitrainError(() => st.coalitions(0), /from 1 to 12/);
});

test("top-k overlap counts shared members of the two top k, ties by the lower index", () => {
  assert.equal(st.topKOverlap([3, 2, 1, 0], [3, 0, 2, 1], 2), 0.5);
  assert.equal(st.topKOverlap([1, 2, 3], [10, 20, 30], 3), 1);
  assert.equal(st.topKOverlap([0, 0, 1], [5, 0, 1], 2), 1, "tie at 0 broken to unit 0 in both");
  assertAntitrainError(() => st.topKOverlap([1, 2], [1, 2], 3), /k must be/);
});

test("planted units keep the model's function; the constant and silent units carry nothing a resample can remove", () => {
  const { train, test: held } = st.studyData({ dataset: "digits", trainLimit: 200, test: 100 });
  const tensors = tf.memory().numTensors;
  const trained = at.mlp({ inputs: 64, hidden: [4], classes: 10, seed: 1 });
  at.train(trained, train, { steps: 40, learningRate: 1e-2, seed: 1 });
  const p = st.plantUnits(trained, train, 0);
  try {
    assert.deepEqual(p.kinds, ["trained", "trained", "trained", "trained", "copy", "constant", "silent"]);
    assert.ok(p.original >= 0 && p.original < 4);
    const a = at.evaluate(trained, held);
    const b = at.evaluate(p.model, held);
    assert.ok(Math.abs(a.loss - b.loss) < 1e-4 && a.accuracy === b.accuracy, `same function: ${a.loss} vs ${b.loss}`);
    const stats = at.collectStats(p.model, "h1", train, { seed: 0 });
    for (const method of ["gaussian", "resample", "mean"] as const) {
      const imp = at.importance(p.model, "h1", held, { stats, method, metric: "loss", seed: 0 });
      assert.ok(Math.abs(imp.scores[5]) < 1e-5 && Math.abs(imp.scores[6]) < 1e-5, `${method}: constant ${imp.scores[5]}, silent ${imp.scores[6]}`);
    }
    const zero = at.importance(p.model, "h1", held, { stats, method: "zero", metric: "loss", seed: 0 });
    assert.ok(Math.abs(zero.scores[5]) > 1e-3, `zero ablation moves the constant unit off its only value: ${zero.scores[5]}`);
  } finally {
    p.model.dispose();
    trained.dispose();
  }
  assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
});
