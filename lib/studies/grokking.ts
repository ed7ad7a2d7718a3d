import * as tf from "@tensorflow/tfjs";
import { adamw } from "../training/adamw";
import { antitrainStep } from "../antitrain/step";
import { BatchStream, type Dataset, size } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { grokfast } from "../training/grokfast";
import { type UnitRole, heldOutImportance } from "../importance/heldout";
import { type TransformerOptions, transformer } from "../models/transformer";
import { rngFor } from "../base/rng";
import { collectStats } from "../measure/unit-stats";
import { evaluate, train } from "../training/train";
import { requirePositiveInt } from "../base/validate";

/** How a grokking run trains: plain AdamW, AdamW behind the Grokfast filter, or AdamW plus antitraining. */
export type GrokMethod = "baseline" | "grokfast" | "antitrain";

/** Options for {@link grokRun}. */
export interface GrokRunOptions {
  /** Training pairs (trained on full batch), held-out pairs (only antitraining's measurements see them), test pairs (reported). */
  data: { train: Dataset; heldOut: Dataset; test: Dataset };
  model: TransformerOptions;
  method: GrokMethod;
  /**
   * Optimizer updates at most, every one counted: full-batch training steps plus (method "antitrain") antitrain
   * steps, so every method gets the same update budget.
   */
  steps: number;
  /** Evaluate (and measure held-out importance) every this many updates. Default 50. */
  evalEvery?: number;
  /** Stop once test accuracy reaches `target`. Default true. */
  stopAtTarget?: boolean;
  /** Default 0.95. */
  target?: number;
  /** AdamW settings (Nanda et al.: lr 1e-3, weight decay 1.0, betas 0.9/0.98). */
  learningRate?: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  /** Grokfast-EMA settings (the paper's 0.98 and 2.0 by default). */
  alpha?: number;
  lambda?: number;
  /** The site whose units are measured (and, for "antitrain", erased). Default "blocks.0.mlp". */
  site?: string;
  /** Held-out importance classification ratio (see heldOutImportance). Default 2. */
  ratio?: number;
  /** Method "antitrain": one antitrain step after every `antiEvery` training steps (while memorizing units exist). Default 1. */
  antiEvery?: number;
  /** Learning rate of the antitraining Adam (its own state, downstream variables only). Default 1e-3. */
  antiLearningRate?: number;
  /** Measure held-out importance at every evaluation (always on for "antitrain"). Default true. */
  measure?: boolean;
  seed?: number;
  /** Called after every evaluation (e.g. progress output). */
  onEval?: (point: GrokPoint) => void;
}

/** One evaluation point of a grokking run. */
export interface GrokPoint {
  /** Optimizer updates so far (training steps plus antitrain steps). */
  readonly step: number;
  /** Training steps so far (equal to `step` but in the antitrain arm). */
  readonly trainSteps: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  /** Units per role at the measured site (when measured). */
  readonly roles?: Readonly<Record<UnitRole, number>>;
  /** Summed train-damage share of the units classified memorizing (when measured). */
  readonly memorizingTrainShare?: number;
}

/** The result of {@link grokRun}. */
export interface GrokResult {
  readonly method: GrokMethod;
  readonly seed: number;
  readonly curve: GrokPoint[];
  /** Updates at the first evaluation with test accuracy ≥ target, or null when not reached within `steps` updates. */
  readonly stepsToTarget: number | null;
  /** Updates at the first evaluation with train accuracy ≥ target (memorization), or null. */
  readonly stepsToTrain: number | null;
  /** Training steps and antitrain steps made (their sum is the run's updates). */
  readonly trainSteps: number;
  readonly antiSteps: number;
  readonly seconds: number;
}

/**
 * One modular-addition grokking run: builds a transformer from `model` (seeded with `seed`), trains it full batch
 * with AdamW for at most `steps` optimizer updates, and evaluates every `evalEvery` updates. `grokfast` filters the
 * gradients with Grokfast-EMA; `antitrain` measures held-out importance (train vs held-out damage per unit) at every
 * evaluation, calls the units that matter on training pairs but not on unseen ones "memorizing", and after every
 * `antiEvery` training steps runs an antitrain step that randomizes every other unit and pushes the output towards
 * uniform, detaching the memorizing units from the output. Antitrain steps count as updates: an antitraining run
 * makes fewer training steps within the same budget. The held-out pairs are disjoint from the test pairs. Frees the
 * model it builds.
 *
 * @example
 * const r = at.grokRun({ data: { train, heldOut, test }, model: { vocab, seqLen, classes: p, dModel: 32, dMlp: 128 },
 *                        method: "grokfast", steps: 1000, learningRate: 1e-2 });
 * r.stepsToTarget;   // e.g. 400 (updates), or null when it never reached 95% test accuracy
 */
