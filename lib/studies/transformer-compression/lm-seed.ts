/**
 * One seed of notebook 10's character-level language model study: train a two-block transformer on windows of
 * TypeScript's declaration files, rank every site three ways, measure test loss and accuracy against units kept
 * (on the physically compressed model wherever a site can be removed), then antitrain the last MLP against plain
 * continued training.
 */
import { Antitrainer } from "../../antitrain/antitrainer";
import { interleaved } from "../../antitrain/schedule";
import { Rng } from "../../base/rng";
import { compress, parameterCount } from "../../core/compress";
import { reportCore } from "../../core/report-core";
import { BatchStream, type Dataset, disposeDataset, size, take } from "../../data/dataset";
import { gateScores } from "../../importance/gate";
import { importance, ranked } from "../../importance/importance";
import { DamageEngine } from "../../measure/damage";
import { collectStats } from "../../measure/unit-stats";
import { type Transformer, transformer } from "../../models/transformer";
import { adamw } from "../../training/adamw";
import { evaluate, train } from "../../training/train";
import { charLmTask } from "./data";
import { keptGrid } from "./kept-grid";
import { type CharLmSettings, UNIT_RANKINGS, type UnitRanking } from "./settings";

/** Test loss and accuracy against units kept for one site and ranking. */
export interface LmCurve {
  readonly site: string;
  readonly ranking: UnitRanking;
  readonly kept: number[];
  readonly loss: number[];
  readonly accuracy: number[];
  /** Parameters of the physically compressed model (null where the point is mean replacement). */
  readonly params: (number | null)[];
  /** Whether the site can be removed physically (every site but an inner residual stream). */
  readonly physical: boolean;
}

/** One arm of the antitraining comparison, as the notebook's table shows it. */
export interface LmAntiRow {
  readonly arm: string;
  readonly "core before": number;
  readonly "core after": number;
  readonly "test loss": number;
  readonly "test acc": number;
  readonly "own core: loss": number;
  readonly "own core: acc": number;
  readonly params: string;
  readonly k: number;
  readonly "top k: loss": number;
  readonly "top k: acc": number;
}

/** One seed of the char-LM study. */
export interface LmSeed {
  readonly seed: number;
  readonly trainSeconds: number;
  readonly clean: { readonly loss: number; readonly accuracy: number };
  readonly trainCurve: { readonly step: number; readonly loss: number; readonly accuracy: number }[];
  readonly curves: LmCurve[];
  /** Largest |masked − physically compressed| test loss over every compressed point. */
  readonly maskedVsCompressed: number;
  readonly anti: LmAntiRow[];
}

/** The sites of an `layers`-block transformer: attn, mlp and resid per block. */
export function lmSites(layers: number): string[] {
  return Array.from({ length: layers }, (_, i) => [`blocks.${i}.attn`, `blocks.${i}.mlp`, `blocks.${i}.resid`]).flat();
}

/** `n` rows of `d` drawn without replacement (seeded); the caller disposes them. */
function sampleRows(d: Dataset, n: number, seed: number): Dataset {
  return take(d, new Rng(seed).permutation(size(d)).subarray(0, Math.min(n, size(d))));
}

const lmOptimizer = (s: CharLmSettings) => adamw(s.learningRate, { beta1: 0.9, beta2: 0.98, weightDecay: 0.01 });

/** Trains `model` for `s.steps` minibatch steps, evaluating on `evalData` ten times along the way. */
function trainLm(model: Transformer, s: CharLmSettings, seed: number, evalData: Dataset): LmSeed["trainCurve"] {
  const lm = charLmTask(s);
  const opt = lmOptimizer(s);
  const stream = new BatchStream(lm.train, 64, seed);
  const curve: { step: number; loss: number; accuracy: number }[] = [];
  const every = Math.max(1, Math.round(s.steps / 10));
  for (let step = 0; step < s.steps; step += every) {
    train(model, lm.train, { steps: Math.min(every, s.steps - step), optimizer: opt, stream });
    const ev = evaluate(model, evalData);
    curve.push({ step: Math.min(step + every, s.steps), loss: ev.loss, accuracy: ev.accuracy });
  }
  opt.dispose();
  return curve;
}

/** Loss and accuracy against units kept at every site and ranking (see the file's comment). */
function lmCurves(model: Transformer, s: CharLmSettings, seed: number, rankData: Dataset, evalData: Dataset): { curves: LmCurve[]; maskedVsCompressed: number } {
  const curves: LmCurve[] = [];
  let maskedVsCompressed = 0;
  for (const site of lmSites(s.model.layers)) {
    const stats = collectStats(model, site, rankData, { seed });
    const scores: Record<UnitRanking, Float32Array> = {
      randomization: importance(model, site, rankData, { stats, method: "resample", metric: "loss", seed }).scores,
      magnitude: model.unitMagnitudes(site),
      gradient: gateScores(model, site, rankData),
    };
    const kept = keptGrid(scores.magnitude.length);
    // An inner residual stream cannot be removed: the next block writes into it and reads it back.
    const physical = !site.endsWith(".resid") || site === `blocks.${s.model.layers - 1}.resid`;
    const lossEngine = new DamageEngine(model, site, evalData, { stats, method: "mean", metric: "loss", seed });
    const accEngine = new DamageEngine(model, site, evalData, { stats, method: "mean", metric: "accuracy", seed });
    for (const ranking of UNIT_RANKINGS) {
      const order = ranked({ scores: scores[ranking] });
      const masks = kept.map((k) => order.slice(k)); // mean-replace all but the top k
      const loss = Array.from(lossEngine.evaluate(masks));
      const accuracy = Array.from(accEngine.evaluate(masks));
      const params: (number | null)[] = kept.map(() => null);
      if (physical) {
        kept.forEach((k, i) => {
          if (k === 0) return; // compress keeps at least one unit; k = 0 stays the masked value
          const small = compress(model, site, { core: order.slice(0, k) }, { stats });
          const ev = evaluate(small, evalData);
          maskedVsCompressed = Math.max(maskedVsCompressed, Math.abs(ev.loss - loss[i]));
          loss[i] = ev.loss;
          accuracy[i] = ev.accuracy;
          params[i] = parameterCount(small);
          small.dispose();
        });
      }
      curves.push({ site, ranking, kept, loss, accuracy, params, physical });
    }
    lossEngine.dispose();
    accEngine.dispose();
  }
  return { curves, maskedVsCompressed };
}

