import * as tf from "@tensorflow/tfjs";
import { type CoreSplit, requireSplitFor } from "../core/find-core";
import type { Dataset } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { requireAllowStale, requireFresh, siteFingerprint } from "../base/fingerprint";
import { crossEntropy } from "../measure/metrics";
import { type HookedModel, type SiteInfo, expandUnitMask, siteFeatures } from "../models/types";
import { DEFAULT_SPATIAL, RANDOMIZE_METHODS, type RandomizeMethod, SPATIAL_MODES, type SpatialMode, drawReplacements, requireSpatialFor } from "../measure/randomize";
import { Rng } from "../base/rng";
import { type UnitStats, requireStatsFor } from "../measure/unit-stats";
import { minimizeChecked } from "../base/tape";
import { requireData, requireFinite, requireKnownKeys, requireOneOf, requireSite } from "../base/validate";

/**
 * What an antitrain step trains towards:
 * - `uniform`: the soft uniform distribution over classes (cross-entropy against it is minimized by maximally
 *   random predictions; the default);
 * - `random-labels`: hard labels drawn uniformly;
 * - `true-labels`: the batch's real labels — a control, not antitraining: it asks whether the random target matters
 *   (with `randomize: "spectators"` it is dropout of the non-core units, fine-tuning only downstream variables).
 */
export type AntitrainTarget = "uniform" | "random-labels" | "true-labels";

/** Every {@link AntitrainTarget}, in documentation order. */
export const ANTITRAIN_TARGETS: readonly AntitrainTarget[] = ["uniform", "random-labels", "true-labels"];

/**
 * Which units of the site an antitrain step randomizes: `core` (antitraining proper; the default) or `spectators`
 * (every unit not in the core: a control that changes only which side of the split is noised).
 */
export type RandomizedUnits = "core" | "spectators";

/** Every {@link RandomizedUnits} value. */
export const RANDOMIZED_UNITS: readonly RandomizedUnits[] = ["core", "spectators"];

/** The core split an antitrain step randomizes: its core units, its method and, when known, its site and spatial mode. */
export type StepSplit = Pick<CoreSplit, "core" | "method"> & Partial<Pick<CoreSplit, "site" | "spatial">>;

/** Options for {@link antitrainStep}. */
export interface AntitrainStepOptions {
  /** The site's core split (from `at.findCore`; `{ core, method }` by hand): its core is randomized. */
  split: StepSplit;
  /** The site's unit stats (from `at.collectStats`): the randomized units are drawn from them. */
  stats: UnitStats;
  /** Antitraining's own optimizer, one per site (e.g. `tf.train.adam(1e-3)`); it updates the downstream variables. */
  optimizer: tf.Optimizer;
  /** Default "uniform". */
  target?: AntitrainTarget;
  /** Which units are randomized. Default "core". */
  randomize?: RandomizedUnits;
  /** How the randomized units are drawn. Default: the split's method. */
  method?: RandomizeMethod;
  /** How units spanning several positions (conv channels) are drawn (see {@link SpatialMode}). Default: the split's, else "independent". */
  spatial?: SpatialMode;
  /** Seed of this step's draws. */
  seed: number;
  /**
   * Accept a split and stats measured with other weights upstream of the site (another model, or this one before a
   * training step, as {@link Antitrainer} does between measurements): refused by default. Default false.
   */
  allowStale?: boolean;
}

const STEP_OPTION_KEYS = [
  "split",
  "stats",
  "optimizer",
  "target",
  "randomize",
  "method",
  "seed",
  "spatial",
  "allowStale",
] as const satisfies readonly (keyof AntitrainStepOptions)[];

/**
 * The site and downstream variables each optimizer has antitrained. Adam keeps moments per variable, so one
 * optimizer stepping two sites' overlapping downstream variables would mix their state; such reuse is refused.
 */
const optimizerSites = new WeakMap<tf.Optimizer, { readonly site: string; readonly variables: ReadonlySet<tf.Variable> }>();

