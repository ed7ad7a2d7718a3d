import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "./errors";

/**
 * Measurements (stats, importances, core splits) are tied to the weights they were measured with by a cheap
 * fingerprint: the site's name and, for every variable upstream of the site (those the site's activations depend on:
 * the model's variables not in `downstreamVariables(site)`), its sum and its sum of squares. It is kept beside the
 * result in a WeakMap, so results stay plain objects (JSON, spreading and deepEqual see no new field); a result
 * rebuilt from JSON or by hand has none and is taken on trust. Using a result on another model, or on the same model
 * after training moved its upstream weights, is refused unless the caller passes `allowStale: true`. Antitraining
 * moves downstream variables only, so a split stays fresh across antitrain steps.
 */

/** A model as the fingerprint reads it (every HookedModel fits). */
interface FingerprintModel {
  variables(): readonly tf.Variable[];
  downstreamVariables(site: string): readonly tf.Variable[];
}

/** The fingerprint of a site's upstream weights. */
export interface Fingerprint {
  readonly site: string;
  /** Sum and sum of squares of each upstream variable, in forward order. */
  readonly sums: readonly number[];
  /** Elements of each upstream variable. */
  readonly sizes: readonly number[];
}

const fingerprints = new WeakMap<object, Fingerprint>();

/** The fingerprint of `site`'s upstream weights now (two reductions per variable, read back at once). */
export function siteFingerprint(model: FingerprintModel, site: string): Fingerprint {
  const downstream = new Set(model.downstreamVariables(site));
  const upstream = model.variables().filter((v) => !downstream.has(v));
  if (upstream.length === 0) return { site, sums: [], sizes: [] };
  const sums = tf.tidy(() => tf.stack(upstream.flatMap((v) => [tf.sum(v), tf.sum(tf.square(v))])).dataSync());
  return { site, sums: Array.from(sums), sizes: upstream.map((v) => v.size) };
}

/** Ties `result` to `fingerprint` (see {@link requireFresh}); returns `result`. */
export function markMeasured<T extends object>(result: T, fingerprint: Fingerprint): T {
  fingerprints.set(result, fingerprint);
  return result;
}

/** The fingerprint `result` was measured with, or undefined when it carries none (made by hand or read from JSON). */
export function measuredWith(result: object): Fingerprint | undefined {
  return fingerprints.get(result);
}

/**
 * True when two fingerprints are of the same site and upstream weights, up to float32 rounding of the sums (another
 * backend sums in another order): each sum within 1e-6 of its scale (for a sum, √(n · sum of squares) ≥ Σ|v|).
 */
export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  if (a.site !== b.site || a.sums.length !== b.sums.length || a.sizes.join() !== b.sizes.join()) return false;
  return a.sizes.every((n, i) => {
    const [sa, qa, sb, qb] = [a.sums[2 * i], a.sums[2 * i + 1], b.sums[2 * i], b.sums[2 * i + 1]];
    const q = Math.max(qa, qb);
    return Math.abs(sa - sb) <= 1e-6 * Math.sqrt(n * q) && Math.abs(qa - qb) <= 1e-6 * q;
  });
}

/**
 * Refuses `result` (`what`: "the stats", "the importance", "the split") when it was measured with other upstream
 * weights than `now`'s: on another model, or before training changed this one. `allowStale` lets deliberate reuse
 * through; a result with no fingerprint passes.
 */
export function requireFresh(result: object, now: Fingerprint | (() => Fingerprint), what: string, allowStale: boolean | undefined): void {
  if (allowStale === true) return;
  const then = fingerprints.get(result);
  if (then === undefined) return;
  const current = typeof now === "function" ? now() : now;
  // A model that shows no upstream variables (a view such as a probe's, which hides its model's) cannot be compared.
  if (current.sizes.length === 0 || then.sizes.length === 0) return;
  if (sameFingerprint(then, current)) return;
  const site = current.site;
  throw new AntitrainError(
    `${what} passed were measured with other weights before site "${site}" than this model has now (another model, or this one before a training step changed it): ` +
      `measure again on this model (e.g. at.collectStats(model, "${site}", data)), or pass { allowStale: true } to reuse them on purpose`,
  );
}

/** Checks an `allowStale` option is a boolean when given. */
export function requireAllowStale(value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw new AntitrainError(`allowStale must be true or false, got ${JSON.stringify(value) ?? String(value)}: pass { allowStale: true } to reuse measurements of other weights on purpose`);
  }
}
