/**
 * `measureModel`: everything `antitrain measure` reports about a user's `tf.LayersModel`, as typed JSON. Per site:
 * every unit's information content (its damage when randomized alone, on accuracy and on cross-entropy), the core
 * (`findCore`) and the damage curve (accuracy when the k least informative units are randomized together). Every
 * number comes from the library's own functions (collectStats, importance, findCore, damage, evaluate); nothing is
 * measured a second way here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { backendName } from "../base/backend";
import { AntitrainError } from "../base/errors";
import { PACKAGE_ROOT } from "../base/io";
import { rngFor } from "../base/rng";
import { requireData, requireFraction, requireKnownKeys, requirePositiveInt, requireSeed } from "../base/validate";
import { findCore } from "../core/find-core";
import { type Dataset, size, take } from "../data/dataset";
import { importance, ranked } from "../importance/importance";
import { damage } from "../measure/damage";
import { DEFAULT_SPATIAL, type RandomizeMethod, type SpatialMode, requireMethod } from "../measure/randomize";
import { collectStats } from "../measure/unit-stats";
import { fromLayersModel } from "../models/layers-model";
import { evaluate } from "../training/train";
import { codeVersion, describeVersion } from "../base/commit";

/** Where the model and data of a report came from (the CLI fills it; code may leave it out). */
export interface MeasureSource {
  /** The model's folder or file. */
  readonly model: string;
  /** The data file. */
  readonly data: string;
  /** The labels file, or null when the labels came with the data. */
  readonly labels: string | null;
  /** What was done to the data on reading (scaling, reshaping, label column). */
  readonly notes: readonly string[];
  /** The command line that made the report, or null. */
  readonly command: string | null;
}

/** Options for {@link measureModel}. */
export interface MeasureOptions {
  /** Sites (layer names) to measure. Default: every layer output the library can measure with 2 or more units, except the output. */
  sites?: readonly string[];
  /** Rows measured: a seeded random subset of this many (all rows when there are fewer). Default 1000. */
  rows?: number;
  /** Seed of the row subset and of every random draw. Default 0. */
  seed?: number;
  /** How a unit is randomized (see {@link RandomizeMethod}). Default "resample". */
  method?: RandomizeMethod;
  /** Share of the whole-site accuracy damage the core must reach. Default 0.95. */
  fraction?: number;
  /** Where model and data came from, copied into the report. */
  source?: MeasureSource;
  /** Called with a progress line per site (the CLI prints them on stderr). Default: silent. */
  progress?: (line: string) => void;
}

const OPTION_KEYS = ["sites", "rows", "seed", "method", "fraction", "source", "progress"] as const satisfies readonly (keyof MeasureOptions)[];

/** Default {@link MeasureOptions.rows}. */
export const MEASURE_ROWS = 1000;

/** One layer of the model summary. */
export interface LayerSummary {
  readonly name: string;
  /** The layer's class, e.g. "Dense", "Conv2D". */
  readonly className: string;
  /** Output shape without the batch axis (several outputs: the first). */
  readonly outputShape: number[];
  readonly parameters: number;
}

/** One point of a damage curve: k units randomized together, and the accuracy then. */
export interface CurvePoint {
  readonly k: number;
  readonly accuracy: number;
}

/** What {@link measureModel} found at one site. */
export interface SiteMeasure {
  readonly site: string;
  readonly units: number;
  /** Accuracy with nothing randomized (on the measured rows). */
  readonly cleanAccuracy: number;
  /** Cross-entropy with nothing randomized. */
  readonly cleanLoss: number;
  /** Each unit's accuracy damage when randomized alone (`importance` with metric "accuracy"), by unit index. */
  readonly accuracyImportance: number[];
  /** Each unit's cross-entropy damage when randomized alone (`importance` with metric "loss"), by unit index. */
  readonly lossImportance: number[];
  /** Units from most to least informative (`ranked` on the cross-entropy importance: the core's ranking). */
  readonly order: number[];
  /** The core (`findCore` on accuracy with the cross-entropy ranking), most informative first. */
  readonly core: number[];
  /** Accuracy damage of randomizing the whole site. */
  readonly fullDamage: number;
  /** Cross-entropy damage of randomizing the whole site. */
  readonly fullLossDamage: number;
  /** Core damage as a share of the whole-site damage. */
  readonly fractionReached: number;
  /** The prefixes the core search evaluated: accuracy with the k most informative units randomized. */
  readonly coreCurve: CurvePoint[];
  /** Accuracy with the k least informative units randomized together, k from 0 to all units. */
  readonly curve: CurvePoint[];
  /** Seconds the site took. */
  readonly seconds: number;
}

/** A layer that was not measured, and why. */
export interface SkippedLayer {
  readonly name: string;
  readonly reason: string;
}

