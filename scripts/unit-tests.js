// The fast test tier: every test file except those that execute notebooks or render reports in Chromium, for a
// quick check while developing. `npm test` (what CI runs) runs everything.
//
//   npm run test:unit                    (after `npm run build`; no Jupyter or Chromium needed)
//   node scripts/unit-tests.js idx       (only files whose name contains "idx")

const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

/** Files that execute notebooks in a kernel or render reports: the slow tier. */
const SLOW = new Set(["notebooks.test.ts", "notebook-rerun.test.ts", "report.test.ts"]);

const dir = path.join(__dirname, "..", "test");
const filter = process.argv[2];
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".test.ts") && !SLOW.has(f) && (filter === undefined || f.includes(filter)))
  .sort()
  .map((f) => path.join("test", f));
if (files.length === 0) {
  console.error(`no unit test file matches "${filter}"`);
  process.exit(2);
}
console.log(`${files.length} unit test files (skipping ${[...SLOW].join(", ")})`);
const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...files], { stdio: "inherit", cwd: path.join(__dirname, "..") });
process.exit(run.status ?? 1);
