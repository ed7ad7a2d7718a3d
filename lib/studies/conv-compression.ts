/**
 * The compression study on a user's convolutional network (notebook 18): the conv-channel counterpart of
 * compression-study.ts, whose arms and MLP helpers take at.mlp models only. Every arm continues the same pretrained
 * `tf.LayersModel` (wrapped by `fromLayersModel`) for the same number of optimizer updates, antitrain steps counted;
 * one convolution's channels are then cut to each width of a grid by the arm's own channel order with
 * `compressLayersModel` (removed channels' means folded into the next layer's bias), each smaller network is
 * fine-tuned alike and measured. The arms: antitraining the channels (order: their importance), plain training
 * (orders: importance, and the filter L1 norm of Li et al. 2017, "Pruning Filters for Efficient ConvNets"), and group
 * lasso on the channels' weights (Wen et al. 2016; order: the same group norm). Results have compression-study.ts's
 * shapes, so its `chooseSettings` and the notebook helpers' `compressionTableRows` read them.
 */
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { meanCI } from "../base/statistics";
import { requireFraction, requireInRange, requireKnownKeys, requireOneOf, requirePositiveInt, requireSeed, requireSite } from "../base/validate";
import { Antitrainer } from "../antitrain/antitrainer";
import { interleaved } from "../antitrain/schedule";
import { compressLayersModel } from "../core/compress-layers";
import { findCore } from "../core/find-core";
import { type Dataset, disposeDataset, head, size } from "../data/dataset";
import { importance, ranked } from "../importance/importance";
import { calibration } from "../measure/calibration";
import { SPATIAL_MODES, type SpatialMode } from "../measure/randomize";
import { type UnitStats, collectStats } from "../measure/unit-stats";
import { type LayersHookedModel, fromLayersModel } from "../models/layers-model";
import { evaluate, train } from "../training/train";
import { type ArmSummary, type StudyCurve, type StudyPoint, type TuneRow, fewestUnits, summarizeArms } from "./compression-study";
import type { MethodSettings } from "./compression-arms";

/** Added under each group's square root so the gradient stays finite when a whole group reaches 0. */
const GROUP_EPSILON = 1e-12;

/** A channel's weights: the making layer's kernel slice and bias entry, and the reading layer's input slice. */
interface ChannelWeights {
  /** Kernel of the layer that makes the channels, channels on its last axis (`[kh, kw, cin, C]` or `[in, C]`). */
  readonly into: tf.Variable;
  readonly bias?: tf.Variable;
  /** Kernel of the one layer that reads them (`[kh, kw, C, O]`, or `[P·C, O]` for a dense layer after a flatten). */
  readonly out: tf.Variable;
  readonly channels: number;
}

// Layers between a site and its reader that keep each channel on its own (no weights of their own).
const PASS = new Set(["Activation", "ReLU", "LeakyReLU", "ELU", "Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten"]);

/**
 * The weights of `site`'s channels: the site must be the output of a Conv2D or Dense layer (activation included),
 * channels last, read by exactly one Conv2D or Dense layer through activations, dropout, pooling and a flatten only.
 */
function channelWeights(model: LayersHookedModel, site: string, what: string): ChannelWeights {
  const info = requireSite(model, site);
  const calls = model.layerCalls();
  const index = calls.findIndex((c) => c.layer.name === site);
  const call = calls[index];
  const kind = call.layer.getClassName();
  if (kind !== "Conv2D" && kind !== "Dense") throw new AntitrainError(`${what}: site "${site}" is made by a ${kind} layer; name the Conv2D or Dense layer that makes the channels (e.g. "conv2")`);
  if (call.layout !== "last") throw new AntitrainError(`${what}: site "${site}" is channels-first; build the network with dataFormat "channelsLast" (the default)`);
  const byName = new Map(model.namedVariables().map((v) => [v.name, v.variable]));
  const weightsOf = (layer: tf.layers.Layer) => layer.trainableWeights.map((w) => byName.get(w.name) as tf.Variable);
  const [into, bias] = weightsOf(call.layer);
  let slot = call.slot;
  for (;;) {
    const readers = calls.filter((c) => c.inputs.includes(slot));
    if (readers.length !== 1 || readers[0].inputs.length !== 1) {
      throw new AntitrainError(`${what}: site "${site}" reaches ${readers.map((r) => `"${r.layer.name}"`).join(" and ") || "no layer"}; it needs one reading Conv2D or Dense layer (no skip connection or merge after it)`);
    }
    const name = readers[0].layer.getClassName();
    if (name === "Conv2D" || name === "Dense") {
      const out = weightsOf(readers[0].layer)[0];
      const reads = name === "Conv2D" ? (out.shape[2] as number) : (out.shape[0] as number);
      if (reads % info.units !== 0) throw new AntitrainError(`${what}: layer "${readers[0].layer.name}" reads ${reads} inputs, not a multiple of the ${info.units} channels of "${site}"`);
      return { into, bias: bias?.rank === 1 ? bias : undefined, out, channels: info.units };
    }
    if (!PASS.has(name)) throw new AntitrainError(`${what}: site "${site}" is read through a ${name} layer ("${readers[0].layer.name}"), which mixes or re-weights channels; supported between the site and the next Conv2D or Dense: activation, dropout, pooling, flatten`);
    slot = readers[0].slot;
  }
}

