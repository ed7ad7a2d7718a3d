/**
 * Iterative structured magnitude pruning, the baseline antitraining is compared with: widths follow `keep`, each
 * round removes the smallest-magnitude units of the model it starts from, every optimizer step is counted, the input
 * model is left unchanged, nothing leaks, and bad schedules are refused with the fix named.
 */
import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { magnitudeScores } from "../lib/importance/magnitude";
import * as st from "../lib/studies/index";
import { assertAntitrainError, invariant, smallTask, snapshot, wrapModel } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/** An MLP whose copies after `rounds` prunings refuse to be measured: a failure in a later round. */
class Flaky extends at.Mlp {
  private rounds = 0;
  static of(model: at.Mlp, rounds: number): Flaky {
    const f = new Flaky(model.weights(), model.activation);
    f.rounds = rounds;
    return f;
  }
  override removeUnits(site: string, keep: readonly number[], fill: Float32Array): at.Mlp {
    const pruned = super.removeUnits(site, keep, fill);
    const f = Flaky.of(pruned, this.rounds - 1);
    pruned.dispose();
    return f;
  }
  override split(site: string, x: tf.Tensor): ReturnType<at.Mlp["split"]> {
    if (this.rounds <= 0) throw new at.AntitrainError("flaky: measured in round 2");
    return super.split(site, x);
  }
}

/** Frees every model of a result. */
function disposeRounds(result: st.PruningResult): void {
  for (const r of result.rounds) r.model.dispose();
}

test("on hand-built weights each round keeps exactly the largest-magnitude units, weights untouched without fine-tuning", () => {
  // 2 inputs → 5 units → 2 classes. Unit u's incoming column is (a_u, 0) and its outgoing row (0, 0), so its magnitude
  // score is |a_u|: 3, 1, 5, 2, 4 — the order of removal is unit 1, then 3, then 0, then 4.
  const a = [3, 1, 5, 2, 4];
  const w1 = new Float32Array(10);
  a.forEach((v, u) => {
    w1[u] = v; // row 0 (input 0), column u
  });
  const model = new at.Mlp([
    { fanIn: 2, fanOut: 5, w: w1, b: new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5]) },
    { fanIn: 5, fanOut: 2, w: new Float32Array(10), b: new Float32Array([0, 0]) },
  ]);
  assert.deepEqual(Array.from(magnitudeScores(model, "h1")), a);
  const data = at.dataset([1, 0, -1, 0, 0.5, 1, -0.5, 1], [0, 1, 0, 1], { features: 2, classes: 2 });
  const before = snapshot(model);
  const tensors = tf.memory().numTensors;
  const result = st.iterativeMagnitudePruning(model, "h1", data, { keep: [4, 2, 1], stepsPerRound: 0, seed: 0 });
  assert.deepEqual(snapshot(model), before, "the input model is unchanged");
  assert.equal(tf.memory().numTensors - tensors, 3 * 4, "only the three returned models' variables are new");
  assert.deepEqual(
    result.rounds.map((r) => r.kept),
    [[0, 2, 3, 4], [2, 4], [2]],
  );
  assert.deepEqual(
    result.rounds.map((r) => [r.units, r.model.sites()[0].units, r.steps]),
    [
      [4, 4, 0],
      [2, 2, 0],
      [1, 1, 0],
    ],
  );
  assert.equal(result.totalSteps, 0);
  for (const r of result.rounds) {
    const [first] = r.model.weights();
    assert.deepEqual(Array.from(first.w.subarray(0, r.units)), r.kept.map((u) => a[u]), "kept units keep their incoming weights");
    assert.deepEqual(Array.from(first.b), r.kept.map((u) => Math.fround(0.1 * (u + 1))), "and their biases");
  }
  disposeRounds(result);
  assert.equal(tf.memory().numTensors, tensors);
  at.disposeDataset(data);
  model.dispose();
});

