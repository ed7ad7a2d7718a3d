/**
 * Any TensorFlow.js `tf.LayersModel` (a `tf.sequential` or a functional `tf.model`) as a {@link HookedModel}.
 *
 * The adapter walks the layer graph once, backwards from the model's output through each symbolic tensor's inbound
 * node, and keeps the layer calls in topological order. It then runs the layers itself (never `model.predict`), so
 * every layer output can be read, hooked, or used as the cut of a split. A cut keeps what the pass before it computed
 * that the rest still needs: a skip connection or a branch that bypasses the site is carried into `resume`.
 *
 * Units: a layer output's units lie on its last axis, except after a `dataFormat: "channelsFirst"` layer, whose
 * channels lie on axis 1. Hooks, `split(..).act` and the statistics always see such a site channels-last (the adapter
 * moves axis 1 to the end and back), so the contract "units on the last axis" holds. Where the unit axis cannot be
 * known (a layer that reshapes a channels-first tensor), the output is not a site.
 */
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireInput, requireKnownKeys, requireSite } from "../base/validate";
import { type LayerActivation, findDenseReader } from "./layers-dense-reader";
import type { DenseSiteSplit, HookedModel, Hooks, NamedVariable, ReluDenseNext, SiteInfo, SiteSplit, UnitParameter, UnitParameters } from "./types";

/** Options for {@link fromLayersModel}. */
export interface FromLayersModelOptions {
  /**
   * The layers whose outputs are sites, by layer name. Default: every layer output with a unit axis, except the
   * model's output (the logits).
   */
  sites?: readonly string[];
  /**
   * Default false: every pass runs in inference mode (dropout off, batch normalization on its moving averages), so
   * passes are deterministic and never change the model; measurement and antitraining use this. With true, a pass
   * that runs while TensorFlow.js records gradients (`at.train`, `at.antitrainStep`, a gradient-based importance)
   * runs in training mode as `model.fit` does: dropout active (its draws come from tfjs, not from a seed) and batch
   * normalization on batch statistics, updating its moving averages. Passes without gradients stay in inference mode.
   */
  training?: boolean;
}

const OPTION_KEYS = ["sites", "training"] as const satisfies readonly (keyof FromLayersModelOptions)[];

/**
 * Wraps any `tf.LayersModel` (Sequential or functional: skip connections through `add` or `concatenate`, branches,
 * convolutions, any input rank) as a {@link HookedModel} whose sites are layer outputs named by their layers: a
 * dense layer's neurons, a convolution's channels (`channelsFirst` included, seen channels-last). The model's
 * output is taken as logits; when it ends in a softmax, log-probabilities are used instead (logits up to a constant
 * per example, so every metric is unchanged). The wrapper shares the model's variables: training either trains both;
 * dropout and batch normalization run in inference mode unless `training: true` (see {@link FromLayersModelOptions}).
 * Refused with an AntitrainError: several inputs or outputs, an output that is not `[batch, classes]`, an input shape
 * with unknown sizes, a layer called twice in the graph (shared weights), a layer with several outputs.
 * Measurement takes the damage engine's exact low-rank path (see {@link LayersHookedModel.splitDense}) at a site read
 * by a `Dense` layer or a 1×1 `Conv1D`/`Conv2D` (channels last, stride and dilation 1), directly or through dropout
 * and noise layers (those only with `training: false`); elsewhere (a flatten, pooling or merge reads the site, a
 * channels-first site) the batched path, with the same results.
 *
 * @example
 * const input = tf.input({ shape: [8, 8, 1] });
 * const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", name: "conv" }).apply(input);
 * const out = tf.layers.dense({ units: 10, name: "out" }).apply(tf.layers.flatten().apply(conv));
 * const model = at.fromLayersModel(tf.model({ inputs: input, outputs: out as tf.SymbolicTensor }));
 * model.sites();   // [{ name: "conv", units: 4 }, { name: "flatten_Flatten1", units: 144 }]
 */
export function fromLayersModel(model: tf.LayersModel, options: FromLayersModelOptions = {}): LayersHookedModel {
  requireKnownKeys(options, OPTION_KEYS, "fromLayersModel");
  if (options.training !== undefined && typeof options.training !== "boolean") {
    throw new AntitrainError(`fromLayersModel's training must be true or false, got ${JSON.stringify(options.training)}`);
  }
  return new LayersHookedModel(model, options);
}

/** Where a tensor's units lie: on the last axis, on axis 1 (after a channelsFirst layer), or unknown. */
export type Layout = "last" | "first" | "unknown";

/**
 * One layer call of a wrapped model's graph, in topological order (see {@link LayersHookedModel.layerCalls}). Value
 * slot 0 is the model input; call i writes slot i + 1.
 */
export interface LayerCall {
  readonly layer: tf.layers.Layer;
  /** The slots it reads. */
  readonly inputs: readonly number[];
  /** The slot it writes. */
  readonly slot: number;
  /** Where its output's units lie: the last axis, axis 1 (after a channelsFirst layer), or unknown. */
  readonly layout: Layout;
  /** Output shape without the batch axis. */
  readonly shape: readonly number[];
}
type Step = LayerCall;

