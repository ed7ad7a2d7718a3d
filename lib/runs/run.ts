/**
 * A complete antitraining run from a {@link RunConfig}: build the task and model, pretrain, train with an
 * {@link Antitrainer} attached, checkpoint every `checkpointEvery` steps, and resume exactly from the newest good
 * checkpoint. SIGINT/SIGTERM finish the current step, checkpoint and stop; NaN or infinity anywhere stops the run
 * naming the step and site, keeping the last good checkpoint.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { Antitrainer } from "../antitrain/antitrainer";
import { ready } from "../base/backend";
import { latestCheckpoint, listCheckpoints, writeCheckpoint } from "./checkpoint";
import { type RunConfig, configDifference } from "./config";
import { BatchStream, type Dataset, type Split, disposeDataset, head } from "../data/dataset";
import { digits } from "../data/digits";
import { fashionMnist } from "../data/fashion-mnist";
import { teacherStudent } from "../data/teacherStudent";
import { AntitrainError } from "../base/errors";
import { crossEntropy } from "../measure/metrics";
import { LayersHookedModel } from "../models/layers-model";
import type { HookedModel } from "../models/types";
import { type RunOutputs, buildRunModel, requireCompressible, writeOutputs } from "./run-model";
import { readJson, writeJsonAtomic } from "../base/io";
import { type RunHistory, type RunParts, captureRun, restoreRun } from "./run-state";
import { cyclic, interleaved } from "../antitrain/schedule";
import { rescaleUnits, spectatorBlowup } from "../antitrain/spectators";
import { evaluate } from "../training/train";
import { requireFinite } from "../base/validate";

/** Options for {@link runFromConfig}. */
export interface RunOptions {
  /** The run folder (config.json, ckpt-<step>/, result.json). */
  out: string;
  /** Continue from the newest good checkpoint in `out` (required when `out` already holds one). */
  resume?: boolean;
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
  /** Stop after the step when this returns true (besides SIGINT/SIGTERM). */
  shouldStop?: () => boolean;
  /** Catch SIGINT and SIGTERM to checkpoint before stopping. Default true. */
  handleSignals?: boolean;
  /** How to resume, for the interrupt message. Default "antitrain run CONFIG --out <out> --resume". */
  resumeHint?: string;
}

/** What a run returns (and writes to `out/result.json` when done). */
export interface RunResult {
  readonly status: "done" | "interrupted";
  /** Steps completed. */
  readonly step: number;
  readonly out: string;
  readonly history: RunHistory;
  /** Test accuracy and loss at the end (done runs only). */
  readonly final?: { accuracy: number; loss: number };
  /** `tf.memory()` at each checkpoint of this process: flat when nothing leaks. */
  readonly memory: { step: number; numTensors: number; numBytes: number }[];
  /** SHA-256 of the saved model's files (layers models). */
  readonly modelSha256?: string;
  /** The models written at the end (`output` in the config). */
  readonly outputs?: RunOutputs;
}

/**
 * Runs (or resumes) a run described by `config`, writing checkpoints and the result into `options.out`.
 * Throws an AntitrainError on bad input or a numerical fault (the message names the step and site).
 *
 * @example
 * const config = at.parseRunConfig(JSON.parse(fs.readFileSync("configs/digits-small.json", "utf8")));
 * const result = await at.runFromConfig(config, { out: "runs/digits-small" });
 * result.final?.accuracy;
 */
