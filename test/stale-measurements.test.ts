/**
 * Issue 27, case 4: stats, importances and splits carry a fingerprint of the weights upstream of their site; using
 * them with another model, or after training changed the model, is refused with the reason, `allowStale: true`
 * lets deliberate reuse through, and the results' JSON is as before.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { invariant } from "./helpers";

before(async () => {
  await at.ready({ quiet: true });
});

const STALE = /passed were measured with other weights before site "h1" than this model has now \(another model, or this one before a training step changed it\): measure again on this model \(e\.g\. at\.collectStats\(model, "h1", data\)\), or pass \{ allowStale: true \} to reuse them on purpose/;

function refused(model: at.HookedModel, what: string, fn: () => unknown, re: RegExp = STALE): void {
  const r = invariant(model, what, fn);
  assert.ok(r instanceof at.AntitrainError, `${what}: expected an AntitrainError, got ${String(r)}`);
  assert.match((r as Error).message, re, what);
}

function task(): { a: at.Mlp; b: at.Mlp; data: at.Dataset } {
  const { train, test: held } = at.teacherStudent({ inputs: 6, teacherHidden: 3, classes: 3, train: 96, test: 8, seed: 0 });
  at.disposeDataset(held);
  // The same architecture, site name and width: only the weights differ.
  return { a: at.mlp({ inputs: 6, hidden: [10], classes: 3, seed: 1 }), b: at.mlp({ inputs: 6, hidden: [10], classes: 3, seed: 2 }), data: train };
}

test("stats, an importance and a split of another model are refused with the reason; allowStale lets them through", () => {
  const { a, b, data } = task();
  const stats = at.collectStats(a, "h1", data);
  const imp = at.importance(a, "h1", data, { stats, seed: 0 });
  const split = at.findCore(a, "h1", data, { stats, importance: imp, seed: 0 });
  const optimizer = tf.train.adam(1e-3);
  try {
    refused(b, "importance with a's stats", () => at.importance(b, "h1", data, { stats, seed: 0 }), new RegExp(`^the stats ${STALE.source}`));
    refused(b, "damage with a's stats", () => at.damage(b, "h1", data, [[0]], { stats, seed: 0 }));
    refused(b, "taylorImportance with a's stats", () => at.taylorImportance(b, "h1", data, { stats }));
    refused(b, "findCore with a's importance", () => at.findCore(b, "h1", data, { importance: imp, seed: 0 }), new RegExp(`^the importance ${STALE.source}`));
    refused(b, "antitrainStep with a's split and stats", () => at.antitrainStep(b, "h1", data, { split, stats, optimizer, seed: 0 }));
    const bStats = at.collectStats(b, "h1", data);
    refused(b, "antitrainStep with a's split", () => at.antitrainStep(b, "h1", data, { split, stats: bStats, optimizer, seed: 0 }), new RegExp(`^the split ${STALE.source}`));
    refused(b, "allowStale not a boolean", () => at.importance(b, "h1", data, { stats, allowStale: "yes" as unknown as boolean }), /allowStale must be true or false, got "yes"/);

    // Deliberate reuse: the same numbers as the explicit computation with those stats would give without the check.
    const reused = invariant(b, "importance with allowStale", () => at.importance(b, "h1", data, { stats, seed: 0, allowStale: true })) as at.Importance;
    assert.equal(reused.scores.length, 10);
    assert.ok(Array.from(reused.scores).every(Number.isFinite));
    const core = invariant(b, "findCore with allowStale", () => at.findCore(b, "h1", data, { importance: imp, stats: bStats, seed: 0, allowStale: true })) as at.CoreSplit;
    assert.equal(core.core.length + core.spectators.length, 10);
    at.antitrainStep(b, "h1", data, { split, stats, optimizer, seed: 0, allowStale: true });
    assert.ok(at.taylorImportance(b, "h1", data, { stats, allowStale: true }).scores.every(Number.isFinite));
  } finally {
    optimizer.dispose();
    a.dispose();
    b.dispose();
    at.disposeDataset(data);
  }
});

test("after a training step the model's own stats are stale; antitrain steps (downstream only) keep them fresh", () => {
  const { a, data } = task();
  const stats = at.collectStats(a, "h1", data);
  const imp = at.importance(a, "h1", data, { stats, seed: 0 });
  const split = at.findCore(a, "h1", data, { stats, importance: imp, seed: 0 });
  const optimizer = tf.train.adam(1e-2);
  try {
    // Measuring again on the unchanged model is fine.
    at.importance(a, "h1", data, { stats, seed: 1 });
    // Antitraining moves only the variables after the site: the stats and the split still describe the site.
    at.antitrainStep(a, "h1", data, { split, stats, optimizer, seed: 0 });
    at.findCore(a, "h1", data, { stats, importance: imp, seed: 0 });
    // One training step moves the upstream weights.
    at.train(a, data, { steps: 1, batchSize: 32, learningRate: 1e-3, seed: 0 });
    refused(a, "importance after training", () => at.importance(a, "h1", data, { stats, seed: 0 }));
    refused(a, "findCore after training", () => at.findCore(a, "h1", data, { importance: imp, seed: 0 }));
    refused(a, "antitrainStep after training", () => at.antitrainStep(a, "h1", data, { split, stats, optimizer, seed: 1 }));
    at.antitrainStep(a, "h1", data, { split, stats, optimizer, seed: 1, allowStale: true });
  } finally {
    optimizer.dispose();
    a.dispose();
    at.disposeDataset(data);
  }
});

test("an Antitrainer reuses its measurements across training steps on purpose, and results' JSON is unchanged", () => {
  const { a, data } = task();
  const anti = new at.Antitrainer(a, ["h1"], { schedule: at.interleaved(1, { cycle: 3 }), data, fraction: 0.5 });
  try {
    at.train(a, data, { steps: 5, batchSize: 32, learningRate: 1e-2, seed: 0, onStep: (_, batch) => anti.afterStep(batch) });
    assert.equal(anti.antiSteps, 5);
    const stats = at.collectStats(a, "h1", data);
    const imp = at.importance(a, "h1", data, { stats, seed: 0 });
    const split = at.findCore(a, "h1", data, { stats, importance: imp, seed: 0 });
    assert.deepEqual(Object.keys(stats).sort(), ["bank", "bankRows", "count", "mean", "site", "std", "units", "width"].filter((k) => k in stats).sort());
    assert.deepEqual(Object.keys(imp).sort(), ["clean", "estimator", "full", "method", "metric", "scores", "site", "spatial"]);
    assert.ok(!JSON.stringify(split).includes("sums"), "the fingerprint is not in the JSON");
    // A copy rebuilt from JSON carries no fingerprint and is taken on trust.
    const copy = { ...imp, scores: Float32Array.from(imp.scores) };
    at.train(a, data, { steps: 1, batchSize: 32, seed: 0 });
    at.findCore(a, "h1", data, { importance: copy, seed: 0 });
  } finally {
    anti.dispose();
    a.dispose();
    at.disposeDataset(data);
  }
});
