import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { wrapModel } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});


const failed = (report: at.ModelCheck) => report.items.filter((i) => !i.ok).map((i) => `${i.check}${i.site ? ` @${i.site}` : ""}`);

describe("checkModel", () => {
  test("the library's models pass every check: MLP, Sequential, transformer (heads, neurons, residual dims)", () => {
    const x = tf.randomNormal([5, 6], 0, 1, "float32", 1);
    const seq = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [6], units: 7, activation: "relu", name: "hidden" }), tf.layers.dense({ units: 3, name: "out" })],
    });
    const models: [at.HookedModel, tf.Tensor][] = [
      [at.mlp({ inputs: 6, hidden: [8, 5], classes: 3, seed: 0 }), x],
      [at.fromLayersModel(seq), x],
      [at.transformer({ vocab: 8, seqLen: 3, classes: 7, dModel: 8, heads: 2, dMlp: 16, layers: 2, seed: 1 }), tf.tensor2d([[0, 1, 7], [3, 4, 7], [6, 2, 7]])],
    ];
    for (const [model, input] of models) {
      const report = at.checkModel(model, input);
      assert.deepEqual(failed(report), [], `${model.kind}: ${JSON.stringify(report.items.filter((i) => !i.ok))}`);
      assert.ok(report.items.length >= 3 + 6 * model.sites().length, "every site is checked");
    }
    for (const [model, input] of models) {
      if (input !== x) input.dispose();
      model.dispose();
    }
    x.dispose();
  });

  test("each kind of breakage is caught, named, and does not hide the other sites' results", () => {
    const model = at.mlp({ inputs: 6, hidden: [8, 5], classes: 3, seed: 0 });
    const x = tf.randomNormal([4, 6], 0, 1, "float32", 2);
    // resume ignores the activation it is given: interventions through the engine would do nothing.
    const ignoresAct = wrapModel(model, {
      split: (site, input) => {
        const inner = model.split(site, input);
        return { act: inner.act, resume: (a) => tf.tidy(() => inner.resume(tf.zerosLike(a).add(inner.act.slice([0], [1])))), dispose: () => inner.dispose() };
      },
    });
    assert.ok(failed(at.checkModel(ignoresAct, x)).includes("resume after an intervention @h1"));
    // downstreamVariables forgets the output layer: antitraining would never reach it.
    const forgets = wrapModel(model, { downstreamVariables: (site) => model.downstreamVariables(site).slice(0, -2) });
    const report = at.checkModel(forgets, x);
    assert.deepEqual(failed(report), ["downstream variables @h1", "downstream variables @h2"]);
    assert.match(report.items.find((i) => !i.ok)!.detail, /leaves out/);
    // a site whose declared width is wrong.
    const wrongUnits = wrapModel(model, { sites: () => model.sites().map((s) => (s.name === "h2" ? { ...s, units: 4 } : s)) });
    assert.ok(failed(at.checkModel(wrongUnits, x)).includes("identity hook @h2"));
    // a hook that is applied twice, and a split that leaks a tensor.
    const twice = wrapModel(model, {
      forward: (input, hooks = {}) => {
        const h = hooks.h1;
        return model.forward(input, h === undefined ? hooks : { ...hooks, h1: (a) => h(h(a)) });
      },
    });
    assert.ok(failed(at.checkModel(twice, x)).includes("identity hook @h1"));
    const leaky = wrapModel(model, {
      split: (site, input) => {
        const inner = model.split(site, input);
        tf.keep(tf.zeros([1]));
        return inner;
      },
    });
    assert.deepEqual(failed(at.checkModel(leaky, x)), ["no tensor left behind"]);
    // a split that throws is reported, not propagated; and throwOnFailure lists every failure in one error.
    const throws = wrapModel(model, {
      split: () => {
        throw new Error("not implemented");
      },
    });
    assert.deepEqual(failed(at.checkModel(throws, x)), ["split @h1", "split @h2"]);
    assert.throws(() => at.checkModel(throws, x, { throwOnFailure: true }), (e: Error) => e instanceof at.AntitrainError && /split at "h1": threw: not implemented/.test(e.message) && /"h2"/.test(e.message));
    model.dispose();
    x.dispose();
  });

  test("a model that assigns its variables during forward is caught", () => {
    const model = at.mlp({ inputs: 6, hidden: [8], classes: 3, seed: 0 });
    const x = tf.randomNormal([3, 6], 0, 1, "float32", 3);
    let n = 0;
    const drifting = wrapModel(model, {
      forward: (input, hooks) => {
        if (n++ === 1) tf.tidy(() => model.variables()[0].assign(tf.add(model.variables()[0], 1e-3)));
        return model.forward(input, hooks);
      },
    });
    assert.ok(failed(at.checkModel(drifting, x)).includes("model unchanged"));
    model.dispose();
    x.dispose();
  });
});
