import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import * as nb from "../lib/notebook/index";

test("writeJsonAtomic writes typed arrays as arrays and leaves no temporary file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-results-"));
  try {
    const file = path.join(dir, "sub", "r.json");
    nb.writeJsonAtomic(file, { a: new Float32Array([1, 2]), b: "x" });
    assert.deepEqual(nb.readJson(file), { a: [1, 2], b: "x" });
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["r.json"]);
    assert.equal(nb.readJson(path.join(dir, "missing.json")), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs `fn` with environment variables set (undefined deletes one), restoring them afterwards. */
function withEnv(vars: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  try {
    fn();
  } finally {
    apply(saved);
  }
}

const root = path.resolve(__dirname, "..");

test("resultsPath: only a full run writes results/NAME.json; other runs write results/quick/; ANTITRAIN_RESULTS_DIR overrides both", () => {
  withEnv({ ANTITRAIN_RESULTS_DIR: undefined, FULL: "1" }, () => assert.equal(nb.resultsPath("01-x"), path.join(root, "results", "01-x.json")));
  for (const full of [undefined, "", "0", "true"]) {
    withEnv({ ANTITRAIN_RESULTS_DIR: undefined, FULL: full }, () => assert.equal(nb.resultsPath("01-x"), path.join(root, "results", "quick", "01-x.json")));
  }
  withEnv({ ANTITRAIN_RESULTS_DIR: "/tmp/somewhere", FULL: "1" }, () => assert.equal(nb.resultsPath("01-x"), "/tmp/somewhere/01-x.json"));
});

test("writeResults writes atomically and says where, relative to the package, with a quick-run warning", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-results-"));
  try {
    withEnv({ ANTITRAIN_RESULTS_DIR: dir, FULL: undefined }, () => {
      const line = nb.writeResults("07-y", { a: new Float32Array([3]) });
      assert.deepEqual(nb.readJson(path.join(dir, "07-y.json")), { a: [3] });
      assert.match(line, /^wrote 07-y\.json \(quick setting: a smoke test, not the study's numbers; the full run's are in results\/07-y\.json\)$/);
      assert.ok(!line.includes(os.tmpdir()), "no machine path");
    });
    withEnv({ ANTITRAIN_RESULTS_DIR: path.join(root, "results", "quick", "sub-test"), FULL: "1" }, () => {
      const line = nb.writeResults("07-z", { b: 1 });
      assert.equal(line, "wrote results/quick/sub-test/07-z.json");
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(root, "results", "quick", "sub-test"), { recursive: true, force: true });
  }
});
