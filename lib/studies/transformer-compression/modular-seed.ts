/**
 * One seed of notebook 10's modular-addition study: train the one-block transformer, rank every site three ways,
 * measure test accuracy against units kept (mean replacement, and again on the physically compressed model), then
 * the notes' antitraining loop on the MLP against plain continued training.
 */
import { Antitrainer } from "../../antitrain/antitrainer";
import { interleaved } from "../../antitrain/schedule";
import { compress, parameterCount } from "../../core/compress";
import { findCore } from "../../core/find-core";
import { BatchStream, size } from "../../data/dataset";
import { gateScores } from "../../importance/gate";
import { importance, ranked } from "../../importance/importance";
import { DamageEngine } from "../../measure/damage";
import { collectStats } from "../../measure/unit-stats";
import { type Transformer, transformer } from "../../models/transformer";
import type { HookedModel } from "../../models/types";
import { adamw } from "../../training/adamw";
import { evaluate, train } from "../../training/train";
import { modularTask } from "./data";
import { keptGrid } from "./kept-grid";
import { type ModularCompressionSettings, UNIT_RANKINGS, type UnitRanking } from "./settings";

/** Test accuracy against units kept for one site, ranking and seed. */
export interface ModularCurve {
  readonly site: string;
  readonly ranking: UnitRanking;
  readonly seed: number;
  readonly kept: number[];
  /** Test accuracy with all but the top `kept[i]` units replaced by their training mean. */
  readonly accuracy: number[];
  /** Parameters of the physically compressed model (null at k = 0, which stays masked). */
  readonly params: (number | null)[];
}

/** The trained model's test and training accuracy (3 digits). */
export interface ModularTrained {
  readonly seed: number;
  readonly clean: number;
  readonly train: number;
}

/** One arm of the antitraining comparison on one seed, as the notebook's table shows it. */
export interface ModularAntiRow {
  readonly seed: number;
  readonly arm: string;
  readonly "core before": number;
  readonly "core after": number;
  readonly "test acc": number;
  readonly "own core: test acc": number;
  /** "full → compressed" parameter counts. */
  readonly params: string;
  /** The smallest antitrained core's size: every arm is cut to it. */
  readonly k: number;
  readonly "top k: test acc": number;
}

/** One seed of the modular-addition study. */
export interface ModularSeed {
  readonly curves: ModularCurve[];
  readonly trained: ModularTrained;
  readonly anti: ModularAntiRow[];
  /** Largest |masked − physically compressed| test accuracy over every compressed point. */
  readonly maskedVsCompressed: number;
}

/** Curves of every site and ranking: three rankings on the training pairs, accuracy on the test pairs. */
function siteCurves(model: Transformer, s: ModularCompressionSettings, seed: number): { curves: ModularCurve[]; maskedVsCompressed: number } {
  const task = modularTask(s.p, s.trainFraction);
  const curves: ModularCurve[] = [];
  let maskedVsCompressed = 0;
  for (const site of s.sites) {
    const stats = collectStats(model, site, task.train, { seed });
    const scores: Record<UnitRanking, Float32Array> = {
      randomization: importance(model, site, task.train, { stats, method: "resample", metric: "loss", seed }).scores,
      magnitude: model.unitMagnitudes(site),
      gradient: gateScores(model, site, task.train),
    };
    const kept = keptGrid(scores.magnitude.length);
    const engine = new DamageEngine(model, site, task.test, { stats, method: "mean", metric: "accuracy", seed });
    for (const ranking of UNIT_RANKINGS) {
      const order = ranked({ scores: scores[ranking] });
      const accuracy = Array.from(engine.evaluate(kept.map((k) => order.slice(k)))); // randomize all but the top k
      // The same points on the physically compressed model; k = 0 stays the masked value.
      const params = kept.map((k, i) => {
        if (k === 0) return null;
        const small = compress(model, site, { core: order.slice(0, k) }, { stats });
        const acc = evaluate(small, task.test).accuracy;
        maskedVsCompressed = Math.max(maskedVsCompressed, Math.abs(acc - accuracy[i]));
        const n = parameterCount(small);
        small.dispose();
        return n;
      });
      curves.push({ site, ranking, seed, kept, accuracy, params });
    }
    engine.dispose();
  }
  return { curves, maskedVsCompressed };
}