/** Per channel, Σ of squares of `w`'s slices: `[C]`. The kernel reshaped to `[rest, C]` (into) or `[P, C, O]` (out). */
function squaresInto(w: ChannelWeights): tf.Tensor1D {
  return tf.sum(tf.square(tf.reshape(w.into, [-1, w.channels])), 0) as tf.Tensor1D;
}
function squaresOut(w: ChannelWeights): tf.Tensor1D {
  const o = w.out.shape[w.out.rank - 1] as number;
  return tf.sum(tf.square(tf.reshape(w.out, [-1, w.channels, o])), [0, 2]) as tf.Tensor1D;
}

/** One group norm per channel: sqrt(Σ in² + b² + Σ out² + ε), `[C]`. */
function groupNorms(w: ChannelWeights): tf.Tensor1D {
  let squares = tf.add(squaresInto(w), squaresOut(w));
  if (w.bias !== undefined) squares = tf.add(squares, tf.square(w.bias));
  return tf.sqrt(tf.add(squares, GROUP_EPSILON)) as tf.Tensor1D;
}

/**
 * Group lasso over the channels of a convolution (or the units of a dense layer) of a user's network, as a `penalty`
 * for `at.train`: lambda × Σ_c sqrt(‖filter c's kernel slice and bias‖² + ‖the next layer's input slice of c‖² + ε),
 * the next layer being the one Conv2D (its `[:, :, c, :]`) or Dense layer (after a flatten: every row of channel c)
 * that reads the site, possibly through activation, dropout, pooling and a flatten. The groups are those of the
 * MLP's `groupLasso` (Wen et al. 2016, "Learning Structured Sparsity in Deep Neural Networks"), so a channel is pulled
 * to zero as a whole; prune after with {@link channelScores} (`"group"`). ε = 1e-12 keeps the gradient finite at 0.
 * The penalty ignores its input batch, reads the weights live and frees what it made.
 *
 * @example
 * const model = at.fromLayersModel(cnn);
 * at.train(model, train, { steps: 300, penalty: at.convGroupLasso(model, "conv2", 1e-3) });
 * const order = at.ranked({ scores: at.channelScores(model, "conv2", "group") });
 */
export function convGroupLasso(model: LayersHookedModel, site: string, lambda: number): (x: tf.Tensor) => tf.Scalar {
  const w = channelWeights(model, site, "convGroupLasso");
  requireInRange(lambda, "convGroupLasso lambda", { min: 0, max: Number.POSITIVE_INFINITY }, "e.g. 1e-3; tune it on validation data");
  return () => tf.tidy(() => (lambda === 0 ? tf.scalar(0) : (tf.mul(lambda, tf.sum(groupNorms(w))) as tf.Scalar)));
}

/** What {@link channelScores} measures. */
export const CHANNEL_SCORES = ["l1", "group"] as const;
export type ChannelScore = (typeof CHANNEL_SCORES)[number];

/**
 * A weight score per channel of `site` (no data needed; the model is unchanged): `"l1"` the sum of |w| over the
 * channel's filter (its incoming kernel slice, bias excluded: Li et al. 2017, "Pruning Filters for Efficient
 * ConvNets"), `"group"` the group norm that {@link convGroupLasso} penalizes (filter, bias and outgoing slice, ε
 * excluded). Larger means keep; rank with `at.ranked({ scores })`.
 *
 * @example
 * const l1 = at.channelScores(model, "conv2", "l1");         // Float32Array, one per channel
 * const keep = at.ranked({ scores: l1 }).slice(0, 8);
 * const small = at.compressLayersModel(model, "conv2", { core: keep }, { stats });
 */
