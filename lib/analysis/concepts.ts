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
import { type Dataset, forEachSlice, size } from "../data/dataset";
import { DAMAGE_OPTION_KEYS, DamageEngine, type DamageOptions, type UnitSet, requireDamageOptions } from "../measure/damage";
import { AntitrainError } from "../base/errors";
import type { HookedModel, Hooks, NamedVariable, SiteInfo, SiteSplit } from "../models/types";
import { unitReplacer } from "../antitrain/step";
import { type RandomizeMethod, requireMethod } from "../measure/randomize";
import { Rng } from "../base/rng";
import { type UnitStats, requireStatsFor } from "../measure/unit-stats";
import { minimizeChecked } from "../base/tape";
import { requireData, requireFinite, requireKnownKeys, requirePositiveInt, requireSeed, requireSite } from "../base/validate";

/** A concept: a labelling of the model's classes. `of[c]` is the concept value of class c, in `[0, values)`. */
export interface Concept {
  readonly name: string;
  readonly of: readonly number[];
  /** Number of concept values (max of `of` + 1). */
  readonly values: number;
}

/**
 * A concept from the concept value of every class; every value in `[0, max]` must occur.
 *
 * @example
 * const parity = at.concept("parity", [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);   // digits: even 0, odd 1
 */
export function concept(name: string, of: readonly number[]): Concept {
  if (of.length < 2) throw new AntitrainError(`concept "${name}" must give a value for every class (at least 2), got ${of.length}`);
  of.forEach((v, c) => {
    if (!(Number.isInteger(v) && v >= 0)) throw new AntitrainError(`concept "${name}": class ${c} maps to ${v}; use integers 0, 1, ...`);
  });
  const values = Math.max(...of) + 1;
  for (let k = 0; k < values; k++) {
    if (!of.includes(k)) throw new AntitrainError(`concept "${name}": no class has value ${k}; number the values 0..${values - 1} without gaps`);
  }
  if (values < 2) throw new AntitrainError(`concept "${name}" has one value: a concept needs at least two`);
  return { name, of: [...of], values };
}

/**
 * `data` relabelled by the concept (classes = the concept's values); a new dataset the caller disposes.
 *
 * @example
 * const parityTest = at.conceptData(test, parity);   // y ∈ {0, 1}
 */
export function conceptData(data: Dataset, c: Concept): Dataset {
  requireConceptFits(c, data.classes);
  const map = Int32Array.from(c.of);
  const labels = data.y.dataSync();
  const y = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) y[i] = map[labels[i]];
  return { x: data.x.clone(), y: tf.tensor1d(y, "int32"), classes: c.values };
}

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

/** A linear probe (softmax regression on standardized features) reading a concept at `readout`. Plain numbers. */
export interface Probe {
  /** A site name, or "output" for the model's logits. */
  readonly readout: string;
  readonly concept: Concept;
  /** `[features, values]` row-major. */
  readonly w: Float32Array;
  readonly b: Float32Array;
  /** Feature standardization applied before `w`. */
  readonly mean: Float32Array;
  readonly std: Float32Array;
  readonly features: number;
}

/** Every key of {@link conceptFlow}'s options (its metric is the probe's accuracy). */
const CONCEPT_FLOW_OPTION_KEYS: readonly string[] = DAMAGE_OPTION_KEYS.filter((k) => k !== "metric");

/** Options for {@link fitProbe}. */
export interface ProbeOptions {
  /** A site name, or "output" (the logits). Default "output". */
  readout?: string;
  /** Full-batch Adam steps. Default 300. */
  steps?: number;
  /** Default 0.05. */
  learningRate?: number;
  /** L2 penalty on the weights. Default 1e-3. */
  l2?: number;
}

/**
 * Fits a linear probe for `c` on the clean activations of `readout` over `data` (labels are the model's classes;
 * the probe predicts their concept values). Deterministic (zero initialization, full batch). Leaves the model unchanged.
 *
 * @example
 * const probe = at.fitProbe(model, train, parity, { readout: "output" });
 */
