import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { gateScores } from "../lib/importance/gate";
import { HARD_CONCRETE, type L0GateOptions, hardConcreteGate, hardConcreteOpen, hardConcreteSample, l0Gates, trainWithGates } from "../lib/training/hard-concrete";
import { crossEntropy } from "../lib/measure/metrics";

// Notebook 10's peers checked against plain references: Michel et al.'s head importance (the gate gradient) against
// central finite differences of the loss in a head's gate, and the hard-concrete L0 gates of Voita et al. (Louizos et
// al.'s formulas, Monte Carlo, λ extremes, folding) on a tiny transformer.
before(async () => {
  await at.ready({ quiet: true });
});

/** A tiny two-block transformer trained a few steps on a + b mod 5, and its data. */
function tiny() {
  const task = at.modularAddition({ p: 5, trainFraction: 0.8, seed: 0 });
  const model = at.transformer({ vocab: task.vocab, seqLen: task.seqLen, classes: 5, dModel: 8, heads: 2, dMlp: 8, layers: 2, seed: 3 });
  at.train(model, task.train, { steps: 20, learningRate: 1e-2, batchSize: 20, seed: 0 });
  return { task, model };
}

describe("Michel et al. head importance", () => {
  test("gateScores equals the mean over examples of |∂L/∂ξ_h| by central finite differences (|Δ| ≤ 2e-3 + 2% of the value)", () => {
    const { task, model } = tiny();
    const data = at.head(task.train, 12);
    const eps = 1e-2;
    for (const site of ["blocks.0.attn", "blocks.1.attn"]) {
      const scores = gateScores(model, site, data);
      const width = model.config.dHead;
      for (let h = 0; h < 2; h++) {
        // Per example: the loss with head h's whole output scaled by 1 ± ε (every position), by hooks.
        const lossAt = (xi: number) =>
          tf.tidy(() => {
            const scale = tf.tensor1d(Array.from({ length: 2 * width }, (_, j) => (Math.floor(j / width) === h ? xi : 1)));
            return crossEntropy(model.forward(data.x, { [site]: (a) => tf.mul(a, scale) }), data.y).dataSync() as Float32Array;
          });
        const up = lossAt(1 + eps);
        const down = lossAt(1 - eps);
        const fd = Array.from(up, (u, i) => Math.abs(u - down[i]) / (2 * eps)).reduce((a, b) => a + b, 0) / up.length;
        assert.ok(Math.abs(fd - scores[h]) <= 2e-3 + 0.02 * Math.abs(fd), `${site} head ${h}: gate gradient ${scores[h]} vs finite difference ${fd}`);
      }
    }
    at.disposeDataset(data);
    model.dispose();
  });
});