export async function runFromConfig(config: RunConfig, options: RunOptions): Promise<RunResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const out = options.out;
  const total = config.pretrainSteps + config.steps;
  const done = readJson<RunResult & { config: RunConfig }>(path.join(out, "result.json"));
  if (done !== undefined && options.resume) {
    prepareFolder(out, config, true, true);
    log(`antitrain: ${out} is already complete (${done.step} steps); nothing to resume`);
    return { ...done, memory: [] };
  }

  const backend = await ready({ quiet: true });
  // The task and model are built (and a saved model checked against the config) before the run folder is made.
  const split = buildTask(config);
  const measureData = head(split.train, config.antitrain.measureSize);
  let parts: RunParts;
  try {
    parts = await buildParts(config, split.train, measureData);
  } catch (e) {
    disposeData(split, measureData);
    throw e;
  }
  const { model, history } = parts;
  try {
    if (config.output?.compress) requireCompressible(model, config.sites);
    prepareFolder(out, config, options.resume ?? false, done !== undefined);
  } catch (e) {
    disposeParts(parts);
    disposeData(split, measureData);
    throw e;
  }
  log(`antitrain: ${options.resume ? "resuming" : "starting"} ${out}: ${total} steps on the tfjs "${backend}" backend`);
  if (config.model.kind === "layers" && config.model.training && hasDropout(model)) {
    log("antitrain: the model has dropout layers and model.training is true: their draws come from TensorFlow.js, not from the seed, so this run is not reproducible and a resumed run differs from an uninterrupted one");
  }
  const memory: { step: number; numTensors: number; numBytes: number }[] = [];
  let stop = false;
  const onSignal = (signal: string) => {
    if (!stop) log(`antitrain: ${signal} received: finishing the current step, then checkpointing`);
    stop = true;
  };
  const onInt = () => onSignal("SIGINT");
  const onTerm = () => onSignal("SIGTERM");
  if (options.handleSignals ?? true) {
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  }
  let lastCheckpoint = -1;
  const checkpoint = async (step: number) => {
    writeCheckpoint(out, await captureRun(step, parts), { keep: config.keepCheckpoints });
    lastCheckpoint = step;
    const m = tf.memory();
    memory.push({ step, numTensors: m.numTensors, numBytes: m.numBytes });
    const loss = history.losses[step - 1];
    log(`antitrain: step ${step}/${total}, loss ${loss?.toFixed(4)}, checkpoint ckpt-${step} written (${m.numTensors} tensors live)`);
  };
  try {
    let step = 0;
    if (options.resume) {
      const found = latestCheckpoint(out, { onSkip: (s) => log(`antitrain: skipping a bad checkpoint: ${s.reason}`) });
      if (found !== undefined) {
        const saved = (found.checkpoint.state as { config?: unknown }).config;
        const diff = configDifference(saved, config);
        if (diff !== undefined) throw new AntitrainError(`cannot resume ${out}: its checkpoint was made with another config (key "${diff}" differs); use the original config or another --out`);
        const savedHash = (found.checkpoint.state as { modelSha256?: unknown }).modelSha256;
        if (savedHash !== parts.modelSha256 && !(savedHash === undefined && parts.modelSha256 === undefined)) {
          throw new AntitrainError(
            `cannot resume ${out}: the model file ${config.model.kind === "layers" ? config.model.path : ""} changed since the run started (SHA-256 ${String(savedHash).slice(0, 12)}… then, ${String(parts.modelSha256).slice(0, 12)}… now); put the original model back or start a new run in another --out`,
          );
        }
        step = await restoreRun(found.checkpoint, parts);
        lastCheckpoint = step;
        log(`antitrain: resuming ${out} from ${path.basename(found.folder)} (step ${step} of ${total})`);
      } else {
        log(`antitrain: no usable checkpoint in ${out}; starting from step 0`);
      }
    }
    while (step < total && !stop && !(options.shouldStop?.() ?? false)) {
      step++;
      runStep(step, parts, config, log);
      if (config.evalEvery > 0 && step % config.evalEvery === 0) history.evals.push({ step, ...evaluate(model, split.test as Dataset) });
      if (step % config.checkpointEvery === 0 || step === total) await checkpoint(step);
      await new Promise<void>((resolve) => setImmediate(resolve)); // lets signals and timers in
    }
    if (step < total) {
      if (lastCheckpoint !== step) await checkpoint(step);
      log(`antitrain: stopped after step ${step} of ${total}; checkpoint ${path.join(out, `ckpt-${step}`)} written. Resume with: ${options.resumeHint ?? `antitrain run CONFIG --out ${out} --resume`}`);
      return { status: "interrupted", step, out, history, memory };
    }
    const final = evaluate(model, split.test as Dataset);
    const cores = new Map([...parts.antitrainer.splits].map(([site, s]) => [site, s.core]));
    const outputs = await writeOutputs(config, model, cores, measureData, out, log);
    const extra = { ...(parts.modelSha256 === undefined ? {} : { modelSha256: parts.modelSha256 }), ...(outputs === undefined ? {} : { outputs }) };
    const result: RunResult = { status: "done", step, out, history, final, memory, ...extra };
    writeJsonAtomic(path.join(out, "result.json"), { config, status: "done", step, out, history, final, ...extra });
    log(`antitrain: done, ${step} steps; test accuracy ${final.accuracy.toFixed(4)}, loss ${final.loss.toFixed(4)}; results in ${path.join(out, "result.json")}`);
    return result;
  } catch (e) {
    if (e instanceof AntitrainError && lastCheckpoint >= 0) {
      throw new AntitrainError(`${e.message}. The last good checkpoint is ${path.join(out, `ckpt-${lastCheckpoint}`)}`);
    }
    throw e;
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
    disposeParts(parts);
    disposeData(split, measureData);
  }
}

