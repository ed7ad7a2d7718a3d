import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { writeSection } from "../bench/timing";

// Benchmarks write only their own section of BENCHMARKS.md (bench/timing.ts): `npm run bench` used to rewrite the
// whole file and drop the sections other benchmarks and people had written.

test("writeSection replaces only its own marked section, keeps every other line, and appends a missing one", () => {
  const root = mkdtempSync(path.join(tmpdir(), "bench-sections-"));
  try {
    const file = path.join(root, "BENCHMARKS.md");
    const before = [
      "# Benchmarks",
      "",
      "a note written by hand",
      "<!-- bench:start -->",
      "old bench numbers",
      "<!-- bench:end -->",
      "",
      "## Training steps (written by another script)",
      "<!-- floor:start -->",
      "old floor numbers",
      "<!-- floor:end -->",
      "the floor's reading, by hand",
      "",
    ].join("\n");
    writeFileSync(file, before);
    writeSection(root, "bench", "<!-- bench:start -->\nnew bench numbers with $& and $1 kept literally\n<!-- bench:end -->");
    const after = readFileSync(file, "utf8");
    assert.equal(after, before.replace("old bench numbers", () => "new bench numbers with $& and $1 kept literally"));
    writeSection(root, "widths", "<!-- widths:start -->\nwidths table\n<!-- widths:end -->");
    const appended = readFileSync(file, "utf8");
    assert.ok(appended.startsWith(after.trimEnd()), "nothing before the new section changed");
    assert.ok(appended.endsWith("\n\n<!-- widths:start -->\nwidths table\n<!-- widths:end -->\n"));
    assert.ok(appended.includes("old floor numbers") && appended.includes("the floor's reading, by hand"));
    assert.deepEqual(readdirSync(root), ["BENCHMARKS.md"], "no temporary file left beside it");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