test("with fine-tuning: widths follow keep, each round prunes the smallest-magnitude units of the previous round's model, steps are counted exactly", () => {
  const { model, train } = smallTask(21, [12]);
  const before = snapshot(model);
  const tensors = tf.memory().numTensors;
  const keep = [9, 6, 3];
  const options = { keep, stepsPerRound: 7, batchSize: 32, learningRate: 1e-2, seed: 4 };
  const result = st.iterativeMagnitudePruning(model, "h1", train, options);
  assert.deepEqual(snapshot(model), before, "the input model is unchanged");
  assert.equal(tf.memory().numTensors - tensors, 3 * 4, "only the three returned models' variables are new");
  assert.deepEqual(
    result.rounds.map((r) => [r.units, r.model.sites()[0].units, r.steps]),
    keep.map((k) => [k, k, 7]),
  );
  assert.equal(result.totalSteps, 21);
  result.rounds.forEach((r, i) => {
    const previous = i === 0 ? model : result.rounds[i - 1].model;
    const previousKept = i === 0 ? Array.from({ length: 12 }, (_, u) => u) : result.rounds[i - 1].kept;
    const top = at.ranked({ scores: magnitudeScores(previous, "h1") }).slice(0, r.units);
    const expected = top.sort((x, y) => x - y).map((u) => previousKept[u]);
    assert.deepEqual(r.kept, expected, `round ${i}: the kept units are the largest-magnitude ones of the model it started from`);
    // fine-tuning ran: the weights are not the pruned weights of the previous model
    const pruned = at.compress(previous, "h1", { core: top });
    assert.notDeepEqual(snapshot(r.model), snapshot(pruned), `round ${i}: fine-tuned`);
    pruned.dispose();
  });
  const again = st.iterativeMagnitudePruning(model, "h1", train, options);
  assert.deepEqual(
    again.rounds.map((r) => snapshot(r.model)),
    result.rounds.map((r) => snapshot(r.model)),
    "the same seed gives the same models",
  );
  disposeRounds(again);
  disposeRounds(result);
  assert.equal(tf.memory().numTensors, tensors, "no tensor left once the rounds are disposed");
  at.disposeDataset(train);
  model.dispose();
});

test("bad schedules and models are refused naming the fix; a failure midway frees the models made so far", () => {
  const { model, train } = smallTask(22, [12]);
  const flaky = Flaky.of(model, 1);
  const prune = (options: Partial<st.MagnitudePruningOptions>, m: at.HookedModel = model, site = "h1") => () =>
    st.iterativeMagnitudePruning(m, site, train, { keep: [8, 4], stepsPerRound: 2, seed: 0, ...options } as st.MagnitudePruningOptions);
  const cases: Array<[string, () => unknown, RegExp]> = [
    ["increasing", prune({ keep: [4, 8] }), /keep must decrease from round to round: keep\[1\] = 8 is not below keep\[0\] = 4/],
    ["repeated", prune({ keep: [8, 8] }), /keep must decrease/],
    ["wider than the site", prune({ keep: [13, 4] }), /keep\[0\] = 13 exceeds the 12 units of site "h1"/],
    ["zero units", prune({ keep: [8, 0] }), /keep\[1\] must be a whole number of units >= 1, got 0/],
    ["non-integer", prune({ keep: [8, 4.5] }), /keep\[1\] must be a whole number of units >= 1, got 4\.5/],
    ["empty", prune({ keep: [] }), /keep must be a non-empty list of decreasing widths/],
    ["negative steps", prune({ stepsPerRound: -1 }), /stepsPerRound must be a whole number >= 0, got -1/],
    ["fractional steps", prune({ stepsPerRound: 1.5 }), /stepsPerRound must be a whole number >= 0/],
    ["learning rate", prune({ learningRate: 0 }), /learningRate must be a positive number, got 0/],
    ["batch size", prune({ batchSize: 0 }), /batchSize must be a positive integer, got 0/],
    ["no seed", prune({ seed: undefined }), /seed must be a finite number/],
    ["unknown key", prune({ steps: 3 } as Partial<st.MagnitudePruningOptions>), /unknown option "steps" of iterativeMagnitudePruning: the options are keep, stepsPerRound, learningRate, batchSize, seed/],
    ["not an MLP", prune({}, wrapModel(model)), /needs an MLP/],
    ["unknown site", prune({}, model, "h2"), /unknown site "h2"/],
    ["diverges", prune({ stepsPerRound: 20, learningRate: 1e30 }), /training stopped at step \d+: .*(NaN|Infinity).*the weights are .*Likely cause/],
    ["breaks in round 2", prune({}, flaky), /flaky: measured in round 2/],
  ];
  for (const [what, fn, re] of cases) {
    assertAntitrainError(() => {
      const r = invariant(model, what, fn);
      if (r instanceof Error) throw r;
      return r;
    }, re);
  }
  flaky.dispose();
  at.disposeDataset(train);
  model.dispose();
});
