/**
 * Concept-level antitraining: make a concept (a coarser labelling of the classes, e.g. digits' even vs odd) flow
 * from a site to the model's output only through chosen units, and check it with a linear probe.
 *
 * The concept is read from the model's own output: p(concept k) = Σ over classes c with concept k of softmax(c).
 * An antitrain step replaces the chosen units (by their mean), forwards a normal batch and trains the downstream
 * variables so that this concept distribution is uniform; information about the concept that still reaches the output through
 * the other units makes it non-uniform, which costs loss, so the step detaches it — while the main task keeps
 * training on clean batches and may still use the other units for everything that is not the concept (for
 * digits: which pair {0,1}, {2,3}, ... a digit is in). Like {@link antitrainStep}, nothing upstream of the site
 * changes, so the site's activations still hold the concept: the claim is about what flows downstream.
 */
import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import type { HookedModel } from "../models/types";
import { unitReplacer } from "../antitrain/step";
import { type RandomizeMethod, requireMethod } from "../measure/randomize";
import { Rng } from "../base/rng";
import { type UnitStats, requireStatsFor } from "../measure/unit-stats";
import { minimizeChecked } from "../base/tape";
import { requireData, requireFinite, requireKnownKeys, requireSeed, requireSite } from "../base/validate";
import { type Concept, requireConceptFits, requireUnits } from "./concept";

/** Options for {@link conceptAntitrainStep}. */
export interface ConceptStepOptions {
  /** The concept whose flow is restricted to `units`. */
  concept: Concept;
  /** The chosen units of the site: the only ones the concept may flow through. */
  units: readonly number[];
  /** The site's unit stats (from `at.collectStats`): the chosen units are replaced from them. */
  stats: UnitStats;
  /** Concept antitraining's own optimizer (e.g. `tf.train.adam(1e-3)`); it updates the downstream variables. */
  optimizer: tf.Optimizer;
  /**
   * What the chosen units are replaced by. Default "mean": the chosen units then carry no variation, so only the
   * concept leaking through the other units is penalized. With a random draw ("resample", "gaussian") the random
   * values of the chosen units also drive confident predictions, which the step punishes too, so it detaches the
   * chosen units as well and erases the concept everywhere (on the 4-class test task: main accuracy fell from 0.98 to below 0.5).
   */
  method?: RandomizeMethod;
  /** Seed of this step's draws. */
  seed: number;
}

const CONCEPT_STEP_OPTION_KEYS = [
  "concept",
  "units",
  "stats",
  "optimizer",
  "method",
  "seed",
] as const satisfies readonly (keyof ConceptStepOptions)[];

/**
 * Mutates the model: one concept antitrain step at `site`. The chosen `units` are replaced (by their mean from
 * `stats` by default; see {@link ConceptStepOptions.method}), a normal batch is forwarded, and the downstream
 * variables are trained (by `optimizer`: give it its own) towards a uniform distribution over the concept's values,
 * read from the output as the summed class probabilities of each value: loss = −(1/K) Σ_k log p_k. Returns the
 * step's loss (ln K when no concept information reaches the output).
 *
 * @example
 * const optimizer = tf.train.adam(1e-3);
 * const parity = at.concept("parity", [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
 * at.conceptAntitrainStep(model, "h1", batch, { concept: parity, units: [0, 1, 2, 3], stats, optimizer, seed: step });
 */
export function conceptAntitrainStep(model: HookedModel, site: string, batch: Dataset, options: ConceptStepOptions): number {
  const info = requireSite(model, site);
  const units = info.units;
  requireData(model, batch);
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new AntitrainError("conceptAntitrainStep needs options { concept, units, stats, optimizer, seed }, e.g. { concept: parity, units: [0, 1], stats, optimizer, seed: step }");
  }
  requireKnownKeys(options, CONCEPT_STEP_OPTION_KEYS, "conceptAntitrainStep");
  const { concept: c, units: chosen, stats, optimizer } = options;
  if (c === null || typeof c !== "object" || !Array.isArray(c.of)) {
    throw new AntitrainError("conceptAntitrainStep needs options.concept: pass a concept from at.concept(name, valueOfEachClass)");
  }
  requireConceptFits(c, model.classes);
  if (!Array.isArray(chosen)) throw new AntitrainError(`conceptAntitrainStep needs options.units: the chosen units of "${site}", e.g. [0, 1]`);
  requireUnits(chosen, units, site);
  requireStatsFor(stats, info);
  // tf.Optimizer's instanceof check reads the value's members, so undefined and null are refused first.
  if (optimizer === undefined || optimizer === null || !(optimizer instanceof tf.Optimizer)) {
    throw new AntitrainError("conceptAntitrainStep needs options.optimizer: a tf.Optimizer of its own for concept antitraining, e.g. tf.train.adam(1e-3)");
  }
  requireSeed(options.seed);
  const method = requireMethod(options.method ?? "mean");
  const rng = new Rng(options.seed);
  const groups = conceptGroups(c);
  const downstream = model.downstreamVariables(site);
  const cut = model.split(site, batch.x);
  try {
    const act = cut.act;
    requireFinite(act, `activations of site "${site}" during concept antitraining`);
    const randomize = unitReplacer(act, info, chosen, stats, method, rng);
    // A non-finite loss is refused before its update is applied: the downstream variables keep their values.
    return minimizeChecked(
      optimizer,
      () =>
        tf.tidy(() => {
          const logp = conceptLogProbs(cut.resume(randomize()), groups); // [n, K]
          return tf.neg(tf.mean(logp)) as tf.Scalar;
        }),
      downstream,
      (lossT) => {
        const loss = lossT.dataSync()[0];
        if (!Number.isFinite(loss)) throw new AntitrainError(`concept antitraining loss at "${site}" is ${loss}: lower the learning rate`);
      },
    );
  } finally {
    cut.dispose();
  }
}

/** Class indices of each concept value. */
function conceptGroups(c: Concept): number[][] {
  return Array.from({ length: c.values }, (_, k) => c.of.flatMap((v, cls) => (v === k ? [cls] : [])));
}

/** log p(concept value) `[n, K]` from class logits `[n, C]`: log Σ_{c in group k} softmax(logits)_c. */
function conceptLogProbs(logits: tf.Tensor2D, groups: number[][]): tf.Tensor2D {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    // A masked log-sum-exp per value (gather has no gradient on the wasm backend): non-members get −1e30.
    const classes = logits.shape[1];
    const cols = groups.map((g) => {
      const mask = new Float32Array(classes).fill(-1e30);
      for (const c of g) mask[c] = 0;
      return tf.logSumExp(tf.add(logp, tf.tensor1d(mask)), 1, true);
    });
    return tf.concat(cols, 1) as tf.Tensor2D;
  });
}
