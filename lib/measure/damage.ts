import * as tf from "@tensorflow/tfjs";
import { type Dataset, size } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { type Fingerprint, requireAllowStale, requireFresh, siteFingerprint } from "../base/fingerprint";
import { type Metric, damageOf, perExample, requireMetric } from "./metrics";
import { type KernelContext, type Perturbation, type SliceDraw, loopSums, lowRankSums, stackedSums } from "./damage-kernels";
import { type SignFlipEstimate, type SignFlipTally, signFlipEstimate, signFlipSums } from "./damage-signflip";
import type { DenseSiteSplit, HookedModel, SiteSplit } from "../models/types";
import { DEFAULT_SPATIAL, type RandomizeMethod, type SpatialMode, drawReplacements, requireMethod, requireSpatial, requireSpatialFor } from "./randomize";
import { rngFor } from "../base/rng";
import { type UnitStats, collectStats, requireStatsFor } from "./unit-stats";
import { requireData, requireFinite, requireKnownKeys, requireOneOf, requirePositiveInt, requireSeed, requireSite } from "../base/validate";

/** A perturbation: the units of a site randomized together. */
export type UnitSet = readonly number[];

/**
 * How the engine evaluates perturbations:
 * - `auto` (default): `signFlip` for a call of at least 16 single units where the site offers it and a cost model
 *   sampled on the data predicts it at least 1.1× cheaper (wide ReLU layers: on a quiet 2-core machine it took 0.74×
 *   low-rank's time at h1 of a 64→1024→1024→10 MLP, 1000 rows, one thread; BENCHMARKS.md), else `lowRank` for
 *   perturbations of few units where the model exposes the dense layer after the site, `batched` for the rest. The
 *   paths agree to float32 rounding (last digits), so which one `auto` takes can move a result's last digits;
 * - `signFlip`: the exact sparse sign-flip path for single units at a site that feeds a dense layer, a ReLU and
 *   another dense layer (the MLP's sites but the last, with ReLU, and the same in a wrapped `tf.LayersModel`); needs
 *   a model whose `splitDense` offers `next`.
 *   Perturbations of several units go to `lowRank`;
 * - `lowRank`: the exact low-rank shortcut (the dense layer after the site is not recomputed); needs a model
 *   whose `splitDense` supports the site (the MLP's sites all do; a wrapped `tf.LayersModel`'s where a Dense layer
 *   or a 1×1 convolution reads the site);
 * - `batched`: P stacked copies of the clean activation per downstream pass;
 * - `loop`: one full forward pass per perturbation (the plain reference, ground truth).
 */
export type DamagePath = "auto" | "signFlip" | "lowRank" | "batched" | "loop";

export const DAMAGE_PATHS: readonly DamagePath[] = ["auto", "signFlip", "lowRank", "batched", "loop"];

/** The paths perturbations are evaluated on (what `auto` resolves to). */
type ConcretePath = Exclude<DamagePath, "auto">;

/** Options shared by every damage measurement (importance, core search, analyses). */
export interface DamageOptions {
  /** Unit statistics to draw from; default: collected on `data` (seed 0). */
  stats?: UnitStats;
  /** Default "resample". */
  method?: RandomizeMethod;
  /**
   * How a unit spanning several positions per example (a conv channel over its feature map, a sequence site) is
   * randomized: see {@link SpatialMode}. No effect at a dense site. Default "independent".
   */
  spatial?: SpatialMode;
  /** Default "loss". */
  metric?: Metric;
  /** Seed of the random draws. Default 0. */
  seed?: number;
  /** Independent draws averaged. Default 1. */
  samples?: number;
  /** Examples per upstream pass. Default 512. */
  batchSize?: number;
  /**
   * Bound on the elements of one stacked downstream tensor (perturbations × examples × features on the batched
   * path; × the dense layer's outputs on the low-rank path): memory per chunk stays bounded whatever the width.
   * Default 2^23.
   */
  maxElements?: number;
  /** Default "auto" (see {@link DamagePath}); "loop" is the plain reference. */
  path?: DamagePath;
  /**
   * Draw every unit of an example from one random draw (resample: a whole bank row, keeping the randomized units'
   * joint distribution; gaussian: one shared standard normal) instead of independently per unit. Default false.
   * Used by {@link tyingHints} to compare correlated with independent randomization.
   */
  coupled?: boolean;
  /**
   * Accept `stats` measured with other weights upstream of the site (another model, or this one before a training
   * step): refused by default, since they randomize units within the wrong distributions. Default false.
   */
  allowStale?: boolean;
}

