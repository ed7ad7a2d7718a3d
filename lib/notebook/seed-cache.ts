import * as fs from "node:fs";
import * as path from "node:path";
import { AntitrainError } from "../base/errors";
import { numericsTag } from "../base/backend";
import { readJson, writeJsonAtomic } from "../base/io";

/**
 * One seed's results, computed once: when `enabled`, the value is read from
 * `.cache/seeds/NAME/seed-SEED.json` if that file was written with the same `settings` (compared as JSON) and the
 * same numerics (`numericsTag()`: backend and wasm matmul kernels), else
 * computed, written atomically and returned — so an interrupted full notebook run resumes at the first missing
 * seed, and a changed setting recomputes. `ANTITRAIN_SEED_CACHE` overrides the folder. With `enabled` false
 * (quick runs) it always computes and writes nothing. The value must be plain JSON (typed arrays come back as arrays).
 *
 * @example
 * const rows = at.cachedSeed("03-regularization", { steps: STEPS }, seed, !QUICK, () => runSeed(seed));
 */
export function cachedSeed<T>(name: string, settings: unknown, seed: number, enabled: boolean, compute: () => T): T {
  if (!enabled) return compute();
  const file = seedFile(name, seed);
  const hit = cachedValue<T>(file, settings);
  if (hit !== undefined) return hit.value;
  const key = JSON.stringify(settings);
  const value = compute();
  writeJsonAtomic(file, { settings: key, numerics: numericsTag(), value, writtenAt: new Date().toISOString() });
  return value;
}

function seedFile(name: string, seed: number): string {
  const dir = process.env.ANTITRAIN_SEED_CACHE ?? path.resolve(__dirname, "..", "..", ".cache", "seeds");
  return path.join(dir, name, `seed-${seed}.json`);
}

/** Records written before the numerics tag existed were all computed on wasm with tfjs's own matmul kernels. */
const UNTAGGED = "wasm/tfjs";

function cachedValue<T>(file: string, settings: unknown): { value: T } | undefined {
  const hit = fs.existsSync(file) ? readJson<{ settings: string; numerics?: string; value: T }>(file) : undefined;
  if (hit === undefined || hit.settings !== JSON.stringify(settings)) return undefined;
  return (hit.numerics ?? UNTAGGED) === numericsTag() ? { value: hit.value } : undefined;
}

/** This process's share of a seed sweep: `ANTITRAIN_SEED_SHARD="k/n"` (set by `npm run notebooks` with SEED_WORKERS=n). */
export function seedShard(): { index: number; count: number } | null {
  const spec = process.env.ANTITRAIN_SEED_SHARD;
  if (spec === undefined || spec === "") return null;
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new AntitrainError(`ANTITRAIN_SEED_SHARD="${spec}" must be "k/n" with 0 <= k < n, e.g. "0/2"`);
  }
  return { index, count };
}

/**
 * Fills the seed cache for a whole sweep before a notebook's loop over `seeds` reads it with {@link cachedSeed}
 * (same name and settings). Alone, it computes every missing seed in turn. As one of n worker processes
 * (`ANTITRAIN_SEED_SHARD="k/n"`: `SEED_WORKERS=n FULL=1 npm run notebooks` starts n kernels per notebook) it
 * computes only the seeds at positions k, k+n, ... and then waits until the other workers have cached the rest,
 * so n kernels share a sweep and each then renders the same complete report. Does nothing when `enabled` is false
 * (quick runs, which never cache).
 *
 * @example
 * at.prefetchSeeds("01-concentration", settings, SEEDS, !QUICK, (seed) => runSeed(seed));
 * for (const seed of SEEDS) rows.push(at.cachedSeed("01-concentration", settings, seed, !QUICK, () => runSeed(seed)));
 */
export function prefetchSeeds<T>(
  name: string,
  settings: unknown,
  seeds: readonly number[],
  enabled: boolean,
  compute: (seed: number) => T,
  options: { waitSeconds?: number } = {},
): void {
  if (!enabled) return;
  const shard = seedShard();
  const mine = shard === null ? seeds : seeds.filter((_, i) => i % shard.count === shard.index);
  for (const seed of mine) cachedSeed(name, settings, seed, true, () => compute(seed));
  if (shard === null) return;
  const deadline = Date.now() + 1000 * (options.waitSeconds ?? Number(process.env.ANTITRAIN_SEED_WAIT_S ?? 7200));
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const seed of seeds) {
    while (cachedValue(seedFile(name, seed), settings) === undefined) {
      if (Date.now() > deadline) {
        throw new AntitrainError(
          `seed ${seed} of "${name}" never appeared in the cache: another seed worker failed or is still running (ANTITRAIN_SEED_WAIT_S raises the wait)`,
        );
      }
      Atomics.wait(pause, 0, 0, 250); // a synchronous sleep: notebook cells are synchronous
    }
  }
}
