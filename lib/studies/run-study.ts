/**
 * `runStudy`: a study's tuning seeds, its choice of knobs and its study seeds, computed in this process, in local
 * worker processes, or as jobs on the sweep queue; every seed cached (when `cache` is on) under a key that includes
 * the settings, the chosen knobs, the library's code hash and the numerics; then the one summary and the verdict,
 * with the provenance of every seed (computed now or read from the cache, at which commit, in how long).
 */
import { type ChildProcess, fork } from "node:child_process";
import * as path from "node:path";
import { numericsTag, ready } from "../base/backend";
import { AntitrainError } from "../base/errors";
import { requireKnownKeys } from "../base/validate";
import { childThreadsEnv } from "../base/wasm-threads";
import { canonicalJson, codeHash, jsonHash } from "./code-hash";
import { type SeedJob, computeSeed } from "./compute-seed";
import { type SeedKind, type SeedProvenance, type SeedRecord, readSeedRecord, writeSeedRecord } from "./seed-records";
import type { Study, StudySummary, Verdict } from "./study";

/** Options of {@link runStudy}. */
export interface RunStudyOptions {
  /** The study's seeds. */
  readonly seeds: readonly number[];
  /** Seeds whose validation data tunes the knobs (none: the study's `choose` gets no rows). */
  readonly tuneSeeds?: readonly number[];
  /** Read and write the seed cache (full runs). Default false: every seed is computed and nothing is written. */
  readonly cache?: boolean;
  /** Worker processes computing seeds at once. Default `SEED_WORKERS` from the environment, else 1 (this process). */
  readonly workers?: number;
  /** A Redis URL (`redis://HOST:PORT`): seeds become jobs for `antitrain worker --redis URL` processes. Default `SEED_QUEUE` in full runs. */
  readonly queue?: string;
  /** Called with one line per event (a seed cached, computed, recomputed because stale). Default: console.log. */
  readonly onProgress?: (line: string) => void;
}

/** One seed's provenance in a run, and whether this run computed it or read it from the cache. */
export interface SeedSource extends SeedProvenance {
  readonly source: "computed" | "cache";
}

/** Where a run's numbers came from. */
export interface RunProvenance {
  readonly seeds: readonly SeedSource[];
  /** Seeds (tuning and study) computed by this call, and read from the cache. */
  readonly computed: number;
  readonly cached: number;
  /** Distinct computing commits (short, "+ changes" when a checkout had uncommitted code changes). */
  readonly commits: readonly string[];
  /** Wall seconds the seeds took when they were computed (cached ones included), summed. */
  readonly computeSeconds: number;
  /** Wall seconds of this call. */
  readonly elapsedSeconds: number;
  /** How this call computed its seeds: "this process", "2 worker processes" or "queue redis://…". */
  readonly how: string;
  readonly codeHash: string;
  readonly numerics: string;
  /** One line for a report: "10 seeds + 2 tuning: 3 computed now, 9 from the cache; commit abc1234; 31.2 min of compute". */
  readonly line: string;
}

/** Everything a study run produced. */
export interface StudyRun<S extends object = object, C = unknown, R = unknown, T = unknown> {
  readonly study: string;
  readonly question: string;
  readonly settings: S;
  readonly settingsHash: string;
  readonly seeds: readonly number[];
  readonly tuneSeeds: readonly number[];
  readonly tuning: readonly T[];
  readonly chosen: C;
  readonly results: readonly R[];
  readonly summary: StudySummary;
  readonly verdict: Verdict;
  readonly provenance: RunProvenance;
}

const OPTION_KEYS = ["seeds", "tuneSeeds", "cache", "workers", "queue", "onProgress"];

function requireSeedList(seeds: unknown, name: string): readonly number[] {
  if (!Array.isArray(seeds) || !seeds.every((s) => Number.isInteger(s)) || new Set(seeds).size !== seeds.length) {
    throw new AntitrainError(`runStudy: ${name} must be a list of distinct integers, e.g. [0, 1, 2], got ${JSON.stringify(seeds)}`);
  }
  return seeds;
}

function workerCount(options: RunStudyOptions): number {
  const raw = options.workers ?? (process.env.SEED_WORKERS ? Number(process.env.SEED_WORKERS) : 1);
  if (!(Number.isInteger(raw) && raw >= 1)) throw new AntitrainError(`runStudy: workers must be a whole number >= 1 (or SEED_WORKERS=2), got ${raw}`);
  return raw;
}

