/**
 * The per-seed cache's files (`.cache/seeds/NAME/seed-SEED.json`, or under `ANTITRAIN_SEED_CACHE`), shared by the
 * local, worker-kernel and queued ways of computing a seed, and the list of seeds this process has read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readJson, writeJsonAtomic } from "../base/io";

/** One record of the seed cache. */
interface SeedRecord<T> {
  /** The settings as JSON. */
  readonly settings: string;
  /** `numericsTag()` of the process that computed the value (absent in records older than the tag). */
  readonly numerics?: string;
  readonly value: T;
}

/** The cache file of one seed. */
export function seedFile(name: string, seed: number): string {
  const dir = process.env.ANTITRAIN_SEED_CACHE ?? path.resolve(__dirname, "..", "..", ".cache", "seeds");
  return path.join(dir, name, `seed-${seed}.json`);
}

/** Records written before the numerics tag existed were all computed on wasm with tfjs's own matmul kernels. */
const UNTAGGED = "wasm/tfjs";

/** The cached value of a seed when its record has these settings (JSON) and numerics, else undefined. */
export function cachedValue<T>(name: string, seed: number, settings: string, numerics: string): { value: T } | undefined {
  const file = seedFile(name, seed);
  const hit = fs.existsSync(file) ? readJson<SeedRecord<T>>(file) : undefined;
  if (hit === undefined || hit.settings !== settings) return undefined;
  return (hit.numerics ?? UNTAGGED) === numerics ? { value: hit.value } : undefined;
}

/** Writes one seed's record atomically; `computedBy` says where it was computed when not in this process. */
export function writeSeedRecord(name: string, seed: number, settings: string, numerics: string, value: unknown, computedBy?: string): void {
  const record = { settings, numerics, value, writtenAt: new Date().toISOString(), ...(computedBy === undefined ? {} : { computedBy }) };
  writeJsonAtomic(seedFile(name, seed), record);
}

/** A seed this process read from (or wrote to) the cache. */
export interface SeedKey {
  readonly name: string;
  readonly settings: string;
  readonly seed: number;
}

const seen = new Map<string, SeedKey>();

/** Notes that this process used a cached seed (a queued seed job hands these values to the notebook it reruns). */
export function rememberSeed(name: string, settings: string, seed: number): void {
  seen.set(JSON.stringify([name, settings, seed]), { name, settings, seed });
}

/** Every seed this process has used so far, in first-use order. */
export function seedsSeen(): SeedKey[] {
  return [...seen.values()];
}
