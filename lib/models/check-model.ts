/**
 * A conformance check for a {@link HookedModel}, above all for one a researcher wrote for their own architecture:
 * does it keep the contract the damage engine, antitraining and compression rely on?
 */
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { type HookedModel, type Hooks, expandUnitMask, siteFeatures } from "./types";
import { requireInRange, requireKnownKeys } from "../base/validate";

/** Options for {@link checkModel}. */
export interface CheckModelOptions {
  /** Largest allowed |difference| between two paths that must agree (float32 sums in another order). Default 1e-4. */
  tolerance?: number;
  /** Throw an AntitrainError listing every failed check instead of returning the report. Default false. */
  throwOnFailure?: boolean;
}

const CHECK_MODEL_OPTION_KEYS = ["tolerance", "throwOnFailure"] as const satisfies readonly (keyof CheckModelOptions)[];

/** One check of {@link checkModel}. */
export interface ModelCheckItem {
  /** What was checked, e.g. "split resumes to forward". */
  readonly check: string;
  /** The site it concerns, if any. */
  readonly site?: string;
  readonly ok: boolean;
  /** What was seen, and on failure what to fix. */
  readonly detail: string;
}

/** The report of {@link checkModel}. */
export interface ModelCheck {
  /** True when every check passed. */
  readonly ok: boolean;
  readonly items: ModelCheckItem[];
}

/**
 * Checks that `model` keeps the {@link HookedModel} contract on the inputs `x` (a few examples suffice):
 * - its sites have unique names and positive unit counts (and widths), and its named variables are its variables;
 * - `forward` returns finite logits `[batch, classes]`, and an identity hook at a site changes nothing, is called
 *   once, and sees `[batch, ..., units × width]`;
 * - `split(site, x)` returns the site's clean activation, and `resume` reproduces `forward`: from the clean
 *   activation, from two stacked copies (`[2·batch, ...]`), and from an activation with one unit zeroed (equal to
 *   `forward` with a hook that zeroes it); where the model offers `splitDense`, its pre-activation resumes to
 *   `forward` and a shift by `(act' − act) · weight` equals resuming from `act'`;
 * - `downstreamVariables(site)` holds every variable the continuation after the site depends on (a variable with a
 *   nonzero gradient through `resume` that is missing would never be antitrained);
 * - the model's variables are unchanged and no tensor is left behind.
 * Returns a report (each item with what was seen), or with `throwOnFailure` throws one AntitrainError naming every
 * failure.
 *
 * @example
 * const report = at.checkModel(myModel, at.head(test, 8).x);
 * report.ok;   // false: report.items.filter((i) => !i.ok) says what to fix
 */
export function checkModel(model: HookedModel, x: tf.Tensor, options: CheckModelOptions = {}): ModelCheck {
  requireKnownKeys(options, CHECK_MODEL_OPTION_KEYS, "checkModel");
  const tol = options.tolerance ?? 1e-4;
  requireInRange(tol, "tolerance", { min: 0, max: Number.MAX_VALUE }, "use e.g. 1e-4");
  if (model === null || typeof model !== "object" || typeof model.forward !== "function") {
    throw new AntitrainError(`checkModel needs a HookedModel (forward, split, sites, ...), got ${model === null ? "null" : typeof model}`);
  }
  if (x === null || typeof x !== "object" || !Array.isArray(x.shape) || x.isDisposed) {
    throw new AntitrainError("checkModel needs a live input batch x, a tf.Tensor such as at.head(test, 8).x");
  }
  const items: ModelCheckItem[] = [];
  const add = (check: string, ok: boolean, detail: string, site?: string) => items.push({ check, ok, detail, ...(site === undefined ? {} : { site }) });
  const tensorsBefore = tf.memory().numTensors;
  const weightsBefore = model.variables().map((v) => v.dataSync().slice());

  checkStructure(model, add);
  const clean = guarded(add, "forward", () => model.forward(x));
  if (clean !== undefined) {
    const b = x.shape[0];
    const shapeOk = clean.rank === 2 && clean.shape[0] === b && clean.shape[1] === model.classes;
    const finite = tf.tidy(() => clean.isFinite().all().dataSync()[0]) === 1;
    add("forward", shapeOk && finite, `logits [${clean.shape.join(", ")}], expected [${b}, ${model.classes}]${finite ? "" : "; they hold NaN or inf"}`);
    for (const info of model.sites()) checkSite(model, x, clean, info.name, tol, add);
    clean.dispose();
  }

  const changed = model.variables().findIndex((v, i) => {
    const now = v.dataSync();
    const was = weightsBefore[i];
    return was === undefined || now.length !== was.length || now.some((value, j) => value !== was[j]);
  });
  add("model unchanged", changed < 0, changed < 0 ? "every variable as before" : `variable ${changed} changed during the checks: forward, split and resume must not assign variables`);
  const leaked = tf.memory().numTensors - tensorsBefore;
  add("no tensor left behind", leaked <= 0, leaked <= 0 ? "tensor count as before" : `${leaked} tensors left: wrap forward/resume in tf.tidy and free what split carries in dispose()`);

  const report = { ok: items.every((i) => i.ok), items };
  if (options.throwOnFailure && !report.ok) {
    const failed = items.filter((i) => !i.ok).map((i) => `- ${i.check}${i.site === undefined ? "" : ` at "${i.site}"`}: ${i.detail}`);
    throw new AntitrainError(`model "${model.kind}" breaks the HookedModel contract:\n${failed.join("\n")}`);
  }
  return report;
}