/** A cut at one site: the steps after it, and the slots computed before it that those steps read. */
interface Plan {
  readonly step: number;
  readonly downstream: ReadonlySet<number>;
  readonly kept: readonly number[];
}

/** How the output layer's result becomes logits. */
type OutputKind = "plain" | "logSoftmaxOfInput" | "denseLogits" | "logOfProbabilities";

/** A `tf.LayersModel` as a {@link HookedModel}; made by {@link fromLayersModel}. */
export class LayersHookedModel implements HookedModel {
  readonly kind: string;
  readonly inputs: number;
  readonly inputShape: readonly number[];
  readonly classes: number;
  /** The output layer's name (not a site). */
  readonly output: string;
  /**
   * What the adapter noticed but did not refuse, e.g. a Reshape or Permute site whose "units" mix different neurons
   * (also printed once with console.warn when the model is wrapped).
   */
  readonly warnings: readonly string[];
  private readonly steps: readonly Step[];
  private readonly siteInfos: readonly SiteInfo[];
  private readonly siteSteps: ReadonlyMap<string, number>;
  private readonly outputKind: OutputKind;
  private readonly training: boolean;
  private readonly plans = new Map<number, Plan>();
  /** The options it was wrapped with (compress wraps a compressed model with the same). */
  readonly options: Readonly<FromLayersModelOptions>;

  constructor(
    private readonly model: tf.LayersModel,
    options: FromLayersModelOptions,
  ) {
    if (model === null || typeof model !== "object" || !Array.isArray(model.inputs) || !Array.isArray(model.layers)) {
      throw new AntitrainError(`fromLayersModel needs a tf.LayersModel (tf.sequential or tf.model), got ${model === null ? "null" : typeof model}`);
    }
    this.kind = model instanceof tf.Sequential ? "sequential" : "layers";
    const { steps, inputShape } = buildSteps(model);
    this.steps = steps;
    this.inputShape = inputShape;
    this.inputs = inputShape.reduce((a, b) => a * b, 1);
    const last = steps[steps.length - 1];
    if (last.shape.length !== 1) {
      throw new AntitrainError(
        `fromLayersModel needs an output of logits or probabilities [batch, classes]; this model's output is [batch, ${last.shape.join(", ")}]: end it with a dense layer of one unit per class (after tf.layers.flatten or a global pooling layer)`,
      );
    }
    this.classes = last.shape[0];
    this.output = last.layer.name;
    this.outputKind = outputKind(last, steps);
    this.training = options.training ?? false;
    this.options = { ...options };
    const candidates = steps.slice(0, -1).map((s, i) => ({ step: s, index: i })).filter(({ step }) => step.layout !== "unknown");
    const chosen = options.sites === undefined ? candidates : pickSites(options.sites, candidates, steps);
    this.siteInfos = chosen.map(({ step }) => ({ name: step.layer.name, units: unitsOf(step) }));
    this.siteSteps = new Map(chosen.map(({ step, index }) => [step.layer.name, index]));
    if (this.siteInfos.length === 0) {
      throw new AntitrainError("this model has no site: a site is the output of a layer before the last one (add a hidden layer)");
    }
    this.warnings = chosen.map(({ step }) => mixingWarning(step, steps)).filter((w): w is string => w !== null);
    for (const w of this.warnings) console.warn(`antitrain: ${w}`);
  }

  sites(): SiteInfo[] {
    return this.siteInfos.map((s) => ({ ...s }));
  }

  variables(): tf.Variable[] {
    return this.namedVariables().map((v) => v.variable);
  }

  namedVariables(): NamedVariable[] {
    return stepVariables(this.steps);
  }

  forward(x: tf.Tensor, hooks: Hooks = {}): tf.Tensor2D {
    requireInput(this, x);
    for (const name of Object.keys(hooks)) requireSite(this, name);
    return tf.tidy(() => {
      const values = new Map<number, tf.Tensor>([[0, x]]);
      this.execute(values, () => true, hooks);
      return owned(values.get(this.steps.length) as tf.Tensor2D, [x]);
    });
  }

  split(site: string, x: tf.Tensor): SiteSplit {
    const plan = this.plan(site);
    requireInput(this, x);
    const { act, kept } = this.cut(plan, x);
    const resume = (a: tf.Tensor, hooks: Hooks = {}) => this.resumeCut(site, plan, act, kept, a, hooks);
    return { act, resume, dispose: () => tf.dispose([act, ...kept]) };
  }

