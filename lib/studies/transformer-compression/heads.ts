/**
 * One seed of notebook 10's head-compression studies, for either task: train a transformer, then from clones of it
 * fine-tune every arm for the same number of optimizer updates and cut every block to its `keep` best heads by the
 * arm's own ranking (the removed heads' means folded into the output bias), and score the cut model and the uncut
 * fine-tuned one. Tuning seeds run the tuned arms' configurations the same way on a validation split.
 */
import type * as tf from "@tensorflow/tfjs";
import { Antitrainer } from "../../antitrain/antitrainer";
import { interleaved } from "../../antitrain/schedule";
import { AntitrainError } from "../../base/errors";
import { Rng } from "../../base/rng";
import { compress, parameterCount } from "../../core/compress";
import { BatchStream, type Dataset, disposeDataset, size, take } from "../../data/dataset";
import { gateScores } from "../../importance/gate";
import { importance, ranked } from "../../importance/importance";
import { collectStats } from "../../measure/unit-stats";
import { type Transformer, transformer } from "../../models/transformer";
import type { HookedModel } from "../../models/types";
import { adamw } from "../../training/adamw";
import { l0Gates, trainWithGates } from "../../training/hard-concrete";
import { type Evaluation, evaluate, train } from "../../training/train";
import type { HeadSplit } from "./data";
import type { AntitrainKnobs, HeadArm, HeadChosen, HeadCommon } from "./settings";

/** Everything a head-compression seed needs from its task. */
export interface HeadSetup {
  readonly common: HeadCommon;
  readonly split: HeadSplit;
  readonly vocab: number;
  readonly seqLen: number;
  readonly classes: number;
  /** Minibatch size (the modular task trains full batch). */
  readonly batchSize: number;
  /** Training rows that rank heads, give removed heads their mean and that antitraining measures on (null: every training row). */
  readonly rankExamples: number | null;
}

/** One arm's outcome on one seed. */
export interface HeadOutcome {
  readonly arm: HeadArm;
  /** The configuration (λ, or antitraining's fraction and rate; "" for the untuned arms). */
  readonly config: string;
  /** Optimizer updates of the fine-tuning (antitrain steps and gate updates included). */
  readonly updates: number;
  /** The fine-tuned model before cutting, on the evaluation split. */
  readonly full: Evaluation;
  /** After cutting every block to `keep` heads. */
  readonly cut: Evaluation;
  /** Parameters of the cut model (of the full model's `fullParams`). */
  readonly params: number;
  readonly fullParams: number;
  /** Heads kept per block (head indices). */
  readonly kept: number[][];
  /** Voita: heads whose test-time gate closed (0) per block; antitrain: the last measured core's size per block. */
  readonly extra: number[] | null;
}

/** One study seed: the trained model's scores and every arm's outcome on the test split. */
export interface HeadSeed {
  readonly seed: number;
  readonly trained: Evaluation;
  readonly outcomes: HeadOutcome[];
}

/** One configuration of a tuned arm on one tuning seed, scored on the validation split. */
export interface HeadTuningRow extends HeadOutcome {
  readonly seed: number;
}

/** The attention sites of an `layers`-block transformer. */
export function headSites(layers: number): string[] {
  return Array.from({ length: layers }, (_, i) => `blocks.${i}.attn`);
}

const optimizerOf = (c: HeadCommon) => adamw(c.learningRate, { beta1: 0.9, beta2: 0.98, weightDecay: c.weightDecay });

/** The configuration's label in tables. */
export function headConfigLabel(arm: HeadArm, chosen: HeadChosen): string {
  if (arm === "voita") return `λ ${chosen.l0Lambda}`;
  if (arm === "antitrain") return `${chosen.antitrain.fraction * 100}% core, lr ${chosen.antitrain.learningRate}`;
  return "";
}

/** The data a seed ranks on: every training row, or a seeded sample of `rankExamples` of them (disposed by the caller when `owned`). */
function rankingData(setup: HeadSetup, seed: number): { data: Dataset; owned: boolean } {
  const n = size(setup.split.train);
  if (setup.rankExamples === null || setup.rankExamples >= n) return { data: setup.split.train, owned: false };
  return { data: take(setup.split.train, new Rng(seed + 7).permutation(n).subarray(0, setup.rankExamples)), owned: true };
}

