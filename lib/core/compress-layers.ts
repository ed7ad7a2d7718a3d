/**
 * Physical removal of units from a user's `tf.LayersModel` (wrapped by `fromLayersModel`): a dense layer's neurons
 * or a convolution's filters, with everything tied to them, returned as a new, smaller `tf.LayersModel`.
 *
 * The layers around a site fall into three roles:
 * - the *maker*: the dense or convolution layer whose output units the site holds, reached from the site backwards
 *   through per-unit layers (activation, dropout, batch normalization) and pooling. Its kernel columns (filters) and
 *   bias entries of removed units go; so do the entries of every batch normalization on the way.
 * - the *region*: the layers after the site that carry its units to the next weights without mixing them: per-unit
 *   layers, pooling (also global), flatten and concatenate (which may join other paths' units).
 * - the *readers*: the dense or convolution layers at the end of the region. Their input rows (input channels) that
 *   hold a removed unit go, and that unit's contribution is folded into their bias.
 *
 * Two small passes over the region find both. An *owner* pass sends a map of unit indices through it (per-unit
 * layers skipped, other paths' values −1), so every element of a reader's input is known to belong to one unit of
 * the site or to none: a flatten's rows of channel c, a concatenation's slice. A *value* pass sends the constant
 * replacement (each unit's mean) through it in inference mode and applies each reader's kernel to the removed
 * units' part of what arrives: for dense after flatten, the flattened rows of a channel times their weights; for a
 * convolution, the channel's value times its kernel summed over the spatial positions the window covers. That is
 * exact where it is the same at every output position — padding "valid", a 1×1 kernel, or removed channels that
 * arrive as 0 — and refused otherwise ("same" or "causal" padding: border positions read padding zeros instead).
 */
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireKnownKeys, requireSite } from "../base/validate";
import { type UnitStats, requireStatsFor } from "../measure/unit-stats";
import { type LayerCall, LayersHookedModel, article } from "../models/layers-model";
import { type CoreSplit, requireSplitFor } from "./find-core";

/** Options for {@link compressLayersModel}. */
export interface CompressLayersOptions {
  /**
   * What a removed unit is replaced by: its mean from these stats (`at.collectStats(model, site, data)`), or, left
   * out, 0 at the site. The replacement's contribution, carried through the layers after the site in inference
   * mode, is folded into the next layers' biases.
   */
  stats?: UnitStats;
}

const OPTION_KEYS = ["stats"] as const satisfies readonly (keyof CompressLayersOptions)[];

