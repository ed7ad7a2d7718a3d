/**
 * Labelled data from files a user already has: IDX (MNIST's format), CSV and NumPy `.npy`, read into a
 * {@link Dataset} shaped for a model's input. What `antitrain measure --data FILE [--labels FILE]` reads.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import * as zlib from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { requireKnownKeys, requirePositiveInt } from "../base/validate";
import type { Dataset } from "./dataset";
import { readIdx } from "./idx";
import { readNpy } from "./npy";

/** The file formats {@link readArrayFile} and {@link loadDataFile} read, told apart by the file name. */
export type DataFormat = "idx" | "csv" | "npy";

/** Every {@link DataFormat}. */
export const DATA_FORMATS: readonly DataFormat[] = ["idx", "csv", "npy"];

/** A numeric array read from a data file: shape (rows first), elements in row-major order, and where it came from. */
export interface ArrayFile {
  readonly file: string;
  readonly format: DataFormat;
  /** The element type as stored: an IDX or NPY dtype ("uint8", "float32", ...), or "number" for CSV. */
  readonly dtype: string;
  readonly shape: number[];
  readonly data: ArrayLike<number>;
  /** CSV column names when the first line is a header, else null. */
  readonly columns: string[] | null;
}

/**
 * The format of a data file from its name (a trailing `.gz` ignored): `.npy` → NPY, `.csv` → CSV, `.idx`, `-ubyte`
 * or `idx1`..`idx4` in the name → IDX. Anything else is an AntitrainError naming the names understood.
 *
 * @example
 * at.dataFormat("t10k-images-idx3-ubyte.gz");   // "idx"
 * at.dataFormat("x_test.npy");                  // "npy"
 * at.dataFormat("table.csv");                   // "csv"
 */
export function dataFormat(file: string): DataFormat {
  const name = nodePath.basename(String(file)).toLowerCase().replace(/\.gz$/, "");
  if (name.endsWith(".npy")) return "npy";
  if (name.endsWith(".csv")) return "csv";
  if (name.endsWith(".idx") || name.endsWith("-ubyte") || /idx[1-4]/.test(name)) return "idx";
  throw new AntitrainError(`cannot tell the format of ${file} from its name: name it .idx or -ubyte (IDX), .csv (CSV) or .npy (NumPy)`);
}

/**
 * Reads one data file as a numeric array (see {@link dataFormat}): IDX (gzip or not) as stored; NPY as stored
 * (little-endian float32, float64, uint8, int32, int64, C order; see {@link readNpy}); CSV (gzip if named `.csv.gz`)
 * as `[rows, columns]` numbers, its first line taken as column names when any of its fields is not a number.
 *
 * @example
 * const a = at.readArrayFile("data/train.csv");
 * a.shape;     // [500, 65]
 * a.columns;   // ["f0", ..., "f63", "label"]
 */
export function readArrayFile(file: string): ArrayFile {
  if (typeof file !== "string" || file === "") throw new AntitrainError("a data file path must be a non-empty string");
  const format = dataFormat(file);
  if (!fs.existsSync(file)) throw new AntitrainError(`data file not found: ${file} (check the path)`);
  switch (format) {
    case "idx": {
      const a = readIdx(file);
      return { file, format, dtype: idxDtype(a.data), shape: a.shape, data: a.data, columns: null };
    }
    case "npy": {
      if (file.toLowerCase().endsWith(".gz")) throw new AntitrainError(`${file}: a gzip-compressed .npy is not read: gunzip it first`);
      const a = readNpy(file);
      return { file, format, dtype: a.dtype, shape: a.shape, data: a.data, columns: null };
    }
    case "csv": {
      const t = parseCsv(readText(file), file);
      return { file, format, dtype: "number", shape: [t.rows, t.columns.length], data: t.data, columns: t.header ? t.columns : null };
    }
    default: {
      const unknown: never = format;
      throw new AntitrainError(`unknown data format ${String(unknown)}`);
    }
  }
}

/** Options for {@link loadDataFile}. */
export interface LoadDataOptions {
  /** The model's input shape without the batch axis, e.g. `[28, 28, 1]` (`model.inputShape`). */
  inputShape: readonly number[];
  /** Classes the model outputs: labels must be integers in [0, classes). */
  classes: number;
  /** A file of labels (IDX, CSV or NPY, one label per row of the data). Default: labels from the CSV's label column. */
  labels?: string;
  /**
   * The CSV column holding the labels, by name, or `"last"`. Default: the column named `label`. Only for CSV data
   * without a `labels` file.
   */
  labelColumn?: string;
}

