import * as tf from "@tensorflow/tfjs";
import { Antitrainer, type AntitrainerOptions } from "../antitrain/antitrainer";
import { type CoreSplit, findCore, splitDamage } from "../core/find-core";
import { BatchStream, type Dataset, type Split, disposeDataset, head } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { importance } from "../importance/importance";
import { type Mlp, mlp } from "../models/mlp";
import type { HookedModel } from "../models/types";
import { type UnitStats, collectStats } from "../measure/unit-stats";
import { evaluate, train } from "../training/train";
import { requireKnownKeys, requirePositiveInt } from "../base/validate";

/** The core a notebook reports for one site, measured on held-out data. */
export interface CoreReport {
  readonly site: string;
  readonly units: number;
  /** Core units at the report fraction, most important first. */
  readonly core: number[];
  readonly spectators: number[];
  /** Accuracy damage of randomizing the core / the spectators / the whole site (see {@link splitDamage}). */
  readonly coreDamage: number;
  readonly spectatorDamage: number;
  readonly fullDamage: number;
  /** The stats the units were randomized from (collected on the training data; usable by {@link compress}). */
  readonly stats: UnitStats;
  readonly split: CoreSplit;
}

/**
 * The core of `site` as the notebooks report it: stats from `statsData` (the training data), units ranked by
 * cross-entropy damage and the core searched on accuracy at `fraction` (default 0.95) on `data` (held-out data),
 * and the damage of randomizing the core and the spectators. Leaves the model unchanged.
 *
 * @example
 * const r = at.reportCore(model, "h1", test, train, { seed: 1 });   // r.core.length, r.spectatorDamage
 */
export function reportCore(
  model: HookedModel,
  site: string,
  data: Dataset,
  statsData: Dataset,
  options: { fraction?: number; seed?: number } = {},
): CoreReport {
  requireKnownKeys(options, ["fraction", "seed"], "reportCore");
  const seed = options.seed ?? 0;
  const stats = collectStats(model, site, statsData, { seed });
  const imp = importance(model, site, data, { stats, metric: "loss", seed });
  const split = findCore(model, site, data, { stats, importance: imp, fraction: options.fraction ?? 0.95, metric: "accuracy", seed });
  const d = splitDamage(model, site, data, split, { stats, metric: "accuracy", seed });
  return {
    site,
    units: split.core.length + split.spectators.length,
    core: split.core,
    spectators: split.spectators,
    coreDamage: d.core,
    spectatorDamage: d.spectators,
    fullDamage: d.full,
    stats,
    split,
  };
}

/** Options for {@link runExperiment}. */
export interface ExperimentOptions {
  data: Split;
  hidden: readonly number[];
  /** Seed of the initialization, the batch order and the antitrainer. */
  seed: number;
  /** Plain training steps before the schedule starts. */
  pretrain: number;
  /** Training steps under the schedule (plain training when `antitrain` is absent and `track` is false). */
  steps: number;
  /** Adam learning rate of training. Default 1e-3. */
  learningRate?: number;
  /** Default 64. */
  batchSize?: number;
  /** Sites to antitrain. Default: every hidden layer. */
  sites?: readonly string[];
  /** The antitrainer's options (its `data` is the first `measureSize` training examples). Absent: plain training. */
  antitrain?: Omit<AntitrainerOptions, "data" | "seed" | "onMeasure">;
  /**
   * For plain training: still measure the cores every `track` steps (an antitrainer with 0 antitrain steps, at the
   * default fractions). To track another antitrained fraction, pass `antitrain: { schedule: interleaved(0, { cycle }), fraction }`.
   */
  track?: number;
  /** Training examples the cores are measured on during the run. Default 1024. */
  measureSize?: number;
  /** Evaluate test accuracy at every measurement (and after each cyclic antitraining phase). Default true. */
  evaluateCycles?: boolean;
}

/** One measurement during a run, per site. */
export interface CycleRecord {
  readonly step: number;
  readonly site: string;
  /** The antitrained core (at the antitrainer's fraction), most important first. */
  readonly antitrainedCore: number[];
  /** The core at the report fraction (measured on training data), most important first. */
  readonly reportCore: number[];
  readonly testAccuracy: number;
  readonly testLoss: number;
}

