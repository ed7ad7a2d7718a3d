/**
 * Trains one arm of the mutual-information study at one configuration, every arm at exactly `UPDATES` optimizer
 * updates from the same seeded initialization and batch order: plain (its knob: the learning rate), dropout on h1,
 * L2, or antitraining (WARMUP plain updates, then one training and one antitrain update in turn, the antitrain
 * updates counted; its knobs: the core fraction and the antitrain updates' learning rate).
 */
import * as tf from "@tensorflow/tfjs";
import { Antitrainer } from "../../antitrain/antitrainer";
import { interleaved } from "../../antitrain/schedule";
import { AntitrainError } from "../../base/errors";
import { BatchStream, type Dataset } from "../../data/dataset";
import { type Mlp, mlp } from "../../models/mlp";
import { dropoutHooks } from "../../training/regularize";
import { train } from "../../training/train";
import { type AntitrainKnob, type MutualInformationKnob, type MutualInformationSettings, type MutualInformationTrainedArm, knobLabel } from "./settings";

/** A trained arm: the model (the caller disposes it), the updates it made, and antitraining's last core size (NaN otherwise). */
export interface TrainedArm {
  readonly model: Mlp;
  readonly updates: number;
  readonly coreSize: number;
}

/**
 * Trains `arm` at configuration `knob` (a number, or `{ fraction, antiLearningRate }` for antitrained) on `data` from
 * `mlp({ seed })` for exactly `s.UPDATES` updates; throws if an arm would make another number (never silently unequal
 * budgets) or gets the other kind of configuration.
 *
 * @example
 * const { model, updates } = trainArm(s, train, "dropout", 0.1, 0);   // updates === s.UPDATES
 * model.dispose();
 */
export function trainArm(s: MutualInformationSettings, data: Dataset, arm: MutualInformationTrainedArm, knob: MutualInformationKnob, seed: number): TrainedArm {
  if ((arm === "antitrained") !== (typeof knob === "object")) {
    throw new AntitrainError(`${arm} takes ${arm === "antitrained" ? "{ fraction, antiLearningRate }" : "one number"} as its configuration, got ${knobLabel(knob)}`);
  }
  const value = typeof knob === "number" ? knob : Number.NaN;
  const model = mlp({ inputs: 64, hidden: [s.HIDDEN], classes: 10, seed });
  const lr = arm === "plain" ? value : s.LEARNING_RATE;
  const optimizer = tf.train.adam(lr);
  const stream = new BatchStream(data, 64, seed);
  let anti: Antitrainer | undefined;
  try {
    let updates = s.UPDATES;
    let coreSize = Number.NaN;
    if (arm === "antitrained") {
      train(model, data, { steps: s.WARMUP, optimizer, stream });
      const { fraction, antiLearningRate } = knob as AntitrainKnob;
      const a = new Antitrainer(model, ["h1"], { schedule: interleaved(1, { cycle: s.CYCLE }), fraction, data, learningRate: antiLearningRate, seed });
      anti = a;
      const trainingSteps = (s.UPDATES - s.WARMUP) / 2;
      train(model, data, { steps: trainingSteps, optimizer, stream, onStep: (_step, batch) => { a.afterStep(batch); } });
      updates = s.WARMUP + trainingSteps + a.antiSteps;
      coreSize = a.splits.get("h1")?.core.length ?? Number.NaN;
    } else {
      train(model, data, {
        steps: s.UPDATES, optimizer, stream,
        hooks: arm === "dropout" ? dropoutHooks(model, ["h1"], value, seed) : undefined,
        l2: arm === "L2" ? value : 0,
      });
    }
    if (updates !== s.UPDATES) throw new AntitrainError(`${arm} made ${updates} updates, not ${s.UPDATES}: choose WARMUP and CYCLE so that every training step is followed by one antitrain step`);
    return { model, updates, coreSize };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    anti?.dispose();
    optimizer.dispose();
  }
}
