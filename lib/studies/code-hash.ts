/**
 * A hash of the code a study's seeds are computed with, as this process runs it: every `.js` file under `dist/`
 * when the library runs from its build (notebooks, `antitrain worker`), every TypeScript source under `lib/` when
 * it runs from its sources (tsx: tests, benchmarks), each with its path, plus the versions of the dependencies that
 * compute (package.json's `dependencies`). A seed cached under another hash is never reused; a stale build is
 * hashed as what it is, so it never claims the sources' hash.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../base/io";

const hashes = new Map<string, string>();

/** Whether this process runs the library from its build (dist/*.js) or its sources (lib/*.ts under tsx). */
const RUNNING_FROM: "lib" | "dist" = path.extname(__filename) === ".ts" ? "lib" : "dist";

/** The files a code hash covers under `root`, relative, sorted. */
function sources(root: string, extension: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(extension) && !e.name.endsWith(".d.ts")) out.push(path.relative(root, p).split(path.sep).join("/"));
    }
  };
  walk(root);
  return out.sort();
}

/**
 * The code hash (16 hex digits) of the library at `root` (default: this checkout), from its sources (`"lib"`) or
 * its build (`"dist"`; default: whichever this process runs). Computed once per process for this checkout, as the
 * code a process runs does not change under it.
 *
 * @example
 * codeHash();   // "3f9a0c…": changes whenever any file under lib/ changes
 */
export function codeHash(root: string = PACKAGE_ROOT, from: "lib" | "dist" = RUNNING_FROM): string {
  const known = root === PACKAGE_ROOT && from === RUNNING_FROM ? hashes.get(root) : undefined;
  if (known !== undefined) return known;
  const dir = path.join(root, from);
  const extension = from === "lib" ? ".ts" : ".js";
  const h = createHash("sha256");
  for (const file of fs.existsSync(dir) ? sources(dir, extension) : []) {
    h.update(`${file}\0`);
    h.update(fs.readFileSync(path.join(dir, file)));
    h.update("\0");
  }
  const pkg = path.join(root, "package.json");
  if (fs.existsSync(pkg)) h.update(JSON.stringify((JSON.parse(fs.readFileSync(pkg, "utf8")) as { dependencies?: unknown }).dependencies ?? {}));
  const digest = h.digest("hex").slice(0, 16);
  hashes.set(root, digest);
  return digest;
}

/** A short, stable hash of a JSON value (settings, chosen knobs): 16 hex digits of its canonical JSON. */
export function jsonHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 16);
}

/** JSON with object keys sorted, so two equal settings objects hash alike whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
