/**
 * Information-adaptive learning rates (the notes' future idea 2): scale each unit's learning rate by its measured
 * information content, refreshed every N steps, either up-weighting high-information units or down-weighting them.
 */
import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/dataset";
import { AntitrainError } from "../base/errors";
import { type Importance, importance } from "../importance/importance";
import { type Metric, requireMetric } from "../measure/metrics";
import type { HookedModel, UnitParameter, UnitParameters } from "../models/types";
import { type RandomizeMethod, requireMethod } from "../measure/randomize";
import { rngFor } from "../base/rng";
import { collectStats } from "../measure/unit-stats";
import { requireData, requireKnownKeys, requirePositiveInt, requireSeed, requireSite } from "../base/validate";

/** Which units learn faster: `up` = high-information units, `down` = low-information units. */
export type ScaleDirection = "up" | "down";

/**
 * Where the per-unit scale acts: `gradient` multiplies the gradient before the wrapped optimizer sees it; `update`
 * lets the wrapped optimizer step and then multiplies the step it took. With Adam (and RMSprop, Adagrad) gradient
 * scaling is largely normalized away: Adam divides by the running root mean square of the same scaled gradient, so a
 * scale that stays constant cancels exactly (up to ε) and only its changes at refreshes leave a transient. With SGD
 * the two are the same. `update` is the one that changes Adam's effective per-unit learning rate.
 */
export type ScaleMode = "gradient" | "update";

/** Options for {@link informationScales}. */
export interface ScaleOptions {
  /** Default "up". */
  direction?: ScaleDirection;
  /** Exponent α of the relative information (0: every scale 1). Default 1. */
  strength?: number;
  /** ε added to the relative information before the power, so dead units still get a finite scale. Default 0.1. */
  floor?: number;
}

/**
 * Per-unit learning-rate scales from information content: r_u = max(score_u, 0) / mean(max(score, 0)) (1 for every
 * unit when no unit carries anything), s_u = ((r_u + ε) / (1 + ε))^(±α) (+ for "up", − for "down"), then divided by
 * their mean so the average scale is 1 (the same total budget as the wrapped optimizer).
 *
 * @example
 * const s = at.informationScales(at.importance(model, "h1", test), { direction: "up", strength: 1 });
 */
export function informationScales(imp: Pick<Importance, "scores">, options: ScaleOptions = {}): Float32Array {
  const direction = options.direction ?? "up";
  const strength = options.strength ?? 1;
  const floor = options.floor ?? 0.1;
  if (direction !== "up" && direction !== "down") throw new AntitrainError(`direction must be "up" or "down", got "${direction}"`);
  if (!(Number.isFinite(strength) && strength >= 0)) throw new AntitrainError(`strength must be ≥ 0, got ${strength}: 1 scales by relative information`);
  if (!(Number.isFinite(floor) && floor > 0)) throw new AntitrainError(`floor must be > 0, got ${floor}: e.g. 0.1`);
  const pos = Array.from(imp.scores, (s) => (Number.isFinite(s) ? Math.max(s, 0) : 0));
  const mean = pos.reduce((a, b) => a + b, 0) / pos.length;
  const sign = direction === "up" ? 1 : -1;
  const raw = pos.map((p) => ((mean > 0 ? p / mean : 1) + floor) / (1 + floor)).map((r) => r ** (sign * strength));
  const m = raw.reduce((a, b) => a + b, 0) / raw.length;
  return Float32Array.from(raw, (r) => r / m);
}

/** Options for {@link InfoAdaptiveOptimizer}. */
export interface InfoAdaptiveOptions {
  /** Sites whose units get scaled learning rates. */
  sites: readonly string[];
  /** Data the information content is measured on (e.g. a slice of the training set). */
  data: Dataset;
  /** Default "up". */
  direction?: ScaleDirection;
  /** Default "update" (see {@link ScaleMode}). */
  mode?: ScaleMode;
  /** Re-measure every this many optimizer steps. Default 100. */
  refreshEvery?: number;
  /** See {@link ScaleOptions}. Default 1. */
  strength?: number;
  /** See {@link ScaleOptions}. Default 0.1. */
  floor?: number;
  /** Metric of the importance measurement. Default "loss". */
  metric?: Metric;
  /** Default "resample". */
  method?: RandomizeMethod;
  /** Seed of the measurements. Default 0. */
  seed?: number;
  /**
   * The variables tied to each site's units. Default: the model's `unitParameters(site)` (MLPs, tunable MLPs, a
   * transformer's MLP sites): the column into the unit, its bias and the row out of it (plus per-unit activation
   * parameters such as a tunable MLP's `act{i}/t`).
   */
  wiring?: Readonly<Record<string, readonly UnitParameter[]>>;
}

