import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireInput, requireSite } from "../base/validate";
import type { HookedModel, Hooks, NamedVariable, SiteInfo, SiteSplit, UnitParameter, UnitParameters } from "./types";

/** Plain weights of one dense layer: `w` is `[fanIn, fanOut]` row-major. */
export interface DenseWeights {
  readonly w: Float32Array;
  readonly b: Float32Array;
  readonly fanIn: number;
  readonly fanOut: number;
}

/**
 * What every MLP-like model shares: a stack of dense layers whose hidden outputs are the sites `"h1"`, `"h2"`, ...,
 * the forward pass with per-call hooks, the cut at a site, and plain copies of the weights. Subclasses say how a
 * hidden layer's pre-activation becomes its output (`activate`) and which variables they add.
 */
export abstract class DenseStack implements HookedModel {
  abstract readonly kind: string;
  readonly inputs: number;
  readonly classes: number;
  protected readonly ws: tf.Variable[];
  protected readonly bs: tf.Variable[];

  constructor(layers: readonly DenseWeights[]) {
    if (layers.length < 2) throw new AntitrainError("an MLP needs at least one hidden layer and an output layer");
    layers.forEach((l, i) => {
      if (l.w.length !== l.fanIn * l.fanOut || l.b.length !== l.fanOut) {
        throw new AntitrainError(`layer ${i}: w must hold fanIn×fanOut values and b fanOut values`);
      }
      if (i > 0 && l.fanIn !== layers[i - 1].fanOut) {
        throw new AntitrainError(`layer ${i} takes ${l.fanIn} inputs but layer ${i - 1} gives ${layers[i - 1].fanOut}`);
      }
    });
    this.inputs = layers[0].fanIn;
    this.classes = layers[layers.length - 1].fanOut;
    // tidy frees the initial tensors; variables survive it.
    this.ws = layers.map((l) => tf.tidy(() => tf.variable(tf.tensor2d(l.w, [l.fanIn, l.fanOut]))));
    this.bs = layers.map((l) => tf.tidy(() => tf.variable(tf.tensor1d(l.b))));
  }

  /** Hidden widths, in order. */
  get hidden(): number[] {
    return this.ws.slice(0, -1).map((w) => w.shape[1] as number);
  }

  sites(): SiteInfo[] {
    return this.hidden.map((units, i) => ({ name: `h${i + 1}`, units }));
  }

  variables(): tf.Variable[] {
    return this.namedVariables().map((v) => v.variable);
  }

  abstract namedVariables(): NamedVariable[];

  abstract downstreamVariables(site: string): tf.Variable[];

  forward(x: tf.Tensor, hooks: Hooks = {}): tf.Tensor2D {
    requireInput(this, x);
    for (const name of Object.keys(hooks)) requireSite(this, name);
    return tf.tidy(() => this.run(x as tf.Tensor2D, 0, hooks));
  }

  split(site: string, x: tf.Tensor): SiteSplit {
    const index = this.siteIndex(site);
    requireInput(this, x);
    const act = tf.tidy(() => {
      let h = x as tf.Tensor2D;
      for (let i = 0; i <= index; i++) h = this.layer(h, i);
      return h;
    });
    return {
      act,
      resume: (a: tf.Tensor, hooks: Hooks = {}) => tf.tidy(() => this.run(a as tf.Tensor2D, index + 1, hooks)),
      dispose: () => act.dispose(),
    };
  }

  /**
   * The parameters of `site`'s units: hidden layer i's weight `[fanIn, units]` (axis 1) and bias `[units]` (axis 0),
   * and the next layer's weight `[units, fanOut]` (axis 0), plus any per-unit variables the model adds. Every site of
   * an MLP has them; an unknown site is an AntitrainError listing the real ones.
   *
   * @example
   * const model = at.mlp({ inputs: 4, hidden: [8, 6], classes: 3 });
   * const { into, bias, out } = model.unitParameters("h2");
   * into.variable.shape;   // [8, 6], units along into.axis = 1
   * out.variable.shape;    // [6, 3], units along out.axis = 0
   */
  unitParameters(site: string): UnitParameters {
    const i = this.siteIndex(site);
    return {
      site,
      units: this.ws[i].shape[1] as number,
      into: { variable: this.ws[i], axis: 1 },
      bias: { variable: this.bs[i], axis: 0 },
      out: { variable: this.ws[i + 1], axis: 0 },
      others: this.perUnitVariables(i),
    };
  }

  /** Plain copies of every dense layer's weights. */
  weights(): DenseWeights[] {
    return this.ws.map((w, i) => ({
      w: w.dataSync() as Float32Array,
      b: this.bs[i].dataSync() as Float32Array,
      fanIn: w.shape[0] as number,
      fanOut: w.shape[1] as number,
    }));
  }

  dispose(): void {
    for (const v of [...this.ws, ...this.bs]) v.dispose();
  }

  /** Variables beyond the dense ones with one entry per unit of hidden layer `i` (axis 0). None by default. */
  protected perUnitVariables(_i: number): UnitParameter[] {
    return [];
  }

  /** Hidden layer `i`'s output from its pre-activation `z`. */
  protected abstract activate(z: tf.Tensor2D, i: number): tf.Tensor2D;

  /** The index of the hidden layer whose output is `site` (throws listing the real sites). */
  protected siteIndex(site: string): number {
    requireSite(this, site);
    return Number(site.slice(1)) - 1;
  }

  protected layer(h: tf.Tensor2D, i: number): tf.Tensor2D {
    const z = tf.add(tf.matMul(h, this.ws[i]), this.bs[i]) as tf.Tensor2D;
    return i === this.ws.length - 1 ? z : this.activate(z, i);
  }

  /** Runs layers from `start` on (a is the input to layer `start`), applying hooks at the sites passed. */
  protected run(a: tf.Tensor2D, start: number, hooks: Hooks): tf.Tensor2D {
    let h = a;
    for (let i = start; i < this.ws.length; i++) {
      h = this.layer(h, i);
      const hook = i < this.ws.length - 1 ? hooks[`h${i + 1}`] : undefined;
      if (hook !== undefined) h = hook(h) as tf.Tensor2D;
    }
    return h;
  }
}