describe("hard-concrete gates (Louizos et al. 2018)", () => {
  test("the formulas: test-time gate, P(open) against 20,000 Monte Carlo samples (±0.015), samples in [0, 1]", () => {
    const { beta, gamma, zeta } = HARD_CONCRETE;
    assert.deepEqual([beta, gamma, zeta], [2 / 3, -0.1, 1.1]);
    assert.equal(hardConcreteGate(3), 1);
    assert.equal(hardConcreteGate(-3), 0);
    assert.ok(Math.abs(hardConcreteGate(0) - 0.5) < 1e-12, "sigmoid(0)·1.2 − 0.1");
    assert.ok(Math.abs(hardConcreteSample(0, 0.5) - 0.5) < 1e-12);
    const rng = new at.Rng(1);
    for (const logAlpha of [-2, 0, 1.5]) {
      let open = 0;
      for (let i = 0; i < 20_000; i++) {
        const z = hardConcreteSample(logAlpha, Math.min(1 - 1e-9, Math.max(1e-9, rng.uniform())));
        assert.ok(z >= 0 && z <= 1);
        if (z > 0) open++;
      }
      assert.ok(Math.abs(open / 20_000 - hardConcreteOpen(logAlpha)) < 0.015, `log α ${logAlpha}: ${open / 20_000} vs ${hardConcreteOpen(logAlpha)}`);
    }
  });

  test("the penalty is λ·Σ P(open); the sampled hooks gate whole heads; the test hooks equal the folded model", () => {
    const { task, model } = tiny();
    const sites = ["blocks.0.attn", "blocks.1.attn"];
    const gates = l0Gates(model, sites, { lambda: 0.5, initLogAlpha: 0.3 });
    const penalty = gates.penalty();
    assert.ok(Math.abs(penalty.dataSync()[0] - 0.5 * 4 * hardConcreteOpen(0.3)) < 1e-5);
    penalty.dispose();
    gates.variables[0].assign(tf.tensor1d([5, -5]));
    assert.deepEqual(Array.from(gates.gates("blocks.0.attn")), [1, 0]);
    // Sampled: head 1 of block 0 is closed on every draw (log α −5 lies far below the clip), head 0 open.
    const x = at.head(task.train, 6);
    const act = tf.ones([6, 3, 8]);
    const gated = gates.sampledHooks(7)["blocks.0.attn"](act).arraySync() as number[][][];
    assert.ok(gated.every((row) => row.every((v) => v.slice(0, 4).every((e) => e === 1) && v.slice(4).every((e) => e === 0))));
    act.dispose();
    const withHooks = model.forward(x.x, gates.testHooks());
    const folded = model.clone();
    const byName = new Map(folded.namedVariables().map((v) => [v.name, v.variable]));
    gates.foldInto(folded, (site) => byName.get(`${site}/W_O`) as tf.Variable);
    const plain = folded.forward(x.x);
    assert.ok(tf.max(tf.abs(tf.sub(withHooks, plain))).dataSync()[0] < 1e-5, "folding the test-time gates computes the gated model");
    tf.dispose([withHooks, plain]);
    at.disposeDataset(x);
    assert.throws(() => gates.gates("blocks.0.mlp"), /no L0 gate at site "blocks.0.mlp"/);
    gates.dispose();
    assert.throws(() => gates.penalty(), /disposed/);
    folded.dispose();
    model.dispose();
  });

  test("λ huge closes every gate, λ = 0 keeps every gate open; training frees its tensors", () => {
    for (const [lambda, open] of [
      [100, 0],
      [0, 4],
    ] as const) {
      const { task, model } = tiny();
      const gates = l0Gates(model, ["blocks.0.attn", "blocks.1.attn"], { lambda, seed: 1 });
      const optimizer = at.adamw(1e-3);
      const stream = new at.BatchStream(task.train, 20, 0);
      trainWithGates(model, task.train, gates, { steps: 1, optimizer, gateLearningRate: 0.1, stream }); // the optimizer's moments exist now
      const tensors = tf.memory().numTensors;
      const losses = trainWithGates(model, task.train, gates, { steps: 149, optimizer, gateLearningRate: 0.1, stream });
      assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
      assert.equal(losses.length, 149);
      const z = [...gates.gates("blocks.0.attn"), ...gates.gates("blocks.1.attn")];
      assert.equal(z.filter((v) => v > 0).length, open, `λ ${lambda}: gates ${z.join(", ")}`);
      gates.dispose();
      optimizer.dispose();
      model.dispose();
    }
  });

  test("bad options are refused, naming the fix", () => {
    const { task, model } = tiny();
    assert.throws(() => l0Gates(model, ["blocks.0.attn"], { lambda: -1 }), /lambda/);
    assert.throws(() => l0Gates(model, ["blocks.9.attn"], { lambda: 1 }), /blocks.9.attn/);
    assert.throws(() => l0Gates(model, ["blocks.0.attn"], { lambda: 1, temperature: 2 } as L0GateOptions), /unknown option "temperature"/);
    const gates = l0Gates(model, ["blocks.0.attn"], { lambda: 1 });
    const optimizer = at.adamw(1e-3);
    const stream = new at.BatchStream(task.train, 20, 0);
    assert.throws(() => trainWithGates(model, task.train, gates, { steps: 1, optimizer, gateLearningRate: 0, stream }), /gateLearningRate/);
    assert.throws(() => trainWithGates(model, task.train, gates, { steps: 0, optimizer, gateLearningRate: 0.1, stream }), /steps/);
    gates.dispose();
    optimizer.dispose();
    model.dispose();
  });
});

