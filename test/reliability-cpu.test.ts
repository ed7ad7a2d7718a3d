import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";

// The reliability checks that the rest of the suite runs on wasm (the default here), again on the cpu backend:
// stale measurements, model.json topology, the adapter's refusals and warnings, and the fuzz test of the API.
// (Finite data and the training guard test both backends in their own files.)
const FILES = ["stale-measurements", "model-topology", "layers-reliability", "fuzz-api"];

test("the reliability tests pass on the cpu backend too", { timeout: 600_000 }, () => {
  const files = FILES.map((f) => path.join(__dirname, `${f}.test.ts`));
  const env: NodeJS.ProcessEnv = { ...process.env, ANTITRAIN_BACKEND: "cpu" };
  delete env.NODE_TEST_CONTEXT; // a test runner of its own, reporting in TAP, not to this one
  const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", "--test-concurrency=1", ...files], {
    encoding: "utf8",
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tail = `${run.stdout}\n${run.stderr}`.split("\n").filter((l) => /^(not ok|# (pass|fail))/.test(l)).join("\n");
  assert.equal(run.status, 0, `on cpu:\n${tail}`);
  assert.match(run.stdout, /^# fail 0$/m);
  assert.match(run.stdout, /^# pass (1[0-9]|[2-9][0-9])$/m, "every file's tests ran");
});