/**
 * Mutates the model: one antitrain step at `site`. The core units of `options.split` are randomized (draws from
 * `options.stats`), a normal batch is forwarded, the target is random (see {@link AntitrainTarget}), and only the
 * variables downstream of the site are updated, by `options.optimizer` — give antitraining its own optimizer, so the
 * training optimizer's momentum and decay never act during an antitrain step, and one per site: an optimizer that
 * antitrained one site is refused for another site whose downstream variables overlap (their Adam state would mix).
 * Nothing upstream of the site receives a gradient: the site's activation is computed outside the gradient tape.
 * Information that still reaches the output through the spectators makes the prediction non-random, which costs
 * loss; the step detaches it. Returns the step's loss.
 *
 * Control arms change one ingredient of that loop: `randomize: "spectators"` noises the other side of the split,
 * `target: "true-labels"` trains towards the real labels. The defaults (`"core"`, `"uniform"`) are antitraining,
 * draw for draw: a default step equals the step with the defaults spelled out, for the same seed.
 *
 * @example
 * const optimizer = tf.train.adam(1e-3);
 * const loss = at.antitrainStep(model, "h1", batch, { split, stats, optimizer, seed: step });
 * // control: true-label dropout of the non-core units, same loop otherwise
 * at.antitrainStep(model, "h1", batch, { split, stats, optimizer, randomize: "spectators", target: "true-labels", seed: step });
 */
export function antitrainStep(model: HookedModel, site: string, batch: Dataset, options: AntitrainStepOptions, ...rest: never[]): number {
  if (rest.length > 0 || (options !== null && typeof options === "object" && "core" in options && !("split" in options))) {
    throw new AntitrainError(
      "antitrainStep takes one options object after the batch: antitrainStep(model, site, batch, { split, stats, optimizer, seed }) (the positional form split, stats, optimizer, { seed } was removed in 0.2.0)",
    );
  }
  return stepWith(model, site, batch, options);
}

function stepWith(model: HookedModel, site: string, batch: Dataset, options: AntitrainStepOptions): number {
  const info = requireSite(model, site);
  const units = info.units;
  requireData(model, batch);
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new AntitrainError("antitrainStep needs options { split, stats, optimizer, seed }, e.g. { split, stats, optimizer: tf.train.adam(1e-3), seed: 0 }");
  }
  requireKnownKeys(options, STEP_OPTION_KEYS, "antitrainStep");
  const { split, stats, optimizer } = options;
  for (const [key, value, hint] of [
    ["split", split, "the site's core split from at.findCore, or { core, method }"],
    ["stats", stats, "the site's stats from at.collectStats"],
    ["optimizer", optimizer, "antitraining's own optimizer, e.g. tf.train.adam(1e-3)"],
  ] as const) {
    if (value === undefined || value === null) throw new AntitrainError(`antitrainStep needs options.${key}: pass ${hint}`);
  }
  requireStatsFor(stats, info);
  requireSplitFor(split, site);
  requireAllowStale(options.allowStale);
  if (options.allowStale !== true) {
    const now = siteFingerprint(model, site);
    requireFresh(stats, now, "the stats", false);
    requireFresh(split, now, "the split", false);
  }
  if (!Number.isSafeInteger(options.seed)) {
    throw new AntitrainError(`antitrainStep needs a finite seed, an integer, got ${String(options.seed)}: pass e.g. { seed: step }`);
  }
  const target = requireOneOf(options.target ?? "uniform", ANTITRAIN_TARGETS, "target");
  const randomized = requireOneOf(options.randomize ?? "core", RANDOMIZED_UNITS, "randomize");
  const method = requireOneOf(options.method ?? split.method, RANDOMIZE_METHODS, "method");
  const spatial = requireOneOf(options.spatial ?? split.spatial ?? DEFAULT_SPATIAL, SPATIAL_MODES, "spatial");
  const chosen = randomizedUnits(split.core, units, randomized, site);
  if (!(optimizer instanceof tf.Optimizer)) throw new AntitrainError("optimizer must be a tf.Optimizer of its own for antitraining, e.g. tf.train.adam(1e-3)");
  const downstream = model.downstreamVariables(site);
  requireOptimizerFor(optimizer, site, downstream);
  const rng = new Rng(options.seed);
  const cut = model.split(site, batch.x);
  try {
    const act = cut.act;
    requireFinite(act, `activations of site "${site}" during antitraining`);
    const randomize = unitReplacer(act, info, chosen, stats, method, rng, spatial);
    const n = batch.x.shape[0];
    const classes = model.classes;
    // Drawn after the replacements, as before the control arms existed, so default steps keep their draws.
    const labels = target === "random-labels" ? Int32Array.from({ length: n }, () => rng.int(classes)) : null;
    // A non-finite loss is refused before its update is applied: the downstream variables keep their values.
    const loss = minimizeChecked(
      optimizer,
      () => tf.tidy(() => targetLoss(target, cut.resume(randomize()), labels, batch.y)),
      downstream,
      (lossT) => {
        const value = lossT.dataSync()[0];
        if (!Number.isFinite(value)) throw new AntitrainError(`antitraining loss at site "${site}" is ${value}: lower the antitraining learning rate`);
      },
      (v, value) =>
        new AntitrainError(
          `antitraining at site "${site}" diverged: the update made variable "${v.name}" ${value}; the downstream weights were restored to their values before this step. Lower the antitraining learning rate (Antitrainer's learningRate, e.g. 10 times)`,
        ),
    );
    optimizerSites.set(optimizer, { site, variables: new Set(downstream) });
    return loss;
  } finally {
    cut.dispose();
  }
}

