/**
 * One seed of the generalizing-vs-memorizing study: the training labels get their noise, then each arm of the same
 * MLP trains from the same initialization and batch order for the same number of optimizer updates (antitrain updates
 * counted), at its configuration; part 1 analyses the plain model's units. `tuneMemorization` trains every
 * configuration of every arm on a tuning seed and scores it on the clean validation split; `chooseMemorization`
 * picks each arm's configuration by mean validation accuracy.
 */
import * as tf from "@tensorflow/tfjs";
import { Antitrainer } from "../../antitrain/antitrainer";
import { interleaved } from "../../antitrain/schedule";
import { AntitrainError } from "../../base/errors";
import { reportCore } from "../../core/report-core";
import { BatchStream, type Dataset, disposeDataset, take } from "../../data/dataset";
import { withLabelNoise } from "../../data/noise";
import { type Mlp, mlp } from "../../models/mlp";
import type { Hooks } from "../../models/types";
import { evaluate, train as trainModel } from "../../training/train";
import { studyData } from "../data";
import { type UnitAnalysis, analyseUnits } from "./analyse-units";
import { IndexedBatchStream, exampleTiedMasks, exampleTiedTestHooks, exampleTiedTrainHooks, trainingMaskRow } from "./example-tied";
import { type MemorizationAntitrainConfig, type MemorizationArmConfig, MEMORIZATION_ARMS, type MemorizationArm, type MemorizationSettings, configLabel } from "./settings";

/** The clean splits of the digits pool: training rows (before noise), held-out rows, validation rows, test. */
export interface MemorizationData {
  readonly cleanTrain: Dataset;
  readonly heldOut: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
}

const built = new Map<string, MemorizationData>();

/**
 * The first `train_examples` rows of digits' training split (limited to train + held-out + validation, so all share
 * one standardization), the next `held_out`, the next `validation`, and the test split; built once per process.
 *
 * @example
 * const { cleanTrain, heldOut, validation, test } = memorizationData(memorizationSettings("full"));
 */
export function memorizationData(s: MemorizationSettings): MemorizationData {
  const key = `${s.train_examples}/${s.held_out}/${s.validation}`;
  const known = built.get(key);
  if (known !== undefined) return known;
  const pool = studyData({ dataset: "digits", trainLimit: s.train_examples + s.held_out + s.validation });
  const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  const made = {
    cleanTrain: take(pool.train, rows(0, s.train_examples)),
    heldOut: take(pool.train, rows(s.train_examples, s.held_out)),
    validation: take(pool.train, rows(s.train_examples + s.held_out, s.validation)),
    test: pool.test,
  };
  built.set(key, made);
  return made;
}

/** One seed's noisy training set, its wrong-label and clean rows, and training + held-out (new tensors: `dispose`). */
export interface NoisySplit {
  readonly train: Dataset;
  /** Training rows whose label was replaced, ascending. */
  readonly noisy: readonly number[];
  readonly noisyPart: Dataset;
  readonly cleanPart: Dataset;
  readonly both: Dataset;
  dispose(): void;
}

/**
 * `s.noise` of the training labels replaced by a wrong one, drawn by `seed`.
 *
 * @example
 * const split = noisySplit(s, memorizationData(s), 0); ...; split.dispose();
 */
export function noisySplit(s: MemorizationSettings, data: MemorizationData, seed: number): NoisySplit {
  const { data: train, noisy } = withLabelNoise(data.cleanTrain, s.noise, seed);
  const noisySet = new Set(noisy);
  const cleanRows = Array.from({ length: s.train_examples }, (_, i) => i).filter((i) => !noisySet.has(i));
  const noisyPart = take(train, noisy);
  const cleanPart = take(train, cleanRows);
  const both = { x: tf.concat([train.x, data.heldOut.x]) as tf.Tensor2D, y: tf.concat([train.y, data.heldOut.y]) as tf.Tensor1D, classes: 10 };
  return { train, noisy, noisyPart, cleanPart, both, dispose: () => { for (const d of [train, noisyPart, cleanPart, both]) disposeDataset(d); } };
}

/** A trained arm: the model, the hooks it is evaluated with (example-tied dropout drops its memorization units), its updates. */
interface TrainedArm {
  readonly model: Mlp;
  readonly evalHooks: Hooks;
  readonly updates: number;
  /** Example-tied dropout: accuracy on the wrong-label rows with each row's own memorization units active (as in training). */
  readonly noisyFitOwnUnits?: number;
  readonly cleanFitOwnUnits?: number;
}

/** Accuracy on the training rows `rows` of `part` with each row's training mask applied at h1. */
function ownUnitsAccuracy(model: Mlp, part: Dataset, rows: readonly number[], masks: ReturnType<typeof exampleTiedMasks>): number {
  return tf.tidy(() => {
    const mask = new Float32Array(rows.length * masks.units);
    rows.forEach((r, j) => mask.set(trainingMaskRow(masks, r), j * masks.units));
    const logits = model.forward(part.x, { h1: (a) => tf.mul(a, tf.tensor2d(mask, [rows.length, masks.units])) });
    return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), part.y), "float32")).dataSync()[0];
  });
}