/** The typed result of {@link measureModel}: plain JSON (arrays, numbers, strings). */
export interface MeasureReport {
  readonly model: {
    readonly inputShape: number[];
    readonly classes: number;
    readonly parameters: number;
    readonly layers: LayerSummary[];
  };
  readonly data: {
    readonly source: MeasureSource | null;
    /** Rows in the data. */
    readonly rows: number;
    /** The rows measured, as indices into the data (ascending). */
    readonly measuredRows: number[];
    /** Accuracy and cross-entropy of the model on the measured rows. */
    readonly accuracy: number;
    readonly loss: number;
  };
  readonly settings: {
    readonly method: RandomizeMethod;
    readonly spatial: SpatialMode;
    readonly fraction: number;
    readonly seed: number;
    readonly rows: number;
  };
  readonly sites: SiteMeasure[];
  readonly skipped: SkippedLayer[];
  readonly provenance: {
    readonly antitrain: string;
    /** The library's commit (short, "+ uncommitted changes …" when the checkout differs), or null outside a git checkout. */
    readonly commit: string | null;
    readonly backend: string;
    /** ISO date and time the measurement started. */
    readonly date: string;
    readonly seconds: number;
  };
}

/**
 * Measures a `tf.LayersModel` (Sequential or functional, dense or convolutional) on labelled data: its accuracy,
 * and per site (a layer output; default every one with 2 or more units but the model's output) every unit's
 * information content on accuracy and cross-entropy (`importance`), the core on accuracy (`findCore`, ranked by
 * cross-entropy) and the accuracy with the k least informative units randomized together (`damage`, a grid of k).
 * All on a seeded subset of `rows` rows, with common random numbers from `seed`. What `antitrain measure` runs;
 * {@link renderMeasureReport} turns the result into a self-contained HTML page. Leaves the model unchanged; frees
 * every tensor it made. Unknown sites are refused, listing the real ones.
 *
 * @example
 * const net = await at.loadModel("models/cnn");
 * const report = at.measureModel(net, test, { rows: 500, seed: 0 });
 * report.sites.map((s) => `${s.site}: core ${s.core.length} of ${s.units}`);
 * fs.writeFileSync("report.html", at.renderMeasureReport(report));
 */
export function measureModel(model: tf.LayersModel, data: Dataset, options: MeasureOptions = {}): MeasureReport {
  requireKnownKeys(options, OPTION_KEYS, "measureModel");
  const started = Date.now();
  const date = new Date(started).toISOString();
  const rows = options.rows ?? MEASURE_ROWS;
  requirePositiveInt(rows, "rows");
  const seed = options.seed ?? 0;
  requireSeed(seed);
  const method = requireMethod(options.method ?? "resample");
  const fraction = options.fraction ?? 0.95;
  requireFraction(fraction);
  const progress = options.progress ?? (() => {});
  if (typeof progress !== "function") throw new AntitrainError("measureModel's progress must be a function (line: string) => void");
  const wrapped = fromLayersModel(model);
  requireData(wrapped, data);
  const { sites, skipped } = chooseSites(model, wrapped.sites(), options.sites);

  const n = size(data);
  const measuredRows = rows >= n ? Array.from({ length: n }, (_, i) => i) : Array.from(rngFor(seed, ROW_STREAM).permutation(n).subarray(0, rows)).sort((a, b) => a - b);
  const measured = measuredRows.length === n ? data : take(data, measuredRows);
  try {
    const clean = evaluate(wrapped, measured);
    const results = sites.map((site, i) => {
      const t0 = Date.now();
      progress(`site ${i + 1}/${sites.length} "${site.name}" (${site.units} units): measuring...`);
      const result = measureSite(wrapped, site.name, site.units, measured, { method, seed, fraction });
      const seconds = (Date.now() - t0) / 1000;
      progress(`site ${i + 1}/${sites.length} "${site.name}": core ${result.core.length} of ${site.units} units, full damage ${(100 * result.fullDamage).toFixed(1)} accuracy points (${seconds.toFixed(1)} s)`);
      return { ...result, seconds };
    });
    return {
      model: {
        inputShape: [...wrapped.inputShape],
        classes: wrapped.classes,
        parameters: model.countParams(),
        layers: model.layers.map(summarizeLayer),
      },
      data: { source: options.source ?? null, rows: n, measuredRows, accuracy: clean.accuracy, loss: clean.loss },
      settings: { method, spatial: DEFAULT_SPATIAL, fraction, seed, rows },
      sites: results,
      skipped,
      provenance: { antitrain: packageVersion(), commit: commitOrNull(), backend: backendName(), date, seconds: (Date.now() - started) / 1000 },
    };
  } finally {
    if (measured !== data) {
      measured.x.dispose();
      measured.y.dispose();
    }
  }
}

/** The random stream of the row subset (apart from the draws, which use `seed` itself). */
const ROW_STREAM = 7301;

