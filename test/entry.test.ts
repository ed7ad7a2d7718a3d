import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";

const root = path.resolve(__dirname, "..");

test("importing the main entry loads no BullMQ or Redis client module (they load when a Redis sweep starts)", () => {
  const probe = `require(${JSON.stringify(path.join(root, "lib", "index.ts"))});
const loaded = Object.keys(require.cache);
console.log(JSON.stringify({ bullmq: loaded.filter((k) => k.includes("/bullmq/")).length, ioredis: loaded.filter((k) => k.includes("/ioredis/")).length, total: loaded.length }));`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "-e", probe], { cwd: root, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const counts = JSON.parse(run.stdout.trim().split("\n").pop() as string);
  assert.equal(counts.bullmq, 0, "no BullMQ module");
  assert.equal(counts.ioredis, 0, "no ioredis module");
  assert.ok(counts.total > 10, "the library itself was loaded");
});
