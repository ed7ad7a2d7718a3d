import * as fs from "node:fs";
import * as path from "node:path";
import { readJson, writeJsonAtomic } from "./results";

/**
 * One seed's results, computed once: when `enabled`, the value is read from
 * `.cache/seeds/NAME/seed-SEED.json` if that file was written with the same `settings` (compared as JSON), else
 * computed, written atomically and returned — so an interrupted full notebook run resumes at the first missing
 * seed, and a changed setting recomputes. `ANTITRAIN_SEED_CACHE` overrides the folder. With `enabled` false
 * (quick runs) it always computes and writes nothing. The value must be plain JSON (typed arrays come back as arrays).
 *
 * @example
 * const rows = at.cachedSeed("03-regularization", { steps: STEPS }, seed, !QUICK, () => runSeed(seed));
 */
export function cachedSeed<T>(name: string, settings: unknown, seed: number, enabled: boolean, compute: () => T): T {
  if (!enabled) return compute();
  const dir = process.env.ANTITRAIN_SEED_CACHE ?? path.resolve(__dirname, "..", ".cache", "seeds");
  const file = path.join(dir, name, `seed-${seed}.json`);
  const key = JSON.stringify(settings);
  const hit = fs.existsSync(file) ? readJson<{ settings: string; value: T }>(file) : undefined;
  if (hit !== undefined && hit.settings === key) return hit.value;
  const value = compute();
  writeJsonAtomic(file, { settings: key, value, writtenAt: new Date().toISOString() });
  return value;
}
