/** One seed of notebook 14's study: every model of every task trained from the same seed, batches and budget. */
import * as tf from "@tensorflow/tfjs";
import { BatchStream } from "../../data/dataset";
import { type Mlp, mlp } from "../../models/mlp";
import { SHAPE_RELU, SHAPE_SIGMOID, TunableMlp, tunableMlp } from "../../models/tunable-mlp";
import { evaluate, train } from "../../training/train";
import { studyData } from "../data";
import { type ActivationShapesSettings, SHAPE_TASKS, type ShapeModel, type ShapeTask } from "./settings";

/** One model on one task and seed at the end of the budget; t is the learned shape (mean, min and max over units). */
export interface ShapeRow {
  readonly task: ShapeTask;
  readonly model: ShapeModel;
  readonly seed: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly tMean: number;
  readonly tMin: number;
  readonly tMax: number;
}

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

/** The model `kind` for a task's data (ReLU and per-layer/per-unit tunable models share their dense initialization). */
function build(kind: ShapeModel, spec: { inputs: number; hidden: number[]; classes: number }, seed: number): Mlp | TunableMlp {
  return kind === "relu" || kind === "sigmoid" ? mlp({ ...spec, seed, activation: kind }) : tunableMlp({ ...spec, seed, shapePer: kind === "tunable · layer" ? "layer" : "unit" });
}

/** Trains one model on one task, tracking the per-layer shape; measures it and frees what it made. */
function runModel(s: ActivationShapesSettings, task: ShapeTask, kind: ShapeModel, seed: number): { row: ShapeRow; track: ShapeTrack; t: number[] } {
  const cfg = s.tasks[task];
  const { train: trainSet, test } = studyData(cfg.data);
  const model = build(kind, { inputs: trainSet.x.shape[1] as number, hidden: [cfg.hidden], classes: trainSet.classes }, seed);
  const opt = tf.train.adam(cfg.learningRate);
  try {
    const stream = new BatchStream(trainSet, s.batchSize, seed);
    const track: ShapeTrack = { task, seed, step: [0], t: [1] };
    for (let done = 0; done < cfg.steps; done += s.trackEvery) {
      train(model, trainSet, { steps: Math.min(s.trackEvery, cfg.steps - done), optimizer: opt, stream, l2: cfg.l2 });
      if (kind === "tunable · layer") {
        track.step.push(Math.min(done + s.trackEvery, cfg.steps));
        track.t.push((model as TunableMlp).shapes()[0][0]);
      }
    }
    const t = model instanceof TunableMlp ? [...model.shapes()[0]] : [kind === "relu" ? SHAPE_RELU : SHAPE_SIGMOID];
    const ev = evaluate(model, test);
    const row: ShapeRow = {
      task,
      model: kind,
      seed,
      trainAccuracy: evaluate(model, trainSet).accuracy,
      testAccuracy: ev.accuracy,
      testLoss: ev.loss,
      tMean: t.reduce((a, b) => a + b, 0) / t.length,
      tMin: Math.min(...t),
      tMax: Math.max(...t),
    };
    return { row, track, t };
  } finally {
    opt.dispose();
    model.dispose();
  }
}

/**
 * One seed of the study: on each task (digits, then modular addition) every model of the task's `models` — fixed
 * ReLU, fixed sigmoid, t learned per layer or per unit — from the seed's initialization, trained with Adam on the same
 * batch stream for the task's steps (L2 on the weight matrices as set); the per-layer t is recorded every
 * `trackEvery` steps; then train and test accuracy, test loss and the learned t. Plain JSON.
 *
 * @example
 * const r = activationShapesSeed(activationShapesSettings("tiny"), 0);   // r.rows, r.tracks, r.unitShapes.modular
 */
export function activationShapesSeed(s: ActivationShapesSettings, seed: number): ShapeSeed {
  const rows: ShapeRow[] = [];
  const tracks: ShapeTrack[] = [];
  const unitShapes: Record<ShapeTask, number[]> = { digits: [], modular: [] };
  for (const task of SHAPE_TASKS) {
    for (const kind of s.tasks[task].models) {
      const { row, track, t } = runModel(s, task, kind, seed);
      rows.push(row);
      if (kind === "tunable · layer") tracks.push(track);
      if (kind === "tunable · unit") unitShapes[task].push(...t);
    }
  }
  return { seed, rows, tracks, unitShapes };
}
