import * as tf from "@tensorflow/tfjs";
import { BatchStream, type Dataset, disposeDataset, forEachSlice, size } from "../data/dataset";
import { crossEntropy } from "../measure/metrics";
import type { HookedModel, Hooks } from "../models/types";
import { AntitrainError } from "../base/errors";
import { withKernelHelp } from "../base/kernel-errors";
import { minimizeChecked } from "../base/tape";
import { requireData, requireFiniteData, requireInRange, requireKnownKeys, requirePositiveInt, requireSeed } from "../base/validate";
import { requireOptimizer } from "./optimizer-checks";

/** Accuracy and mean cross-entropy of a model on a dataset. */
export interface Evaluation {
  readonly accuracy: number;
  readonly loss: number;
}

/**
 * Accuracy and mean cross-entropy on `data` (optionally with hooks). Leaves the model unchanged.
 *
 * @example
 * const { accuracy, loss } = at.evaluate(model, test);
 */
export function evaluate(model: HookedModel, data: Dataset, hooks: Hooks = {}, batchSize = 1024): Evaluation {
  requireData(model, data);
  requireHooks(model, hooks);
  requirePositiveInt(batchSize, "batchSize");
  let correct = 0;
  let loss = 0;
  forEachSlice(data, batchSize, (x, y) => {
    // An op the backend cannot run is an AntitrainError naming it and the fix (train gets this from minimizeChecked).
    const [c, l] = withKernelHelp(() => tf.tidy(() => {
      const logits = model.forward(x, hooks);
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), "float32"));
      return [hits.dataSync()[0], tf.sum(crossEntropy(logits, y)).dataSync()[0]];
    }));
    correct += c;
    loss += l;
  });
  const n = size(data);
  return { accuracy: correct / n, loss: loss / n };
}

/**
 * Checks evaluate's `hooks`: an object of functions keyed by site names. An options object passed in its place
 * (`{ batchSize: 256 }`) would otherwise be read as hooks.
 */
function requireHooks(model: HookedModel, hooks: Hooks): void {
  if (hooks === null || typeof hooks !== "object" || Array.isArray(hooks)) {
    throw new AntitrainError(`evaluate's third argument is hooks by site name (e.g. {} or { h1: (a) => a }), got ${hooks === null ? "null" : typeof hooks}`);
  }
  for (const [key, hook] of Object.entries(hooks)) {
    if (!model.sites().some((s) => s.name === key)) {
      const sites = model.sites().map((s) => `"${s.name}"`).join(", ");
      throw new AntitrainError(
        `evaluate's third argument is hooks by site name, and "${key}" is not a site (sites ${sites}): evaluate(model, data, hooks, batchSize) takes the batch size as a number, e.g. evaluate(model, data, {}, 256)`,
      );
    }
    if (typeof hook !== "function") throw new AntitrainError(`the hook of site "${key}" must be a function (act) => act, got ${typeof hook}`);
  }
}

/** Options for {@link train}. */
export interface TrainOptions {
  steps: number;
  /** Default 64. */
  batchSize?: number;
  /** Used when no optimizer is given: Adam at this rate. Default 1e-3. */
  learningRate?: number;
  /** The optimizer (its state persists across calls if you reuse it). */
  optimizer?: tf.Optimizer;
  /** Seed of the batch order. Default 0. */
  seed?: number;
  /** Reuse a batch stream (continues its order) instead of making one from `seed`. */
  stream?: BatchStream;
  /** L2 penalty coefficient on the model's weight matrices (its rank ≥ 2 variables; not on `variables`). Default 0. */
  l2?: number;
  /** Hooks applied during training forward passes (e.g. dropout). Called with the step number. */
  hooks?: (step: number) => Hooks;
  /** Extra loss term (e.g. an activation penalty), added to the cross-entropy. */
  penalty?: (x: tf.Tensor) => tf.Scalar;
  /** Called after every optimizer step with the batch (e.g. `antitrainer.afterStep`). Mutating the model here is allowed. */
  onStep?: (step: number, batch: Dataset, loss: number) => void;
  /**
   * Extra trainable variables, updated by the same optimizer alongside `model.variables()` (e.g. the per-unit scales
   * of {@link slimmingGates}, which the `hooks` and `penalty` use). Each must be a live `tf.Variable` that is not
   * one of the model's. Default none.
   */
  variables?: readonly tf.Variable[];
}

const TRAIN_KEYS = ["steps", "batchSize", "learningRate", "optimizer", "seed", "stream", "l2", "hooks", "penalty", "onStep", "variables"];

/**
 * Trains `model` (mutates its variables) with minibatch cross-entropy for `steps` steps; returns the loss per step.
 * An op the backend has no kernel for (on wasm, e.g. the gradient of an embedding's gather) throws an AntitrainError
 * that names it and the fix, `ANTITRAIN_BACKEND=cpu`.
 *
 * @example
 * const losses = at.train(model, train, { steps: 500, learningRate: 1e-3, seed: 0,
 *                                         onStep: (_, batch) => antitrainer.afterStep(batch) });
 */
