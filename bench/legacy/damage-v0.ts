// Frozen copy of lib/damage.ts at commit 39aad73 (before issue 3), for the before/after benchmark. Do not edit.
import * as tf from "@tensorflow/tfjs";
import { type Dataset, size } from "../../lib/data/dataset";
import { AntitrainError } from "../../lib/base/errors";
import { type Metric, damageOf, perExample } from "../../lib/measure/metrics";
import type { HookedModel, SiteSplit } from "../../lib/models/types";
import { type RandomizeMethod, drawReplacements } from "../../lib/measure/randomize";
import { rngFor } from "../../lib/base/rng";
import { type UnitStats, collectStats } from "../../lib/measure/unit-stats";
import { requireData, requireFinite, requirePositiveInt, requireSite } from "../../lib/base/validate";

/** A perturbation: the units of a site randomized together. */
export type UnitSet = readonly number[];

/** How the engine evaluates perturbations: `batched` (the fast path) or `loop` (the plain reference). */
export type DamagePath = "batched" | "loop";

/** Options shared by every damage measurement (importance, core search, analyses). */
export interface DamageOptions {
  /** Unit statistics to draw from; default: collected on `data` (seed 0). */
  stats?: UnitStats;
  /** Default "resample". */
  method?: RandomizeMethod;
  /** Default "loss". */
  metric?: Metric;
  /** Seed of the random draws. Default 0. */
  seed?: number;
  /** Independent draws averaged. Default 1. */
  samples?: number;
  /** Examples per upstream pass. Default 512. */
  batchSize?: number;
  /** Bound on the elements of one stacked downstream input (perturbations × examples × units). Default 2^23. */
  maxElements?: number;
  /** Default "batched". "loop" runs one full forward pass per perturbation (the ground truth). */
  path?: DamagePath;
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
  /** The forward pass cut at the site: clean activation `[b, ..., units]` and its continuation. */
  readonly split: SiteSplit;
  /** One replacement matrix per sample, shaped like `act`. */
  readonly draws: tf.Tensor[];
}

/**
 * The one damage engine: every importance method, core search and analysis measures through it. It cuts the
 * forward pass at the site once per slice of data, keeps the clean activations and the random replacement draws,
 * and then evaluates any number of perturbations. On the batched path a chunk of P perturbations is one
 * downstream pass over P stacked copies of the slice, each with its own units replaced (upstream never repeats);
 * the loop path runs one full forward pass per perturbation and serves as ground truth. Every perturbation of
 * every call uses the same draws (common random numbers). Call `dispose()` when done.
 *
 * @example
 * const engine = new at.DamageEngine(model, "h1", test, { stats, metric: "accuracy", seed: 0 });
 * const values = engine.evaluate([[0], [1], [0, 1]]);   // accuracy with unit 0, unit 1, both randomized
 * engine.dispose();
 */
export class DamageEngine {
  readonly units: number;
  readonly metric: Metric;
  readonly method: RandomizeMethod;
  /** The metric with nothing randomized. */
  readonly clean: number;
  /** Perturbations evaluated so far. */
  evaluations = 0;
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
    this.units = requireSite(model, site).units;
    requireData(model, data);
    this.metric = options.metric ?? "loss";
    this.method = options.method ?? "resample";
    this.samples = options.samples ?? 1;
    this.maxElements = options.maxElements ?? 2 ** 23;
    this.path = options.path ?? "batched";
    requirePositiveInt(this.samples, "samples");
    const batchSize = options.batchSize ?? 512;
    requirePositiveInt(batchSize, "batchSize");
    const stats = options.stats ?? collectStats(model, site, data);
    if (stats.units !== this.units) {
      throw new AntitrainError(`stats have ${stats.units} units but site "${site}" has ${this.units}: collect stats for this site`);
    }
    this.examples = size(data);
    try {
      this.prepare(data, stats, batchSize, options.seed ?? 0);
      this.clean = this.cleanMetric();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The metric under each perturbation (mean over examples and samples). */
  evaluate(perturbations: readonly UnitSet[]): Float64Array {
    const masks = perturbations.map((p) => this.mask(p));
    const sums = new Float64Array(masks.length);
    for (const slice of this.slices) {
      for (const draw of slice.draws) {
        if (this.path === "loop") this.accumulateLoop(slice, draw, masks, sums);
        else this.accumulateBatched(slice, draw, masks, sums);
      }
    }
    this.evaluations += masks.length;
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
      tf.dispose([s.x, s.y, ...s.draws]);
      s.split.dispose();
    }
  }