/** Test metrics right after a cyclic antitraining phase. */
export interface PhaseEnd {
  readonly step: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
}

/** The result of {@link runExperiment}: the trained model (the caller disposes it) and what happened on the way. */
export interface ExperimentResult {
  readonly model: Mlp;
  /** Test metrics after pretraining, before the schedule. */
  readonly pretrained: { accuracy: number; loss: number };
  readonly final: { accuracy: number; loss: number };
  readonly cycles: CycleRecord[];
  /** After each cyclic antitraining phase (empty for interleaved and plain runs). */
  readonly antiPhaseEnds: PhaseEnd[];
  readonly seconds: number;
}

/**
 * Trains a fresh MLP on `data.train`: `pretrain` plain Adam steps, then `steps` more with an {@link Antitrainer}
 * on the chosen sites (or plain), recording every re-measurement. The training optimizer and batch stream run on
 * through both phases, so a plain run with the same `pretrain + steps` is the same-budget baseline.
 *
 * @example
 * const run = at.runExperiment({ data: at.digits(), hidden: [128], seed: 0, pretrain: 600, steps: 1600,
 *   antitrain: { schedule: at.interleaved(1, { cycle: 100 }), fraction: 0.5 } });
 * run.cycles.map((c) => c.reportCore.length); run.model.dispose();
 */
export function runExperiment(options: ExperimentOptions): ExperimentResult {
  const { data, seed } = options;
  requirePositiveInt(options.steps, "steps");
  if (!(Number.isInteger(options.pretrain) && options.pretrain >= 0)) {
    throw new AntitrainError(`pretrain must be a whole number >= 0, got ${options.pretrain}`);
  }
  const t0 = Date.now();
  const model = mlp({ inputs: data.train.x.shape[1], hidden: options.hidden, classes: data.train.classes, seed });
  const sites = options.sites ?? model.sites().map((s) => s.name);
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const stream = new BatchStream(data.train, options.batchSize ?? 64, seed);
  const measureData = head(data.train, options.measureSize ?? 1024);
  const evalCycles = options.evaluateCycles ?? true;
  const cycles: CycleRecord[] = [];
  const antiPhaseEnds: PhaseEnd[] = [];
  let anti: Antitrainer | undefined;
  try {
    if (options.pretrain > 0) train(model, data.train, { steps: options.pretrain, optimizer, stream });
    const pretrained = evaluate(model, data.test);
    const antiOptions =
      options.antitrain ??
      (options.track !== undefined ? { schedule: { kind: "interleaved" as const, antiSteps: 0, cycle: options.track } } : undefined);
    const cyclicSchedule = antiOptions?.schedule.kind === "cyclic";
    if (antiOptions !== undefined) {
      anti = new Antitrainer(model, sites, {
        ...antiOptions,
        data: measureData,
        seed,
        onMeasure: (r) => {
          const ev = evalCycles ? evaluate(model, data.test) : { accuracy: Number.NaN, loss: Number.NaN };
          cycles.push({
            step: options.pretrain + r.step,
            site: r.site,
            antitrainedCore: r.split.core,
            reportCore: r.report.core,
            testAccuracy: ev.accuracy,
            testLoss: ev.loss,
          });
        },
      });
    }
    train(model, data.train, {
      steps: options.steps,
      optimizer,
      stream,
      onStep: (step, batch) => {
        if (anti === undefined) return;
        const { antiSteps } = anti.afterStep(batch);
        if (evalCycles && antiSteps > 0 && cyclicSchedule) {
          const ev = evaluate(model, data.test);
          antiPhaseEnds.push({ step: options.pretrain + step + 1, testAccuracy: ev.accuracy, testLoss: ev.loss });
        }
      },
    });
    const final = evaluate(model, data.test);
    return { model, pretrained, final, cycles, antiPhaseEnds, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    anti?.dispose();
    optimizer.dispose();
    disposeDataset(measureData);
  }
}