function disposeParts(parts: RunParts): void {
  parts.antitrainer.dispose();
  parts.optimizer.dispose();
  parts.model.dispose();
}

function disposeData(split: Split<tf.Tensor>, measureData: Dataset<tf.Tensor>): void {
  disposeDataset(measureData);
  disposeDataset(split.train);
  disposeDataset(split.test);
}

/** True when a wrapped layers model has a dropout-like layer (random in training mode). */
function hasDropout(model: HookedModel): boolean {
  if (!(model instanceof LayersHookedModel)) return false;
  return model.layerCalls().some((c) => /Dropout|GaussianNoise/.test(c.layer.getClassName()));
}

/**
 * The train/test data of the config's task: `[n, features]`, or images `[n, h, w, 1]` for digits with `image: true`
 * and Fashion-MNIST with `flatten: false`.
 */
export function buildTask(config: RunConfig): Split<tf.Tensor> {
  const t = config.task;
  if (t.kind === "digits") {
    const split = digits({ test: t.test, splitSeed: t.splitSeed, ...(t.trainLimit > 0 ? { trainLimit: t.trainLimit } : {}) });
    if (t.image !== true) return split;
    const image = (d: Dataset): Dataset<tf.Tensor4D> => {
      const x = tf.reshape(d.x, [d.x.shape[0], 8, 8, 1]) as tf.Tensor4D;
      d.x.dispose();
      return { x, y: d.y, classes: d.classes };
    };
    return { train: image(split.train), test: image(split.test) };
  }
  if (t.kind === "fashion-mnist") {
    const subsample = { ...(t.train > 0 ? { train: t.train } : {}), ...(t.test > 0 ? { test: t.test } : {}) };
    return fashionMnist({ subsample, seed: t.seed, flatten: t.flatten, standardize: t.standardize });
  }
  return teacherStudent({ inputs: t.inputs, teacherHidden: t.teacherHidden, classes: t.classes, train: t.train, test: t.test, seed: t.seed });
}

/** The model, optimizer, batch stream and antitrainer of a run, fresh from its config. */
async function buildParts(config: RunConfig, trainData: Dataset<tf.Tensor>, measureData: Dataset<tf.Tensor>): Promise<RunParts> {
  const { model, modelSha256 } = await buildRunModel(config, trainData);
  const train = trainData as Dataset; // any rank: the model checked the shape
  const history: RunHistory = { losses: [], measures: [], evals: [], blowups: [] };
  const s = config.schedule;
  let antitrainer: Antitrainer;
  try {
    antitrainer = new Antitrainer(model, config.sites, {
    schedule: s.kind === "interleaved" ? interleaved(s.antiSteps, { cycle: s.cycle }) : cyclic(s.train, s.anti),
    data: measureData as Dataset,
    fraction: config.fraction,
    reportFraction: config.reportFraction,
    metric: config.metric,
    rankMetric: config.rankMetric,
    method: config.method,
    target: config.target,
    learningRate: config.antitrain.learningRate,
    batchSize: config.antitrain.batchSize,
    samples: config.antitrain.samples,
    seed: config.seed,
    onMeasure: (r) => {
      const record = { step: r.step, site: r.site, core: [...r.split.core], fractionReached: r.split.fractionReached, reportCore: r.report.core.length };
      history.measures.push(record);
    },
  });
  } catch (e) {
    model.dispose();
    throw e;
  }
  const stream = new BatchStream(train, config.batchSize, config.seed);
  return { config, model, optimizer: tf.train.adam(config.optimizer.learningRate), stream, antitrainer, history, ...(modelSha256 === undefined ? {} : { modelSha256 }) };
}

