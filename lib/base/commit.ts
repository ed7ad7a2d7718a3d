import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { PACKAGE_ROOT } from "./io";

/** The code a checkout runs: its commit, and whether tracked code differs from it (and how, as a hash). */
export interface CodeVersion {
  /** The full commit hash of HEAD, or what `ANTITRAIN_COMMIT` states; "unknown" outside a git checkout. */
  readonly commit: string;
  /** A short hash of the uncommitted changes to tracked code (reports, results and Markdown excepted); null when none. */
  readonly changes: string | null;
}

// Outputs and prose (reports, results, Markdown) do not change what a notebook or a run computes.
const CODE = [".", ":!reports", ":!results", ":!*.md"];

function git(args: string[]): string {
  return execFileSync("git", args, { cwd: PACKAGE_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 256 * 1024 * 1024 });
}

/**
 * The commit this checkout runs, read with git. `ANTITRAIN_COMMIT=HASH` states it for a copy without `.git` (it is
 * then taken as clean). Untracked files are not looked at.
 *
 * @example
 * const v = codeVersion();   // { commit: "d84a359…", changes: null }
 */
export function codeVersion(): CodeVersion {
  const stated = process.env.ANTITRAIN_COMMIT?.trim();
  if (stated !== undefined && stated !== "") return { commit: stated, changes: null };
  try {
    const commit = git(["rev-parse", "HEAD"]).trim();
    const diff = git(["diff", "HEAD", "--binary", "--", ...CODE]);
    return { commit, changes: diff === "" ? null : createHash("sha256").update(diff).digest("hex").slice(0, 12) };
  } catch {
    return { commit: "unknown", changes: null };
  }
}

/** A code version in one short string: "d84a359", or "d84a359 + uncommitted changes 1f2e3d4c5b6a". */
export function describeVersion(v: CodeVersion): string {
  const head = /^[0-9a-f]{40}$/.test(v.commit) ? v.commit.slice(0, 7) : v.commit;
  return v.changes === null ? head : `${head} + uncommitted changes ${v.changes}`;
}