/** Measures one site: importance on both metrics, the core, and the damage curve of the least informative units. */
function measureSite(
  model: ReturnType<typeof fromLayersModel>,
  site: string,
  units: number,
  data: Dataset,
  settings: { method: RandomizeMethod; seed: number; fraction: number },
): Omit<SiteMeasure, "seconds"> {
  const stats = collectStats(model, site, data, { seed: settings.seed });
  const common = { stats, method: settings.method, seed: settings.seed };
  const byLoss = importance(model, site, data, { ...common, metric: "loss" });
  const byAccuracy = importance(model, site, data, { ...common, metric: "accuracy" });
  const split = findCore(model, site, data, { ...common, importance: byLoss, fraction: settings.fraction, metric: "accuracy" });
  const order = ranked(byLoss);
  const ks = curveGrid(units, units - split.core.length).filter((k) => k > 0);
  const least = ks.map((k) => order.slice(units - k));
  const values = damage(model, site, data, least, { ...common, metric: "accuracy" }).values;
  const cleanAccuracy = byAccuracy.clean;
  return {
    site,
    units,
    cleanAccuracy,
    cleanLoss: byLoss.clean,
    accuracyImportance: Array.from(byAccuracy.scores),
    lossImportance: Array.from(byLoss.scores),
    order,
    core: split.core,
    fullDamage: split.fullDamage,
    fullLossDamage: byLoss.full,
    fractionReached: split.fractionReached,
    coreCurve: [{ k: 0, accuracy: cleanAccuracy }, ...split.curve.map((p) => ({ k: p.k, accuracy: cleanAccuracy - p.damage }))],
    curve: [{ k: 0, accuracy: cleanAccuracy }, ...ks.map((k, i) => ({ k, accuracy: values[i] }))],
  };
}

/**
 * The k of the damage curve: every k up to 40 units, else 33 evenly spaced values; always 0, `units` and `spectators`
 * (the point where exactly the units outside the core are randomized).
 */
export function curveGrid(units: number, spectators: number): number[] {
  const ks = new Set<number>([0, units, spectators]);
  const steps = Math.min(units, 32);
  for (let i = 0; i <= steps; i++) ks.add(Math.round((i * units) / steps));
  return [...ks].filter((k) => k >= 0 && k <= units).sort((a, b) => a - b);
}

/** The sites to measure and the layers left out, with the reason for each. */
function chooseSites(
  model: tf.LayersModel,
  all: { name: string; units: number }[],
  asked: readonly string[] | undefined,
): { sites: { name: string; units: number }[]; skipped: SkippedLayer[] } {
  const valid = all.map((s) => `"${s.name}"`).join(", ");
  let sites: { name: string; units: number }[];
  if (asked !== undefined) {
    if (!Array.isArray(asked) || asked.length === 0 || asked.some((s) => typeof s !== "string")) {
      throw new AntitrainError(`sites must be a non-empty list of layer names; the sites of this model are ${valid}`);
    }
    const repeated = asked.find((s, i) => asked.indexOf(s) !== i);
    if (repeated !== undefined) throw new AntitrainError(`site "${repeated}" is listed twice: list each site once`);
    sites = asked.map((name) => {
      const found = all.find((s) => s.name === name);
      if (found === undefined) throw new AntitrainError(`unknown site "${name}": the sites of this model are ${valid}`);
      return found;
    });
  } else {
    sites = all.filter((s) => s.units >= 2);
    if (sites.length === 0) throw new AntitrainError(`this model has no site with 2 or more units (its sites: ${valid}): nothing to measure`);
  }
  const chosen = new Set(sites.map((s) => s.name));
  const output = model.outputs[0]?.sourceLayer?.name;
  const skipped: SkippedLayer[] = [];
  for (const layer of model.layers) {
    if (chosen.has(layer.name) || layer.getClassName() === "InputLayer") continue;
    const site = all.find((s) => s.name === layer.name);
    let reason: string;
    if (layer.name === output) reason = `the model's output (${outputsProbabilities(layer) ? "output probabilities" : "the logits"})`;
    else if (site === undefined) reason = "no unit axis the library can address (e.g. a reshape after a channelsFirst layer)";
    else if (asked !== undefined) reason = "not among the sites asked for";
    else reason = `${site.units} unit: nothing to rank`;
    skipped.push({ name: layer.name, reason });
  }
  return { sites, skipped };
}

/** True when a layer's output is probabilities (a softmax layer or a softmax activation) rather than logits. */
function outputsProbabilities(layer: tf.layers.Layer): boolean {
  return layer.getClassName() === "Softmax" || (layer.getConfig() as { activation?: unknown }).activation === "softmax";
}

/** A layer's name, class, output shape (batch axis dropped) and parameter count. */
function summarizeLayer(layer: tf.layers.Layer): LayerSummary {
  const raw = layer.outputShape;
  const shape = (Array.isArray(raw[0]) || raw[0] === undefined ? (raw[0] as (number | null)[] | undefined) ?? [] : raw) as (number | null)[];
  return { name: layer.name, className: layer.getClassName(), outputShape: shape.slice(1).map((d) => d ?? -1), parameters: layer.countParams() };
}

/** The library's version, from its package.json. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

/** The library's commit, or null outside a git checkout. */
function commitOrNull(): string | null {
  const v = codeVersion();
  return v.commit === "unknown" ? null : describeVersion(v);
}
