import { AntitrainError } from "../base/errors";
import { numericsTag } from "../base/backend";
import { codeHash } from "../studies/code-hash";
import { cachedValue, rememberSeed, writeSeedRecord } from "./seed-store";

/**
 * One seed's results, computed once: when `enabled`, the value is read from
 * `.cache/seeds/NAME/seed-SEED.json` if that file was written with the same `settings` (compared as JSON), the
 * same library code (`codeHash()`: every source under lib/) and the same numerics (`numericsTag()`: backend and wasm matmul kernels), else
 * computed, written atomically and returned — so an interrupted full notebook run resumes at the first missing
 * seed, and a changed setting recomputes. `ANTITRAIN_SEED_CACHE` overrides the folder. With `enabled` false
 * (quick runs) it always computes and writes nothing. The value must be plain JSON (typed arrays come back as arrays).
 *
 * @example
 * const rows = at.cachedSeed("03-regularization", { steps: STEPS }, seed, !QUICK, () => runSeed(seed));
 */
export function cachedSeed<T>(name: string, settings: unknown, seed: number, enabled: boolean, compute: () => T): T {
  requireSeeds("cachedSeed", name, [seed]);
  if (!enabled) return compute();
  const key = cacheKey(settings);
  rememberSeed(name, key, seed);
  const hit = cachedValue<T>(name, seed, key, numericsTag());
  if (hit !== undefined) return hit.value;
  const value = compute();
  writeSeedRecord(name, seed, key, numericsTag(), value);
  return value;
}

/** A seed cache's name is a folder name; seeds are integers. */
function requireSeeds(fn: string, name: string, seeds: readonly number[]): void {
  if (typeof name !== "string" || !/^[\w.-]+$/.test(name) || name.startsWith(".")) {
    throw new AntitrainError(`${fn}: name must be a plain file name such as "04-compression" (letters, digits, - _ .), got ${JSON.stringify(name)}`);
  }
  if (!Array.isArray(seeds) || !seeds.every((s) => Number.isInteger(s))) {
    throw new AntitrainError(`${fn}: seeds must be integers, e.g. [0, 1, 2], got ${JSON.stringify(seeds)}`);
  }
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
 * (Seeds on the sweep queue are for studies run with `runStudy`, lib/studies.)
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
  requireSeeds("prefetchSeeds", name, seeds);
  if (!enabled) return;
  const key = cacheKey(settings);
  const queue = process.env.SEED_QUEUE;
  if (queue !== undefined && queue !== "") {
    throw new AntitrainError(`${name}: SEED_QUEUE takes the seeds of studies run with runStudy (antitrain/studies); this notebook still computes its seeds itself: run it without SEED_QUEUE, or with SEED_WORKERS=2`);
  }
  const shard = seedShard();
  const mine = shard === null ? seeds : seeds.filter((_, i) => i % shard.count === shard.index);
  for (const seed of mine) cachedSeed(name, settings, seed, true, () => compute(seed));
  if (shard === null) return;
  const deadline = Date.now() + 1000 * (options.waitSeconds ?? Number(process.env.ANTITRAIN_SEED_WAIT_S ?? 7200));
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const seed of seeds) {
    while (cachedValue(name, seed, key, numericsTag()) === undefined) {
      if (Date.now() > deadline) {
        throw new AntitrainError(
          `seed ${seed} of "${name}" never appeared in the cache: another seed worker failed or is still running (ANTITRAIN_SEED_WAIT_S raises the wait)`,
        );
      }
      Atomics.wait(pause, 0, 0, 250); // a synchronous sleep: notebook cells are synchronous
    }
  }
}

/** The cache key of a seed: its settings and the library's code hash, as JSON (a change to lib/ recomputes). */
function cacheKey(settings: unknown): string {
  return JSON.stringify({ settings, code: codeHash() });
}
