import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { rngFor } from "../base/rng";
import { requireData, requireInRange, requireKnownKeys, requirePositiveInt, requireSeed, requireSites } from "../base/validate";
import { type BatchStream, type Dataset, disposeDataset } from "../data/dataset";
import { crossEntropy } from "../measure/metrics";
import type { HookedModel, Hooks } from "../models/types";

/**
 * The hard-concrete distribution's constants (Louizos et al. 2018, "Learning Sparse Neural Networks through L0
 * Regularization"; the values Voita et al. 2019 use): temperature β = 2/3, stretch interval (γ, ζ) = (−0.1, 1.1).
 */
export const HARD_CONCRETE = { beta: 2 / 3, gamma: -0.1, zeta: 1.1 } as const;

const { beta: BETA, gamma: GAMMA, zeta: ZETA } = HARD_CONCRETE;

/**
 * P(gate ≠ 0) of a hard-concrete gate with location log α: sigmoid(log α − β·log(−γ/ζ)), the gate's expected L0
 * norm (Louizos et al. eq. 12).
 *
 * @example
 * hardConcreteOpen(0);   // ≈ 0.975
 */
export function hardConcreteOpen(logAlpha: number): number {
  return 1 / (1 + Math.exp(-(logAlpha - BETA * Math.log(-GAMMA / ZETA))));
}

/**
 * The test-time gate of location log α: min(1, max(0, sigmoid(log α)·(ζ − γ) + γ)) (Louizos et al. eq. 13).
 *
 * @example
 * hardConcreteGate(3);    // 1 (open)
 * hardConcreteGate(-3);   // 0 (closed)
 */
export function hardConcreteGate(logAlpha: number): number {
  const s = 1 / (1 + Math.exp(-logAlpha));
  return Math.min(1, Math.max(0, s * (ZETA - GAMMA) + GAMMA));
}

/**
 * One training sample of a hard-concrete gate from a uniform draw u ∈ (0, 1): s = sigmoid((log u − log(1 − u) +
 * log α)/β), then stretched to (γ, ζ) and clipped to [0, 1] (Louizos et al. eq. 10–11).
 *
 * @example
 * hardConcreteSample(0, 0.5);   // sigmoid(0)·1.2 − 0.1 = 0.5
 */
export function hardConcreteSample(logAlpha: number, u: number): number {
  const s = 1 / (1 + Math.exp(-(Math.log(u) - Math.log(1 - u) + logAlpha) / BETA));
  return Math.min(1, Math.max(0, s * (ZETA - GAMMA) + GAMMA));
}

/** Options for {@link l0Gates}. */
export interface L0GateOptions {
  /** Weight λ of the L0 penalty λ·Σ P(gate ≠ 0) over every gate, added to the mean cross-entropy (≥ 0). */
  lambda: number;
  /** Starting log α of every gate. Default 3 (test-time gate 1, P(open) ≈ 1: the trained model unchanged). */
  initLogAlpha?: number;
  /** Seed of the gates' noise. Default 0. */
  seed?: number;
}

/** Hard-concrete gates with an L0 penalty on the units of some sites (see {@link l0Gates}). */
export interface L0Gates {
  readonly sites: readonly string[];
  readonly lambda: number;
  /** One log α variable `[units]` per site, in `sites` order (for an optimizer of their own). */
  readonly variables: readonly tf.Variable[];
  /** Hooks multiplying each unit's activation (all `width` elements of it) by a fresh sample of its gate; `step` seeds the noise. */
  sampledHooks(step: number): Hooks;
  /** Hooks multiplying each unit's activation by its test-time gate. */
  testHooks(): Hooks;
  /** λ·Σ P(gate ≠ 0) over every gate (a scalar on the tape of the log α's). */
  penalty(): tf.Scalar;
  /** The log α of every unit of `site`. */
  logAlphas(site: string): Float32Array;
  /** The test-time gate of every unit of `site` (0: closed, the unit removed). */
  gates(site: string): Float32Array;
  /**
   * Mutates `model`: multiplies each gated unit's outgoing weights (`outgoing(site)` rows, `width` per unit) by its
   * test-time gate, so the plain model computes what the test-time-gated one did.
   */
  foldInto(model: HookedModel, outgoing: (site: string) => tf.Variable): void;
  dispose(): void;
}

