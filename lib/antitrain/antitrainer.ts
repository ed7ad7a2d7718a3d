import * as tf from "@tensorflow/tfjs";
import { ANTITRAIN_TARGETS, type AntitrainTarget, RANDOMIZED_UNITS, type RandomizedUnits, antitrainStep } from "./step";
import { type CoreSplit, findCore } from "../core/find-core";
import { BatchStream, type Dataset, disposeDataset } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { type Importance, importance } from "../importance/importance";
import { type Metric, requireMetric } from "../measure/metrics";
import type { HookedModel } from "../models/types";
import { type RandomizeMethod, requireMethod } from "../measure/randomize";
import { rngFor } from "../base/rng";
import { type Schedule, requireSchedule } from "./schedule";
import { type UnitStats, collectStats } from "../measure/unit-stats";
import { requireData, requireFraction, requireInRange, requireKnownKeys, requireOneOf, requirePositiveInt, requireSeed, requireSites } from "../base/validate";

/** Options for {@link Antitrainer}. */
export interface AntitrainerOptions {
  schedule: Schedule;
  /** Data the cores are measured on (and cyclic antitraining batches come from). Default: the most recent batches passed to afterStep, up to `measureSize` examples. */
  data?: Dataset;
  /** Share of the damage defining the core that is antitrained (its spectators get detached). Default 0.95 (the notes). */
  fraction?: number;
  /** Share of the damage defining the core that is reported. Default 0.95. */
  reportFraction?: number;
  /** Metric of the core search. Default "accuracy". */
  metric?: Metric;
  /** Metric that ranks units. Default "loss". */
  rankMetric?: Metric;
  /** Default "resample". */
  method?: RandomizeMethod;
  /** What antitrain steps train towards (see {@link AntitrainTarget}; "true-labels" is a control). Default "uniform". */
  target?: AntitrainTarget;
  /** Which units antitrain steps randomize (see {@link RandomizedUnits}; "spectators" is a control). Default "core". */
  randomize?: RandomizedUnits;
  /** Learning rate of the antitraining optimizer (Adam, its own state per site). Default 1e-3. */
  learningRate?: number;
  /** Batch size of cyclic antitraining phases. Default 64. */
  batchSize?: number;
  /** Examples kept from recent batches when no `data` is given. Default 1024. */
  measureSize?: number;
  /** Random draws averaged when measuring. Default 1. */
  samples?: number;
  seed?: number;
  /** Called after every measurement. */
  onMeasure?: (record: MeasureRecord) => void;
}

/** Every option of {@link AntitrainerOptions} (unknown keys are refused). */
const ANTITRAINER_OPTION_KEYS = Object.keys({
  schedule: 0,
  data: 0,
  fraction: 0,
  reportFraction: 0,
  metric: 0,
  rankMetric: 0,
  method: 0,
  target: 0,
  randomize: 0,
  learningRate: 0,
  batchSize: 0,
  measureSize: 0,
  samples: 0,
  seed: 0,
  onMeasure: 0,
} satisfies Record<keyof AntitrainerOptions, 0>);

/** One measurement of one site. */
export interface MeasureRecord {
  /** Training steps seen when measured. */
  readonly step: number;
  readonly site: string;
  readonly importance: Importance;
  /** The core that is antitrained (at `fraction`). */
  readonly split: CoreSplit;
  /** The core at `reportFraction`. */
  readonly report: CoreSplit;
}

/**
 * Runs an antitraining schedule alongside any training loop: call `afterStep(batch)` after each optimizer step.
 * It measures every site's core (stats, importance, core search) at the start and every cycle, and runs the
 * antitrain steps the schedule asks for, each site with its own Adam optimizer over its downstream variables.
 * Mutates the model (downstream variables only). Learned state ends in `_`: `splits_`, `stats_`, `history_`.
 * The control arms of {@link antitrainStep} (`randomize`, `target`) run the same schedule with one ingredient changed.
 *
 * @example
 * const anti = new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1, { cycle: 100 }), fraction: 0.5, data: train });
 * at.train(model, train, { steps: 1000, onStep: (_, batch) => anti.afterStep(batch) });
 * anti.splits_.get("h1")!.core.length;
 * anti.dispose();
 * // control arm: the same loop, spectators randomized, true labels
 * new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), randomize: "spectators", target: "true-labels" });
 */
