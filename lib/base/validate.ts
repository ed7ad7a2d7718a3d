import type * as tf from "@tensorflow/tfjs";
import { tidy } from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset";
import { AntitrainError } from "./errors";
import type { HookedModel, SiteInfo } from "../models/types";

/** The site's info, or an AntitrainError listing the real sites. */
export function requireSite(model: HookedModel, site: string): SiteInfo {
  const sites = model.sites();
  const found = sites.find((s) => s.name === site);
  if (found === undefined) {
    const names = sites.map((s) => `"${s.name}"`).join(", ");
    throw new AntitrainError(`unknown site "${site}": this ${model.kind} model has sites ${names}`);
  }
  return found;
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
    throw new AntitrainError(`${name} must be a positive integer, got ${value}`);
  }
}

/** Checks data fits the model: non-empty, the right input width, int labels within [0, classes). */
export function requireData(model: HookedModel, data: Dataset): void {
  if (data === null || typeof data !== "object" || data.x === undefined || data.y === undefined) {
    throw new AntitrainError("data must be { x: Tensor2D, y: Tensor1D int32 labels, classes }");
  }
  const n = data.x.shape[0];
  if (n === 0) throw new AntitrainError("data is empty (0 examples): pass at least one example");
  if (data.x.rank !== 2 || data.x.shape[1] !== model.inputs) {
    throw new AntitrainError(
      `data.x has shape [${data.x.shape.join(", ")}] but the model takes [batch, ${model.inputs}]: pass inputs of width ${model.inputs}`,
    );
  }
  if (data.y.rank !== 1 || data.y.shape[0] !== n) {
    throw new AntitrainError(`data.y must be one int32 label per example: got shape [${data.y.shape.join(", ")}] for ${n} examples`);
  }
  if (data.classes !== model.classes) {
    throw new AntitrainError(`data has ${data.classes} classes but the model outputs ${model.classes}: use data with ${model.classes} classes`);
  }
  const labels = data.y.dataSync();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!(Number.isInteger(l) && l >= 0 && l < model.classes)) {
      throw new AntitrainError(`label ${l} at example ${i} is out of range: labels must be integers in [0, ${model.classes})`);
    }
  }
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

/** Checks an input batch is `[batch, model.inputs]`. */
export function requireInput(model: HookedModel, x: tf.Tensor): void {
  if (x.rank !== 2 || x.shape[1] !== model.inputs) {
    throw new AntitrainError(
      `input has shape [${x.shape.join(", ")}] but the model takes [batch, ${model.inputs}]: pass inputs of width ${model.inputs}`,
    );
  }
}

/** Returns `value` when it is one of `values`; else an AntitrainError naming the option and listing the valid values. */
export function requireOneOf<T extends string>(value: unknown, values: readonly T[], name: string): T {
  if (typeof value === "string" && (values as readonly string[]).includes(value)) return value as T;
  throw new AntitrainError(`${name} must be one of ${values.map((v) => `"${v}"`).join(", ")}, got ${JSON.stringify(value) ?? String(value)}`);
}

/** Throws an AntitrainError for any key of `options` not in `known` (a misspelled option would otherwise be ignored). */
export function requireKnownKeys(options: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new AntitrainError(`unknown option "${key}" of ${what}: the options are ${known.join(", ")}`);
  }
}