/**
 * The notes' loop on `s.antiSite`: continued training with interleaved antitraining of an `antiFraction` core
 * against the same continued training of a clone (same fresh optimizer and batch order); then the 95% core
 * (accuracy damage on test windows), each model compressed to it, and each cut to the antitrained core's size.
 * Trains `model` itself as the antitrained arm.
 */
function lmAntitrainRows(model: Transformer, s: CharLmSettings, seed: number, rankData: Dataset, evalData: Dataset): LmAntiRow[] {
  const lm = charLmTask(s);
  const site = s.antiSite;
  const control = model.clone();
  const before = reportCore(model, site, evalData, rankData, { fraction: 0.95, seed });
  const arms = [
    { name: `antitrained (${s.antiFraction * 100}% core)`, net: model, antitrain: true },
    { name: "plain (control)", net: control, antitrain: false },
  ];
  const rows: LmAntiRow[] = [];
  let antiCore = 0;
  for (const arm of arms) {
    const armOpt = lmOptimizer(s);
    const armStream = new BatchStream(lm.train, 64, seed + 100);
    const antitrainer = arm.antitrain
      ? new Antitrainer(arm.net, [site], { schedule: interleaved(1, { cycle: s.cycle }), fraction: s.antiFraction, data: rankData, seed })
      : undefined;
    train(arm.net, lm.train, { steps: s.antiSteps, optimizer: armOpt, stream: armStream, onStep: (_, batch) => antitrainer?.afterStep(batch) });
    antitrainer?.dispose();
    armOpt.dispose();
    const after = reportCore(arm.net, site, evalData, rankData, { fraction: 0.95, seed });
    if (arm.antitrain) antiCore = after.core.length;
    const ev = evaluate(arm.net, lm.test);
    const small = compress(arm.net, site, after.split, { stats: after.stats });
    const evSmall = evaluate(small, lm.test);
    // The same model cut to the antitrained model's core size k (its own top-k units by reportCore's ranking).
    const order = ranked(importance(arm.net, site, evalData, { stats: after.stats, metric: "loss", seed }));
    const sameSize = compress(arm.net, site, { core: order.slice(0, Math.max(1, antiCore)) }, { stats: after.stats });
    const evSame = evaluate(sameSize, lm.test);
    rows.push({
      arm: arm.name,
      "core before": before.core.length,
      "core after": after.core.length,
      "test loss": Number(ev.loss.toFixed(3)),
      "test acc": Number(ev.accuracy.toFixed(3)),
      "own core: loss": Number(evSmall.loss.toFixed(3)),
      "own core: acc": Number(evSmall.accuracy.toFixed(3)),
      params: `${parameterCount(arm.net)} → ${parameterCount(small)}`,
      k: Math.max(1, antiCore),
      "top k: loss": Number(evSame.loss.toFixed(3)),
      "top k: acc": Number(evSame.accuracy.toFixed(3)),
    });
    small.dispose();
    sameSize.dispose();
  }
  control.dispose();
  return rows;
}

/**
 * One seed of the char-LM study (see the file's comment). Frees every model and sample it builds.
 *
 * @example
 * const r = charLmSeed(charLmSettings("quick"), 0);
 * r.clean.loss;   // test loss in nats after training
 */
export function charLmSeed(s: CharLmSettings, seed: number): LmSeed {
  const lm = charLmTask(s);
  const V = lm.vocab.length;
  const rankData = sampleRows(lm.train, s.rankExamples, seed);
  const evalData = sampleRows(lm.test, s.evalExamples, seed + 1);
  const model = transformer({ vocab: V, seqLen: s.window, classes: V, ...s.model, seed });
  try {
    const t0 = Date.now();
    const trainCurve = trainLm(model, s, seed, evalData);
    const trainSeconds = (Date.now() - t0) / 1000;
    const clean = evaluate(model, lm.test);
    const { curves, maskedVsCompressed } = lmCurves(model, s, seed, rankData, evalData);
    const anti = lmAntitrainRows(model, s, seed, rankData, evalData);
    return { seed, trainSeconds, clean, trainCurve, curves, maskedVsCompressed, anti };
  } finally {
    model.dispose();
    disposeDataset(rankData);
    disposeDataset(evalData);
  }
}
