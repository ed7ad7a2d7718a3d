/**
 * Notebook 14's runs: a tuning seed trains every configuration of every model on the training rows minus a
 * validation split and scores it there; a study seed trains every model at its chosen configuration on all the
 * training rows, from the same seed, batches and budget, and scores it on the test split.
 */
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../../base/errors";
import { BatchStream, type Dataset } from "../../data/dataset";
import { type Mlp, mlp } from "../../models/mlp";
import { SHAPE_RELU, SHAPE_SIGMOID, TunableMlp, tunableMlp } from "../../models/tunable-mlp";
import { evaluate, train } from "../../training/train";
import { type DataDescription, studyData } from "../data";
import { type ActivationShapesSettings, LEARNABLE_SHAPE_MODELS, SHAPE_TASKS, type ShapeConfig, type ShapeModel, type ShapeTask, shapeConfigs } from "./settings";

/**
 * One model on one task and seed at the end of the budget, at its chosen configuration. t is the learned activation
 * parameter (the shape t, PReLU's a, Swish's β or the gain g; mean, min and max over units); fixed ReLU reports t = 1
 * and fixed sigmoid t = 0, their places on the study's shape axis.
 */
export interface ShapeRow {
  readonly task: ShapeTask;
  readonly model: ShapeModel;
  readonly seed: number;
  readonly learningRate: number;
  readonly initialShape?: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly tMean: number;
  readonly tMin: number;
  readonly tMax: number;
}

/** One configuration of one model on one tuning seed, scored on the validation split. */
export interface ShapeTuneRow {
  readonly task: ShapeTask;
  readonly model: ShapeModel;
  readonly seed: number;
  readonly learningRate: number;
  readonly initialShape?: number;
  readonly validationAccuracy: number;
  readonly validationLoss: number;
}

/** Each task's chosen configuration per model. */
export type ShapeChosen = Record<ShapeTask, Record<string, ShapeConfig>>;

/** The per-layer model's shape t at step 0 and every `trackEvery` steps. */
export interface ShapeTrack {
  readonly task: ShapeTask;
  readonly seed: number;
  readonly step: number[];
  readonly t: number[];
}

/** One seed: a row per task and model (task order, then model order), the per-layer tracks, and the per-unit model's final t values. */
export interface ShapeSeed {
  readonly seed: number;
  readonly rows: ShapeRow[];
  readonly tracks: ShapeTrack[];
  readonly unitShapes: Record<ShapeTask, number[]>;
}

/** The model `kind` for a task's data (every model shares the dense initialization of the seed). */
function build(kind: ShapeModel, spec: { inputs: number; hidden: number[]; classes: number }, seed: number, config: ShapeConfig): Mlp | TunableMlp {
  const learnable = LEARNABLE_SHAPE_MODELS[kind];
  if (learnable === undefined) return mlp({ ...spec, seed, activation: kind === "sigmoid" ? "sigmoid" : "relu" });
  return tunableMlp({ ...spec, seed, shapePer: learnable.per, activation: learnable.activation, initialShape: config.initialShape });
}

interface Trained {
  readonly model: Mlp | TunableMlp;
  readonly track: ShapeTrack;
  readonly trainSet: Dataset;
}

/** Trains one model on `data`'s training rows for the task's steps (the per-layer shape tracked); the caller disposes the model. */
function trainModel(s: ActivationShapesSettings, task: ShapeTask, kind: ShapeModel, config: ShapeConfig, seed: number, data: DataDescription, track: boolean): Trained & { split: ReturnType<typeof studyData> } {
  const cfg = s.tasks[task];
  const split = studyData(data);
  const trainSet = split.train;
  const model = build(kind, { inputs: trainSet.x.shape[1] as number, hidden: [cfg.hidden], classes: trainSet.classes }, seed, config);
  const opt = tf.train.adam(config.learningRate);
  try {
    const stream = new BatchStream(trainSet, s.batchSize, seed);
    const first = model instanceof TunableMlp ? model.shapes()[0][0] : SHAPE_RELU;
    const t: ShapeTrack = { task, seed, step: [0], t: [first] };
    for (let done = 0; done < cfg.steps; done += s.trackEvery) {
      train(model, trainSet, { steps: Math.min(s.trackEvery, cfg.steps - done), optimizer: opt, stream, l2: cfg.l2 });
      if (track && model instanceof TunableMlp) {
        t.step.push(Math.min(done + s.trackEvery, cfg.steps));
        t.t.push(model.shapes()[0][0]);
      }
    }
    return { model, track: t, trainSet, split };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    opt.dispose();
  }
}

/** The task's data description on a tuning seed: the training rows minus the validation split. */
function tuningData(s: ActivationShapesSettings, task: ShapeTask): DataDescription {
  const data = s.tasks[task].data;
  return data.dataset === "digits" ? { ...data, validation: s.validation } : { ...data, validation: s.validation, validationSeed: 0 };
}

/**
 * One tuning seed: on each task every configuration of every model (`shapeConfigs`) trained on the training rows
 * minus `validation` of them (a fixed, class-stratified split) for the task's steps, scored on the held-out rows.
 * The test split is never touched.
 *
 * @example
 * const rows = tuneActivationShapes(activationShapesSettings("tiny"), 100);   // rows[0].validationAccuracy
 */
