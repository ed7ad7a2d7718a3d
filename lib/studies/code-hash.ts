/**
 * A hash of the code a study's seeds are computed with: every TypeScript source under the checkout's `lib/` (or,
 * in an installed package without sources, every `.js` file under `dist/`), with its path, plus the versions of the
 * dependencies that compute (package.json's `dependencies`). A seed cached under another hash is never reused.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../base/io";

const hashes = new Map<string, string>();

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
 * The code hash (16 hex digits) of the library at `root` (default: this checkout; computed once per process, as
 * the code a process runs does not change under it).
 *
 * @example
 * codeHash();   // "3f9a0c…": changes whenever any file under lib/ changes
 */
export function codeHash(root: string = PACKAGE_ROOT): string {
  const known = root === PACKAGE_ROOT ? hashes.get(root) : undefined;
  if (known !== undefined) return known;
  const lib = path.join(root, "lib");
  const [dir, extension] = fs.existsSync(lib) ? [lib, ".ts"] : [path.join(root, "dist"), ".js"];
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