  /**
   * The cut at `site` with the one linear layer that reads it exposed, for the damage engine's exact low-rank path
   * (see {@link DenseSiteSplit}); null where the site feeds no such layer (the engine then takes its batched path).
   * Offered where the site's output (units on the last axis) is read by a `Dense` layer (at any rank: it applies its
   * kernel along the last axis) or by a `Conv1D`/`Conv2D` with kernel size 1, strides 1, dilation 1 and channels last,
   * possibly through dropout and noise layers when the model was wrapped with `training: false`. `weight` is the
   * reader's kernel as `[units, out]`, `pre` its input times the kernel plus its bias, before its activation;
   * `resumeFromPre` applies the activation and runs the rest of the graph, carrying the branches that bypass the site.
   * `readsAct` is true when anything else (a skip, a merge, another branch) also reads the site. `next` (the sign-flip
   * path) is offered where the reader is a Dense with ReLU whose output alone feeds one more Dense with a bias and no
   * branch bypasses the site. Call `dispose()` when done.
   *
   * @example
   * const model = at.fromLayersModel(tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8, name: "h" }), tf.layers.dense({ units: 3 })] }));
   * const cut = model.splitDense("h", x);   // cut.weight: [8, 3]; cut.pre: [batch, 3]
   * const logits = cut?.resumeFromPre(cut.pre, () => cut.act);   // equals model.forward(x)
   * cut?.dispose();
   */
  splitDense(site: string, x: tf.Tensor): DenseSiteSplit | null {
    const plan = this.plan(site);
    requireInput(this, x);
    const found = findDenseReader(this.steps, plan.step, !this.training);
    if (found === null) return null;
    const reader = this.steps[found.index];
    const batch = x.shape[0];
    const { act, kept } = this.cut(plan, x);
    const [units, out] = found.kernel.shape.slice(-2);
    const weight = (found.kernel.rank === 2 ? found.kernel : tf.reshape(found.kernel, [units, out])) as tf.Tensor2D;
    const pre = tf.tidy(() => {
      const z = tf.matMul(tf.reshape(act, [-1, units]), weight);
      return tf.reshape(found.bias === undefined ? z : tf.add(z, found.bias), [batch, ...reader.shape]);
    });
    const last = this.steps.length;
    const resumeFromPre = (z: tf.Tensor, replaced: () => tf.Tensor): tf.Tensor2D => {
      const k = this.requirePre(site, pre, batch, z);
      return tf.tidy(() => {
        const values = this.carried(plan, kept, k);
        if (found.readsAct) {
          const a = replaced();
          if (a.shape.length !== act.rank || a.shape[0] !== z.shape[0] || a.shape.slice(1).some((d, i) => d !== act.shape[i + 1])) {
            throw new AntitrainError(`resumeFromPre at "${site}" needs the replacement activation [${z.shape[0]}, ${act.shape.slice(1).join(", ")}], got [${a.shape.join(", ")}]`);
          }
          values.set(this.steps[plan.step].slot, a);
        }
        values.set(reader.slot, this.fromPre(found.index, z, found.activation));
        const chain = new Set(found.chain);
        this.execute(values, (i) => plan.downstream.has(i) && i !== found.index && (found.readsAct || !chain.has(i)), {});
        return owned(values.get(last) as tf.Tensor2D, [z, ...kept]);
      });
    };
    const after = found.next;
    const next: ReluDenseNext | null =
      after === null || plan.kept.length > 0
        ? null
        : {
            activation: "relu",
            weight: after.kernel as tf.Tensor as tf.Tensor2D,
            bias: after.bias as tf.Tensor as tf.Tensor1D,
            resumeFromPre: (z: tf.Tensor): tf.Tensor2D => {
              const out2 = after.kernel.shape[1];
              if (z === null || typeof z !== "object" || z.isDisposed || z.rank !== 2 || z.shape[1] !== out2) {
                throw new AntitrainError(`next.resumeFromPre at "${site}" needs a live pre-activation [rows, ${out2}]`);
              }
              return tf.tidy(() => {
                const values = new Map<number, tf.Tensor>([[this.steps[after.index].slot, this.fromPre(after.index, z, after.activation)]]);
                this.execute(values, (i) => i > after.index && plan.downstream.has(i), {});
                return owned(values.get(last) as tf.Tensor2D, [z]);
              });
            },
          };
    return {
      act,
      resume: (a: tf.Tensor, hooks: Hooks = {}) => this.resumeCut(site, plan, act, kept, a, hooks),
      weight,
      pre,
      readsAct: found.readsAct,
      resumeFromPre,
      next,
      dispose: () => tf.dispose(weight === (found.kernel as tf.Tensor) ? [act, pre, ...kept] : [act, pre, weight, ...kept]),
    };
  }

  downstreamVariables(site: string): tf.Variable[] {
    const plan = this.plan(site);
    return stepVariables(this.steps.filter((_, i) => plan.downstream.has(i))).map((v) => v.variable);
  }

