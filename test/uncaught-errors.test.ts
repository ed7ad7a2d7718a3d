import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";

// tfjs-backend-wasm's Emscripten glue hooks uncaughtException and unhandledRejection and rethrows from inside its
// minified module, so Node used to print that module's 60 KB source line before any uncaught error. ready() removes
// the hooks: the user sees the error's message and stack.
test("an uncaught error after ready() on wasm reports its message and stack, not the wasm module's source", () => {
  const lib = path.join(__dirname, "..", "lib", "index.ts");
  for (const how of ["Promise.reject(err)", "setTimeout(() => { throw err; }, 0)"]) {
    const code = `const at = require(${JSON.stringify(lib)});
at.ready({ quiet: true }).then(() => { const err = new at.AntitrainError("boom: the message a user must see"); ${how}; });`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", code], { encoding: "utf8", env: { ...process.env, ANTITRAIN_BACKEND: "wasm" } });
    assert.notEqual(run.status, 0, `${how}: the process fails`);
    assert.match(run.stderr, /AntitrainError: boom: the message a user must see/, how);
    assert.ok(run.stderr.length < 4000, `${how}: ${run.stderr.length} bytes of stderr (the wasm module's source line is about 60 KB)`);
    assert.doesNotMatch(run.stderr, /GROWABLE_HEAP/, how);
  }
});
