import type * as tf from "@tensorflow/tfjs";
import { type Dataset, forEachSlice, size } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { markMeasured, siteFingerprint } from "../base/fingerprint";
import { type HookedModel, siteFeatures } from "../models/types";
import { Rng, rngFor } from "../base/rng";
import type { SiteInfo } from "../models/types";
import { requireData, requireFinite, requireKnownKeys, requirePositiveInt, requireSeed, requireSite } from "../base/validate";

/**
 * Per-unit activation statistics of one site: mean and std (Welford, over every value seen — for sequence sites,
 * every position) and a bank of recent activation rows to resample from.
 */
export interface UnitStats {
  readonly site: string;
  readonly units: number;
  /** Elements per unit (the site's width, default 1): mean, std and bank rows hold units × width values. */
  readonly width?: number;
  /** Values seen per unit. */
  readonly count: number;
  readonly mean: Float32Array;
  readonly std: Float32Array;
  /** Recent activation rows, `[bankRows, units × width]` row-major. */
  readonly bank: Float32Array;
  readonly bankRows: number;
  /**
   * Rows per example, present where it is more than 1: the positions of a convolution's feature map (h × w) or of a
   * sequence. `count`, `mean`, `std` and `bank` then pool every position; the fields below keep them apart, for
   * the `whole-map` and `per-position` randomizations (`spatial`, see randomize.ts).
   */
  readonly positions?: number;
  /** Per-position mean, `[positions, units × width]` (with `positions`). */
  readonly positionMean?: Float32Array;
  /** Per-position std (population), `[positions, units × width]` (with `positions`). */
  readonly positionStd?: Float32Array;
  /** Whole maps of a seeded random subset of examples, `[mapRows, positions × units × width]` (with `positions`). */
  readonly maps?: Float32Array;
  readonly mapRows?: number;
}

/** Options for {@link collectStats} and {@link StatsTracker}. */
export interface StatsOptions {
  /** Rows kept for resampling. Default 512. */
  bankSize?: number;
  /** Seed for which rows enter the bank. Default 0. */
  seed?: number;
  /** Examples per forward pass. Default 512. */
  batchSize?: number;
  /**
   * Examples whose whole maps are kept for the `whole-map` and `per-position` resampling, at a site with several
   * positions per example (memory: mapBankSize × positions × units × width floats). Default: `bankSize`.
   */
  mapBankSize?: number;
}

const STATS_OPTION_KEYS = ["bankSize", "seed", "batchSize", "mapBankSize"] as const satisfies readonly (keyof StatsOptions)[];
const TRACKER_OPTION_KEYS = ["bankSize", "width"] as const;

/**
 * Checks `stats` describe `info`'s site: collected there (its `site`), with its units and width. Stats of another
 * site would randomize units with another site's distribution and report it as this one's.
 */
export function requireStatsFor(stats: UnitStats, info: SiteInfo, what = "stats"): void {
  if (stats === null || typeof stats !== "object" || typeof stats.units !== "number") {
    throw new AntitrainError(`${what} must be UnitStats from at.collectStats(model, "${info.name}", data), got ${stats === null ? "null" : typeof stats}`);
  }
  if (stats.site !== info.name) {
    throw new AntitrainError(
      `${what} were collected at site "${stats.site}", not "${info.name}": collect them with at.collectStats(model, "${info.name}", data)`,
    );
  }
  if (stats.units !== info.units) {
    throw new AntitrainError(`${what} have ${stats.units} units but site "${info.name}" has ${info.units}: collect stats for this site`);
  }
  if ((stats.width ?? 1) !== (info.width ?? 1)) {
    throw new AntitrainError(`${what} have units of width ${stats.width ?? 1} but site "${info.name}" has width ${info.width ?? 1}: collect stats for this site`);
  }
}

/**
 * Streaming per-unit statistics (Welford mean/variance in float64) and a bounded bank of recent rows (a ring
 * buffer), usable during training: feed it activations, read a {@link UnitStats} snapshot whenever needed.
 *
 * @example
 * const tracker = new at.StatsTracker("h1", 128);
 * tracker.update(activations);          // [batch, 128] tensor or Float32Array
 * const stats = tracker.snapshot();
 */
export class StatsTracker {
  private n = 0;
  private readonly m: Float64Array;
  private readonly m2: Float64Array;
  private readonly bank: Float32Array;
  private bankFill = 0;
  private bankNext = 0;
  private readonly bankSize: number;
  /** Values per row: units × width. */
  private readonly cols: number;
  readonly width: number;