export function channelScores(model: LayersHookedModel, site: string, score: ChannelScore): Float32Array {
  const w = channelWeights(model, site, "channelScores");
  requireOneOf(score, CHANNEL_SCORES, "score");
  return tf.tidy(() => {
    if (score === "l1") return tf.sum(tf.abs(tf.reshape(w.into, [-1, w.channels])), 0).dataSync() as Float32Array;
    return tf.sqrt(tf.relu(tf.sub(tf.square(groupNorms(w)), GROUP_EPSILON))).dataSync() as Float32Array;
  });
}

/** How a conv arm trains. */
export const CONV_METHODS = ["plain", "antitrain", "group-lasso"] as const;
export type ConvMethod = (typeof CONV_METHODS)[number];
/** How a conv arm orders its channels for pruning (most important first). */
export const CONV_ORDERS = ["importance", "filter-l1", "group-norm"] as const;
export type ConvOrder = (typeof CONV_ORDERS)[number];

/** One arm of the conv study; `tuneAs` names the grid its settings come from. */
export interface ConvArm {
  readonly name: string;
  readonly method: ConvMethod;
  readonly order: ConvOrder;
  readonly tuneAs?: "antitrain" | "group-lasso";
}

/** The arms of notebook 18, in table order; "antitrain" is the paired reference. */
export const CONV_ARMS: readonly ConvArm[] = [
  { name: "antitrain", method: "antitrain", order: "importance", tuneAs: "antitrain" },
  { name: "plain, importance", method: "plain", order: "importance" },
  { name: "plain, filter L1", method: "plain", order: "filter-l1" },
  { name: "group lasso", method: "group-lasso", order: "group-norm", tuneAs: "group-lasso" },
];

/** What the conv study runs on. */
export interface ConvStudySetup {
  /** A fresh network for `seed` (its initializers seeded by it); the same architecture for every seed. */
  readonly build: (seed: number) => tf.LayersModel;
  readonly train: Dataset;
  /** Every choice (tuning, the headline width) is made here. */
  readonly validation: Dataset;
  /** Used only for the final numbers. */
  readonly test: Dataset;
  /** The pruned convolution, e.g. "conv2". */
  readonly site: string;
  /** Plain Adam steps every arm of a seed continues from. */
  readonly pretrain: number;
  /** Optimizer updates every arm spends after pretraining (antitraining: half training, half antitrain steps). */
  readonly updates: number;
  /** Antitraining re-measures its core every `cycle` training steps. */
  readonly cycle: number;
  /** Fine-tuning steps of every pruned network. */
  readonly finetune: number;
  /** Channel counts the site is cut to (below its full width). */
  readonly keep: readonly number[];
  /** "Within `tolerance` of the dense model's validation accuracy" (0.01: one point). */
  readonly tolerance: number;
  /** Minibatch size of every training step. */
  readonly batchSize: number;
  /** The first `measureSize` training examples: where antitraining measures its core and importance ranks channels. */
  readonly measureSize: number;
  /** How a randomized channel is drawn (see `SpatialMode`), for importance, cores and antitraining alike. */
  readonly spatial: SpatialMode;
}

/** One pruned network's numbers, plus how far its logits are from the unpruned network with the removed channels at their means. */
export interface ConvStudyPoint extends StudyPoint {
  /** max |compressed − mean-masked| over the validation logits, before fine-tuning (float32 rounding only). */
  readonly maskedDiff: number;
}

/** One arm on one seed. */
export interface ConvStudyCurve extends StudyCurve {
  readonly points: ConvStudyPoint[];
}

/** One seed of the conv study: the dense network (plain training, unpruned) and one curve per arm. */
export interface ConvStudySeed {
  readonly seed: number;
  /** The site's full channel count. */
  readonly width: number;
  readonly denseVal: number;
  readonly denseTest: number;
  readonly denseTestLoss: number;
  readonly denseEce: number;
  readonly denseParams: number;
  readonly curves: ConvStudyCurve[];
}

const SETUP_KEYS = ["build", "train", "validation", "test", "site", "pretrain", "updates", "cycle", "finetune", "keep", "tolerance", "batchSize", "measureSize", "spatial"];
const LEARNING_RATE = 1e-3;