/**
 * Hard-concrete gates with an L0 penalty (Louizos et al. 2018), one per unit of each site, as Voita et al. (2019,
 * "Analyzing Multi-Head Self-Attention: Specialized Heads Do the Heavy Lifting, the Rest Can Be Pruned") put one on
 * each attention head: the unit's whole output (every position, all `width` elements of a head) is multiplied by a
 * stochastic gate z ∈ [0, 1] during training and by its test-time value afterwards; the penalty λ·Σ P(z ≠ 0) closes
 * the gates of the units the loss can spare. Train with {@link trainWithGates}; call `dispose()` when done.
 *
 * @example
 * const gates = l0Gates(model, ["blocks.0.attn"], { lambda: 0.01 });
 * trainWithGates(model, train, gates, { steps: 300, optimizer: at.adamw(1e-3), gateLearningRate: 0.05 });
 * gates.gates("blocks.0.attn");   // e.g. [1, 0, 1, 0.83]: two heads closed
 */
export function l0Gates(model: HookedModel, sites: readonly string[], options: L0GateOptions): L0Gates {
  const infos = requireSites(model, sites, "l0Gates");
  if (options === null || typeof options !== "object") throw new AntitrainError("l0Gates needs options { lambda }, e.g. { lambda: 0.01 }");
  requireKnownKeys(options, ["lambda", "initLogAlpha", "seed"], "l0Gates");
  requireInRange(options.lambda, "l0Gates lambda", { min: 0, max: Number.MAX_VALUE }, "e.g. 0.01; choose it on validation data");
  const init = options.initLogAlpha ?? 3;
  requireInRange(init, "initLogAlpha", { min: -20, max: 20 }, "e.g. 3 (gates open)");
  const seed = options.seed ?? 0;
  requireSeed(seed);
  const lambda = options.lambda;
  const names = infos.map((i) => i.name);
  const alphas = infos.map((i) => tf.tidy(() => tf.variable(tf.fill([i.units], init))));
  let disposed = false;
  const live = () => {
    if (disposed) throw new AntitrainError("these L0 gates were disposed: make new ones with l0Gates");
  };
  const index = (site: string) => {
    live();
    const i = names.indexOf(site);
    if (i < 0) throw new AntitrainError(`no L0 gate at site "${site}": the gated sites are ${names.map((s) => `"${s}"`).join(", ")}`);
    return i;
  };
  /** Multiplies `act` (`[..., units·width]`) by per-unit gates `z` (`[units]`). */
  const gate = (act: tf.Tensor, z: tf.Tensor, units: number) => {
    const shape = act.shape;
    const width = (shape[shape.length - 1] as number) / units;
    return tf.reshape(tf.mul(tf.reshape(act, [...shape.slice(0, -1), units, width]), tf.reshape(z, [units, 1])), shape);
  };
  const testGate = (a: tf.Tensor) => tf.clipByValue(tf.add(tf.mul(tf.sigmoid(a), ZETA - GAMMA), GAMMA), 0, 1);
  return {
    sites: names,
    lambda,
    variables: alphas,
    sampledHooks: (step) => {
      live();
      return Object.fromEntries(
        names.map((site, i) => {
          const units = infos[i].units;
          const noiseSeed = rngFor(seed, step, i).nextUint32() % 2147483647;
          return [
            site,
            (act: tf.Tensor) => {
              const u = tf.randomUniform([units], 1e-6, 1 - 1e-6, "float32", noiseSeed);
              const s = tf.sigmoid(tf.div(tf.add(tf.sub(tf.log(u), tf.log(tf.sub(1, u))), alphas[i]), BETA));
              const z = tf.clipByValue(tf.add(tf.mul(s, ZETA - GAMMA), GAMMA), 0, 1);
              return gate(act, z, units);
            },
          ];
        }),
      );
    },
    testHooks: () => {
      live();
      return Object.fromEntries(names.map((site, i) => [site, (act: tf.Tensor) => gate(act, testGate(alphas[i]), infos[i].units)]));
    },
    penalty: () => {
      live();
      return tf.tidy(() => {
        if (lambda === 0) return tf.scalar(0);
        const shift = BETA * Math.log(-GAMMA / ZETA);
        return tf.mul(lambda, tf.addN(alphas.map((a) => tf.sum(tf.sigmoid(tf.sub(a, shift)))))) as tf.Scalar;
      });
    },
    logAlphas: (site) => alphas[index(site)].dataSync().slice() as Float32Array,
    gates: (site) => tf.tidy(() => testGate(alphas[index(site)]).dataSync() as Float32Array),
    foldInto: (target, outgoing) => {
      live();
      names.forEach((site, i) => {
        const out = outgoing(site);
        const units = infos[i].units;
        if (out.rank !== 2 || out.shape[0] % units !== 0) {
          throw new AntitrainError(`the outgoing weights of site "${site}" must be [units·width, fanOut] with ${units} units, got [${out.shape.join(", ")}]`);
        }
        requireSites(target, [site], "foldInto");
        const [rows, cols] = out.shape as [number, number];
        const width = rows / units;
        tf.tidy(() => out.assign(tf.reshape(tf.mul(tf.reshape(out, [units, width, cols]), tf.reshape(testGate(alphas[i]), [units, 1, 1])), out.shape)));
      });
    },
    dispose: () => {
      if (!disposed) for (const a of alphas) a.dispose();
      disposed = true;
    },
  };
}