  constructor(
    readonly site: string,
    readonly units: number,
    options: Pick<StatsOptions, "bankSize"> & { width?: number } = {},
  ) {
    requireKnownKeys(options, TRACKER_OPTION_KEYS, "StatsTracker");
    requirePositiveInt(units, "units");
    this.bankSize = options.bankSize ?? 512;
    this.width = options.width ?? 1;
    requirePositiveInt(this.bankSize, "bankSize");
    requirePositiveInt(this.width, "width");
    this.cols = units * this.width;
    this.m = new Float64Array(this.cols);
    this.m2 = new Float64Array(this.cols);
    this.bank = new Float32Array(this.bankSize * this.cols);
  }

  /** Adds rows of activations (`[rows, units × width]`, or any shape whose last axis is `units × width`). */
  update(act: tf.Tensor | Float32Array): void {
    if (!(act instanceof Float32Array) && act.shape[act.rank - 1] !== this.cols) {
      throw new AntitrainError(`stats for "${this.site}" expect ${this.cols} values on the last axis, got shape [${act.shape.join(", ")}]`);
    }
    const v = act instanceof Float32Array ? act : (act.dataSync() as Float32Array);
    const w = this.cols;
    const rows = v.length / w;
    for (let r = 0; r < rows; r++) {
      this.n++;
      const off = r * w;
      for (let u = 0; u < w; u++) {
        const x = v[off + u];
        const d = x - this.m[u];
        this.m[u] += d / this.n;
        this.m2[u] += d * (x - this.m[u]);
      }
      this.bank.set(v.subarray(off, off + w), this.bankNext * w);
      this.bankNext = (this.bankNext + 1) % this.bankSize;
      this.bankFill = Math.min(this.bankFill + 1, this.bankSize);
    }
  }

  /** Forgets everything seen. */
  reset(): void {
    this.n = 0;
    this.m.fill(0);
    this.m2.fill(0);
    this.bankFill = 0;
    this.bankNext = 0;
  }

  /** The statistics so far (population std). */
  snapshot(): UnitStats {
    if (this.n === 0) throw new AntitrainError(`no activations seen for "${this.site}" yet: call update() first`);
    return {
      site: this.site,
      units: this.units,
      ...(this.width === 1 ? {} : { width: this.width }),
      count: this.n,
      mean: Float32Array.from(this.m),
      std: Float32Array.from(this.m2, (s) => Math.sqrt(s / this.n)),
      bank: this.bank.slice(0, this.bankFill * this.cols),
      bankRows: this.bankFill,
    };
  }
}

/**
 * Mean, std and a resampling bank for every unit of `site`, over `data`. The bank holds a seeded random subset of
 * rows (not the last ones, so sorted data gives an unbiased bank). At a site with several positions per example (a
 * convolution's channels over their feature map, a sequence site), the stats also keep per-position mean and std and
 * the whole maps of a seeded random subset of `mapBankSize` examples (for the `spatial` randomizations). Streams: memory is
 * one batch of activations plus the banks and the per-position sums, whatever the size of the data. Leaves the
 * model unchanged.
 *
 * @example
 * const stats = at.collectStats(model, "h1", train);   // { mean, std, count, bank, ... }
 * const conv = at.collectStats(cnn, "conv1", images);  // also { positions, positionMean, positionStd, maps, ... }
 */
export function collectStats(model: HookedModel, site: string, data: Dataset, options: StatsOptions = {}): UnitStats {
  const info = requireSite(model, site);
  requireData(model, data);
  requireKnownKeys(options, STATS_OPTION_KEYS, "collectStats");
  requirePositiveInt(options.bankSize ?? 512, "bankSize");
  requirePositiveInt(options.batchSize ?? 512, "batchSize");
  if (options.mapBankSize !== undefined) requirePositiveInt(options.mapBankSize, "mapBankSize");
  requireSeed(options.seed ?? 0);
  const seed = options.seed ?? 0;
  const n = size(data);
  const bankSize = Math.min(options.bankSize ?? 512, n);
  const mapBankSize = Math.min(options.mapBankSize ?? options.bankSize ?? 512, n);
  const cols = siteFeatures(info);
  let acc: StatsAccumulator | null = null;
  forEachSlice(data, options.batchSize ?? 512, (x, _y, start) => {
    const split = model.split(site, x);
    try {
      requireFinite(split.act, `activations of site "${site}"`);
      const m = x.shape[0];
      // Sequence and convolution sites give several rows (positions) per example.
      acc ??= new StatsAccumulator(cols, split.act.size / (m * cols), n, bankSize, mapBankSize, seed);
      acc.add(split.act.dataSync() as Float32Array, start, m);
    } finally {
      split.dispose();
    }
  });
  if (acc === null) throw new AntitrainError(`no activations seen for "${site}": the data is empty`);
  return markMeasured((acc as StatsAccumulator).snapshot(info), siteFingerprint(model, site));
}