export function fitProbe(model: HookedModel, data: Dataset, c: Concept, options: ProbeOptions = {}): Probe {
  requireData(model, data);
  requireConceptFits(c, model.classes);
  const readout = options.readout ?? "output";
  if (readout !== "output") requireSite(model, readout);
  const steps = options.steps ?? 300;
  requirePositiveInt(steps, "steps");
  const l2 = options.l2 ?? 1e-3;
  const feats = readoutFeatures(model, data, readout); // [n, F]
  const labels = conceptData({ x: data.x, y: data.y, classes: data.classes }, c);
  const features = feats.shape[1];
  try {
    requireFinite(feats, `activations of "${readout}"`);
    const { mean, variance } = tf.moments(feats, 0);
    const meanA = mean.dataSync() as Float32Array;
    const stdA = Float32Array.from(variance.dataSync(), (v) => Math.sqrt(v) || 1);
    tf.dispose([mean, variance]);
    const w = tf.tidy(() => tf.variable(tf.zeros([features, c.values])));
    const b = tf.tidy(() => tf.variable(tf.zeros([c.values])));
    const opt = tf.train.adam(options.learningRate ?? 0.05);
    try {
      const z = tf.tidy(() => tf.div(tf.sub(feats, tf.tensor1d(meanA)), tf.tensor1d(stdA)));
      const onehot = tf.oneHot(labels.y, c.values);
      for (let s = 0; s < steps; s++) {
        const l = opt.minimize(
          () =>
            tf.tidy(() => {
              const logp = tf.logSoftmax(tf.add(tf.matMul(z, w), b));
              const ce = tf.neg(tf.mean(tf.sum(tf.mul(logp, onehot), 1)));
              return tf.add(ce, tf.mul(l2, tf.sum(tf.square(w)))) as tf.Scalar;
            }),
          false,
          [w, b],
        );
        l?.dispose();
      }
      tf.dispose([z, onehot]);
      return { readout, concept: c, w: w.dataSync() as Float32Array, b: b.dataSync() as Float32Array, mean: meanA, std: stdA, features };
    } finally {
      opt.dispose();
      tf.dispose([w, b]);
    }
  } finally {
    tf.dispose([feats, labels.x, labels.y]);
  }
}

/** Concept accuracy of a probe when units of a site are randomized: see {@link conceptFlow}. */
export interface ConceptFlow {
  /** Probe accuracy with nothing randomized. */
  readonly clean: number;
  /** With the chosen units randomized. */
  readonly chosen: number;
  /** With every other unit of the site randomized. */
  readonly others: number;
  /** With the whole site randomized. */
  readonly all: number;
  /** Accuracy of always guessing the most frequent concept value in the data. */
  readonly chance: number;
}

/**
 * How much of the concept reaches the probe's readout through the chosen units of `site`: the probe's concept
 * accuracy on `data` clean, with the chosen units randomized, with all other units randomized, and with the whole
 * site randomized, measured by the damage engine with common random numbers. The concept flows only through the
 * chosen units when `chosen` ≈ `chance` and `others` ≈ `clean`. The readout must be downstream of `site` (or the
 * site itself, or "output"). Leaves the model unchanged.
 *
 * @example
 * const flow = at.conceptFlow(model, "h1", test, probe, [0, 1, 2, 3], { stats, seed: 0 });
 * flow.chosen;   // ≈ flow.chance after concept antitraining
 */
export function conceptFlow(
  model: HookedModel,
  site: string,
  data: Dataset,
  probe: Probe,
  chosen: readonly number[],
  options: Omit<DamageOptions, "metric"> = {},
): ConceptFlow {
  const units = requireSite(model, site).units;
  requireData(model, data);
  requireDamageOptions(options, "conceptFlow", CONCEPT_FLOW_OPTION_KEYS);
  requireUnits(chosen, units, site);
  const probed = probeModel(model, probe, site);
  const cdata = conceptData(data, probe.concept);
  try {
    const engine = new DamageEngine(probed, site, cdata, { ...options, metric: "accuracy" });
    try {
      const picked = new Set(chosen);
      const others: UnitSet = Array.from({ length: units }, (_, u) => u).filter((u) => !picked.has(u));
      const all: UnitSet = Array.from({ length: units }, (_, u) => u);
      const [a, b, d] = engine.evaluate([chosen, others, all]);
      const counts = new Array<number>(probe.concept.values).fill(0);
      for (const v of cdata.y.dataSync()) counts[v]++;
      return { clean: engine.clean, chosen: a, others: b, all: d, chance: Math.max(...counts) / size(cdata) };
    } finally {
      engine.dispose();
    }
  } finally {
    tf.dispose([cdata.x, cdata.y]);
  }
}

