import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import { parseNpy } from "../lib/data/npy";
import * as runs from "../lib/runs/index";
import { invariant } from "./helpers";
import { writeIdx } from "./idx-files";
import { tempDirs } from "./temp";

const temp = tempDirs();
let dir = "";
const N = 60;
const init = (seed: number) => tf.initializers.glorotNormal({ seed });

/** input[6] → h (relu 8) → g (8) → s = add(h, g); one (1 unit) from the input; concatenate(s, one) → out (3). */
function skipModel(): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  const h = tf.layers.dense({ units: 8, activation: "relu", name: "h", kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  const g = tf.layers.dense({ units: 8, name: "g", kernelInitializer: init(2) }).apply(h) as tf.SymbolicTensor;
  const s = tf.layers.add({ name: "s" }).apply([h, g]) as tf.SymbolicTensor;
  const one = tf.layers.dense({ units: 1, name: "one", kernelInitializer: init(3) }).apply(input) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: "cat" }).apply([s, one]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, name: "out", kernelInitializer: init(4) }).apply(cat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** [6, 6, 1] images → conv (3 channels) → pool → flat → out (softmax 3). */
function cnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, activation: "relu", name: "conv", kernelInitializer: init(5), biasInitializer: "ones" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 3, activation: "softmax", name: "out", kernelInitializer: init(6) }),
    ],
  });
}

/** The model's own predictions as labels (so it is accurate), with every 7th label moved by one class. */
function labelsOf(net: tf.LayersModel, x: number[], shape: number[]): number[] {
  const predicted = tf.tidy(() => Array.from((net.predict(tf.tensor(x, [N, ...shape])) as tf.Tensor).argMax(1).dataSync()));
  return predicted.map((l, i) => (i % 7 === 0 ? (l + 1) % 3 : l));
}

// --- a small .npy writer, independent of lib/data/npy.ts --------------------------------------------------------

type NpyType = "float32" | "float64" | "uint8" | "int32" | "int64";
const DESCR: Record<NpyType, string> = { float32: "<f4", float64: "<f8", uint8: "|u1", int32: "<i4", int64: "<i8" };
const SIZE: Record<NpyType, number> = { float32: 4, float64: 8, uint8: 1, int32: 4, int64: 8 };