/**
 * The last `k` entries of `rng.permutation(n)`, equal to them and drawing the same numbers, in O(k) memory: the
 * Fisher–Yates shuffle fixes positions n−1, n−2, … first and never touches them again.
 */
export function permutationTail(rng: Rng, n: number, k: number): Int32Array {
  const swapped = new Map<number, number>();
  const at = (i: number): number => swapped.get(i) ?? i;
  const stop = Math.max(n - k, 1);
  for (let i = n - 1; i >= stop; i--) {
    const j = rng.int(i + 1);
    const vi = at(i);
    swapped.set(i, at(j));
    swapped.set(j, vi);
  }
  return Int32Array.from({ length: Math.min(k, n) }, (_, t) => at(n - Math.min(k, n) + t));
}

/**
 * {@link collectStats}'s streaming state: pooled Welford moments in float64 (in data order), per-position moments,
 * the row bank (the same rows, in the same slots, as a ring buffer fed every row in the seeded shuffled order would
 * hold at the end) and the bank of whole maps.
 */
class StatsAccumulator {
  private seen = 0;
  private readonly m: Float64Array;
  private readonly m2: Float64Array;
  private readonly pm: Float64Array | null; // [positions, cols]
  private readonly pm2: Float64Array | null;
  private readonly bank: Float32Array;
  /** Global row index → bank slot. */
  private readonly bankSlot = new Map<number, number>();
  private readonly maps: Float32Array | null;
  /** Example index → map slot. */
  private readonly mapSlot = new Map<number, number>();

  constructor(
    private readonly cols: number,
    private readonly positions: number,
    examples: number,
    private readonly bankSize: number,
    private readonly mapBankSize: number,
    seed: number,
  ) {
    this.m = new Float64Array(cols);
    this.m2 = new Float64Array(cols);
    const total = examples * positions;
    // A ring of bankSize slots fed the rows in shuffled order keeps shuffled index i (the last bankSize) in slot i % bankSize.
    const tail = permutationTail(new Rng(seed), total, bankSize);
    tail.forEach((row, t) => this.bankSlot.set(row, (total - bankSize + t) % bankSize));
    this.bank = new Float32Array(bankSize * cols);
    const spatial = positions > 1;
    this.pm = spatial ? new Float64Array(positions * cols) : null;
    this.pm2 = spatial ? new Float64Array(positions * cols) : null;
    this.maps = spatial ? new Float32Array(mapBankSize * positions * cols) : null;
    if (spatial) permutationTail(rngFor(seed, 1), examples, mapBankSize).forEach((e, t) => this.mapSlot.set(e, t));
  }

  /** Adds the activations `[m, positions, cols]` of examples `start .. start + m − 1`. */
  add(v: Float32Array, start: number, m: number): void {
    const w = this.cols;
    const positions = this.positions;
    const rows = m * positions;
    for (let r = 0; r < rows; r++) {
      const off = r * w;
      this.seen++;
      for (let u = 0; u < w; u++) {
        const x = v[off + u];
        const d = x - this.m[u];
        this.m[u] += d / this.seen;
        this.m2[u] += d * (x - this.m[u]);
      }
      const slot = this.bankSlot.get(start * positions + r);
      if (slot !== undefined) this.bank.set(v.subarray(off, off + w), slot * w);
    }
    if (this.pm === null || this.pm2 === null || this.maps === null) return;
    for (let e = 0; e < m; e++) {
      const k = start + e + 1; // examples seen at every position
      const base = e * positions * w;
      for (let i = 0; i < positions * w; i++) {
        const x = v[base + i];
        const d = x - this.pm[i];
        this.pm[i] += d / k;
        this.pm2[i] += d * (x - this.pm[i]);
      }
      const slot = this.mapSlot.get(start + e);
      if (slot !== undefined) this.maps.set(v.subarray(base, base + positions * w), slot * positions * w);
    }
  }

  snapshot(info: SiteInfo): UnitStats {
    const n = this.seen;
    const width = info.width ?? 1;
    const stats: UnitStats = {
      site: info.name,
      units: info.units,
      ...(width === 1 ? {} : { width }),
      count: n,
      mean: Float32Array.from(this.m),
      std: Float32Array.from(this.m2, (s) => Math.sqrt(s / n)),
      bank: this.bank,
      bankRows: this.bankSize,
    };
    if (this.pm === null || this.pm2 === null || this.maps === null) return stats;
    const examples = n / this.positions;
    return {
      ...stats,
      positions: this.positions,
      positionMean: Float32Array.from(this.pm),
      positionStd: Float32Array.from(this.pm2, (s) => Math.sqrt(s / examples)),
      maps: this.maps,
      mapRows: this.mapBankSize,
    };
  }
}
