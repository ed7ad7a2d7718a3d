/** One seed of notebook 13's study: every configuration trains the same MLP (same seed, batches and budget). */
import * as tf from "@tensorflow/tfjs";
import { BatchStream, disposeDataset, head } from "../../data/dataset";
import { mlp } from "../../models/mlp";
import { InfoAdaptiveOptimizer } from "../../training/adaptive-lr";
import { evaluate, train } from "../../training/train";
import { studyData } from "../data";
import { ADAPTIVE_LR_CONFIGS, type AdaptiveLrConfig, type AdaptiveLrSettings } from "./settings";

/** One configuration on one seed at the end of the budget. */
export interface AdaptiveLrRow {
  readonly config: string;
  readonly seed: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly trainLoss: number;
  /** Wall seconds of training, measurements included. */
  readonly seconds: number;
  /** The largest and smallest per-unit scale at the end of training (1 and 1 for plain Adam). */
  readonly maxScale: number;
  readonly minScale: number;
}

/** A configuration's test loss at step 0 and every `evalEvery` steps. */
export interface AdaptiveLrCurve {
  readonly config: string;
  readonly seed: number;
  readonly step: number[];
  readonly loss: number[];
}

/** One seed: a row and a learning curve per configuration, in table order. */
export interface AdaptiveLrSeed {
  readonly seed: number;
  readonly rows: AdaptiveLrRow[];
  readonly curves: AdaptiveLrCurve[];
}

/** Trains one configuration from the seed's initialization and measures it; frees what it made. */
function runConfig(s: AdaptiveLrSettings, c: AdaptiveLrConfig, slice: ReturnType<typeof head>, seed: number): { row: AdaptiveLrRow; curve: AdaptiveLrCurve } {
  const { train: trainSet, test } = studyData(s.data);
  const model = mlp({ inputs: trainSet.x.shape[1] as number, hidden: [...s.hidden], classes: 10, seed });
  const adam = tf.train.adam(s.learningRate);
  const sites = s.hidden.map((_, i) => `h${i + 1}`);
  const opt =
    c.mode === undefined ? adam : new InfoAdaptiveOptimizer(model, adam, { sites, data: slice, mode: c.mode, direction: c.direction, refreshEvery: s.refresh, seed });
  try {
    const stream = new BatchStream(trainSet, s.batchSize, seed);
    const curve: AdaptiveLrCurve = { config: c.name, seed, step: [0], loss: [evaluate(model, test).loss] };
    const start = Date.now();
    for (let done = 0; done < s.steps; done += s.evalEvery) {
      train(model, trainSet, { steps: Math.min(s.evalEvery, s.steps - done), optimizer: opt, stream });
      curve.step.push(Math.min(done + s.evalEvery, s.steps));
      curve.loss.push(evaluate(model, test).loss);
    }
    const seconds = (Date.now() - start) / 1000;
    const scales = opt instanceof InfoAdaptiveOptimizer ? [...opt.scales_.values()].flatMap((x) => [...x]) : [1];
    const ev = evaluate(model, test);
    const row: AdaptiveLrRow = {
      config: c.name,
      seed,
      testAccuracy: ev.accuracy,
      testLoss: ev.loss,
      trainLoss: evaluate(model, trainSet).loss,
      seconds,
      maxScale: Math.max(...scales),
      minScale: Math.min(...scales),
    };
    return { row, curve };
  } finally {
    opt.dispose();
    model.dispose();
  }
}

/**
 * One seed of the study: for each of {@link ADAPTIVE_LR_CONFIGS} a fresh MLP (seed `seed`) trained for `steps` Adam
 * steps on the same batch stream, the information-adaptive ones re-measuring every hidden unit's information content
 * (on the first `measureExamples` training examples) every `refresh` steps; the test loss every `evalEvery` steps,
 * and at the end the test accuracy and loss, the training loss and the range of the per-unit scales. Plain JSON.
 *
 * @example
 * const r = adaptiveLrSeed(adaptiveLrSettings("tiny"), 0);   // r.rows[1].testLoss: update · up
 */
export function adaptiveLrSeed(s: AdaptiveLrSettings, seed: number): AdaptiveLrSeed {
  const slice = head(studyData(s.data).train, s.measureExamples);
  try {
    const rows: AdaptiveLrRow[] = [];
    const curves: AdaptiveLrCurve[] = [];
    for (const c of ADAPTIVE_LR_CONFIGS) {
      const { row, curve } = runConfig(s, c, slice, seed);
      rows.push(row);
      curves.push(curve);
    }
    return { seed, rows, curves };
  } finally {
    disposeDataset(slice);
  }
}
