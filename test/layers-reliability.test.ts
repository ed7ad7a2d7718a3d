/**
 * Issue 27, cases 5 and 6: channels-first batch normalization is refused with the reason and the fix; the output
 * layer named as a site says so; a softmax output is called "output probabilities"; "an LSTM"/"an Add"; a Reshape
 * or Permute site warns.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as runs from "../lib/runs/index";
import { article } from "../lib/models/layers-model";

before(async () => {
  await at.ready({ quiet: true });
});

test("a channels-first BatchNormalization is refused with the reason and the fix; channels-last wraps", () => {
  const first = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [2, 6, 6], filters: 4, kernelSize: 3, dataFormat: "channelsFirst", name: "conv" }),
      tf.layers.batchNormalization({ axis: 1, name: "bn" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, name: "out" }),
    ],
  });
  const tensors = tf.memory().numTensors;
  assert.throws(
    () => at.fromLayersModel(first),
    (e: Error) =>
      e instanceof at.AntitrainError &&
      /layer "bn" is a BatchNormalization over axis 1 of a rank-4 tensor \(channels first\), which TensorFlow\.js computes wrongly: .*tensorflow\/tfjs#1106.*Rebuild the model channels-last/.test(e.message),
  );
  assert.equal(tf.memory().numTensors, tensors);
  first.dispose();
  const last = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, name: "conv" }),
      tf.layers.batchNormalization({ name: "bn" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, name: "out" }),
    ],
  });
  assert.ok(at.fromLayersModel(last).sites().some((s) => s.name === "bn"));
  last.dispose();
});

test('collectStats(model, "out") says that is the output layer and lists the sites', () => {
  const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5, activation: "relu", name: "h" }), tf.layers.dense({ units: 3, name: "out" })] });
  const model = at.fromLayersModel(net);
  const data = at.dataset(new Float32Array(8).fill(0.5), [0, 1], { features: 4, classes: 3 });
  try {
    assert.throws(() => at.collectStats(model, "out", data), /^AntitrainError: "out" is the output layer of this sequential model \(its logits or probabilities\), not a site: measure a hidden layer, one of "h"$/);
    assert.throws(() => at.collectStats(model, "nope", data), /unknown site "nope": this sequential model has sites "h"/);
  } finally {
    at.disposeDataset(data);
    net.dispose();
  }
});

test("measureModel calls a softmax output 'output probabilities' and a linear one 'the logits'", () => {
  for (const [activation, said] of [["softmax", "output probabilities"], ["linear", "the logits"]] as const) {
    const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5, activation: "relu", name: "h" }), tf.layers.dense({ units: 3, activation, name: "out" })] });
    const data = at.dataset(Array.from({ length: 24 }, (_, i) => Math.sin(i)), [0, 1, 2, 0, 1, 2], { features: 4, classes: 3 });
    try {
      const report = runs.measureModel(net, data, { seed: 0 });
      assert.deepEqual(report.skipped.find((s) => s.name === "out")?.reason, `the model's output (${said})`);
    } finally {
      at.disposeDataset(data);
      net.dispose();
    }
  }
});

test("articles: an LSTM, an Add, an Embedding, a GRU, a Dense", () => {
  assert.deepEqual(["LSTM", "Add", "Embedding", "GRU", "Dense", "SimpleRNN", "ReLU"].map(article), ["an LSTM", "an Add", "an Embedding", "a GRU", "a Dense", "a SimpleRNN", "a ReLU"]);
});

test("a Reshape or Permute site that moves the unit axis warns; one that keeps it does not", () => {
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => warned.push(a.join(" "));
  const nets: tf.LayersModel[] = [];
  try {
    const mixing = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [6], units: 8, activation: "relu", name: "h" }),
        tf.layers.reshape({ targetShape: [2, 4], name: "r" }),
        tf.layers.permute({ dims: [2, 1], name: "p" }),
        tf.layers.flatten({ name: "flat" }),
        tf.layers.dense({ units: 3, name: "out" }),
      ],
    });
    nets.push(mixing);
    const model = at.fromLayersModel(mixing);
    assert.equal(model.warnings.length, 2, model.warnings.join("\n"));
    assert.match(model.warnings[0], /site "r" is the output of a Reshape layer that moves the unit axis: its 4 "units" mix values of different neurons or positions/);
    assert.match(model.warnings[1], /site "p" is the output of a Permute layer/);
    assert.equal(warned.length, 2);
    const keeping = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [6], units: 4, activation: "relu", name: "h" }),
        tf.layers.reshape({ targetShape: [1, 4], name: "r" }),
        tf.layers.flatten({ name: "flat" }),
        tf.layers.dense({ units: 3, name: "out" }),
      ],
    });
    nets.push(keeping);
    assert.deepEqual(at.fromLayersModel(keeping).warnings, []);
  } finally {
    console.warn = warn;
    for (const n of nets) n.dispose();
  }
});