/** Every key of {@link InfoAdaptiveOptions} (unknown keys are refused). */
const INFO_ADAPTIVE_OPTION_KEYS = Object.keys({
  sites: 0,
  data: 0,
  direction: 0,
  mode: 0,
  refreshEvery: 0,
  strength: 0,
  floor: 0,
  metric: 0,
  method: 0,
  seed: 0,
  wiring: 0,
} satisfies Record<keyof InfoAdaptiveOptions, 0>);

/**
 * A `tf.Optimizer` that wraps another (e.g. Adam) and scales each unit's learning rate — the column of the weight
 * matrix into the unit, its bias, and the row out of it — by its measured information content
 * ({@link importance} scores turned into {@link informationScales}), re-measured every `refreshEvery` steps. A
 * weight between two scaled units gets the product of their scales. Pass it to {@link train} as `optimizer`.
 * The first step measures (unless every site's scales were set by hand), then every `refreshEvery` steps.
 * Measuring leaves the model unchanged; the steps mutate it as any optimizer does. `scales_` holds the current
 * scales per site; `setScales` sets them by hand until the next refresh (`refreshEvery: Infinity` keeps them for
 * good). Dispose it to free the wrapped optimizer too.
 *
 * @example
 * const opt = new at.InfoAdaptiveOptimizer(model, tf.train.adam(1e-3), { sites: ["h1"], data: slice, direction: "up" });
 * at.train(model, train, { steps: 1000, optimizer: opt });
 * opt.dispose();
 */
