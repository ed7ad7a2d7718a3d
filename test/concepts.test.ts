import { strict as assert } from "node:assert";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

before(async () => {
  await at.ready({ quiet: true });
});

const parity = () => at.concept("parity", [0, 1, 0, 1]);

/** One-hot inputs of 4 classes, class = i mod 4 (balanced), plus optional gaussian noise. */
function fourClasses(n: number, noise = 0, seed = 0): at.Dataset {
  const rng = new at.Rng(seed);
  const x = new Float32Array(n * 4);
  const y = Int32Array.from({ length: n }, (_, i) => i % 4);
  y.forEach((c, i) => {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === c ? 1 : 0) + noise * rng.normal();
  });
  return at.dataset(x, y, { features: 4, classes: 4 });
}

/** h1 unit 0 = parity of the class, unit 1 = which pair ({0,1} or {2,3}); the output decodes both exactly. */
function factoredModel(): at.Mlp {
  const w1 = new Float32Array(8);
  for (let c = 0; c < 4; c++) {
    w1[c * 2] = c % 2;
    w1[c * 2 + 1] = c >> 1;
  }
  const a = 4;
  const w2 = new Float32Array(8);
  const b2 = new Float32Array(4);
  for (let c = 0; c < 4; c++) {
    const s = 2 * (c % 2) - 1;
    const t = 2 * (c >> 1) - 1;
    w2[c] = 2 * a * s;
    w2[4 + c] = 2 * a * t;
    b2[c] = -a * s - a * t;
  }
  return new at.Mlp([
    { w: w1, b: new Float32Array(2), fanIn: 4, fanOut: 2 },
    { w: w2, b: b2, fanIn: 2, fanOut: 4 },
  ]);
}

test("concept validates its labelling and conceptData relabels", () => {
  assert.throws(() => at.concept("x", [0, 2, 0]), at.AntitrainError);
  assert.throws(() => at.concept("x", [0, 0, 0]), at.AntitrainError);
  assert.throws(() => at.concept("x", [0, -1]), at.AntitrainError);
  const c = parity();
  assert.equal(c.values, 2);
  const data = fourClasses(8);
  const cd = at.conceptData(data, c);
  assert.deepEqual(Array.from(cd.y.dataSync()), [0, 1, 0, 1, 0, 1, 0, 1]);
  assert.equal(cd.classes, 2);
  at.disposeDataset(cd);
  assert.throws(() => at.conceptData(data, at.concept("three", [0, 1, 0])), at.AntitrainError);
  at.disposeDataset(data);
});

test("conceptFlow on a hand-built model: the parity unit carries the concept, the pair unit does not", () => {
  const model = factoredModel();
  const data = fourClasses(400);
  const before = tf.memory().numTensors;
  for (const readout of ["output", "h1"]) {
    const probe = at.fitProbe(model, data, parity(), { readout });
    const flow = at.conceptFlow(model, "h1", data, probe, [0], { seed: 1 });
    assert.equal(flow.clean, 1, `${readout}: clean probe is exact`);
    assert.ok(Math.abs(flow.chance - 0.5) < 1e-9);
    assert.ok(Math.abs(flow.chosen - 0.5) < 0.1, `${readout}: parity unit randomized → chance, got ${flow.chosen}`);
    assert.equal(flow.others, 1, `${readout}: pair unit randomized leaves parity intact`);
    assert.ok(Math.abs(flow.all - 0.5) < 0.1);
    // The pair unit as the chosen one: the reverse picture.
    const rev = at.conceptFlow(model, "h1", data, probe, [1], { seed: 1 });
    assert.equal(rev.chosen, 1);
    assert.ok(Math.abs(rev.others - 0.5) < 0.1);
  }
  assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  assert.throws(() => at.conceptFlow(model, "h1", data, at.fitProbe(model, data, parity()), [5]), at.AntitrainError);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  at.disposeDataset(data);
});

