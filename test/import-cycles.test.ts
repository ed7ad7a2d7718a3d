import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import * as ts from "typescript";

/**
 * The shape of lib/: no import cycles between files, and each concept folder imports only the folders before it in
 * DESIGN.md's order. Every relative import counts, type-only ones included (they cycle just as well in a reader's
 * head): `import … from`, `import "…"`, `export … from`, `import("…")`, `require("…")` and `typeof import("…")`.
 */
const LIB = path.resolve(__dirname, "..", "lib");
const ORDER = ["base", "data", "models", "measure", "importance", "core", "antitrain", "analysis", "training", "studies", "runs", "notebook"];

/** The relative imports of every .ts file under `dir`: file → imported files (absolute paths), in source order. */
function importGraph(dir: string): Map<string, string[]> {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) files.push(p);
    }
  };
  walk(dir);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const targets: string[] = [];
    const add = (spec: string): void => {
      if (!spec.startsWith(".")) return;
      const base = path.resolve(path.dirname(file), spec);
      const found = [`${base}.ts`, path.join(base, "index.ts"), base.replace(/\.js$/, ".ts")].find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
      assert.ok(found !== undefined, `${path.relative(dir, file)} imports "${spec}", which is no .ts file under ${path.basename(dir)}/`);
      targets.push(found);
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text);
      } else if (
        ts.isCallExpression(node) &&
        (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
        node.arguments.length > 0 &&
        ts.isStringLiteralLike(node.arguments[0])
      ) {
        add(node.arguments[0].text);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        add(node.argument.literal.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    graph.set(file, targets);
  }
  return graph;
}

/** Every cycle a depth-first walk meets (one per back edge), each as its files from and back to its first file. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const walk = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) walk(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) walk(file);
  return cycles;
}

/** Imports against the folder order in the tree `dir` ("file → imported file"); files directly in `dir` are entries. */
function orderViolations(graph: ReadonlyMap<string, readonly string[]>, dir: string): string[] {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    const from = path.relative(dir, file).split(path.sep);
    if (from.length === 1) continue; // lib/index.ts, the main entry, re-exports from every folder
    assert.ok(ORDER.includes(from[0]), `lib/${from[0]}/ is not in the folder order: add it to DESIGN.md's layout and to ORDER here`);
    for (const target of targets) {
      const to = path.relative(dir, target).split(path.sep);
      if (to.length === 1 || ORDER.indexOf(to[0]) > ORDER.indexOf(from[0])) wrong.push(`${path.relative(dir, file)} → ${path.relative(dir, target)}`);
    }
  }
  return wrong;
}

const graph = importGraph(LIB);

test("lib/ has no import cycle", () => {
  assert.ok(graph.size > 50, `found only ${graph.size} files under lib/`);
  const cycles = findCycles(graph).map((c) => c.map((f) => path.relative(LIB, f)).join(" → "));
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.join("\n")}`);
});

test("each lib/ folder imports only the folders before it (base, data, models, …, runs, notebook)", () => {
  const wrong = orderViolations(graph, LIB);
  assert.deepEqual(wrong, [], `imports against the folder order:\n${wrong.join("\n")}`);
});

// The checker itself, on a small tree with the kinds of import that once formed a cycle (a dynamic import back).
const fixture = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-cycles-"));
after(() => fs.rmSync(fixture, { recursive: true, force: true }));

test("the checker names cycles through static, re-export, type-only, dynamic and require imports, and imports against the order", () => {
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(fixture, file)), { recursive: true });
    fs.writeFileSync(path.join(fixture, file), text);
  };
  write("runs/cli.ts", 'import { a } from "./args";\nexport async function main() { return (await import("./sweep-cli")).b + a; }\n');
  write("runs/sweep-cli.ts", '// import { main } from "./nowhere"; (a comment, not an import)\nimport { main } from "./cli";\nexport const b = 1;\n');
  write("runs/args.ts", "export const a = 1;\n");
  write("base/x.ts", 'export * from "../data";\n');
  write("data/index.ts", 'import type { Y } from "../base/y";\nexport const x = require("../base/x");\nexport type Z = Y;\n');
  write("base/y.ts", 'export type Y = typeof import("./x");\n');
  write("index.ts", 'export * from "./runs/cli";\n');
  const tree = importGraph(fixture);
  const shown = (line: string): string => line.split("/").join(path.sep);
  const cycles = findCycles(tree).map((c) => c.map((f) => path.relative(fixture, f)).join(" → "));
  assert.deepEqual(cycles.sort(), [
    shown("base/x.ts → data/index.ts → base/x.ts"),
    shown("base/x.ts → data/index.ts → base/y.ts → base/x.ts"),
    shown("runs/cli.ts → runs/sweep-cli.ts → runs/cli.ts"),
  ]);
  assert.deepEqual(orderViolations(tree, fixture), [shown("base/x.ts → data/index.ts")]);
  write("runs/args.ts", 'import "./missing";\n');
  assert.throws(() => importGraph(fixture), /args\.ts imports "\.\/missing", which is no \.ts file/);
});