export function train(model: HookedModel, data: Dataset, options: TrainOptions): number[] {
  requireData(model, data);
  if (options === null || typeof options !== "object") throw new AntitrainError("train needs options { steps }, e.g. { steps: 500, seed: 0 }");
  requireKnownKeys(options, TRAIN_KEYS, "train");
  requirePositiveInt(options.steps, "steps");
  if (options.stream === undefined) {
    requirePositiveInt(options.batchSize ?? 64, "batchSize");
    requireSeed(options.seed ?? 0);
  }
  if (options.learningRate !== undefined) {
    requireInRange(options.learningRate, "learningRate", { min: 0, max: Number.MAX_VALUE, minOpen: true }, "use e.g. 1e-3 (Adam's usual rate)");
  }
  if (options.optimizer !== undefined) requireOptimizer(options.optimizer, "train's optimizer");
  const extra = extraVariables(model, options.variables);
  const stream = options.stream ?? new BatchStream(data, options.batchSize ?? 64, options.seed ?? 0);
  const learningRate = options.learningRate ?? 1e-3;
  const optimizer = options.optimizer ?? tf.train.adam(learningRate);
  const ownOptimizer = options.optimizer === undefined;
  const rate = options.optimizer === undefined ? learningRate : optimizerRate(options.optimizer);
  const modelVars = model.variables();
  const vars = [...modelVars, ...extra];
  const losses: number[] = [];
  try {
    for (let step = 0; step < options.steps; step++) {
      const batch = stream.next();
      try {
        // `data` was checked whole; a stream of the caller's may read other data, so its batches are checked one by one.
        if (options.stream !== undefined) requireFiniteData(batch.x, `batch ${step}'s x`);
        const hooks = options.hooks?.(step) ?? {};
        // A non-finite loss is refused before its update is applied, so the model keeps its last finite weights.
        const loss = minimizeChecked(
          optimizer,
          () =>
            tf.tidy(() => {
              let loss = tf.mean(crossEntropy(model.forward(batch.x, hooks), batch.y)) as tf.Scalar;
              if (options.l2) {
                const l2 = options.l2;
                for (const v of modelVars) if (v.rank >= 2) loss = tf.add(loss, tf.mul(l2, tf.sum(tf.square(v))));
              }
              if (options.penalty) loss = tf.add(loss, options.penalty(batch.x));
              return loss;
            }),
          vars,
          (lossT) => {
            const value = lossT.dataSync()[0];
            if (!Number.isFinite(value)) throw divergence(step, `the training loss is ${value}`, losses, rate);
          },
          (v, value) => divergence(step, `the update made variable "${v.name}" ${value}`, losses, rate),
        );
        losses.push(loss);
        options.onStep?.(step, batch, loss);
      } finally {
        disposeDataset(batch);
      }
    }
  } finally {
    if (ownOptimizer) optimizer.dispose();
  }
  return losses;
}

/**
 * The error of a training step that went non-finite (`what` says how), after the weights were kept or restored:
 * it names the step, that the weights are the last finite ones, and the likely cause: the data (checked finite at
 * the door, so only values large enough to overflow), the learning rate, or divergence (a loss that was rising).
 */
function divergence(step: number, what: string, losses: readonly number[], rate: number | undefined): AntitrainError {
  const kept = step === 0 ? "the weights are the initial ones (no update was applied)" : `the weights are the last finite ones, from after step ${step - 1}`;
  const lower = rate === undefined ? "lower the optimizer's learning rate (e.g. 10 times)" : `lower the learning rate (${rate}, e.g. to ${rate / 10})`;
  const recent = losses.slice(-5);
  const rising = recent.length >= 2 && recent[recent.length - 1] > 2 * Math.min(...losses);
  let cause: string;
  if (step === 0 && what.startsWith("the training loss")) {
    cause = "the data or the model's scale: the forward pass overflowed before any update, so standardize the inputs (the data holds no NaN or ±Infinity: it was checked), or check a hook or penalty";
  } else if (rising) {
    cause = `divergence: the loss rose from ${Math.min(...losses).toPrecision(3)} to ${recent[recent.length - 1].toPrecision(3)} before it, so ${lower}`;
  } else {
    cause = what.startsWith("the training loss")
      ? `a learning rate too high for this model (the last update made the outputs overflow): ${lower}, or standardize the inputs if they hold very large values`
      : `a learning rate too high for this model, or a gradient that overflowed (a penalty or hook of extreme scale): ${lower}`;
  }
  return new AntitrainError(`training stopped at step ${step}: ${what}; ${kept}. Likely cause: ${cause}`);
}

/** The learning rate an optimizer reports in its config (undefined when it reports none). */
function optimizerRate(optimizer: tf.Optimizer): number | undefined {
  try {
    const rate = optimizer.getConfig().learningRate;
    return typeof rate === "number" ? rate : undefined;
  } catch {
    return undefined;
  }
}

/** The `variables` option checked: live tf.Variables, none of them the model's, none twice. */
function extraVariables(model: HookedModel, variables: readonly tf.Variable[] | undefined): tf.Variable[] {
  if (variables === undefined) return [];
  if (!Array.isArray(variables)) throw new AntitrainError("variables must be an array of tf.Variable (e.g. gates.variables), or left out");
  const own = new Set(model.variables());
  const seen = new Set<tf.Variable>();
  variables.forEach((v, i) => {
    if (!(v instanceof tf.Variable)) throw new AntitrainError(`variables[${i}] is not a tf.Variable: make it with tf.variable(...)`);
    if (v.isDisposed) throw new AntitrainError(`variables[${i}] was disposed: pass live variables (were the gates disposed before training?)`);
    if (own.has(v)) throw new AntitrainError(`variables[${i}] is one of the model's own variables, which train already updates: leave it out`);
    if (seen.has(v)) throw new AntitrainError(`variables[${i}] is listed twice: pass each extra variable once`);
    seen.add(v);
  });
  return [...variables];
}