/** Every key of {@link DamageOptions} (unknown keys are refused). */
export const DAMAGE_OPTION_KEYS = Object.keys({
  stats: 0,
  method: 0,
  metric: 0,
  seed: 0,
  samples: 0,
  batchSize: 0,
  maxElements: 0,
  path: 0,
  coupled: 0,
  spatial: 0,
  allowStale: 0,
} satisfies Record<keyof DamageOptions, 0>) as readonly (keyof DamageOptions)[];

/**
 * Validates the damage options of a public call before any work: unknown keys (`known`: the caller's own list, by
 * default {@link DAMAGE_OPTION_KEYS}; `what` names the caller), a misspelled method, metric or path, a seed that is
 * not an integer, non-positive counts.
 */
export function requireDamageOptions(options: DamageOptions, what: string, known: readonly string[] = DAMAGE_OPTION_KEYS): void {
  requireKnownKeys(options, known, what);
  if (options === undefined) return;
  if (options.method !== undefined) requireMethod(options.method);
  if (options.spatial !== undefined) requireSpatial(options.spatial);
  if (options.metric !== undefined) requireMetric(options.metric);
  if (options.path !== undefined) requireOneOf(options.path, DAMAGE_PATHS, "path");
  if (options.seed !== undefined) requireSeed(options.seed);
  requireAllowStale(options.allowStale);
  for (const key of ["samples", "batchSize", "maxElements"] as const) {
    const v = options[key];
    if (v !== undefined) requirePositiveInt(v, key);
  }
  if (options.coupled !== undefined && typeof options.coupled !== "boolean") {
    throw new AntitrainError(`coupled must be true or false, got ${JSON.stringify(options.coupled)}`);
  }
}

/** The {@link DamageOptions} part of a caller's options (its own keys left out), for the engine. */
export function pickDamageOptions(options: DamageOptions): DamageOptions {
  const picked: Record<string, unknown> = {};
  for (const key of DAMAGE_OPTION_KEYS) if (key in options) picked[key] = options[key];
  return picked as DamageOptions;
}

/** The result of {@link damage}. */
export interface DamageResult {
  /** The metric with nothing randomized. */
  readonly clean: number;
  /** The metric under each perturbation. */
  readonly values: Float64Array;
  /** Each perturbation's damage (see {@link damageOf}). */
  readonly damage: Float64Array;
}

interface Slice {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor1D;
  /** The forward pass cut at the site: clean activation `[b, ..., features]` and its continuation. */
  readonly split: SiteSplit;
  /** The same cut with the next dense layer exposed, when the model offers it. */
  readonly dense: DenseSiteSplit | null;
  /** Per sample, replacement − act (shaped like `act`): the one stored copy of the draws. */
  readonly deltas: tf.Tensor[];
}

/** Default share of a site's features up to which `auto` takes the low-rank path (a larger set: batched). */
const LOW_RANK_SHARE = 1 / 8;

/** Fewest single-unit perturbations in one call for which `auto` considers the sign-flip path. */
const SIGN_FLIP_MIN_UNITS = 16;

/**
 * How much cheaper the cost model must predict the sign-flip path to be before `auto` takes it. Measured on a quiet
 * 2-core machine (64→W→W→10 ReLU MLP, 1000 rows, h1, CPU time, `bench/signflip.ts`), sign-flip over low-rank took
 * 1.07× (W = 128), 0.91× (256), 0.84× (512) and 0.74× (1024) of the time on one thread, where the model predicted
 * 1.33×, 1.00×, 0.87× and 0.77×: the model is slightly pessimistic, and the margin keeps `auto` on low-rank where
 * the two are close (W ≤ 256 here).
 */
const SIGN_FLIP_MARGIN = 1.1;

