/**
 * The grokking study's runs: one seed of every arm (`grokSeedRuns`) and one tuning seed of every tuned arm's grid
 * (`grokTuningSeed`), each a `grokRun` on the data `grokData` builds, with the study's optimizer settings and the
 * same update budget.
 */
import { type GrokResult, type GrokRunOptions, grokRun } from "../grokking";
import { grokData } from "./data";
import type { GrokArm, GrokChosen, GrokKnobs, GrokSettings, GrokTunedArm } from "./settings";

/** One arm's run on one seed: `grokRun`'s result with the arm's name. */
export type GrokArmRun = GrokResult & { readonly label: GrokArm };

/** One tuning run: a tuned arm's configuration on a tuning seed. */
export interface GrokTuningRow {
  readonly arm: GrokTunedArm;
  readonly knobs: GrokKnobs;
  readonly seed: number;
  /** Updates at the first evaluation with 95% test accuracy, or null (censored at `steps`). */
  readonly stepsToTarget: number | null;
  readonly finalTest: number;
}

/** The task a run trains on: the study's own (p, trainFraction, steps) or the replication's. */
export interface GrokTask {
  readonly p: number;
  readonly trainFraction: number;
  readonly steps: number;
}

/** grokRun's options shared by every arm on `task` (data, model, update budget, cadence, the recipe's AdamW). */
function runOptions(s: GrokSettings, task: GrokTask): Omit<GrokRunOptions, "method"> {
  const data = grokData(task.p, task.trainFraction);
  return {
    data: { train: data.train, heldOut: data.heldOut, test: data.test },
    model: { vocab: data.vocab, seqLen: data.seqLen, classes: task.p, ...s.model },
    steps: task.steps,
    evalEvery: s.evalEvery,
    target: s.target,
    learningRate: s.learningRate,
    weightDecay: s.weightDecay,
    beta1: 0.9,
    beta2: 0.98,
  };
}

/** What a tuned arm's configuration changes in grokRun's options (the method and its knobs). */
function armOptions(arm: GrokArm, knobs: GrokKnobs | null): Pick<GrokRunOptions, "method"> & Partial<GrokRunOptions> {
  if (arm === "baseline") return { method: "baseline" };
  if (arm === "adamw-tuned") return { method: "baseline", ...(knobs as { weightDecay: number }) };
  if (arm === "grokfast-tuned") return { method: "grokfast", ...(knobs as { alpha: number; lambda: number }) };
  return { method: "antitrain", ...(knobs as { antiEvery: number; antiLearningRate: number }) };
}

/** Every configuration of every tuned arm's grid, in table order. */
export function tuningConfigurations(s: GrokSettings): { arm: GrokTunedArm; knobs: GrokKnobs }[] {
  return [
    ...s.grids.weightDecay.map((weightDecay) => ({ arm: "adamw-tuned" as const, knobs: { weightDecay } })),
    ...s.grids.grokfast.map((g) => ({ arm: "grokfast-tuned" as const, knobs: { alpha: g.alpha, lambda: g.lambda } })),
    ...s.grids.antitrain.map((a) => ({ arm: "antitrain" as const, knobs: { antiEvery: a.antiEvery, antiLearningRate: a.antiLearningRate } })),
  ];
}

/**
 * Every configuration of every tuned arm on one tuning seed, at the study's own p and update budget (roles measured
 * only where antitraining needs them).
 *
 * @example
 * const rows = grokTuningSeed(grokSettings("quick"), 100);   // one row per configuration
 */
export function grokTuningSeed(s: GrokSettings, seed: number): GrokTuningRow[] {
  const options = runOptions(s, s);
  return tuningConfigurations(s).map(({ arm, knobs }) => {
    const r = grokRun({ ...options, ...armOptions(arm, knobs), seed, measure: false });
    return { arm, knobs, seed, stepsToTarget: r.stepsToTarget, finalTest: r.curve[r.curve.length - 1].testAccuracy };
  });
}

/** The knobs of `arm` in `chosen` (null for the baseline). */
export function chosenKnobs(arm: GrokArm, chosen: GrokChosen): GrokKnobs | null {
  if (arm === "adamw-tuned") return { weightDecay: chosen.weightDecay };
  if (arm === "grokfast-tuned") return chosen.grokfast;
  if (arm === "antitrain") return chosen.antitrain;
  return null;
}

/**
 * One seed of every arm in `arms` on `task`, each tuned arm at its `chosen` knobs. Held-out roles are measured in
 * every arm when `measure` (always in "antitrain").
 *
 * @example
 * const runs = grokSeedRuns(s, s, GROK_ARMS, chosen, 0, true);
 * runs[3].stepsToTarget;   // e.g. 700 (updates), or null
 */
export function grokSeedRuns(s: GrokSettings, task: GrokTask, arms: readonly GrokArm[], chosen: GrokChosen, seed: number, measure: boolean): GrokArmRun[] {
  const options = runOptions(s, task);
  return arms.map((label) => ({ ...grokRun({ ...options, ...armOptions(label, chosenKnobs(label, chosen)), seed, measure }), label }));
}
