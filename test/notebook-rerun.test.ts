import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

/**
 * Cell-by-cell safety in a real tslab kernel (scripts/rerun-notebook.py drives it through jupyter_client): after a
 * notebook has run top to bottom, re-running its cells from the middle and then from the start must raise no error,
 * print the same numbers and leave the kernel holding the same number of tensors. `RERUN_NOTEBOOKS=all` (or a
 * comma-separated list of prefixes) checks more notebooks than the default ones.
 */
const root = path.resolve(__dirname, "..");
const DEFAULT = ["00-quickstart"];
const all = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).map((f) => f.replace(/\.ipynb$/, "")).sort();
const wanted = process.env.RERUN_NOTEBOOKS;
const names = wanted === "all" ? all : wanted ? all.filter((n) => wanted.split(",").some((p) => n.startsWith(p.trim()))) : DEFAULT;

function python(): string {
  const cached = path.join(root, ".cache", "jupyter-python");
  return fs.existsSync(cached) ? fs.readFileSync(cached, "utf8").trim() : "python3";
}

for (const name of names) {
  test(`${name}: every cell can be re-run, from the middle and from the start, without errors, changed numbers or leaked tensors`, { timeout: 900_000 }, () => {
    const run = spawnSync(python(), [path.join(root, "scripts", "rerun-notebook.py"), path.join(root, "notebooks", `${name}.ipynb`), "--json"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, FULL: "", PATH: [path.join(root, "node_modules", ".bin"), process.env.PATH].join(path.delimiter) },
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(run.status, run.status === 0 ? 0 : 1, run.stderr);
    const lines = run.stdout.trim().split("\n");
    const report = JSON.parse(lines[lines.length - 1]) as { problems: string[]; tensors: (number | null)[]; cells: number };
    assert.deepEqual(report.problems, []);
    assert.ok(report.cells > 3);
    assert.ok(typeof report.tensors[0] === "number" && report.tensors[0] > 0, "the kernel's tensor count was read");
  });
}
