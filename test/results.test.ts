import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import * as at from "../lib/index";

test("writeJsonAtomic writes typed arrays as arrays and leaves no temporary file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-results-"));
  const file = path.join(dir, "sub", "r.json");
  at.writeJsonAtomic(file, { a: new Float32Array([1, 2]), b: "x" });
  assert.deepEqual(at.readJson(file), { a: [1, 2], b: "x" });
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["r.json"]);
  assert.equal(at.readJson(path.join(dir, "missing.json")), undefined);
  fs.rmSync(dir, { recursive: true });
});

test("resultsPath honours ANTITRAIN_RESULTS_DIR", () => {
  const saved = process.env.ANTITRAIN_RESULTS_DIR;
  process.env.ANTITRAIN_RESULTS_DIR = "/tmp/somewhere";
  assert.equal(at.resultsPath("01-x"), "/tmp/somewhere/01-x.json");
  if (saved === undefined) delete process.env.ANTITRAIN_RESULTS_DIR;
  else process.env.ANTITRAIN_RESULTS_DIR = saved;
  assert.match(at.resultsPath("01-x"), /results\/01-x\.json$/);
});