// Layers that act on each unit separately; only batch normalization among them has per-unit weights.
/** Recurrent layers: their units feed back into themselves. */
const RECURRENT = new Set(["LSTM", "GRU", "SimpleRNN"]);
const PER_UNIT = new Set(["Activation", "ReLU", "LeakyReLU", "ELU", "ThresholdedReLU", "Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "BatchNormalization"]);
const POOLING = new Set(["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D"]);
const GLOBAL_POOLING = new Set(["GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D"]);
// Layers between the site and the readers that move units without mixing them.
const CARRIERS = new Set([...PER_UNIT, ...POOLING, ...GLOBAL_POOLING, "Flatten", "Concatenate"]);
// Merges that combine units of several paths element by element: removing a unit would tie it to the other paths.
const ELEMENTWISE = new Set(["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot"]);
// Layers whose units can be removed (maker) or whose input can shrink (reader).
const KERNEL = new Set(["Dense", "Conv1D", "Conv2D"]);

type Weight = tf.layers.Layer["weights"][number];

/** The layers a removal touches, found from the graph alone (no tensors). */
interface Plan {
  /** The dense or convolution layer that makes the units. */
  readonly maker: LayerCall;
  /** Per-unit and pooling layers from the maker (exclusive) to the site (inclusive). */
  readonly chain: readonly LayerCall[];
  /** The site's layer call. */
  readonly site: LayerCall;
  /** Axis (batch included) of the site's output that indexes its units, in the layer's own layout. */
  readonly unitAxis: number;
  /** Layers after the site that carry its units, in graph order. */
  readonly region: readonly LayerCall[];
  /** Dense or convolution layers that read the region (or the site itself). */
  readonly readers: readonly LayerCall[];
  /** Shapes (batch excluded) of every slot. */
  readonly shapeOf: (slot: number) => readonly number[];
}

/**
 * A new, smaller `tf.LayersModel` without the units of `site` that `split.core` does not keep: the making dense
 * layer's kernel columns or convolution's filters and bias entries, any batch normalization's gamma, beta, moving
 * mean and variance on the way, and the reading layers' input rows or input channels (for conv → flatten → dense,
 * the flattened rows of each removed channel). With `stats`, each removed unit's mean contribution is folded into
 * the readers' biases, so the new model equals the original with the removed units fixed at their means (within
 * float32 rounding; in inference mode: dropout off, batch normalization on its moving averages). Without, removed
 * units count as 0 at the site. The new model is rebuilt from the original's config (same layer names, smaller
 * `units`/`filters`; a reader without bias gets one when a contribution must go there) with fresh variables: the
 * original is unchanged, and the new one can `predict`, `fit` (after `compile`), be saved (`at.saveModel`) or be
 * wrapped again with `at.fromLayersModel`. Dispose it when done.
 *
 * Refused with an AntitrainError saying why: a site not made by a dense/Conv1D/Conv2D layer (through per-unit and
 * pooling layers only), units that meet another path's units in an `add` (or another element-wise merge: they form
 * a dependency group this function does not cut), units that reach the model's output or a layer that mixes them
 * (reshape, layer normalization, ...), a maker whose output is also read elsewhere before the site, and a
 * contribution that differs between output positions of a reading convolution (padding "same" or "causal" with a
 * kernel wider than 1, when the removed channels do not arrive as 0): use padding "valid" there, or remove without
 * `stats` where the removed channels are 0 after relu.
 *
 * The engine of {@link compress} for wrapped models (the library's one compress verb): users call
 * `at.compress(model, site, split, { stats })` and take the new `tf.LayersModel` from the result's `layersModel`.
 *
 * @example
 * const model = at.fromLayersModel(cnn);
 * const stats = at.collectStats(model, "conv1", data);
 * const small = at.compress(model, "conv1", { core: [0, 2, 5] }, { stats }) as at.LayersHookedModel;   // 3 filters
 * small.layersModel.predict(data.x);   // ≈ the original with conv1's other channels fixed at their means
 * await at.saveModel(small.layersModel, "models/small");
 */
export function compressLayersModel(
  model: LayersHookedModel,
  site: string,
  split: Pick<CoreSplit, "core"> & Partial<Pick<CoreSplit, "site">>,
  options: CompressLayersOptions = {},
): tf.LayersModel {
  if (!(model instanceof LayersHookedModel)) {
    throw new AntitrainError("compressLayersModel takes a model wrapped by at.fromLayersModel(net); call at.compress, which takes every kind of model");
  }
  const info = requireSite(model, site);
  requireKnownKeys(options, OPTION_KEYS, "compressLayersModel");
  requireSplitFor(split, site);
  if (options.stats !== undefined) requireStatsFor(options.stats, info);
  const units = info.units;
  const keep = [...new Set(split.core)].sort((a, b) => a - b);
  if (keep.length === 0) throw new AntitrainError(`the core of "${site}" is empty: nothing would be left to compress to`);
  for (const u of keep) {
    if (!(Number.isInteger(u) && u >= 0 && u < units)) throw new AntitrainError(`core unit ${u} is not in site "${site}" (0..${units - 1})`);
  }
  const plan = planRemoval(model, site, units);
  const fill = options.stats?.mean ?? new Float32Array(units);
  const removed = new Set(Array.from({ length: units }, (_, u) => u).filter((u) => !keep.includes(u)));
  const { weights, biasAdded } = newWeights(plan, units, keep, removed, fill);
  let net: tf.LayersModel | undefined;
  try {
    net = rebuild(model.layersModel, plan, keep.length, biasAdded);
    for (const layer of net.layers) {
      if (layer.weights.length === 0) continue;
      const values = weights.get(layer.name) ?? model.layersModel.getLayer(layer.name).getWeights();
      // Fresh copies: a variable assigned a tensor that shares its data with a reshape (as gather's result does on
      // the wasm backend) keeps the reshape's shape in the backend, and wasm's fused kernels then refuse the bias.
      const fresh = values.map((v) => tf.tensor(v.dataSync(), v.shape, v.dtype));
      try {
        layer.setWeights(fresh);
      } finally {
        tf.dispose(fresh);
      }
    }
    return net;
  } catch (e) {
    net?.dispose();
    throw e;
  } finally {
    for (const list of weights.values()) tf.dispose(list);
  }
}

/** Finds maker, chain, region and readers of `site`, refusing graphs this removal cannot cut exactly. */
function planRemoval(model: LayersHookedModel, site: string, units: number): Plan {
  const calls = model.layerCalls();
  const callAt = (slot: number): LayerCall => calls[slot - 1];
  const shapeOf = (slot: number): readonly number[] => (slot === 0 ? (model.inputShape as readonly number[]) : callAt(slot).shape);
  const readersOf = (slot: number): LayerCall[] => calls.filter((c) => c.inputs.includes(slot));
  const refuse = (why: string): never => {
    throw new AntitrainError(`cannot remove units of "${site}": ${why}`);
  };
  const siteCall = calls.find((c) => c.layer.name === site) as LayerCall;
  // Backwards to the maker through layers that keep the units (one input, no other reader).
  const chain: LayerCall[] = [];
  let maker = siteCall;
  while (!KERNEL.has(kind(maker))) {
    const name = kind(maker);
    if (!PER_UNIT.has(name) && !POOLING.has(name) && !GLOBAL_POOLING.has(name)) {
      const what = name === "Flatten" ? "a flatten's units are positions × channels, not one layer's units; remove units at the layer before it" : `it is made by ${article(name)} layer, not by a dense or convolution layer (Dense, Conv1D, Conv2D)${RECURRENT.has(name) ? "; a recurrent layer's units feed back into themselves, so none can be removed alone: measure it and compress the dense layers after it, or replace it by a Dense layer over a flattened sequence" : ""}`;
      refuse(what);
    }
    chain.unshift(maker);
    const from = maker.inputs[0];
    if (from === 0) refuse("no dense or convolution layer makes it from the model input");
    maker = callAt(from);
    const others = readersOf(maker.slot).filter((c) => c !== chain[0]);
    if (others.length > 0) {
      refuse(`layer "${maker.layer.name}" is also read by ${others.map((c) => `"${c.layer.name}"`).join(", ")}, which would lose the removed units unmasked: remove units at "${maker.layer.name}" instead`);
    }
  }
  const filters = maker.shape[unitAxis(maker) - 1];
  if (filters !== units) refuse(`its ${units} units are not the ${filters} units of "${maker.layer.name}"`);
  // Forwards through carriers to the readers.
  const inRegion = new Set<number>([siteCall.slot]);
  const region: LayerCall[] = [];
  const readers: LayerCall[] = [];
  const last = calls[calls.length - 1];
  for (const call of calls) {
    if (call.slot <= siteCall.slot || !call.inputs.some((s) => inRegion.has(s))) continue;
    const name = kind(call);
    if (ELEMENTWISE.has(name)) {
      const others = call.inputs.filter((s) => !inRegion.has(s)).map((s) => (s === 0 ? "the model input" : `"${callAt(s).layer.name}"`));
      refuse(
        `its units meet ${others.length > 0 ? others.join(" and ") : "themselves"} in layer "${call.layer.name}" (${name}), which combines units element by element: removing a unit would have to remove the same unit from every path into the ${name} (a dependency group), which compressLayersModel does not do; remove units at a site whose units do not reach an element-wise merge`,
      );
    }
    if (KERNEL.has(name)) {
      readers.push(call);
      continue;
    }
    if (call === last) refuse(`its units reach the model's output through "${call.layer.name}" (${name}) without a dense or convolution layer to fold them into`);
    if (!CARRIERS.has(name)) {
      refuse(`layer "${call.layer.name}" (${name}) reads its units and is not a dense or convolution layer, nor one that carries units unmixed (activation, dropout, batch normalization, pooling, flatten, concatenate)`);
    }
    if (call.layer.weights.length > 0 && name !== "BatchNormalization") refuse(`layer "${call.layer.name}" (${name}) has weights this removal does not know how to cut`);
    region.push(call);
    inRegion.add(call.slot);
  }
  if (readers.length === 0) refuse("no dense or convolution layer reads its units");
  return { maker, chain, site: siteCall, unitAxis: unitAxis(siteCall), region, readers, shapeOf };
}

/** The layer's class name. */
function kind(call: LayerCall): string {
  return call.layer.getClassName();
}

/** The axis (batch included) that indexes a call's output units. */
function unitAxis(call: LayerCall): number {
  return call.layout === "first" && call.shape.length > 1 ? 1 : call.shape.length;
}

/** The input axis (batch included) of a reader that indexes its input units. */
function readerAxis(call: LayerCall, rank: number): number {
  if (kind(call) === "Dense") return rank - 1;
  return configOf(call).dataFormat === "channelsFirst" ? 1 : rank - 1;
}

interface LayerConfig {
  readonly dataFormat?: string;
  readonly padding?: string;
  readonly strides?: number | number[];
  readonly dilationRate?: number | number[];
  readonly kernelSize?: number | number[];
  readonly axis?: number | number[];
  readonly useBias?: boolean;
}

function configOf(call: LayerCall): LayerConfig {
  return call.layer.getConfig() as LayerConfig;
}

/** A layer's kernel and bias weights (tfjs-layers keeps them in `kernel` and `bias`). */
function kernelAndBias(layer: tf.layers.Layer): { kernel: Weight; bias: Weight | undefined } {
  const { kernel, bias } = layer as unknown as { kernel?: Weight | null; bias?: Weight | null };
  if (kernel == null) throw new AntitrainError(`layer "${layer.name}" has no kernel: unsupported tfjs version`);
  return { kernel, bias: bias ?? undefined };
}

/**
 * For each element along `axis` of `owners` (`[1, ...]`), the one unit it belongs to (−1: another path), checking
 * it is the same at every other position.
 */
function ownersAlong(owners: tf.Tensor, axis: number, where: string): Int32Array {
  const moved = tf.tidy(() => {
    const perm = [...Array.from({ length: owners.rank }, (_, i) => i).filter((i) => i !== axis), axis];
    return tf.reshape(tf.transpose(owners, perm), [-1, owners.shape[axis]]);
  });
  const [rows, features] = moved.shape as [number, number];
  const v = moved.dataSync();
  moved.dispose();
  const out = new Int32Array(features);
  for (let f = 0; f < features; f++) {
    const o = Math.round(v[f]);
    for (let r = 0; r < rows; r++) {
      if (Math.abs(v[r * features + f] - o) > 1e-3) {
        throw new AntitrainError(`${where}: an input element mixes several units (the layers before it are not unit-wise); remove units at another site`);
      }
    }
    out[f] = o;
  }
  return out;
}

/** Indices along an axis whose owner is not removed. */
function keptFeatures(owners: Int32Array, removed: ReadonlySet<number>): number[] {
  return Array.from(owners.keys()).filter((f) => !removed.has(owners[f]));
}

/** `[1, ...shape]` with `values[u]` at every position of unit u along `axis`. */
function perUnit(values: Float32Array, shape: readonly number[], axis: number): tf.Tensor {
  return tf.tidy(() => {
    const full = [1, ...shape];
    const along = full.map((d, i) => (i === axis ? d : 1));
    return tf.mul(tf.ones(full), tf.reshape(tf.tensor1d(values), along));
  });
}

/**
 * Runs the region from the site's value `start` (`[1, ...site shape]`), in inference mode, with `other` everywhere
 * on other paths; `skipPerUnit` passes per-unit layers through. Returns every slot's value (a plain object, so that
 * `tf.tidy` keeps them).
 */
function runRegion(plan: Plan, start: tf.Tensor, other: number, skipPerUnit: boolean): Record<number, tf.Tensor> {
  const values: Record<number, tf.Tensor> = { [plan.site.slot]: start };
  const read = (slot: number): tf.Tensor => values[slot] ?? tf.fill([1, ...plan.shapeOf(slot)], other);
  for (const call of plan.region) {
    const inputs = call.inputs.map(read);
    const out = skipPerUnit && PER_UNIT.has(kind(call)) ? inputs[0] : (call.layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tf.Tensor);
    values[call.slot] = tf.clone(out);
  }
  return values;
}

/** A reader's linear map (no bias, no activation) applied to `x` (`[1, ...input shape]`), as `[positions, out]`. */
function linearPart(call: LayerCall, x: tf.Tensor, kernel: tf.Tensor): tf.Tensor2D {
  const name = kind(call);
  const config = configOf(call);
  const out = kernel.shape[kernel.rank - 1];
  if (name === "Dense") return tf.matMul(tf.reshape(x, [-1, x.shape[x.rank - 1]]), kernel as tf.Tensor2D);
  const first = config.dataFormat === "channelsFirst";
  const last = first ? tf.transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]) : x;
  const pair = (v: number | number[] | undefined): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v ?? 1, v ?? 1]);
  const padding = config.padding === "same" ? "same" : "valid";
  if (name === "Conv1D") {
    const dilation = pair(config.dilationRate)[0];
    let input = last as tf.Tensor3D;
    if (config.padding === "causal") input = tf.pad(input, [[0, 0], [dilation * (kernel.shape[0] - 1), 0], [0, 0]]);
    return tf.reshape(tf.conv1d(input, kernel as tf.Tensor3D, pair(config.strides)[0], padding, "NWC", dilation), [-1, out]);
  }
  return tf.reshape(tf.conv2d(last as tf.Tensor4D, kernel as tf.Tensor4D, pair(config.strides), padding, "NHWC", pair(config.dilationRate)), [-1, out]);
}

