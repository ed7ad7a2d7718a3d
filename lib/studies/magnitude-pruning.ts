/**
 * Iterative magnitude pruning, structured at the unit level: the pruning baseline antitraining is compared with
 * (Han et al. 2015's prune–retrain loop, on the schedule of Frankle & Carbin's iterative pruning, here removing
 * whole units rather than weights and fine-tuning rather than rewinding). Each round removes the units of one site
 * with the smallest weight magnitude ({@link magnitudeScores}) down to the next width, folding their mean
 * activation into the next layer's bias ({@link compress} with stats), then fine-tunes the whole smaller model.
 */
import { AntitrainError } from "../base/errors";
import { rngFor } from "../base/rng";
import { requireData, requireKnownKeys, requireSite } from "../base/validate";
import { compress } from "../core/compress";
import type { Dataset } from "../data/dataset";
import { ranked } from "../importance/importance";
import { magnitudeScores } from "../importance/magnitude";
import { collectStats } from "../measure/unit-stats";
import { Mlp } from "../models/mlp";
import type { HookedModel } from "../models/types";
import { train } from "../training/train";

/** Options for {@link iterativeMagnitudePruning}. */
export interface MagnitudePruningOptions {
  /** The site's width after each round, strictly decreasing, the first at most the site's width: e.g. [96, 64, 48, 32]. */
  keep: readonly number[];
  /** Fine-tuning steps after each round's pruning (0: prune only). */
  stepsPerRound: number;
  /** Adam learning rate of the fine-tuning (a fresh optimizer each round: the variables change shape). Default 1e-3. */
  learningRate?: number;
  /** Fine-tuning batch size. Default 64. */
  batchSize?: number;
  /** Seed of each round's stats bank and batch order. */
  seed: number;
}

const OPTION_KEYS = ["keep", "stepsPerRound", "learningRate", "batchSize", "seed"] as const satisfies readonly (keyof MagnitudePruningOptions)[];

/** One round of {@link iterativeMagnitudePruning}. */
export interface PruningRound {
  /** The site's width after this round (`keep[round]`). */
  readonly units: number;
  /** The surviving units, numbered as in the input model's site, ascending. */
  readonly kept: number[];
  /** The pruned and fine-tuned model; owned by the caller (dispose it). */
  readonly model: Mlp;
  /** Optimizer steps this round (its fine-tuning; pruning itself takes none). */
  readonly steps: number;
}

/** What {@link iterativeMagnitudePruning} returns. */
export interface PruningResult {
  /** One entry per width of `keep`, in order. */
  readonly rounds: PruningRound[];
  /** Optimizer steps over all rounds: every update the baseline used. */
  readonly totalSteps: number;
}

/**
 * Iterative structured magnitude pruning of `site`: starting from a copy of `model` (an MLP), each round keeps the
 * `keep[r]` units with the largest magnitude score (ties: the lower index), removes the others with their means on
 * `data` folded into the next bias, and fine-tunes every variable for `stepsPerRound` steps of Adam on `data`.
 * Leaves `model` unchanged. Every round's model is returned and owned by the caller (an MLP site of a few hundred
 * units costs little; dispose the rounds you do not need); on an error, the models made so far are freed.
 *
 * @example
 * const imp = at.iterativeMagnitudePruning(model, "h1", train, { keep: [96, 64, 48, 32], stepsPerRound: 200, seed: 0 });
 * imp.rounds.map((r) => at.evaluate(r.model, test).accuracy);   // accuracy after each round
 * imp.totalSteps;                                               // 800 fine-tuning steps
 * for (const r of imp.rounds) r.model.dispose();
 */
export function iterativeMagnitudePruning(model: HookedModel, site: string, data: Dataset, options: MagnitudePruningOptions): PruningResult {
  const width = requireSite(model, site).units;
  if (!(model instanceof Mlp)) {
    throw new AntitrainError(`iterativeMagnitudePruning needs an MLP (from at.mlp or new at.Mlp): magnitude scores read its weights; this model is "${model.kind}"`);
  }
  requireData(model, data);
  const { keep, stepsPerRound, learningRate = 1e-3, batchSize = 64, seed } = requireOptions(options, width, site);
  const rounds: PruningRound[] = [];
  let current: Mlp = model;
  let survivors = Array.from({ length: width }, (_, u) => u); // current unit i is input unit survivors[i]
  try {
    keep.forEach((units, r) => {
      const stats = collectStats(current, site, data, { seed: rngFor(seed, r, 0).nextUint32() });
      const top = ranked({ scores: magnitudeScores(current, site) }).slice(0, units);
      const core = [...top].sort((a, b) => a - b); // compress keeps units in ascending order
      const next = compress(current, site, { core }, { stats }) as Mlp;
      let steps = 0;
      try {
        if (stepsPerRound > 0) steps = train(next, data, { steps: stepsPerRound, learningRate, batchSize, seed: rngFor(seed, r, 1).nextUint32() }).length;
      } catch (e) {
        next.dispose();
        throw e;
      }
      survivors = core.map((u) => survivors[u]);
      rounds.push({ units, kept: survivors, model: next, steps });
      current = next;
    });
  } catch (e) {
    for (const round of rounds) round.model.dispose();
    throw e;
  }
  return { rounds, totalSteps: rounds.reduce((n, r) => n + r.steps, 0) };
}

/** Checks the options of {@link iterativeMagnitudePruning} against a site of `width` units. */
function requireOptions(options: MagnitudePruningOptions, width: number, site: string): MagnitudePruningOptions {
  if (options === null || typeof options !== "object") {
    throw new AntitrainError("iterativeMagnitudePruning needs options { keep, stepsPerRound, seed }, e.g. { keep: [96, 64, 48, 32], stepsPerRound: 200, seed: 0 }");
  }
  requireKnownKeys(options, OPTION_KEYS, "iterativeMagnitudePruning");
  const { keep, stepsPerRound, learningRate, batchSize, seed } = options;
  if (!Array.isArray(keep) || keep.length === 0) throw new AntitrainError("keep must be a non-empty list of decreasing widths, e.g. [96, 64, 48, 32]");
  keep.forEach((k: unknown, i) => {
    if (!(typeof k === "number" && Number.isInteger(k) && k >= 1)) throw new AntitrainError(`keep[${i}] must be a whole number of units >= 1, got ${k}`);
    if (i === 0 && k > width) throw new AntitrainError(`keep[0] = ${k} exceeds the ${width} units of site "${site}": start at ${width} or fewer`);
    if (i > 0 && k >= keep[i - 1]) {
      throw new AntitrainError(`keep must decrease from round to round: keep[${i}] = ${k} is not below keep[${i - 1}] = ${keep[i - 1]}; e.g. [96, 64, 48, 32]`);
    }
  });
  if (!(Number.isInteger(stepsPerRound) && stepsPerRound >= 0)) throw new AntitrainError(`stepsPerRound must be a whole number >= 0, got ${stepsPerRound}`);
  if (learningRate !== undefined && !(Number.isFinite(learningRate) && learningRate > 0)) {
    throw new AntitrainError(`learningRate must be a positive number, got ${learningRate}: e.g. 1e-3`);
  }
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new AntitrainError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isFinite(seed)) throw new AntitrainError(`seed must be a finite number, got ${seed}: pass e.g. { seed: 0 }`);
  return options;
}
