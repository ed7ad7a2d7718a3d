import type * as tf from "@tensorflow/tfjs";
import { tidy } from "@tensorflow/tfjs";
import { AntitrainError } from "./errors";

// lib/base comes first in the folder order and imports no later folder, so the checks below take a model and a data
// set by the few members they read: every HookedModel (lib/models/types.ts) is a CheckedModel, every Dataset
// (lib/data/dataset.ts) a CheckedData, and requireSite returns the model's own SiteInfo.

/** A site as the checks read it: its name and unit count (a `SiteInfo`). */
interface CheckedSite {
  readonly name: string;
  readonly units: number;
}

/** A model as the checks read it (a `HookedModel` fits). */
interface CheckedModel<S extends CheckedSite = CheckedSite> {
  readonly kind: string;
  readonly inputs: number;
  /** Per-example input shape when it is not `[inputs]` (e.g. images `[h, w, c]`). */
  readonly inputShape?: readonly number[];
  readonly classes: number;
  /** The output layer's name, where the model has named layers (it is not a site). */
  readonly output?: string;
  sites(): readonly S[];
  variables(): readonly tf.Variable[];
}

/** A data set as the checks read it (a `Dataset` fits). */
interface CheckedData {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly classes: number;
}

/**
 * Refuses a model whose variables were freed (`model.dispose()`): tfjs would fail later with "Cannot read properties
 * of undefined" or a bare "Tensor is disposed.".
 */
export function requireLiveModel(model: CheckedModel): void {
  if (model === null || typeof model !== "object" || typeof model.variables !== "function") {
    throw new AntitrainError(`expected a model (at.mlp, at.transformer, at.fromLayersModel, ...), got ${model === null ? "null" : typeof model}`);
  }
  if (model.variables().some((v) => v.isDisposed)) {
    throw new AntitrainError(`this ${model.kind} model was disposed (its variables are freed): use a live model, and dispose it only after its last use`);
  }
}

/** The site's info, or an AntitrainError listing the real sites. Also refuses a disposed model. */
export function requireSite<S extends CheckedSite>(model: CheckedModel<S>, site: string): S {
  requireLiveModel(model);
  const sites = model.sites();
  const found = sites.find((s) => s.name === site);
  if (found === undefined) {
    const names = sites.map((s) => `"${s.name}"`).join(", ");
    if (model.output !== undefined && site === model.output) {
      throw new AntitrainError(`"${site}" is the output layer of this ${model.kind} model (its logits or probabilities), not a site: measure a hidden layer, one of ${names}`);
    }
    throw new AntitrainError(`unknown site "${site}": this ${model.kind} model has sites ${names}`);
  }
  return found;
}

/** The infos of a non-empty list of distinct sites of `model` (`what` names the caller in the message). */
export function requireSites<S extends CheckedSite>(model: CheckedModel<S>, sites: readonly string[], what: string): S[] {
  if (!Array.isArray(sites) || sites.length === 0) {
    const names = model.sites().map((s) => `"${s.name}"`).join(", ");
    throw new AntitrainError(`${what} needs a non-empty list of sites, e.g. ["${model.sites()[0]?.name ?? "h1"}"]; this model has ${names}`);
  }
  const repeated = sites.find((s, i) => sites.indexOf(s) !== i);
  if (repeated !== undefined) throw new AntitrainError(`${what}: site "${repeated}" is listed twice: list each site once`);
  return sites.map((s) => requireSite(model, s));
}

/** Checks a fraction is in (0, 1]. */
export function requireFraction(fraction: number, name = "fraction"): void {
  if (!(Number.isFinite(fraction) && fraction > 0 && fraction <= 1)) {
    throw new AntitrainError(`${name} must be in (0, 1], got ${fraction}: use e.g. 0.95 for 95% of the damage`);
  }
}

/** Checks a positive integer option. */
export function requirePositiveInt(value: number, name: string): void {
  if (!(Number.isInteger(value) && value > 0)) {
    const shown = typeof value === "number" ? String(value) : (JSON.stringify(value) ?? String(value));
    throw new AntitrainError(`${name} must be a positive integer, got ${shown}: pass a whole number of at least 1`);
  }
}