/**
 * The one damage engine: every importance method, core search and analysis measures through it. It cuts the
 * forward pass at the site once per slice of data, keeps the clean activations and the random replacement draws,
 * and then evaluates any number of perturbations, never repeating the upstream computation:
 * - where the site feeds a dense layer directly (the model's `splitDense`), a perturbation of a few units S changes
 *   that layer's pre-activation by the exact low-rank term `(draw − act)[:, S] · W[S, :]`, so the layer's matmul
 *   is done once per slice, not once per perturbation (rank 1 for a single unit). The MLP offers it at every site,
 *   the transformer at its head and MLP sites, and a wrapped `tf.LayersModel` (`fromLayersModel`) where the site is
 *   read by a Dense layer or a 1×1 convolution (possibly through dropout and noise layers), also when a skip or
 *   merge reads the site too; other user sites (a flatten or pooling after a conv) take the batched path;
 * - where that dense layer is followed by a ReLU and another dense layer (the model's `splitDense` offers `next`),
 *   single units take the exact sparse sign-flip path: the layer after next moves by one large matmul for all units
 *   plus a correction only where the ReLU's input changes sign (see damage-signflip.ts); `auto` takes it for a call
 *   of at least 16 single units when a cost model, sampled on the first slice, says it is cheaper than low-rank;
 * - otherwise a chunk of P perturbations is one downstream pass over P stacked copies of the slice, each with its
 *   own units replaced; chunks are sized by `maxElements`, so memory stays bounded at any width;
 * - the loop path runs one full forward pass per perturbation and serves as ground truth.
 * Every perturbation of every call uses the same draws (common random numbers), so the paths agree to float32
 * rounding. Call `dispose()` when done.
 *
 * @example
 * const engine = new at.DamageEngine(model, "h1", test, { stats, metric: "accuracy", seed: 0 });
 * const values = engine.evaluate([[0], [1], [0, 1]]);   // accuracy with unit 0, unit 1, both randomized
 * engine.dispose();
 */
export class DamageEngine {
  readonly units: number;
  /** Elements per unit on the site's last axis (an attention head spans dHead). */
  readonly width: number;
  readonly metric: Metric;
  readonly method: RandomizeMethod;
  /** How units spanning several positions are randomized (see {@link SpatialMode}). */
  readonly spatial: SpatialMode;
  /** The metric with nothing randomized. */
  readonly clean: number;
  /** Perturbations evaluated so far. */
  evaluations = 0;
  /** Perturbations evaluated so far on each path (`auto` resolves to `signFlip`, `lowRank` or `batched`). */
  readonly pathCounts: Record<ConcretePath, number> = { signFlip: 0, lowRank: 0, batched: 0, loop: 0 };
  /** On the sign-flip path: the ReLU sign flips corrected and the (unit, row, column) entries they were found among. */
  readonly signFlips: SignFlipTally = { flips: 0, entries: 0 };
  /** The cost estimate behind `auto`'s last sign-flip decision (undefined until one was made): for benchmarks. */
  lastSignFlipEstimate: SignFlipEstimate | undefined = undefined;
  /** The largest `tf.memory().numBytes` seen at the end of a downstream chunk (its tensors alive): for benchmarks. */
  peakBytes = 0;
  /** The fingerprint of the site's upstream weights when the engine was made (results it measures carry it). */
  readonly fingerprint: Fingerprint;
  private readonly slices: Slice[] = [];
  private readonly samples: number;
  private readonly examples: number;
  private readonly maxElements: number;
  private readonly path: DamagePath;

