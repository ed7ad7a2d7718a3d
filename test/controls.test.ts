/**
 * The control arms of the antitrain step (`randomize`, `target`): the defaults are antitraining draw for draw, the
 * spectator arm noises the other side of the split, the true-label arm trains towards the real labels, every arm
 * touches only downstream variables and leaks nothing, and the run checkpoint refuses what its config cannot rebuild.
 */
import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { expandUnitMask, siteFeatures } from "../lib/models/types";
import type * as runs from "../lib/runs/index";
import { type RunParts, captureRun } from "../lib/runs/run-state";
import { parseRunConfig } from "../lib/runs/config";
import { assertAntitrainError, invariant, smallTask, snapshot, wrapModel } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

/**
 * A frozen copy of antitrainStep as it was before the control arms (randomize the core, uniform or random-label
 * target, downstream variables only), written against public building blocks.
 */
function frozenStep(
  model: at.HookedModel,
  site: string,
  batch: at.Dataset,
  core: number[],
  stats: at.UnitStats,
  optimizer: tf.Optimizer,
  target: "uniform" | "random-labels",
  method: at.RandomizeMethod,
  seed: number,
): void {
  const info = model.sites().find((s) => s.name === site) as at.SiteInfo;
  const rng = new at.Rng(seed);
  const cut = model.split(site, batch.x);
  const act = cut.act;
  const draws = at.drawReplacements(stats, method, act.size / siteFeatures(info), rng);
  const mask = expandUnitMask(core, info.units, info.width ?? 1);
  const n = batch.x.shape[0];
  const labels = target === "random-labels" ? Int32Array.from({ length: n }, () => rng.int(model.classes)) : null;
  const loss = optimizer.minimize(
    () =>
      tf.tidy(() => {
        const logits = cut.resume(tf.add(act, tf.mul(tf.tensor1d(mask), tf.sub(tf.tensor(draws, act.shape), act))));
        if (labels !== null) return tf.mean(at.crossEntropy(logits, tf.tensor1d(labels, "int32"))) as tf.Scalar;
        return tf.neg(tf.mean(tf.logSoftmax(logits))) as tf.Scalar;
      }),
    true,
    model.downstreamVariables(site),
  );
  loss?.dispose();
  cut.dispose();
}

/** Asserts `fn` throws an AntitrainError matching `re`, leaks no tensor and leaves `model` unchanged. */
function refused(model: at.HookedModel, what: string, fn: () => unknown, re: RegExp): void {
  assertAntitrainError(() => {
    const r = invariant(model, what, fn);
    if (r instanceof Error) throw r;
    return r;
  }, re);
}