/**
 * Checks data fits the model: live tensors, non-empty, the right input width, int32 labels within [0, classes).
 * Also refuses a disposed model.
 */
export function requireData(model: CheckedModel, data: CheckedData): void {
  requireLiveModel(model);
  if (data === null || typeof data !== "object" || data.x === undefined || data.y === undefined) {
    throw new AntitrainError("data must be { x: Tensor (examples along axis 0), y: Tensor1D int32 labels, classes }");
  }
  if (data.x.isDisposed || data.y.isDisposed) {
    throw new AntitrainError(
      `data.${data.x.isDisposed ? "x" : "y"} was disposed (at.disposeDataset or tf.dispose freed it): load the data again, and dispose it only after its last use`,
    );
  }
  if (data.y.dtype !== "int32") {
    throw new AntitrainError(
      `data.y holds ${data.y.dtype} labels: labels must be int32, e.g. tf.tensor1d(labels, "int32") or tf.cast(y, "int32") (at.dataset makes them so)`,
    );
  }
  const n = data.x.shape[0];
  if (n === 0) throw new AntitrainError("data is empty (0 examples): pass at least one example");
  if (!fitsInput(model, data.x)) {
    throw new AntitrainError(`data.x has shape [${data.x.shape.join(", ")}] but ${takes(model)}`);
  }
  if (data.y.rank !== 1 || data.y.shape[0] !== n) {
    throw new AntitrainError(`data.y must be one int32 label per example: got shape [${data.y.shape.join(", ")}] for ${n} examples`);
  }
  if (data.classes !== model.classes) {
    throw new AntitrainError(`data has ${data.classes} classes but the model outputs ${model.classes}: use data with ${model.classes} classes`);
  }
  requireFiniteData(data.x);
  const labels = data.y.dataSync();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!(Number.isInteger(l) && l >= 0 && l < model.classes)) {
      throw new AntitrainError(`label ${l} at example ${i} is out of range: labels must be integers in [0, ${model.classes})`);
    }
  }
}

/**
 * Refuses examples holding NaN or ±Infinity, naming the first offending row (example) and column (value within the
 * example, with its position for inputs of several axes) and the fix. Costs one reduction over `x` on any backend
 * (values are read back only when one is not finite): on wasm a fused dense+ReLU turns NaN into 0, so a check of the
 * activations or the loss alone would miss it.
 */
export function requireFiniteData(x: tf.Tensor, what = "data.x"): void {
  if (x.dtype !== "float32" && x.dtype !== "complex64") return; // int32 and bool hold only finite values
  const finite = tidy(() => x.isFinite().all().dataSync()[0]);
  if (finite) return;
  const values = x.dataSync();
  const inner = x.shape.slice(1);
  const perRow = inner.reduce((a, b) => a * b, 1);
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    const row = Math.floor(i / perRow);
    const column = i % perRow;
    const position = inner.length > 1 ? ` (position [${unravel(column, inner).join(", ")}] within the example)` : "";
    throw new AntitrainError(
      `${what} holds ${values[i]} at row ${row}, column ${column}${position}: every value must be finite. ` +
        "Remove or impute the rows that hold NaN or ±Infinity before passing the data (e.g. replace them by the column mean, " +
        "or keep the rows where tf.isFinite(x).all(1) is true)",
    );
  }
}

/** The multi-axis index of flat offset `i` in an array of shape `shape` (row-major). */
function unravel(i: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  let rest = i;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = rest % shape[axis];
    rest = Math.floor(rest / shape[axis]);
  }
  return index;
}

/** Throws when a tensor holds NaN or infinity, naming where it was met. */
export function requireFinite(t: tf.Tensor, where: string): void {
  const finite = tidy(() => t.isFinite().all().dataSync()[0]);
  if (finite) return;
  const v = t.dataSync();
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new AntitrainError(
        `${where} contains ${v[i]} (at element ${i}): check the inputs for NaN/inf and lower the learning rate if training diverged`,
      );
    }
  }
}

