import * as tf from "@tensorflow/tfjs";
import { ANTITRAIN_TARGETS, type AntitrainTarget, RANDOMIZED_UNITS, type RandomizedUnits, antitrainStep } from "./step";
import { type CoreSplit, findCore } from "../core/find-core";
import { BatchStream, type Dataset, disposeDataset } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { type Importance, importance } from "../importance/importance";
import { type Metric, requireMetric } from "../measure/metrics";
import type { HookedModel } from "../models/types";
import { type RandomizeMethod, type SpatialMode, requireMethod, requireSpatial } from "../measure/randomize";
import { rngFor } from "../base/rng";
import { type Schedule, requireSchedule } from "./schedule";
import { type UnitStats, collectStats, requireStatsFor } from "../measure/unit-stats";
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
  /** How units spanning several positions (conv channels) are randomized, when measuring and antitraining (see {@link SpatialMode}). Default "independent". */
  spatial?: SpatialMode;
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
  spatial: 0,
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

/** A tensor as plain data (for {@link AntitrainerState}). */
export interface PlainTensor {
  readonly shape: readonly number[];
  readonly dtype: tf.DataType;
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/**
 * What an {@link Antitrainer} has learned and counted, as plain data: with each site's antitraining optimizer
 * state (see {@link Antitrainer.optimizerFor}) and the model's variables, enough to continue exactly.
 * {@link Antitrainer.state} makes one; {@link Antitrainer.restore} takes one.
 */
export interface AntitrainerState {
  /** The antitrained sites, in order: {@link Antitrainer.restore} refuses a state of other sites. */
  readonly sites: readonly string[];
  /** Training steps seen. */
  readonly step: number;
  /** Antitrain steps run. */
  readonly antiSteps: number;
  /** Share of the damage defining the antitrained core (changed by {@link Antitrainer.setFraction}). */
  readonly fraction: number;
  /** The current antitrained split per site (absent before the first measurement). */
  readonly splits: ReadonlyMap<string, CoreSplit>;
  /** The stats of the last measurement per site. */
  readonly stats: ReadonlyMap<string, UnitStats>;
  /** Every measurement so far. */
  readonly history: readonly MeasureRecord[];
  /** The recent batches remembered for measuring when the antitrainer has no `data` (empty when it has). */
  readonly recent: readonly { readonly x: PlainTensor; readonly y: PlainTensor; readonly classes: number }[];
}

/**
 * Runs an antitraining schedule alongside any training loop: call `afterStep(batch)` after each optimizer step.
 * It measures every site's core (stats, importance, core search) at the start and every cycle, and runs the
 * antitrain steps the schedule asks for, each site with its own Adam optimizer over its downstream variables.
 * Mutates the model (downstream variables only). What it learned is read through `splits`, `stats` and `history`
 * (read-only views); `state()` and `restore(state)` save
 * and restore it for checkpoints.
 * The control arms of {@link antitrainStep} (`randomize`, `target`) run the same schedule with one ingredient changed.
 *
 * @example
 * const anti = new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1, { cycle: 100 }), fraction: 0.5, data: train });
 * at.train(model, train, { steps: 1000, onStep: (_, batch) => anti.afterStep(batch) });
 * anti.splits.get("h1")!.core.length;
 * anti.dispose();
 * // control arm: the same loop, spectators randomized, true labels
 * new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), randomize: "spectators", target: "true-labels" });
 */
export class Antitrainer {
  private readonly currentSplits = new Map<string, CoreSplit>();
  private readonly currentStats = new Map<string, UnitStats>();
  private readonly records: MeasureRecord[] = [];
  private stepCount = 0;
  private antiStepCount = 0;
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
      spatial: "independent",
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
    requireSpatial(this.options.spatial);
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
    requireData(this.model, batch); // before it is remembered: a NaN batch would otherwise poison every later measurement
    this.stepCount++;
    if (this.options.data === undefined) this.remember(batch);
    let measured = false;
    if (this.currentSplits.size === 0) {
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
      const common = { stats, method: o.method, spatial: o.spatial, seed, samples: o.samples };
      const imp = importance(this.model, site, data, { ...common, metric: o.rankMetric });
      const split = findCore(this.model, site, data, { ...common, importance: imp, fraction: o.fraction, metric: o.metric });
      const report =
        o.reportFraction === o.fraction
          ? split
          : findCore(this.model, site, data, { ...common, importance: imp, fraction: o.reportFraction, metric: o.metric });
      this.currentSplits.set(site, split);
      this.currentStats.set(site, stats);
      const record: MeasureRecord = { step: this.step, site, importance: imp, split, report };
      this.records.push(record);
      o.onMeasure?.(record);
      return record;
    });
    return records;
  }

  /** Training steps seen (calls of {@link afterStep}). */
  get step(): number {
    return this.stepCount;
  }

  /** Antitrain steps run (one per site per antitraining step). */
  get antiSteps(): number {
    return this.antiStepCount;
  }

  /** The current antitrained split per site (a read-only view; empty before the first measurement). */
  get splits(): ReadonlyMap<string, CoreSplit> {
    return this.currentSplits;
  }

  /** The stats of the last measurement per site (a read-only view). */
  get stats(): ReadonlyMap<string, UnitStats> {
    return this.currentStats;
  }

  /** Every measurement so far, oldest first (a read-only view). */
  get history(): readonly MeasureRecord[] {
    return this.records;
  }

  /**
   * A snapshot of what this antitrainer has learned and counted (see {@link AntitrainerState}): plain data that
   * later steps do not change. With the model's variables and each site's optimizer state
   * (`optimizerFor(site)`, e.g. through `saveOptimizer`), {@link restore} on a fresh antitrainer continues exactly.
   *
   * @example
   * const saved = anti.state();
   * const again = new at.Antitrainer(model, ["h1"], sameOptions);
   * again.restore(saved);   // and copy the optimizer: at.restoreOptimizer(again.optimizerFor("h1"), await at.saveOptimizer(anti.optimizerFor("h1")))
   */
  state(): AntitrainerState {
    return {
      sites: [...this.sites],
      step: this.stepCount,
      antiSteps: this.antiStepCount,
      fraction: this.options.fraction,
      splits: new Map(this.currentSplits),
      stats: new Map(this.currentStats),
      history: [...this.records],
      recent: this.recent.map((b) => ({ x: plain(b.x), y: plain(b.y), classes: b.classes })),
    };
  }

  /**
   * Mutates the antitrainer: replaces its counters, fraction, splits, stats, history and remembered batches with
   * `state` (from {@link state}, possibly of another antitrainer over the same sites). Checks the whole state
   * first and changes nothing when it refuses one: other sites, splits or stats that do not fit the model's
   * sites, counters that are not whole numbers. The optimizers are not part of the state (see {@link state}).
   *
   * @example
   * const resumed = new at.Antitrainer(model, ["h1"], { schedule: at.interleaved(1), data: train });
   * resumed.restore(saved);
   * resumed.step;   // the saved step count
   */
  restore(state: AntitrainerState): void {
    this.requireState(state);
    const recent: Dataset[] = state.recent.map((b) => ({
      x: fromPlain(b.x) as Dataset["x"],
      y: fromPlain(b.y) as tf.Tensor1D,
      classes: b.classes,
    }));
    for (const b of this.recent) disposeDataset(b);
    this.recent = recent;
    this.stepCount = state.step;
    this.antiStepCount = state.antiSteps;
    this.options.fraction = state.fraction;
    this.currentSplits.clear();
    for (const [site, split] of state.splits) this.currentSplits.set(site, split);
    this.currentStats.clear();
    for (const [site, stats] of state.stats) this.currentStats.set(site, stats);
    this.records.length = 0;
    this.records.push(...state.history);
  }

  /** Refuses a state {@link restore} cannot take, naming what is wrong. */
  private requireState(state: AntitrainerState): void {
    const fix = "pass antitrainer.state() of an Antitrainer over the same model and sites";
    if (state === null || typeof state !== "object") throw new AntitrainError(`restore needs an AntitrainerState, got ${state === null ? "null" : typeof state}: ${fix}`);
    if (!Array.isArray(state.sites) || state.sites.join("\u0000") !== this.sites.join("\u0000")) {
      const theirs = Array.isArray(state.sites) ? state.sites.map((s) => `"${s}"`).join(", ") : String(state.sites);
      throw new AntitrainError(`restore: the state is of sites [${theirs}] but this antitrainer antitrains [${this.sites.map((s) => `"${s}"`).join(", ")}]: ${fix}`);
    }
    for (const key of ["step", "antiSteps"] as const) {
      if (!Number.isSafeInteger(state[key]) || state[key] < 0) throw new AntitrainError(`restore: state.${key} must be a whole number >= 0, got ${state[key]}`);
    }
    requireFraction(state.fraction, "state.fraction");
    if (!(state.splits instanceof Map) || !(state.stats instanceof Map)) throw new AntitrainError(`restore: state.splits and state.stats must be Maps from site to split and stats: ${fix}`);
    if (!Array.isArray(state.history) || !Array.isArray(state.recent)) throw new AntitrainError(`restore: state.history and state.recent must be arrays: ${fix}`);
    for (const b of state.recent) {
      for (const t of [b?.x, b?.y]) {
        const n = Array.isArray(t?.shape) ? (t.shape as readonly number[]).reduce((a: number, d: number) => a * d, 1) : Number.NaN;
        if (t === null || typeof t !== "object" || !ArrayBuffer.isView(t.data) || t.data.length !== n || !Number.isInteger(b.classes)) {
          throw new AntitrainError(`restore: state.recent holds a batch that is not { x, y, classes } with data matching its shape: ${fix}`);
        }
      }
    }
    const infos = new Map(this.model.sites().map((info) => [info.name, info]));
    for (const [site, split] of state.splits) {
      const units = infos.get(site)?.units ?? 0;
      if (!this.sites.includes(site)) throw new AntitrainError(`restore: state.splits holds site "${site}", which this antitrainer does not antitrain: ${fix}`);
      if (split === null || typeof split !== "object" || (split.site !== undefined && split.site !== site)) {
        throw new AntitrainError(`restore: the split stored for site "${site}" is ${split === null || typeof split !== "object" ? "not a split" : `a split of "${split.site}"`}: ${fix}`);
      }
      const all = [...(Array.isArray(split.core) ? split.core : [Number.NaN]), ...(Array.isArray(split.spectators) ? split.spectators : [Number.NaN])];
      if (all.length !== units || new Set(all).size !== units || !all.every((u) => Number.isInteger(u) && u >= 0 && u < units)) {
        throw new AntitrainError(`restore: the split stored for site "${site}" does not divide its ${units} units into core and spectators: ${fix}`);
      }
    }
    for (const [site, stats] of state.stats) {
      const info = infos.get(site);
      if (info === undefined || !this.sites.includes(site)) throw new AntitrainError(`restore: state.stats holds site "${site}", which this antitrainer does not antitrain: ${fix}`);
      requireStatsFor(stats, info, `the stats stored for site "${site}"`);
    }
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
      const split = this.currentSplits.get(site);
      const stats = this.currentStats.get(site);
      const optimizer = this.optimizers.get(site);
      if (split === undefined || stats === undefined || optimizer === undefined) throw new Error("antitrainer not measured");
      const seed = rngFor(this.options.seed, this.step, k, i, 7).nextUint32();
      const { target, randomize, method, spatial } = this.options;
      // Deliberate reuse: the split and stats of the last measurement serve until the next one, while the training
      // steps in between move the upstream weights.
      antitrainStep(this.model, site, batch, { split, stats, optimizer, target, randomize, method, spatial, seed, allowStale: true });
      this.antiStepCount++;
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

/** A tensor's shape, dtype and a copy of its values. */
function plain(t: tf.Tensor): PlainTensor {
  return { shape: [...t.shape], dtype: t.dtype, data: t.dataSync().slice() as Float32Array | Int32Array | Uint8Array };
}

/** A new tensor from {@link plain}'s output. */
function fromPlain(p: PlainTensor): tf.Tensor {
  return tf.tensor(p.data, [...p.shape], p.dtype);
}