/**
 * Trains `arm` at `config` from `mlp({ seed })` for `s.steps` optimizer updates (batch order seeded by `seed`): plain;
 * `warmup` plain updates then each training update followed by `antiSteps` antitrain updates at the configuration's
 * rate (an `Antitrainer` on h1 whose core is measured on the training or on the held-out rows, every `cycle` steps); example-tied dropout; or plain on training + held-out rows.
 * The caller disposes the model.
 */
function trainArm(s: MemorizationSettings, data: MemorizationData, split: NoisySplit, arm: MemorizationArm, config: MemorizationArmConfig, seed: number): TrainedArm {
  const model = mlp({ inputs: 64, hidden: [s.hidden], classes: 10, seed });
  const lr = "learningRate" in config ? config.learningRate : s.learningRate;
  const optimizer = tf.train.adam(lr);
  try {
    if (arm === "antitrain, training core" || arm === "antitrain, held-out core") {
      const stream = new BatchStream(split.train, s.batchSize, seed);
      trainModel(model, split.train, { steps: s.warmup, optimizer, stream });
      const { fraction, cycle, antiSteps, antiLearningRate } = config as MemorizationAntitrainConfig;
      const a = new Antitrainer(model, ["h1"], {
        schedule: interleaved(antiSteps, { cycle }), fraction, seed, samples: s.samples, learningRate: antiLearningRate,
        data: arm === "antitrain, held-out core" ? data.heldOut : split.train,
      });
      try {
        const trainingSteps = (s.steps - s.warmup) / (1 + antiSteps);
        trainModel(model, split.train, { steps: trainingSteps, optimizer, stream, onStep: (_s, b) => { a.afterStep(b); } });
        const updates = s.warmup + trainingSteps + a.antiSteps;
        if (updates !== s.steps) throw new AntitrainError(`antitraining made ${updates} updates, not ${s.steps}: every training step must be followed by ${antiSteps} antitrain step(s)`);
        return { model, evalHooks: {}, updates };
      } finally {
        a.dispose();
      }
    }
    if (arm === "example-tied dropout") {
      const { pGen, pMem } = config as { pGen: number; pMem: number };
      const masks = exampleTiedMasks(s.train_examples, s.hidden, pGen, pMem, seed);
      const stream = new IndexedBatchStream(split.train, s.batchSize, seed);
      trainModel(model, split.train, { steps: s.steps, optimizer, stream, hooks: exampleTiedTrainHooks(masks, stream, "h1") });
      const cleanRows = Array.from({ length: s.train_examples }, (_, i) => i).filter((i) => !split.noisy.includes(i));
      return {
        model, evalHooks: exampleTiedTestHooks(masks, "h1"), updates: s.steps,
        noisyFitOwnUnits: ownUnitsAccuracy(model, split.noisyPart, split.noisy, masks),
        cleanFitOwnUnits: ownUnitsAccuracy(model, split.cleanPart, cleanRows, masks),
      };
    }
    const on = arm === "plain on train + held-out" ? split.both : split.train;
    trainModel(model, on, { steps: s.steps, optimizer, stream: new BatchStream(on, s.batchSize, seed) });
    return { model, evalHooks: {}, updates: s.steps };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
}

/** One tuning row: an arm's configuration on a tuning seed, scored on the validation split. */
export interface MemorizationTuneRow {
  readonly arm: MemorizationArm;
  readonly configIndex: number;
  readonly seed: number;
  readonly valAcc: number;
  readonly valLoss: number;
}

/** Each arm's chosen configuration. */
export type MemorizationChosen = Readonly<Record<MemorizationArm, MemorizationArmConfig>>;

/**
 * Every configuration of every arm trained on tuning seed `seed` (its own label noise, initialization and batch
 * order), scored on the clean validation split (example-tied dropout with its memorization units dropped).
 *
 * @example
 * const rows = tuneMemorization(memorizationSettings("full"), 100);
 */
export function tuneMemorization(s: MemorizationSettings, seed: number): MemorizationTuneRow[] {
  const data = memorizationData(s);
  const split = noisySplit(s, data, seed);
  const rows: MemorizationTuneRow[] = [];
  try {
    for (const arm of MEMORIZATION_ARMS) {
      s.grid[arm].forEach((config, configIndex) => {
        const t = trainArm(s, data, split, arm, config, seed);
        try {
          const v = evaluate(t.model, data.validation, t.evalHooks);
          rows.push({ arm, configIndex, seed, valAcc: v.accuracy, valLoss: v.loss });
        } finally {
          t.model.dispose();
        }
      });
    }
  } finally {
    split.dispose();
  }
  return rows;
}

/**
 * Per arm, the configuration with the highest mean validation accuracy over the tuning rows (the first on ties; no
 * rows: the first configuration). The same rule for every arm.
 *
 * @example
 * const chosen = chooseMemorization(s, tuneMemorization(s, 100));   // chosen["example-tied dropout"]
 */
export function chooseMemorization(s: MemorizationSettings, rows: readonly MemorizationTuneRow[]): MemorizationChosen {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return Object.fromEntries(
    MEMORIZATION_ARMS.map((arm) => {
      const scores = s.grid[arm].map((_, i) => {
        const at = rows.filter((r) => r.arm === arm && r.configIndex === i);
        return at.length === 0 ? Number.NEGATIVE_INFINITY : mean(at.map((r) => r.valAcc));
      });
      return [arm, s.grid[arm][scores.indexOf(Math.max(...scores))]];
    }),
  ) as MemorizationChosen;
}

/** How one arm ended. */
export interface Outcome {
  readonly arm: MemorizationArm;
  /** Its configuration's label, e.g. "fraction 0.5". */
  readonly config: string;
  readonly testAcc: number;
  readonly testLoss: number;
  readonly valAcc: number;
  readonly trainAcc: number;
  /** Accuracy on the wrong training labels: the share of them reproduced (memorization). */
  readonly noisyFit: number;
  readonly cleanFit: number;
  /** 95% core of h1 (accuracy on the validation split, stats from the training data); null for example-tied dropout, whose test-time model drops units by a hook. */
  readonly core95: number | null;
  /** Optimizer updates made (antitrain updates counted). */
  readonly updates: number;
  /** Example-tied dropout only: fit of the wrong and the clean labels with each row's own memorization units active. */
  readonly noisyFitOwnUnits?: number;
  readonly cleanFitOwnUnits?: number;
}

/** One seed's result (the per-seed shape of results/08-generalizing-vs-memorizing.json). */
export interface MemorizationSeed extends UnitAnalysis {
  readonly seed: number;
  readonly outcomes: readonly Outcome[];
}

/**
 * One seed: label noise on the training rows (seeded by `seed`), every arm at its chosen configuration from the same
 * initialization and batch order, and the unit analysis of plain training at `s.learningRate` (the chosen plain arm
 * when that is its configuration, else one more plain model: part 1 needs a model that memorized, and a smaller
 * learning rate chosen for test accuracy may fit few of the wrong labels).
 *
 * @example
 * const s = memorizationSettings("tiny");
 * const r = runMemorizationSeed(s, chooseMemorization(s, []), 0);
 * r.outcomes.map((o) => o.noisyFit);
 */
export function runMemorizationSeed(s: MemorizationSettings, chosen: MemorizationChosen, seed: number): MemorizationSeed {
  const data = memorizationData(s);
  const split = noisySplit(s, data, seed);
  const outcomes: Outcome[] = [];
  let analysis: UnitAnalysis | undefined;
  // Part 1 analyses plain training at settings.learningRate (a model that memorizes), the chosen plain arm when it is that.
  const analysisConfig = { learningRate: s.learningRate };
  const analysedHere = JSON.stringify(chosen.plain) === JSON.stringify(analysisConfig);
  const parts = { train: split.train, noisyPart: split.noisyPart, cleanPart: split.cleanPart, heldOut: data.heldOut, test: data.test };
  try {
    for (const arm of MEMORIZATION_ARMS) {
      const config = chosen[arm];
      const t = trainArm(s, data, split, arm, config, seed);
      try {
        const { model, evalHooks } = t;
        const onTest = evaluate(model, data.test, evalHooks);
        outcomes.push({
          arm,
          config: configLabel(config),
          testAcc: onTest.accuracy,
          testLoss: onTest.loss,
          valAcc: evaluate(model, data.validation, evalHooks).accuracy,
          trainAcc: evaluate(model, split.train, evalHooks).accuracy,
          noisyFit: evaluate(model, split.noisyPart, evalHooks).accuracy,
          cleanFit: evaluate(model, split.cleanPart, evalHooks).accuracy,
          core95: arm === "example-tied dropout" ? null : reportCore(model, "h1", data.validation, split.train, { seed }).core.length,
          updates: t.updates,
          ...(t.noisyFitOwnUnits === undefined ? {} : { noisyFitOwnUnits: t.noisyFitOwnUnits, cleanFitOwnUnits: t.cleanFitOwnUnits }),
        });
        if (arm === "plain" && analysedHere) analysis = analyseUnits(model, parts, { seed, samples: s.samples, ablate: s.ablate });
      } finally {
        t.model.dispose();
      }
    }
    if (!analysedHere) {
      const t = trainArm(s, data, split, "plain", analysisConfig, seed);
      try {
        analysis = analyseUnits(t.model, parts, { seed, samples: s.samples, ablate: s.ablate });
      } finally {
        t.model.dispose();
      }
    }
  } finally {
    split.dispose();
  }
  return { seed, ...(analysis as UnitAnalysis), outcomes };
}