/** Refuses an optimizer that antitrained another site whose downstream variables overlap these. */
function requireOptimizerFor(optimizer: tf.Optimizer, site: string, downstream: readonly tf.Variable[]): void {
  const used = optimizerSites.get(optimizer);
  if (used === undefined || used.site === site || !downstream.some((v) => used.variables.has(v))) return;
  throw new AntitrainError(
    `this optimizer already antitrained site "${used.site}": stepping "${site}" with it would mix the two sites' optimizer state (Adam moments) on their shared downstream variables. Give each site its own optimizer, e.g. tf.train.adam(1e-3) per site (at.Antitrainer does)`,
  );
}

/** The units a step randomizes: the core, or every other unit of the site (ascending); the core is checked. */
function randomizedUnits(core: readonly number[], units: number, randomized: RandomizedUnits, site: string): number[] {
  const inCore = new Uint8Array(units);
  for (const u of core) {
    if (!(Number.isInteger(u) && u >= 0 && u < units)) throw new AntitrainError(`core unit ${u} is not in site "${site}" (0..${units - 1}): pass a split of this site`);
    inCore[u] = 1;
  }
  switch (randomized) {
    case "core":
      return [...core];
    case "spectators":
      return Array.from({ length: units }, (_, u) => u).filter((u) => inCore[u] === 0);
  }
}

/** Mean cross-entropy of `logits` `[batch, classes]` against the step's target. */
function targetLoss(target: AntitrainTarget, logits: tf.Tensor2D, randomLabels: Int32Array | null, y: tf.Tensor1D): tf.Scalar {
  switch (target) {
    case "uniform":
      // Cross-entropy against the uniform distribution: −(1/C) Σ_c log p_c.
      return tf.neg(tf.mean(tf.logSoftmax(logits))) as tf.Scalar;
    case "random-labels":
      if (randomLabels === null) throw new Error("random labels were not drawn");
      return tf.mean(crossEntropy(logits, tf.tensor1d(randomLabels, "int32"))) as tf.Scalar;
    case "true-labels":
      return tf.mean(crossEntropy(logits, y)) as tf.Scalar;
  }
}

/**
 * Replaces `chosen` units of a site's activation `act` by draws from `stats` (made now, from `rng`, outside any
 * gradient tape, with `spatial` for units spanning several positions); the returned function builds the replaced
 * activation, shaped like `act`, inside the caller's tidy. Shared by every step that trains with some units randomized.
 */
export function unitReplacer(
  act: tf.Tensor,
  info: SiteInfo,
  chosen: readonly number[],
  stats: UnitStats,
  method: RandomizeMethod,
  rng: Rng,
  spatial: SpatialMode = DEFAULT_SPATIAL,
): () => tf.Tensor {
  const rows = act.size / siteFeatures(info);
  requireSpatialFor(stats, method, spatial, rows / act.shape[0], info.name);
  const draws = drawReplacements(stats, method, rows, rng, { spatial });
  const mask = expandUnitMask(chosen, info.units, info.width ?? 1);
  return () => tf.add(act, tf.mul(tf.tensor1d(mask), tf.sub(tf.tensor(draws, act.shape), act)));
}
