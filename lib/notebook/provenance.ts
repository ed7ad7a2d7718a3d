import * as tf from "@tensorflow/tfjs";
import { numericsTag } from "../base/backend";
import { AntitrainError } from "../base/errors";
import type { CodeVersion } from "../base/commit";

/** What {@link provenance} states about a notebook run. */
export interface ProvenanceOptions {
  /** The notebook's name, e.g. "04-compression". */
  readonly notebook: string;
  /** Whether this is the quick setting (the default; `FULL=1` selects the full one). */
  readonly quick: boolean;
  /** The seeds the run uses. */
  readonly seeds?: readonly number[];
}

/**
 * The text the report renderer (scripts/render-notebook.js) replaces with the measured run time of the whole
 * notebook; a notebook run interactively keeps it as it is.
 */
export const RUN_TIME_MARK = "run time: stated in the rendered report";

/**
 * Two lines for a notebook's first output: the setting (and, for a quick run, that its numbers are a smoke test and
 * where the study's numbers are), then the seeds, date, commit, backend, how a full run computes its study's seeds
 * (in n seed-worker processes with SEED_WORKERS=n, or on the sweep queue with SEED_QUEUE) and run time. The commit is
 * the rendering checkout's; the commit and time each seed was computed with are the study run's own provenance line. Reads the commit with git
 * when the package is a git checkout ("+ uncommitted code changes" when a tracked file other than reports, results and
 * Markdown differs from it).
 *
 * @example
 * console.log(at.provenance({ notebook: "04-compression", quick: QUICK, seeds: SEEDS }));
 * // 04-compression · quick setting: a smoke test of the notebook; its numbers are not the study's (...)
 * // seeds 0 · 2026-11-30 · commit 1da7860 · backend wasm, matmul explicit-transpose · run time: stated in the rendered report
 */
export function provenance(options: ProvenanceOptions): string {
  const { notebook, quick, seeds } = options;
  if (typeof notebook !== "string" || !/^[\w.-]+$/.test(notebook)) {
    throw new AntitrainError(`provenance: notebook must be the notebook's file name without .ipynb, e.g. "04-compression", got ${JSON.stringify(notebook)}`);
  }
  if (typeof quick !== "boolean") throw new AntitrainError(`provenance: quick must be true or false (e.g. QUICK), got ${JSON.stringify(quick)}`);
  if (seeds !== undefined && !(Array.isArray(seeds) && seeds.every((s) => Number.isInteger(s)))) {
    throw new AntitrainError(`provenance: seeds must be an array of integers, e.g. [0, 1, 2], got ${JSON.stringify(seeds)}`);
  }
  const setting = quick
    ? `quick setting: a smoke test of the notebook; its numbers are not the study's (those come from FULL=1: results/${notebook}.json, reports/${notebook}.html)`
    : "full setting: the study's numbers";
  const facts = [
    seeds === undefined ? undefined : `seed${seeds.length === 1 ? "" : "s"} ${seeds.join(", ")}`,
    new Date().toISOString().slice(0, 10),
    `commit ${commit()}`,
    `backend ${tf.getBackend() ? numericsTag().replace("/", ", matmul ") : "not chosen yet (call at.ready() first)"}`,
    quick ? undefined : seedSharing(),
    RUN_TIME_MARK,
  ].filter((f) => f !== undefined);
  return `${notebook} · ${setting}\n${facts.join(" · ")}`;
}

/**
 * A suffix for a headline number of a quick run: empty in the full setting, else a reminder that quick numbers are
 * not the study's and where the full ones are.
 *
 * @example
 * console.log(`95% core: ${core} units${at.quickNote(QUICK, "04-compression")}`);
 */
export function quickNote(quick: boolean, notebook: string): string {
  return quick ? ` [quick setting, not the study's number: see results/${notebook}.json]` : "";
}

/** The checkout's code version (lib/runs/commit.ts, loaded when first needed: the notebook entry loads no run module). */
function codeVersion(): CodeVersion {
  return (require("../base/commit") as typeof import("../base/commit")).codeVersion();
}

/** How a full run's study seeds are computed: on the sweep queue, in seed-worker processes, or (undefined) in the kernel. */
function seedSharing(): string | undefined {
  const queue = process.env.SEED_QUEUE;
  if (queue !== undefined && queue !== "") return "study seeds on the sweep queue (SEED_QUEUE)";
  const workers = Number(process.env.SEED_WORKERS ?? 1);
  return workers > 1 ? `study seeds in ${workers} worker processes` : undefined;
}

/** The checked-out commit, short, or "unknown" outside a git checkout. */
function commit(): string {
  const v = codeVersion();
  if (v.commit === "unknown") return "unknown (not a git checkout)";
  const head = /^[0-9a-f]{40}$/.test(v.commit) ? v.commit.slice(0, 7) : v.commit;
  return v.changes === null ? head : `${head} + uncommitted code changes`;
}
