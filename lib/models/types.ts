import type * as tf from "@tensorflow/tfjs";

/**
 * A named place in a model whose output holds `units` units along its last axis. A unit may span several
 * trailing elements (`width`, e.g. an attention head's dHead values): the last axis then holds units × width
 * values, unit-major, and randomizing a unit replaces its whole slice.
 */
export interface SiteInfo {
  readonly name: string;
  readonly units: number;
  /** Elements per unit on the last axis. Default 1. */
  readonly width?: number;
}

/** Values on a site's last axis: units × width. */
export function siteFeatures(info: SiteInfo): number {
  return info.units * (info.width ?? 1);
}

/** A per-unit 0/1 mask expanded to the site's last axis (each unit's entry repeated `width` times). */
export function expandUnitMask(units: readonly number[], count: number, width = 1): Float32Array {
  const m = new Float32Array(count * width);
  for (const u of units) m.fill(1, u * width, (u + 1) * width);
  return m;
}

/** Replaces a site's output for one forward call: receives the clean activation `[..., units]`, returns the one to use. */
export type Hook = (act: tf.Tensor) => tf.Tensor;

/** Per-call hooks, by site name. Never stored on the model. */
export type Hooks = Readonly<Record<string, Hook>>;

/**
 * A forward pass cut at a site: the site's clean activation plus a continuation that finishes the pass from any
 * replacement activation. The continuation accepts `k` stacked copies of the batch (leading axis `k·batch`), so one
 * downstream pass can evaluate many perturbations without repeating the upstream computation.
 * Call `dispose()` when done (it frees `act` and anything the continuation carries).
 */
export interface SiteSplit {
  /** The site's clean activation, `[batch, ..., units]`. */
  readonly act: tf.Tensor;
  /** Logits `[k·batch, classes]` from a replacement activation `[k·batch, ..., units]`. */
  resume(act: tf.Tensor, hooks?: Hooks): tf.Tensor2D;
  dispose(): void;
}

/**
 * A cut at a site that feeds a dense layer directly: besides the {@link SiteSplit}, the dense layer's weight and its
 * clean pre-activation, and a continuation from a replacement pre-activation. Randomizing a few units then changes
 * the pre-activation by a low-rank term, `(replacement − act)[:, S] · weight[S, :]`, so the damage engine need not
 * redo the dense layer's matmul per perturbation (see `path: "lowRank"` in {@link DamageOptions}).
 */
export interface DenseSiteSplit extends SiteSplit {
  /** The dense layer's weight `[features, out]` (features = units × width); owned by the model, not disposed here. */
  readonly weight: tf.Tensor2D;
  /** The clean pre-activation `act · weight + bias`, `[batch, ..., out]`. */
  readonly pre: tf.Tensor;
  /**
   * True when the continuation also reads the site activation itself (a residual connection), so the engine must
   * build the replacement activations too; false when the dense layer is the only reader.
   */
  readonly readsAct: boolean;
  /** Logits `[k·batch, classes]` from a replacement pre-activation `[k·batch, ..., out]`; `act` builds the matching replacement activation on demand. */
  resumeFromPre(pre: tf.Tensor, act: () => tf.Tensor): tf.Tensor2D;
  /**
   * Optional: true when `resumeFromPre(pre, …)` on the clean `pre` runs the very kernels `forward` runs from the site
   * on, so its logits equal `forward`'s bit for bit; the damage engine then takes its clean metric from the cut
   * instead of a second forward pass. Absent or false: the engine runs `forward`.
   */
  readonly resumesLikeForward?: boolean;
  /**
   * Optional: the dense layer after next, when the dense layer's output goes through an elementwise ReLU into another
   * dense layer and nothing else reads it (see {@link ReluDenseNext}); absent or null otherwise. Lets the damage
   * engine take the exact sign-flip path (`path: "signFlip"`).
   */
  readonly next?: ReluDenseNext | null;
}

/**
 * The dense layer after next, seen from a {@link DenseSiteSplit} whose pre-activation `pre` (`[batch, out]`, one row
 * per example) feeds an elementwise ReLU and then this layer: its pre-activation is `relu(pre) · weight + bias`.
 * Randomizing one site unit j shifts `pre` by `δ_j w_jᵀ`, so this layer's pre-activation shifts by
 * `(M ⊙ δ_j w_jᵀ) · weight` (M = [pre > 0]) plus a correction only where the ReLU's input changes sign. Only ReLU is
 * described: other activations have no such exact identity. Offered by the MLP at every site but the last.
 */
