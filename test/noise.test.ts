import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as at from "../lib/index";
import { assertAntitrainError } from "./helpers";

test("withLabelNoise changes exactly round(rate·n) labels, each to a different class, and nothing else", () => {
  const y = Array.from({ length: 50 }, (_, i) => i % 5);
  const x = Array.from({ length: 100 }, (_, i) => i);
  const clean = at.dataset(x, y, { features: 2, classes: 5 });
  const { data, noisy } = at.withLabelNoise(clean, 0.2, 3);
  assert.equal(noisy.length, 10);
  const after = data.y.dataSync();
  for (let i = 0; i < 50; i++) {
    if (noisy.includes(i)) assert.notEqual(after[i], y[i], `row ${i} changed`);
    else assert.equal(after[i], y[i], `row ${i} kept`);
    assert.ok(after[i] >= 0 && after[i] < 5);
  }
  assert.deepEqual(Array.from(data.x.dataSync()), x);
  assert.deepEqual(Array.from(clean.y.dataSync()), y, "original unchanged");
  const again = at.withLabelNoise(clean, 0.2, 3);
  assert.deepEqual(again.noisy, noisy, "same seed, same rows");
  assert.deepEqual(again.data.y.dataSync(), data.y.dataSync());
  assertAntitrainError(() => at.withLabelNoise(clean, 1.5, 0), /rate must be in \[0, 1\]/);
  for (const d of [clean, data, again.data]) at.disposeDataset(d);
});
