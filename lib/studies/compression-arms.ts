/**
 * The training arms of the compression study (notebook 04): antitraining, its controls and the published
 * structured-sparsity baselines, each continuing a pretrained MLP for the same number of optimizer updates, and the
 * unit order each arm prunes by. One function trains, one ranks, so the notebook reads as a table of arms.
 */
import { AntitrainError } from "../base/errors";
import { requireData, requireFraction, requireKnownKeys, requireOneOf, requirePositiveInt, requireSite } from "../base/validate";
import type { Dataset } from "../data/dataset";
import { Antitrainer } from "../antitrain/antitrainer";
import { interleaved } from "../antitrain/schedule";
import { importance, ranked } from "../importance/importance";
import { magnitudeScores } from "../importance/magnitude";
import { collectStats } from "../measure/unit-stats";
import type { Mlp } from "../models/mlp";
import { groupLasso } from "../training/group-lasso";
import { nestedDropoutHooks } from "../training/nested-dropout";
import { slimmingGates } from "../training/network-slimming";
import { activationL1 } from "../training/regularize";
import { targetedDropoutHooks } from "../training/targeted-dropout";
import { train } from "../training/train";

/** How an arm trains (every arm continues the same pretrained model for the same number of updates). */
export const TRAINING_METHODS = [
  "plain",
  "antitrain",
  "spectators-true-labels",
  "core-true-labels",
  "group-lasso",
  "slimming",
  "activation-l1",
  "targeted-dropout",
  "nested-dropout",
  "antitrain-rising",
  "antitrain+group-lasso",
  "antitrain+activation-l1",
] as const;
export type TrainingMethod = (typeof TRAINING_METHODS)[number];

/** The method's knob: `lambda` (group-lasso, slimming, activation-l1, and the penalty of antitrain+group-lasso and
 * antitrain+activation-l1), `fraction` (antitrain, its controls and variants: the antitrained core's share of the
 * damage; antitrain-rising: its starting share), `finalFraction` (antitrain-rising: the share reached, linearly, at
 * the last training step), `cycle` (every antitraining method: training steps between core measurements, overriding
 * the option `cycle`), `antiSteps` (every antitraining method: antitrain steps after each training step, default 1;
 * the update budget is split 1 : antiSteps between training and antitraining), `antiLearningRate` (every
 * antitraining method: Adam's rate of the antitrain steps, default the training rate), `targetFraction` and `rate`
 * (targeted-dropout), `p` (nested-dropout). */
export interface MethodSettings {
  readonly lambda?: number;
  readonly fraction?: number;
  readonly finalFraction?: number;
  readonly cycle?: number;
  readonly antiSteps?: number;
  readonly antiLearningRate?: number;
  readonly targetFraction?: number;
  readonly rate?: number;
  readonly p?: number;
}

/** Options of {@link trainWithMethod}. */
export interface TrainWithMethodOptions {
  /** Optimizer updates to spend. Antitraining and its controls split them 1 : settings.antiSteps (default 1 : 1) between training and antitrain steps. */
  readonly updates: number;
  readonly settings?: MethodSettings;
  readonly seed: number;
  /** Adam's rate for training and antitraining. Default 1e-3. */
  readonly learningRate?: number;
  /** Antitraining re-measures its core every `cycle` training steps. Default 100. */
  readonly cycle?: number;
  /** Weight decay (L2 on weight matrices) for network slimming, so the next layer cannot undo a shrinking gate. Default 1e-4. */
  readonly slimmingL2?: number;
  /** The rows antitraining (and its controls) measure their cores on. Default: `data`, every training row. */
  readonly measureData?: Dataset;
}

/** What {@link trainWithMethod} did. */
export interface MethodRun {
  /** Optimizer updates actually made (training steps plus antitrain steps). */
  readonly updates: number;
  /** Network slimming only: each unit's |γ| before the gates were folded into the model. */
  readonly gateScores?: Float32Array;
  /** Antitraining and its controls only: how many times the core was measured (each a search over the site's units on the measurement rows: compute the update count leaves out). */
  readonly measurements?: number;
}