export interface ReluDenseNext {
  /** The elementwise activation between the two dense layers. */
  readonly activation: "relu";
  /** This layer's weight `[out, out2]`; owned by the model, not disposed here. */
  readonly weight: tf.Tensor2D;
  /** This layer's bias `[out2]`; owned by the model. */
  readonly bias: tf.Tensor1D;
  /**
   * Logits `[n, classes]` from a replacement pre-activation of this layer `[n, out2]`, one example per row: rows are
   * independent, so the engine may stack the copies of the batch in any order (it interleaves them example-major).
   */
  resumeFromPre(pre: tf.Tensor): tf.Tensor2D;
}

/** One variable tied to a site's units along one axis (the unit's column in, its bias, its row out, ...). */
export interface UnitParameter {
  readonly variable: tf.Variable;
  /** The axis of `variable` that indexes the site's units: unit u owns index u along it. */
  readonly axis: number;
}

/**
 * The parameters that belong to the units of a site that sits between two dense layers (see
 * {@link HookedModel.unitParameters}). With `units` the site's width:
 * - `into`: the weight matrix that makes the site, `[fanIn, units]`, axis 1 (unit u's incoming weights = column u);
 * - `bias`: that layer's bias, `[units]`, axis 0;
 * - `out`: the weight matrix that reads the site, `[units, fanOut]`, axis 0 (unit u's outgoing weights = row u);
 * - `others`: any further variable with one entry per unit (e.g. a per-unit activation shape `[units]`), in forward
 *   order.
 * The variables are the model's own (not copies): scaling unit u's slice of each changes only unit u.
 */
export interface UnitParameters {
  readonly site: string;
  readonly units: number;
  readonly into: UnitParameter;
  readonly bias: UnitParameter;
  readonly out: UnitParameter;
  readonly others: readonly UnitParameter[];
}

/** A variable with a stable name inside its model (for checkpoints and reports). */
export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
}

/**
 * A model antitrain can measure and antitrain: a forward function with named sites, its variables in forward order,
 * and the ability to cut the forward pass at a site. Made by {@link mlp}, {@link fromLayersModel} and the other builders.
 */
export interface HookedModel {
  /** What built it ("mlp", "sequential", ...). */
  readonly kind: string;
  /** Input width (features per example; for a multi-axis input, the product of `inputShape`). */
  readonly inputs: number;
  /**
   * Optional: the per-example input shape when the model takes more than one axis (images `[h, w, c]`); absent means
   * `[inputs]`. Input checks compare `x.shape.slice(1)` against it.
   */
  readonly inputShape?: readonly number[];
  /** Number of output classes (logits per example). */
  readonly classes: number;
  /** Optional: the output layer's name, where the model names its layers (a wrapped `tf.LayersModel`); it is not a site. */
  readonly output?: string;
  /** The sites in forward order. */
  sites(): SiteInfo[];
  /** Trainable variables in forward order. */
  variables(): tf.Variable[];
  /** Trainable variables with their names, in forward order. */
  namedVariables(): NamedVariable[];
  /** Logits `[batch, classes]`; `hooks` replace site outputs for this call only. */
  forward(x: tf.Tensor, hooks?: Hooks): tf.Tensor2D;
  /** Cuts the forward pass at `site` (see {@link SiteSplit}). */
  split(site: string, x: tf.Tensor): SiteSplit;
  /**
   * Optional: cuts at `site` when the site feeds a dense layer directly (see {@link DenseSiteSplit}); null when it
   * does not. Lets the damage engine take the exact low-rank shortcut.
   */
  splitDense?(site: string, x: tf.Tensor): DenseSiteSplit | null;
  /**
   * Optional: the parameters that belong to `site`'s units (see {@link UnitParameters}): the incoming weight matrix
   * and bias and the outgoing weight matrix, each with the axis that indexes the units. Throws an AntitrainError
   * listing the sites that have them for an unknown site or one that does not sit between two dense layers. Lets
   * regularizers, optimizers and pruning find a unit's weights without parsing variable names.
   */
  unitParameters?(site: string): UnitParameters;
  /** The variables used after `site` in the forward pass: the only ones an antitrain step may change. */
  downstreamVariables(site: string): tf.Variable[];
  /** Frees the model's variables. */
  dispose(): void;
}

/**
 * A model that can physically remove units of a site (see {@link compress}). `fill` holds, for every unit of the
 * site (every element of it when the site's `width` > 1), the constant a removed unit is replaced by before its
 * contribution is folded into the next layer's bias.
 */
export interface CompressibleModel extends HookedModel {
  removeUnits(site: string, keep: readonly number[], fill: Float32Array): HookedModel;
}

/** True when the model supports {@link compress}. */
export function isCompressible(model: HookedModel): model is CompressibleModel {
  return typeof (model as Partial<CompressibleModel>).removeUnits === "function";
}
