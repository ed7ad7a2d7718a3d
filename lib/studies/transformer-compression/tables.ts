/**
 * Notebook 10's tables of units needed: per site and ranking, the fewest units kept (on the grid) that hold 95% of
 * the clean test accuracy (modular addition), or the test loss within 0.1 nats and 95% of the accuracy (char-LM).
 */
import { meanCI } from "../../base/statistics";
import { intervalBounds } from "../summary";
import type { LmCurve, LmSeed } from "./lm-seed";
import type { ModularCurve, ModularTrained } from "./modular-seed";
import { UNIT_RANKINGS, type UnitRanking } from "./settings";

/** One row of {@link modularNeededRows}. */
export interface ModularNeededRow {
  readonly site: string;
  readonly ranking: UnitRanking;
  /** Mean over seeds, one decimal. */
  readonly "units for 95% of clean acc": number;
  readonly "95% CI": string;
  /** The site's width. */
  readonly of: number;
}

/** One row of {@link lmNeededRows}: per-seed values joined by ", ". */
export interface LmNeededRow {
  readonly site: string;
  readonly ranking: UnitRanking;
  readonly "units for loss ≤ full + 0.1": string;
  readonly "units for 95% of acc": string;
  readonly of: number;
  readonly "loss, top half kept": string;
  readonly "loss, none kept": string;
}

/**
 * The fewest units kept on `curve`'s grid whose test accuracy is at least 95% of `clean` (the trained model's).
 *
 * @example
 * unitsFor95({ kept: [0, 1, 2], accuracy: [0.1, 0.9, 1] }, 1);   // 2
 */
export function unitsFor95(curve: Pick<ModularCurve, "kept" | "accuracy">, clean: number): number {
  return curve.kept[curve.accuracy.findIndex((a) => a >= 0.95 * clean)];
}

/**
 * Per site and ranking: the mean over seeds of {@link unitsFor95} (against each seed's clean accuracy) with its
 * 95% interval, and the site's width.
 *
 * @example
 * modularNeededRows(curves, trained, ["blocks.0.mlp"])[0]["units for 95% of clean acc"];   // e.g. 51.2
 */
export function modularNeededRows(curves: readonly ModularCurve[], trained: readonly ModularTrained[], sites: readonly string[]): ModularNeededRow[] {
  return sites.flatMap((site) =>
    UNIT_RANKINGS.map((ranking) => {
      const ks = curves
        .filter((c) => c.site === site && c.ranking === ranking)
        .map((c) => unitsFor95(c, (trained.find((t) => t.seed === c.seed) as ModularTrained).clean));
      const ci = meanCI(ks);
      const width = (curves.find((c) => c.site === site) as ModularCurve).kept.at(-1) as number;
      return {
        site,
        ranking,
        "units for 95% of clean acc": Number(ci.mean.toFixed(1)),
        "95% CI": intervalBounds(ci, 1),
        of: width,
      };
    }),
  );
}

/** Test loss with the top half of the units kept (the first grid point at or above half the width). */
export function lossTopHalf(c: Pick<LmCurve, "kept" | "loss">): number {
  const width = c.kept.at(-1) as number;
  return c.loss[c.kept.findIndex((k) => k >= width / 2)];
}

/**
 * Per site and ranking, seed by seed: the fewest units for a test loss within 0.1 nats of the full model's and for
 * 95% of its accuracy, the loss with the top half kept and with none kept.
 *
 * @example
 * lmNeededRows(runs, lmSites(2))[0]["loss, top half kept"];   // e.g. "1.720, 1.767, 1.845"
 */
export function lmNeededRows(runs: readonly LmSeed[], sites: readonly string[]): LmNeededRow[] {
  return sites.flatMap((site) =>
    UNIT_RANKINGS.map((ranking) => {
      const cs = runs.map((r) => r.curves.find((c) => c.site === site && c.ranking === ranking) as LmCurve);
      const k = (c: LmCurve, ok: (i: number) => boolean) => c.kept[c.kept.findIndex((_, i) => ok(i))];
      const last = (xs: readonly number[]) => xs.at(-1) as number;
      return {
        site,
        ranking,
        "units for loss ≤ full + 0.1": cs.map((c) => k(c, (i) => c.loss[i] <= last(c.loss) + 0.1)).join(", "),
        "units for 95% of acc": cs.map((c) => k(c, (i) => c.accuracy[i] >= 0.95 * last(c.accuracy))).join(", "),
        of: last(cs[0].kept),
        "loss, top half kept": cs.map((c) => lossTopHalf(c).toFixed(3)).join(", "),
        "loss, none kept": cs.map((c) => c.loss[0].toFixed(3)).join(", "),
      };
    }),
  );
}