export function tuneActivationShapes(s: ActivationShapesSettings, seed: number): ShapeTuneRow[] {
  const rows: ShapeTuneRow[] = [];
  for (const task of SHAPE_TASKS) {
    const data = tuningData(s, task);
    for (const model of s.tasks[task].models) {
      for (const config of shapeConfigs(s, task, model)) {
        const { model: m, split } = trainModel(s, task, model, config, seed, data, false);
        try {
          if (split.validation === undefined) throw new AntitrainError(`task ${task}: the tuning data has no validation split`);
          const v = evaluate(m, split.validation);
          rows.push({ task, model, seed, ...config, validationAccuracy: v.accuracy, validationLoss: v.loss });
        } finally {
          m.dispose();
        }
      }
    }
  }
  return rows;
}

/**
 * Each task's configuration per model: the highest validation accuracy averaged over the tuning seeds, ties broken by
 * the lower mean validation loss, then by grid order. Refuses to choose without tuning rows.
 *
 * @example
 * const chosen = chooseActivationShapes(settings, rows);   // chosen.modular["prelu · layer"].initialShape
 */
export function chooseActivationShapes(s: ActivationShapesSettings, rows: readonly ShapeTuneRow[]): ShapeChosen {
  if (rows.length === 0) throw new AntitrainError("the activation-shape study chooses each model's learning rate and starting parameter on tuning seeds: pass tuneSeeds, e.g. [100, 101]");
  const chosen = { digits: {}, modular: {} } as ShapeChosen;
  for (const task of SHAPE_TASKS) {
    for (const model of s.tasks[task].models) {
      let best: { config: ShapeConfig; acc: number; loss: number } | undefined;
      for (const config of shapeConfigs(s, task, model)) {
        const mine = rows.filter((r) => r.task === task && r.model === model && r.learningRate === config.learningRate && r.initialShape === config.initialShape);
        if (mine.length === 0) throw new AntitrainError(`no tuning rows for ${task} · ${model} at ${JSON.stringify(config)}: tune with the same settings`);
        const acc = mine.reduce((a, r) => a + r.validationAccuracy, 0) / mine.length;
        const loss = mine.reduce((a, r) => a + r.validationLoss, 0) / mine.length;
        if (best === undefined || acc > best.acc || (acc === best.acc && loss < best.loss)) best = { config, acc, loss };
      }
      chosen[task][model] = (best as { config: ShapeConfig }).config;
    }
  }
  return chosen;
}

/** Trains one model at its chosen configuration on all the training rows; measures it on the test split and frees it. */
function runModel(s: ActivationShapesSettings, task: ShapeTask, kind: ShapeModel, config: ShapeConfig, seed: number): { row: ShapeRow; track: ShapeTrack; t: number[] } {
  const { model, track, trainSet, split } = trainModel(s, task, kind, config, seed, s.tasks[task].data, kind === "tunable · layer");
  try {
    const t = model instanceof TunableMlp ? [...model.shapes()[0]] : [kind === "sigmoid" ? SHAPE_SIGMOID : SHAPE_RELU];
    const ev = evaluate(model, split.test);
    const row: ShapeRow = {
      task,
      model: kind,
      seed,
      ...config,
      trainAccuracy: evaluate(model, trainSet).accuracy,
      testAccuracy: ev.accuracy,
      testLoss: ev.loss,
      tMean: t.reduce((a, b) => a + b, 0) / t.length,
      tMin: Math.min(...t),
      tMax: Math.max(...t),
    };
    return { row, track, t };
  } finally {
    model.dispose();
  }
}

/**
 * One seed of the study: on each task (digits, then modular addition) every model of the task's `models` at its
 * chosen configuration — fixed ReLU and sigmoid, t learned per layer or per unit, PReLU, Swish-β, ReLU with a gain —
 * from the seed's initialization, trained with Adam on the same batch stream for the task's steps (L2 on the weight
 * matrices as set); the per-layer t is recorded every `trackEvery` steps; then train and test accuracy, test loss and
 * the learned parameter. Plain JSON.
 *
 * @example
 * const s = activationShapesSettings("tiny");
 * const r = activationShapesSeed(s, chooseActivationShapes(s, tuneActivationShapes(s, 100)), 0);   // r.rows, r.tracks
 */
export function activationShapesSeed(s: ActivationShapesSettings, chosen: ShapeChosen, seed: number): ShapeSeed {
  const rows: ShapeRow[] = [];
  const tracks: ShapeTrack[] = [];
  const unitShapes: Record<ShapeTask, number[]> = { digits: [], modular: [] };
  for (const task of SHAPE_TASKS) {
    for (const kind of s.tasks[task].models) {
      const config = chosen[task]?.[kind];
      if (config === undefined) throw new AntitrainError(`no chosen configuration for ${task} · ${kind}: choose with the same settings`);
      const { row, track, t } = runModel(s, task, kind, config, seed);
      rows.push(row);
      if (kind === "tunable · layer") tracks.push(track);
      if (kind === "tunable · unit") unitShapes[task].push(...t);
    }
  }
  return { seed, rows, tracks, unitShapes };
}
