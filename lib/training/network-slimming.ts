import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireInRange, requireKnownKeys } from "../base/validate";
import type { HookedModel, Hooks } from "../models/types";
import { denseUnitWeights, siteWeights } from "./dense-unit-weights";

/** Options for {@link slimmingGates}. */
export interface SlimmingOptions {
  /** Weight of the L1 penalty λ·Σ|γ_j| on the gates (≥ 0). The paper uses 1e-5 to 1e-4 on CNNs; tune it on validation data. */
  lambda: number;
}

/** Per-unit scales γ for network slimming (see {@link slimmingGates}). */
export interface SlimmingGates {
  /** The gated sites. */
  readonly sites: readonly string[];
  /** For {@link train}'s `hooks`: multiplies each unit's activation by its γ (the step is ignored). */
  readonly hooks: (step: number) => Hooks;
  /** For {@link train}'s `penalty`: λ·Σ|γ_j| over every gated site (the batch is ignored). */
  readonly penalty: (x: tf.Tensor) => tf.Scalar;
  /** For {@link train}'s `variables`: one γ variable `[units]` per site, initialised to 1. */
  readonly variables: readonly tf.Variable[];
  /** |γ_j| of every unit of `site`, the unit's score for pruning (rank with {@link ranked}). */
  scores(site: string): Float32Array;
  /**
   * Mutates `model`: multiplies each gated unit's outgoing weights by its γ, so the plain model computes what the
   * gated one did; use it without `hooks` afterwards. The gates keep their values. Refused a second time on one model.
   */
  foldInto(model: HookedModel): void;
  /** Frees the γ variables; the gates cannot be used afterwards. */
  dispose(): void;
}

const SLIMMING_KEYS = ["lambda"];

/**
 * Network slimming (Liu et al. 2017, "Learning Efficient Convolutional Networks through Network Slimming"): a
 * learnable scale γ_j (initialised to 1) multiplies unit j's activation at each site, and an L1 penalty λ·Σ|γ_j|
 * pushes the scales of dispensable units to 0; units are then ranked by |γ_j| and the smallest pruned. The paper's γ
 * is batch norm's scale; on an MLP it is a plain gate after the activation. Without batch norm the next layer could
 * absorb a shrinking γ by growing its weights, so pair it with weight decay (`l2`, as the paper does). Needs MLP-like
 * sites (at.mlp, at.tunableMlp). Call `dispose()` when done.
 *
 * @example
 * const gates = at.slimmingGates(model, ["h1"], { lambda: 1e-4 });
 * at.train(model, train, { steps: 2000, hooks: gates.hooks, penalty: gates.penalty, variables: gates.variables, l2: 1e-4 });
 * gates.foldInto(model);   // the plain model now computes the gated function
 * const keep = at.ranked({ scores: gates.scores("h1") }).slice(0, 16); gates.dispose();
 */
export function slimmingGates(model: HookedModel, sites: readonly string[], options: SlimmingOptions): SlimmingGates {
  const weights = siteWeights(model, sites, "slimmingGates");
  if (options === undefined) throw new AntitrainError("slimmingGates needs options { lambda }, e.g. { lambda: 1e-4 }");
  requireKnownKeys(options, SLIMMING_KEYS, "slimmingGates");
  const lambda = options.lambda;
  requireInRange(lambda, "slimmingGates lambda", { min: 0, max: Number.POSITIVE_INFINITY }, "e.g. 1e-4; tune it on validation data");
  const names = weights.map((w) => w.site);
  const gammas = weights.map((w) => tf.tidy(() => tf.variable(tf.ones([w.units]))));
  const folded = new WeakSet<HookedModel>();
  let disposed = false;
  const live = (): void => {
    if (disposed) throw new AntitrainError("these slimming gates were disposed: make new ones with at.slimmingGates");
  };
  const gateOf = (site: string): tf.Variable => {
    live();
    const i = names.indexOf(site);
    if (i < 0) throw new AntitrainError(`no slimming gate at site "${site}": the gated sites are ${names.map((s) => `"${s}"`).join(", ")}`);
    return gammas[i];
  };
  return {
    sites: names,
    variables: gammas,
    hooks: () => {
      live();
      return Object.fromEntries(names.map((site, i) => [site, (act: tf.Tensor) => tf.mul(act, gammas[i])]));
    },
    penalty: () => {
      live();
      return tf.tidy(() => (lambda === 0 ? tf.scalar(0) : (tf.mul(lambda, tf.addN(gammas.map((g) => tf.sum(tf.abs(g))))) as tf.Scalar)));
    },
    scores: (site) => {
      const gamma = gateOf(site);
      return tf.tidy(() => tf.abs(gamma).dataSync() as Float32Array);
    },
    foldInto: (target) => {
      live();
      if (folded.has(target)) throw new AntitrainError("the gates were already folded into this model: folding again would apply γ twice");
      const outs = names.map((site, i) => {
        const w = denseUnitWeights(target, site, "foldInto");
        if (w.units !== gammas[i].shape[0]) {
          throw new AntitrainError(`site "${site}" has ${w.units} units here but the gates have ${gammas[i].shape[0]}: fold into the model the gates were made for`);
        }
        return w.out;
      });
      tf.tidy(() => outs.forEach((out, i) => out.assign(tf.mul(out, tf.reshape(gammas[i], [-1, 1])))));
      folded.add(target);
    },
    dispose: () => {
      if (!disposed) for (const g of gammas) g.dispose();
      disposed = true;
    },
  };
}
