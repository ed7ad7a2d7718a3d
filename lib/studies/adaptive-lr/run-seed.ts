/**
 * Notebook 13's runs: one arm at one configuration trained on the digits' training rows for the budget; a tuning seed
 * (every arm at every configuration of its grid, scored on the validation rows only), the choice, and a study seed
 * (every arm at its chosen configuration, scored on the test split).
 */
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../../base/errors";
import { BatchStream, type Dataset, disposeDataset, head } from "../../data/dataset";
import { mlp } from "../../models/mlp";
import { InfoAdaptiveOptimizer } from "../../training/adaptive-lr";
import { adamw } from "../../training/adamw";
import { lamb } from "../../training/lamb";
import { evaluate, train } from "../../training/train";
import { studyData } from "../data";
import { ADAPTIVE_LR_ARMS, type AdaptiveLrConfig, type AdaptiveLrSettings, adaptiveLrArm, adaptiveLrConfigLabel, adaptiveLrGrid } from "./settings";

/** One arm at one configuration on one tuning seed: its validation loss and accuracy at the end of the budget. */
export interface AdaptiveLrTuneRow {
  readonly arm: string;
  readonly seed: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly strength: number;
  readonly label: string;
  /** Validation cross-entropy after the budget (null when the run diverged: never chosen). */
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
}

/** An arm's chosen configuration and its mean validation loss over the tuning seeds (NaN when nothing was tuned). */
export interface AdaptiveLrChoice extends AdaptiveLrConfig {
  readonly label: string;
  readonly valLoss: number;
}

/** Every arm's chosen configuration, by arm name. */
export type AdaptiveLrChosen = Readonly<Record<string, AdaptiveLrChoice>>;

/** One arm at its chosen configuration on one study seed at the end of the budget. */
export interface AdaptiveLrRow {
  readonly arm: string;
  readonly seed: number;
  readonly label: string;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly valLoss: number;
  readonly trainLoss: number;
  /** Wall seconds of training, measurements and validation checkpoints included. */
  readonly seconds: number;
  /** Optimizer updates made (the budget; fewer only if the run diverged). */
  readonly updates: number;
  /** The largest and smallest per-unit scale at the end of training (1 and 1 for the peers). */
  readonly maxScale: number;
  readonly minScale: number;
}

/** An arm's validation loss at step 0 and every `evalEvery` steps. */
export interface AdaptiveLrCurve {
  readonly arm: string;
  readonly seed: number;
  readonly step: number[];
  readonly loss: number[];
}

/** One study seed: the choice it ran, a row and a validation curve per arm, in table order. */
export interface AdaptiveLrSeed {
  readonly seed: number;
  readonly chosen: AdaptiveLrChosen;
  readonly rows: AdaptiveLrRow[];
  readonly curves: AdaptiveLrCurve[];
}

/** A divergence of `train` (it stops at a non-finite loss or update, keeping the last finite weights). */
const diverged = (e: unknown) => e instanceof AntitrainError && e.message.startsWith("training stopped at step");

/** The arm's optimizer at configuration `c`: the information-adaptive ones wrap Adam at its learning rate. */
function makeOptimizer(s: AdaptiveLrSettings, arm: string, c: AdaptiveLrConfig, model: ReturnType<typeof mlp>, slice: Dataset, seed: number): tf.Optimizer {
  const a = adaptiveLrArm(arm);
  switch (a.kind) {
    case "adam":
      return tf.train.adam(c.learningRate);
    case "adamw":
      return adamw(c.learningRate, { weightDecay: c.weightDecay });
    case "lamb":
      return lamb(c.learningRate, { weightDecay: c.weightDecay });
    case "info": {
      const sites = s.hidden.map((_, i) => `h${i + 1}`);
      return new InfoAdaptiveOptimizer(model, tf.train.adam(c.learningRate), { sites, data: slice, mode: a.mode, direction: a.direction, strength: c.strength, refreshEvery: s.refresh, seed });
    }
  }
}

interface Trained {
  readonly updates: number;
  readonly seconds: number;
  readonly curve: { step: number[]; loss: number[] };
  readonly scales: number[];
}

/**
 * Trains a fresh MLP (seed `seed`, batch order `seed`) with `arm` at `c` for `s.steps` updates on the training rows,
 * the validation loss every `evalEvery` steps when `curve`; then calls `measure` on the trained model and frees it.
 */
function trainArm<T>(s: AdaptiveLrSettings, arm: string, c: AdaptiveLrConfig, seed: number, curve: boolean, measure: (model: ReturnType<typeof mlp>, t: Trained) => T): T {
  const { train: trainSet, validation } = studyData(s.data) as { train: Dataset; validation: Dataset };
  const slice = head(trainSet, s.measureExamples);
  const model = mlp({ inputs: trainSet.x.shape[1] as number, hidden: [...s.hidden], classes: 10, seed });
  let opt: tf.Optimizer | undefined;
  try {
    opt = makeOptimizer(s, arm, c, model, slice, seed);
    const stream = new BatchStream(trainSet, s.batchSize, seed);
    const points: { step: number[]; loss: number[] } = { step: [], loss: [] };
    if (curve) {
      points.step.push(0);
      points.loss.push(evaluate(model, validation).loss);
    }
    const start = Date.now();
    let updates = 0;
    try {
      while (updates < s.steps) {
        const n = Math.min(s.evalEvery, s.steps - updates);
        train(model, trainSet, { steps: n, optimizer: opt, stream });
        updates += n;
        if (curve) {
          points.step.push(updates);
          points.loss.push(evaluate(model, validation).loss);
        }
      }
    } catch (e) {
      if (!diverged(e)) throw e;
    }
    const seconds = (Date.now() - start) / 1000;
    const scales = opt instanceof InfoAdaptiveOptimizer ? [...opt.scales_.values()].flatMap((x) => [...x]) : [1];
    return measure(model, { updates, seconds, curve: points, scales });
  } finally {
    opt?.dispose();
    model.dispose();
    disposeDataset(slice);
  }
}