function npyBytes(type: NpyType, shape: number[], values: number[], opts: { version?: 1 | 2; fortran?: boolean; descr?: string } = {}): Buffer {
  const version = opts.version ?? 1;
  const lengthBytes = version === 1 ? 2 : 4;
  let header = `{'descr': '${opts.descr ?? DESCR[type]}', 'fortran_order': ${opts.fortran ? "True" : "False"}, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  while ((8 + lengthBytes + header.length + 1) % 64 !== 0) header += " ";
  header += "\n";
  const pre = Buffer.alloc(8 + lengthBytes);
  pre.write("\x93NUMPY", 0, "latin1");
  pre[6] = version;
  pre[7] = 0;
  if (version === 1) pre.writeUInt16LE(header.length, 8);
  else pre.writeUInt32LE(header.length, 8);
  const body = Buffer.alloc(values.length * SIZE[type]);
  values.forEach((v, i) => {
    const o = i * SIZE[type];
    if (type === "float32") body.writeFloatLE(v, o);
    else if (type === "float64") body.writeDoubleLE(v, o);
    else if (type === "uint8") body.writeUInt8(v, o);
    else if (type === "int32") body.writeInt32LE(v, o);
    else body.writeBigInt64LE(BigInt(v), o);
  });
  return Buffer.concat([pre, Buffer.from(header, "latin1"), body]);
}

// --- running the CLI in-process ------------------------------------------------------------------------------

/** Runs `antitrain ARGS` in-process: exit code, stdout and stderr, and the tensors it left behind. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string; leaked: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  const tensors = tf.memory().numTensors;
  try {
    const code = await runs.cli(args);
    return { code, out: out.join("\n"), err: err.join("\n"), leaked: tf.memory().numTensors - tensors };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** The report JSON embedded in a report's HTML. */
function embedded(html: string): runs.MeasureReport {
  const m = /<script type="application\/json" id="measure-report">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, "the HTML embeds the report JSON");
  return JSON.parse(m[1]) as runs.MeasureReport;
}

let skipX: number[] = [];
let skipY: number[] = [];
let images: number[] = [];

before(async () => {
  await at.ready({ quiet: true });
  dir = temp.make("antitrain-measure-");
  const skip = skipModel();
  const rng = new at.Rng(11);
  skipX = Array.from({ length: N * 6 }, () => Number(rng.normal().toFixed(3)));
  skipY = labelsOf(skip, skipX, [6]);
  await at.saveModel(skip, path.join(dir, "skip"));
  skip.dispose();
  const header = ["f0", "f1", "f2", "f3", "f4", "f5", "label"].join(",");
  const rows = Array.from({ length: N }, (_, r) => [...skipX.slice(r * 6, r * 6 + 6), skipY[r]].join(","));
  fs.writeFileSync(path.join(dir, "skip.csv"), `${header}\n${rows.join("\n")}\n`);
  fs.writeFileSync(path.join(dir, "skip-x.npy"), npyBytes("float64", [N, 6], skipX));
  fs.writeFileSync(path.join(dir, "skip-y.npy"), npyBytes("int64", [N], skipY));
  fs.writeFileSync(path.join(dir, "short-y.npy"), npyBytes("int64", [N - 1], skipY.slice(1)));
  fs.writeFileSync(path.join(dir, "narrow.csv"), `${rows.map((r) => r.split(",").slice(1).join(",")).join("\n")}\n`);

  const net = cnn();
  images = Array.from({ length: N * 36 }, () => rng.int(256));
  const labels = labelsOf(
    net,
    images.map((v) => v / 255),
    [6, 6, 1],
  );
  await at.saveModel(net, path.join(dir, "cnn"));
  net.dispose();
  writeIdx(path.join(dir, "images-idx3-ubyte"), "uint8", [N, 6, 6], images);
  writeIdx(path.join(dir, "labels-idx1-ubyte.gz"), "uint8", [N], labels, true);
  fs.mkdirSync(path.join(dir, "empty"));
});
after(() => temp.remove());

/** Every number of a site, measured directly with the library on the report's rows, must equal the report's. */
function checkAgainstLibrary(net: tf.LayersModel, loaded: at.Dataset, report: runs.MeasureReport, seed: number, method: at.RandomizeMethod): void {
  const model = at.fromLayersModel(net);
  const data = at.take(loaded, report.data.measuredRows);
  try {
    const clean = at.evaluate(model, data);
    assert.equal(report.data.accuracy, clean.accuracy);
    assert.equal(report.data.loss, clean.loss);
    for (const s of report.sites) {
      const stats = at.collectStats(model, s.site, data, { seed });
      const common = { stats, method, seed };
      const byLoss = at.importance(model, s.site, data, { ...common, metric: "loss" });
      const byAccuracy = at.importance(model, s.site, data, { ...common, metric: "accuracy" });
      const split = at.findCore(model, s.site, data, { ...common, importance: byLoss, metric: "accuracy" });
      assert.deepEqual(s.lossImportance, Array.from(byLoss.scores), `${s.site}: cross-entropy importance`);
      assert.deepEqual(s.accuracyImportance, Array.from(byAccuracy.scores), `${s.site}: accuracy importance`);
      assert.deepEqual(s.core, split.core, `${s.site}: core`);
      assert.equal(s.fullDamage, split.fullDamage);
      assert.equal(s.fullLossDamage, byLoss.full);
      assert.deepEqual(s.order, at.ranked(byLoss));
      const order = at.ranked(byLoss);
      const points = s.curve.filter((p) => p.k > 0);
      const direct = at.damage(model, s.site, data, points.map((p) => order.slice(s.units - p.k)), { ...common, metric: "accuracy" });
      assert.deepEqual(points.map((p) => p.accuracy), Array.from(direct.values), `${s.site}: damage curve`);
      assert.equal(s.curve[0].accuracy, byAccuracy.clean);
      assert.equal(s.curve[s.curve.length - 1].k, s.units);
      assert.ok(s.curve.some((p) => p.k === s.units - s.core.length), `${s.site}: the curve has the all-spectators point`);
    }
  } finally {
    at.disposeDataset(data);
  }
}

/** No script or stylesheet or image loaded from the network. */
function assertSelfContained(html: string): void {
  assert.doesNotMatch(html, /(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
  assert.doesNotMatch(html, /@import|url\(\s*["']?https?:/i);
  assert.doesNotMatch(html, /<link\b/i);
}

describe("antitrain measure", () => {
  test("a functional model with a skip, CSV data: report, numbers equal the library's, cores equal findCore's", async () => {
    const out = path.join(dir, "skip-csv.html");
    const r = await cli(["measure", path.join(dir, "skip"), "--data", path.join(dir, "skip.csv"), "--rows", "40", "--seed", "3", "--out", out]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.leaked, 0, "tensors left behind");
    assert.match(r.out, /wrote .*skip-csv\.html: accuracy/);
    assert.match(r.err, /site 1\/\d+ "h" \(8 units\)/, "progress lines on stderr");
    const html = fs.readFileSync(out, "utf8");
    assertSelfContained(html);
    const report = embedded(html);
    assert.deepEqual(
      report.sites.map((s) => s.site),
      ["h", "g", "s", "cat"],
    );
    for (const s of report.sites) assert.match(html, new RegExp(`id="site-${s.site}"`));
    assert.deepEqual(report.skipped.map((s) => s.name).sort(), ["one", "out"]);
    assert.match(html, /one<\/td>.*1 unit: nothing to rank/);
    assert.equal(report.data.rows, N);
    assert.equal(report.data.measuredRows.length, 40);
    assert.equal(new Set(report.data.measuredRows).size, 40);
    assert.ok(report.data.accuracy > 0.7, `the model predicts its own labels (accuracy ${report.data.accuracy})`);
    assert.equal(report.model.parameters, 6 * 8 + 8 + 8 * 8 + 8 + 6 + 1 + 9 * 3 + 3);
    assert.deepEqual(report.model.inputShape, [6]);
    assert.deepEqual(report.settings, { method: "resample", spatial: "independent", fraction: 0.95, seed: 3, rows: 40 });
    assert.equal(report.data.source?.labels, null);
    assert.match(report.data.source?.notes.join(" ") ?? "", /labels from column "label"/);
    assert.match(report.data.source?.command ?? "", /^antitrain measure .*--rows 40 --seed 3/);
    assert.equal(report.provenance.backend, tf.getBackend());
    assert.match(html, /<h2>Provenance<\/h2>/);
    assert.match(html, new RegExp(`antitrain</th><td>${report.provenance.antitrain}`));

    const net = await at.loadModel(path.join(dir, "skip"));
    const { data } = at.loadDataFile(path.join(dir, "skip.csv"), { inputShape: [6], classes: 3 });
    try {
      checkAgainstLibrary(net, data, report, 3, "resample");
    } finally {
      at.disposeDataset(data);
      net.dispose();
    }
  });

  test("the same data as NPY (float64 x, int64 labels) gives the same numbers; --sites and --method are obeyed", async () => {
    const csvOut = path.join(dir, "skip-csv-mean.html");
    const npyOut = path.join(dir, "skip-npy-mean.html");
    const common = ["--rows", "40", "--seed", "3", "--method", "mean", "--sites", "g,h"];
    const a = await cli(["measure", path.join(dir, "skip"), "--data", path.join(dir, "skip.csv"), ...common, "--out", csvOut]);
    const b = await cli(["measure", path.join(dir, "skip"), "--data", path.join(dir, "skip-x.npy"), "--labels", path.join(dir, "skip-y.npy"), ...common, "--out", npyOut]);
    assert.equal(a.code, 0, a.err);
    assert.equal(b.code, 0, b.err);
    const [ra, rb] = [embedded(fs.readFileSync(csvOut, "utf8")), embedded(fs.readFileSync(npyOut, "utf8"))];
    assert.deepEqual(
      rb.sites.map((s) => s.site),
      ["g", "h"],
    );
    assert.equal(rb.settings.method, "mean");
    assert.deepEqual(rb.data.measuredRows, ra.data.measuredRows);
    assert.deepEqual(
      rb.sites.map((s) => [s.core, s.lossImportance, s.curve]),
      ra.sites.map((s) => [s.core, s.lossImportance, s.curve]),
    );
    assert.ok(rb.skipped.some((s) => s.name === "s" && /not among the sites asked for/.test(s.reason)));
    const net = await at.loadModel(path.join(dir, "skip"));
    const { data } = at.loadDataFile(path.join(dir, "skip-x.npy"), { inputShape: [6], classes: 3, labels: path.join(dir, "skip-y.npy") });
    try {
      checkAgainstLibrary(net, data, rb, 3, "mean");
    } finally {
      at.disposeDataset(data);
      net.dispose();
    }
  });

  test("a CNN on IDX images (uint8 scaled, [n, 6, 6] given a channel axis, gzip labels): cores equal findCore's", async () => {
    const out = path.join(dir, "cnn.html");
    const r = await cli(["measure", path.join(dir, "cnn"), "--data", path.join(dir, "images-idx3-ubyte"), "--labels", path.join(dir, "labels-idx1-ubyte.gz"), "--out", out]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.leaked, 0);
    const html = fs.readFileSync(out, "utf8");
    assertSelfContained(html);
    const report = embedded(html);
    assert.deepEqual(
      report.sites.map((s) => [s.site, s.units]),
      [
        ["conv", 3],
        ["pool", 3],
        ["flat", 12],
      ],
    );
    assert.equal(report.data.measuredRows.length, N, "fewer rows than --rows: all of them");
    assert.match(html, /uint8 values scaled to \[0, 1\]/);
    assert.match(html, /each example \[6, 6\] reshaped to \[6, 6, 1\]/);
    assert.ok(report.data.accuracy > 0.7);
    const net = await at.loadModel(path.join(dir, "cnn"));
    const x = tf.tensor(Float32Array.from(images, (v) => v / 255), [N, 6, 6, 1]);
    const labels = at.readIdx(path.join(dir, "labels-idx1-ubyte.gz"));
    const data: at.Dataset = { x, y: tf.tensor1d(Int32Array.from(labels.data), "int32"), classes: 3 };
    try {
      const model = at.fromLayersModel(net);
      for (const s of report.sites) {
        const stats = at.collectStats(model, s.site, data, { seed: 0 });
        const split = at.findCore(model, s.site, data, { stats, seed: 0 });
        assert.equal(s.core.length, split.core.length, `${s.site}: core size`);
        assert.deepEqual(s.core, split.core);
      }
      checkAgainstLibrary(net, data, report, 0, "resample");
    } finally {
      at.disposeDataset(data);
      net.dispose();
    }
  });

  test("bad input: one line, exit code 2, the fix named, no tensor left behind", async () => {
    const skip = path.join(dir, "skip");
    const csv = path.join(dir, "skip.csv");
    const cases: [string[], RegExp][] = [
      [[path.join(dir, "empty"), "--data", csv], /no model\.json in .*empty: MODEL_DIR must be a folder holding a TensorFlow\.js layers model/],
      [[skip, "--data", path.join(dir, "narrow.csv"), "--label-column", "last"], /examples have shape \[5\] \(5 values\) but the model takes \[6\]/],
      [[skip, "--data", path.join(dir, "skip-x.npy"), "--labels", path.join(dir, "short-y.npy")], /has 59 labels but .*skip-x\.npy has 60 rows: pass one label per row/],
      [[skip, "--data", path.join(dir, "skip-x.npy")], /holds no labels: pass them with --labels FILE/],
      [[skip, "--data", csv, "--sites", "h,nope"], /unknown site "nope": the sites of this model are "h", "g", "s", "one", "cat"/],
      [[skip, "--data", csv, "--method", "shuffle"], /unknown --method "shuffle": use one of resample, mean, zero, gaussian/],
      [[skip, "--data", csv, "--bogus", "1"], /unknown option --bogus: known options are --data, --labels/],
      [[skip, "--data", csv, "--rows", "0"], /--rows must be a whole number of at least 1, got "0"/],
      [[skip], /measure needs --data FILE/],
      [[skip, "--data", path.join(dir, "missing.csv")], /data file not found: .*missing\.csv/],
      [[skip, "--data", path.join(dir, "skip.txt")], /cannot tell the format of .*skip\.txt/],
      [[path.join(dir, "cnn"), "--data", csv], /examples have shape \[6\] \(6 values\) but the model takes \[6, 6, 1\] \(36 values\)/],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli(["measure", ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: exit code (stderr: ${r.err})`);
      assert.equal(r.err.split("\n").length, 1, `${args.join(" ")}: one line`);
      assert.match(r.err, /^antitrain: /);
      assert.match(r.err, pattern);
      assert.equal(r.leaked, 0, `${args.join(" ")}: tensors left behind`);
    }
    const help = await cli(["measure", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /uint8 data \(IDX or NPY images\) is scaled to \[0, 1\]/);
    const usage = await cli(["--help"]);
    assert.match(usage.out, /antitrain measure MODEL_DIR --data FILE/);
  });
});