  /**
   * The parameters of `site`'s units, where the site is made by a dense or convolution layer (possibly followed by
   * per-unit layers: activation, dropout, batch normalization, whose trainable per-unit variables become `others`)
   * and read by exactly one dense or convolution layer (possibly through pooling and per-unit layers): `into` is the
   * making kernel (units on its last axis), `bias` its bias, `out` the reading kernel (units on its input-channel
   * axis: 0 for dense, rank − 2 for a convolution). An AntitrainError says why a site has none (a flatten between a
   * convolution and a dense layer, a skip connection that reads the site twice, a layer without bias, ...).
   *
   * @example
   * const model = at.fromLayersModel(cnn);
   * const { into, out } = model.unitParameters("conv1");
   * into.variable.shape;   // [3, 3, 1, 8]: channel u's filter is into.variable[..., u]
   * out.variable.shape;    // [3, 3, 8, 16]: channel u feeds out.variable[:, :, u, :]
   */
  unitParameters(site: string): UnitParameters {
    const index = this.plan(site).step;
    const units = unitsOf(this.steps[index]);
    const refuse = (why: string): never => {
      throw new AntitrainError(`site "${site}" has no unit parameters: ${why}`);
    };
    const others: UnitParameter[] = [];
    // Backwards through per-unit layers to the layer that makes the units.
    let maker = index;
    while (PER_UNIT.has(className(this.steps[maker].layer))) {
      others.unshift(...perUnitVariables(this.steps[maker].layer, units));
      const from = this.steps[maker].inputs[0];
      if (from === 0) refuse("it is made from the model input by no dense or convolution layer");
      maker = from - 1;
    }
    const making = this.steps[maker].layer;
    if (!KERNEL_LAYERS.has(className(making))) refuse(`it is made by ${article(className(making))} layer, not by a dense or convolution layer`);
    const [kernel, bias] = kernelAndBias(making);
    if (bias === undefined) return refuse(`layer "${making.name}" has no bias (useBias: false)`);
    // Forwards through pooling and per-unit layers to the one layer that reads the units.
    let reader = index;
    for (;;) {
      const slot = this.steps[reader].slot;
      const readers = this.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.inputs.includes(slot));
      const by = readers.map(({ s }) => `"${s.layer.name}"`).join(" and ");
      if (readers.length !== 1) {
        refuse(`layer "${this.steps[reader].layer.name}" is read by ${by}: a unit has one outgoing weight only when a single dense or convolution layer reads it`);
      }
      if (readers[0].s.inputs.length !== 1) {
        refuse(`layer "${this.steps[reader].layer.name}" is read by ${by}, ${article(className(readers[0].s.layer))} layer that merges it with another tensor: a unit has one outgoing weight only when a single dense or convolution layer reads it`);
      }
      reader = readers[0].i;
      const name = className(this.steps[reader].layer);
      if (KERNEL_LAYERS.has(name)) break;
      if (name === "Flatten") refuse(`a flatten layer ("${this.steps[reader].layer.name}") mixes the units with positions before the next dense layer, so no single axis of its kernel indexes them`);
      if (!PER_UNIT.has(name) && !POOLING.has(name)) refuse(`it is read by ${article(name)} layer ("${this.steps[reader].layer.name}"), not by a dense or convolution layer`);
      others.push(...perUnitVariables(this.steps[reader].layer, units));
    }
    const [outKernel] = kernelAndBias(this.steps[reader].layer);
    const outAxis = outKernel.rank - 2;
    if (kernel.shape[kernel.rank - 1] !== units || bias.shape[0] !== units || outKernel.shape[outAxis] !== units) {
      refuse(`the kernels around it do not have ${units} units on their unit axes`);
    }
    return { site, units, into: { variable: kernel, axis: kernel.rank - 1 }, bias: { variable: bias, axis: 0 }, out: { variable: outKernel, axis: outAxis }, others };
  }

  /** The wrapped `tf.LayersModel` itself (not a copy): what `predict`, `fit` and `at.saveModel` take. */
  get layersModel(): tf.LayersModel {
    return this.model;
  }

  /** The layer calls of the graph in topological order (how compression finds the layers around a site). */
  layerCalls(): readonly LayerCall[] {
    return this.steps;
  }

  /** Frees the wrapped model's variables (the `tf.LayersModel` is unusable afterwards). */
  dispose(): void {
    this.model.dispose();
  }

  /** The cut at `site` (throws listing the real sites), computed once. */
  private plan(site: string): Plan {
    requireSite(this, site);
    const index = this.siteSteps.get(site) as number;
    const cached = this.plans.get(index);
    if (cached !== undefined) return cached;
    const reached = new Set([this.steps[index].slot]);
    const downstream = new Set<number>();
    this.steps.forEach((s, i) => {
      if (i > index && s.inputs.some((slot) => reached.has(slot))) {
        downstream.add(i);
        reached.add(s.slot);
      }
    });
    const kept = new Set<number>();
    for (const i of downstream) for (const slot of this.steps[i].inputs) if (!reached.has(slot)) kept.add(slot);
    const plan = { step: index, downstream, kept: [...kept].sort((a, b) => a - b) };
    this.plans.set(index, plan);
    return plan;
  }

  /** The forward pass up to the cut: the site's activation (units last) and the slots the rest reads, all owned. */
  private cut(plan: Plan, x: tf.Tensor): { act: tf.Tensor; kept: tf.Tensor[] } {
    const step = this.steps[plan.step];
    // Clones: a layer may return its input unchanged (dropout in inference mode), and a split must never hand out,
    // or later free, a tensor the caller owns.
    return tf.tidy(() => {
      const values = new Map<number, tf.Tensor>([[0, x]]);
      this.execute(values, (i) => !plan.downstream.has(i), {});
      return {
        act: tf.clone(toUnitsLast(values.get(step.slot) as tf.Tensor, step.layout)),
        kept: plan.kept.map((s) => tf.clone(values.get(s) as tf.Tensor)),
      };
    });
  }

  /** Logits from a replacement activation `a` (k stacked copies of the batch) at the cut of {@link cut}. */
  private resumeCut(site: string, plan: Plan, act: tf.Tensor, kept: readonly tf.Tensor[], a: tf.Tensor, hooks: Hooks): tf.Tensor2D {
    const batch = act.shape[0];
    this.requireResumable(site, plan, act, batch, a, hooks);
    const step = this.steps[plan.step];
    return tf.tidy(() => {
      const values = this.carried(plan, kept, a.shape[0] / batch);
      values.set(step.slot, fromUnitsLast(a, step.layout));
      this.execute(values, (i) => plan.downstream.has(i), hooks);
      return owned(values.get(this.steps.length) as tf.Tensor2D, [a, ...kept]);
    });
  }

  /** The carried slots of a cut for k stacked copies of the batch (tiled when k > 1), as the start of a resume. */
  private carried(plan: Plan, kept: readonly tf.Tensor[], k: number): Map<number, tf.Tensor> {
    const values = new Map<number, tf.Tensor>();
    plan.kept.forEach((s, j) => values.set(s, k === 1 ? kept[j] : tf.tile(kept[j], [k, ...kept[j].shape.slice(1).map(() => 1)])));
    return values;
  }

  /** Step `index`'s output from its pre-activation `z`: its activation, or the logits where it is the output layer. */
  private fromPre(index: number, z: tf.Tensor, activation: LayerActivation): tf.Tensor {
    if (index !== this.steps.length - 1) return activation.apply(z);
    switch (this.outputKind) {
      case "denseLogits":
        return z;
      case "logOfProbabilities":
        return tf.log(tf.maximum(activation.apply(z), 1e-30));
      default:
        // "plain"; "logSoftmaxOfInput" belongs to a Softmax or Activation output layer, which is never a reader.
        return activation.apply(z);
    }
  }

  /** Refuses a replacement pre-activation that is not k stacked copies of the batch shaped like `pre`; returns k. */
  private requirePre(site: string, pre: tf.Tensor, batch: number, z: tf.Tensor): number {
    if (pre.isDisposed) throw new AntitrainError(`the dense split at "${site}" was disposed: resume before calling dispose()`);
    const trailing = pre.shape.slice(1);
    if (
      z === null ||
      typeof z !== "object" ||
      !Array.isArray(z.shape) ||
      z.isDisposed ||
      z.rank !== pre.rank ||
      z.shape.slice(1).some((d, i) => d !== trailing[i]) ||
      z.shape[0] % batch !== 0 ||
      z.shape[0] === 0
    ) {
      throw new AntitrainError(
        `resumeFromPre at "${site}" takes a live pre-activation of k stacked copies of the batch, [k·${batch}, ${trailing.join(", ")}]${z !== null && typeof z === "object" && Array.isArray(z.shape) ? `; got [${z.shape.join(", ")}]` : ""}`,
      );
    }
    return z.shape[0] / batch;
  }

  /** Runs the steps that `run` selects, in order, reading and writing `values`; hooks replace site outputs. */
  private execute(values: Map<number, tf.Tensor>, run: (i: number) => boolean, hooks: Hooks): void {
    const training = this.training && tf.engine().isTapeOn();
    const lastIndex = this.steps.length - 1;
    this.steps.forEach((step, i) => {
      if (!run(i)) return;
      const inputs = step.inputs.map((s) => values.get(s) as tf.Tensor);
      let out = i === lastIndex ? this.logits(step, inputs, training) : applyLayer(step.layer, inputs, training);
      const hook = hooks[step.layer.name];
      if (hook !== undefined && i !== lastIndex && this.siteSteps.has(step.layer.name)) {
        out = fromUnitsLast(hook(toUnitsLast(out, step.layout)), step.layout);
      }
      values.set(step.slot, out);
    });
  }

  /** The output layer's result as logits `[batch, classes]`. */
  private logits(step: Step, inputs: tf.Tensor[], training: boolean): tf.Tensor {
    switch (this.outputKind) {
      case "plain":
        return applyLayer(step.layer, inputs, training);
      case "logSoftmaxOfInput":
        return tf.logSoftmax(inputs[0]);
      case "denseLogits": {
        const [kernel, bias] = kernelAndBias(step.layer);
        const z = tf.matMul(inputs[0] as tf.Tensor2D, kernel as tf.Tensor as tf.Tensor2D);
        return bias === undefined ? z : tf.add(z, bias);
      }
      case "logOfProbabilities":
        return tf.log(tf.maximum(applyLayer(step.layer, inputs, training), 1e-30));
      default: {
        const unknown: never = this.outputKind;
        throw new AntitrainError(`unknown output kind ${String(unknown)}`);
      }
    }
  }

  /** Refuses a replacement activation or hooks that do not fit the cut at `site`. */
  private requireResumable(site: string, plan: Plan, act: tf.Tensor, batch: number, a: tf.Tensor, hooks: Hooks): void {
    if (act.isDisposed) throw new AntitrainError(`the split at "${site}" was disposed: resume before calling dispose()`);
    if (a === null || typeof a !== "object" || !Array.isArray(a.shape) || a.isDisposed) {
      throw new AntitrainError(`resume at "${site}" needs a live tf.Tensor shaped like split(..).act`);
    }
    const trailing = act.shape.slice(1);
    if (a.rank !== act.rank || a.shape.slice(1).some((d, i) => d !== trailing[i]) || a.shape[0] % batch !== 0 || a.shape[0] === 0) {
      throw new AntitrainError(
        `resume at "${site}" got [${a.shape.join(", ")}]; it takes k stacked copies of the batch, [k·${batch}, ${trailing.join(", ")}]`,
      );
    }
    for (const name of Object.keys(hooks)) {
      requireSite(this, name);
      const index = this.siteSteps.get(name) as number;
      if (!plan.downstream.has(index)) {
        const after = this.siteInfos.filter((s) => plan.downstream.has(this.siteSteps.get(s.name) as number)).map((s) => `"${s.name}"`);
        throw new AntitrainError(
          `resume from "${site}" can hook only sites computed after it (${after.length > 0 ? after.join(", ") : "none"}); "${name}" is not: hook it in forward instead`,
        );
      }
    }
  }
}