type Add = (check: string, ok: boolean, detail: string, site?: string) => void;

function checkStructure(model: HookedModel, add: Add): void {
  const sites = model.sites();
  const names = sites.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  const badUnits = sites.find((s) => !(Number.isInteger(s.units) && s.units > 0) || !(s.width === undefined || (Number.isInteger(s.width) && s.width > 0)));
  add(
    "sites",
    sites.length > 0 && duplicate === undefined && badUnits === undefined,
    sites.length === 0
      ? "no sites: sites() must list at least one"
      : duplicate !== undefined
        ? `site name "${duplicate}" appears twice`
        : badUnits !== undefined
          ? `site "${badUnits.name}" has units ${badUnits.units}, width ${badUnits.width}: both must be positive integers`
          : `${sites.length} sites: ${sites.map((s) => `${s.name} (${s.units}${s.width ? ` × ${s.width}` : ""})`).join(", ")}`,
  );
  const vars = model.variables();
  const named = model.namedVariables();
  const namesUnique = new Set(named.map((n) => n.name)).size === named.length;
  const same = named.length === vars.length && named.every((n, i) => n.variable === vars[i]);
  add(
    "named variables",
    namesUnique && same,
    !same ? "namedVariables() must list variables() in the same order" : !namesUnique ? "two variables share a name" : `${vars.length} variables`,
  );
}

function checkSite(model: HookedModel, x: tf.Tensor, clean: tf.Tensor2D, site: string, tol: number, add: Add): void {
  const info = model.sites().find((s) => s.name === site)!;
  const features = siteFeatures(info);
  const b = x.shape[0];
  // An identity hook: called once, sees the site's activation, changes nothing.
  let calls = 0;
  let seen: tf.Tensor | undefined;
  const hooked = guarded(add, "identity hook", () =>
    model.forward(x, {
      [site]: (a) => {
        calls++;
        seen?.dispose();
        seen = tf.keep(a.clone());
        return a;
      },
    }),
    site,
  );
  if (hooked === undefined) return;
  const hookDiff = maxDiff(hooked, clean);
  const shape = seen?.shape ?? [];
  const shapeOk = shape.length >= 2 && shape[0] === b && shape[shape.length - 1] === features;
  add(
    "identity hook",
    calls === 1 && shapeOk && hookDiff <= tol,
    calls !== 1
      ? `the hook was called ${calls} times in one forward pass: call it exactly once, on the site's output`
      : !shapeOk
        ? `the hook saw [${shape.join(", ")}], expected [${b}, ..., ${features}] (units × width)`
        : `max |hooked − forward| ${hookDiff.toExponential(1)}`,
    site,
  );
  hooked.dispose();

  const split = guarded(add, "split", () => model.split(site, x), site);
  if (split === undefined) {
    seen?.dispose();
    return;
  }
  try {
    const actDiff = seen !== undefined && seen.shape.join() === split.act.shape.join() ? maxDiff(split.act, seen) : Number.POSITIVE_INFINITY;
    add("split activation", actDiff <= tol, `split(site).act vs the activation the hook saw: max difference ${actDiff.toExponential(1)}${Number.isFinite(actDiff) ? "" : " (shapes differ)"}`, site);
    const resumed = guarded(add, "split resumes to forward", () => split.resume(split.act), site);
    if (resumed !== undefined) {
      add("split resumes to forward", maxDiff(resumed, clean) <= tol, `max |resume(act) − forward| ${maxDiff(resumed, clean).toExponential(1)}`, site);
      resumed.dispose();
    }
    const stacked = guarded(add, "resume from stacked copies", () => tf.tidy(() => split.resume(tf.concat([split.act, split.act], 0))), site);
    if (stacked !== undefined) {
      const twice = tf.concat([clean, clean], 0);
      const diff = stacked.shape.join() === twice.shape.join() ? maxDiff(stacked, twice) : Number.POSITIVE_INFINITY;
      add("resume from stacked copies", diff <= tol, Number.isFinite(diff) ? `max difference from forward, copy by copy: ${diff.toExponential(1)}` : `resume of [2·${b}, ...] returned [${stacked.shape.join(", ")}], expected [${2 * b}, ${model.classes}]`, site);
      tf.dispose([stacked, twice]);
    }
    const ctx: SiteContext = { model, x, clean, act: split.act, resume: split.resume, site, units: info.units, width: info.width ?? 1, tol, add };
    checkIntervention(ctx);
    checkDownstream(model, split.act, split.resume, site, add);
    checkDenseSplit(ctx);
  } finally {
    split.dispose();
    seen?.dispose();
  }
}