/**
 * `model` cut to the top `keep` heads of each block by `orders` (one ranking per site, best first): block by block,
 * each removed head's mean on `data` (measured on the model as cut so far) folded into the output bias. The caller
 * disposes the result.
 */
export function cutHeads(model: HookedModel, orders: readonly (readonly number[])[], keep: number, data: Dataset, seed: number): HookedModel {
  const sites = headSites(orders.length);
  let current = model;
  sites.forEach((site, i) => {
    const stats = collectStats(current, site, data, { seed });
    const next = compress(current, site, { core: orders[i].slice(0, keep) }, { stats });
    if (current !== model) current.dispose();
    current = next;
  });
  return current;
}

/** The randomization ranking (resample, loss damage) of every block's heads, best first. */
function randomizationOrders(model: HookedModel, sites: readonly string[], data: Dataset, seed: number): number[][] {
  return sites.map((site) => ranked(importance(model, site, data, { method: "resample", metric: "loss", seed })));
}

/** Michel et al.'s head importance E|∂L/∂ξ_h| of every block's heads, best first. */
function michelOrders(model: HookedModel, sites: readonly string[], data: Dataset): number[][] {
  return sites.map((site) => ranked({ scores: gateScores(model, site, data) }));
}

/** Scores `model` uncut and cut to `orders`, and frees the cut model. */
function outcome(arm: HeadArm, config: string, updates: number, model: HookedModel, orders: number[][], setup: HeadSetup, rank: Dataset, seed: number, extra: number[] | null): HeadOutcome {
  const cut = cutHeads(model, orders, setup.common.keep, rank, seed);
  try {
    return {
      arm,
      config,
      updates,
      full: evaluate(model, setup.split.evaluation),
      cut: evaluate(cut, setup.split.evaluation),
      params: parameterCount(cut),
      fullParams: parameterCount(model),
      kept: orders.map((o) => o.slice(0, setup.common.keep).sort((a, b) => a - b)),
      extra,
    };
  } finally {
    cut.dispose();
  }
}

/** Plain fine-tuning of a clone for `budget` updates (the same batches as every arm). */
function plainFineTune(base: Transformer, setup: HeadSetup, seed: number): Transformer {
  const net = base.clone();
  const opt = optimizerOf(setup.common);
  try {
    train(net, setup.split.train, { steps: setup.common.budget, optimizer: opt, stream: new BatchStream(setup.split.train, setup.batchSize, seed + 100) });
  } finally {
    opt.dispose();
  }
  return net;
}

/**
 * Voita et al.'s arm: a clone fine-tuned for `budget` joint updates with a hard-concrete gate on every head and the
 * L0 penalty λ; then the test-time gates folded into the output projection (the plain model computes the gated
 * function) and every block ranked by log α.
 */
function voitaArm(base: Transformer, setup: HeadSetup, lambda: number, seed: number, rank: Dataset): HeadOutcome {
  const c = setup.common;
  const sites = headSites(c.model.layers);
  const net = base.clone();
  const opt = optimizerOf(c);
  const gates = l0Gates(net, sites, { lambda, seed });
  try {
    trainWithGates(net, setup.split.train, gates, { steps: c.budget, optimizer: opt, gateLearningRate: c.gateLearningRate, stream: new BatchStream(setup.split.train, setup.batchSize, seed + 100) });
    const closed = sites.map((site) => gates.gates(site).filter((z) => z === 0).length);
    const orders = sites.map((site) => ranked({ scores: gates.logAlphas(site) }));
    const byName = new Map(net.namedVariables().map((v) => [v.name, v.variable]));
    gates.foldInto(net, (site) => byName.get(`${site}/W_O`) as tf.Variable);
    return outcome("voita", `λ ${lambda}`, c.budget, net, orders, setup, rank, seed, closed);
  } finally {
    gates.dispose();
    opt.dispose();
    net.dispose();
  }
}

/**
 * The antitraining arm: a clone trained with interleaved antitraining of every block's heads (one antitrain step per
 * block after each training step, the core re-measured every `antiCycle` steps), as many training steps as leave
 * the total updates within `budget`; then the randomization ranking.
 */
