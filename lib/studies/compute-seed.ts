/** Computes one seed of a study in this process and records how: the one place every way of running a seed ends. */
import * as os from "node:os";
import { type CodeVersion, codeVersion } from "../base/commit";
import { numericsTag } from "../base/backend";
import { AntitrainError } from "../base/errors";
import type { SeedKey, SeedKind, SeedRecord } from "./seed-records";
import type { AnyStudy } from "./study";

/** One seed to compute: its key and what it computes from (plain JSON, so it can travel to a worker). */
export interface SeedJob extends SeedKey {
  readonly kind: SeedKind;
  readonly settings: object;
  /** The chosen knobs (study seeds only). */
  readonly chosen?: unknown;
}

let version: CodeVersion | undefined;

/** This checkout's code version, read once per process. */
export function processVersion(): CodeVersion {
  version ??= codeVersion();
  return version;
}

/**
 * Runs `study.tune` or `study.run` for the job's seed and returns the record the cache stores. Refuses a job made
 * with other numerics than this process computes with. The value is passed through JSON, as a cached one would be.
 *
 * @example
 * const record = computeSeed(study, job);   // record.value, record.provenance.wallSeconds
 */
export function computeSeed(study: AnyStudy, job: SeedJob): SeedRecord {
  if (study.name !== job.study) throw new AntitrainError(`seed job for study "${job.study}" given to study "${study.name}"`);
  if (numericsTag() !== job.numerics) {
    throw new AntitrainError(`the job was made with numerics ${job.numerics}, this process computes with ${numericsTag()}: set ANTITRAIN_BACKEND / ANTITRAIN_WASM_MATMUL alike`);
  }
  const wall = Date.now();
  const cpu = process.cpuUsage();
  let value: unknown;
  if (job.kind === "tune") {
    if (study.tune === undefined) throw new AntitrainError(`study ${study.name} tunes nothing: it has no tuning seeds`);
    value = study.tune(job.settings, job.seed);
  } else {
    value = study.run(job.settings, job.chosen, job.seed);
  }
  const used = process.cpuUsage(cpu);
  const v = processVersion();
  const { settings: _s, chosen: _c, ...key } = job;
  return {
    ...key,
    provenance: {
      kind: job.kind,
      seed: job.seed,
      commit: v.commit,
      changes: v.changes,
      codeHash: job.codeHash,
      numerics: job.numerics,
      wallSeconds: (Date.now() - wall) / 1000,
      cpuSeconds: (used.user + used.system) / 1e6,
      computedBy: `${os.hostname()}:${process.pid}`,
      writtenAt: new Date().toISOString(),
    },
    value: JSON.parse(JSON.stringify(value ?? null)),
  };
}