/** One training step, then the antitrainer's work, then the checks for non-finite values and blow-ups. */
function runStep(step: number, parts: RunParts, config: RunConfig, log: (line: string) => void): void {
  const { model, optimizer, antitrainer, history } = parts;
  const batch = parts.stream.next();
  try {
    const vars = model.variables();
    // optimizer.minimize in two halves, so a non-finite loss is caught before it reaches the weights.
    const { value, grads } = tf.variableGrads(() => tf.mean(crossEntropy(model.forward(batch.x), batch.y)) as tf.Scalar, vars);
    const loss = value.dataSync()[0];
    value.dispose();
    if (Number.isFinite(loss)) optimizer.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
    tf.dispose(grads);
    if (!Number.isFinite(loss)) {
      const where = firstNonFiniteSite(model, batch);
      throw new AntitrainError(
        `run stopped at step ${step}: the training loss is ${loss}${where}; lower optimizer.learningRate or check the data for NaN/inf`,
      );
    }
    history.losses.push(loss);
    if (step > config.pretrainSteps) {
      try {
        antitrainer.afterStep(batch);
      } catch (e) {
        if (e instanceof AntitrainError) throw new AntitrainError(`run stopped at step ${step} during antitraining: ${e.message}`);
        throw e;
      }
    }
    checkSites(step, parts, batch, config, log);
  } finally {
    disposeDataset(batch);
  }
}

/**
 * Throws when any site's activation holds NaN/inf; records blown-up spectators once per measurement cycle (and
 * rescales them when asked).
 */
function checkSites(step: number, parts: RunParts, batch: Dataset, config: RunConfig, log: (line: string) => void): void {
  const { model, antitrainer, history } = parts;
  for (const { name } of model.sites()) {
    const cut = model.split(name, batch.x);
    try {
      try {
        requireFinite(cut.act, `activations of site "${name}"`);
      } catch (e) {
        throw new AntitrainError(`run stopped at step ${step}: ${(e as Error).message}`);
      }
      const split = antitrainer.splits.get(name);
      const stats = antitrainer.stats.get(name);
      if (split === undefined || stats === undefined || step <= config.pretrainSteps) continue;
      for (const [key, arr] of [["mean", stats.mean], ["std", stats.std]] as const) {
        if (!arr.every(Number.isFinite)) throw new AntitrainError(`run stopped at step ${step}: the ${key} of site "${name}" holds NaN or infinity`);
      }
      const blowup = spectatorBlowup(cut.act, split, stats, config.blowup.factor);
      const cycle = history.measures.filter((m) => m.site === name).length;
      const last = history.blowups.filter((b) => b.site === name).pop();
      if (blowup !== undefined && (last?.cycle !== cycle || config.blowup.renormalize)) {
        const renormalized = config.blowup.renormalize;
        if (renormalized) rescaleUnits(model, name, blowup.units, blowup.ratios);
        history.blowups.push({ step, cycle, site: name, units: blowup.units, ratios: blowup.ratios, renormalized });
        const worst = Math.max(...blowup.ratios);
        log(
          `antitrain: step ${step}: ${blowup.units.length} spectator(s) of site "${name}" grew past ${config.blowup.factor}× their measured scale (worst ${worst.toPrecision(3)}×, units ${blowup.units.slice(0, 8).join(", ")})${renormalized ? "; rescaled" : ""}`,
        );
      }
    } finally {
      cut.dispose();
    }
  }
}

/** Names the first site whose activation on `batch` is not finite (for fault messages), or "". */
function firstNonFiniteSite(model: RunParts["model"], batch: Dataset): string {
  for (const { name } of model.sites()) {
    const cut = model.split(name, batch.x);
    try {
      const bad = tf.tidy(() => tf.logicalNot(tf.isFinite(cut.act)).any(0).dataSync());
      const unit = bad.indexOf(1);
      if (unit >= 0) return ` (first non-finite activation: site "${name}", unit ${unit})`;
    } finally {
      cut.dispose();
    }
  }
  return "";
}

/** Creates `out` and its config.json, or checks an existing run there matches and may be resumed. */
function prepareFolder(out: string, config: RunConfig, resume: boolean, complete: boolean): void {
  const configFile = path.join(out, "config.json");
  const existing = readJson<unknown>(configFile);
  const hasRun = existing !== undefined || listCheckpoints(out).length > 0 || complete;
  if (hasRun && !resume) {
    throw new AntitrainError(`${out} already holds a run: pass --resume to continue it, or choose another --out`);
  }
  if (existing !== undefined) {
    const diff = configDifference(existing, config);
    if (diff !== undefined) {
      throw new AntitrainError(`cannot resume ${out}: it was started with another config (key "${diff}" differs); use the original config or another --out`);
    }
  }
  fs.mkdirSync(out, { recursive: true });
  if (existing === undefined) writeJsonAtomic(configFile, config);
}
