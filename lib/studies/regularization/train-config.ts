/** One configuration of the regularization study trained from a fresh seeded MLP and measured (the notebook's old `runOne`). */
import * as tf from "@tensorflow/tfjs";
import { Antitrainer } from "../../antitrain/antitrainer";
import { interleaved } from "../../antitrain/schedule";
import { AntitrainError } from "../../base/errors";
import { reportCore } from "../../core/report-core";
import { BatchStream } from "../../data/dataset";
import { calibration } from "../../measure/calibration";
import { mlp } from "../../models/mlp";
import { activationL1, dropoutHooks } from "../../training/regularize";
import { evaluate, train } from "../../training/train";
import type { RegularizationData } from "./data";
import type { RegularizationConfig, RegularizationMethod, RegularizationSettings } from "./settings";

/** One trained configuration at one learning rate and seed: its accuracies, test loss, ECE and 95% core of `h1`. */
export interface RegularizationRow {
  readonly seed: number;
  readonly method: RegularizationMethod;
  readonly hyper: number;
  readonly label: string;
  readonly lr: number;
  readonly trainAcc: number;
  readonly valAcc: number;
  readonly testAcc: number;
  readonly testLoss: number;
  readonly ece: number;
  /** Units of `h1`'s 95% accuracy core on the validation rows (stats from the training rows). */
  readonly core95: number;
}

/**
 * Trains `config` at learning rate `lr` from `mlp({ seed })` with Adam for `settings.steps` optimizer updates (batch
 * order seeded by `seed`): plain, with dropout hooks on `h1`, an L2 penalty, an L1 penalty on `h1`'s activations,
 * or `warmup` plain steps and then one antitrain step after each training step (an `Antitrainer` on `h1` at the
 * configuration's fraction, core re-measured every `cycle` steps on the training rows). Measures the model and
 * disposes everything it made.
 *
 * @example
 * const row = trainRegularizationConfig(settings, regularizationData(settings), { method: "L2", hyper: 1e-3, label: "L2 0.001" }, 3e-3, 0);
 */
export function trainRegularizationConfig(settings: RegularizationSettings, data: RegularizationData, config: RegularizationConfig, lr: number, seed: number): RegularizationRow {
  const { train: trainData, validation, test } = data;
  const model = mlp({ inputs: 64, hidden: [settings.hidden], classes: 10, seed });
  const optimizer = tf.train.adam(lr);
  const stream = new BatchStream(trainData, settings.batch, seed);
  let anti: Antitrainer | undefined;
  try {
    if (config.method === "antitraining") {
      train(model, trainData, { steps: settings.warmup, optimizer, stream });
      const a = new Antitrainer(model, ["h1"], { schedule: interleaved(1, { cycle: settings.cycle }), fraction: config.hyper, data: trainData, learningRate: lr, seed });
      anti = a;
      // One antitrain step after each training step: half the remaining updates each, so every method makes `steps`.
      const trainingSteps = (settings.steps - settings.warmup) / 2;
      train(model, trainData, { steps: trainingSteps, optimizer, stream, onStep: (_s, batch) => { a.afterStep(batch); } });
      const updates = settings.warmup + trainingSteps + a.antiSteps;
      if (updates !== settings.steps) throw new AntitrainError(`antitraining made ${updates} updates, not ${settings.steps}: choose warmup and cycle so that every training step is followed by an antitrain step`);
    } else {
      train(model, trainData, {
        steps: settings.steps, optimizer, stream,
        hooks: config.method === "dropout" ? dropoutHooks(model, ["h1"], config.hyper, seed) : undefined,
        l2: config.method === "L2" ? config.hyper : 0,
        penalty: config.method === "L1 activations" ? activationL1(model, ["h1"], config.hyper) : undefined,
      });
    }
    const core = reportCore(model, "h1", validation, trainData, { seed });
    const onTest = evaluate(model, test);
    return {
      seed, method: config.method, hyper: config.hyper, label: config.label, lr,
      trainAcc: evaluate(model, trainData).accuracy, valAcc: evaluate(model, validation).accuracy,
      testAcc: onTest.accuracy, testLoss: onTest.loss, ece: calibration(model, test).ece, core95: core.core.length,
    };
  } finally {
    anti?.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