/** Checks an input batch is a live `[batch, ...model.inputShape]` tensor (`[batch, model.inputs]` by default) for a live model. */
export function requireInput(model: CheckedModel, x: tf.Tensor): void {
  requireLiveModel(model);
  if (x === null || typeof x !== "object" || !Array.isArray(x.shape)) {
    throw new AntitrainError(`input must be a tf.Tensor [batch, ${inputShapeOf(model).join(", ")}], got ${x === null ? "null" : typeof x}`);
  }
  if (x.isDisposed) throw new AntitrainError("the input tensor was disposed: pass a live tensor, and dispose it only after its last use");
  if (!fitsInput(model, x)) throw new AntitrainError(`input has shape [${x.shape.join(", ")}] but ${takes(model)}`);
}

/** The per-example input shape a model takes: its `inputShape`, else `[inputs]`. */
function inputShapeOf(model: CheckedModel): readonly number[] {
  return model.inputShape ?? [model.inputs];
}

/** True when `x` is a batch of the model's per-example input shape. */
function fitsInput(model: CheckedModel, x: tf.Tensor): boolean {
  const shape = inputShapeOf(model);
  return x.rank === shape.length + 1 && shape.every((d, i) => x.shape[i + 1] === d);
}

/** "the model takes [batch, ...]: pass ..." — the fix for an input of the wrong shape. */
function takes(model: CheckedModel): string {
  const shape = inputShapeOf(model);
  if (shape.length === 1) return `the model takes [batch, ${shape[0]}]: pass inputs of width ${shape[0]}`;
  return `the model takes [batch, ${shape.join(", ")}]: pass inputs of that shape (flat rows of ${model.inputs} values become x.reshape([-1, ${shape.join(", ")}]))`;
}

/**
 * Refuses an options object holding a key that is not in `known`, so a misspelt option fails loudly instead of being
 * ignored. `undefined` (no options) passes; `what` names the function in the message (e.g. "slimmingGates").
 */
export function requireKnownKeys(options: object | undefined, known: readonly string[], what: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new AntitrainError(`${what} must be an object such as { ${known[0] ?? ""}: ... }, got ${options === null ? "null" : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new AntitrainError(`unknown option "${key}" of ${what}: the options are ${known.join(", ")}`);
  }
}

/** Checks a number option is finite and within [min, max] (either end open when asked); `hint` says what to use. */
export function requireInRange(
  value: number,
  name: string,
  range: { readonly min: number; readonly max: number; readonly minOpen?: boolean; readonly maxOpen?: boolean },
  hint: string,
): void {
  const aboveMin = range.minOpen ? value > range.min : value >= range.min;
  const belowMax = range.maxOpen ? value < range.max : value <= range.max;
  if (typeof value === "number" && Number.isFinite(value) && aboveMin && belowMax) return;
  const interval = `${range.minOpen ? "(" : "["}${range.min}, ${range.max}${range.maxOpen ? ")" : "]"}`;
  throw new AntitrainError(`${name} must be a finite number in ${interval}, got ${String(value)}: ${hint}`);
}

/** Checks a seed is a safe integer (every random draw in antitrain comes from one). */
export function requireSeed(seed: number, name = "seed"): void {
  if (!Number.isSafeInteger(seed)) {
    const shown = typeof seed === "string" ? `the string ${JSON.stringify(seed)}` : String(seed);
    throw new AntitrainError(`${name} must be an integer, got ${shown}: pass e.g. { seed: 0 } (the same integer gives the same draws)`);
  }
}

/** Checks a training step index is a non-negative integer. */
export function requireStep(step: number): void {
  if (!(Number.isSafeInteger(step) && step >= 0)) throw new AntitrainError(`step must be an integer >= 0, got ${String(step)}: at.train passes 0, 1, 2, ...`);
}

/** Returns `value` when it is one of `values`; else an AntitrainError naming the option and listing the valid values. */
export function requireOneOf<T extends string>(value: unknown, values: readonly T[], name: string): T {
  if (typeof value === "string" && (values as readonly string[]).includes(value)) return value as T;
  throw new AntitrainError(`${name} must be one of ${values.map((v) => `"${v}"`).join(", ")}, got ${JSON.stringify(value) ?? String(value)}`);
}