test("conceptAntitrainStep changes only downstream variables and its loss is ln K when the concept is absent", () => {
  const model = at.mlp({ inputs: 4, hidden: [6, 5], classes: 4, seed: 2 });
  const data = fourClasses(64, 0.1);
  const stats = at.collectStats(model, "h2", data);
  const opt = tf.train.adam(1e-2);
  const w = model.weights();
  at.conceptAntitrainStep(model, "h2", data, { units: [0, 1], stats, concept: parity(), optimizer: tf.train.sgd(0), seed: 3 });
  assert.deepEqual(model.weights(), w, "a zero learning rate changes nothing");
  at.conceptAntitrainStep(model, "h2", data, { units: [0, 1], stats, concept: parity(), optimizer: opt, seed: 3 }); // creates Adam's slots
  const before = tf.memory().numTensors;
  const loss = at.conceptAntitrainStep(model, "h2", data, { units: [0, 1], stats, concept: parity(), optimizer: opt, seed: 4 });
  assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  assert.ok(Number.isFinite(loss) && loss >= Math.log(2) - 1e-6, `cross-entropy against uniform ≥ ln 2: ${loss}`);
  const after = model.weights();
  assert.deepEqual(after[0].w, w[0].w, "layer 1 unchanged");
  assert.deepEqual(after[1].w, w[1].w, "layer 2 (into h2) unchanged");
  assert.notDeepEqual(after[2].w, w[2].w, "output layer trained");
  // A model whose output ignores h1 entirely: the loss is exactly ln 2.
  const zero = new at.Mlp([
    { w: new Float32Array(8), b: new Float32Array(2), fanIn: 4, fanOut: 2 },
    { w: new Float32Array(8), b: new Float32Array(4), fanIn: 2, fanOut: 4 },
  ]);
  const zs = at.collectStats(zero, "h1", data);
  const l0 = at.conceptAntitrainStep(zero, "h1", data, { units: [0], stats: zs, concept: parity(), optimizer: tf.train.sgd(0.1), seed: 0 });
  assert.ok(Math.abs(l0 - Math.log(2)) < 1e-6, `${l0}`);
  assert.throws(() => at.conceptAntitrainStep(model, "h9", data, { units: [0], stats, concept: parity(), optimizer: opt, seed: 0 }), /sites "h1", "h2"/);
  assert.throws(() => at.conceptAntitrainStep(model, "h2", data, { units: [], stats, concept: parity(), optimizer: opt, seed: 0 }), at.AntitrainError);
  const step = at.conceptAntitrainStep as unknown as (...args: unknown[]) => number;
  const refusedSteps: Array<[unknown[], RegExp]> = [
    [[model, "h2", data, [0, 1], stats, parity(), opt, { seed: 0 }], /conceptAntitrainStep needs options \{ concept, units, stats, optimizer, seed \}/],
    [[model, "h2", data, { units: [0, 1], stats, optimizer: opt, seed: 0 }], /needs options\.concept: pass a concept from at\.concept/],
    [[model, "h2", data, { concept: parity(), stats, optimizer: opt, seed: 0 }], /needs options\.units: the chosen units of "h2"/],
    [[model, "h2", data, { concept: parity(), units: [0], stats, seed: 0 }], /needs options\.optimizer: a tf\.Optimizer of its own/],
  ];
  const held = tf.memory().numTensors;
  const weights = model.weights();
  for (const [args, re] of refusedSteps) assert.throws(() => step(...args), (e: unknown) => e instanceof at.AntitrainError && re.test(e.message));
  assert.equal(tf.memory().numTensors, held, "refused steps leak nothing");
  assert.deepEqual(model.weights(), weights, "refused steps leave the model unchanged");
  opt.dispose();
  model.dispose();
  zero.dispose();
  at.disposeDataset(data);
});

test("concept antitraining moves the probe: after it, randomizing the chosen units takes parity to chance", () => {
  const data = fourClasses(512, 0.3, 1);
  const test_ = fourClasses(400, 0.3, 2);
  const chosen = [0, 1];
  const run = (anti: boolean) => {
    const model = at.mlp({ inputs: 4, hidden: [8], classes: 4, seed: 5 });
    const train = tf.train.adam(1e-2);
    const antiOpt = tf.train.adam(2e-2);
    at.train(model, data, { steps: 200, optimizer: train, seed: 0 });
    let stats = at.collectStats(model, "h1", data);
    at.train(model, data, {
      steps: 600,
      optimizer: train,
      seed: 1,
      onStep: (step, batch) => {
        if (!anti) return;
        if (step % 50 === 0) stats = at.collectStats(model, "h1", data, { seed: step });
        at.conceptAntitrainStep(model, "h1", batch, { units: chosen, stats, concept: parity(), optimizer: antiOpt, seed: step });
      },
    });
    const probe = at.fitProbe(model, data, parity());
    const flow = at.conceptFlow(model, "h1", test_, probe, chosen, { stats: at.collectStats(model, "h1", data), seed: 9 });
    const acc = at.evaluate(model, test_).accuracy;
    train.dispose();
    antiOpt.dispose();
    model.dispose();
    return { flow, acc };
  };
  const control = run(false);
  const anti = run(true);
  assert.ok(control.flow.chosen > 0.8, `without antitraining parity survives randomizing the chosen units: ${control.flow.chosen}`);
  assert.ok(anti.flow.chosen < 0.6, `after concept antitraining it is near chance: ${anti.flow.chosen}`);
  assert.ok(anti.flow.others > 0.85, `randomizing the others leaves parity: ${anti.flow.others}`);
  assert.ok(anti.acc > 0.9, `main task still learned: ${anti.acc}`);
  at.disposeDataset(data);
  at.disposeDataset(test_);
});
