import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { Rng } from "../base/rng";
import { requireInput, requirePositiveInt, requireSite } from "../base/validate";
import type { CompressibleModel, DenseSiteSplit, HookedModel, Hooks, NamedVariable, SiteInfo, SiteSplit, UnitParameters } from "./types";

/** Options for {@link transformer}. */
export interface TransformerOptions {
  /** Distinct input tokens (ids 0..vocab-1). */
  vocab: number;
  /** Tokens per example: the model's `inputs`. */
  seqLen: number;
  /** Output classes, read from the last position. */
  classes: number;
  /** Residual stream width. Default 128. */
  dModel?: number;
  /** Attention heads per block. Default 4. */
  heads?: number;
  /** Width of one head. Default dModel / heads. */
  dHead?: number;
  /** MLP width. Default 4 · dModel. */
  dMlp?: number;
  /** Blocks. Default 1. */
  layers?: number;
  /** Pre-LayerNorm before attention, MLP and unembedding (off in the Nanda et al. grokking recipe). Default false. */
  layerNorm?: boolean;
  /** Seed of the initialization. Default 0. */
  seed?: number;
}

/** The shape of a {@link Transformer}: per block head count and MLP width can differ after compression. */
export interface TransformerConfig {
  readonly vocab: number;
  readonly seqLen: number;
  readonly classes: number;
  readonly dModel: number;
  readonly dHead: number;
  /** Heads per block. */
  readonly heads: readonly number[];
  /** MLP width per block. */
  readonly dMlp: readonly number[];
  readonly layerNorm: boolean;
  /**
   * The residual dimensions that survive the last block (indices into 0..dModel−1, increasing): the last MLP writes
   * and the unembedding reads only these. Absent: all dModel. Set by {@link Transformer.removeUnits} at the last
   * block's `resid` site.
   */
  readonly finalDims?: readonly number[];
}

/** Plain weights by variable name (row-major data and shape), in forward order. */
export type TransformerWeights = ReadonlyArray<{ readonly name: string; readonly shape: number[]; readonly data: Float32Array }>;

/**
 * A small decoder-only transformer as a {@link HookedModel}: token + positional embedding, `layers` blocks of
 * causal multi-head attention and a ReLU MLP (each added to the residual stream, optional pre-LayerNorm) and an
 * unembedding read from the last position. Sites, per block i (activations `[batch, seqLen, ...]`, every position;
 * in the last block `[batch, 1, ...]`: only its last position reaches the output, so only that one is computed):
 * - `blocks.{i}.attn`: one unit per head: the head's output before the output projection, `width` = dHead
 *   elements per unit (the last axis holds heads × dHead, head-major);
 * - `blocks.{i}.mlp`: MLP neurons after the ReLU;
 * - `blocks.{i}.resid`: residual-stream dimensions after block i.
 *
 * Downstream variables (what an antitrain step may change) are those used after the site in the forward pass:
 * for `attn` the block's output projection, its MLP, later blocks and the unembedding; for `mlp` the block's MLP
 * output weights, later blocks and the unembedding; for `resid` later blocks and the unembedding. The embeddings
 * and the block's own query/key/value (or MLP input) weights are upstream, even though the residual stream
 * carries their output past the site: the continuation treats that carried stream as a constant.
 *
 * @example
 * const task = at.modularAddition({ p: 59 });
 * const model = at.transformer({ vocab: task.vocab, seqLen: task.seqLen, classes: task.p, dModel: 64, heads: 4, seed: 0 });
 * model.sites();   // blocks.0.attn (4 heads), blocks.0.mlp (256), blocks.0.resid (64)
 */