  private prepare(data: Dataset, stats: UnitStats, batchSize: number, seed: number): void {
    const n = this.examples;
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const x = data.x.slice([start, 0], [m, -1]) as tf.Tensor2D;
      const y = data.y.slice([start], [m]);
      let split: SiteSplit;
      try {
        split = this.model.split(this.site, x);
      } catch (e) {
        tf.dispose([x, y]);
        throw e;
      }
      const act = split.act;
      this.slices.push({ x, y, split, draws: [] });
      requireFinite(act, `activations of site "${this.site}"`);
      if (act.shape[act.rank - 1] !== this.units) {
        throw new AntitrainError(`site "${this.site}" produced ${act.shape[act.rank - 1]} units, expected ${this.units}`);
      }
    }
    // Draws are made per sample over all rows at once, so they do not depend on batchSize.
    const first = this.slices[0].split.act;
    const rowsPerExample = first.size / (first.shape[0] * this.units);
    for (let s = 0; s < this.samples; s++) {
      const all = drawReplacements(stats, this.method, n * rowsPerExample, rngFor(seed, s));
      let offset = 0;
      for (const slice of this.slices) {
        const act = slice.split.act;
        const len = act.size;
        slice.draws.push(tf.tensor(all.subarray(offset, offset + len), act.shape));
        offset += len;
      }
    }
  }

  private cleanMetric(): number {
    let sum = 0;
    for (const slice of this.slices) {
      sum += tf.tidy(() => {
        const logits = this.model.forward(slice.x);
        requireFinite(logits, "the model's clean output");
        return perExample(this.metric, logits, slice.y).sum().dataSync()[0];
      });
    }
    return sum / this.examples;
  }

  private mask(units: UnitSet): Float32Array {
    const m = new Float32Array(this.units);
    for (const u of units) {
      if (!(Number.isInteger(u) && u >= 0 && u < this.units)) {
        throw new AntitrainError(`unit ${u} is not in site "${this.site}" (units 0..${this.units - 1})`);
      }
      m[u] = 1;
    }
    return m;
  }

  private accumulateLoop(slice: Slice, draw: tf.Tensor, masks: Float32Array[], sums: Float64Array): void {
    masks.forEach((mask, i) => {
      sums[i] += tf.tidy(() => {
        const m = tf.tensor1d(mask);
        const hook = (act: tf.Tensor) => tf.add(act, tf.mul(m, tf.sub(draw, act)));
        const logits = this.model.forward(slice.x, { [this.site]: hook });
        return perExample(this.metric, logits, slice.y).sum().dataSync()[0];
      });
    });
  }

  private accumulateBatched(slice: Slice, draw: tf.Tensor, masks: Float32Array[], sums: Float64Array): void {
    const { split } = slice;
    const act = split.act;
    const b = act.shape[0];
    const chunk = Math.max(1, Math.floor(this.maxElements / act.size));
    for (let start = 0; start < masks.length; start += chunk) {
        const p = Math.min(chunk, masks.length - start);
        const values = tf.tidy(() => {
          const maskData = new Float32Array(p * this.units);
          for (let i = 0; i < p; i++) maskData.set(masks[start + i], i * this.units);
          const ones = new Array<number>(act.rank - 1).fill(1);
          const m = tf.tensor(maskData, [p, ...ones, this.units]); // [P, 1, ..., W]
          const a = tf.expandDims(act, 0); // [1, b, ..., W]
          const delta = tf.expandDims(tf.sub(draw, act), 0);
          const stacked = tf.add(a, tf.mul(m, delta)); // [P, b, ..., W]
          const flat = tf.reshape(stacked, [p * b, ...act.shape.slice(1)]);
          const logits = split.resume(flat);
          const labels = tf.tile(slice.y, [p]) as tf.Tensor1D;
          return tf.sum(tf.reshape(perExample(this.metric, logits, labels), [p, b]), 1).dataSync();
        });
        for (let i = 0; i < p; i++) sums[start + i] += values[i];
    }
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
  const engine = new DamageEngine(model, site, data, options);
  try {
    const values = engine.evaluate(perturbations);
    return { clean: engine.clean, values, damage: values.map((v) => damageOf(engine.metric, engine.clean, v)) };
  } finally {
    engine.dispose();
  }
}