export class Antitrainer {
  /** The current antitrained split per site. */
  readonly splits_ = new Map<string, CoreSplit>();
  /** The stats of the last measurement per site. */
  readonly stats_ = new Map<string, UnitStats>();
  /** Every measurement so far. */
  readonly history_: MeasureRecord[] = [];
  /** Training steps seen. */
  step = 0;
  /** Antitrain steps run. */
  antiSteps = 0;
  private readonly optimizers = new Map<string, tf.Optimizer>();
  private readonly options: Required<Omit<AntitrainerOptions, "data" | "onMeasure">> & Pick<AntitrainerOptions, "data" | "onMeasure">;
  private recent: Dataset[] = [];

  constructor(
    private readonly model: HookedModel,
    readonly sites: readonly string[],
    options: AntitrainerOptions,
  ) {
    if (Array.isArray(sites) && sites.length === 0) throw new AntitrainError("Antitrainer needs at least one site, e.g. [\"h1\"]");
    requireSites(model, sites, "Antitrainer");
    if (options === null || typeof options !== "object") throw new AntitrainError("Antitrainer needs options { schedule }, e.g. { schedule: at.interleaved(1) }");
    requireKnownKeys(options, ANTITRAINER_OPTION_KEYS, "Antitrainer");
    requireSchedule(options.schedule);
    this.options = {
      fraction: 0.95,
      reportFraction: 0.95,
      metric: "accuracy",
      rankMetric: "loss",
      method: "resample",
      target: "uniform",
      randomize: "core",
      learningRate: 1e-3,
      batchSize: 64,
      measureSize: 1024,
      samples: 1,
      seed: 0,
      ...options,
    };
    requireFraction(this.options.fraction);
    requireFraction(this.options.reportFraction, "reportFraction");
    requireOneOf(this.options.target, ANTITRAIN_TARGETS, "target");
    requireOneOf(this.options.randomize, RANDOMIZED_UNITS, "randomize");
    requireMethod(this.options.method);
    requireMetric(this.options.metric);
    requireMetric(this.options.rankMetric, "rankMetric");
    requireSeed(this.options.seed);
    requireInRange(this.options.learningRate, "learningRate", { min: 0, max: Number.MAX_VALUE, minOpen: true }, "use e.g. 1e-3");
    requirePositiveInt(this.options.batchSize, "batchSize");
    requirePositiveInt(this.options.measureSize, "measureSize");
    requirePositiveInt(this.options.samples, "samples");
    if (this.options.data !== undefined) requireData(model, this.options.data);
    if (this.options.onMeasure !== undefined && typeof this.options.onMeasure !== "function") {
      throw new AntitrainError(`onMeasure must be a function (record) => void, got ${typeof this.options.onMeasure}`);
    }
    for (const s of sites) this.optimizers.set(s, tf.train.adam(this.options.learningRate));
  }

  /**
   * Mutates the model: call after each training step with that step's batch. Measures when due and runs the
   * schedule's antitrain steps. Returns how many antitrain steps ran and whether it measured.
   */
  afterStep(batch: Dataset): { antiSteps: number; measured: boolean } {
    this.step++;
    if (this.options.data === undefined) this.remember(batch);
    let measured = false;
    if (this.splits_.size === 0) {
      this.measure();
      measured = true;
    }
    const s = this.options.schedule;
    let ran = 0;
    if (s.kind === "interleaved") {
      for (let k = 0; k < s.antiSteps; k++) ran += this.antitrainAll(batch, k);
      if (this.step % s.cycle === 0) {
        this.measure();
        measured = true;
      }
    } else if (this.step % s.train === 0) {
      if (!measured) this.measure();
      measured = true;
      const stream = new BatchStream(this.measureData(), this.options.batchSize, rngFor(this.options.seed, this.step, 99).nextUint32());
      for (let k = 0; k < s.anti; k++) {
        const b = stream.next();
        try {
          ran += this.antitrainAll(b, k);
        } finally {
          disposeDataset(b);
        }
      }
    }
    return { antiSteps: ran, measured };
  }