function antitrainArm(base: Transformer, setup: HeadSetup, knobs: AntitrainKnobs, seed: number, rank: Dataset): HeadOutcome {
  const c = setup.common;
  const sites = headSites(c.model.layers);
  const steps = Math.floor(c.budget / (1 + sites.length));
  const net = base.clone();
  const opt = optimizerOf(c);
  const anti = new Antitrainer(net, sites, { schedule: interleaved(1, { cycle: c.antiCycle }), fraction: knobs.fraction, learningRate: knobs.learningRate, data: rank, seed });
  try {
    train(net, setup.split.train, { steps, optimizer: opt, stream: new BatchStream(setup.split.train, setup.batchSize, seed + 100), onStep: (_, batch) => anti.afterStep(batch) });
    const updates = steps + anti.antiSteps;
    if (updates > c.budget) throw new AntitrainError(`antitraining spent ${updates} updates, over the budget of ${c.budget}`);
    const cores = sites.map((site) => anti.splits.get(site)?.core.length ?? 0);
    const label = `${knobs.fraction * 100}% core, lr ${knobs.learningRate}`;
    return outcome("antitrain", label, updates, net, randomizationOrders(net, sites, rank, seed), setup, rank, seed, cores);
  } finally {
    anti.dispose();
    opt.dispose();
    net.dispose();
  }
}

/** The trained model every arm starts from (the caller disposes it). */
function trainBase(setup: HeadSetup, seed: number): Transformer {
  const c = setup.common;
  const model = transformer({ vocab: setup.vocab, seqLen: setup.seqLen, classes: setup.classes, ...c.model, seed });
  const opt = optimizerOf(c);
  try {
    train(model, setup.split.train, { steps: c.trainSteps, optimizer: opt, stream: new BatchStream(setup.split.train, setup.batchSize, seed) });
  } finally {
    opt.dispose();
  }
  return model;
}

/**
 * One study seed: the trained model, then every arm (in `arms`) with the chosen knobs, scored on the test split.
 * Frees every model and sample it builds.
 *
 * @example
 * const r = headSeed(setup, chosen, 0);
 * r.outcomes.find((o) => o.arm === "voita")?.cut.loss;
 */
export function headSeed(setup: HeadSetup, chosen: HeadChosen, seed: number, arms: readonly HeadArm[]): HeadSeed {
  const c = setup.common;
  const sites = headSites(c.model.layers);
  const base = trainBase(setup, seed);
  const { data: rank, owned } = rankingData(setup, seed);
  try {
    const trained = evaluate(base, setup.split.evaluation);
    const outcomes: HeadOutcome[] = [];
    if (arms.includes("randomization") || arms.includes("michel")) {
      const plain = plainFineTune(base, setup, seed);
      try {
        if (arms.includes("randomization")) outcomes.push(outcome("randomization", "", c.budget, plain, randomizationOrders(plain, sites, rank, seed), setup, rank, seed, null));
        if (arms.includes("michel")) outcomes.push(outcome("michel", "", c.budget, plain, michelOrders(plain, sites, rank), setup, rank, seed, null));
      } finally {
        plain.dispose();
      }
    }
    if (arms.includes("voita")) outcomes.push(voitaArm(base, setup, chosen.l0Lambda, seed, rank));
    if (arms.includes("antitrain")) outcomes.push(antitrainArm(base, setup, chosen.antitrain, seed, rank));
    const order = (a: HeadArm) => ["antitrain", "randomization", "michel", "voita"].indexOf(a);
    return { seed, trained, outcomes: outcomes.sort((a, b) => order(a.arm) - order(b.arm)) };
  } finally {
    if (owned) disposeDataset(rank);
    base.dispose();
  }
}

/**
 * One tuning seed: the trained model (on the tuning split's training rows), then every configuration of the tuned
 * arms (Voita's λ, antitraining's fraction and rate), each scored on the validation split.
 */
export function headTuning(setup: HeadSetup, seed: number): HeadTuningRow[] {
  const c = setup.common;
  const base = trainBase(setup, seed);
  const { data: rank, owned } = rankingData(setup, seed);
  try {
    return [
      ...c.grids.l0Lambda.map((lambda) => ({ seed, ...voitaArm(base, setup, lambda, seed, rank) })),
      ...c.grids.antitrain.map((knobs) => ({ seed, ...antitrainArm(base, setup, knobs, seed, rank) })),
    ];
  } finally {
    if (owned) disposeDataset(rank);
    base.dispose();
  }
}