export function grokRun(options: GrokRunOptions): GrokResult {
  const seed = options.seed ?? 0;
  const every = options.evalEvery ?? 50;
  const target = options.target ?? 0.95;
  const site = options.site ?? "blocks.0.mlp";
  const antiEvery = options.antiEvery ?? 1;
  const method = options.method;
  if (!["baseline", "grokfast", "antitrain"].includes(method)) {
    throw new AntitrainError(`method must be "baseline", "grokfast" or "antitrain", got "${method}"`);
  }
  requirePositiveInt(antiEvery, "antiEvery");
  const started = Date.now();
  const model = transformer({ ...options.model, seed });
  const base = adamw(options.learningRate ?? 1e-3, {
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.98,
    weightDecay: options.weightDecay ?? 1.0,
  });
  const optimizer = method === "grokfast" ? grokfast(base, { alpha: options.alpha, lambda: options.lambda }) : base;
  const anti = tf.train.adam(options.antiLearningRate ?? 1e-3);
  const { train: trainData, heldOut, test } = options.data;
  const stream = new BatchStream(trainData, size(trainData), seed);
  const curve: GrokPoint[] = [];
  let memorizing: number[] = [];
  let others: number[] = [];
  let stats: ReturnType<typeof collectStats> | null = null;
  let updates = 0;
  let trainSteps = 0;
  let antiSteps = 0;
  /** A training step completed a cadence of `antiEvery`: its antitrain step is owed (made first in the next span when the last one filled up). */
  let antiDue = false;
  let stepsToTarget: number | null = null;
  let stepsToTrain: number | null = null;
  const measure = method === "antitrain" || (options.measure ?? true);
  const antitraining = () => method === "antitrain" && memorizing.length > 0 && stats !== null;
  const antiStep = () => {
    antitrainStep(model, site, trainData, { // full batch: the training pairs
      split: { core: others, method: "resample" },
      stats: stats as ReturnType<typeof collectStats>,
      optimizer: anti,
      seed: rngFor(seed, trainSteps, 0).nextUint32(),
      allowStale: true, // the stats are re-measured every `every` updates, on purpose not after each step
    });
    antiSteps++;
    updates++;
    antiDue = false;
  };
  try {
    while (updates < options.steps) {
      const start = updates;
      const end = Math.min(updates + every, options.steps);
      while (updates < end) {
        if (antiDue && antitraining()) {
          antiStep();
          continue;
        }
        antiDue = false;
        // Training steps up to the next antitrain step (or the evaluation), in one call.
        const n = antitraining() ? Math.min(antiEvery - (trainSteps % antiEvery), end - updates) : end - updates;
        train(model, trainData, { steps: n, optimizer, stream });
        trainSteps += n;
        updates += n;
        if (antitraining() && trainSteps % antiEvery === 0) {
          antiDue = true;
          if (updates < end) antiStep();
        }
      }
      const tr = evaluate(model, trainData);
      const te = evaluate(model, test);
      let point: GrokPoint = { step: updates, trainSteps, trainAccuracy: tr.accuracy, testAccuracy: te.accuracy, trainLoss: tr.loss, testLoss: te.loss };
      if (measure) {
        stats = collectStats(model, site, trainData, { seed: start });
        const h = heldOutImportance(model, site, trainData, heldOut, { stats, method: "resample", metric: "loss", seed: start, ratio: options.ratio });
        const roles: Record<UnitRole, number> = { generalizing: 0, memorizing: 0, mixed: 0, inert: 0 };
        h.roles.forEach((r) => roles[r]++);
        memorizing = h.roles.flatMap((r, u) => (r === "memorizing" ? [u] : []));
        others = h.roles.flatMap((r, u) => (r === "memorizing" ? [] : [u]));
        const share = memorizing.reduce((a, u) => a + h.trainShare[u], 0);
        point = { ...point, roles, memorizingTrainShare: share };
      }
      curve.push(point);
      options.onEval?.(point);
      if (stepsToTrain === null && tr.accuracy >= target) stepsToTrain = point.step;
      if (stepsToTarget === null && te.accuracy >= target) {
        stepsToTarget = point.step;
        if (options.stopAtTarget ?? true) break;
      }
    }
  } finally {
    optimizer.dispose();
    anti.dispose();
    model.dispose();
  }
  return { method, seed, curve, stepsToTarget, stepsToTrain, trainSteps, antiSteps, seconds: (Date.now() - started) / 1000 };
}