const SETTINGS_KEYS = ["lambda", "fraction", "finalFraction", "cycle", "antiSteps", "antiLearningRate", "targetFraction", "rate", "p"];
const OPTION_KEYS = ["updates", "settings", "seed", "learningRate", "cycle", "slimmingL2", "measureData"];

/** The setting `name` of `method`, required. */
function need(settings: MethodSettings, name: keyof MethodSettings, method: TrainingMethod, example: string): number {
  const v = settings[name];
  if (typeof v !== "number" || !Number.isFinite(v)) throw new AntitrainError(`method "${method}" needs settings.${name}, e.g. { ${name}: ${example} }`);
  return v;
}

/**
 * Mutates `model`: continues training it at `site` with `method` for `options.updates` optimizer updates
 * (antitraining and its two controls: updates/(1 + antiSteps) training steps, each followed by `antiSteps` antitrain
 * steps (default one) on the same Antitrainer loop, the controls changing one ingredient: `spectators-true-labels` randomizes the spectators and
 * trains towards the true labels, `core-true-labels` randomizes the core and trains towards the true labels).
 * Network slimming's gates are folded into the model afterwards, so every arm returns a plain MLP.
 *
 * @example
 * const m = pretrained.clone();
 * at.trainWithMethod(m, "h1", train, "group-lasso", { updates: 1600, settings: { lambda: 1e-3 }, seed: 0 });
 * const order = at.unitOrder(m, "h1", train, "magnitude", { seed: 0 });
 */
export function trainWithMethod(model: Mlp, site: string, data: Dataset, method: TrainingMethod, options: TrainWithMethodOptions): MethodRun {
  requireSite(model, site);
  requireOneOf(method, TRAINING_METHODS, "method");
  requireKnownKeys(options, OPTION_KEYS, "trainWithMethod");
  requirePositiveInt(options.updates, "updates");
  const settings = options.settings ?? {};
  requireKnownKeys(settings, SETTINGS_KEYS, "trainWithMethod's settings");
  const { seed } = options;
  const learningRate = options.learningRate ?? 1e-3;
  const steps = options.updates;
  switch (method) {
    case "plain":
      train(model, data, { steps, learningRate, seed });
      return { updates: steps };
    case "antitrain":
    case "spectators-true-labels":
    case "core-true-labels":
    case "antitrain-rising":
    case "antitrain+group-lasso":
    case "antitrain+activation-l1": {
      const antiSteps = settings.antiSteps ?? 1;
      requirePositiveInt(antiSteps, "settings.antiSteps (antitrain steps after each training step)");
      const antiLearningRate = settings.antiLearningRate ?? learningRate;
      if (!(typeof antiLearningRate === "number" && antiLearningRate > 0 && Number.isFinite(antiLearningRate))) {
        throw new AntitrainError(`settings.antiLearningRate must be a positive number, e.g. 1e-3, got ${antiLearningRate}`);
      }
      const trainSteps = Math.floor(steps / (1 + antiSteps));
      if (trainSteps < 1) throw new AntitrainError(`updates must be at least ${1 + antiSteps} for "${method}" (1 training step : ${antiSteps} antitrain steps), got ${steps}`);
      const controls =
        method === "spectators-true-labels"
          ? ({ randomize: "spectators", target: "true-labels" } as const)
          : method === "core-true-labels"
            ? ({ randomize: "core", target: "true-labels" } as const)
            : ({ randomize: "core", target: "uniform" } as const);
      const fraction = need(settings, "fraction", method, "0.5");
      const cycle = settings.cycle ?? options.cycle ?? 100;
      requirePositiveInt(cycle, "settings.cycle");
      const rising = method === "antitrain-rising" ? need(settings, "finalFraction", method, "0.95") : undefined;
      if (rising !== undefined) requireFraction(rising, "settings.finalFraction");
      const lambda = method === "antitrain+group-lasso" || method === "antitrain+activation-l1" ? need(settings, "lambda", method, "1e-3") : undefined;
      const penalty =
        lambda === undefined ? undefined : method === "antitrain+group-lasso" ? groupLasso(model, [site], lambda) : activationL1(model, [site], lambda);
      if (options.measureData !== undefined) requireData(model, options.measureData);
      const anti = new Antitrainer(model, [site], {
        schedule: interleaved(antiSteps, { cycle }), fraction, data: options.measureData ?? data, seed, learningRate: antiLearningRate, ...controls,
      });
      try {
        const onStep = (s: number, batch: Dataset) => {
          // antitrain-rising: the share grows linearly from `fraction` to `finalFraction` over the training steps.
          if (rising !== undefined) anti.setFraction(fraction + ((rising - fraction) * (s + 1)) / trainSteps);
          anti.afterStep(batch);
        };
        train(model, data, { steps: trainSteps, learningRate, seed, onStep, ...(penalty ? { penalty } : {}) });
        return { updates: trainSteps + anti.antiSteps, measurements: anti.history.length };
      } finally {
        anti.dispose();
      }
    }
    case "group-lasso":
      train(model, data, { steps, learningRate, seed, penalty: groupLasso(model, [site], need(settings, "lambda", method, "1e-3")) });
      return { updates: steps };
    case "activation-l1":
      train(model, data, { steps, learningRate, seed, penalty: activationL1(model, [site], need(settings, "lambda", method, "1e-3")) });
      return { updates: steps };
    case "slimming": {
      const gates = slimmingGates(model, [site], { lambda: need(settings, "lambda", method, "1e-3") });
      try {
        train(model, data, { steps, learningRate, seed, hooks: gates.hooks, penalty: gates.penalty, variables: gates.variables, l2: options.slimmingL2 ?? 1e-4 });
        const gateScores = gates.scores(site);
        gates.foldInto(model);
        return { updates: steps, gateScores };
      } finally {
        gates.dispose();
      }
    }
    case "targeted-dropout": {
      const hooks = targetedDropoutHooks(model, [site], {
        targetFraction: need(settings, "targetFraction", method, "0.5"),
        rate: need(settings, "rate", method, "0.5"),
        seed,
      });
      train(model, data, { steps, learningRate, seed, hooks });
      return { updates: steps };
    }
    case "nested-dropout":
      train(model, data, { steps, learningRate, seed, hooks: nestedDropoutHooks(model, [site], { p: need(settings, "p", method, "0.05"), seed }) });
      return { updates: steps };
    default: {
      const never: never = method;
      throw new AntitrainError(`unknown method ${String(never)}`);
    }
  }
}