/**
 * Runs a study: tuning seeds (if the study tunes), `choose`, study seeds, `summarize`, `verdict`.
 *
 * @example
 * const study = st.STUDIES["04-compression"];
 * const run = await st.runStudy(study, study.settings(QUICK ? "quick" : "full"), { seeds: [0, 1, 2], tuneSeeds: [100], cache: !QUICK });
 * console.log(run.verdict.sentence, run.provenance.line);
 */
export async function runStudy<S extends object, C, R, T>(study: Study<S, C, R, T>, settings: S, options: RunStudyOptions): Promise<StudyRun<S, C, R, T>> {
  const started = Date.now();
  if (study === null || typeof study !== "object" || typeof study.run !== "function") {
    throw new AntitrainError("runStudy needs a study, e.g. st.STUDIES[\"04-compression\"]");
  }
  if (options === null || typeof options !== "object") throw new AntitrainError("runStudy needs options { seeds: [0, 1, 2] }");
  requireKnownKeys(options, OPTION_KEYS, "runStudy's options");
  const seeds = requireSeedList(options.seeds, "seeds");
  if (seeds.length === 0) throw new AntitrainError("runStudy: seeds must name at least one seed, e.g. [0]");
  const tuneSeeds = study.tune === undefined ? [] : requireSeedList(options.tuneSeeds ?? [], "tuneSeeds");
  if (study.tune === undefined && options.tuneSeeds !== undefined && options.tuneSeeds.length > 0) {
    throw new AntitrainError(`runStudy: study ${study.name} tunes nothing, so it takes no tuneSeeds`);
  }
  study.check(settings);
  const settingsJson = canonicalJson(settings);
  if (canonicalJson(JSON.parse(settingsJson)) !== settingsJson) throw new AntitrainError(`runStudy: the settings of ${study.name} must be plain JSON`);
  await ready({ quiet: true });
  const log = options.onProgress ?? ((line: string) => console.log(line));
  const queue = options.queue ?? (options.cache === true ? process.env.SEED_QUEUE : undefined);
  const runner = new SeedRunner(study.name, options.cache === true, workerCount(options), queue === "" ? undefined : queue, log);
  const base = { study: study.name, settingsHash: jsonHash(settings), codeHash: codeHash(), numerics: numericsTag(), settings };
  try {
    const tuneJobs = tuneSeeds.map((seed): SeedJob => ({ ...base, kind: "tune", seed, chosenHash: null }));
    const tuning = (await runner.values(study, tuneJobs)).flat() as T[];
    const chosen = study.choose(settings, tuning);
    const chosenHash = jsonHash(chosen ?? null);
    const runJobs = seeds.map((seed): SeedJob => ({ ...base, kind: "run", seed, chosenHash, chosen: chosen ?? null }));
    const results = (await runner.values(study, runJobs)) as R[];
    const summary = study.summarize(settings, results);
    const verdict = study.verdict(summary);
    const provenance = runner.provenance(base.codeHash, base.numerics, started, seeds.length, tuneSeeds.length);
    return { study: study.name, question: study.question, settings, settingsHash: base.settingsHash, seeds, tuneSeeds, tuning, chosen, results, summary, verdict, provenance };
  } finally {
    runner.close();
  }
}

/** Computes or reads seeds, and remembers where each came from. */
class SeedRunner {
  private readonly sources: SeedSource[] = [];
  private pool: WorkerPool | undefined;

