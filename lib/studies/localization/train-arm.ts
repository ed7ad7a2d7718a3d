/**
 * Training one arm of the localization study under the shared update budget: every optimizer update is counted
 * (training updates, antitrain updates; the supervised and bottleneck losses ride on the training updates).
 */
import * as tf from "@tensorflow/tfjs";
import type { Concept } from "../../analysis/concept";
import { conceptAntitrainStep } from "../../analysis/concept-step";
import { antitrainStep } from "../../antitrain/step";
import { AntitrainError } from "../../base/errors";
import { applyChecked, minimizeChecked } from "../../base/tape";
import { BatchStream, type Dataset, disposeDataset } from "../../data/dataset";
import { crossEntropy } from "../../measure/metrics";
import { collectStats } from "../../measure/unit-stats";
import type { HookedModel } from "../../models/types";
import { bottleneckLoss, conceptNeurons } from "./bottleneck";
import { adamw } from "../../training/adamw";
import { routedGradients } from "./gradient-routing";
import type { ArmConfig, LocalizationArm, Routing } from "./settings";
import { conceptHead, supervisedLoss } from "./supervised";

/** What one arm's training needs besides the model. */
export interface ArmTraining {
  readonly arm: LocalizationArm;
  /** The site the concept is forced into (an MLP's "h1", a transformer's "blocks.0.mlp"). */
  readonly site: string;
  /** AdamW's decoupled weight decay for training (the transformer's recipe); absent or 0: Adam. */
  readonly weightDecay?: number;
  readonly config: ArmConfig;
  readonly concept: Concept;
  /** The units the concept is forced into (plain-picked: none yet; it picks afterwards). */
  readonly chosen: readonly number[];
  readonly budget: number;
  readonly pretrain: number;
  readonly learningRate: number;
  readonly statsEvery: number;
  readonly seed: number;
}

/** The knob of a config, read for the arm that owns it (a config of another arm is refused). */
function knob<K extends "antiLearningRate" | "routing" | "weight">(config: ArmConfig, key: K, arm: string): K extends "routing" ? Routing : number {
  if (!(key in config)) throw new AntitrainError(`arm ${arm} needs a config with ${key}, got ${JSON.stringify(config)}`);
  return (config as Record<string, unknown>)[key] as K extends "routing" ? Routing : number;
}

/**
 * Mutates `model`: trains it as `t.arm` for exactly `t.budget` optimizer updates on `train` (batches of 64, Adam, or
 * AdamW with `weightDecay`; antitrain updates use their own Adam);
 * returns the number of updates made (always the budget) and, for the antitraining arms, each antitrain step's loss.
 *
 * @example
 * const { updates } = trainArm(model, train, { arm: "gradient-routing", site: "h1", config: { routing: "one-sided" }, concept: parity, chosen: [0, 1, 2, 3], budget: 600, pretrain: 200, learningRate: 1e-3, statsEvery: 50, seed: 0 });
 */
export function trainArm(model: HookedModel, train: Dataset, t: ArmTraining): { updates: number; antiLoss: number[] } {
  const stream = new BatchStream(train, 64, t.seed + 7919);
  const SITE = t.site;
  const opt = t.weightDecay ? adamw(t.learningRate, { weightDecay: t.weightDecay }) : tf.train.adam(t.learningRate);
  const head = t.arm === "supervised" ? conceptHead(t.chosen.length, t.concept.values) : null;
  const neurons = t.arm === "bottleneck" ? conceptNeurons(t.chosen.length) : null;
  const anti = t.arm === "antitrain-core" || t.arm === "concept-antitrain" ? tf.train.adam(knob(t.config, "antiLearningRate", t.arm)) : null;
  const vars = [...model.variables(), ...(head === null ? [] : [head.w, head.b]), ...(neurons === null ? [] : [neurons.scale, neurons.shift])];
  const antiLoss: number[] = [];
  // The antitraining arms' own pretrain when their config names one (the full grid's second knob), else the settings'.
  const pretrain = (t.config as { pretrain?: number }).pretrain ?? t.pretrain;
  let updates = 0;
  const loss = (batch: Dataset): tf.Scalar => {
    switch (t.arm) {
      case "gradient-routing":
        throw new AntitrainError("gradient routing takes its gradients from routedGradients");
      case "supervised":
        return supervisedLoss(model, SITE, batch, { concept: t.concept, chosen: t.chosen, head: head as NonNullable<typeof head>, weight: knob(t.config, "weight", t.arm) });
      case "bottleneck":
        return bottleneckLoss(model, SITE, batch, { concept: t.concept, chosen: t.chosen, neurons: neurons as NonNullable<typeof neurons>, weight: knob(t.config, "weight", t.arm) });
      case "antitrain-core":
      case "concept-antitrain":
      case "plain-picked":
        return tf.tidy(() => tf.mean(crossEntropy(model.forward(batch.x), batch.y as tf.Tensor1D)) as tf.Scalar);
      default: {
        const never: never = t.arm;
        throw new AntitrainError(`unknown arm ${never}`);
      }
    }
  };
  const trainOn = (batch: Dataset) => {
    const check = (l: tf.Scalar) => {
      if (!Number.isFinite(l.dataSync()[0])) throw new AntitrainError(`arm ${t.arm}: the training loss is not finite at update ${updates}: lower the learning rate`);
    };
    if (t.arm === "gradient-routing") {
      // The routed gradient for the site's own incoming parameters, the plain one for weights all its units share (see routedGradients).
      const routing = { concept: t.concept, chosen: t.chosen, routing: knob(t.config, "routing", t.arm), leak: (t.config as { leak?: number }).leak ?? 0 };
      applyChecked(opt, routedGradients(model, SITE, batch, routing, vars), vars, check);
    } else minimizeChecked(opt, () => loss(batch), vars, check);
    updates++;
  };
  try {
    let stats = anti === null ? null : collectStats(model, SITE, train, { seed: t.seed });
    while (updates < t.budget) {
      const batch = stream.next();
      try {
        trainOn(batch);
        if (anti === null || stats === null || updates <= pretrain) continue;
        if ((updates - pretrain) % t.statsEvery === 1) stats = collectStats(model, SITE, train, { seed: t.seed + updates });
        const seed = t.seed * 100000 + updates;
        antiLoss.push(
          t.arm === "antitrain-core"
            ? antitrainStep(model, SITE, batch, { split: { core: [...t.chosen], method: "resample" }, stats, optimizer: anti, seed, allowStale: true })
            : conceptAntitrainStep(model, SITE, batch, { units: t.chosen, stats, concept: t.concept, optimizer: anti, seed }),
        );
        updates++;
      } finally {
        disposeDataset(batch);
      }
    }
    return { updates, antiLoss };
  } finally {
    opt.dispose();
    anti?.dispose();
    if (head !== null) tf.dispose([head.w, head.b]);
    if (neurons !== null) tf.dispose([neurons.scale, neurons.shift]);
  }
}
