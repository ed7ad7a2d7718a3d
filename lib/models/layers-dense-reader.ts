/**
 * Where a site of a wrapped `tf.LayersModel` feeds one linear map along its last axis: the layer-graph analysis
 * behind `LayersHookedModel.splitDense` (the damage engine's exact low-rank path). Internal to the models folder.
 *
 * A reader is a `Dense` layer (tfjs applies its kernel along the last axis at any rank) or a `Conv1D`/`Conv2D` whose
 * kernel is all ones in size, with strides 1, dilation 1 and channels last (a 1×1 convolution is the same matrix at
 * every position). Between the site and the reader there may be layers that are the identity in inference mode
 * (dropout and noise layers), when the model is never run in training mode.
 */
import type * as tf from "@tensorflow/tfjs";

/** What the analysis reads of one layer call (a `LayerCall` of layers-model.ts, seen structurally). */
export interface ReaderStep {
  readonly layer: tf.layers.Layer;
  readonly inputs: readonly number[];
  readonly slot: number;
  readonly layout: "last" | "first" | "unknown";
  /** Output shape without the batch axis. */
  readonly shape: readonly number[];
}

/** A tfjs-layers activation object (`layer.activation`): what a Dense or Conv layer applies after its bias. */
export interface LayerActivation {
  apply(x: tf.Tensor): tf.Tensor;
  getClassName(): string;
}

/** The one linear layer a site feeds (see {@link findDenseReader}). */
export interface DenseReader {
  /** The reader's step index. */
  readonly index: number;
  /** Steps between the site and the reader that are the identity in inference mode (dropout, noise). */
  readonly chain: readonly number[];
  /** True when another layer also reads the site's output (or a slot of the chain): a skip, a merge, a branch. */
  readonly readsAct: boolean;
  /** The reader's kernel as stored (`[c, out]`, `[1, c, out]` or `[1, 1, c, out]`); the model's own variable. */
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | undefined;
  /** What the reader applies after its bias. */
  readonly activation: LayerActivation;
  /**
   * Where the reader is a Dense with ReLU read by exactly one further Dense with a bias (and nothing else): that
   * layer's step index, kernel `[out, out2]`, bias and activation. Null otherwise.
   */
  readonly next: { readonly index: number; readonly kernel: tf.Variable; readonly bias: tf.Variable; readonly activation: LayerActivation } | null;
}

/** Layers that return their input unchanged in inference mode. */
const IDENTITY_IN_INFERENCE = new Set(["Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout"]);

/**
 * The linear layer that reads the output of step `site` along its last axis, or null where there is none (the site's
 * units are not on the last axis, a flatten or pooling or a larger convolution reads it, a merge is its only
 * reader, ...). `identityOk`: whether dropout and noise layers between the two may be skipped (only when the model
 * never runs them in training mode).
 */
export function findDenseReader(steps: readonly ReaderStep[], site: number, identityOk: boolean): DenseReader | null {
  const siteStep = steps[site];
  if (siteStep.layout === "unknown" || (siteStep.layout === "first" && siteStep.shape.length > 1)) return null;
  const readersOf = (slot: number) => steps.map((_, j) => j).filter((j) => steps[j].inputs.includes(slot));
  const chain: number[] = [];
  let readsAct = false;
  let slot = siteStep.slot;
  for (;;) {
    const readers = readersOf(slot);
    const single = readers.filter((j) => steps[j].inputs.length === 1);
    const reader = single.find((j) => linearReader(steps[j], siteStep.shape) !== null);
    const through = identityOk ? single.find((j) => IDENTITY_IN_INFERENCE.has(steps[j].layer.getClassName())) : undefined;
    const chosen = reader ?? through;
    if (chosen === undefined) return null;
    if (readers.length > 1) readsAct = true;
    if (chosen === reader) {
      const { kernel, bias, activation } = linearReader(steps[reader], siteStep.shape) as LinearLayer;
      return { index: reader, chain, readsAct, kernel, bias, activation, next: readsAct ? null : reluDenseNext(steps, reader, activation) };
    }
    chain.push(chosen);
    slot = steps[chosen].slot;
  }
}

interface LinearLayer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable | undefined;
  readonly activation: LayerActivation;
}

/** The kernel, bias and activation of a layer that applies one matrix along the last axis of `inShape`, else null. */
function linearReader(step: ReaderStep, inShape: readonly number[]): LinearLayer | null {
  const layer = step.layer;
  const name = layer.getClassName();
  const { kernel, bias, activation } = layer as unknown as { kernel?: { val?: tf.Variable } | null; bias?: { val?: tf.Variable } | null; activation?: LayerActivation | null };
  const k = kernel?.val;
  if (k === undefined || activation == null || typeof activation.apply !== "function") return null;
  const c = inShape[inShape.length - 1];
  const out = step.shape[step.shape.length - 1];
  if (name === "Dense") {
    if (k.rank !== 2 || k.shape[0] !== c || k.shape[1] !== out) return null;
  } else if (name === "Conv1D" || name === "Conv2D") {
    // The layer's own fields (Conv1D's getConfig leaves out dataFormat).
    const conv = layer as unknown as { kernelSize?: unknown; strides?: unknown; dilationRate?: unknown; dataFormat?: unknown };
    const ones = (v: unknown) => (Array.isArray(v) ? v.every((d) => d === 1) : v === 1);
    if (!ones(conv.kernelSize) || !ones(conv.strides) || !ones(conv.dilationRate) || conv.dataFormat !== "channelsLast") return null;
    // Same positions in and out, and a kernel [1, ..., 1, c, out].
    if (step.shape.length !== inShape.length || step.shape.slice(0, -1).some((d, i) => d !== inShape[i])) return null;
    if (k.shape.slice(0, -2).some((d) => d !== 1) || k.shape[k.rank - 2] !== c || k.shape[k.rank - 1] !== out) return null;
  } else {
    return null;
  }
  return { kernel: k, bias: bias?.val ?? undefined, activation };
}

/** The Dense after a Dense-with-ReLU reader, where it alone reads the reader's `[batch, out]` output and has a bias. */
function reluDenseNext(steps: readonly ReaderStep[], reader: number, activation: LayerActivation): DenseReader["next"] {
  const step = steps[reader];
  if (step.layer.getClassName() !== "Dense" || activation.getClassName() !== "relu" || step.shape.length !== 1) return null;
  const readers = steps.map((_, j) => j).filter((j) => steps[j].inputs.includes(step.slot));
  if (readers.length !== 1 || steps[readers[0]].inputs.length !== 1) return null;
  const next = linearReader(steps[readers[0]], step.shape);
  if (next === null || steps[readers[0]].layer.getClassName() !== "Dense" || next.bias === undefined) return null;
  return { index: readers[0], kernel: next.kernel, bias: next.bias, activation: next.activation };
}
