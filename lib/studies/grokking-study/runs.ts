/**
 * The grokking study's runs: one seed of every arm (`grokSeedRuns`) and one tuning seed of the Grokfast grid
 * (`grokfastTuningSeed`), each a `grokRun` on the data `grokData` builds, with the study's optimizer settings.
 */
import { type GrokResult, type GrokRunOptions, grokRun } from "../grokking";
import { grokData } from "./data";
import type { GrokArm, GrokfastSetting, GrokSettings } from "./settings";

/** One arm's run on one seed: `grokRun`'s result with the arm's name. */
export type GrokArmRun = GrokResult & { readonly label: GrokArm };

/** One tuning run: a Grokfast setting on a tuning seed. */
export interface GrokTuningRow {
  readonly alpha: number;
  readonly lambda: number;
  readonly seed: number;
  /** First evaluated step with 95% test accuracy, or null (censored at `steps`). */
  readonly stepsToTarget: number | null;
  readonly finalTest: number;
}

/** The task a run trains on: the study's own (p, trainFraction, steps) or the replication's. */
export interface GrokTask {
  readonly p: number;
  readonly trainFraction: number;
  readonly steps: number;
}

/** grokRun's options shared by every arm on `task` (data, model, steps, cadence, AdamW). */
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

/**
 * Every Grokfast setting of `s.grokfastGrid` on one tuning seed, at the study's own p (roles not measured).
 *
 * @example
 * const rows = grokfastTuningSeed(grokSettings("quick"), 100);   // one row per grid setting
 */
export function grokfastTuningSeed(s: GrokSettings, seed: number): GrokTuningRow[] {
  const options = runOptions(s, s);
  return s.grokfastGrid.map((g) => {
    const r = grokRun({ ...options, method: "grokfast", alpha: g.alpha, lambda: g.lambda, seed, measure: false });
    return { alpha: g.alpha, lambda: g.lambda, seed, stepsToTarget: r.stepsToTarget, finalTest: r.curve[r.curve.length - 1].testAccuracy };
  });
}

/**
 * One seed of every arm in `arms` on `task`: "grokfast" at the paper's α = 0.98, λ = 2, "grokfast-tuned" at `tuned`.
 * Held-out roles are measured in every arm when `measure` (always in "antitrain").
 *
 * @example
 * const runs = grokSeedRuns(s, s, ["baseline", "antitrain"], { alpha: 0.9, lambda: 2 }, 0, true);
 * runs[1].stepsToTarget;   // e.g. 700, or null
 */
export function grokSeedRuns(s: GrokSettings, task: GrokTask, arms: readonly GrokArm[], tuned: GrokfastSetting, seed: number, measure: boolean): GrokArmRun[] {
  const options = runOptions(s, task);
  return arms.map((label) => {
    const method = label === "grokfast-tuned" ? "grokfast" : label;
    const filter = label === "grokfast-tuned" ? { alpha: tuned.alpha, lambda: tuned.lambda } : {};
    return { ...grokRun({ ...options, ...filter, method, seed, measure }), label };
  });
}