const LOAD_OPTION_KEYS = ["inputShape", "classes", "labels", "labelColumn"] as const satisfies readonly (keyof LoadDataOptions)[];

/** A dataset read from files, with notes on what was done to it (scaling, reshaping, where the labels came from). */
export interface LoadedData {
  readonly data: Dataset;
  readonly notes: string[];
}

/**
 * Reads labelled data from files for a model with input shape `inputShape`: `file` (IDX, CSV or NPY) holds the
 * examples along its first axis; labels come from `labels` (a file in any of the three formats) or, for CSV, from a
 * column (`label`, or `labelColumn`). uint8 data (IDX and NPY images) is scaled to [0, 1] (divided by 255). Each
 * example is reshaped to `inputShape` when the sizes agree (784 values → [28, 28, 1], an image [28, 28] → [28, 28,
 * 1]); otherwise an AntitrainError names both shapes. Refused too, each naming the fix: a missing file, a label
 * count that is not the row count, labels that are not integers in [0, classes). The caller disposes `data`.
 *
 * @example
 * const { data, notes } = at.loadDataFile("t10k-images-idx3-ubyte.gz", { labels: "t10k-labels-idx1-ubyte.gz", inputShape: [28, 28, 1], classes: 10 });
 * data.x.shape;   // [10000, 28, 28, 1], values in [0, 1]
 * notes;          // ["uint8 values scaled to [0, 1] (divided by 255)", "each example [28, 28] reshaped to [28, 28, 1]"]
 * at.disposeDataset(data);
 */
export function loadDataFile(file: string, options: LoadDataOptions): LoadedData {
  requireKnownKeys(options, LOAD_OPTION_KEYS, "loadDataFile");
  if (options === undefined || !Array.isArray(options.inputShape) || options.inputShape.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw new AntitrainError("loadDataFile needs inputShape: the model's input shape without the batch axis, e.g. [28, 28, 1] (model.inputShape)");
  }
  requirePositiveInt(options.classes, "classes");
  const notes: string[] = [];
  const array = readArrayFile(file);
  let x: ArrayFile = array;
  let labels: ArrayLike<number>;
  if (options.labels !== undefined) {
    if (options.labelColumn !== undefined) throw new AntitrainError("give labels either as a file (--labels) or as a CSV column (--label-column), not both");
    labels = labelValues(readArrayFile(options.labels), options.labels);
    notes.push(`labels from ${options.labels}`);
  } else if (array.format === "csv") {
    const picked = splitLabelColumn(array, options.labelColumn);
    x = picked.x;
    labels = picked.labels;
    notes.push(`labels from column ${picked.name} of ${file}`);
  } else {
    if (options.labelColumn !== undefined) throw new AntitrainError(`--label-column applies to CSV data, but ${file} is ${array.format.toUpperCase()}: pass the labels as a file with --labels FILE`);
    throw new AntitrainError(`${file} holds no labels: pass them with --labels FILE (IDX, CSV or NPY, one label per example)`);
  }
  const rows = x.shape[0];
  if (x.shape.length < 2) throw new AntitrainError(`${file} holds a 1-D array of ${rows} values: the data needs one row per example ([rows, ...])`);
  if (labels.length !== rows) {
    throw new AntitrainError(`${options.labels ?? file} has ${labels.length} labels but ${file} has ${rows} rows: pass one label per row`);
  }
  const y = Int32Array.from(labels, (l, i) => {
    if (!(Number.isInteger(l) && l >= 0 && l < options.classes)) {
      throw new AntitrainError(`label ${l} at row ${i} of ${options.labels ?? file} is not an integer in [0, ${options.classes}): the model outputs ${options.classes} classes`);
    }
    return l;
  });
  const example = x.shape.slice(1);
  const want = [...options.inputShape];
  const exampleSize = example.reduce((a, b) => a * b, 1);
  const wantSize = want.reduce((a, b) => a * b, 1);
  if (exampleSize !== wantSize) {
    throw new AntitrainError(
      `the data's examples have shape [${example.join(", ")}] (${exampleSize} values) but the model takes [${want.join(", ")}] (${wantSize} values): pass data made for this model`,
    );
  }
  if (example.join(",") !== want.join(",")) notes.push(`each example [${example.join(", ")}] reshaped to [${want.join(", ")}]`);
  const values = Float32Array.from(x.data);
  if (x.dtype === "uint8") {
    for (let i = 0; i < values.length; i++) values[i] /= 255;
    notes.unshift("uint8 values scaled to [0, 1] (divided by 255)");
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new AntitrainError(
        `${file} holds ${values[i]} at row ${Math.floor(i / exampleSize)}, column ${i % exampleSize} (element ${i}): the data must be finite numbers; remove or impute that row`,
      );
    }
  }
  const data: Dataset = {
    x: tf.tensor(values, [rows, ...want], "float32"),
    y: tf.tensor1d(y, "int32"),
    classes: options.classes,
  };
  return { data, notes };
}