describe("measureModel", () => {
  test("leaves the model unchanged and frees its tensors; refuses unknown options and sites", async () => {
    const net = await at.loadModel(path.join(dir, "skip"));
    const { data } = at.loadDataFile(path.join(dir, "skip.csv"), { inputShape: [6], classes: 3 });
    try {
      const model = at.fromLayersModel(net);
      const report = invariant(model, "measureModel", () => runs.measureModel(net, data, { rows: 20, sites: ["h"] })) as runs.MeasureReport;
      assert.equal(report.sites[0].units, 8);
      const html = runs.renderMeasureReport(report);
      assert.match(html, /called from code: at\.measureModel/);
      const bad = invariant(model, "bad option", () => runs.measureModel(net, data, { rowz: 5 } as runs.MeasureOptions));
      assert.match(String(bad), /unknown option "rowz" of measureModel/);
      const site = invariant(model, "bad site", () => runs.measureModel(net, data, { sites: ["x"] }));
      assert.match(String(site), /unknown site "x"/);
      const method = invariant(model, "bad method", () => runs.measureModel(net, data, { method: "shuffle" as at.RandomizeMethod }));
      assert.match(String(method), /method must be one of "gaussian", "resample", "mean", "zero"/);
    } finally {
      at.disposeDataset(data);
      net.dispose();
    }
  });
});

