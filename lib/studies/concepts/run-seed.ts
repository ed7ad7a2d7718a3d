/** One seed of notebook 12's concept study: a control and a concept-antitrained MLP, trained and measured alike. */
import * as tf from "@tensorflow/tfjs";
import { concept } from "../../analysis/concept";
import { conceptFlow } from "../../analysis/concept-flow";
import { conceptAntitrainStep } from "../../analysis/concept-step";
import { fitProbe } from "../../analysis/probe";
import { splitDamage } from "../../core/find-core";
import { collectStats } from "../../measure/unit-stats";
import { mlp } from "../../models/mlp";
import { evaluate, train } from "../../training/train";
import { studyData } from "../data";
import type { ConceptsSettings } from "./settings";

/** The two conditions of every seed, in run order: no concept antitraining, and one concept antitrain step per training step. */
export const CONCEPT_CONDITIONS = ["control", "antitrained"] as const;
export type ConceptCondition = (typeof CONCEPT_CONDITIONS)[number];

/** One trained model measured (accuracies on the test split; the probes' chance is the commoner concept value's share). */
export interface ConceptRow {
  readonly condition: ConceptCondition;
  readonly seed: number;
  /** Main-task test accuracy. */
  readonly mainAccuracy: number;
  /** The output probe's concept accuracy: clean, with the concept units randomized, with every other unit randomized. */
  readonly probeClean: number;
  readonly probeChosen: number;
  readonly probeOthers: number;
  /** The same for a probe on the hidden layer itself. */
  readonly hidProbeChosen: number;
  readonly hidProbeOthers: number;
  readonly chance: number;
  /** Main-task accuracy lost when the concept units / the other units are randomized. */
  readonly mainDamageChosen: number;
  readonly mainDamageOthers: number;
}

/** One seed: a row per condition (control first) and the concept antitraining loss of every antitrain step. */
export interface ConceptSeed {
  readonly seed: number;
  readonly rows: ConceptRow[];
  readonly antiLoss: number[];
}

/** Trains one condition's model and measures it; frees everything it made. */
function runCondition(s: ConceptsSettings, condition: ConceptCondition, seed: number): { row: ConceptRow; losses: number[] } {
  const { train: trainSet, test } = studyData(s.data);
  const parity = concept(s.concept.name, s.concept.values);
  const units = [...s.conceptUnits];
  const others = Array.from({ length: s.hidden }, (_, u) => u).filter((u) => !units.includes(u));
  const model = mlp({ inputs: trainSet.x.shape[1] as number, hidden: [s.hidden], classes: 10, seed });
  const opt = tf.train.adam(1e-3);
  const antiOpt = tf.train.adam(s.antiLearningRate);
  try {
    train(model, trainSet, { steps: s.pretrain, optimizer: opt, seed });
    let stats = collectStats(model, "h1", trainSet, { seed });
    const losses: number[] = [];
    train(model, trainSet, {
      steps: s.steps,
      optimizer: opt,
      seed: seed + 100,
      onStep: (step, batch) => {
        if (condition === "control") return;
        if (step % s.statsEvery === 0) stats = collectStats(model, "h1", trainSet, { seed: step });
        losses.push(conceptAntitrainStep(model, "h1", batch, { units, stats, concept: parity, optimizer: antiOpt, seed: seed * 100000 + step }));
      },
    });
    stats = collectStats(model, "h1", trainSet, { seed });
    const flow = conceptFlow(model, "h1", test, fitProbe(model, trainSet, parity), units, { stats, seed: 1 });
    const hidden = conceptFlow(model, "h1", test, fitProbe(model, trainSet, parity, { readout: "h1" }), units, { stats, seed: 1 });
    const main = splitDamage(model, "h1", test, { core: units, spectators: others }, { stats, metric: "accuracy", seed: 1 });
    const row: ConceptRow = {
      condition,
      seed,
      mainAccuracy: evaluate(model, test).accuracy,
      probeClean: flow.clean,
      probeChosen: flow.chosen,
      probeOthers: flow.others,
      hidProbeChosen: hidden.chosen,
      hidProbeOthers: hidden.others,
      chance: flow.chance,
      mainDamageChosen: main.core,
      mainDamageOthers: main.spectators,
    };
    return { row, losses };
  } finally {
    opt.dispose();
    antiOpt.dispose();
    model.dispose();
  }
}

/**
 * One seed of the concept study: a fresh 64 → hidden → 10 MLP per condition (same seed), pretrained plainly, then
 * `steps` more training steps, each followed (antitrained) or not (control) by one concept antitrain step that holds
 * the concept units at their mean and trains the layer after "h1" towards a uniform concept; then the main-task
 * accuracy, the output- and hidden-probe concept flows (`conceptFlow`) and the main-task damage of randomizing the
 * concept units and the others (`splitDamage`), all on the test split. Plain JSON.
 *
 * @example
 * const r = conceptSeed(conceptsSettings("tiny"), 0);   // r.rows[1].probeChosen: parity with the concept units randomized
 */
export function conceptSeed(s: ConceptsSettings, seed: number): ConceptSeed {
  const rows: ConceptRow[] = [];
  let antiLoss: number[] = [];
  for (const condition of CONCEPT_CONDITIONS) {
    const { row, losses } = runCondition(s, condition, seed);
    rows.push(row);
    if (condition === "antitrained") antiLoss = losses;
  }
  return { seed, rows, antiLoss };
}
