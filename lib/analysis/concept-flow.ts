/** Concept flow: how much of a concept reaches a probe's readout through chosen units of a site. */
import * as tf from "@tensorflow/tfjs";
import { type Dataset, size } from "../data/dataset";
import { DAMAGE_OPTION_KEYS, DamageEngine, type DamageOptions, type UnitSet, requireDamageOptions } from "../measure/damage";
import { AntitrainError } from "../base/errors";
import type { HookedModel, Hooks, NamedVariable, SiteInfo, SiteSplit } from "../models/types";
import { requireData, requireSite } from "../base/validate";
import { conceptData, requireUnits } from "./concept";
import type { Probe } from "./probe";

/** Every key of {@link conceptFlow}'s options (its metric is the probe's accuracy). */
const CONCEPT_FLOW_OPTION_KEYS: readonly string[] = DAMAGE_OPTION_KEYS.filter((k) => k !== "metric");

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