/**
 * The notes' loop on blocks.0.mlp against plain continued training: clones of the trained model, each trained
 * `antiCycles · cycle` more full-batch steps with a fresh AdamW and the same batches, one plain and one antitraining
 * per fraction; then each one's 95% core (accuracy damage on training pairs), each compressed physically to it, and
 * each cut to the smallest antitrained core's size by its own ranking.
 */
function antitrainRows(model: Transformer, s: ModularCompressionSettings, seed: number): ModularAntiRow[] {
  const task = modularTask(s.p, s.trainFraction);
  const site = "blocks.0.mlp";
  const coreOf = (net: HookedModel) => {
    const stats = collectStats(net, site, task.train, { seed });
    return { stats, split: findCore(net, site, task.train, { stats, fraction: 0.95, metric: "accuracy", seed }) };
  };
  const before = coreOf(model).split.core.length;
  const arms = [null, ...s.antiFractions].map((fraction) => {
    const net = model.clone();
    const armOpt = adamw(s.learningRate, { beta1: 0.9, beta2: 0.98, weightDecay: 1.0 });
    const armStream = new BatchStream(task.train, size(task.train), seed + 100);
    const antitrainer = fraction === null ? undefined : new Antitrainer(net, [site], { schedule: interleaved(1, { cycle: s.cycle }), fraction, data: task.train, seed });
    train(net, task.train, { steps: s.antiCycles * s.cycle, optimizer: armOpt, stream: armStream, onStep: (_, batch) => antitrainer?.afterStep(batch) });
    antitrainer?.dispose();
    armOpt.dispose();
    return { name: fraction === null ? "plain (control)" : `antitrained (${fraction * 100}% core)`, net, ...coreOf(net) };
  });
  const k = Math.min(...arms.slice(1).map((arm) => arm.split.core.length));
  return arms.map((arm) => {
    const small = compress(arm.net, site, arm.split, { stats: arm.stats });
    const order = ranked(importance(arm.net, site, task.train, { stats: arm.stats, metric: "loss", seed }));
    const cut = compress(arm.net, site, { core: order.slice(0, k) }, { stats: arm.stats });
    const row = {
      seed,
      arm: arm.name,
      "core before": before,
      "core after": arm.split.core.length,
      "test acc": Number(evaluate(arm.net, task.test).accuracy.toFixed(3)),
      "own core: test acc": Number(evaluate(small, task.test).accuracy.toFixed(3)),
      params: `${parameterCount(arm.net)} → ${parameterCount(small)}`,
      k,
      "top k: test acc": Number(evaluate(cut, task.test).accuracy.toFixed(3)),
    };
    for (const m of [small, cut, arm.net]) m.dispose();
    return row;
  });
}

/**
 * One seed: trains a transformer on a + b mod p (full batch, AdamW, weight decay 1.0), then the curves of every
 * site and ranking and the antitraining comparison. Frees every model it builds.
 *
 * @example
 * const r = modularCompressionSeed(modularCompressionSettings("quick"), 0);
 * r.trained.clean;   // test accuracy of the trained model
 */
export function modularCompressionSeed(s: ModularCompressionSettings, seed: number): ModularSeed {
  const task = modularTask(s.p, s.trainFraction);
  const model = transformer({ vocab: task.vocab, seqLen: task.seqLen, classes: s.p, ...s.model, seed });
  const opt = adamw(s.learningRate, { beta1: 0.9, beta2: 0.98, weightDecay: 1.0 });
  try {
    train(model, task.train, { steps: s.trainSteps, optimizer: opt, stream: new BatchStream(task.train, size(task.train), seed) });
    const clean = evaluate(model, task.test).accuracy;
    const trained = { seed, clean: Number(clean.toFixed(3)), train: Number(evaluate(model, task.train).accuracy.toFixed(3)) };
    const { curves, maskedVsCompressed } = siteCurves(model, s, seed);
    const anti = antitrainRows(model, s, seed);
    return { curves, trained, anti, maskedVsCompressed };
  } finally {
    opt.dispose();
    model.dispose();
  }
}
