/** A training run under an antitraining schedule (or plain), with every re-measurement of the cores recorded. */
import * as tf from "@tensorflow/tfjs";
import { Antitrainer, type AntitrainerOptions } from "../antitrain/antitrainer";
import { BatchStream, type Split, disposeDataset, features, head } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { type Mlp, mlp } from "../models/mlp";
import type { HookedModel } from "../models/types";
import { evaluate, train } from "../training/train";
import { requirePositiveInt } from "../base/validate";

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
  /**
   * An extra loss term for the training steps after pretraining (e.g. `(m) => groupLasso(m, ["h1"], 1e-2)`), made
   * from the fresh model. Default none.
   */
  penalty?: (model: HookedModel) => (x: tf.Tensor) => tf.Scalar;
}

/** One measurement during a run, per site. */
export interface CycleRecord {
  readonly step: number;
  /** Optimizer updates after pretraining when measured (training steps plus antitrain steps so far). */
  readonly updates: number;
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
  /** Optimizer updates after pretraining (training steps plus antitrain steps). */
  readonly updates: number;
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
  /** Antitrain steps run (one per site per antitraining step; 0 for plain runs). */
  readonly antiSteps: number;
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
  const model = mlp({ inputs: features(data.train), hidden: options.hidden, classes: data.train.classes, seed });
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
            updates: r.step + (anti?.antiSteps ?? 0),
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
      ...(options.penalty === undefined ? {} : { penalty: options.penalty(model) }),
      onStep: (step, batch) => {
        if (anti === undefined) return;
        const { antiSteps } = anti.afterStep(batch);
        if (evalCycles && antiSteps > 0 && cyclicSchedule) {
          const ev = evaluate(model, data.test);
          antiPhaseEnds.push({ step: options.pretrain + step + 1, updates: step + 1 + (anti?.antiSteps ?? 0), testAccuracy: ev.accuracy, testLoss: ev.loss });
        }
      },
    });
    const final = evaluate(model, data.test);
    return { model, pretrained, final, cycles, antiPhaseEnds, antiSteps: anti?.antiSteps ?? 0, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    anti?.dispose();
    optimizer.dispose();
    disposeDataset(measureData);
  }
}