/** Checks a setup at the door against the site's channel count. */
function checkSetup(setup: ConvStudySetup, width: number): void {
  requireKnownKeys(setup, SETUP_KEYS, "the conv study's setup");
  for (const k of ["pretrain", "updates", "cycle", "finetune", "batchSize", "measureSize"] as const) requirePositiveInt(setup[k], k);
  requireOneOf(setup.spatial, SPATIAL_MODES, "spatial");
  if (setup.keep.length === 0) throw new AntitrainError("keep needs at least one channel count, e.g. [2, 4, 8, 16]");
  for (const k of setup.keep) {
    if (!(Number.isInteger(k) && k >= 1 && k < width)) throw new AntitrainError(`keep's channel counts must be integers in [1, ${width - 1}] (site "${setup.site}" has ${width}), got ${k}`);
  }
  if (!(setup.tolerance >= 0 && setup.tolerance < 1)) throw new AntitrainError(`tolerance must be in [0, 1), e.g. 0.01, got ${setup.tolerance}`);
}

/** A fresh network of `seed`'s architecture with `from`'s weights (its own variables). */
function copyOf(setup: ConvStudySetup, seed: number, from: LayersHookedModel): LayersHookedModel {
  const net = setup.build(seed);
  try {
    const weights = from.layersModel.getWeights();
    net.setWeights(weights);
    return fromLayersModel(net);
  } catch (e) {
    net.dispose();
    throw e;
  }
}