describe("antitrainStep's control arms", () => {
  test("the enums list every value once", () => {
    assert.deepEqual([...at.ANTITRAIN_TARGETS], ["uniform", "random-labels", "true-labels"]);
    assert.deepEqual([...at.RANDOMIZED_UNITS], ["core", "spectators"]);
  });

  test("a default step equals the step with the defaults spelled out and the frozen pre-control step, bit for bit", () => {
    const { model, train } = smallTask(11, [10, 8]);
    const stats = at.collectStats(model, "h1", train);
    const batch = at.head(train, 32);
    const core = [1, 4, 6];
    for (const target of ["uniform", "random-labels"] as const) {
      for (const method of ["resample", "gaussian"] as const) {
        const [a, b, c] = [model.clone(), model.clone(), model.clone()];
        const [oa, ob, oc] = [tf.train.adam(1e-2), tf.train.adam(1e-2), tf.train.adam(1e-2)];
        for (let s = 0; s < 3; s++) {
          const defaults = target === "uniform" ? { seed: s } : { seed: s, target };
          at.antitrainStep(a, "h1", batch, { split: { core, method }, stats, optimizer: oa, ...defaults });
          at.antitrainStep(b, "h1", batch, { split: { core, method }, stats, optimizer: ob, seed: s, target, randomize: "core", method });
          frozenStep(c, "h1", batch, core, stats, oc, target, method, s);
        }
        const [wa, wb, wc] = [snapshot(a), snapshot(b), snapshot(c)];
        assert.deepEqual(wa, wb, `${target}/${method}: explicit defaults`);
        assert.deepEqual(wa, wc, `${target}/${method}: frozen pre-control step`);
        assert.notDeepEqual(wa, snapshot(model), `${target}/${method}: the step moved the model`);
        for (const x of [a, b, c, oa, ob, oc]) x.dispose();
      }
    }
    at.disposeDataset(batch);
    at.disposeDataset(train);
    model.dispose();
  });

  test("randomize 'spectators' gives the core its clean values and replaces every other unit; 'core' the reverse", () => {
    const { model, train } = smallTask(12, [10]);
    const stats = at.collectStats(model, "h1", train);
    const batch = at.head(train, 16);
    const core = [0, 3, 7];
    let clean = new Float32Array(0);
    const fed: Float32Array[] = [];
    const watched = wrapModel(model, {
      split: (site, x) => {
        const cut = model.split(site, x);
        clean = cut.act.dataSync().slice() as Float32Array;
        const resume = (act: tf.Tensor, hooks?: at.Hooks) => {
          fed.push(act.dataSync().slice() as Float32Array);
          return cut.resume(act, hooks);
        };
        return { act: cut.act, resume, dispose: () => cut.dispose() };
      },
    });
    const units = 10;
    for (const randomize of at.RANDOMIZED_UNITS) {
      for (const method of ["mean", "resample"] as const) {
        fed.length = 0;
        const opt = tf.train.sgd(0); // a zero learning rate: the step runs but the model stays put
        at.antitrainStep(watched, "h1", batch, { split: { core, method }, stats, optimizer: opt, seed: 5, randomize, target: "true-labels" });
        opt.dispose();
        assert.equal(fed.length, 1, "one forward pass from the site");
        const act = fed[0];
        let replacedDiffer = 0;
        for (let i = 0; i < act.length; i++) {
          const u = i % units;
          const randomized = core.includes(u) === (randomize === "core");
          if (!randomized) {
            assert.equal(act[i], clean[i], `${randomize}/${method}: unit ${u} keeps its clean value`);
          } else if (method === "mean") {
            assert.ok(Math.abs(act[i] - stats.mean[u]) < 1e-5, `${randomize}: unit ${u} is replaced by its mean`);
          }
          if (randomized && act[i] !== clean[i]) replacedDiffer++;
        }
        const randomizedCount = randomize === "core" ? core.length : units - core.length;
        assert.ok(replacedDiffer > 0.5 * randomizedCount * 16, `${randomize}/${method}: most randomized values changed (${replacedDiffer})`);
      }
    }
    at.disposeDataset(batch);
    at.disposeDataset(train);
    model.dispose();
  });

  test("the true-label target lowers the batch's true-label loss, the uniform target raises it, in both randomize arms", () => {
    const { model, train } = smallTask(13, [12]);
    const stats = at.collectStats(model, "h1", train);
    const batch = at.head(train, 64);
    const split = { core: [0, 1, 2, 3, 4, 5], method: "resample" as const };
    const start = at.evaluate(model, batch).loss;
    for (const randomize of at.RANDOMIZED_UNITS) {
      const moved: Record<string, number> = {};
      for (const target of ["true-labels", "uniform"] as const) {
        const m = model.clone();
        const opt = tf.train.adam(1e-2);
        for (let s = 0; s < 5; s++) at.antitrainStep(m, "h1", batch, { split, stats, optimizer: opt, seed: s, randomize, target });
        moved[target] = at.evaluate(m, batch).loss - start;
        opt.dispose();
        m.dispose();
      }
      assert.ok(moved["true-labels"] < 0, `${randomize}: true labels lower the loss (${moved["true-labels"]})`);
      assert.ok(moved.uniform > 0, `${randomize}: the uniform target raises it (${moved.uniform})`);
    }
    at.disposeDataset(batch);
    at.disposeDataset(train);
    model.dispose();
  });

  test("every arm updates every downstream variable, no upstream one, and keeps no tensor", () => {
    const { model, train } = smallTask(14, [10, 8]);
    const stats = at.collectStats(model, "h2", train);
    const batch = at.head(train, 32);
    const split = { core: [0, 1, 2], method: "resample" as const };
    for (const randomize of at.RANDOMIZED_UNITS) {
      for (const target of at.ANTITRAIN_TARGETS) {
        const m = model.clone();
        const before = snapshot(m);
        const tensors = tf.memory().numTensors;
        const opt = tf.train.adam(1e-2);
        const loss = at.antitrainStep(m, "h2", batch, { split, stats, optimizer: opt, seed: 3, randomize, target });
        // Cross-entropy against the uniform distribution is at least ln C (equal only for uniform predictions).
        if (target === "uniform") assert.ok(loss >= Math.log(m.classes) - 1e-6, `${randomize}: uniform-target loss ${loss} ≥ ln ${m.classes}`);
        else assert.ok(Number.isFinite(loss) && loss > 0);
        opt.dispose();
        assert.equal(tf.memory().numTensors, tensors, `${randomize}/${target}: no tensor left`);
        const after = snapshot(m);
        after.slice(0, 4).forEach((v, i) => assert.deepEqual(v, before[i], `${randomize}/${target}: upstream variable ${i} untouched`));
        after.slice(4).forEach((v, i) => assert.notDeepEqual(v, before[i + 4], `${randomize}/${target}: downstream variable ${i} moved`));
        m.dispose();
      }
    }
    at.disposeDataset(batch);
    at.disposeDataset(train);
    model.dispose();
  });

  test("misspelled arms, unknown options and bad cores are refused naming the valid values; a step that fails midway frees its tensors", () => {
    const { model, train } = smallTask(15, [10]);
    const stats = at.collectStats(model, "h1", train);
    const batch = at.head(train, 16);
    const nan = at.dataset(new Float32Array(12).fill(Number.NaN), [0, 1], { features: 6, classes: 3 });
    const split = { core: [0, 1], method: "resample" as const };
    const opt = tf.train.sgd(0.1);
    type Arms = Omit<at.AntitrainStepOptions, "split" | "stats" | "optimizer">;
    const step = (options: Arms, s: { core: number[]; method: at.RandomizeMethod } = split, data = batch) => () =>
      at.antitrainStep(model, "h1", data, { split: s, stats, optimizer: opt, ...options });
    const cases: Array<[string, () => unknown, RegExp]> = [
      ["randomize", step({ seed: 0, randomize: "spectator" as at.RandomizedUnits }), /randomize must be one of "core", "spectators", got "spectator"/],
      ["target", step({ seed: 0, target: "true-label" as at.AntitrainTarget }), /target must be one of "uniform", "random-labels", "true-labels", got "true-label"/],
      ["method", step({ seed: 0, method: "gausian" as at.RandomizeMethod }), /method must be one of "gaussian", "resample", "mean", "zero", got "gausian"/],
      ["split method", step({ seed: 0 }, { core: [0], method: "noise" as at.RandomizeMethod }), /method must be one of .*got "noise"/],
      ["unknown key", step({ seed: 0, randmize: "core" } as Arms), /unknown option "randmize" of antitrainStep: the options are split, stats, optimizer, target, randomize, method, seed/],
      ["no seed", step({} as Arms), /finite seed/],
      ["no optimizer", () => at.antitrainStep(model, "h1", batch, { split, stats, seed: 0 } as unknown as at.AntitrainStepOptions), /antitrainStep needs options\.optimizer: pass antitraining's own optimizer, e\.g\. tf\.train\.adam\(1e-3\)/],
      ["removed positional form", () => (at.antitrainStep as unknown as (...a: unknown[]) => number)(model, "h1", batch, split, stats, opt, { seed: 0 }), /antitrainStep takes one options object after the batch: antitrainStep\(model, site, batch, \{ split, stats, optimizer, seed \}\)/],
      ["core out of range", step({ seed: 0, randomize: "spectators" }, { core: [0, 10], method: "mean" }), /core unit 10 is not in site "h1" \(0\.\.9\)/],
      ["NaN data midway", step({ seed: 0, randomize: "spectators", target: "true-labels" }, split, nan), /data\.x holds NaN at row 0, column 0: every value must be finite/],
      ["Antitrainer randomize", () => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), randomize: "noncore" as at.RandomizedUnits }), /randomize must be one of "core", "spectators", got "noncore"/],
      ["Antitrainer target", () => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), target: "labels" as at.AntitrainTarget }), /target must be one of "uniform", "random-labels", "true-labels", got "labels"/],
      ["Antitrainer unknown key", () => new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), targt: "uniform" } as at.AntitrainerOptions), /unknown option "targt" of Antitrainer: the options are schedule, data, .*randomize/],
    ];
    for (const [what, fn, re] of cases) refused(model, what, fn, re);
    opt.dispose();
    for (const d of [batch, nan, train]) at.disposeDataset(d);
    model.dispose();
  });
});

