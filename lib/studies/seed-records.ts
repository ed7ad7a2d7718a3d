/**
 * The seed cache of the studies: one file per study, kind (tuning or study seed) and seed,
 * `.cache/seeds/STUDY/KIND-SEED.json` (or under `ANTITRAIN_SEED_CACHE`), written atomically. A record keeps its
 * key (settings hash, chosen-knobs hash, code hash, numerics) and its provenance (commit, uncommitted changes, wall
 * and CPU seconds, where and when it was computed); it is reused only when the whole key matches.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT, readJson, writeJsonAtomic } from "../base/io";

/** A tuning seed or a study seed. */
export type SeedKind = "tune" | "run";

/** What a cached seed must match to be reused. */
export interface SeedKey {
  readonly study: string;
  readonly kind: SeedKind;
  readonly seed: number;
  readonly settingsHash: string;
  /** Hash of the chosen knobs a study seed ran with (null for tuning seeds). */
  readonly chosenHash: string | null;
  readonly codeHash: string;
  /** `numericsTag()`: backend and matmul kernels. */
  readonly numerics: string;
}

/** How, where and when one seed was computed. */
export interface SeedProvenance {
  readonly kind: SeedKind;
  readonly seed: number;
  /** Full commit hash of the checkout that computed it ("unknown" outside git). */
  readonly commit: string;
  /** Hash of uncommitted code changes at that time, or null when the checkout was clean. */
  readonly changes: string | null;
  readonly codeHash: string;
  readonly numerics: string;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** "host:pid" of the process that computed it. */
  readonly computedBy: string;
  /** ISO time the record was written. */
  readonly writtenAt: string;
}

/** One file of the cache. */
export interface SeedRecord<T = unknown> extends SeedKey {
  readonly provenance: SeedProvenance;
  readonly value: T;
}

/** The cache folder: `ANTITRAIN_SEED_CACHE`, else `.cache/seeds` in the checkout. */
export function seedCacheDir(): string {
  const stated = process.env.ANTITRAIN_SEED_CACHE;
  return stated !== undefined && stated !== "" ? stated : path.join(PACKAGE_ROOT, ".cache", "seeds");
}

/** The file of one seed. */
export function seedRecordFile(key: Pick<SeedKey, "study" | "kind" | "seed">, dir = seedCacheDir()): string {
  return path.join(dir, key.study, `${key.kind}-${key.seed}.json`);
}

const KEY_FIELDS = ["settingsHash", "chosenHash", "codeHash", "numerics"] as const;

/**
 * The cached record of `key`, or why none can be used: `{ missing: true }` when no file exists, `{ stale }` naming
 * the first differing field when one exists with another key (it is then recomputed, never reused).
 */
export function readSeedRecord<T>(key: SeedKey, dir = seedCacheDir()): { record: SeedRecord<T> } | { missing: true } | { stale: string } {
  const file = seedRecordFile(key, dir);
  if (!fs.existsSync(file)) return { missing: true };
  const record = readJson<SeedRecord<T>>(file);
  if (record === undefined || record.provenance === undefined) return { stale: "an older record format" };
  for (const field of KEY_FIELDS) {
    if (record[field] !== key[field]) {
      const what = field === "codeHash" ? `other code (commit ${record.provenance.commit.slice(0, 7)})` : field === "numerics" ? `numerics ${record.numerics}` : `other ${field === "settingsHash" ? "settings" : "chosen knobs"}`;
      return { stale: `computed with ${what}` };
    }
  }
  return { record };
}

/** Writes one seed's record atomically. */
export function writeSeedRecord(record: SeedRecord, dir = seedCacheDir()): void {
  writeJsonAtomic(seedRecordFile(record, dir), record);
}