/**
 * A model whose output is the probe's concept logits, for the damage engine (it has no variables of its own; the
 * wrapped model's sites up to the readout stay addressable). `site` must run no later than the readout.
 */
function probeModel(model: HookedModel, probe: Probe, site: string): HookedModel {
  const names = model.sites().map((s) => s.name);
  const r = probe.readout;
  if (r !== "output") {
    requireSite(model, r);
    if (names.indexOf(site) > names.indexOf(r)) {
      throw new AntitrainError(`the probe reads "${r}", which runs before "${site}": fit the probe on "${site}", a later site or "output"`);
    }
  }
  const width = r === "output" ? model.classes : requireSite(model, r).units;
  if (width !== probe.features) throw new AntitrainError(`the probe takes ${probe.features} features but "${r}" has ${width}: refit the probe`);
  const apply = (feats: tf.Tensor): tf.Tensor2D =>
    tf.tidy(() => {
      const z = tf.div(tf.sub(feats, tf.tensor1d(probe.mean)), tf.tensor1d(probe.std));
      return tf.add(tf.matMul(z as tf.Tensor2D, tf.tensor2d(probe.w, [probe.features, probe.concept.values])), tf.tensor1d(probe.b)) as tf.Tensor2D;
    });
  // Runs `run` with a hook that keeps the readout site's activation, then applies the probe to it.
  const viaReadout = (run: (hooks: Hooks) => tf.Tensor2D, hooks: Hooks): tf.Tensor2D => {
    if (r === "output") return tf.tidy(() => apply(run(hooks)));
    let kept: tf.Tensor | null = null;
    const inner = hooks[r];
    const capture = (a: tf.Tensor) => {
      const out = inner === undefined ? a : inner(a);
      kept = tf.keep(out.clone());
      return out;
    };
    try {
      tf.dispose(run({ ...hooks, [r]: capture }));
      if (kept === null) throw new Error(`readout "${r}" was not reached`);
      return apply(kept);
    } finally {
      if (kept !== null) (kept as tf.Tensor).dispose();
    }
  };
  const sites: SiteInfo[] = model.sites().slice(0, r === "output" ? names.length : names.indexOf(r) + 1);
  return {
    kind: `probe(${model.kind})`,
    inputs: model.inputs,
    classes: probe.concept.values,
    sites: () => sites,
    variables: () => [],
    namedVariables: (): NamedVariable[] => [],
    forward: (x: tf.Tensor, hooks: Hooks = {}) => viaReadout((h) => model.forward(x, h), hooks),
    split: (s: string, x: tf.Tensor): SiteSplit => {
      const inner = model.split(s, x);
      return {
        act: inner.act,
        resume: (a: tf.Tensor, hooks: Hooks = {}) => (r === s ? tf.tidy(() => apply(hooks[r] ? hooks[r](a) : a)) : viaReadout((h) => inner.resume(a, h), hooks)),
        dispose: () => inner.dispose(),
      };
    },
    downstreamVariables: () => [],
    dispose: () => {},
  };
}

/** The readout's clean activations `[n, features]` over the whole dataset (caller disposes). */
function readoutFeatures(model: HookedModel, data: Dataset, readout: string): tf.Tensor2D {
  const parts: tf.Tensor[] = [];
  try {
    forEachSlice(data, 512, (x) => {
      if (readout === "output") parts.push(model.forward(x));
      else {
        const cut = model.split(readout, x);
        parts.push(cut.act.clone());
        cut.dispose();
      }
    });
    return tf.concat(parts) as tf.Tensor2D;
  } finally {
    tf.dispose(parts);
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

function requireConceptFits(c: Concept, classes: number): void {
  if (c.of.length !== classes) {
    throw new AntitrainError(`concept "${c.name}" labels ${c.of.length} classes but the model/data has ${classes}: give one value per class`);
  }
}

function requireUnits(units: readonly number[], width: number, site: string): void {
  if (units.length === 0) throw new AntitrainError(`choose at least one unit of "${site}" (units 0..${width - 1})`);
  for (const u of units) {
    if (!(Number.isInteger(u) && u >= 0 && u < width)) throw new AntitrainError(`unit ${u} is not in site "${site}" (units 0..${width - 1})`);
  }
}
