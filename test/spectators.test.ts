import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../lib/base/backend";
import { parseRunConfig } from "../lib/runs/config";
import type { CoreSplit } from "../lib/core/find-core";
import { mlp } from "../lib/models/mlp";
import { runFromConfig } from "../lib/runs/run";
import { rescaleUnits, spectatorBlowup } from "../lib/antitrain/spectators";
import type { UnitStats } from "../lib/measure/unit-stats";

before(async () => {
  await ready({ quiet: true });
});

const stats: UnitStats = {
  site: "h1",
  units: 4,
  count: 10,
  mean: Float32Array.from([1, 1, 0, 1]),
  std: Float32Array.from([0, 0, 2, 0]),
  bank: new Float32Array(0),
  bankRows: 0,
};
const split = { site: "h1", core: [0], spectators: [1, 2, 3] } as unknown as CoreSplit;

test("a spectator whose scale grows past the factor is reported; the core and calm units are not", () => {
  const act = tf.tensor2d([
    [1000, 1, 300, 1],
    [1000, 1, 100, 1],
  ]);
  const before = tf.memory().numTensors;
  const b = spectatorBlowup(act, split, stats, 100);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(b);
  assert.deepEqual(b.units, [2]);
  assert.ok(Math.abs(b.ratios[0] - Math.sqrt((300 ** 2 + 100 ** 2) / 2) / 2) < 1e-3);
  assert.equal(spectatorBlowup(act, split, stats, 200), undefined);
  assert.throws(() => spectatorBlowup(act, split, stats, 1), /blow-up factor must be > 1/);
  act.dispose();
});

test("rescaling a ReLU unit keeps the model's function and brings the unit back to scale", () => {
  const model = mlp({ inputs: 3, hidden: [4], classes: 2, seed: 1 });
  const x = tf.tensor2d([
    [1, -2, 0.5],
    [0.3, 0.1, -1],
  ]);
  const logits = model.forward(x).arraySync();
  const act = model.split("h1", x);
  const h = act.act.arraySync() as number[][];
  act.dispose();
  rescaleUnits(model, "h1", [1, 3], [10, 0.5]);
  const after = model.forward(x).arraySync();
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assert.ok(Math.abs(after[i][j] - logits[i][j]) < 1e-5);
  const cut = model.split("h1", x);
  const h2 = cut.act.arraySync() as number[][];
  cut.dispose();
  assert.ok(Math.abs(h2[0][1] - h[0][1] / 10) < 1e-6 && Math.abs(h2[0][3] - h[0][3] * 2) < 1e-6);
  assert.ok(Math.abs(h2[0][0] - h[0][0]) < 1e-7);
  assert.throws(() => rescaleUnits(model, "h7", [0], [2]), /renormalizing spectators needs a ReLU MLP site/);
  x.dispose();
  model.dispose();
});

test("a run records spectator blow-ups once per measurement cycle, naming step, site and spectator units", async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-blowup-"));
  try {
    const config = parseRunConfig({
      task: { kind: "teacher-student", inputs: 8, teacherHidden: 4, classes: 4, train: 256, test: 128 },
      model: { hidden: [16] },
      schedule: { kind: "interleaved", antiSteps: 1, cycle: 20 },
      fraction: 0.5,
      batchSize: 32,
      pretrainSteps: 10,
      steps: 60,
      checkpointEvery: 100,
      blowup: { factor: 1.05, renormalize: false },
    });
    const { history } = await runFromConfig(config, { out, handleSignals: false, log: () => {} });
    assert.ok(history.blowups.length > 0, "a 5% growth limit is crossed on a fresh batch");
    const cycles = history.blowups.map((b) => b.cycle);
    assert.equal(new Set(cycles).size, cycles.length, "at most one report per cycle");
    for (const b of history.blowups) {
      assert.equal(b.site, "h1");
      assert.ok(b.step > 10 && b.step <= 70);
      const measure = history.measures.filter((m) => m.site === "h1")[b.cycle - 1];
      for (const u of b.units) assert.ok(!measure.core.includes(u), `unit ${u} is a spectator`);
      assert.ok(b.ratios.every((r) => r > 1.05));
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
