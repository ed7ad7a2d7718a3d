import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import * as at from "../lib/index";

test("cachedSeed computes once per (settings, seed), recomputes when settings change, and never caches when disabled", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-cache-"));
  process.env.ANTITRAIN_SEED_CACHE = dir;
  try {
    let calls = 0;
    const compute = () => {
      calls++;
      return { acc: 0.5 + calls };
    };
    assert.deepEqual(at.cachedSeed("nb", { steps: 10 }, 0, true, compute), { acc: 1.5 });
    assert.deepEqual(at.cachedSeed("nb", { steps: 10 }, 0, true, compute), { acc: 1.5 }, "second call reads the cache");
    assert.equal(calls, 1);
    assert.deepEqual(at.cachedSeed("nb", { steps: 10 }, 1, true, compute), { acc: 2.5 }, "another seed computes");
    assert.deepEqual(at.cachedSeed("nb", { steps: 20 }, 0, true, compute), { acc: 3.5 }, "changed settings recompute");
    assert.deepEqual(at.cachedSeed("nb", { steps: 20 }, 0, false, compute), { acc: 4.5 }, "disabled always computes");
    assert.equal(calls, 4);
    assert.ok(fs.existsSync(path.join(dir, "nb", "seed-0.json")));
  } finally {
    delete process.env.ANTITRAIN_SEED_CACHE;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