// Layers whose output has the same units, on the same axis, as their input (one input) or inputs (merges).
const LAYOUT_KEEPING = new Set([
  "Activation", "ReLU", "LeakyReLU", "ELU", "ThresholdedReLU", "PReLU", "Softmax", "Dropout", "SpatialDropout1D",
  "GaussianNoise", "GaussianDropout", "AlphaDropout", "BatchNormalization", "LayerNormalization", "Masking",
  "Add", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
]);
// Layers whose output has its units on the last axis whatever their input's layout.
const LAST_AXIS = new Set(["Dense", "Flatten", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Embedding", "SimpleRNN", "LSTM", "GRU"]);
// Layers that act on each unit separately (an activation, a dropout mask, a per-channel normalization).
const PER_UNIT = new Set(["Activation", "ReLU", "LeakyReLU", "ELU", "ThresholdedReLU", "Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "BatchNormalization"]);
const POOLING = new Set(["MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D"]);
// Layers with a kernel whose last axis is its output units and whose second-to-last axis is its input units.
const KERNEL_LAYERS = new Set(["Dense", "Conv1D", "Conv2D", "Conv3D"]);

function className(layer: tf.layers.Layer): string {
  return layer.getClassName();
}

/** The graph of `model` as steps in topological order, walked back from its output. */
function buildSteps(model: tf.LayersModel): { steps: Step[]; inputShape: number[] } {
  if (model.inputs.length === 0 || model.outputs === undefined || model.outputs.length === 0) {
    throw new AntitrainError("this model is not built yet: give its first layer an inputShape (or call model.build) before wrapping it");
  }
  if (model.inputs.length !== 1) {
    throw new AntitrainError(`fromLayersModel takes models with one input; this one has ${model.inputs.length} (${model.inputs.map((t) => t.name).join(", ")}): concatenate them into one input`);
  }
  if (model.outputs.length !== 1) {
    throw new AntitrainError(`fromLayersModel takes models with one output (the logits); this one has ${model.outputs.length}: build a model of the output you want to measure`);
  }
  const input = model.inputs[0];
  const inputShape = input.shape.slice(1);
  if (inputShape.length === 0 || inputShape.some((d) => d === null || !(d > 0))) {
    throw new AntitrainError(`fromLayersModel needs a fixed input shape; this model takes [${input.shape.map((d) => d ?? "null").join(", ")}]: build it with a fixed inputShape`);
  }
  const steps: Step[] = [];
  const slotOf = new Map<number, number>([[input.id, 0]]);
  const layoutOf = (slot: number): Layout => (slot === 0 ? "last" : steps[slot - 1].layout);
  const nodeOf = new Map<tf.layers.Layer, number>();
  const visit = (t: tf.SymbolicTensor): number => {
    const known = slotOf.get(t.id);
    if (known !== undefined) return known;
    const layer = t.sourceLayer;
    if (className(layer) === "InputLayer") {
      throw new AntitrainError(`this model reads a second input ("${layer.name}"): fromLayersModel takes models with one input`);
    }
    const node = layer.inboundNodes[t.nodeIndex];
    if (node.outputTensors.length !== 1) {
      throw new AntitrainError(`layer "${layer.name}" (${className(layer)}) gives ${node.outputTensors.length} outputs: fromLayersModel takes layers with one output`);
    }
    const seen = nodeOf.get(layer);
    if (seen !== undefined && seen !== t.nodeIndex) {
      throw new AntitrainError(`layer "${layer.name}" is called twice in this model (shared weights): fromLayersModel needs each layer called once; build the branches from separate layers`);
    }
    nodeOf.set(layer, t.nodeIndex);
    const inputs = node.inputTensors.map(visit);
    const shape = t.shape.slice(1);
    if (shape.some((d) => d === null)) {
      throw new AntitrainError(`layer "${layer.name}" gives [batch, ${shape.map((d) => d ?? "null").join(", ")}]: fromLayersModel needs fixed sizes; build the model with a fixed inputShape`);
    }
    requireLastAxisBatchNorm(layer, shape.length + 1);
    const slot = steps.length + 1;
    steps.push({ layer, inputs, slot, layout: layoutAfter(layer, inputs.map(layoutOf)), shape: shape as number[] });
    slotOf.set(t.id, slot);
    return slot;
  };
  visit(model.outputs[0]);
  if (steps.length === 0) throw new AntitrainError("this model has no layers between its input and output: add a hidden layer and an output layer");
  return { steps, inputShape: inputShape as number[] };
}

/**
 * A warning for a Reshape or Permute site whose last axis is no longer its input's unit axis: its "units" then mix
 * values of different neurons (or positions), so randomizing one is not randomizing a neuron. Null otherwise.
 */
function mixingWarning(step: Step, steps: readonly Step[]): string | null {
  const name = className(step.layer);
  if (name !== "Reshape" && name !== "Permute") return null;
  const input = step.inputs[0] === 0 ? null : steps[step.inputs[0] - 1];
  const inLast = input === null ? undefined : input.shape[input.shape.length - 1];
  const outLast = step.shape[step.shape.length - 1];
  const dims = (step.layer.getConfig() as { dims?: unknown }).dims;
  const moved = name === "Permute" ? !(Array.isArray(dims) && dims[dims.length - 1] === dims.length) : inLast !== outLast;
  if (!moved) return null;
  return `site "${step.layer.name}" is the output of a ${name} layer that moves the unit axis: its ${outLast} "units" mix values of different neurons or positions, so its importances do not describe neurons; measure the layer before it, or pass fromLayersModel({ sites }) without it`;
}

/** "a" or "an" before a layer's class name, by its sound: "an LSTM", "an Embedding", "a GRU", "a Dense". */
export function article(name: string): string {
  const initialism = /^[A-Z]{2,}/.test(name);
  return /^[AEIOU]/.test(name) || (initialism && /^[FHLMNRSX]/.test(name)) ? `an ${name}` : `a ${name}`;
}

/**
 * Refuses a BatchNormalization over any axis but the last (channels-first, `axis: 1` on images): TensorFlow.js's cpu
 * and wasm `batchNorm` apply the parameters along the last axis whatever `axis` says (tensorflow/tfjs#1106, closed
 * unfixed), so such a layer computes wrong outputs and cannot be trained; measuring or compressing it would report
 * numbers of a model that does not exist. `rank` counts the batch axis.
 */
function requireLastAxisBatchNorm(layer: tf.layers.Layer, rank: number): void {
  if (className(layer) !== "BatchNormalization") return;
  const axis = (layer.getConfig() as { axis?: unknown }).axis;
  const axes = (Array.isArray(axis) ? axis : [axis ?? -1]).map((a) => (typeof a === "number" && a < 0 ? a + rank : a));
  if (axes.length === 1 && axes[0] === rank - 1) return;
  throw new AntitrainError(
    `layer "${layer.name}" is a BatchNormalization over axis ${JSON.stringify(axis)} of a rank-${rank} tensor (channels first), which TensorFlow.js computes wrongly: its cpu and wasm batchNorm apply the parameters along the last axis whatever axis says (tensorflow/tfjs#1106), and it cannot be trained. ` +
      'Rebuild the model channels-last (dataFormat "channelsLast" in the convolutions, BatchNormalization with axis -1, the input transposed to [batch, height, width, channels]) and copy the weights across',
  );
}

/** Where a layer's output keeps its units, from its class, its `dataFormat` and its inputs' layouts. */
function layoutAfter(layer: tf.layers.Layer, inputs: readonly Layout[]): Layout {
  const name = className(layer);
  if (LAST_AXIS.has(name)) return "last";
  const format = (layer.getConfig() as { dataFormat?: unknown }).dataFormat;
  if (format === "channelsFirst") return "first";
  if (format === "channelsLast") return "last";
  const all = inputs.every((l) => l === inputs[0]) ? inputs[0] : "unknown";
  if (LAYOUT_KEEPING.has(name)) return all;
  // Another layer (reshape, permute, a nested model, ...): units on the last axis, as Keras assumes, unless an
  // input was channels-first, when nothing says where they went.
  return all === "last" ? "last" : "unknown";
}

/** How the output layer becomes logits: a softmax is undone (log-probabilities), exactly where it can be. */
function outputKind(last: Step, steps: readonly Step[]): OutputKind {
  const name = className(last.layer);
  const config = last.layer.getConfig() as { activation?: unknown; axis?: unknown };
  if (name === "Softmax" && (config.axis === undefined || config.axis === -1 || config.axis === 1)) return "logSoftmaxOfInput";
  if (config.activation !== "softmax") return "plain";
  if (name === "Activation") return "logSoftmaxOfInput";
  const inputRank = last.inputs[0] === 0 ? 1 : steps[last.inputs[0] - 1].shape.length;
  if (name === "Dense" && inputRank === 1) return "denseLogits";
  return "logOfProbabilities";
}

/** The chosen sites, refusing names that are not layers or whose outputs are not sites. */
function pickSites(names: readonly string[], candidates: readonly { step: Step; index: number }[], steps: readonly Step[]): { step: Step; index: number }[] {
  const listed = candidates.map(({ step }) => `"${step.layer.name}"`).join(", ");
  if (!Array.isArray(names) || names.length === 0) throw new AntitrainError(`sites must list at least one layer name; this model's sites are ${listed}`);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new AntitrainError(`sites lists "${repeated}" twice: list each layer once`);
  const picked = new Set<string>();
  for (const name of names) {
    const step = steps.find((s) => s.layer.name === name);
    if (step === undefined) throw new AntitrainError(`sites: this model has no layer "${name}"; its sites are ${listed}`);
    if (step === steps[steps.length - 1]) throw new AntitrainError(`sites: "${name}" is the model's output (the logits), not a site; its sites are ${listed}`);
    if (step.layout === "unknown") {
      throw new AntitrainError(`sites: "${name}" (${className(step.layer)}) reshapes a channels-first tensor, so its unit axis is unknown; choose among ${listed}`);
    }
    picked.add(name);
  }
  return candidates.filter(({ step }) => picked.has(step.layer.name));
}

function unitsOf(step: Step): number {
  return step.layout === "first" ? step.shape[0] : step.shape[step.shape.length - 1];
}

/** A channels-first activation `[b, c, ...]` as `[b, ..., c]`; others unchanged. */
function toUnitsLast(t: tf.Tensor, layout: Layout): tf.Tensor {
  if (layout !== "first" || t.rank < 3) return t;
  return tf.transpose(t, [0, ...Array.from({ length: t.rank - 2 }, (_, i) => i + 2), 1]);
}

/** The inverse of {@link toUnitsLast}. */
function fromUnitsLast(t: tf.Tensor, layout: Layout): tf.Tensor {
  if (layout !== "first" || t.rank < 3) return t;
  return tf.transpose(t, [0, t.rank - 1, ...Array.from({ length: t.rank - 2 }, (_, i) => i + 1)]);
}

function applyLayer(layer: tf.layers.Layer, inputs: tf.Tensor[], training: boolean): tf.Tensor {
  return layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training }) as tf.Tensor;
}

/** `t`, or a copy of it when it is one of the tensors the caller owns (a layer may pass its input through). */
function owned<T extends tf.Tensor>(t: T, callers: readonly tf.Tensor[]): T {
  return callers.includes(t) ? (tf.clone(t) as T) : t;
}

/** The trainable variables of the steps' layers, in step order, each once. */
function stepVariables(steps: readonly Step[]): NamedVariable[] {
  const seen = new Set<tf.Variable>();
  const out: NamedVariable[] = [];
  for (const step of steps) {
    for (const lv of step.layer.trainableWeights) {
      const variable = innerVariable(lv);
      if (seen.has(variable)) continue;
      seen.add(variable);
      out.push({ name: lv.name, variable });
    }
  }
  return out;
}

/** A layer weight's tf.Variable (tfjs-layers keeps it inside a LayerVariable wrapper). */
function innerVariable(lv: tf.layers.Layer["trainableWeights"][number]): tf.Variable {
  const inner = (lv as unknown as { val?: tf.Variable }).val;
  if (inner === undefined) throw new AntitrainError(`cannot reach the variable of ${lv.name}: unsupported tfjs version`);
  return inner;
}

/** A dense or convolution layer's kernel and (when it has one) bias. */
function kernelAndBias(layer: tf.layers.Layer): [tf.Variable, tf.Variable | undefined] {
  type Weight = tf.layers.Layer["trainableWeights"][number];
  // tfjs-layers' Dense and Conv layers keep their weights in `kernel` and `bias` (variable names may get suffixes).
  const { kernel, bias } = layer as unknown as { kernel?: Weight | null; bias?: Weight | null };
  const trainable = new Set(layer.trainableWeights);
  if (kernel == null || !trainable.has(kernel)) throw new AntitrainError(`layer "${layer.name}" has no trainable kernel (is it frozen with trainable: false?)`);
  return [innerVariable(kernel), bias == null || !trainable.has(bias) ? undefined : innerVariable(bias)];
}

/** A per-unit layer's trainable variables with one entry per unit (batch normalization's gamma and beta). */
function perUnitVariables(layer: tf.layers.Layer, units: number): UnitParameter[] {
  return layer.trainableWeights
    .map(innerVariable)
    .filter((v) => v.rank === 1 && v.shape[0] === units)
    .map((variable) => ({ variable, axis: 0 }));
}
