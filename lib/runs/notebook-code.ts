/**
 * Runs a notebook's code without Jupyter: the code cells of an .ipynb, in order, as one async script in this process,
 * with the notebook's folder as working directory and module root (as the tslab kernel has it). TypeScript is only
 * transpiled, not type-checked (the kernel that made a seed job already checked the same commit), which keeps a
 * seed job's start-up to about a second. `tslab.display` output is discarded. A seed worker runs a notebook this way
 * with `ANTITRAIN_SEED_JOB` set, so the notebook stops once it has computed the job's seed (see
 * lib/notebook/seed-cache.ts).
 *
 *   node dist/runs/notebook-code.js notebooks/04-compression.ipynb
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";
import { AntitrainError } from "../base/errors";

/** The parts of the TypeScript compiler used here (tslab's own copy: every checkout that runs notebooks has it). */
interface Transpiler {
  transpileModule(source: string, options: { compilerOptions: Record<string, unknown>; reportDiagnostics?: boolean }): { outputText: string };
  ModuleKind: { CommonJS: number };
  ScriptTarget: { ES2022: number };
}

/** The code cells of a notebook, each as one string. */
export function notebookCells(file: string): string[] {
  let nb: { cells?: { cell_type?: string; source?: string | string[] }[] };
  try {
    nb = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new AntitrainError(`cannot read notebook ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(nb.cells)) throw new AntitrainError(`${file} is not a Jupyter notebook (no "cells" list)`);
  return nb.cells.filter((c) => c.cell_type === "code").map((c) => (Array.isArray(c.source) ? c.source.join("") : String(c.source ?? "")));
}

/** The notebook's code as one CommonJS function `(exports, require, module, __filename, __dirname) => Promise`. */
export function compileNotebook(file: string): vm.Script {
  const tslabRequire = createRequire(require.resolve("tslab"));
  const ts = tslabRequire("@tslab/typescript-for-tslab") as Transpiler;
  // Cells are joined into one module: later cells see earlier cells' declarations, as in the kernel.
  const source = notebookCells(file)
    .map((cell, i) => `// cell ${i + 1}\n${cell}\n;`)
    .join("\n");
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  }).outputText;
  // Top-level await: the module body runs inside an async function.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { return (async () => {\n${js}\n})(); })`;
  return new vm.Script(wrapped, { filename: file });
}

/**
 * Runs every code cell of `file` in this process (working directory: the notebook's folder) and resolves when the
 * last one has finished.
 *
 * @example
 * await runNotebookCode("notebooks/00-quickstart.ipynb");
 */
export async function runNotebookCode(file: string): Promise<void> {
  const absolute = path.resolve(file);
  const script = compileNotebook(absolute);
  const dir = path.dirname(absolute);
  process.chdir(dir);
  const req = createRequire(absolute);
  // tslab.display writes through the kernel's connection, which does not exist here: discard what it shows.
  const jupyter = req("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  jupyter.lastWriteDisplayData = () => {};
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => Promise<void>;
  await run(module.exports, req, module, absolute, dir);
}

if (require.main === module) {
  const file = process.argv[2];
  // A seed job's child finishes its seed when the worker is stopped with Ctrl-C: the worker waits for it.
  if (process.env.ANTITRAIN_SEED_JOB) process.on("SIGINT", () => {});
  if (file === undefined) {
    console.error("usage: node notebook-code.js NOTEBOOK.ipynb");
    process.exit(2);
  }
  runNotebookCode(file).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof AntitrainError ? `antitrain: ${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(1);
    },
  );
}
