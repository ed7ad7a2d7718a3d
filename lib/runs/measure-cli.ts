/**
 * `antitrain measure MODEL_DIR --data FILE ...`: loads a saved TensorFlow.js layers model and a data file, runs
 * {@link measureModel} and writes {@link renderMeasureReport}'s HTML. Bad input (a missing model.json, data that does
 * not fit the model, an unknown site, flag or method) is one line and exit code 2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { backendName, ready } from "../base/backend";
import { AntitrainError } from "../base/errors";
import { MODEL_JSON, loadModel } from "../base/model-io";
import { disposeDataset } from "../data/dataset";
import { type LoadedData, loadDataFile } from "../data/data-file";
import { RANDOMIZE_METHODS, type RandomizeMethod } from "../measure/randomize";
import { fromLayersModel } from "../models/layers-model";
import { UsageError, parseArgs } from "./cli-args";
import { MEASURE_ROWS, measureModel } from "./measure-model";
import { renderMeasureReport } from "./measure-report";

/** The methods in the order --help lists them (the default first). */
const METHODS: readonly RandomizeMethod[] = ["resample", "mean", "zero", "gaussian"];

export const MEASURE_USAGE = `usage: antitrain measure MODEL_DIR --data FILE [--labels FILE] [--label-column NAME|last] [--sites a,b]
                         [--rows N] [--seed S] [--method resample|mean|zero|gaussian] [--out report.html]

  Measures a saved TensorFlow.js layers model (MODEL_DIR holds model.json and its weight shards: at.saveModel,
  tfjs's model.save, or tensorflowjs_converter --output_format tfjs_layers_model) on labelled data and writes one
  self-contained HTML report: per layer, every unit's information content (damage when it alone is randomized),
  the 95% core, and the accuracy as units are randomized together.

  --data FILE          examples, one per row: IDX (.idx, -ubyte, optionally .gz), CSV (.csv, numbers, optional
                       header line) or NumPy .npy (little-endian float32/float64/uint8/int32/int64, C order).
                       uint8 data (IDX or NPY images) is scaled to [0, 1]; each example is reshaped to the model's
                       input shape when the sizes agree ([n, 28, 28] or [n, 784] -> [n, 28, 28, 1])
  --labels FILE        integer labels, one per row (IDX, CSV or NPY); required unless the CSV data has them
  --label-column NAME  the CSV column holding the labels (default: the column named "label"; "last": the last one)
  --sites a,b          layers to measure (default: every hidden layer output with 2 or more units)
  --rows N             measure a random subset of N rows, drawn with the seed (default ${MEASURE_ROWS})
  --seed S             seed of the subset and of every random draw (default 0)
  --method M           how a unit is randomized: ${METHODS.join(", ")} (default resample)
  --out FILE           the report (default measure-<MODEL_DIR name>.html)`;

const FLAGS = {
  data: "value",
  labels: "value",
  "label-column": "value",
  sites: "value",
  rows: "value",
  seed: "value",
  method: "value",
  out: "value",
  help: "switch",
} as const;

/** Runs `antitrain measure` with the arguments after "measure"; returns the exit code (0 done, 2 bad input). */
export async function measureCommand(args: string[]): Promise<number> {
  try {
    return await measure(args);
  } catch (e) {
    // Everything measure refuses is about its input (model, data, options): a usage error, exit code 2.
    if (e instanceof AntitrainError) throw new UsageError(e.message);
    throw e;
  }
}

async function measure(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, FLAGS);
  if (flags.help === true) {
    console.log(MEASURE_USAGE);
    return 0;
  }
  if (positional.length !== 1) throw new UsageError(`measure takes one MODEL_DIR, got ${positional.length}: antitrain measure MODEL_DIR --data FILE (see antitrain measure --help)`);
  const modelDir = positional[0];
  const dataFile = stringFlag(flags.data);
  if (dataFile === undefined) throw new UsageError("measure needs --data FILE (IDX, CSV or NPY): antitrain measure MODEL_DIR --data FILE");
  const labels = stringFlag(flags.labels);
  const labelColumn = stringFlag(flags["label-column"]);
  const rows = intFlag(flags.rows, "rows", 1);
  const seed = intFlag(flags.seed, "seed", 0);
  const method = methodFlag(flags.method);
  const sites = stringFlag(flags.sites)
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (sites !== undefined && sites.length === 0) throw new UsageError("--sites needs layer names separated by commas, e.g. --sites conv1,dense1");
  const out = stringFlag(flags.out) ?? `measure-${path.basename(path.resolve(modelDir)).replace(/\.json$/i, "")}.html`;

  const jsonFile = modelDir.endsWith(".json") ? modelDir : path.join(modelDir, MODEL_JSON);
  if (!fs.existsSync(jsonFile)) {
    throw new UsageError(
      `no ${MODEL_JSON} in ${modelDir}: MODEL_DIR must be a folder holding a TensorFlow.js layers model (model.json + weight shards), e.g. saved with at.saveModel(net, dir) or converted with tensorflowjs_converter --output_format tfjs_layers_model`,
    );
  }
  await ready({ quiet: true });
  let net: tf.LayersModel | undefined;
  let loaded: LoadedData | undefined;
  try {
    net = await loadModel(modelDir);
    const wrapped = fromLayersModel(net);
    loaded = loadDataFile(dataFile, { inputShape: wrapped.inputShape, classes: wrapped.classes, labels, labelColumn });
    // The first progress line comes once the options are checked, so bad input stays one line on stderr.
    let started = false;
    const rowCount = loaded.data.x.shape[0];
    const progress = (line: string): void => {
      if (!started) console.error(`antitrain measure: ${modelDir} on ${Math.min(rows ?? MEASURE_ROWS, rowCount)} of ${rowCount} rows of ${dataFile} (backend ${backendName()})`);
      started = true;
      console.error(`antitrain measure: ${line}`);
    };
    const report = measureModel(net, loaded.data, {
      sites,
      rows,
      seed,
      method,
      source: { model: modelDir, data: dataFile, labels: labels ?? null, notes: loaded.notes, command: commandLine(args) },
      progress,
    });
    writeAtomic(out, renderMeasureReport(report));
    const cores = report.sites.map((s) => `${s.site} ${s.core.length}/${s.units}`).join(", ");
    console.log(`wrote ${out}: accuracy ${(100 * report.data.accuracy).toFixed(1)}% on ${report.data.measuredRows.length} rows; cores ${cores}`);
    return 0;
  } finally {
    if (loaded !== undefined) disposeDataset(loaded.data);
    net?.dispose();
  }
}

/** A value flag's string, or undefined when absent. */
function stringFlag(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** An integer flag (at least `min`), or undefined when absent. */
function intFlag(value: string | boolean | undefined, name: string, min: number): number | undefined {
  if (typeof value !== "string") return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number${min > 0 ? ` of at least ${min}` : " (0 or more)"}, got "${value}"`);
  return n;
}

/** The --method value, checked against the randomization methods. */
function methodFlag(value: string | boolean | undefined): RandomizeMethod | undefined {
  if (typeof value !== "string") return undefined;
  if ((RANDOMIZE_METHODS as readonly string[]).includes(value)) return value as RandomizeMethod;
  throw new UsageError(`unknown --method "${value}": use one of ${METHODS.join(", ")}`);
}

/** The command line as a user would type it (arguments with spaces quoted). */
function commandLine(args: readonly string[]): string {
  return ["antitrain", "measure", ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

/** Writes `text` to `file` atomically (a temporary file beside it, then a rename), creating its folder. */
function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new AntitrainError(`cannot write the report ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