/** Options for {@link trainWithGates}. */
export interface GateTrainOptions {
  steps: number;
  /** The model's optimizer (e.g. AdamW); the log α's get their own Adam at `gateLearningRate`. */
  optimizer: tf.Optimizer;
  gateLearningRate: number;
  /** The batch stream (continues its order). */
  stream: BatchStream;
}

/**
 * Trains `model` and `gates` jointly, Voita et al.'s fine-tuning: each step samples every gate, and one backward
 * pass of mean cross-entropy + the L0 penalty gives the weights' gradients (applied by `optimizer`) and the log α's
 * (applied by an Adam of their own, so no weight decay pulls them); one step is one update of both. Returns the
 * cross-entropy per step.
 *
 * @example
 * trainWithGates(model, train, gates, { steps: 300, optimizer, gateLearningRate: 0.05, stream });
 */
export function trainWithGates(model: HookedModel, data: Dataset, gates: L0Gates, options: GateTrainOptions): number[] {
  requireData(model, data);
  requireKnownKeys(options, ["steps", "optimizer", "gateLearningRate", "stream"], "trainWithGates");
  requirePositiveInt(options.steps, "steps");
  requireInRange(options.gateLearningRate, "gateLearningRate", { min: 0, max: 10, minOpen: true }, "e.g. 0.05");
  const modelVars = model.variables();
  const gateOpt = tf.train.adam(options.gateLearningRate);
  const losses: number[] = [];
  try {
    for (let step = 0; step < options.steps; step++) {
      const batch = options.stream.next();
      try {
        const hooks = gates.sampledHooks(step);
        let ce = 0;
        const { value, grads } = tf.variableGrads(() => {
          const c = tf.mean(crossEntropy(model.forward(batch.x, hooks), batch.y)) as tf.Scalar;
          ce = c.dataSync()[0];
          return tf.add(c, gates.penalty()) as tf.Scalar;
        }, [...modelVars, ...gates.variables]);
        const total = value.dataSync()[0];
        value.dispose();
        if (!Number.isFinite(total)) {
          tf.dispose(grads);
          throw new AntitrainError(`training with L0 gates stopped at step ${step}: the loss is ${total}; lower the learning rate or λ`);
        }
        const pick = (vars: readonly tf.Variable[]) => vars.map((v) => ({ name: v.name, tensor: grads[v.name] }));
        options.optimizer.applyGradients(pick(modelVars));
        gateOpt.applyGradients(pick(gates.variables));
        tf.dispose(grads);
        losses.push(ce);
      } finally {
        disposeDataset(batch);
      }
    }
  } finally {
    gateOpt.dispose();
  }
  return losses;
}