describe("readNpy", () => {
  const values: Record<NpyType, number[]> = {
    float32: [0.5, -1.25, 3e-5, 1e10, 0, -0],
    float64: [Math.PI, -1e-300, 2 ** 60, 0.1, -7, 42],
    uint8: [0, 1, 127, 128, 255, 9],
    int32: [-(2 ** 31), 2 ** 31 - 1, 0, -1, 7, 65536],
    int64: [-(2 ** 53) + 1, 2 ** 53 - 1, 0, -1, 2 ** 40, 12],
  };
  for (const type of Object.keys(values) as NpyType[]) {
    test(`round-trips ${type} (format 1.0 and 2.0)`, () => {
      for (const version of [1, 2] as const) {
        const file = path.join(dir, `rt-${type}-${version}.npy`);
        fs.writeFileSync(file, npyBytes(type, [2, 3], values[type], { version }));
        const a = at.readNpy(file);
        assert.equal(a.dtype, type);
        assert.deepEqual(a.shape, [2, 3]);
        const expected = type === "float32" ? Array.from(Float32Array.from(values[type])) : values[type];
        assert.deepEqual(Array.from(a.data), expected);
      }
    });
  }
  test("refuses Fortran order, other dtypes, big-endian data, truncated files and non-npy files", () => {
    const refused: [Buffer, RegExp][] = [
      [npyBytes("float32", [2, 3], values.float32, { fortran: true }), /Fortran \(column-major\) order: save it in C order/],
      [npyBytes("int32", [3], [1, 2, 3], { descr: "<i2" }), /dtype '<i2', which is not read .*convert it/],
      [npyBytes("float32", [3], [1, 2, 3], { descr: ">f4" }), /dtype '>f4'.*big-endian/],
      [npyBytes("float32", [4], [1, 2, 3]), /is truncated: its header says float32 \[4\]/],
      [Buffer.from("label\n1\n"), /is not a \.npy file/],
    ];
    for (const [bytes, pattern] of refused) {
      assert.throws(
        () => parseNpy(bytes, "x.npy"),
        (e: unknown) => e instanceof at.AntitrainError && pattern.test(e.message),
      );
    }
  });
});