  constructor(
    private readonly study: string,
    private readonly cache: boolean,
    private readonly workers: number,
    private readonly queue: string | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /** The values of `jobs`, in order: cached where the key matches (with `cache`), else computed. */
  async values(study: Study<object, unknown, unknown, unknown>, jobs: readonly SeedJob[]): Promise<unknown[]> {
    const records: (SeedRecord | undefined)[] = jobs.map((job) => {
      if (!this.cache) return undefined;
      const hit = readSeedRecord(job);
      if ("record" in hit) return hit.record;
      if ("stale" in hit) this.log(`${this.study} ${label(job.kind, job.seed)}: cached record ${hit.stale}; recomputing`);
      return undefined;
    });
    const missing = jobs.filter((_, i) => records[i] === undefined);
    for (const r of records) if (r !== undefined) this.sources.push({ ...r.provenance, source: "cache" });
    if (missing.length > 0) {
      const computed = await this.compute(study, missing);
      for (const r of computed) {
        this.sources.push({ ...r.provenance, source: "computed" });
        records[jobs.findIndex((j) => j.kind === r.kind && j.seed === r.seed)] = r;
      }
    }
    return records.map((r) => (r as SeedRecord).value);
  }

  private async compute(study: Study<object, unknown, unknown, unknown>, jobs: readonly SeedJob[]): Promise<SeedRecord[]> {
    const done: SeedRecord[] = [];
    const report = (r: SeedRecord) => {
      done.push(r);
      // Each seed reaches the cache as soon as it is computed, so an interrupted run resumes from the seeds it finished.
      if (this.cache) writeSeedRecord(r);
      this.log(`${this.study} ${label(r.kind, r.seed)} computed in ${seconds(r.provenance.wallSeconds)} by ${r.provenance.computedBy} (${done.length}/${jobs.length})`);
    };
    if (this.queue !== undefined) {
      const { queueSeedJobs } = require("./seed-queue") as typeof import("./seed-queue"); // loads BullMQ only now
      for (const r of await queueSeedJobs(jobs, { redis: this.queue, log: this.log })) report(r);
    } else if (this.workers > 1 && jobs.length > 1) {
      this.pool ??= new WorkerPool(this.workers);
      await Promise.all(jobs.map((job) => this.pool?.compute(job).then(report)));
    } else {
      for (const job of jobs) report(computeSeed(study, job));
    }
    return done;
  }

  provenance(codeHash: string, numerics: string, started: number, seeds: number, tuneSeeds: number): RunProvenance {
    const computed = this.sources.filter((s) => s.source === "computed").length;
    const cached = this.sources.length - computed;
    const commits = [...new Set(this.sources.map((s) => describeCommit(s.commit, s.changes)))];
    const computeSeconds = this.sources.reduce((a, s) => a + s.wallSeconds, 0);
    const how = this.queue !== undefined ? `queue ${this.queue}` : this.workers > 1 ? `${this.workers} worker processes` : "this process";
    const counts = `${seeds} seed${seeds === 1 ? "" : "s"}${tuneSeeds > 0 ? ` + ${tuneSeeds} tuning` : ""}`;
    const line = `${counts}: ${computed} computed now${computed > 0 ? ` (${how})` : ""}, ${cached} from the cache; computed at ${commits.length === 1 ? "commit" : "commits"} ${commits.join(", ")}; ${seconds(computeSeconds)} of compute`;
    return { seeds: this.sources, computed, cached, commits, computeSeconds, elapsedSeconds: (Date.now() - started) / 1000, how, codeHash, numerics, line };
  }

  close(): void {
    this.pool?.close();
  }
}

/** "a1b2c3d" or "a1b2c3d + changes 1f2e3d4c5b6a". */
export function describeCommit(commit: string, changes: string | null): string {
  const head = /^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 7) : commit;
  return changes === null ? head : `${head} + uncommitted changes ${changes}`;
}

function label(kind: SeedKind, seed: number): string {
  return kind === "tune" ? `tuning seed ${seed}` : `seed ${seed}`;
}

function seconds(s: number): string {
  return s < 90 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
}

/** The seed worker's file beside this one (.ts under tsx, .js in dist/). */
export function seedWorkerFile(): string {
  return path.join(__dirname, `seed-worker${path.extname(__filename)}`);
}


/** Worker processes, each computing one seed at a time. */
class WorkerPool {
  private readonly idle: ChildProcess[] = [];
  private readonly waiting: ((w: ChildProcess) => void)[] = [];
  private readonly all: ChildProcess[] = [];

  constructor(size: number) {
    const env = childThreadsEnv(size);
    for (let i = 0; i < size; i++) {
      const child = fork(seedWorkerFile(), [], { env, stdio: ["ignore", "inherit", "inherit", "ipc"] });
      this.all.push(child);
      child.once("message", () => this.release(child)); // its first message says it is ready
    }
  }

  private release(child: ChildProcess): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(child);
    else this.idle.push(child);
  }

  private take(): Promise<ChildProcess> {
    const child = this.idle.shift();
    return child !== undefined ? Promise.resolve(child) : new Promise((resolve) => this.waiting.push(resolve));
  }

  async compute(job: SeedJob): Promise<SeedRecord> {
    const child = await this.take();
    try {
      return await new Promise<SeedRecord>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new AntitrainError(`a seed worker stopped (exit ${code}) while computing ${job.study} ${label(job.kind, job.seed)}`));
        child.once("exit", onExit);
        child.once("message", (m: { record?: SeedRecord; error?: string }) => {
          child.off("exit", onExit);
          if (m.error !== undefined) reject(new AntitrainError(`${job.study} ${label(job.kind, job.seed)} failed in a seed worker: ${m.error}`));
          else resolve(m.record as SeedRecord);
        });
        child.send({ job });
      });
    } finally {
      this.release(child);
    }
  }

  close(): void {
    for (const c of this.all) if (c.connected) c.disconnect();
  }
}
