import type * as tf from "@tensorflow/tfjs";
import { type Dataset, forEachSlice, size } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { type HookedModel, siteFeatures } from "../models/types";
import { Rng } from "../base/rng";
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
}

/** Options for {@link collectStats} and {@link StatsTracker}. */
export interface StatsOptions {
  /** Rows kept for resampling. Default 512. */
  bankSize?: number;
  /** Seed for which rows enter the bank. Default 0. */
  seed?: number;
  /** Examples per forward pass. Default 512. */
  batchSize?: number;
}

const STATS_OPTION_KEYS = ["bankSize", "seed", "batchSize"] as const satisfies readonly (keyof StatsOptions)[];
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
 * rows (not the last ones, so sorted data gives an unbiased bank). Leaves the model unchanged.
 *
 * @example
 * const stats = at.collectStats(model, "h1", train);   // { mean, std, count, bank, ... }
 */
export function collectStats(model: HookedModel, site: string, data: Dataset, options: StatsOptions = {}): UnitStats {
  const info = requireSite(model, site);
  requireData(model, data);
  requireKnownKeys(options, STATS_OPTION_KEYS, "collectStats");
  requirePositiveInt(options.bankSize ?? 512, "bankSize");
  requirePositiveInt(options.batchSize ?? 512, "batchSize");
  requireSeed(options.seed ?? 0);
  const bankSize = Math.min(options.bankSize ?? 512, size(data));
  const cols = siteFeatures(info);
  const tracker = new StatsTracker(site, info.units, { bankSize, width: info.width });
  const chunks: Float32Array[] = [];
  forEachSlice(data, options.batchSize ?? 512, (x) => {
    const split = model.split(site, x);
    try {
      requireFinite(split.act, `activations of site "${site}"`);
      chunks.push(split.act.dataSync() as Float32Array);
    } finally {
      split.dispose();
    }
  });
  // Sequence sites give several rows (positions) per example.
  const rows = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    rows.set(c, offset);
    offset += c.length;
  }
  const order = new Rng(options.seed ?? 0).permutation(rows.length / cols);
  const shuffled = new Float32Array(rows.length);
  order.forEach((r, i) => shuffled.set(rows.subarray(r * cols, (r + 1) * cols), i * cols));
  tracker.update(shuffled);
  return tracker.snapshot();
}