export function transformer(options: TransformerOptions): Transformer {
  const d = options.dModel ?? 128;
  const h = options.heads ?? 4;
  for (const [v, name] of [
    [options.vocab, "vocab"],
    [options.seqLen, "seqLen"],
    [options.classes, "classes"],
    [d, "dModel"],
    [h, "heads"],
  ] as const) {
    requirePositiveInt(v, name);
  }
  const dHead = options.dHead ?? d / h;
  if (!Number.isInteger(dHead) || dHead < 1) {
    throw new AntitrainError(`dModel ${d} is not divisible by heads ${h}: pass dHead explicitly or choose dModel = heads · dHead`);
  }
  const dMlp = options.dMlp ?? 4 * d;
  const layers = options.layers ?? 1;
  requirePositiveInt(dMlp, "dMlp");
  requirePositiveInt(layers, "layers");
  const config: TransformerConfig = {
    vocab: options.vocab,
    seqLen: options.seqLen,
    classes: options.classes,
    dModel: d,
    dHead,
    heads: new Array(layers).fill(h),
    dMlp: new Array(layers).fill(dMlp),
    layerNorm: options.layerNorm ?? false,
  };
  const rng = new Rng(options.seed ?? 0);
  // Nanda et al.'s initialization: N(0, 1/dModel) everywhere but the unembedding (N(0, 1/vocab)); biases and LN
  // shifts 0, LN gains 1.
  const weights = layout(config).map(({ name, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const leaf = name.slice(name.lastIndexOf("/") + 1);
    if (leaf.startsWith("W_")) {
      const std = leaf === "W_U" ? 1 / Math.sqrt(config.vocab) : 1 / Math.sqrt(d);
      for (let j = 0; j < n; j++) data[j] = std * rng.normal();
    } else if (leaf === "g") data.fill(1);
    return { name, shape, data };
  });
  return new Transformer(config, weights);
}

/** Every variable's name and shape in forward order. */
function layout(c: TransformerConfig): { name: string; shape: number[] }[] {
  const d = c.dModel;
  const list: { name: string; shape: number[] }[] = [
    { name: "embed/W_E", shape: [c.vocab, d] },
    { name: "embed/W_pos", shape: [c.seqLen, d] },
  ];
  const ln = (prefix: string) => (c.layerNorm ? [{ name: `${prefix}/g`, shape: [d] }, { name: `${prefix}/b`, shape: [d] }] : []);
  const last = c.heads.length - 1;
  const f = c.finalDims?.length ?? d; // the width of the stream after the last block
  c.heads.forEach((h, i) => {
    const hd = h * c.dHead;
    const m = c.dMlp[i];
    const out = i === last ? f : d;
    list.push(
      ...ln(`blocks.${i}.ln1`),
      { name: `blocks.${i}.attn/W_Q`, shape: [d, hd] },
      { name: `blocks.${i}.attn/W_K`, shape: [d, hd] },
      { name: `blocks.${i}.attn/W_V`, shape: [d, hd] },
      { name: `blocks.${i}.attn/W_O`, shape: [hd, d] },
      { name: `blocks.${i}.attn/b_O`, shape: [d] },
      ...ln(`blocks.${i}.ln2`),
      { name: `blocks.${i}.mlp/W_in`, shape: [d, m] },
      { name: `blocks.${i}.mlp/b_in`, shape: [m] },
      { name: `blocks.${i}.mlp/W_out`, shape: [m, out] },
      { name: `blocks.${i}.mlp/b_out`, shape: [out] },
    );
  });
  list.push(...ln("ln_final"), { name: "unembed/W_U", shape: [f, c.classes] }, { name: "unembed/b_U", shape: [c.classes] });
  return list;
}

type SiteKind = "attn" | "mlp" | "resid";

/** The transformer behind {@link transformer}; also built from plain weights (e.g. after {@link Transformer.removeUnits}). */
export class Transformer implements CompressibleModel {
  readonly kind = "transformer";
  readonly inputs: number;
  readonly classes: number;
  private readonly vars: NamedVariable[];
  private readonly byName = new Map<string, tf.Variable>();

  constructor(
    readonly config: TransformerConfig,
    weights: TransformerWeights,
  ) {
    const expected = layout(config);
    if (config.heads.length !== config.dMlp.length || config.heads.length === 0) {
      throw new AntitrainError("config.heads and config.dMlp must list one entry per block (at least one block)");
    }
    const dims = config.finalDims;
    if (dims !== undefined) {
      if (config.layerNorm) throw new AntitrainError("config.finalDims needs layerNorm off: the final LayerNorm mixes every residual dimension");
      const increasing = dims.every((v, i) => Number.isInteger(v) && v >= 0 && v < config.dModel && (i === 0 || v > dims[i - 1]));
      if (dims.length === 0 || !increasing) {
        throw new AntitrainError(`config.finalDims must be increasing, distinct residual dimensions in 0..${config.dModel - 1} (at least one)`);
      }
    }
    if (weights.length !== expected.length) {
      throw new AntitrainError(`expected ${expected.length} weight tensors for this config, got ${weights.length}`);
    }
    expected.forEach((e, i) => {
      const w = weights[i];
      const n = e.shape.reduce((a, b) => a * b, 1);
      if (w.name !== e.name || w.data.length !== n || w.shape.join() !== e.shape.join()) {
        throw new AntitrainError(`weight ${i} must be "${e.name}" of shape [${e.shape.join(", ")}], got "${w.name}" [${w.shape.join(", ")}]`);
      }
    });
    this.inputs = config.seqLen;
    this.classes = config.classes;
    this.vars = weights.map((w) => {
      const init = tf.tensor(w.data, w.shape);
      const variable = tf.variable(init);
      init.dispose();
      return { name: w.name, variable };
    });
    for (const v of this.vars) this.byName.set(v.name, v.variable);
  }

  sites(): SiteInfo[] {
    const c = this.config;
    return c.heads.flatMap((h, i) => [
      { name: `blocks.${i}.attn`, units: h, width: c.dHead },
      { name: `blocks.${i}.mlp`, units: c.dMlp[i] },
      { name: `blocks.${i}.resid`, units: this.residWidth(i) },
    ]);
  }

  variables(): tf.Variable[] {
    return this.vars.map((v) => v.variable);
  }

  namedVariables(): NamedVariable[] {
    return [...this.vars];
  }

  forward(x: tf.Tensor, hooks: Hooks = {}): tf.Tensor2D {
    requireInput(this, x);
    for (const name of Object.keys(hooks)) requireSite(this, name);
    return tf.tidy(() => this.blocksFrom(this.embed(x), 0, hooks));
  }

  split(site: string, x: tf.Tensor): SiteSplit {
    const { block, kind } = this.parseSite(site);
    requireInput(this, x);
    const [act, carried] = this.cutAt(block, kind, x);
    return {
      act,
      resume: this.resumer(block, kind, carried, x.shape[0]),
      dispose: () => tf.dispose(carried === null ? [act] : [act, carried]),
    };
  }

  /**
   * The cut at `site` with the dense layer it feeds exposed, for the damage engine's exact low-rank shortcut (see
   * {@link DenseSiteSplit}): a head's output feeds the output projection `W_O`, an MLP neuron feeds `W_out`, and a
   * residual dimension after the last block feeds the unembedding `W_U` (without LayerNorm). Null for residual
   * dimensions of earlier blocks (the next block reads them through attention) and with LayerNorm before the
   * unembedding.
   */
  splitDense(site: string, x: tf.Tensor): DenseSiteSplit | null {
    const { block, kind } = this.parseSite(site);
    if (kind === "resid" && (block !== this.config.heads.length - 1 || this.config.layerNorm)) return null;
    requireInput(this, x);
    const b = x.shape[0];
    const [act, carried] = this.cutAt(block, kind, x);
    const [wName, bName] =
      kind === "attn" ? [`blocks.${block}.attn/W_O`, `blocks.${block}.attn/b_O`] : kind === "mlp" ? [`blocks.${block}.mlp/W_out`, `blocks.${block}.mlp/b_out`] : ["unembed/W_U", "unembed/b_U"];
    const weight = this.v(wName) as tf.Tensor as tf.Tensor2D;
    const pre = tf.tidy(() => tf.add(dense(act, weight), this.v(bName)) as tf.Tensor3D);
    const resumeFromPre = (z: tf.Tensor) =>
      tf.tidy(() => {
        const rows = z as tf.Tensor3D;
        if (kind === "resid") return tf.reshape(rows, [rows.shape[0], this.config.classes]) as tf.Tensor2D;
        const stream = carried as tf.Tensor3D;
        if (kind === "mlp") return this.blocksFrom(addRepeated(rows, this.finalStream(block, stream)), block + 1, {});
        const mid = addRepeated(rows, stream);
        return this.blocksFrom(this.mlpOut(block, this.mlpPost(block, mid), mid), block + 1, {});
      });
    return {
      act,
      resume: this.resumer(block, kind, carried, b),
      weight,
      pre,
      readsAct: false,
      resumeFromPre,
      dispose: () => tf.dispose(carried === null ? [act, pre] : [act, carried, pre]),
    };
  }

  /**
   * The parameters of an MLP site's neurons (see {@link UnitParameters}): `W_in` `[dModel, dMlp]` (axis 1), `b_in`
   * `[dMlp]` (axis 0) and `W_out` `[dMlp, dModel]` (axis 0; after the last block `[dMlp, finalDims]`). Heads and
   * residual dimensions have none of this form (a head reads W_Q, W_K and W_V and has no bias; every block reads and
   * writes a residual dimension): their sites, like unknown ones, are an AntitrainError listing the MLP sites.
   *
   * @example
   * const model = at.transformer({ vocab: 8, seqLen: 3, classes: 5, dModel: 8, heads: 2, dMlp: 16 });
   * const { into, out } = model.unitParameters("blocks.0.mlp");
   * into.variable.shape;   // [8, 16]: neurons along into.axis = 1
   */
  unitParameters(site: string): UnitParameters {
    const { block, kind } = this.parseSite(site);
    if (kind !== "mlp") {
      const mlpSites = this.config.heads.map((_, i) => `"blocks.${i}.mlp"`).join(", ");
      const why = kind === "attn" ? "a head reads W_Q, W_K and W_V and has no bias" : "every block reads and writes a residual dimension";
      throw new AntitrainError(`site "${site}" has no incoming matrix, bias and outgoing matrix of its own (${why}): this transformer's sites with unit parameters are ${mlpSites}`);
    }
    const p = `blocks.${block}.mlp`;
    return {
      site,
      units: this.config.dMlp[block],
      into: { variable: this.v(`${p}/W_in`), axis: 1 },
      bias: { variable: this.v(`${p}/b_in`), axis: 0 },
      out: { variable: this.v(`${p}/W_out`), axis: 0 },
      others: [],
    };
  }

  /** See the class comment: the variables from the first one used after the site, in forward order. */
  downstreamVariables(site: string): tf.Variable[] {
    const { block, kind } = this.parseSite(site);
    const first =
      kind === "attn" ? `blocks.${block}.attn/W_O` : kind === "mlp" ? `blocks.${block}.mlp/W_out` : this.firstAfterBlock(block);
    const start = this.vars.findIndex((v) => v.name === first);
    return this.vars.slice(start).map((v) => v.variable);
  }

  /** Plain copies of every variable, in forward order. */
  weights(): TransformerWeights {
    return this.vars.map((v) => ({ name: v.name, shape: v.variable.shape.slice(), data: v.variable.dataSync() as Float32Array }));
  }

  /**
   * A new transformer without the removed units of a site, each removed unit's constant `fill` (its mean, for
   * {@link compress}) folded into a bias, so the result equals the model with those units held at `fill`:
   * - `attn` (heads): the heads' query, key and value columns and output-projection rows are dropped; `fill`
   *   (dHead values per head) times those rows is added to the output bias `b_O`;
   * - `mlp` (neurons): the MLP input columns and output rows are dropped; `fill` times the rows goes into `b_out`;
   * - `resid` of the **last** block (the stream the unembedding reads): the dimension's unembedding row and the
   *   last MLP's output column are dropped and `fill` times the row goes into `b_U`; the config's `finalDims`
   *   records which dimensions survive. Earlier blocks' residual dimensions cannot be removed: a later block still
   *   writes into the dimension after the site, so the masked model depends on it in a way no smaller stream
   *   reproduces (and later attention has no query/key/value bias to fold a constant into); neither can any with
   *   `layerNorm` on (the final LayerNorm mixes every dimension).
   *
   * @example
   * const small = model.removeUnits("blocks.0.resid", [0, 2, 5], stats.mean);   // 3 final residual dims left
   */
  removeUnits(site: string, keep: readonly number[], fill: Float32Array): Transformer {
    const { block, kind } = this.parseSite(site);
    if (kind === "resid") return this.removeFinalDims(block, keep, fill);
    const width = kind === "attn" ? this.config.dHead : 1;
    const units = kind === "attn" ? this.config.heads[block] : this.config.dMlp[block];
    if (fill.length !== units * width) throw new AntitrainError(`fill must hold ${units * width} values (units × width), got ${fill.length}`);
    const keepCols = keep.flatMap((u) => Array.from({ length: width }, (_, j) => u * width + j));
    const kept = new Set(keep);
    const removedCols: number[] = [];
    for (let u = 0; u < units; u++) if (!kept.has(u)) for (let j = 0; j < width; j++) removedCols.push(u * width + j);
    const w = new Map(this.weights().map((e) => [e.name, e]));
    const p = `blocks.${block}.${kind}`;
    const inputs = kind === "attn" ? ["W_Q", "W_K", "W_V"] : ["W_in"];
    const [outW, outB] = kind === "attn" ? ["W_O", "b_O"] : ["W_out", "b_out"];
    for (const name of inputs) w.set(`${p}/${name}`, selectColumns(w.get(`${p}/${name}`)!, keepCols));
    if (kind === "mlp") {
      const bIn = w.get(`${p}/b_in`)!;
      w.set(`${p}/b_in`, { ...bIn, shape: [keepCols.length], data: Float32Array.from(keepCols, (c) => bIn.data[c]) });
    }
    const out = w.get(`${p}/${outW}`)!;
    const d = this.config.dModel;
    const bias = Float64Array.from(w.get(`${p}/${outB}`)!.data);
    for (const r of removedCols) {
      if (fill[r] === 0) continue;
      for (let o = 0; o < d; o++) bias[o] += fill[r] * out.data[r * d + o];
    }
    const rows = new Float32Array(keepCols.length * d);
    keepCols.forEach((r, i) => rows.set(out.data.subarray(r * d, (r + 1) * d), i * d));
    w.set(`${p}/${outW}`, { name: out.name, shape: [keepCols.length, d], data: rows });
    w.set(`${p}/${outB}`, { name: `${p}/${outB}`, shape: [d], data: Float32Array.from(bias) });
    const c = this.config;
    const config: TransformerConfig = {
      ...c,
      heads: c.heads.map((h, i) => (i === block && kind === "attn" ? keep.length : h)),
      dMlp: c.dMlp.map((m, i) => (i === block && kind === "mlp" ? keep.length : m)),
    };
    return new Transformer(config, [...w.values()]);
  }

  /** {@link removeUnits} at a `resid` site: only after the last block, with layerNorm off. */
  private removeFinalDims(block: number, keepUnsorted: readonly number[], fill: Float32Array): Transformer {
    const c = this.config;
    const last = c.heads.length - 1;
    if (block !== last) {
      throw new AntitrainError(
        `residual dimensions after block ${block} cannot be removed: later blocks write into them and read them back, which no smaller stream reproduces; remove blocks.${last}.resid (the stream the unembedding reads), heads or MLP neurons`,
      );
    }
    if (c.layerNorm) throw new AntitrainError("residual dimensions cannot be removed with layerNorm on: the final LayerNorm mixes every dimension");
    const f = this.residWidth(last);
    if (fill.length !== f) throw new AntitrainError(`fill must hold ${f} values (one per residual dimension), got ${fill.length}`);
    const kept = new Set(keepUnsorted);
    const keep = [...kept].sort((a, b) => a - b);
    if (keep.length === 0 || keep.some((r) => !(Number.isInteger(r) && r >= 0 && r < f))) {
      throw new AntitrainError(`keep must list residual dimensions of blocks.${last}.resid in 0..${f - 1} (at least one)`);
    }
    const w = new Map(this.weights().map((e) => [e.name, e]));
    const unembed = w.get("unembed/W_U")!;
    const bias = Float64Array.from(w.get("unembed/b_U")!.data);
    for (let r = 0; r < f; r++) {
      if (kept.has(r) || fill[r] === 0) continue;
      for (let o = 0; o < c.classes; o++) bias[o] += fill[r] * unembed.data[r * c.classes + o];
    }
    const rows = new Float32Array(keep.length * c.classes);
    keep.forEach((r, i) => rows.set(unembed.data.subarray(r * c.classes, (r + 1) * c.classes), i * c.classes));
    w.set("unembed/W_U", { name: "unembed/W_U", shape: [keep.length, c.classes], data: rows });
    w.set("unembed/b_U", { name: "unembed/b_U", shape: [c.classes], data: Float32Array.from(bias) });
    const p = `blocks.${last}.mlp`;
    w.set(`${p}/W_out`, selectColumns(w.get(`${p}/W_out`)!, keep));
    const bOut = w.get(`${p}/b_out`)!;
    w.set(`${p}/b_out`, { name: bOut.name, shape: [keep.length], data: Float32Array.from(keep, (r) => bOut.data[r]) });
    const dims = c.finalDims ?? Array.from({ length: c.dModel }, (_, i) => i);
    return new Transformer({ ...c, finalDims: keep.map((r) => dims[r]) }, [...w.values()]);
  }

  /**
   * Weight-magnitude score of every unit of a site (the classic data-free pruning baseline): the L2 norm of all
   * weights that read from or write to the unit. Heads: their query, key and value columns and output-projection
   * rows; neurons: their MLP input column and output row; residual dims: every embedding, projection and
   * unembedding entry on that dimension (biases excluded).
   */
  unitMagnitudes(site: string): Float32Array {
    const { block, kind } = this.parseSite(site);
    const c = this.config;
    const w = new Map(this.weights().map((e) => [e.name, e]));
    const width = kind === "attn" ? c.dHead : 1;
    const units = kind === "attn" ? c.heads[block] : kind === "mlp" ? c.dMlp[block] : c.dModel;
    const sq = new Float64Array(units);
    const last = c.heads.length - 1;
    const finalDims = c.finalDims ?? Array.from({ length: c.dModel }, (_, i) => i);
    /**
     * Adds the squares of column (axis 1) or row (axis 0) entries of weight `name`, grouped into units; `dims`
     * maps an index to its residual dimension (weights on the stream after the last block).
     */
    const add = (name: string, axis: 0 | 1, dims?: readonly number[]) => {
      const e = w.get(name);
      if (e === undefined) return;
      const [rows, cols] = e.shape;
      for (let r = 0; r < rows; r++) {
        for (let col = 0; col < cols; col++) {
          const index = axis === 1 ? col : r;
          sq[dims === undefined ? Math.floor(index / width) : dims[index]] += e.data[r * cols + col] ** 2;
        }
      }
    };
    const p = `blocks.${block}`;
    if (kind === "attn") {
      for (const n of ["W_Q", "W_K", "W_V"]) add(`${p}.attn/${n}`, 1);
      add(`${p}.attn/W_O`, 0);
    } else if (kind === "mlp") {
      add(`${p}.mlp/W_in`, 1);
      add(`${p}.mlp/W_out`, 0);
    } else {
      add("embed/W_E", 1);
      add("embed/W_pos", 1);
      c.heads.forEach((_, i) => {
        for (const n of ["W_Q", "W_K", "W_V"]) add(`blocks.${i}.attn/${n}`, 0);
        add(`blocks.${i}.attn/W_O`, 1);
        add(`blocks.${i}.mlp/W_in`, 0);
        add(`blocks.${i}.mlp/W_out`, 1, i === last ? finalDims : undefined);
      });
      add("unembed/W_U", 0, finalDims);
      if (block === last) return Float32Array.from(finalDims, (dim) => Math.sqrt(sq[dim]));
    }
    return Float32Array.from(sq, Math.sqrt);
  }

  /** A deep copy with its own variables. */
  clone(): Transformer {
    return new Transformer(this.config, this.weights());
  }

  dispose(): void {
    for (const v of this.vars) v.variable.dispose();
  }

  private v(name: string): tf.Variable {
    const found = this.byName.get(name);
    if (found === undefined) throw new Error(`no variable ${name}`);
    return found;
  }

  /**
   * The forward pass up to a site: its activation, and the residual stream the site's output is added to (attn:
   * the stream entering the block, at the rows it writes; mlp: the stream after attention; resid: none).
   */
  private cutAt(block: number, kind: SiteKind, x: tf.Tensor): [tf.Tensor3D, tf.Tensor3D | null] {
    const [act, carried] = tf.tidy((): tf.Tensor3D[] => {
      let resid = this.embed(x);
      for (let i = 0; i < block; i++) resid = this.block(i, resid, {});
      if (kind === "resid") return [this.block(block, resid, {})];
      if (kind === "attn") return [this.attnZ(block, resid), this.queryRows(block, resid)];
      const mid = this.attnOut(block, this.attnZ(block, resid), this.queryRows(block, resid));
      return [this.mlpPost(block, mid), mid];
    });
    return [act, carried ?? null];
  }

  /** The continuation after a site from a replacement activation for k stacked copies of the b examples. */
  private resumer(block: number, kind: SiteKind, carried: tf.Tensor3D | null, b: number): (a: tf.Tensor, hooks?: Hooks) => tf.Tensor2D {
    return (a, hooks = {}) =>
      tf.tidy(() => {
        if (a.shape[0] % b !== 0) throw new AntitrainError(`resume needs k stacked copies of the ${b} examples, got ${a.shape[0]} rows`);
        let resid = a as tf.Tensor3D;
        if (kind === "attn" && carried !== null) {
          const mid = addRepeated(this.attnWrite(block, resid), carried);
          const post = this.hooked(hooks, `blocks.${block}.mlp`, this.mlpPost(block, mid));
          resid = this.hooked(hooks, `blocks.${block}.resid`, this.mlpOut(block, post, mid));
        } else if (kind === "mlp" && carried !== null) {
          resid = this.hooked(hooks, `blocks.${block}.resid`, addRepeated(this.mlpWrite(block, resid), this.finalStream(block, carried)));
        }
        return this.blocksFrom(resid, block + 1, hooks);
      });
  }

  /** Residual dimensions after block i: dModel, or after the last block the surviving `finalDims`. */
  private residWidth(i: number): number {
    const c = this.config;
    return i === c.heads.length - 1 ? (c.finalDims?.length ?? c.dModel) : c.dModel;
  }

  private parseSite(site: string): { block: number; kind: SiteKind } {
    requireSite(this, site);
    const [, i, kind] = site.split(".");
    return { block: Number(i), kind: kind as SiteKind };
  }

  private firstAfterBlock(block: number): string {
    const next = block + 1 < this.config.heads.length ? `blocks.${block + 1}.` : this.config.layerNorm ? "ln_final" : "unembed";
    return this.vars.find((v) => v.name.startsWith(next))!.name;
  }

  private hooked(hooks: Hooks, site: string, act: tf.Tensor3D): tf.Tensor3D {
    const hook = hooks[site];
    return hook === undefined ? act : (hook(act) as tf.Tensor3D);
  }

  /** Token ids `[b, T]` (float) → residual stream `[b, T, d]`. One-hot matmul (its gradient runs on every backend). */
  private embed(x: tf.Tensor): tf.Tensor3D {
    const [b, t] = x.shape;
    const c = this.config;
    const oneHot = tf.oneHot(tf.reshape(tf.cast(x, "int32"), [b * t]), c.vocab); // [b·T, V]
    const tok = tf.reshape(tf.matMul(tf.cast(oneHot, "float32"), this.v("embed/W_E")), [b, t, c.dModel]);
    return tf.add(tok, this.v("embed/W_pos")) as tf.Tensor3D;
  }

  /** Runs blocks from `start` on, then the unembedding of the last position. */
  private blocksFrom(resid: tf.Tensor3D, start: number, hooks: Hooks): tf.Tensor2D {
    let r = resid;
    for (let i = start; i < this.config.heads.length; i++) r = this.block(i, r, hooks);
    const [b, t, d] = r.shape;
    let last = tf.reshape(tf.slice(r, [0, t - 1, 0], [b, 1, d]), [b, d]) as tf.Tensor2D;
    if (this.config.layerNorm) last = this.layerNorm(last, "ln_final");
    return tf.add(tf.matMul(last, this.v("unembed/W_U")), this.v("unembed/b_U")) as tf.Tensor2D;
  }

  private block(i: number, resid: tf.Tensor3D, hooks: Hooks): tf.Tensor3D {
    const z = this.hooked(hooks, `blocks.${i}.attn`, this.attnZ(i, resid));
    const mid = this.attnOut(i, z, this.queryRows(i, resid));
    const post = this.hooked(hooks, `blocks.${i}.mlp`, this.mlpPost(i, mid));
    return this.hooked(hooks, `blocks.${i}.resid`, this.mlpOut(i, post, mid));
  }

  /**
   * The rows of the residual stream block i writes to: every position, except in the last block, whose output
   * only matters at the last position (the one the unembedding reads): there `[b, 1, d]`.
   */
  private queryRows(i: number, resid: tf.Tensor3D): tf.Tensor3D {
    if (i < this.config.heads.length - 1) return resid;
    const [b, t, d] = resid.shape;
    return tf.slice(resid, [0, t - 1, 0], [b, 1, d]);
  }

  /** Each head's output before the output projection: `[b, Tq, heads·dHead]`, head-major (Tq: see queryRows). */
  private attnZ(i: number, resid: tf.Tensor3D): tf.Tensor3D {
    const [b, t] = resid.shape;
    const h = this.config.heads[i];
    const dh = this.config.dHead;
    const x = this.config.layerNorm ? this.layerNorm(resid, `blocks.${i}.ln1`) : resid;
    const xq = this.queryRows(i, x);
    const tq = xq.shape[1];
    const proj = (src: tf.Tensor3D, rows: number, name: string) =>
      tf.transpose(tf.reshape(dense(src, this.v(`blocks.${i}.attn/${name}`)), [b, rows, h, dh]), [0, 2, 1, 3]); // [b, H, rows, dh]
    const q = proj(xq, tq, "W_Q");
    const k = proj(x, t, "W_K");
    const v = proj(x, t, "W_V");
    let scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)); // [b, H, Tq, T]
    if (tq === t) scores = tf.add(scores, causalMask(t)); // the last position alone sees every position
    const z = tf.matMul(tf.softmax(scores), v); // [b, H, Tq, dh]
    return tf.reshape(tf.transpose(z, [0, 2, 1, 3]), [b, tq, h * dh]) as tf.Tensor3D;
  }

  /** What block i's attention adds to the stream: the heads' outputs through the output projection. */
  private attnWrite(i: number, z: tf.Tensor3D): tf.Tensor3D {
    return tf.add(dense(z, this.v(`blocks.${i}.attn/W_O`)), this.v(`blocks.${i}.attn/b_O`)) as tf.Tensor3D;
  }

  private attnOut(i: number, z: tf.Tensor3D, resid: tf.Tensor3D): tf.Tensor3D {
    return tf.add(resid, this.attnWrite(i, z)) as tf.Tensor3D;
  }


  private mlpPost(i: number, mid: tf.Tensor3D): tf.Tensor3D {
    const x = this.config.layerNorm ? this.layerNorm(mid, `blocks.${i}.ln2`) : mid;
    return tf.relu(tf.add(dense(x, this.v(`blocks.${i}.mlp/W_in`)), this.v(`blocks.${i}.mlp/b_in`))) as tf.Tensor3D;
  }

  /** The block's output: `mid` plus the MLP's write (after the last block only the surviving `finalDims` of `mid`). */
  private mlpOut(i: number, post: tf.Tensor3D, mid: tf.Tensor3D): tf.Tensor3D {
    return tf.add(this.finalStream(i, mid), this.mlpWrite(i, post)) as tf.Tensor3D;
  }

  /** What block i's MLP adds to the stream. */
  private mlpWrite(i: number, post: tf.Tensor3D): tf.Tensor3D {
    return tf.add(dense(post, this.v(`blocks.${i}.mlp/W_out`)), this.v(`blocks.${i}.mlp/b_out`)) as tf.Tensor3D;
  }

  /** The stream the MLP of block i writes into: `mid`, or after the last block its surviving `finalDims`. */
  private finalStream(i: number, mid: tf.Tensor3D): tf.Tensor3D {
    const dims = this.config.finalDims;
    return dims !== undefined && i === this.config.heads.length - 1 ? tf.gather(mid, Array.from(dims), 2) : mid;
  }

  private layerNorm<T extends tf.Tensor>(x: T, prefix: string): T {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
    return tf.add(tf.mul(normed, this.v(`${prefix}/g`)), this.v(`${prefix}/b`)) as T;
  }
}

