/** The settings of the quickstart's ten-seed study (notebook 00, section 5): 01's concentration study on the digits. */
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import type { MethodSettings } from "../compression-arms";
import { CONCENTRATION_ARM_NAMES, CONCENTRATION_GRIDS, CONCENTRATION_REFERENCE } from "../concentration-study";
import type { StudySize } from "../study";

/** The arms of the quickstart's study, in table order: plain, antitraining 0.5, the two true-label controls and the five published baselines. */
export const QUICKSTART_ARMS: readonly string[] = [
  "plain",
  "antitrain 0.5",
  "control: spectators, true labels",
  "control: core, true labels",
  "group lasso",
  "network slimming",
  "activation L1",
  "targeted dropout",
  "nested dropout",
];

/** Notebook 01's validation choices for the digits (results/01-concentration.json `chosen.digits`), used unchanged. */
export const QUICKSTART_CHOSEN: Readonly<Record<string, MethodSettings>> = {
  "group-lasso": { lambda: 0.01 },
  slimming: { lambda: 0.1 },
  "activation-l1": { lambda: 0.1 },
  "targeted-dropout": { targetFraction: 0.75, rate: 0.5 },
  "nested-dropout": { p: 0.1 },
};

/** Settings of the quickstart's study (plain JSON). */
export interface QuickstartSettings {
  /** The digits with a validation split (cores are measured on it). */
  readonly data: { readonly dataset: "digits"; readonly validation: number; readonly trainLimit?: number };
  /** Width of the MLP's one hidden layer (site "h1"). */
  readonly width: number;
  /** Plain Adam steps every arm of a seed starts from. */
  readonly pretrain: number;
  /** Optimizer updates every arm spends after pretraining (antitraining: half training, half antitrain steps). */
  readonly updates: number;
  /** Antitraining re-measures its core every `cycle` training steps. */
  readonly cycle: number;
  /** The reported core's share of the whole-layer accuracy damage. */
  readonly fraction: number;
  /** "Accuracy holds": validation accuracy within this of plain training's. */
  readonly tolerance: number;
  readonly arms: readonly string[];
  /** The tuned baselines' knobs, keyed by grid (notebook 01's choices; not re-tuned here). */
  readonly chosen: Readonly<Record<string, MethodSettings>>;
}

const KEYS = ["data", "width", "pretrain", "updates", "cycle", "fraction", "tolerance", "arms", "chosen"];

/**
 * The named settings: "full" is the walk-through's schedule (1500 plain steps, then 16 cycles of 100 training steps
 * each followed by an antitrain step: 3200 updates), "quick" a smoke test (300 + 400); "tiny" runs in seconds.
 *
 * @example
 * quickstartSettings("full").updates;   // 3200
 */
export function quickstartSettings(size: StudySize): QuickstartSettings {
  const common = { fraction: 0.95, tolerance: 0.01, arms: [...QUICKSTART_ARMS], chosen: JSON.parse(JSON.stringify(QUICKSTART_CHOSEN)) };
  if (size === "tiny") return { data: { dataset: "digits", validation: 0.2, trainLimit: 200 }, width: 16, pretrain: 20, updates: 20, cycle: 10, ...common };
  const quick = size === "quick";
  return { data: { dataset: "digits", validation: 0.2 }, width: 128, pretrain: quick ? 300 : 1500, updates: quick ? 400 : 2 * 16 * 100, cycle: 100, ...common };
}

/**
 * Refuses settings the study cannot run, naming the fix (the concentration study checks the rest when a seed runs).
 *
 * @example
 * checkQuickstartSettings({ ...quickstartSettings("quick"), updates: 401 });   // throws: updates must be even
 */
export function checkQuickstartSettings(s: QuickstartSettings): void {
  if (s === null || typeof s !== "object") throw new AntitrainError("the quickstart's study needs settings such as quickstartSettings(\"quick\")");
  requireKnownKeys(s, KEYS, "the quickstart study's settings");
  if (s.data?.dataset !== "digits" || !(typeof s.data.validation === "number" && s.data.validation > 0 && s.data.validation < 1)) {
    throw new AntitrainError(`data must be the digits with a validation split, e.g. { dataset: "digits", validation: 0.2 }, got ${JSON.stringify(s.data)}`);
  }
  for (const k of ["width", "pretrain", "updates", "cycle"] as const) requirePositiveInt(s[k], k);
  if (s.updates % 2 !== 0) throw new AntitrainError(`updates must be even, got ${s.updates}: antitraining spends half on training steps and half on antitrain steps`);
  requireFraction(s.fraction);
  if (!(typeof s.tolerance === "number" && s.tolerance >= 0 && s.tolerance < 1)) throw new AntitrainError(`tolerance must be in [0, 1), e.g. 0.01, got ${s.tolerance}`);
  if (!Array.isArray(s.arms) || !s.arms.includes("plain") || !s.arms.includes(CONCENTRATION_REFERENCE) || new Set(s.arms).size !== s.arms.length) {
    throw new AntitrainError(`arms must name each arm once and include "plain" and "${CONCENTRATION_REFERENCE}", got ${JSON.stringify(s.arms)}`);
  }
  for (const a of s.arms) {
    if (!CONCENTRATION_ARM_NAMES.includes(a)) throw new AntitrainError(`unknown arm "${a}": use ${CONCENTRATION_ARM_NAMES.join(", ")}`);
  }
  if (s.chosen === null || typeof s.chosen !== "object") throw new AntitrainError("chosen must hold the tuned baselines' knobs, e.g. { \"group-lasso\": { lambda: 0.01 } }");
  requireKnownKeys(s.chosen, CONCENTRATION_GRIDS, "chosen");
}