/** The seed's network, wrapped, checked against the setup and pretrained plainly. */
function pretrained(setup: ConvStudySetup, seed: number): LayersHookedModel {
  const net = setup.build(seed);
  if (!(net instanceof tf.LayersModel)) throw new AntitrainError(`setup.build(${seed}) must return a tf.LayersModel (tf.sequential or tf.model), got ${typeof net}`);
  const model = fromLayersModel(net);
  try {
    checkSetup(setup, requireSite(model, setup.site).units);
    channelWeights(model, setup.site, "the conv study");
    train(model, setup.train, { steps: setup.pretrain, learningRate: LEARNING_RATE, batchSize: setup.batchSize, seed });
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Options of {@link trainConvArm}. */
export interface TrainConvArmOptions {
  /** Optimizer updates to spend (antitraining: half training steps, each followed by one antitrain step). */
  readonly updates: number;
  /** `fraction` (antitrain: the antitrained core's share of the damage), `lambda` (group-lasso). */
  readonly settings?: MethodSettings;
  readonly seed: number;
  /** Antitraining: training steps between core measurements. Default 50. */
  readonly cycle?: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** Antitraining: where the core is measured. Default: the first 1,024 examples of `data`. */
  readonly measure?: Dataset;
  /** Antitraining: how channels are randomized. Default "whole-map". */
  readonly spatial?: SpatialMode;
}

/**
 * Mutates `model`: continues training it with `method` for `options.updates` optimizer updates at Adam 1e-3 —
 * `plain`, `group-lasso` ({@link convGroupLasso} at `settings.lambda` on `site`), or `antitrain` (updates/2 training
 * steps, each followed by one antitrain step of `site`'s core at `settings.fraction`, re-measured every `cycle`
 * steps). Returns the updates made (antitrain steps counted).
 *
 * @example
 * const m = at.fromLayersModel(cnn);
 * const { updates } = at.trainConvArm(m, "conv2", train, "antitrain", { updates: 300, settings: { fraction: 0.5 }, seed: 1 });
 * const order = at.convChannelOrder(m, "conv2", train, "importance", { seed: 1 });
 */
export function trainConvArm(model: LayersHookedModel, site: string, data: Dataset, method: ConvMethod, options: TrainConvArmOptions): { updates: number } {
  requireKnownKeys(options, ["updates", "settings", "seed", "cycle", "batchSize", "measure", "spatial"], "trainConvArm");
  requireOneOf(method, CONV_METHODS, "method");
  requirePositiveInt(options.updates, "updates");
  requireSeed(options.seed);
  const settings = options.settings ?? {};
  requireKnownKeys(settings, method === "antitrain" ? ["fraction"] : method === "group-lasso" ? ["lambda"] : [], `trainConvArm's settings for "${method}"`);
  const common = { learningRate: LEARNING_RATE, batchSize: options.batchSize ?? 64, seed: options.seed };
  switch (method) {
    case "plain":
      requireSite(model, site);
      train(model, data, { steps: options.updates, ...common });
      return { updates: options.updates };
    case "group-lasso": {
      if (typeof settings.lambda !== "number") throw new AntitrainError('method "group-lasso" needs settings.lambda, e.g. { lambda: 1e-3 }');
      train(model, data, { steps: options.updates, ...common, penalty: convGroupLasso(model, site, settings.lambda) });
      return { updates: options.updates };
    }
    case "antitrain": {
      const fraction = settings.fraction;
      if (typeof fraction !== "number") throw new AntitrainError('method "antitrain" needs settings.fraction, e.g. { fraction: 0.5 }');
      requireFraction(fraction, "settings.fraction");
      const half = Math.floor(options.updates / 2);
      if (half < 1) throw new AntitrainError(`updates must be at least 2 for "antitrain" (half training, half antitraining), got ${options.updates}`);
      const measure = options.measure ?? head(data, 1024);
      try {
        const anti = new Antitrainer(model, [site], {
          schedule: interleaved(1, { cycle: options.cycle ?? 50 }), fraction, data: measure, seed: options.seed, learningRate: LEARNING_RATE, spatial: options.spatial ?? "whole-map",
        });
        try {
          train(model, data, { steps: half, ...common, onStep: (_, batch) => anti.afterStep(batch) });
          return { updates: half + anti.antiSteps };
        } finally {
          anti.dispose();
        }
      } finally {
        if (options.measure === undefined) disposeDataset(measure);
      }
    }
    default: {
      const never: never = method;
      throw new AntitrainError(`unknown method ${String(never)}`);
    }
  }
}

/**
 * Channels of `site`, most important first (the model is unchanged): `importance` (each channel resampled alone on
 * `data`, cross-entropy damage, `spatial` default "whole-map"), `filter-l1` (Li et al. 2017) or `group-norm` (see
 * {@link channelScores}).
 *
 * @example
 * const keep = at.convChannelOrder(model, "conv2", train, "filter-l1", { seed: 0 }).slice(0, 8);
 */
export function convChannelOrder(model: LayersHookedModel, site: string, data: Dataset, order: ConvOrder, options: { seed: number; spatial?: SpatialMode }): number[] {
  requireKnownKeys(options, ["seed", "spatial"], "convChannelOrder");
  switch (requireOneOf(order, CONV_ORDERS, "order")) {
    case "importance": {
      const stats = collectStats(model, site, data, { seed: options.seed });
      return ranked(importance(model, site, data, { stats, method: "resample", spatial: options.spatial ?? "whole-map", metric: "loss", seed: options.seed }));
    }
    case "filter-l1":
      return ranked({ scores: channelScores(model, site, "l1") });
    case "group-norm":
      return ranked({ scores: channelScores(model, site, "group") });
    default:
      throw new AntitrainError(`unknown order ${String(order)}`);
  }
}

/** max |a − b| of two equally shaped tensors (freed by the caller). */
function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/**
 * The mean-masked reference of a compression: `model`'s logits on `x` with the channels of `site` outside `keep` set
 * to `stats.mean` (what `compressLayersModel` with these stats must equal). The caller frees the result.
 */
export function meanMaskedLogits(model: LayersHookedModel, site: string, keep: readonly number[], stats: UnitStats, x: tf.Tensor): tf.Tensor2D {
  const units = requireSite(model, site).units;
  const mask = new Float32Array(units);
  for (const u of keep) mask[u] = 1;
  return tf.tidy(() => {
    const m = tf.tensor1d(mask);
    const fill = tf.mul(tf.tensor1d(stats.mean), tf.sub(1, m));
    return model.forward(x, { [site]: (act) => tf.add(tf.mul(act, m), fill) });
  });
}

/** Cuts `model`'s site to `keep` channels (means from `stats` folded in), fine-tunes the copy and measures it. */
function prunePoint(setup: ConvStudySetup, model: LayersHookedModel, keep: readonly number[], stats: UnitStats, seed: number): ConvStudyPoint {
  const small = fromLayersModel(compressLayersModel(model, setup.site, { core: [...keep] }, { stats }));
  try {
    const maskedDiff = tf.tidy(() => maxAbsDiff(small.forward(setup.validation.x), meanMaskedLogits(model, setup.site, keep, stats, setup.validation.x)));
    const valBefore = evaluate(small, setup.validation).accuracy;
    const k = keep.length;
    train(small, setup.train, { steps: setup.finetune, learningRate: LEARNING_RATE, batchSize: setup.batchSize, seed: seed + 1000 + k });
    const t = evaluate(small, setup.test);
    return {
      k, valBefore, valAfter: evaluate(small, setup.validation).accuracy, testAfter: t.accuracy, testLoss: t.loss,
      ece: calibration(small, setup.test).ece, params: small.layersModel.countParams(), maskedDiff,
    };
  } finally {
    small.dispose();
  }
}

/** The curve of one trained model pruned by one order: every width of `keep`, fine-tuned alike. */
function pruneCurve(setup: ConvStudySetup, model: LayersHookedModel, order: ConvOrder, seed: number, measure: Dataset): ConvStudyPoint[] {
  const ranking = convChannelOrder(model, setup.site, measure, order, { seed, spatial: setup.spatial });
  const stats = collectStats(model, setup.site, setup.train, { seed });
  return setup.keep.map((k) => prunePoint(setup, model, ranking.slice(0, k), stats, seed));
}

/** The trained models of one seed, one per method and settings. */
type Trained = Map<string, { model: LayersHookedModel; updates: number; core95?: number; fullDamage?: number }>;

/** Trains (once per method and settings) a copy of `base` for `arm`. */
function trainedFor(setup: ConvStudySetup, base: LayersHookedModel, arm: ConvArm, settings: MethodSettings, seed: number, trained: Trained, measure: Dataset) {
  const key = `${arm.method} ${JSON.stringify(settings)}`;
  let entry = trained.get(key);
  if (entry === undefined) {
    const model = copyOf(setup, seed, base);
    try {
      const run = trainConvArm(model, setup.site, setup.train, arm.method, { updates: setup.updates, settings, seed: seed + 1, cycle: setup.cycle, batchSize: setup.batchSize, measure, spatial: setup.spatial });
      entry = { model, updates: run.updates };
    } catch (e) {
      model.dispose();
      throw e;
    }
    trained.set(key, entry);
  }
  return entry;
}

/** Runs `body` on a pretrained base of `seed` and the plain (dense) copy; frees every model made. */
function withSeed<T>(setup: ConvStudySetup, seed: number, body: (base: LayersHookedModel, trained: Trained, measure: Dataset, dense: LayersHookedModel) => T): T {
  const base = pretrained(setup, seed);
  const trained: Trained = new Map();
  const measure = head(setup.train, setup.measureSize);
  try {
    const dense = trainedFor(setup, base, { name: "dense", method: "plain", order: "importance" }, {}, seed, trained, measure).model;
    return body(base, trained, measure, dense);
  } finally {
    base.dispose();
    disposeDataset(measure);
    for (const e of trained.values()) e.model.dispose();
  }
}

/** Refuses grids the conv study cannot run. */
function checkGrids(grids: Readonly<Record<string, readonly MethodSettings[]>>): void {
  for (const [method, settings] of Object.entries(grids)) {
    if (!CONV_ARMS.some((a) => a.tuneAs === method)) throw new AntitrainError(`no conv arm is tuned as "${method}": grids are keyed by "antitrain" and "group-lasso"`);
    if (!Array.isArray(settings) || settings.length === 0) throw new AntitrainError(`grids["${method}"] needs at least one setting, e.g. [{ ${method === "antitrain" ? "fraction: 0.5" : "lambda: 1e-3"} }]`);
  }
}

/**
 * Tuning on one seed (validation only, no test data): every setting of the `antitrain` and `group-lasso` grids,
 * scored by the fewest channels within `tolerance` of the dense validation accuracy. Rows fit `at.chooseSettings`.
 *
 * @example
 * const grids = { antitrain: [{ fraction: 0.5 }, { fraction: 0.3 }], "group-lasso": [{ lambda: 1e-3 }] };
 * const rows = [100, 101].flatMap((seed) => at.tuneConvCompressionSeed(setup, grids, seed));
 * const { chosen } = at.chooseSettings(grids, rows);
 */
export function tuneConvCompressionSeed(setup: ConvStudySetup, grids: Readonly<Record<string, readonly MethodSettings[]>>, seed: number): TuneRow[] {
  checkGrids(grids);
  return withSeed(setup, seed, (base, trained, measure, dense) => {
    const width = requireSite(dense, setup.site).units;
    const denseVal = evaluate(dense, setup.validation).accuracy;
    const rows: TuneRow[] = [];
    for (const method of Object.keys(grids)) {
      const arm = CONV_ARMS.find((a) => a.tuneAs === method) as ConvArm;
      for (const settings of grids[method]) {
        const { model } = trainedFor(setup, base, arm, settings, seed, trained, measure);
        const points = pruneCurve(setup, model, arm.order, seed, measure);
        const small = points.filter((p) => p.k <= width / 2).map((p) => p.valAfter);
        rows.push({ method, settings, seed, units: fewestUnits(points, denseVal, setup.tolerance, width), smallAcc: meanCI(small.length > 0 ? small : points.map((p) => p.valAfter)).mean, denseVal });
      }
    }
    return rows;
  });
}

/**
 * One seed of the study: the dense network (the plain arm's, unpruned), then every arm of {@link CONV_ARMS} at its
 * chosen settings, pruned to every width and fine-tuned, with each arm's 95% core of the unpruned site on the
 * validation split (accuracy damage, channels resampled as `setup.spatial` says).
 *
 * @example
 * const seed0 = at.runConvCompressionSeed(setup, { antitrain: { fraction: 0.5 }, "group-lasso": { lambda: 1e-3 } }, 0);
 */
export function runConvCompressionSeed(setup: ConvStudySetup, chosen: Readonly<Record<string, MethodSettings>>, seed: number): ConvStudySeed {
  for (const arm of CONV_ARMS) {
    if (arm.tuneAs !== undefined && chosen[arm.tuneAs] === undefined) throw new AntitrainError(`chosen has no settings for "${arm.tuneAs}" (arm "${arm.name}"): pass chooseSettings(...).chosen`);
  }
  return withSeed(setup, seed, (base, trained, measure, dense) => {
    const width = requireSite(dense, setup.site).units;
    const d = evaluate(dense, setup.test);
    const result: ConvStudySeed = {
      seed, width, denseVal: evaluate(dense, setup.validation).accuracy, denseTest: d.accuracy, denseTestLoss: d.loss,
      denseEce: calibration(dense, setup.test).ece, denseParams: dense.layersModel.countParams(), curves: [],
    };
    for (const arm of CONV_ARMS) {
      const settings = arm.tuneAs === undefined ? {} : chosen[arm.tuneAs];
      const entry = trainedFor(setup, base, arm, settings, seed, trained, measure);
      if (entry.core95 === undefined) {
        const stats = collectStats(entry.model, setup.site, setup.validation, { seed });
        const core = findCore(entry.model, setup.site, setup.validation, { stats, fraction: 0.95, metric: "accuracy", method: "resample", spatial: setup.spatial, seed });
        entry.core95 = core.core.length;
        entry.fullDamage = core.fullDamage;
      }
      const points = pruneCurve(setup, entry.model, arm.order, seed, measure);
      result.curves.push({ arm: arm.name, settings, updates: entry.updates, points, core95: entry.core95, fullDamage: entry.fullDamage });
    }
    return result;
  });
}

/**
 * Per arm over seeds, in compression-study.ts's `ArmSummary` shape (for `at.compressionTableRows`): channels needed
 * within `tolerance` of dense validation accuracy, the paired difference to antitraining, test accuracy, loss and ECE
 * at each seed's chosen width (the dense network's where an arm needs every channel), the fixed-width comparison at
 * `refK`, and the 95% core before pruning. Also a one-line headline naming the arm with the fewest channels.
 *
 * @example
 * const { summary, headline } = at.summarizeConvCompression(results, { tolerance: 0.01, refK: 8 });
 * tslab.display.html(at.htmlTable(at.compressionTableRows(summary, 8)));
 */
export function summarizeConvCompression(results: readonly ConvStudySeed[], options: { tolerance: number; refK: number }): { summary: ArmSummary[]; headline: string } {
  requireKnownKeys(options, ["tolerance", "refK"], "summarizeConvCompression");
  if (results === null || typeof results !== "object" || !(results.length > 0)) throw new AntitrainError("summarizeConvCompression needs at least one seed's results");
  const { tolerance, refK } = options;
  return summarizeArms(results, { width: results[0].width, tolerance, refK, noun: "channels" });
}

/** Sizes of the setup's splits, for the results file. */
export function convSplitSizes(setup: Pick<ConvStudySetup, "train" | "validation" | "test">): { train: number; validation: number; test: number } {
  return { train: size(setup.train), validation: size(setup.validation), test: size(setup.test) };
}