/** How an arm orders its units for pruning (most important first). */
export const UNIT_ORDERS = ["importance", "magnitude", "index", "gates"] as const;
export type UnitOrder = (typeof UNIT_ORDERS)[number];

/**
 * Units of `site`, most important first, by `order`: `importance` (randomization importance: each unit resampled
 * alone, cross-entropy damage on `data`), `magnitude` (norm of incoming and outgoing weights), `index` (0, 1, 2, ...:
 * nested dropout packs information into a prefix), `gates` (network slimming's |γ|, given as `gateScores`).
 * Leaves the model unchanged.
 *
 * @example
 * const keep = at.unitOrder(model, "h1", train, "importance", { seed: 0 }).slice(0, 16);
 */
export function unitOrder(model: Mlp, site: string, data: Dataset, order: UnitOrder, options: { seed: number; gateScores?: Float32Array }): number[] {
  const units = requireSite(model, site).units;
  requireOneOf(order, UNIT_ORDERS, "order");
  requireKnownKeys(options, ["seed", "gateScores"], "unitOrder");
  switch (order) {
    case "importance": {
      const stats = collectStats(model, site, data, { seed: options.seed });
      return ranked(importance(model, site, data, { stats, method: "resample", metric: "loss", seed: options.seed }));
    }
    case "magnitude":
      return ranked({ scores: magnitudeScores(model, site) });
    case "index":
      return Array.from({ length: units }, (_, u) => u);
    case "gates": {
      const scores = options.gateScores;
      if (scores === undefined || scores.length !== units) throw new AntitrainError(`order "gates" needs gateScores with ${units} values (MethodRun.gateScores of a "slimming" run)`);
      return ranked({ scores });
    }
    default: {
      const never: never = order;
      throw new AntitrainError(`unknown order ${String(never)}`);
    }
  }
}

