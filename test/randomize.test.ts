import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as at from "../lib/index";

/** Stats for 3 units of width 2 (6 values per row) with a 4-row bank whose rows are easy to recognize. */
function headStats(): at.UnitStats {
  const units = 3;
  const width = 2;
  const bank = Float32Array.from({ length: 4 * units * width }, (_, i) => 100 * Math.floor(i / (units * width)) + (i % (units * width)));
  return {
    site: "heads",
    units,
    width,
    count: 4,
    mean: Float32Array.from({ length: 6 }, (_, i) => i),
    std: Float32Array.from({ length: 6 }, () => 1),
    bank,
    bankRows: 4,
  };
}

test("coupled resampling copies whole bank rows, also for units spanning several values", () => {
  const stats = headStats();
  const out = at.drawReplacements(stats, "resample", 5, new at.Rng(3), { coupled: true });
  assert.equal(out.length, 5 * 6);
  for (let r = 0; r < 5; r++) {
    const row = Array.from(out.subarray(r * 6, (r + 1) * 6));
    const k = row[0] / 100;
    assert.ok(Number.isInteger(k) && k >= 0 && k < 4, `row ${r} starts a bank row`);
    assert.deepEqual(row, [0, 1, 2, 3, 4, 5].map((i) => 100 * k + i), `row ${r} is bank row ${k}`);
  }
});

test("independent resampling keeps each head's values together but draws heads separately", () => {
  const stats = headStats();
  const out = at.drawReplacements(stats, "resample", 50, new at.Rng(4));
  let mixed = 0;
  for (let r = 0; r < 50; r++) {
    const row = Array.from(out.subarray(r * 6, (r + 1) * 6));
    for (let u = 0; u < 3; u++) assert.equal(Math.floor(row[2 * u] / 100), Math.floor(row[2 * u + 1] / 100), "a head comes from one bank row");
    if (new Set([0, 2, 4].map((i) => Math.floor(row[i] / 100))).size > 1) mixed++;
  }
  assert.ok(mixed > 25, `heads of a row usually come from different bank rows (${mixed} of 50)`);
});

test("coupled gaussian draws share one normal per row; mean and zero ignore coupling", () => {
  const stats = headStats();
  const out = at.drawReplacements(stats, "gaussian", 4, new at.Rng(5), { coupled: true });
  for (let r = 0; r < 4; r++) {
    const z = out[r * 6] - stats.mean[0];
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(out[r * 6 + i] - stats.mean[i] - z) < 1e-5);
  }
  for (const method of ["mean", "zero"] as const) {
    assert.deepEqual(at.drawReplacements(stats, method, 3, new at.Rng(6), { coupled: true }), at.drawReplacements(stats, method, 3, new at.Rng(6)));
  }
});