  /** Measures every site now (stats, importance, the antitrained core and the reported core); returns the records. */
  measure(): MeasureRecord[] {
    const data = this.measureData();
    const o = this.options;
    const records = this.sites.map((site, i) => {
      const seed = rngFor(o.seed, this.step, i).nextUint32();
      const stats = collectStats(this.model, site, data, { seed });
      const common = { stats, method: o.method, seed, samples: o.samples };
      const imp = importance(this.model, site, data, { ...common, metric: o.rankMetric });
      const split = findCore(this.model, site, data, { ...common, importance: imp, fraction: o.fraction, metric: o.metric });
      const report =
        o.reportFraction === o.fraction
          ? split
          : findCore(this.model, site, data, { ...common, importance: imp, fraction: o.reportFraction, metric: o.metric });
      this.splits_.set(site, split);
      this.stats_.set(site, stats);
      const record: MeasureRecord = { step: this.step, site, importance: imp, split, report };
      this.history_.push(record);
      o.onMeasure?.(record);
      return record;
    });
    return records;
  }

  /** Share of the damage defining the antitrained core (the option `fraction`). */
  get fraction(): number {
    return this.options.fraction;
  }

  /**
   * Changes the antitrained core's share of the damage from the next measurement on (e.g. a fraction rising
   * towards 1 over a run, as the notes suggest). Refuses values outside (0, 1].
   *
   * @example
   * const anti = new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), fraction: 0.5, data: train });
   * at.train(model, train, { steps: 800, onStep: (s, b) => { anti.setFraction(0.5 + 0.45 * s / 800); anti.afterStep(b); } });
   */
  setFraction(fraction: number): void {
    requireFraction(fraction);
    this.options.fraction = fraction;
  }

  /** The control arm this antitrainer runs: which units its steps randomize and what they train towards. */
  get controls(): { readonly randomize: RandomizedUnits; readonly target: AntitrainTarget } {
    return { randomize: this.options.randomize, target: this.options.target };
  }

  /** The antitraining optimizer of `site` (for checkpoints: its state is saved and restored with the run). */
  optimizerFor(site: string): tf.Optimizer {
    const optimizer = this.optimizers.get(site);
    if (optimizer === undefined) throw new AntitrainError(`no antitraining optimizer for site "${site}": sites are ${this.sites.join(", ")}`);
    return optimizer;
  }

  /** Frees the antitraining optimizers and any remembered batches. */
  dispose(): void {
    for (const opt of this.optimizers.values()) opt.dispose();
    this.optimizers.clear();
    for (const b of this.recent) disposeDataset(b);
    this.recent = [];
  }

  private antitrainAll(batch: Dataset, k: number): number {
    this.sites.forEach((site, i) => {
      const split = this.splits_.get(site);
      const stats = this.stats_.get(site);
      const optimizer = this.optimizers.get(site);
      if (split === undefined || stats === undefined || optimizer === undefined) throw new Error("antitrainer not measured");
      const seed = rngFor(this.options.seed, this.step, k, i, 7).nextUint32();
      const { target, randomize, method } = this.options;
      antitrainStep(this.model, site, batch, split, stats, optimizer, { target, randomize, method, seed });
      this.antiSteps++;
    });
    return 1;
  }

  private remember(batch: Dataset): void {
    this.recent.push({ x: batch.x.clone(), y: batch.y.clone(), classes: batch.classes });
    let total = this.recent.reduce((n, b) => n + b.x.shape[0], 0);
    while (this.recent.length > 1 && total - this.recent[0].x.shape[0] >= this.options.measureSize) {
      total -= this.recent[0].x.shape[0];
      const old = this.recent.shift();
      if (old) disposeDataset(old);
    }
  }

  /** The measurement data: `data`, or the recent batches concatenated (freed after use by the caller's tidy). */
  private measureData(): Dataset {
    if (this.options.data !== undefined) return this.options.data;
    if (this.recent.length === 0) throw new AntitrainError("no data to measure on: pass { data } or call afterStep(batch) first");
    const merged: Dataset = {
      x: tf.concat(this.recent.map((b) => b.x)) as tf.Tensor2D,
      y: tf.concat(this.recent.map((b) => b.y)) as tf.Tensor1D,
      classes: this.recent[0].classes,
    };
    for (const b of this.recent) disposeDataset(b);
    this.recent = [merged];
    return merged;
  }
}