export class InfoAdaptiveOptimizer extends tf.Optimizer {
  static get className(): string {
    return "InfoAdaptiveOptimizer";
  }
  // tf.Optimizer answers `instanceof` for anything with optimizer methods; this class checks its real prototype chain.
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(InfoAdaptiveOptimizer, instance);
  }
  /** Current scale of every unit, per site. */
  readonly scales_ = new Map<string, Float32Array>();
  /** Optimizer steps taken. */
  steps = 0;
  /** Measurements made. */
  refreshes = 0;
  private readonly o: Required<Omit<InfoAdaptiveOptions, "wiring" | "sites" | "data">>;
  private readonly wiring: Record<string, readonly UnitParameter[]>;
  private readonly byName = new Map<string, tf.Variable>();
  /** Per variable name, the scale tensor (shaped like the variable), rebuilt when scales change. */
  private scaleTensors = new Map<string, tf.Tensor>();

  constructor(
    private readonly model: HookedModel,
    readonly inner: tf.Optimizer,
    private readonly options: InfoAdaptiveOptions,
  ) {
    super();
    if (options === null || typeof options !== "object") throw new AntitrainError('InfoAdaptiveOptimizer needs options { sites, data }, e.g. { sites: ["h1"], data: slice }');
    requireKnownKeys(options, INFO_ADAPTIVE_OPTION_KEYS, "InfoAdaptiveOptimizer");
    if (!Array.isArray(options.sites) || options.sites.length === 0) throw new AntitrainError('sites must list at least one site, e.g. ["h1"]');
    for (const s of options.sites) requireSite(model, s);
    requireData(model, options.data);
    this.o = {
      direction: "up",
      mode: "update",
      refreshEvery: 100,
      strength: 1,
      floor: 0.1,
      metric: "loss",
      method: "resample",
      seed: 0,
      ...stripUndefined(options),
    };
    requireMetric(this.o.metric);
    requireMethod(this.o.method);
    requireSeed(this.o.seed);
    if (this.o.mode !== "gradient" && this.o.mode !== "update") throw new AntitrainError(`mode must be "gradient" or "update", got "${this.o.mode}"`);
    if (!(this.o.refreshEvery === Number.POSITIVE_INFINITY)) requirePositiveInt(this.o.refreshEvery, "refreshEvery");
    informationScales({ scores: new Float32Array(1) }, this.o); // validates direction, strength, floor
    this.wiring = {};
    for (const site of options.sites) this.wiring[site] = options.wiring?.[site] ?? defaultWiring(model, site);
    for (const v of model.variables()) this.byName.set(v.name, v);
  }

  /** Measures every site now and sets its scales from the importance scores. */
  refresh(): void {
    this.options.sites.forEach((site, i) => {
      const seed = rngFor(this.o.seed, this.refreshes, i).nextUint32();
      const stats = collectStats(this.model, site, this.options.data, { seed });
      const imp = importance(this.model, site, this.options.data, { stats, metric: this.o.metric, method: this.o.method, seed });
      this.setScales(site, informationScales(imp, this.o));
    });
    this.refreshes++;
  }

  /** Sets the scales of one site's units by hand (one positive finite number per unit). */
  setScales(site: string, scales: Float32Array | readonly number[]): void {
    const units = requireSite(this.model, site).units;
    if (!this.options.sites.includes(site)) throw new AntitrainError(`site "${site}" is not one of this optimizer's sites (${this.options.sites.join(", ")})`);
    if (scales.length !== units) throw new AntitrainError(`site "${site}" has ${units} units but ${scales.length} scales were given`);
    for (const s of scales) if (!(Number.isFinite(s) && s >= 0)) throw new AntitrainError(`scales must be finite and ≥ 0, got ${s}`);
    this.scales_.set(site, Float32Array.from(scales));
    this.rebuild();
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const due = this.steps > 0 && this.steps % this.o.refreshEvery === 0;
    if (due || this.scales_.size < this.options.sites.length) this.refresh();
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    if (this.o.mode === "gradient") {
      const scaled = list.map(({ name, tensor }) => {
        const s = this.scaleTensors.get(name);
        return { name, tensor: s === undefined ? tensor : tf.mul(tensor, s) };
      });
      try {
        this.inner.applyGradients(scaled);
      } finally {
        scaled.forEach((g, i) => {
          if (g.tensor !== list[i].tensor) g.tensor.dispose();
        });
      }
    } else {
      const before = new Map<string, tf.Tensor>();
      for (const { name } of list) {
        const v = this.byName.get(name);
        if (v !== undefined && this.scaleTensors.has(name)) before.set(name, v.clone());
      }
      try {
        this.inner.applyGradients(list);
        for (const [name, old] of before) {
          const v = this.byName.get(name) as tf.Variable;
          const s = this.scaleTensors.get(name) as tf.Tensor;
          // v ← old + s · (v − old): the wrapped optimizer's step, scaled per unit.
          tf.tidy(() => v.assign(tf.add(old, tf.mul(s, tf.sub(v, old)))));
        }
      } finally {
        tf.dispose([...before.values()]);
      }
    }
    this.steps++;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { direction: this.o.direction, mode: this.o.mode, refreshEvery: this.o.refreshEvery, strength: this.o.strength };
  }

  override dispose(): void {
    this.inner.dispose();
    tf.dispose([...this.scaleTensors.values()]);
    this.scaleTensors.clear();
  }

  private rebuild(): void {
    const perVariable = new Map<string, { variable: tf.Variable; factors: { axis: number; scales: Float32Array }[] }>();
    for (const [site, scales] of this.scales_) {
      for (const p of this.wiring[site]) {
        const entry = perVariable.get(p.variable.name) ?? { variable: p.variable, factors: [] };
        entry.factors.push({ axis: p.axis, scales });
        perVariable.set(p.variable.name, entry);
      }
    }
    const next = new Map<string, tf.Tensor>();
    for (const [name, { variable, factors }] of perVariable) {
      // A variable whose every factor is exactly 1 gets no scale: the wrapped optimizer's step then stands bit for bit.
      if (factors.every((f) => f.scales.every((v) => v === 1))) continue;
      next.set(
        name,
        tf.tidy(() => {
          let s: tf.Tensor = tf.ones(variable.shape);
          for (const f of factors) {
            const shape = variable.shape.map((d, a) => (a === f.axis ? d : 1));
            s = tf.mul(s, tf.tensor(f.scales, shape));
          }
          return s;
        }),
      );
    }
    tf.dispose([...this.scaleTensors.values()]);
    this.scaleTensors = next;
  }
}

/** The model's unit parameters of `site` (see {@link HookedModel.unitParameters}): column in, bias, row out, per-unit others. */
function defaultWiring(model: HookedModel, site: string): UnitParameter[] {
  requireSite(model, site);
  let p: UnitParameters | undefined;
  let why = "";
  try {
    p = model.unitParameters?.(site);
  } catch (e) {
    if (!(e instanceof AntitrainError)) throw e;
    why = ` (${e.message})`;
  }
  if (p === undefined) {
    throw new AntitrainError(
      `cannot tell which variables feed the units of "${site}" in this ${model.kind} model${why}: pass { wiring: { "${site}": [{ variable, axis }, ...] } }`,
    );
  }
  return [p.into, p.bias, p.out, ...p.others];
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
