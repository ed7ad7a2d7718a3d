import type { Dataset } from "../data/dataset";
import { DAMAGE_OPTION_KEYS, type DamageOptions, pickDamageOptions, requireDamageOptions } from "../measure/damage";
import { AntitrainError } from "../base/errors";
import { type Importance, importance } from "./importance";
import type { HookedModel } from "../models/types";
import { collectStats, requireStatsFor } from "../measure/unit-stats";
import { requireData, requireSite } from "../base/validate";

/** What a unit's damage says about it (see {@link heldOutImportance} for the rule). */
export type UnitRole = "generalizing" | "memorizing" | "mixed" | "inert";

/** Options for {@link heldOutImportance}: the damage options of both measurements, plus the classification rule. */
export interface HeldOutOptions extends Omit<DamageOptions, "path"> {
  /** How many times larger one share must be than the other to call a unit generalizing or memorizing. Default 2. */
  ratio?: number;
  /** A unit whose share is below `floor / units` on both data sets is inert. Default 0.1. */
  floor?: number;
}

/** Every key of {@link HeldOutOptions} (unknown keys are refused). */
const HELD_OUT_OPTION_KEYS: readonly string[] = [...DAMAGE_OPTION_KEYS.filter((k) => k !== "path"), "ratio", "floor"];

/** The result of {@link heldOutImportance}. */
export interface HeldOutImportance {
  /** Importance on the training data. */
  readonly train: Importance;
  /** Importance on the held-out data. */
  readonly heldOut: Importance;
  /** Each unit's share of the summed (positive) single-unit damage on the training data. */
  readonly trainShare: Float64Array;
  /** The same share on the held-out data. */
  readonly heldOutShare: Float64Array;
  /** log(heldOutShare / trainShare) per unit (shares floored at 1e-12): > 0 leans generalizing, < 0 memorizing. */
  readonly lean: Float64Array;
  /** Each unit's role. */
  readonly roles: UnitRole[];
}

/**
 * Importance of every unit of `site` on the training data and on held-out data (the notes' idea 1), and a
 * per-unit classification. Both are measured with the same stats (collected on the training data unless given),
 * method, metric and seed. Held-out loss is higher to start with, so raw damages are not compared: each unit's
 * damage is turned into its share of the site's summed single-unit damage on that data set (negative damage
 * counts as 0), and the shares are compared. The rule, with `ratio` r (default 2) and `floor` f (default 0.1):
 * - `inert`: both shares below f / units (the unit carries almost nothing on either data set);
 * - `generalizing`: heldOutShare ≥ r · trainShare (randomizing it hurts unseen examples disproportionately);
 * - `memorizing`: trainShare ≥ r · heldOutShare (it matters for examples the model has seen, much less for new ones);
 * - `mixed`: otherwise.
 * Leaves the model unchanged.
 *
 * @example
 * const h = at.heldOutImportance(model, "h1", train, validation, { method: "resample", metric: "loss", seed: 0 });
 * h.roles.filter((r) => r === "memorizing").length;
 */
export function heldOutImportance(
  model: HookedModel,
  site: string,
  train: Dataset,
  heldOut: Dataset,
  options: HeldOutOptions = {},
): HeldOutImportance {
  const info = requireSite(model, site);
  requireData(model, train);
  requireData(model, heldOut);
  requireDamageOptions(options, "heldOutImportance", HELD_OUT_OPTION_KEYS);
  if (options.stats !== undefined) requireStatsFor(options.stats, info);
  const ratio = options.ratio ?? 2;
  const floor = options.floor ?? 0.1;
  if (!(Number.isFinite(ratio) && ratio >= 1)) throw new AntitrainError(`ratio must be a number >= 1, got ${ratio}: e.g. 2`);
  if (!(Number.isFinite(floor) && floor >= 0)) throw new AntitrainError(`floor must be a number >= 0, got ${floor}: e.g. 0.1`);
  const stats = options.stats ?? collectStats(model, site, train);
  const common = { ...pickDamageOptions(options), stats };
  const onTrain = importance(model, site, train, common);
  const onHeldOut = importance(model, site, heldOut, common);
  const trainShare = shares(onTrain.scores);
  const heldOutShare = shares(onHeldOut.scores);
  const units = trainShare.length;
  const lean = new Float64Array(units);
  const roles: UnitRole[] = [];
  for (let u = 0; u < units; u++) {
    const t = trainShare[u];
    const h = heldOutShare[u];
    lean[u] = Math.log(Math.max(h, 1e-12) / Math.max(t, 1e-12));
    if (t < floor / units && h < floor / units) roles.push("inert");
    else if (h >= ratio * t) roles.push("generalizing");
    else if (t >= ratio * h) roles.push("memorizing");
    else roles.push("mixed");
  }
  return { train: onTrain, heldOut: onHeldOut, trainShare, heldOutShare, lean, roles };
}

/** Each score's share of the summed positive scores (all 0 when nothing is positive). */
function shares(scores: Float32Array): Float64Array {
  const pos = Float64Array.from(scores, (s) => Math.max(0, s));
  const total = pos.reduce((a, b) => a + b, 0);
  return total > 0 ? pos.map((s) => s / total) : pos;
}