/** The labels held by a labels file: a 1-D array, `[n, 1]`, or a CSV with one column (or a `label` column). */
function labelValues(a: ArrayFile, file: string): ArrayLike<number> {
  if (a.shape.length === 1) return a.data;
  if (a.shape.length === 2 && a.shape[1] === 1) return a.data;
  if (a.format === "csv" && a.columns !== null && a.columns.includes("label")) return splitLabelColumn(a, "label").labels;
  throw new AntitrainError(`${file} has shape [${a.shape.join(", ")}]: a labels file holds one label per row (a 1-D array, or a CSV with one column or a "label" column)`);
}

/** Splits a CSV table into its label column (`column`: a name or "last"; default "label") and the other columns. */
function splitLabelColumn(a: ArrayFile, column: string | undefined): { x: ArrayFile; labels: Float64Array; name: string } {
  const [rows, width] = a.shape;
  let index: number;
  if (column === "last") index = width - 1;
  else {
    const name = column ?? "label";
    index = a.columns === null ? -1 : a.columns.indexOf(name);
    if (index < 0) {
      const has = a.columns === null ? "has no header line" : `has columns ${a.columns.map((c) => `"${c}"`).join(", ")}`;
      throw new AntitrainError(
        `${a.file} ${has} and no column named "${name}": pass --label-column NAME (or --label-column last), or the labels as a file with --labels FILE`,
      );
    }
  }
  if (width < 2) throw new AntitrainError(`${a.file} has one column: with the labels taken out no feature is left`);
  const labels = new Float64Array(rows);
  const x = new Float64Array(rows * (width - 1));
  for (let r = 0; r < rows; r++) {
    for (let c = 0, k = 0; c < width; c++) {
      const v = a.data[r * width + c];
      if (c === index) labels[r] = v;
      else x[r * (width - 1) + k++] = v;
    }
  }
  const name = a.columns === null ? `${index + 1} (the last)` : `"${a.columns[index]}"`;
  const columns = a.columns === null ? null : a.columns.filter((_, c) => c !== index);
  return { x: { ...a, shape: [rows, width - 1], data: x, columns }, labels, name };
}

/** A text file, gunzipped when it starts with gzip's magic bytes. */
function readText(file: string): string {
  const raw = fs.readFileSync(file);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return zlib.gunzipSync(raw).toString("utf8");
    } catch (e) {
      throw new AntitrainError(`${file} is a damaged gzip file (${(e as Error).message})`);
    }
  }
  return raw.toString("utf8");
}

/** Comma-separated numbers, one row per non-empty line; a first line with a non-number field is the header. */
function parseCsv(text: string, file: string): { columns: string[]; header: boolean; rows: number; data: Float64Array } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).map((l, i) => ({ l, i })).filter(({ l }) => l.trim() !== "");
  if (lines.length === 0) throw new AntitrainError(`${file} is empty: a CSV needs one row per example`);
  const fields = (l: string) => l.split(",").map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
  const first = fields(lines[0].l);
  const header = first.some((f) => f === "" || !Number.isFinite(Number(f)));
  const columns = header ? first : first.map((_, c) => `column ${c + 1}`);
  const body = header ? lines.slice(1) : lines;
  if (body.length === 0) throw new AntitrainError(`${file} has a header line but no rows`);
  const width = columns.length;
  const data = new Float64Array(body.length * width);
  body.forEach(({ l, i }, r) => {
    const row = fields(l);
    if (row.length !== width) throw new AntitrainError(`${file} line ${i + 1} has ${row.length} fields, not ${width} like the first line: every row needs the same columns`);
    row.forEach((f, c) => {
      const v = Number(f);
      if (f === "" || !Number.isFinite(v)) throw new AntitrainError(`${file} line ${i + 1}, column ${c + 1}: "${f}" is not a number (a CSV here holds numbers only)`);
      data[r * width + c] = v;
    });
  });
  return { columns, header, rows: body.length, data };
}

/** The dtype name of IDX elements. */
function idxDtype(data: ArrayLike<number>): string {
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Float32Array) return "float32";
  return "float64";
}