/**
 * `stacked` `[k·b, T, d]` plus `carried` `[b, T, d]` repeated k times, as a broadcast (tf.tile copies slowly on the
 * wasm backend: 40× an add of the same size).
 */
function addRepeated(stacked: tf.Tensor3D, carried: tf.Tensor3D): tf.Tensor3D {
  const [b, t, d] = carried.shape;
  const k = stacked.shape[0] / b;
  if (k === 1) return tf.add(stacked, carried) as tf.Tensor3D;
  return tf.reshape(tf.add(tf.reshape(stacked, [k, b, t, d]), carried), [k * b, t, d]) as tf.Tensor3D;
}

/** `[b, T, in] @ [in, out]` → `[b, T, out]`. */
function dense(x: tf.Tensor3D, w: tf.Tensor): tf.Tensor3D {
  const [b, t, n] = x.shape;
  return tf.reshape(tf.matMul(tf.reshape(x, [b * t, n]), w as tf.Tensor2D), [b, t, w.shape[1] as number]);
}

/** Additive causal mask `[T, T]`: 0 on and below the diagonal, −1e9 above. */
function causalMask(t: number): tf.Tensor2D {
  const m = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) m[i * t + j] = -1e9;
  return tf.tensor2d(m, [t, t]);
}

/** Columns `cols` of a `[rows, n]` weight. */
function selectColumns(w: { name: string; shape: number[]; data: Float32Array }, cols: readonly number[]) {
  const [rows, n] = w.shape;
  const data = new Float32Array(rows * cols.length);
  for (let r = 0; r < rows; r++) cols.forEach((c, j) => {
    data[r * cols.length + j] = w.data[r * n + c];
  });
  return { name: w.name, shape: [rows, cols.length], data };
}