describe("the Antitrainer's control arms", () => {
  test("the Antitrainer hands randomize and target to every step (replayed by hand), and its defaults are antitraining", () => {
    const { model, train } = smallTask(16, [10]);
    const batch = at.head(train, 32);
    const arms: Array<Pick<at.AntitrainerOptions, "randomize" | "target">> = [{}, { randomize: "core", target: "uniform" }, { randomize: "spectators", target: "true-labels" }];
    const weights = arms.map((arm) => {
      const a = model.clone();
      const anti = new at.Antitrainer(a, ["h1"], { schedule: at.interleaved(1, { cycle: 1000 }), fraction: 0.5, data: train, seed: 7, ...arm });
      assert.deepEqual(anti.controls, { randomize: arm.randomize ?? "core", target: arm.target ?? "uniform" });
      anti.afterStep(batch); // measures at step 1, then one antitrain step
      // the same step by hand, on a copy of the model as it was measured
      const b = model.clone();
      const opt = tf.train.adam(1e-3);
      const seed = at.rngFor(7, 1, 0, 0, 7).nextUint32();
      const split = anti.splits.get("h1") as at.CoreSplit;
      at.antitrainStep(b, "h1", batch, { split, stats: anti.stats.get("h1") as at.UnitStats, optimizer: opt, ...arm, method: "resample", seed });
      assert.deepEqual(snapshot(a), snapshot(b), `${JSON.stringify(arm)}: the antitrainer's step is antitrainStep with these options`);
      const w = snapshot(a);
      for (const x of [a, b, opt, anti]) x.dispose();
      return w;
    });
    assert.deepEqual(weights[0], weights[1], "defaults are core/uniform");
    assert.notDeepEqual(weights[0], weights[2], "the control arm trains differently");
    at.disposeDataset(batch);
    at.disposeDataset(train);
    model.dispose();
  });

  test("run configs take the true-label target; a checkpoint refuses an antitrainer its config would not rebuild", async () => {
    assert.equal(parseRunConfig({ steps: 1, target: "true-labels" }).target, "true-labels");
    assert.throws(() => parseRunConfig({ steps: 1, target: "true-label" }), /config key "target": got "true-label", allowed: one of "uniform", "random-labels", "true-labels"/);
    assert.throws(() => parseRunConfig({ steps: 1, randomize: "spectators" }), /config key "randomize" is unknown/);
    const { model, train } = smallTask(17, [6]);
    const config = parseRunConfig({ steps: 1, target: "true-labels", model: { hidden: [6] } });
    const parts = (controls: Pick<at.AntitrainerOptions, "randomize" | "target">): RunParts => ({
      config,
      model,
      optimizer: tf.train.adam(1e-3),
      stream: new at.BatchStream(train, 16, 0),
      antitrainer: new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), data: train, ...controls }),
      history: { losses: [], measures: [], evals: [], blowups: [] },
    });
    const good = parts({ target: "true-labels" });
    const checkpoint = await captureRun(0, good);
    assert.equal((checkpoint.state as unknown as { config: runs.RunConfig }).config.target, "true-labels");
    for (const [controls, re] of [
      [{ randomize: "spectators", target: "true-labels" }, /randomize "spectators".*runs have no randomize key/],
      [{ target: "uniform" }, /target "uniform" but the run config says .*target "true-labels"/],
    ] as const) {
      const bad = parts(controls);
      await assert.rejects(captureRun(0, bad), (e: Error) => e instanceof at.AntitrainError && re.test(e.message));
      bad.optimizer.dispose();
      bad.antitrainer.dispose();
    }
    good.optimizer.dispose();
    good.antitrainer.dispose();
    at.disposeDataset(train);
    model.dispose();
  });
});