/**
 * One tuning seed: every arm at every configuration of its grid, each from `mlp({ seed })` on the training rows,
 * scored by its validation loss and accuracy at the end of the budget (the test split is never read).
 *
 * @example
 * const rows = tuneAdaptiveLr(adaptiveLrSettings("tiny"), 100);   // 7 arms × 2 configurations (9 each in "full")
 */
export function tuneAdaptiveLr(s: AdaptiveLrSettings, seed: number): AdaptiveLrTuneRow[] {
  const { validation } = studyData(s.data) as { validation: Dataset };
  return ADAPTIVE_LR_ARMS.flatMap((arm) =>
    adaptiveLrGrid(s, arm).map((c): AdaptiveLrTuneRow => {
      const label = adaptiveLrConfigLabel(c, adaptiveLrArm(arm).kind);
      return trainArm(s, arm, c, seed, false, (model, t) => {
        if (t.updates < s.steps) return { arm, seed, ...c, label, valLoss: null, valAccuracy: null };
        const ev = evaluate(model, validation);
        const ok = Number.isFinite(ev.loss);
        return { arm, seed, ...c, label, valLoss: ok ? ev.loss : null, valAccuracy: ok ? ev.accuracy : null };
      });
    }),
  );
}

/**
 * Per arm the configuration with the lowest mean validation loss over the tuning rows (the first of the grid on ties;
 * a configuration that diverged on any tuning seed is never chosen). Without tuning rows every arm must have one
 * configuration (the quick setting), which is then taken as it is (valLoss NaN).
 *
 * @example
 * const chosen = chooseAdaptiveLr(settings, rows);   // chosen.AdamW: { learningRate, weightDecay, strength, label, valLoss }
 */
export function chooseAdaptiveLr(s: AdaptiveLrSettings, rows: readonly AdaptiveLrTuneRow[]): AdaptiveLrChosen {
  if (rows.length === 0) {
    const open = ADAPTIVE_LR_ARMS.filter((arm) => adaptiveLrGrid(s, arm).length > 1);
    if (open.length > 0) {
      throw new AntitrainError(`${open.join(", ")} have several configurations to choose from on validation data: run the study with tuning seeds, e.g. { tuneSeeds: [100, 101] }`);
    }
    return Object.fromEntries(ADAPTIVE_LR_ARMS.map((arm) => {
      const c = adaptiveLrGrid(s, arm)[0];
      return [arm, { ...c, label: adaptiveLrConfigLabel(c, adaptiveLrArm(arm).kind), valLoss: Number.NaN }];
    }));
  }
  const chosen: Record<string, AdaptiveLrChoice> = {};
  for (const arm of ADAPTIVE_LR_ARMS) {
    const kind = adaptiveLrArm(arm).kind;
    let best: AdaptiveLrChoice | undefined;
    for (const c of adaptiveLrGrid(s, arm)) {
      const mine = rows.filter((r) => r.arm === arm && r.learningRate === c.learningRate && r.weightDecay === c.weightDecay && r.strength === c.strength);
      if (mine.length === 0) throw new AntitrainError(`no tuning row for ${arm} at ${adaptiveLrConfigLabel(c, kind)}: pass every tuning seed's rows`);
      const valLoss = mine.some((r) => r.valLoss === null) ? Number.POSITIVE_INFINITY : mine.reduce((a, r) => a + (r.valLoss as number), 0) / mine.length;
      if (best === undefined || valLoss < best.valLoss) best = { ...c, label: adaptiveLrConfigLabel(c, kind), valLoss };
    }
    if (best === undefined || !Number.isFinite(best.valLoss)) throw new AntitrainError(`every configuration of ${arm} diverged on the tuning seeds: give it lower learning rates`);
    chosen[arm] = best;
  }
  return chosen;
}

/**
 * One study seed: every arm at its chosen configuration from `mlp({ seed })` (the same initialization and batch order
 * for every arm), the validation loss every `evalEvery` steps, and at the end the test accuracy and loss, the
 * validation and training loss, the updates made and the range of the per-unit scales. Plain JSON.
 *
 * @example
 * const r = adaptiveLrSeed(settings, chosen, 0);   // r.rows[0].testLoss: update · up at its chosen learning rate
 */
export function adaptiveLrSeed(s: AdaptiveLrSettings, chosen: AdaptiveLrChosen, seed: number): AdaptiveLrSeed {
  const { train: trainSet, validation, test } = studyData(s.data) as { train: Dataset; validation: Dataset; test: Dataset };
  const rows: AdaptiveLrRow[] = [];
  const curves: AdaptiveLrCurve[] = [];
  for (const arm of ADAPTIVE_LR_ARMS) {
    const c = chosen[arm];
    if (c === undefined) throw new AntitrainError(`no chosen configuration for ${arm}: pass chooseAdaptiveLr's result`);
    trainArm(s, arm, c, seed, true, (model, t) => {
      const ev = evaluate(model, test);
      rows.push({
        arm, seed, label: c.label, testAccuracy: ev.accuracy, testLoss: ev.loss, valLoss: evaluate(model, validation).loss, trainLoss: evaluate(model, trainSet).loss,
        seconds: t.seconds, updates: t.updates, maxScale: Math.max(...t.scales), minScale: Math.min(...t.scales),
      });
      curves.push({ arm, seed, ...t.curve });
    });
  }
  return { seed, chosen, rows, curves };
}