/**
 * The new weights of every layer the removal changes, by layer name (tensors the caller frees), and the readers that
 * get a bias they did not have.
 */
function newWeights(
  plan: Plan,
  units: number,
  keep: readonly number[],
  removed: ReadonlySet<number>,
  fill: Float32Array,
): { weights: Map<string, tf.Tensor[]>; biasAdded: Set<string> } {
  const weights = new Map<string, tf.Tensor[]>();
  const biasAdded = new Set<string>();
  const gatherAll = (layer: tf.layers.Layer, indices: readonly number[], size: number): void => {
    const list = layer.weights.map((w) => {
      if (w.shape.length !== 1 || w.shape[0] !== size) throw new AntitrainError(`cannot remove units through layer "${layer.name}": its weight ${w.name} is not one value per unit`);
      return tf.gather(w.read(), indices);
    });
    weights.set(layer.name, list);
  };
  try {
    // Maker: kernel columns (filters) and bias entries.
    const maker = kernelAndBias(plan.maker.layer);
    weights.set(
      plan.maker.layer.name,
      plan.maker.layer.weights.map((w) => tf.gather(w.read(), keep, w === maker.kernel ? w.shape.length - 1 : 0)),
    );
    for (const call of plan.chain) if (call.layer.weights.length > 0) gatherAll(call.layer, keep, units);
    const owners = tf.tidy(() => {
      const index = Float32Array.from({ length: units }, (_, u) => u);
      return runRegion(plan, perUnit(index, plan.site.shape, plan.unitAxis), -1, true);
    });
    const values = tf.tidy(() => runRegion(plan, perUnit(fill, plan.site.shape, plan.unitAxis), 0, false));
    try {
      for (const call of plan.region) {
        if (call.layer.weights.length === 0) continue;
        const input = owners[call.inputs[0]];
        const configured = configOf(call).axis ?? -1;
        const raw = Array.isArray(configured) ? configured[0] : configured;
        const axis = raw < 0 ? input.rank + raw : raw;
        const own = ownersAlong(input, axis, `batch normalization "${call.layer.name}"`);
        gatherAll(call.layer, keptFeatures(own, removed), own.length);
      }
      for (const call of plan.readers) {
        const slot = call.inputs[0];
        const ownerMap = owners[slot];
        const axis = readerAxis(call, ownerMap.rank);
        const own = ownersAlong(ownerMap, axis, `layer "${call.layer.name}"`);
        const kept = keptFeatures(own, removed);
        const { kernel, bias } = kernelAndBias(call.layer);
        const contribution = tf.tidy(() => {
          const mask = new Float32Array(own.length).map((_, f) => (removed.has(own[f]) ? 1 : 0));
          const x = values[slot];
          const shape = x.shape.map((d, i) => (i === axis ? d : 1));
          return linearPart(call, tf.mul(x, tf.reshape(tf.tensor1d(mask), shape)), kernel.read());
        });
        const rows = contribution.arraySync();
        contribution.dispose();
        const first = rows[0];
        const scale = Math.max(1, ...first.map(Math.abs));
        const spread = Math.max(0, ...rows.flatMap((r) => r.map((v, o) => Math.abs(v - first[o]))));
        if (spread > 1e-4 * scale) {
          const config = configOf(call);
          throw new AntitrainError(
            `cannot remove units of "${plan.site.layer.name}": their replacement reaches "${call.layer.name}" (${kind(call)}, padding "${config.padding}", kernel ${JSON.stringify(config.kernelSize)}) with a contribution that differs between output positions by up to ${spread.toPrecision(3)} (border positions read padding zeros), so no bias can hold it; exact only for padding "valid", a 1×1 kernel, or removed channels that arrive as 0 (no stats, and no batch normalization after the site)`,
          );
        }
        const needsBias = bias === undefined && first.some((v) => v !== 0);
        if (needsBias) biasAdded.add(call.layer.name);
        const inAxis = kernel.shape.length - 2;
        const list = tf.tidy(() => {
          const fold = tf.tensor1d(first);
          const next = call.layer.weights.map((w) => (w === kernel ? tf.gather(w.read(), kept, inAxis) : w === bias ? tf.add(w.read(), fold) : tf.clone(w.read())));
          return needsBias ? [...next, fold] : next;
        });
        weights.set(call.layer.name, list);
      }
    } finally {
      tf.dispose([...Object.values(owners), ...Object.values(values)]);
    }
    return { weights, biasAdded };
  } catch (e) {
    for (const list of weights.values()) tf.dispose(list);
    throw e;
  }
}