  constructor(
    private readonly model: HookedModel,
    readonly site: string,
    data: Dataset,
    options: DamageOptions = {},
  ) {
    const info = requireSite(model, site);
    this.units = info.units;
    this.width = info.width ?? 1;
    requireData(model, data);
    requireDamageOptions(options, "DamageEngine");
    this.metric = options.metric ?? "loss";
    this.method = options.method ?? "resample";
    this.spatial = options.spatial ?? DEFAULT_SPATIAL;
    this.samples = options.samples ?? 1;
    this.maxElements = options.maxElements ?? 2 ** 23;
    this.path = options.path ?? "auto";
    const batchSize = options.batchSize ?? 512;
    if (options.stats !== undefined) requireStatsFor(options.stats, info);
    this.fingerprint = siteFingerprint(model, site);
    if (options.stats !== undefined) requireFresh(options.stats, this.fingerprint, "the stats", options.allowStale);
    const stats = options.stats ?? collectStats(model, site, data);
    this.examples = size(data);
    try {
      this.prepare(data, stats, batchSize, options.seed ?? 0, options.coupled ?? false);
      if (this.path === "lowRank" && this.slices[0].dense === null) {
        throw new AntitrainError(
          `path "lowRank" needs a model whose site "${site}" feeds a dense layer directly (a ${model.kind} model does not offer it here): use path "auto" or "batched"`,
        );
      }
      if (this.path === "signFlip" && !this.signFlipAvailable) {
        throw new AntitrainError(
          `path "signFlip" needs a site that feeds a dense layer, a ReLU and another dense layer (site "${site}" of this ${model.kind} model does not: the last hidden layer, another activation or no dense split): use path "auto" or "lowRank"`,
        );
      }
      this.clean = this.cleanMetric();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** True when the low-rank shortcut is available at this site. */
  get lowRankAvailable(): boolean {
    return this.slices.length > 0 && this.slices[0].dense !== null;
  }

  /** True when the sign-flip path is available at this site (a dense layer, a ReLU and another dense layer follow it). */
  get signFlipAvailable(): boolean {
    const dense = this.slices.length > 0 ? this.slices[0].dense : null;
    const next = dense?.next;
    return dense !== null && dense.pre.rank === 2 && next !== null && next !== undefined && next.activation === "relu";
  }

  /** The metric under each perturbation (mean over examples and samples). */
  evaluate(perturbations: readonly UnitSet[]): Float64Array {
    if (!Array.isArray(perturbations)) {
      throw new AntitrainError("perturbations must be an array of unit sets, e.g. [[0], [1], [0, 1]]");
    }
    if (this.slices.length === 0) throw new AntitrainError("this DamageEngine was disposed: create a new one to measure again");
    const perts = perturbations.map((p) => this.perturbation(p));
    const byPath: Record<ConcretePath, number[]> = { signFlip: [], lowRank: [], batched: [], loop: [] };
    const signFlip = this.signFlipFor(perts);
    perts.forEach((p, i) => byPath[this.pathFor(p, signFlip)].push(i));
    const sums = new Float64Array(perts.length);
    const ctx: KernelContext = {
      model: this.model,
      site: this.site,
      metric: this.metric,
      maxElements: this.maxElements,
      onChunk: () => {
        this.peakBytes = Math.max(this.peakBytes, tf.memory().numBytes);
      },
    };
    const kernels = {
      signFlip: (c: KernelContext, s: SliceDraw, g: readonly Perturbation[]) => signFlipSums(c, s, g, this.signFlips),
      lowRank: lowRankSums,
      batched: stackedSums,
      loop: loopSums,
    } as const;
    for (const path of ["signFlip", "lowRank", "batched", "loop"] as const) {
      const indices = byPath[path];
      if (indices.length === 0) continue;
      const group = indices.map((i) => perts[i]);
      for (const slice of this.slices) {
        slice.deltas.forEach((delta) => {
          const part = kernels[path](ctx, { ...slice, delta }, group);
          indices.forEach((i, j) => {
            sums[i] += part[j];
          });
        });
      }
      this.pathCounts[path] += indices.length;
    }
    this.evaluations += perts.length;
    const values = sums.map((s) => s / (this.examples * this.samples));
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        throw new AntitrainError(`the ${this.metric} under perturbation ${i} of site "${this.site}" is ${v}: the model's output overflowed`);
      }
    });
    return values;
  }

  /** Damage of each perturbation relative to the clean metric. */
  damage(perturbations: readonly UnitSet[]): Float64Array {
    return this.evaluate(perturbations).map((v) => damageOf(this.metric, this.clean, v));
  }

  dispose(): void {
    for (const s of this.slices.splice(0)) {
      tf.dispose([s.x, s.y, ...s.deltas]);
      s.split.dispose();
    }
  }

  private prepare(data: Dataset, stats: UnitStats, batchSize: number, seed: number, coupled: boolean): void {
    const n = this.examples;
    const wantDense = this.path === "auto" || this.path === "lowRank" || this.path === "signFlip";
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      // Any rank; SliceDraw (damage-kernels.ts) still names it 2-D, and only model.forward reads it.
      const x = data.x.slice([start, 0], [m, -1]) as tf.Tensor2D;
      const y = data.y.slice([start], [m]);
      let split: SiteSplit;
      let dense: DenseSiteSplit | null = null;
      try {
        dense = wantDense && this.model.splitDense !== undefined ? this.model.splitDense(this.site, x) : null;
        split = dense ?? this.model.split(this.site, x);
      } catch (e) {
        tf.dispose([x, y]);
        throw e;
      }
      const act = split.act;
      this.slices.push({ x, y, split, dense, deltas: [] });
      requireFinite(act, `activations of site "${this.site}"`);
      if (act.shape[act.rank - 1] !== this.units * this.width) {
        throw new AntitrainError(`site "${this.site}" produced ${act.shape[act.rank - 1]} values, expected ${this.units * this.width}`);
      }
    }
    // Draws are made per sample over all rows at once, so they do not depend on batchSize.
    const first = this.slices[0].split.act;
    const rowsPerExample = first.size / (first.shape[0] * this.units * this.width);
    requireSpatialFor(stats, this.method, this.spatial, rowsPerExample, this.site);
    for (let s = 0; s < this.samples; s++) {
      const all = drawReplacements(stats, this.method, n * rowsPerExample, rngFor(seed, s), { coupled, spatial: this.spatial });
      let offset = 0;
      for (const slice of this.slices) {
        const act = slice.split.act;
        const len = act.size;
        slice.deltas.push(tf.tidy(() => tf.sub(tf.tensor(all.subarray(offset, offset + len), act.shape), act)));
        offset += len;
      }
    }
  }

  /**
   * The metric with nothing randomized, from the cut the engine already made: where the site feeds a dense layer, its
   * clean pre-activation resumed where the model says that runs the same kernels as `forward` (the MLP: the same bits,
   * without a second pass through the layers before the site); elsewhere a full forward pass.
   */
  private cleanMetric(): number {
    let sum = 0;
    for (const slice of this.slices) {
      sum += tf.tidy(() => {
        const dense = slice.dense;
        const logits = dense?.resumesLikeForward === true ? dense.resumeFromPre(dense.pre, () => slice.split.act) : this.model.forward(slice.x);
        requireFinite(logits, "the model's clean output");
        return perExample(this.metric, logits, slice.y).sum().dataSync()[0];
      });
    }
    return sum / this.examples;
  }

  /** Validates a unit set and lists the distinct columns of the site's last axis it covers (units × width). */
  private perturbation(units: UnitSet): Perturbation {
    if (!Array.isArray(units)) throw new AntitrainError(`a perturbation must be an array of unit indices, got ${String(units)}`);
    for (const u of units) {
      if (!(Number.isInteger(u) && u >= 0 && u < this.units)) {
        throw new AntitrainError(`unit ${u} is not in site "${this.site}" (units 0..${this.units - 1})`);
      }
    }
    const distinct = Array.from(new Set(units)).sort((a, b) => a - b);
    const columns = new Int32Array(distinct.length * this.width);
    distinct.forEach((u, i) => {
      for (let j = 0; j < this.width; j++) columns[i * this.width + j] = u * this.width + j;
    });
    return { columns };
  }

  /**
   * Whether this call's single-column perturbations go to the sign-flip path: always when it is forced; under `auto`,
   * for a call of at least {@link SIGN_FLIP_MIN_UNITS} single units at a site that offers the path, when the cost
   * model ({@link signFlipEstimate}, sampled on the first slice and draw, once per engine) predicts low-rank to cost
   * at least {@link SIGN_FLIP_MARGIN}× as much. The estimate is kept in `lastSignFlipEstimate`.
   */
  private signFlipFor(perts: readonly Perturbation[]): boolean {
    if (this.path !== "signFlip" && !(this.path === "auto" && this.signFlipAvailable)) return false;
    const singles = perts.filter((p) => p.columns.length === 1).map((p) => p.columns[0]);
    if (singles.length >= SIGN_FLIP_MIN_UNITS && this.lastSignFlipEstimate === undefined) {
      const first = this.slices[0];
      this.lastSignFlipEstimate = signFlipEstimate(first.dense as DenseSiteSplit, first.deltas[0], singles);
    }
    if (this.path === "signFlip") return true;
    const e = this.lastSignFlipEstimate;
    return singles.length >= SIGN_FLIP_MIN_UNITS && e !== undefined && e.lowRankCost >= SIGN_FLIP_MARGIN * e.signFlipCost;
  }

  private pathFor(p: Perturbation, signFlip: boolean): ConcretePath {
    if (signFlip && p.columns.length <= 1) return "signFlip";
    if (this.path === "signFlip") return "lowRank";
    if (this.path !== "auto") return this.path;
    if (!this.lowRankAvailable) return "batched";
    const features = this.units * this.width;
    return p.columns.length <= Math.max(this.width, Math.floor(features * LOW_RANK_SHARE)) ? "lowRank" : "batched";
  }
}

/**
 * The metric and damage under each perturbation of `site` (the units in each set randomized together), on `data`.
 * Leaves the model unchanged and frees every tensor it made.
 *
 * @example
 * const { clean, damage } = at.damage(model, "h1", test, [[3], [3, 7]], { metric: "accuracy", seed: 1 });
 */
export function damage(
  model: HookedModel,
  site: string,
  data: Dataset,
  perturbations: readonly UnitSet[],
  options: DamageOptions = {},
): DamageResult {
  requireDamageOptions(options, "damage");
  const engine = new DamageEngine(model, site, data, options);
  try {
    const values = engine.evaluate(perturbations);
    return { clean: engine.clean, values, damage: values.map((v) => damageOf(engine.metric, engine.clean, v)) };
  } finally {
    engine.dispose();
  }
}
