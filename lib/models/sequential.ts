import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireInput, requireSite } from "../base/validate";
import type { HookedModel, Hooks, NamedVariable, SiteInfo, SiteSplit } from "./types";

/**
 * Wraps a `tf.Sequential` (or any `tf.LayersModel` whose layers run one after another) as a {@link HookedModel}:
 * each layer's output is a site named by the layer. The last layer's output is taken as logits; when that layer
 * ends in a softmax, its log is used instead (log-probabilities are logits up to a per-example constant, so every
 * metric is unchanged). The wrapper shares the Sequential's variables: training either trains both.
 *
 * @example
 * const seq = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 32, activation: "relu", name: "hidden" }),
 *                                      tf.layers.dense({ units: 10, name: "out" })] });
 * const model = at.fromSequential(seq);   // sites: [{ name: "hidden", units: 32 }]
 */
export function fromSequential(seq: tf.LayersModel): HookedModel {
  return new SequentialModel(seq);
}

class SequentialModel implements HookedModel {
  readonly kind = "sequential";
  readonly inputs: number;
  readonly classes: number;
  private readonly layers: tf.layers.Layer[];
  private readonly softmaxOutput: boolean;

  constructor(private readonly seq: tf.LayersModel) {
    this.layers = seq.layers;
    if (this.layers.length < 2) throw new AntitrainError("fromSequential needs at least two layers (a site and an output)");
    const inShape = seq.inputs[0].shape;
    if (inShape.length !== 2 || inShape[1] === null) {
      throw new AntitrainError(`fromSequential supports flat inputs [batch, features]; this model takes [${inShape.join(", ")}]`);
    }
    this.inputs = inShape[1] as number;
    const outShape = seq.outputs[0].shape;
    this.classes = outShape[outShape.length - 1] as number;
    const last = this.layers[this.layers.length - 1].getConfig();
    this.softmaxOutput = last.activation === "softmax";
  }

  sites(): SiteInfo[] {
    return this.layers.slice(0, -1).map((layer) => {
      const shape = layer.outputShape as (number | null)[];
      return { name: layer.name, units: shape[shape.length - 1] as number };
    });
  }

  variables(): tf.Variable[] {
    return this.namedVariables().map((v) => v.variable);
  }

  namedVariables(): NamedVariable[] {
    return this.layers.flatMap((layer) => layerVariables(layer));
  }

  forward(x: tf.Tensor, hooks: Hooks = {}): tf.Tensor2D {
    requireInput(this, x);
    for (const name of Object.keys(hooks)) requireSite(this, name);
    return tf.tidy(() => this.run(x, 0, hooks));
  }

  split(site: string, x: tf.Tensor): SiteSplit {
    const index = this.siteIndex(site);
    requireInput(this, x);
    const act = tf.tidy(() => {
      let h = x;
      for (let i = 0; i <= index; i++) h = this.layers[i].apply(h) as tf.Tensor;
      return h;
    });
    return {
      act,
      resume: (a: tf.Tensor, hooks: Hooks = {}) => tf.tidy(() => this.run(a, index + 1, hooks)),
      dispose: () => act.dispose(),
    };
  }

  downstreamVariables(site: string): tf.Variable[] {
    const index = this.siteIndex(site);
    return this.layers.slice(index + 1).flatMap((layer) => layerVariables(layer).map((v) => v.variable));
  }

  dispose(): void {
    this.seq.dispose();
  }

  private siteIndex(site: string): number {
    requireSite(this, site);
    return this.layers.findIndex((l) => l.name === site);
  }

  private run(a: tf.Tensor, start: number, hooks: Hooks): tf.Tensor2D {
    let h = a;
    for (let i = start; i < this.layers.length; i++) {
      h = this.layers[i].apply(h) as tf.Tensor;
      const hook = hooks[this.layers[i].name];
      if (hook !== undefined && i < this.layers.length - 1) h = hook(h);
    }
    if (this.softmaxOutput) h = tf.log(tf.maximum(h, 1e-30));
    return h as tf.Tensor2D;
  }
}

/** A layer's trainable tf.Variables (tfjs-layers keeps them inside LayerVariable wrappers). */
function layerVariables(layer: tf.layers.Layer): NamedVariable[] {
  return layer.trainableWeights.map((lv) => {
    const inner = (lv as unknown as { val?: tf.Variable }).val;
    if (inner === undefined) throw new AntitrainError(`cannot reach the variable of ${lv.name}: unsupported tfjs version`);
    return { name: lv.name, variable: inner };
  });
}