/** The original model rebuilt from its config with `units` at the maker and biases where added, fresh variables. */
function rebuild(net: tf.LayersModel, plan: Plan, units: number, biasAdded: ReadonlySet<string>): tf.LayersModel {
  interface LayerEntry {
    name?: string;
    config: { name: string; units?: number; filters?: number; useBias?: boolean };
  }
  const config = JSON.parse(JSON.stringify(net.getConfig())) as { layers: LayerEntry[] } & tf.serialization.ConfigDict;
  const entry = (name: string): LayerEntry => {
    const found = config.layers.find((l) => l.config.name === name);
    if (found === undefined) throw new AntitrainError(`layer "${name}" is missing from the model's config: unsupported model (a nested model?)`);
    return found;
  };
  const maker = entry(plan.maker.layer.name);
  if (kind(plan.maker) === "Dense") maker.config.units = units;
  else maker.config.filters = units;
  for (const name of biasAdded) entry(name).config.useBias = true;
  const cls = net instanceof tf.Sequential ? tf.Sequential : tf.LayersModel;
  // fastWeightInit: the initial values are overwritten at once, so skip the random initializers.
  return (cls as unknown as { fromConfig(c: unknown, d: tf.serialization.ConfigDict, o: object, fast: boolean): tf.LayersModel }).fromConfig(cls, config, {}, true);
}
