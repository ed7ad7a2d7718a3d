/**
 * One seed of the generalizing-vs-memorizing study: the training labels get their noise, then four variants of the
 * same MLP train for the same steps (plain; antitrained with the core measured on the training data; antitrained with
 * the core measured on held-out data; plain on training + held-out data), and part 1 analyses the plain model's units.
 */
import * as tf from "@tensorflow/tfjs";
import { Antitrainer } from "../../antitrain/antitrainer";
import { interleaved } from "../../antitrain/schedule";
import { reportCore } from "../../core/report-core";
import { BatchStream, type Dataset, disposeDataset, take } from "../../data/dataset";
import { withLabelNoise } from "../../data/noise";
import { mlp } from "../../models/mlp";
import { evaluate, train as trainModel } from "../../training/train";
import { studyData } from "../data";
import { type UnitAnalysis, analyseUnits } from "./analyse-units";
import type { MemorizationSettings } from "./settings";

/** The four training variants, in table order. */
export const MEMORIZATION_VARIANTS = ["plain", "antitrain, training core", "antitrain, held-out core", "plain on train + held-out"] as const;
export type MemorizationVariant = (typeof MEMORIZATION_VARIANTS)[number];

/** How one variant ended. */
export interface Outcome {
  readonly variant: MemorizationVariant;
  readonly testAcc: number;
  readonly trainAcc: number;
  /** trainAcc − testAcc. */
  readonly gap: number;
  /** Accuracy on the wrong training labels: the share of them reproduced (memorization). */
  readonly noisyFit: number;
  readonly cleanFit: number;
  /** 95% core of h1 (accuracy on test, stats from the training data). */
  readonly core95: number;
}

/** One seed's result (the per-seed shape of results/08-generalizing-vs-memorizing.json). */
export interface MemorizationSeed extends UnitAnalysis {
  readonly seed: number;
  readonly outcomes: readonly Outcome[];
}

/** The clean training rows and the held-out rows of the digits pool (new tensors: dispose both). */
function cleanSplits(s: MemorizationSettings): { cleanTrain: Dataset; heldOut: Dataset; test: Dataset } {
  const pool = studyData({ dataset: "digits", trainLimit: s.train_examples + s.held_out });
  const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  return { cleanTrain: take(pool.train, rows(0, s.train_examples)), heldOut: take(pool.train, rows(s.train_examples, s.held_out)), test: pool.test };
}

/**
 * One seed: label noise on the training rows (seeded by `seed`), the four variants from the same initialization and
 * batch order, and the unit analysis of the plain model.
 *
 * @example
 * const r = runMemorizationSeed(memorizationSettings("tiny"), 0);
 * r.outcomes.map((o) => o.noisyFit);
 */
export function runMemorizationSeed(s: MemorizationSettings, seed: number): MemorizationSeed {
  const { cleanTrain, heldOut, test } = cleanSplits(s);
  const { data: train, noisy } = withLabelNoise(cleanTrain, s.noise, seed);
  const noisySet = new Set(noisy);
  const cleanRows = Array.from({ length: s.train_examples }, (_, i) => i).filter((i) => !noisySet.has(i));
  const noisyPart = take(train, noisy);
  const cleanPart = take(train, cleanRows);
  const both = { x: tf.concat([train.x, heldOut.x]) as tf.Tensor2D, y: tf.concat([train.y, heldOut.y]) as tf.Tensor1D, classes: 10 };
  const outcomes: Outcome[] = [];
  let analysis: UnitAnalysis | undefined;
  try {
    for (const variant of MEMORIZATION_VARIANTS) {
      const model = mlp({ inputs: 64, hidden: [s.hidden], classes: 10, seed });
      const optimizer = tf.train.adam(s.learningRate);
      const data = variant === "plain on train + held-out" ? both : train;
      const stream = new BatchStream(data, s.batchSize, seed);
      let anti: Antitrainer | undefined;
      try {
        if (variant.startsWith("antitrain")) {
          trainModel(model, train, { steps: s.warmup, optimizer, stream });
          const a = new Antitrainer(model, ["h1"], {
            schedule: interleaved(1, { cycle: s.cycle }),
            fraction: s.fraction,
            seed,
            samples: s.samples,
            data: variant === "antitrain, held-out core" ? heldOut : train,
          });
          anti = a;
          trainModel(model, train, { steps: s.steps - s.warmup, optimizer, stream, onStep: (_s, b) => { a.afterStep(b); } });
        } else {
          trainModel(model, data, { steps: s.steps, optimizer, stream });
        }
        const testAcc = evaluate(model, test).accuracy;
        const trainAcc = evaluate(model, train).accuracy;
        outcomes.push({
          variant,
          testAcc,
          trainAcc,
          gap: trainAcc - testAcc,
          noisyFit: evaluate(model, noisyPart).accuracy,
          cleanFit: evaluate(model, cleanPart).accuracy,
          core95: reportCore(model, "h1", test, train, { seed }).core.length,
        });
        if (variant === "plain") analysis = analyseUnits(model, { train, noisyPart, cleanPart, heldOut, test }, { seed, samples: s.samples, ablate: s.ablate });
      } finally {
        anti?.dispose();
        optimizer.dispose();
        model.dispose();
      }
    }
  } finally {
    for (const d of [train, noisyPart, cleanPart, both, cleanTrain, heldOut]) disposeDataset(d);
  }
  return { seed, ...(analysis as UnitAnalysis), outcomes };
}