/** What the per-site checks share: the model, its inputs and clean logits, and the site's cut. */
interface SiteContext {
  readonly model: HookedModel;
  readonly x: tf.Tensor;
  readonly clean: tf.Tensor2D;
  readonly act: tf.Tensor;
  readonly resume: (a: tf.Tensor, hooks?: Hooks) => tf.Tensor2D;
  readonly site: string;
  readonly units: number;
  readonly width: number;
  readonly tol: number;
  readonly add: Add;
}

/** Zeroing unit 0 through resume must equal zeroing it with a hook in forward. */
function checkIntervention({ model, x, act, resume, site, units, width, tol, add }: SiteContext): void {
  const keep = Float32Array.from(expandUnitMask([0], units, width), (v) => 1 - v);
  const result = guarded(add, "resume after an intervention", () => tf.tidy(() => {
    const viaResume = resume(tf.mul(act, keep));
    const viaHook = model.forward(x, { [site]: (a) => tf.mul(a, keep) });
    return maxDiff(viaResume, viaHook);
  }), site);
  if (result === undefined) return;
  add("resume after an intervention", result <= tol, `unit 0 zeroed: max |resume − forward with a hook| ${result.toExponential(1)}`, site);
}

/**
 * Where the model offers `splitDense` at the site: the pre-activation must resume to `forward`, and shifting it by
 * `(act' − act) · weight` must equal resuming from `act'` (unit 0 zeroed) — the identity the low-rank path relies on.
 */
function checkDenseSplit({ model, x, clean, act, resume, site, units, width, tol, add }: SiteContext): void {
  if (model.splitDense === undefined) return;
  const dense = guarded(add, "dense split", () => model.splitDense?.(site, x) ?? null, site);
  if (dense === undefined || dense === null) return;
  try {
    const result = guarded(add, "dense split", () =>
      tf.tidy(() => {
        const features = act.shape[act.rank - 1];
        const keep = Float32Array.from(expandUnitMask([0], units, width), (v) => 1 - v);
        const changed = tf.mul(act, keep);
        const shift = tf.matMul(tf.reshape(tf.sub(changed, act), [-1, features]), dense.weight);
        const shifted = tf.add(dense.pre, tf.reshape(shift, dense.pre.shape));
        return [maxDiff(dense.resumeFromPre(dense.pre, () => act), clean), maxDiff(dense.resumeFromPre(shifted, () => changed), resume(changed))];
      }),
      site,
    );
    if (result === undefined) return;
    const [plain, shifted] = result;
    add(
      "dense split",
      plain <= tol && shifted <= tol,
      `max |resumeFromPre(pre) − forward| ${plain.toExponential(1)}; with unit 0 zeroed through the weight, max |resumeFromPre − resume| ${shifted.toExponential(1)}`,
      site,
    );
  } finally {
    dense.dispose();
  }
}

/** Every variable with a nonzero gradient through the continuation must be downstream of the site. */
function checkDownstream(model: HookedModel, act: tf.Tensor, resume: (a: tf.Tensor) => tf.Tensor2D, site: string, add: Add): void {
  const downstream = new Set(guarded(add, "downstream variables", () => model.downstreamVariables(site), site) ?? []);
  const named = model.namedVariables();
  const grads = guarded(add, "downstream variables", () =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(resume(act))) as tf.Scalar, named.map((n) => n.variable));
      return named.map((n) => {
        const g = grads[n.variable.name];
        return g === undefined ? 0 : tf.max(tf.abs(g)).dataSync()[0];
      });
    }), site);
  if (grads === undefined) return;
  const missing = named.filter((n, i) => grads[i] > 0 && !downstream.has(n.variable)).map((n) => n.name);
  add(
    "downstream variables",
    missing.length === 0,
    missing.length === 0
      ? `${downstream.size} downstream variables cover every one the continuation depends on`
      : `the output after the site depends on ${missing.join(", ")}, which downstreamVariables("${site}") leaves out: antitraining would never update them`,
    site,
  );
}

/** Runs `f`; a throw becomes a failed check (so one broken site does not hide the others). */
function guarded<T>(add: Add, check: string, f: () => T, site?: string): T | undefined {
  try {
    return f();
  } catch (e) {
    add(check, false, `threw: ${e instanceof Error ? e.message : String(e)}`, site);
    return undefined;
  }
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join()) return Number.POSITIVE_INFINITY;
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
