/**
 * Issue 27, property-based fuzz test of the main verbs (importance, collectStats, findCore, evaluate): random
 * models, data shapes, values (NaN and ±Infinity among them), labels and option objects (valid, out of range, of the
 * wrong type, misspelt). Invariants: each call returns a finite result or throws an AntitrainError whose message
 * names a fix; the model's weights are unchanged; no tensor is leaked. FUZZ_RUNS sets the number of cases (default 100,
 * about 8 s here; a nightly run may set thousands; FUZZ_SEED changes the draws).
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import * as at from "../lib/index";
import { snapshot } from "./helpers";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

before(async () => {
  await at.ready({ quiet: true });
});

/** Numbers a careless caller might pass: fine ones, edge ones and wrong ones. */
const anyNumber = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.double({ min: -2, max: 2, noNaN: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, 0.5, 1, 1.5),
);
const anyValue = fc.oneof(anyNumber, fc.constantFrom("7" as unknown, null, undefined, true, "resample", "loss"));

/** Mostly a valid value, sometimes a careless one. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: anyValue });

/** An option object drawn from the keys the verbs know (each often absent), plus a misspelt one now and then. */
const options = fc.record(
  {
    seed: mostly(fc.integer({ min: 0, max: 100 })),
    method: mostly(fc.constantFrom("gaussian", "resample", "mean", "zero")),
    metric: mostly(fc.constantFrom("accuracy", "loss", "boundedLoss")),
    samples: mostly(fc.integer({ min: 1, max: 3 })),
    batchSize: mostly(fc.integer({ min: 1, max: 8 })),
    fraction: mostly(fc.double({ min: 0.05, max: 1, noNaN: true })),
    path: mostly(fc.constantFrom("auto", "batched", "loop")),
    fractoin: anyValue,
  },
  { requiredKeys: [] },
).map((o) => {
  // Keep each key with probability about 1/2, the misspelt one with 1/20 (fast-check's record already drops some).
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (k !== "fractoin" || (typeof v === "number" && v > 35)) kept[k] = v;
  return kept;
});

const value = fc.oneof({ weight: 80, arbitrary: fc.double({ min: -3, max: 3, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e30) });
const label = fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 0, max: 1 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 4) });

const scenario = fc.record({
  inputs: fc.integer({ min: 1, max: 4 }),
  hidden: fc.integer({ min: 1, max: 6 }),
  classes: fc.integer({ min: 2, max: 4 }),
  seed: fc.integer({ min: 0, max: 1000 }),
  rows: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 15, arbitrary: fc.integer({ min: 1, max: 7 }) }),
  extraFeature: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  values: fc.array(value, { minLength: 35, maxLength: 35 }),
  labels: fc.array(label, { minLength: 7, maxLength: 7 }),
  verb: fc.constantFrom("importance", "collectStats", "findCore", "evaluate"),
  site: fc.oneof({ weight: 15, arbitrary: fc.constant("h1") }, { weight: 1, arbitrary: fc.constantFrom("out", "h2") }),
  options,
});

/** True when a result's numbers are all finite (NaN scores would be a silent failure). */
function finiteResult(verb: string, r: unknown): boolean {
  if (verb === "importance") {
    const imp = r as at.Importance;
    return Array.from(imp.scores).every(Number.isFinite) && Number.isFinite(imp.clean) && Number.isFinite(imp.full);
  }
  if (verb === "collectStats") {
    const s = r as at.UnitStats;
    return Array.from(s.mean).every(Number.isFinite) && Array.from(s.std).every(Number.isFinite);
  }
  if (verb === "findCore") {
    const c = r as at.CoreSplit;
    return c.core.every(Number.isInteger) && Number.isFinite(c.fullDamage) && Number.isFinite(c.fractionReached);
  }
  const e = r as at.Evaluation;
  return Number.isFinite(e.accuracy) && Number.isFinite(e.loss);
}

test(`fuzz: ${RUNS} random calls of importance, collectStats, findCore and evaluate`, () => {
  let refused = 0;
  let answered = 0;
  fc.assert(
    fc.property(scenario, (s) => {
      const model = at.mlp({ inputs: s.inputs, hidden: [s.hidden], classes: s.classes, seed: s.seed });
      const features = s.inputs + (s.extraFeature ? 1 : 0);
      const x = s.values.slice(0, s.rows * features);
      const data = at.dataset(x, s.labels.slice(0, s.rows), { features, classes: s.classes });
      const o = s.options as Record<string, unknown>;
      const weights = snapshot(model);
      const tensors = tf.memory().numTensors;
      try {
        let result: unknown;
        try {
          if (s.verb === "importance") result = at.importance(model, s.site, data, o as at.DamageOptions);
          else if (s.verb === "collectStats") result = at.collectStats(model, s.site, data, o as at.StatsOptions);
          else if (s.verb === "findCore") result = at.findCore(model, s.site, data, o as at.CoreOptions);
          else result = at.evaluate(model, data, {}, o.batchSize as number);
        } catch (e) {
          assert.ok(e instanceof at.AntitrainError, `${s.verb} threw ${String(e)} (${(e as Error).stack?.split("\n")[1] ?? ""})`);
          // The message says what to do: a fix after a colon, an example, or the valid values.
          assert.match(e.message, /: |e\.g\.|pass |use |must be one of /, `${s.verb}: "${e.message}" names no fix`);
          refused++;
          result = undefined;
        }
        if (result !== undefined) {
          assert.ok(finiteResult(s.verb, result), `${s.verb} returned non-finite numbers`);
          answered++;
        }
        assert.equal(tf.memory().numTensors, tensors, `${s.verb} leaked ${tf.memory().numTensors - tensors} tensors`);
        snapshot(model).forEach((w, i) => assert.deepEqual(w, weights[i], `${s.verb} changed variable ${i}`));
      } finally {
        at.disposeDataset(data);
        model.dispose();
      }
    }),
    { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 27) },
  );
  assert.equal(refused + answered, RUNS);
  assert.ok(refused > 0, "some cases were refused");
  if (RUNS >= 60) assert.ok(answered > 0, "some cases were answered");
  console.log(`fuzz: ${RUNS} cases, ${answered} answered, ${refused} refused with an AntitrainError`);
});
